package online

import (
	"fmt"
	"math"
	"testing"
	"time"

	"gonum.org/v1/gonum/mat"
)

// promptly runs f, turning a panic into an error, and fails the test when
// f has not returned after a second.
func promptly(t *testing.T, name string, f func()) error {
	t.Helper()
	done := make(chan error, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				done <- fmt.Errorf("panic: %v", p)
			}
		}()
		f()
		done <- nil
	}()
	select {
	case err := <-done:
		return err
	case <-time.After(time.Second):
		t.Fatalf("%s: no return within 1 s", name)
		return nil
	}
}

// inDomain reports whether x is in dom to a relative 1e-9.
func inDomain(dom Domain, x []float64) bool {
	var sum, sq float64
	for _, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
		sum += v
		sq += v * v
	}
	switch dom {
	case Simplex():
		for _, v := range x {
			if v < -1e-12 {
				return false
			}
		}
		return math.Abs(sum-1) <= 1e-9
	case Ball(1):
		return math.Sqrt(sq) <= 1+1e-9
	}
	for _, v := range x {
		if v < dom.Lo-1e-9 || v > dom.Hi+1e-9 {
			return false
		}
	}
	return true
}

// TestPropertyBadInput is issue 18's property test for online: OGD, FTRL
// and OMD (Euclidean and Entropic, plain, optimistic and with learned
// hints) on the ball, the box and the simplex, against gradient tables of
// zeros, one dimension, a NaN or ±Inf gradient at round 3, scales 1e±300,
// return within a second without a panic; Failed comes with an error;
// otherwise every played point stays in the domain and the loss and
// history are finite.
func TestPropertyBadInput(t *testing.T) {
	const T = 500
	table := func(rows, d int, f func(i, j int) float64) *Sequence {
		g := mat.NewDense(rows, d, nil)
		for i := 0; i < rows; i++ {
			for j := 0; j < d; j++ {
				g.Set(i, j, f(i, j))
			}
		}
		return NewSequence(g)
	}
	wave := func(i, j int) float64 { return math.Sin(float64(3*i + j)) }
	at3 := func(v float64) func(i, j int) float64 {
		return func(i, j int) float64 {
			if i == 2 && j == 1 {
				return v
			}
			return wave(i, j)
		}
	}
	envs := []struct {
		name    string
		env     *Sequence
		badData bool // NaN/±Inf in the data: Failed is the expected outcome
	}{
		{"zeros", table(4, 3, func(int, int) float64 { return 0 }), false},
		{"one dimension", table(7, 1, wave), false},
		{"NaN at round 3", table(7, 3, at3(math.NaN())), true},
		{"+Inf at round 3", table(7, 3, at3(math.Inf(1))), true},
		{"-Inf at round 3", table(7, 3, at3(math.Inf(-1))), true},
		{"1e300", table(7, 3, func(i, j int) float64 { return 1e300 * wave(i, j) }), false},
		{"1e-300", table(7, 3, func(i, j int) float64 { return 1e-300 * wave(i, j) }), false},
	}
	type algo struct {
		name string
		run  func(env Environment, dom Domain, T int, s *Settings) (*Result, error)
		s    Settings
	}
	algos := []algo{
		{"OGD", OGD, Settings{}}, {"OGD/strongly convex", OGD, Settings{StrongConvexity: 1}},
		{"FTRL", FTRL, Settings{}}, {"FTRL/optimistic", FTRL, Settings{Optimistic: true}},
		{"OMD", OMD, Settings{}}, {"OMD/optimistic", OMD, Settings{Optimistic: true}},
		{"OMD/learned hint", OMD, Settings{Optimistic: true, HintWeight: LearnedHint}},
		{"OMD/constant η", OMD, Settings{Eta: 0.1}},
	}
	for _, e := range envs {
		for _, dom := range []Domain{Ball(1), Box(-1, 1), Simplex()} {
			for _, a := range algos {
				for _, mirror := range []Mirror{Euclidean, Entropic} {
					if mirror == Entropic && (dom != Simplex() || a.name[:3] == "OGD") {
						continue
					}
					name := fmt.Sprintf("%s/%s/domain %d/mirror %d", a.name, e.name, dom.Kind, mirror)
					s := a.s
					s.Mirror = mirror
					var r *Result
					var err error
					if perr := promptly(t, name, func() { r, err = a.run(e.env, dom, T, &s) }); perr != nil {
						t.Errorf("%s: %v", name, perr)
						continue
					}
					switch {
					case r.Status == Failed && err == nil:
						t.Errorf("%s: Failed without an error", name)
					case r.Status == Failed && !e.badData:
						t.Errorf("%s: Failed on finite data: %v", name, err)
					case r.Status == Failed:
					case err != nil:
						t.Errorf("%s: %v with error %v", name, r.Status, err)
					case e.badData:
						t.Errorf("%s: %v on data with NaN/Inf (loss %g)", name, r.Status, r.Loss)
					case !inDomain(dom, r.X):
						t.Errorf("%s: last point %v outside the domain", name, r.X)
					case math.IsNaN(r.Loss) || math.IsInf(r.Loss, 0) && e.name != "1e300":
						t.Errorf("%s: loss %g", name, r.Loss)
					}
				}
			}
		}
	}
}

// TestProjectExtremeScale: Domain.Project at scales where squaring
// overflows or the simplex's mass is below the rounding of the entries.
// The ball's projection of (3, 4)·1e300 is (0.6, 0.8) (it was 0: the
// squared norm overflowed); the simplex's of (1e20, 1, 2) is (1, 0, 0)
// (it was 0).
func TestProjectExtremeScale(t *testing.T) {
	cases := []struct {
		name string
		dom  Domain
		x    []float64
		want []float64
	}{
		{"ball 1e300", Ball(1), []float64{3e300, 4e300}, []float64{0.6, 0.8}},
		{"ball 1e-300", Ball(1e-299), []float64{3e-300, 4e-300}, []float64{3e-300, 4e-300}},
		{"ball 1e-300 outside", Ball(1e-300), []float64{3e-300, 4e-300}, []float64{0.6e-300, 0.8e-300}},
		{"simplex 1e20", Simplex(), []float64{1e20, 1, 2}, []float64{1, 0, 0}},
		{"simplex 1e300 tie", Simplex(), []float64{1e300, -1e300, 1e300}, []float64{0.5, 0, 0.5}},
		{"box 1e300", Box(-1, 1), []float64{1e300, -1e300}, []float64{1, -1}},
	}
	for _, c := range cases {
		x := append([]float64(nil), c.x...)
		c.dom.Project(x, make([]float64, len(x)))
		for i, v := range c.want {
			if math.Abs(x[i]-v) > 1e-15*math.Max(1e-300, math.Abs(v)) {
				t.Errorf("%s: %v, want %v", c.name, x, c.want)
				break
			}
		}
	}
}
