package ot

import (
	"math"
	"testing"
)

func TestSNSReference(t *testing.T) {
	for _, tc := range sinkhornCases(t) {
		for _, tr := range []bool{false, true} {
			r, err := SNS(tc.A, tc.B, dense(tc.M), tc.Reg, &Settings{Tol: 1e-12, TrustRegion: tr})
			if err != nil || r.Status != Converged {
				t.Fatalf("%s trust region %v: err %v status %v", tc.Name, tr, err, r.Status)
			}
			if d := maxAbsDiff(t, r.Plan, tc.Log.Plan); d > 1e-10 {
				t.Errorf("%s trust region %v: plan differs from POT's sinkhorn_log by %g", tc.Name, tr, d)
			}
			t.Logf("%s trust region %v: it %d newton %d cg %d passes %d fb %d", tc.Name, tr, r.Iterations, r.NewtonSteps, r.CGIterations, r.Passes, r.Fallbacks)
		}
	}
}

// On a B2-shaped problem (ε = 0.002·max M) SNS needs at least 10× fewer
// passes than Sinkhorn (whose iterates, and so passes, are those of the
// log-domain solver) and the same plan; the sparsification level does not
// change the answer, only the work.
func TestSNSSmallRegPasses(t *testing.T) {
	a, M, reg := benchProblem(200, 0.002)
	s := &Settings{Tol: 1e-11}
	sk, err := Sinkhorn(a, a, M, reg, &Settings{Tol: 1e-11, MaxIter: 100000})
	if err != nil || sk.Status != Converged {
		t.Fatal(err, sk.Status)
	}
	for k, delta := range []float64{0, 1e-300, 1e-1, 0} {
		s.Delta, s.TrustRegion = delta, k == 3
		r, err := SNS(a, a, M, reg, s)
		if err != nil || r.Status != Converged {
			t.Fatalf("delta %g: %v %v", delta, err, r.Status)
		}
		if 10*r.Passes > sk.Passes {
			t.Errorf("delta %g: SNS %d passes, Sinkhorn %d", delta, r.Passes, sk.Passes)
		}
		n, m := r.Plan.Dims()
		var d float64
		for i := 0; i < n; i++ {
			for j := 0; j < m; j++ {
				d = math.Max(d, math.Abs(r.Plan.At(i, j)-sk.Plan.At(i, j)))
			}
		}
		if d > 1e-10 {
			t.Errorf("delta %g: plans differ by %g", delta, d)
		}
		t.Logf("delta %g: passes %d (Sinkhorn %d), Newton %d, CG %d, fallbacks %d", delta, r.Passes, sk.Passes, r.NewtonSteps, r.CGIterations, r.Fallbacks)
	}
}
