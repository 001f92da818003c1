package cbo

import (
	"errors"
	"fmt"
	"math"
	"testing"
	"time"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize"
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

func finiteVec(x []float64) bool {
	for _, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}

// TestPropertyBadInput is issue 18's property test for cbo: Minimize,
// RunMany and Method on objectives that are NaN or +Inf everywhere, NaN
// on a half-space, constant, scaled by 1e±300, in one dimension, with one
// particle, identical or NaN initial particles and initial particles at
// 1e300 return within a second without a panic; Failed comes with an
// error; Converged has a finite consensus and is reached after at least
// one step (the initial particles are never the result). The sphere
// scaled by s with α/s has the weights of the plain sphere with α = 1, so
// it must end like that run: same status and iterations, consensus within
// 1e-9 (scaling adds rounding only).
func TestPropertyBadInput(t *testing.T) {
	const d = 2
	nan, inf := math.NaN(), math.Inf(1)
	same := mat.NewDense(4, d, []float64{1, 1, 1, 1, 1, 1, 1, 1})
	withNaN := mat.NewDense(4, d, []float64{1, 1, nan, 0, -1, 0.5, 0, 0})
	far := mat.NewDense(4, d, []float64{1e300, 0, -1e300, 0, 0, 1e300, 0, -1e300})
	cases := []struct {
		name      string
		dim       int
		f         func([]float64) float64
		s         Settings
		atZero    bool  // the run is the sphere's with α·f unchanged: same outcome
		wantErr   error // the run must fail with this error (nil: any outcome allowed)
		mustFail  bool
		mayDiverg bool // the particles may leave the floating-point range
	}{
		{"NaN everywhere", d, func([]float64) float64 { return nan }, Settings{}, false, errNoFiniteEnergy, true, false},
		{"+Inf everywhere", d, func([]float64) float64 { return inf }, Settings{}, false, errNoFiniteEnergy, true, false},
		{"NaN half-space", d, func(x []float64) float64 {
			if x[0] > 0 {
				return nan
			}
			return Sphere(x)
		}, Settings{Sigma: 0.5}, false, nil, false, false},
		{"constant", d, func([]float64) float64 { return 0 }, Settings{Sigma: 0.5}, false, nil, false, false},
		{"sphere ×1e300", d, func(x []float64) float64 { return 1e300 * Sphere(x) }, Settings{Sigma: 0.5, Alpha: 1e-300}, true, nil, false, false},
		{"sphere ×1e-300", d, func(x []float64) float64 { return 1e-300 * Sphere(x) }, Settings{Sigma: 0.5, Alpha: 1e300, AlphaMax: 1e300}, true, nil, false, false},
		{"one dimension", 1, Sphere, Settings{Sigma: 0.5}, false, nil, false, false},
		{"one particle", d, Sphere, Settings{N: 1}, false, errCollapsed, true, false},
		{"identical particles", d, Sphere, Settings{N: 4, Init: same}, false, errCollapsed, true, false},
		{"NaN particle", d, Sphere, Settings{N: 4, Init: withNaN}, false, nil, true, false},
		{"particles at 1e300", d, Sphere, Settings{N: 4, Init: far}, false, nil, false, true},
		{"CBXpy defaults", d, Rastrigin, Settings{}, false, nil, false, true},
	}
	for _, c := range cases {
		for _, seed := range []uint64{1, 2} {
			name := fmt.Sprintf("%s/seed %d", c.name, seed)
			s := c.s
			s.Seed = seed
			var r *Result
			var err error
			p := &Problem{Dim: c.dim, Func: c.f}
			if perr := promptly(t, name, func() { r, err = Minimize(p, &s) }); perr != nil {
				t.Errorf("%s: %v", name, perr)
				continue
			}
			switch {
			case r.Status == Failed && err == nil:
				t.Errorf("%s: Failed without an error", name)
			case r.Status != Failed && err != nil:
				t.Errorf("%s: %v with error %v", name, r.Status, err)
			case c.wantErr != nil && !errors.Is(err, c.wantErr):
				t.Errorf("%s: %v, err %v; want %v", name, r.Status, err, c.wantErr)
			case c.mustFail && r.Status != Failed:
				t.Errorf("%s: %v, want Failed", name, r.Status)
			case r.Status == Failed && !c.mustFail && !c.mayDiverg && c.wantErr == nil:
				t.Errorf("%s: Failed: %v", name, err)
			case r.Status == Converged && (!finiteVec(r.Consensus) || r.Iterations == 0):
				t.Errorf("%s: Converged after %d iterations at %v", name, r.Iterations, r.Consensus)
			}
			if c.atZero {
				ref, _ := Minimize(&Problem{Dim: c.dim, Func: Sphere}, &Settings{Sigma: 0.5, Seed: seed})
				if r.Status != ref.Status || r.Iterations != ref.Iterations || !finiteVec(r.Consensus) {
					t.Errorf("%s: %v after %d, the plain sphere: %v after %d", name, r.Status, r.Iterations, ref.Status, ref.Iterations)
				}
				for j, v := range ref.Consensus {
					if math.Abs(r.Consensus[j]-v) > 1e-9 {
						t.Errorf("%s: consensus %v, the plain sphere's %v", name, r.Consensus, ref.Consensus)
						break
					}
				}
			}
		}
	}
	// RunMany and Method see the same collapsed start.
	p := &Problem{Dim: d, Func: Sphere}
	if perr := promptly(t, "RunMany", func() {
		rs, err := RunMany(p, &Settings{N: 1}, []uint64{1, 2})
		if !errors.Is(err, errCollapsed) {
			t.Errorf("RunMany with N = 1: err %v, want the collapsed-start error", err)
		}
		for _, r := range rs {
			if r != nil && r.Status == Converged {
				t.Error("RunMany with N = 1: a run reports Converged")
			}
		}
	}); perr != nil {
		t.Errorf("RunMany: %v", perr)
	}
	if perr := promptly(t, "Method", func() {
		res, err := optimize.Minimize(optimize.Problem{Func: Sphere}, []float64{1, 1}, nil, &Method{Settings: Settings{N: 4, Init: same}})
		if !errors.Is(err, errCollapsed) || res.Status == optimize.MethodConverge {
			t.Errorf("Method with identical particles: status %v, err %v; want a failure with the collapsed-start error", res.Status, err)
		}
	}); perr != nil {
		t.Errorf("Method: %v", perr)
	}
	// A box that pins every coordinate makes its only point the answer.
	pinned := &Problem{Dim: d, Func: Sphere, Lower: []float64{2, 3}, Upper: []float64{2, 3}}
	r, err := Minimize(pinned, nil)
	if err != nil || r.Status != Converged || math.Abs(r.Consensus[0]-2) > 1e-15 || math.Abs(r.Consensus[1]-3) > 1e-15 {
		t.Errorf("pinned box: %v %v at %v, want Converged at (2, 3) to rounding", r.Status, err, r.Consensus)
	}
}
