package ot

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func TestWasserstein1DReference(t *testing.T) {
	var f struct {
		Cases []struct {
			U       []float64 `json:"u_values"`
			V       []float64 `json:"v_values"`
			UW      []float64 `json:"u_weights"`
			VW      []float64 `json:"v_weights"`
			P1      float64   `json:"wasserstein_1d_p1_pth_power"`
			P2      float64   `json:"wasserstein_1d_p2_pth_power"`
			Uniform float64   `json:"wasserstein_1d_p1_uniform_weights"`
		} `json:"cases"`
	}
	loadJSON(t, "wasserstein_1d.json", &f)
	if len(f.Cases) == 0 {
		t.Fatal("no cases")
	}
	for k, c := range f.Cases {
		for _, q := range []struct {
			p, want float64
			uw, vw  []float64
		}{{1, c.P1, c.UW, c.VW}, {2, c.P2, c.UW, c.VW}, {1, c.Uniform, nil, nil}} {
			got, err := Wasserstein1D(c.U, c.V, q.uw, q.vw, q.p)
			if err != nil || !close(got, q.want, 1e-12, 1e-12) {
				t.Errorf("case %d p %v uniform %v: got %.17g want %.17g", k, q.p, q.uw == nil, got, q.want)
			}
		}
	}
}

func TestEMDReference(t *testing.T) {
	for _, tc := range sinkhornCases(t) {
		M := dense(tc.M)
		r, err := EMD(tc.A, tc.B, M, nil)
		if err != nil || r.Status != Converged {
			t.Fatalf("%s: %v %v", tc.Name, err, r.Status)
		}
		if !close(r.Cost, tc.EMD.Cost, 1e-12, 1e-12) {
			t.Errorf("%s: EMD cost %.17g, POT %.17g", tc.Name, r.Cost, tc.EMD.Cost)
		}
		checkEMDCertificate(t, tc.Name, tc.A, tc.B, M, r)
		// EMD ≤ ⟨P_ε, M⟩ for the entropic plan of the same problem.
		s, err := SinkhornStabilized(tc.A, tc.B, M, tc.Reg, &Settings{Tol: 1e-12})
		if err != nil {
			t.Fatal(err)
		}
		if s.Cost < r.Cost-1e-12 {
			t.Errorf("%s: entropic cost %v below EMD %v", tc.Name, s.Cost, r.Cost)
		}
	}
}

// checkEMDCertificate verifies optimality independently: feasibility,
// dual feasibility F_i+G_j ≤ M_ij, complementary slackness and zero gap.
func checkEMDCertificate(t *testing.T, name string, a, b []float64, M *mat.Dense, r *Result) {
	t.Helper()
	n, m := M.Dims()
	if r.RowErr > 1e-12 || r.ColErr > 1e-12 {
		t.Errorf("%s: marginal errors %g %g", name, r.RowErr, r.ColErr)
	}
	scale := 0.0
	for i := 0; i < n; i++ {
		for j := 0; j < m; j++ {
			scale = math.Max(scale, math.Abs(M.At(i, j)))
		}
	}
	tol := 1e-12 * (1 + scale)
	for i := 0; i < n; i++ {
		for j := 0; j < m; j++ {
			slack := M.At(i, j) - r.F[i] - r.G[j]
			if slack < -tol {
				t.Fatalf("%s: dual infeasible at (%d,%d): slack %g", name, i, j, slack)
			}
			if p := r.Plan.At(i, j); p < 0 || p > 0 && slack > tol {
				t.Fatalf("%s: P[%d,%d] = %g with slack %g", name, i, j, p, slack)
			}
		}
	}
	if !close(r.Dual, r.Cost, tol, 1e-12) {
		t.Errorf("%s: primal %v dual %v", name, r.Cost, r.Dual)
	}
}

func TestEMDRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for k, sz := range [][2]int{{1, 1}, {1, 5}, {5, 1}, {7, 7}, {40, 25}, {60, 80}} {
		n, m := sz[0], sz[1]
		a, b := randSimplex(rng, n), randSimplex(rng, m)
		if k == 3 { // integer costs: many ties and degenerate pivots
			b = append([]float64(nil), a...)
		}
		M := mat.NewDense(n, m, nil)
		for i := 0; i < n; i++ {
			for j := 0; j < m; j++ {
				v := rng.Float64()
				if k == 3 {
					v = float64(rng.IntN(3))
				}
				M.Set(i, j, v)
			}
		}
		r, err := EMD(a, b, M, nil)
		if err != nil {
			t.Fatal(err)
		}
		checkEMDCertificate(t, "random", a, b, M, r)
	}
}

func TestWasserstein1DMatchesEMD(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for trial := 0; trial < 5; trial++ {
		n, m := 3+rng.IntN(30), 3+rng.IntN(30)
		u, v := make([]float64, n), make([]float64, m)
		for i := range u {
			u[i] = rng.NormFloat64()
		}
		for j := range v {
			v[j] = 1 + 2*rng.NormFloat64()
		}
		a, b := randSimplex(rng, n), randSimplex(rng, m)
		for _, p := range []float64{1, 1.5, 2} {
			M := mat.NewDense(n, m, nil)
			for i := range u {
				for j := range v {
					M.Set(i, j, math.Pow(math.Abs(u[i]-v[j]), p))
				}
			}
			r, err := EMD(a, b, M, nil)
			if err != nil {
				t.Fatal(err)
			}
			if w, err := Wasserstein1D(u, v, a, b, p); err != nil || !close(w, r.Cost, 1e-12, 1e-11) {
				t.Errorf("p %v: Wasserstein1D %.17g, EMD %.17g", p, w, r.Cost)
			}
		}
	}
}

func randSimplex(rng *rand.Rand, n int) []float64 {
	w := make([]float64, n)
	var s float64
	for i := range w {
		w[i] = 0.1 + rng.Float64()
		s += w[i]
	}
	for i := range w {
		w[i] /= s
	}
	return w
}
