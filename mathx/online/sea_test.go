package online

import (
	"math"
	"testing"
)

// TestSEAVariation checks SEA against its definition: the empirical
// E‖∇f_t − ∇F_t‖² over 20000 rounds is Sigma² within 3% (5 standard errors), the adversarial
// variation Σ_t ‖∇F_t − ∇F_{t−1}‖² summed directly equals Variation's, and
// Best is the minimiser (its cumulative loss over 1000 rounds is below that
// of 100 other points of the domain).
func TestSEAVariation(t *testing.T) {
	mu := []float64{0.2, -0.1, 0.4}
	dir := []float64{1, 2, -1}
	const T = 20000
	for _, quad := range []bool{false, true} {
		s := NewSEA(mu, dir, 1.5, 0.3, 7, quad, 2)
		noiseless := NewSEA(mu, dir, 0, 0.3, 7, quad, 2)
		c, c0, prev := make([]float64, 3), make([]float64, 3), make([]float64, 3)
		sq, adv := 0.0, 0.0
		for tt := 1; tt <= T; tt++ {
			s.Centre(tt, c)
			noiseless.Centre(tt, c0)
			for i := range c {
				sq += (c[i] - c0[i]) * (c[i] - c0[i])
				if tt > 1 {
					adv += (c0[i] - prev[i]) * (c0[i] - prev[i])
				}
			}
			copy(prev, c0)
		}
		sigma2, adv2 := s.Variation(T)
		if math.Abs(sq/sigma2-1) > 0.03 {
			t.Errorf("quadratic=%v: empirical σ² %v, Variation %v", quad, sq, sigma2)
		}
		if math.Abs(adv-adv2) > 1e-9*adv2 {
			t.Errorf("quadratic=%v: direct Σ² %v, Variation %v", quad, adv, adv2)
		}
		for _, dom := range []Domain{Ball(0.5), Box(-0.2, 0.3), Simplex()} {
			const n = 1000
			total := func(x []float64) float64 {
				g := make([]float64, 3)
				v := 0.0
				for tt := 1; tt <= n; tt++ {
					v += s.Loss(tt, x, g)
				}
				return v
			}
			best := total(s.Best(dom, n))
			for k := 0; k < 100; k++ {
				x := []float64{hashNormal(9, k, 0), hashNormal(9, k, 1), hashNormal(9, k, 2)}
				dom.Project(x, make([]float64, 3))
				if v := total(x); v < best-1e-9 {
					t.Fatalf("quadratic=%v %v: point %v has loss %v < Best's %v", quad, dom.Kind, x, v, best)
				}
			}
		}
	}
}

// TestFTRLLazyProjection checks Euclidean FTRL with a constant step on a
// box against its closed form x_t = clip(x_1 − η Σ_{s<t} g_s).
func TestFTRLLazyProjection(t *testing.T) {
	env := NewSEA([]float64{0.2, -0.4}, []float64{1, 1}, 0.7, 0.5, 3, false, 5)
	const eta = 0.01
	var xs [][]float64
	_, err := FTRL(env, Box(-1, 1), 500, &Settings{Eta: eta, Callback: func(it int, r *Result) bool {
		xs = append(xs, append([]float64(nil), r.X...))
		return true
	}})
	if err != nil {
		t.Fatal(err)
	}
	sum, g := make([]float64, 2), make([]float64, 2)
	for tt := 1; tt <= 500; tt++ {
		for i := range sum {
			want := math.Min(math.Max(-eta*sum[i], -1), 1)
			if math.Abs(xs[tt-1][i]-want) > 1e-15 {
				t.Fatalf("round %d: x = %v, closed form coordinate %d = %v", tt, xs[tt-1], i, want)
			}
		}
		env.Loss(tt, xs[tt-1], g)
		for i := range g {
			sum[i] += g[i]
		}
	}
}
