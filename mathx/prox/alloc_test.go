package prox

import "testing"

// TestAllocationFree checks the documented allocation-free paths.
func TestAllocationFree(t *testing.T) {
	x := randVec(newRand(21), 5000, 1) // ≥ 4096: the sampled guess runs too
	dst := make([]float64, len(x))
	in := append([]float64(nil), x...)
	cases := map[string]func(){
		"SoftThreshold":        func() { SoftThreshold(dst, x, 0.3) },
		"HardThreshold":        func() { HardThreshold(dst, x, 0.3) },
		"ProjSimplex":          func() { ProjSimplex(dst, x, 1) },
		"ProjSimplex in place": func() { copy(in, x); ProjSimplex(in, in, 1) },
		"ProjL1Ball":           func() { ProjL1Ball(dst, x, 5) },
		"ProjL1Ball in place":  func() { copy(in, x); ProjL1Ball(in, in, 5) },
		"LInf":                 func() { LInf{}.Prox(dst, x, 2) },
		"ProjL0Ball":           func() { ProjL0Ball(dst, x, 10) },
		"TV1D":                 func() { TV1D(dst, x, 0.5) },
		"TV1D in place":        func() { copy(in, x); TV1D(in, in, 0.5) },
		"GroupSoftThreshold":   func() { GroupSoftThreshold(dst, x, testGroups, testWeights, 0.5) },
		"ElasticNet":           func() { ElasticNet{L1: 0.2, L2: 0.1}.Prox(dst, x, 1) },
		"Box":                  func() { ProjBox(dst, x, nil, x) },
	}
	for name, f := range cases {
		if a := testing.AllocsPerRun(20, f); a != 0 {
			t.Errorf("%s: %v allocations per call, want 0", name, a)
		}
	}
}
