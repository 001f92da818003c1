package ot

import "testing"

func TestSNSReference(t *testing.T) {
	for _, tc := range sinkhornCases(t) {
		r, err := SNS(tc.A, tc.B, dense(tc.M), tc.Reg, &Settings{Tol: 1e-12})
		if err != nil || r.Status != Converged {
			t.Fatalf("%s: err %v status %v", tc.Name, err, r.Status)
		}
		if d := maxAbsDiff(t, r.Plan, tc.Log.Plan); d > 1e-10 {
			t.Errorf("%s: plan differs from POT's sinkhorn_log by %g", tc.Name, d)
		}
		t.Logf("%s: it %d newton %d cg %d passes %d fb %d", tc.Name, r.Iterations, r.NewtonSteps, r.CGIterations, r.Passes, r.Fallbacks)
	}
}
