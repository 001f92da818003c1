package cbo

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/optimize"
)

// TestMethodRastrigin2D: optimize.Minimize with cbo.Method finds the global
// minimum of the 2-D Rastrigin function from a start in a far basin, for
// every seed and with 1 or 4 concurrent evaluations (same trajectory).
func TestMethodRastrigin2D(t *testing.T) {
	p := optimize.Problem{Func: Rastrigin}
	x0 := []float64{2.8, -3.1}
	for seed := range uint64(5) {
		var first *optimize.Result
		for _, conc := range []int{1, 4} {
			m := &Method{Settings: Settings{N: 100, Sigma: 1, Alpha: 1e4, Dt: 0.05, InitRadius: 4, Seed: seed}}
			res, err := optimize.Minimize(p, x0, &optimize.Settings{Concurrent: conc, MajorIterations: 5000}, m)
			if err != nil {
				t.Fatalf("seed %d: %v", seed, err)
			}
			if math.Abs(res.X[0]) > 1e-3 || math.Abs(res.X[1]) > 1e-3 || res.F > 1e-4 {
				t.Errorf("seed %d concurrent %d: x = %v, f = %v, status %v; want the origin", seed, conc, res.X, res.F, res.Status)
			}
			if c := m.Consensus(); math.Max(math.Abs(c[0]), math.Abs(c[1])) > 0.01 {
				t.Errorf("seed %d: consensus %v", seed, c)
			}
			if first == nil {
				first = res
			} else if res.F != first.F || res.X[0] != first.X[0] || res.FuncEvaluations != first.FuncEvaluations {
				t.Errorf("seed %d: concurrent evaluation changed the run: %v vs %v", seed, res.Location, first.Location)
			}
		}
	}
}

// TestMethodConverges: the method stops itself with MethodConverge once the
// particles have collapsed.
func TestMethodConverges(t *testing.T) {
	m := &Method{Settings: Settings{N: 50, Sigma: 0.5, Alpha: 1e3, Dt: 0.05, InitRadius: 2}}
	res, err := optimize.Minimize(optimize.Problem{Func: Sphere}, []float64{1, 1, 1},
		&optimize.Settings{Converger: optimize.NeverTerminate{}}, m)
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != optimize.MethodConverge {
		t.Errorf("status %v, want MethodConverge", res.Status)
	}
	if res.F > 0.01 {
		t.Errorf("f = %v", res.F)
	}
}

// TestMethodFailure: a NaN objective ends the run with Failure and an error.
func TestMethodFailure(t *testing.T) {
	m := &Method{}
	res, err := optimize.Minimize(optimize.Problem{Func: func([]float64) float64 { return math.NaN() }},
		[]float64{1}, nil, m)
	if err == nil || res.Status != optimize.Failure {
		t.Errorf("status %v, err %v; want Failure with an error", res.Status, err)
	}
}
