package session

import (
	"context"
	"testing"

	"github.com/gomx-dev/gomx/engine"
)

// BenchmarkStdGeneric runs slices.Sort of 1e5 elements and slices.Index
// over them from a cell: of []int, through the runtime's compiled
// instantiations, and of []D (type D int, a session type), through the
// copy of the functions' GOROOT source that the front end makes.
//
//	go test ./internal/session -run '^$' -bench StdGeneric -benchtime 5x
func BenchmarkStdGeneric(b *testing.B) {
	setup := `import "slices"
type D int
data := make([]int, 100000)
for i := range data { data[i] = (i * 7919) % 100003 }
dd := make([]D, len(data))
for i, v := range data { dd[i] = D(v) }
xs := make([]int, len(data))
ds := make([]D, len(data))`
	for _, c := range []struct{ name, code string }{
		{"Sort/int_compiled", "copy(xs, data); slices.Sort(xs)"},
		{"Sort/named_copy", "copy(ds, dd); slices.Sort(ds)"},
		{"Index/int_compiled", "slices.Index(data, -1)"},
		{"Index/named_copy", "slices.Index(dd, -1)"},
	} {
		b.Run(c.name, func(b *testing.B) {
			s := newSession(b)
			if res, _ := exec(b, s, setup); res.Error != nil {
				b.Fatal(res.Error)
			}
			benchExec(b, s, c.code)
		})
	}
}

// BenchmarkStdGenericFirstCall is the first cell of a session that calls
// slices.Sort with a session type: reading and type-checking the source
// of slices and making, lowering and compiling the copies.
func BenchmarkStdGenericFirstCall(b *testing.B) {
	for b.Loop() {
		b.StopTimer()
		s := newSession(b)
		b.StartTimer()
		res := s.Execute(context.Background(), "import \"slices\"\ntype D int\nslices.Sort([]D{2, 1})", engine.ExecOptions{}, &recorder{})
		if res.Error != nil {
			b.Fatal(res.Error)
		}
	}
}
