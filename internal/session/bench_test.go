package session

import (
	"context"
	"testing"

	"github.com/gomx-dev/gomx/engine"
	"gonum.org/v1/gonum/mat"
)

func benchExec(b *testing.B, s *Session, code string) {
	b.Helper()
	out := &recorder{}
	for b.Loop() {
		out.Reset()
		if res := s.Execute(context.Background(), code, engine.ExecOptions{}, out); res.Error != nil {
			b.Fatal(res.Error)
		}
	}
}

// BenchmarkCell1Plus1 is the round trip of the cell `1 + 1` in process:
// splitting, rewriting, compiling, running and rendering its value.
func BenchmarkCell1Plus1(b *testing.B) {
	benchExec(b, newSession(b), "1 + 1")
}

// BenchmarkNewSession is the start of a session with all the tables.
func BenchmarkNewSession(b *testing.B) {
	for b.Loop() {
		if _, err := New(Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func matrices(n int) (*mat.Dense, *mat.Dense) {
	a, c := mat.NewDense(n, n, nil), mat.NewDense(n, n, nil)
	for i := range n {
		for j := range n {
			a.Set(i, j, float64(i+j)/float64(n))
			c.Set(i, j, float64(i-j)/float64(n))
		}
	}
	return a, c
}

// BenchmarkCellMatMul is a cell multiplying two 200×200 matrices with
// gonum: the cost of a call into compiled code from a cell, to compare with
// BenchmarkCompiledMatMul.
func BenchmarkCellMatMul(b *testing.B) {
	s := newSession(b)
	if res, _ := exec(b, s, `n := 200
a := mat.NewDense(n, n, nil)
c := mat.NewDense(n, n, nil)
for i := range n {
	for j := range n {
		a.Set(i, j, float64(i+j)/float64(n))
		c.Set(i, j, float64(i-j)/float64(n))
	}
}
var p mat.Dense`); res.Error != nil {
		b.Fatal(res.Error)
	}
	benchExec(b, s, "p.Mul(a, c)")
}

// BenchmarkCompiledMatMul is BenchmarkCellMatMul's multiplication in
// compiled Go.
func BenchmarkCompiledMatMul(b *testing.B) {
	a, c := matrices(200)
	var p mat.Dense
	for b.Loop() {
		p.Mul(a, c)
	}
}

// BenchmarkCellCallCompiled is a cell calling a compiled function 1000
// times in an interpreted loop; per call it costs the reported time / 1000.
func BenchmarkCellCallCompiled(b *testing.B) {
	s := newSession(b)
	exec(b, s, "acc := 0.0")
	benchExec(b, s, "for i := 0; i < 1000; i++ { acc += math.Sqrt(float64(i)) }")
}

// BenchmarkSumLoop is the interpreted loop of the Go fidelity issue's
// speed budget: a 1e7-step sum at a cell's top level.
func BenchmarkSumLoop(b *testing.B) {
	s := newSession(b)
	benchExec(b, s, "s := 0\nfor i := 0; i < 10000000; i++ { s += i }")
}

// BenchmarkSelectLoop is a cell of 40,000 select statements with a
// default case (a send, then a receive, on a buffered channel): the cost
// of the runtime's Select (selects.go) per select is the time / 40,000.
func BenchmarkSelectLoop(b *testing.B) {
	benchExec(b, newSession(b), `c := make(chan int, 1)
n := 0
for i := 0; i < 20000; i++ {
	select {
	case c <- i:
	default:
	}
	select {
	case v := <-c:
		n += v & 1
	default:
	}
}`)
}
