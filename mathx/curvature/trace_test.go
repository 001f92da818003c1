package curvature

import (
	"math"
	"sort"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestHutchinsonCoverage is issue 20's Done-when: the estimate is within 3
// standard errors of the exact trace in at least 95 of 100 seeds (100
// probes each). For a Gaussian estimate the coverage would be 99.7%; the
// sample standard error of 100 probes makes it a little lower.
func TestHutchinsonCoverage(t *testing.T) {
	for _, kind := range []string{"wigner", "wishart", "spiked"} {
		h, op := randSym(kind, 200, 11)
		exact := trace(h)
		in := 0
		for seed := uint64(0); seed < 100; seed++ {
			r, err := Hutchinson(op, &Settings{Seed: seed})
			if err != nil || r.Status != Converged || r.Iterations != 100 {
				t.Fatalf("%s seed %d: status %v err %v iterations %d", kind, seed, r.Status, err, r.Iterations)
			}
			if math.Abs(r.Trace-exact) <= 3*r.StdErr {
				in++
			}
		}
		t.Logf("%s: %d of 100 within 3 standard errors", kind, in)
		if in < 95 {
			t.Errorf("%s: %d of 100 seeds within 3 standard errors, want ≥ 95", kind, in)
		}
	}
}

func TestHutchinsonDiagonalExactAndTol(t *testing.T) {
	d := 40
	h := mat.NewSymDense(d, nil)
	var tr float64
	for i := 0; i < d; i++ {
		h.SetSym(i, i, float64(i)-3)
		tr += float64(i) - 3
	}
	r, err := Hutchinson(Matrix(h), &Settings{MaxIter: 5})
	if err != nil || r.Trace != tr || r.StdErr != 0 {
		t.Errorf("diagonal: trace %v ± %v, want %v exactly (err %v)", r.Trace, r.StdErr, tr, err)
	}
	_, op := randSym("wishart", 100, 2)
	r, err = Hutchinson(op, &Settings{Tol: 0.05, MaxIter: 10000})
	if err != nil || r.Status != Converged || r.StdErr > 0.05*math.Abs(r.Trace) || r.Iterations >= 10000 {
		t.Errorf("Tol: status %v, %d probes, stderr %v, trace %v", r.Status, r.Iterations, r.StdErr, r.Trace)
	}
}

// TestSLQ: the broadened density integrates to 1 (trapezoid on its grid,
// to 1e-6), each probe's weights sum to 1, and the moments p = 0..4 of the
// quadrature match the exact (1/d)Σλᵖ within 3 stated standard errors in
// at least 9 of 10 seeds for every p (p = 0 exactly).
func TestSLQ(t *testing.T) {
	for _, kind := range []string{"wigner", "wishart", "spiked"} {
		h, op := randSym(kind, 300, 5)
		ev := exactEig(h)
		exact := make([]float64, 5)
		for p := range exact {
			for _, l := range ev {
				exact[p] += math.Pow(l, float64(p))
			}
			exact[p] /= float64(len(ev))
		}
		within := make([]int, 5)
		for seed := uint64(0); seed < 10; seed++ {
			r, err := SLQ(op, &Settings{Seed: seed, MaxIter: 20, Steps: 40})
			if err != nil || r.Status != Converged {
				t.Fatalf("%s: status %v err %v", kind, r.Status, err)
			}
			for l, w := range r.Weights {
				var s float64
				for _, x := range w {
					s += x
				}
				if math.Abs(s-1) > 1e-12 {
					t.Errorf("%s probe %d: weights sum to %v", kind, l, s)
				}
			}
			var integral float64
			for i := 1; i < len(r.Grid); i++ {
				integral += 0.5 * (r.Density[i] + r.Density[i-1]) * (r.Grid[i] - r.Grid[i-1])
			}
			if math.Abs(integral-1) > 1e-6 {
				t.Errorf("%s seed %d: density integrates to %v", kind, seed, integral)
			}
			for p := range exact {
				m, se := r.Moment(p)
				if math.Abs(m-exact[p]) <= 3*se+1e-12*math.Max(1, math.Abs(exact[p])) {
					within[p]++
				}
			}
		}
		for p, n := range within {
			if n < 9 {
				t.Errorf("%s: moment %d within 3 standard errors in %d of 10 seeds", kind, p, n)
			}
		}
	}
}

// TestSLQSpikedOutliers: the density of a spiked matrix has its outliers
// as nodes (Lanczos finds extreme eigenvalues first) with weight ≈ 1/d.
func TestSLQSpikedOutliers(t *testing.T) {
	_, op := randSym("spiked", 300, 8)
	r, err := SLQ(op, &Settings{MaxIter: 5, Steps: 30})
	if err != nil {
		t.Fatal(err)
	}
	for _, nodes := range r.Nodes {
		s := append([]float64(nil), nodes...)
		sort.Float64s(s)
		top := s[len(s)-5:]
		for i, want := range []float64{2, 4, 6, 8, 10} {
			if math.Abs(top[i]-want) > 1e-6 {
				t.Errorf("outlier node %v, want %v", top[i], want)
			}
		}
	}
}
