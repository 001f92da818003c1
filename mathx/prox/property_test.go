package prox

import (
	"fmt"
	"math"
	"testing"
	"time"
)

// badInputs are issue 18's inputs for operators on R^10: zeros, a NaN,
// ±Inf, duplicated entries, and scales near the ends of float64.
func badInputs() []struct {
	name string
	x    []float64
} {
	r := newRand(18)
	with := func(k int, v float64) []float64 {
		x := randVec(r, 10, 1)
		x[k] = v
		return x
	}
	dup := make([]float64, 10)
	for i := range dup {
		dup[i] = 0.7
	}
	mixed := randVec(r, 10, 1e300)
	for i := 0; i < 10; i += 2 {
		mixed[i] *= 1e-600 / 1e300 * 1e300 // ~1e-300
	}
	return []struct {
		name string
		x    []float64
	}{
		{"zeros", make([]float64, 10)},
		{"NaN", with(3, math.NaN())},
		{"+Inf", with(0, math.Inf(1))},
		{"-Inf", with(7, math.Inf(-1))},
		{"duplicated", dup},
		{"1e300", randVec(r, 10, 1e300)},
		{"1e-300", randVec(r, 10, 1e-300)},
		{"1e±300", mixed},
	}
}

func hasNonFinite(x []float64) bool {
	for _, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return true
		}
	}
	return false
}

func hasNaN(x []float64) bool {
	for _, v := range x {
		if math.IsNaN(v) {
			return true
		}
	}
	return false
}

// promptly runs f, turning a panic into an error and failing when f has
// not returned after a second.
func promptly(t *testing.T, name string, f func()) (err error) {
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
	case err = <-done:
		return err
	case <-time.After(time.Second):
		t.Fatalf("%s: no return within 1 s", name)
		return nil
	}
}

// TestPropertyBadInput is issue 18's property test for prox: every
// operator on every bad input returns within a second without panicking;
// a finite input gives a finite output (scales 1e±300 included), a point
// of the set for the projections, and a finite value; a NaN in the output
// comes only from a NaN or ±Inf in the input.
func TestPropertyBadInput(t *testing.T) {
	funcs := convexFuncs()
	funcs = append(funcs, []struct {
		name string
		f    Func
	}{{"L0", L0{}}, {"L0Ball", L0Ball{K: 3}}, {"GroupL0Ball", GroupL0Ball{Groups: testGroups, K: 2}}}...)
	sets := map[string]bool{"GroupL2Ball": true, "Box": true, "NonNeg": true, "Simplex": true, "L1Ball": true,
		"LInfBall": true, "L2Ball": true, "SpectralBall": true, "L0Ball": true, "GroupL0Ball": true}
	for _, in := range badInputs() {
		finiteIn := !hasNonFinite(in.x)
		for _, c := range funcs {
			for _, step := range []float64{0, 1e-300, 1, 1e300} {
				name := fmt.Sprintf("%s/%s/t=%g", c.name, in.name, step)
				dst := make([]float64, 10)
				var value float64
				err := promptly(t, name, func() {
					c.f.Prox(dst, in.x, step)
					value = c.f.Value(dst)
				})
				switch {
				case err != nil:
					t.Errorf("%s: %v", name, err)
				case finiteIn && hasNonFinite(dst):
					t.Errorf("%s: finite input gives %v", name, dst)
				case hasNaN(dst) && finiteIn:
					t.Errorf("%s: NaN output %v from a finite input", name, dst)
				case finiteIn && sets[c.name] && value != 0:
					t.Errorf("%s: the projection %v is outside the set (value %g)", name, dst, value)
				case finiteIn && (math.IsNaN(value) || math.IsInf(value, -1)):
					t.Errorf("%s: value %g at the prox point", name, value)
				}
			}
		}
	}
}

// TestPropertyShapes: the vector operators on one-element inputs give the
// closed form (the prox of a scalar); on empty inputs they do nothing,
// except where the call is a programmer error with these arguments (a
// one-entry box or group for an empty x, the empty simplex), which panics.
func TestPropertyShapes(t *testing.T) {
	x := []float64{-2.5}
	cases := []struct {
		name       string
		f          func(dst, x []float64)
		want       float64
		emptyPanic bool
	}{
		{"SoftThreshold", func(d, x []float64) { SoftThreshold(d, x, 1) }, -1.5, false},
		{"HardThreshold", func(d, x []float64) { HardThreshold(d, x, 1) }, -2.5, false},
		{"ProjBox", func(d, x []float64) { ProjBox(d, x, []float64{-1}, []float64{1}) }, -1, true},
		{"ProjSimplex", func(d, x []float64) { ProjSimplex(d, x, 2) }, 2, true},
		{"ProjL1Ball", func(d, x []float64) { ProjL1Ball(d, x, 2) }, -2, false},
		{"ProjL0Ball", func(d, x []float64) { ProjL0Ball(d, x, 1) }, -2.5, false},
		{"TV1D", func(d, x []float64) { TV1D(d, x, 5) }, -2.5, false},
		{"GroupSoftThreshold", func(d, x []float64) { GroupSoftThreshold(d, x, [][]int{{0}}, nil, 1) }, -1.5, true},
	}
	for _, c := range cases {
		dst := make([]float64, 1)
		if err := promptly(t, c.name, func() { c.f(dst, x) }); err != nil || dst[0] != c.want {
			t.Errorf("%s on [-2.5]: %v (%v), want %g", c.name, dst, err, c.want)
		}
		if err := promptly(t, c.name+"/empty", func() { c.f(nil, nil) }); (err != nil) != c.emptyPanic {
			t.Errorf("%s on an empty vector: %v, want a panic: %v", c.name, err, c.emptyPanic)
		}
	}
}
