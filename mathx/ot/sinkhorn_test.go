package ot

import (
	"errors"
	"testing"
)

var potStop = &Settings{Tol: 1e-12, MaxIter: 100000, Norm: L2Col}

func TestSinkhornReference(t *testing.T) {
	for _, tc := range sinkhornCases(t) {
		t.Run(tc.Name, func(t *testing.T) {
			M := dense(tc.M)
			r, err := Sinkhorn(tc.A, tc.B, M, tc.Reg, potStop)
			if !tc.Plain.OK {
				if err == nil || !errors.Is(err, ErrUnderflow) || r.Status != Failed || r.Plan != nil {
					t.Fatalf("underflow case: err = %v, status %v, plan %v; want ErrUnderflow, Failed, nil", err, r.Status, r.Plan)
				}
				return
			}
			if err != nil || r.Status != Converged {
				t.Fatalf("err %v status %v", err, r.Status)
			}
			if d := maxAbsDiff(t, r.Plan, tc.Plain.Plan); d > 1e-10 {
				t.Errorf("plan differs from POT's by %g", d)
			}
			if r.Iterations != tc.Plain.Niter+1 {
				t.Errorf("iterations %d, POT niter %d (+1 expected)", r.Iterations, tc.Plain.Niter)
			}
			if !close(r.Cost, tc.Plain.Cost, 1e-9, 1e-9) {
				t.Errorf("cost %v, POT %v", r.Cost, tc.Plain.Cost)
			}
			f, g := centered(r.F, r.G)
			wf, wg := centered(tc.Log.F, tc.Log.G)
			for i := range f {
				if !close(f[i], wf[i], 1e-9, 1e-9) {
					t.Fatalf("f[%d] = %v, POT sinkhorn_log %v (centred)", i, f[i], wf[i])
				}
			}
			for j := range g {
				if !close(g[j], wg[j], 1e-9, 1e-9) {
					t.Fatalf("g[%d] = %v, POT sinkhorn_log %v (centred)", j, g[j], wg[j])
				}
			}
			if r.Passes != 1+2*r.Iterations || len(r.History) != r.Iterations {
				t.Errorf("passes %d, history %d for %d iterations", r.Passes, len(r.History), r.Iterations)
			}
		})
	}
}

func TestSinkhornLogReference(t *testing.T) {
	for _, tc := range sinkhornCases(t) {
		t.Run(tc.Name, func(t *testing.T) {
			M := dense(tc.M)
			r, err := SinkhornLog(tc.A, tc.B, M, tc.Reg, potStop)
			if err != nil || r.Status != Converged {
				t.Fatalf("err %v status %v", err, r.Status)
			}
			if d := maxAbsDiff(t, r.Plan, tc.Log.Plan); d > 1e-10 {
				t.Errorf("plan differs from POT's sinkhorn_log by %g", d)
			}
			if r.Iterations != tc.Log.Niter+1 {
				t.Errorf("iterations %d, POT niter %d (+1 expected)", r.Iterations, tc.Log.Niter)
			}
			if !close(r.Cost, tc.Log.Cost, 1e-9, 1e-9) || !close(r.Objective, tc.Log.Entropy, 1e-9, 1e-9) {
				t.Errorf("cost %v objective %v, POT %v %v", r.Cost, r.Objective, tc.Log.Cost, tc.Log.Entropy)
			}
			f, g := centered(r.F, r.G)
			wf, wg := centered(tc.Log.F, tc.Log.G)
			for i := range f {
				if !close(f[i], wf[i], 1e-9, 1e-9) {
					t.Fatalf("f[%d] = %v, POT %v (centred)", i, f[i], wf[i])
				}
			}
			for j := range g {
				if !close(g[j], wg[j], 1e-9, 1e-9) {
					t.Fatalf("g[%d] = %v, POT %v (centred)", j, g[j], wg[j])
				}
			}
			if gap := r.Objective - r.Dual; gap < -1e-12 || gap > 1e-9 {
				t.Errorf("duality gap %g", gap)
			}
		})
	}
}

func TestSinkhornStabilizedReference(t *testing.T) {
	for _, tc := range sinkhornCases(t) {
		for _, eps := range []float64{0, -1} {
			r, err := SinkhornStabilized(tc.A, tc.B, dense(tc.M), tc.Reg, &Settings{Tol: 1e-13, EpsScaling: eps})
			if err != nil || r.Status != Converged {
				t.Fatalf("%s eps %v: err %v status %v", tc.Name, eps, err, r.Status)
			}
			if d := maxAbsDiff(t, r.Plan, tc.Log.Plan); d > 1e-9 {
				t.Errorf("%s eps %v: plan differs from POT's sinkhorn_log by %g", tc.Name, eps, d)
			}
			if !tc.Plain.OK && r.Fallbacks == 0 && eps < 0 {
				t.Errorf("%s: expected an underflow recovery", tc.Name)
			}
			t.Logf("%s eps %v: it %d passes %d abs %d fb %d", tc.Name, eps, r.Iterations, r.Passes, r.Absorptions, r.Fallbacks)
		}
	}
}
