package online

import (
	"math"
	"testing"
)

// hintLoss returns Σ_s ‖g_s − α M_s‖²_* over the recorded rounds.
func hintLoss(gs, ms [][]float64, alpha float64, sup bool) float64 {
	v := 0.0
	for s := range gs {
		r := 0.0
		for i := range gs[s] {
			e := gs[s][i] - alpha*ms[s][i]
			if sup {
				r = math.Max(r, e*e)
			} else {
				r += e * e
			}
		}
		v += r
	}
	return v
}

// bestAlpha minimises the convex hintLoss over [0, 1] by golden-section
// search (an interval of 1e-12; comparing loss values near a quadratic
// minimum resolves α to about 1e-8).
func bestAlpha(gs, ms [][]float64, sup bool) float64 {
	phi := (math.Sqrt(5) - 1) / 2
	a, b := 0.0, 1.0
	for b-a > 1e-12 {
		c, d := b-phi*(b-a), a+phi*(b-a)
		if hintLoss(gs, ms, c, sup) <= hintLoss(gs, ms, d, sup) {
			b = d
		} else {
			a = c
		}
	}
	return (a + b) / 2
}

// TestHintWeightLearned checks the weight LearnedHint learns, through
// Result.Alpha of OMD on the drift sequence (linear losses, so g_t does not
// depend on the play; d = 5, T = 2000, 5 seeds), Euclidean and Entropic,
// for hints M_t = c·g_t + τ·ξ_t (ξ_t a fixed standard normal sequence)
// against the best fixed weight α* = argmin_{[0,1]} Σ‖g_t − αM_t‖²_*
// found by golden-section search on the recorded sequence:
// exact hints (c = 1) → 1, negated hints (c = −1) → 0, a half-size hint
// (c = 0.5; least squares 2, clipped) → 1, a double hint (c = 2) → 0.5,
// and a noisy hint (c = 1, τ = 1; α* inside (0, 1)) → α*. Tolerance:
// 1e-6 for follow-the-leader (Euclidean: Alpha is exactly α* over all T
// rounds, up to the search's resolution), 1e-6 for the noiseless cases and
// 0.1 for the noisy one with the subgradient method (Entropic: its last
// iterate moves by steps of order 1/sqrt(t) around α* on noisy losses).
func TestHintWeightLearned(t *testing.T) {
	const T, d = 2000, 5
	cases := []struct {
		name     string
		c, tau   float64
		interior bool
	}{
		{"exact", 1, 0, false},
		{"negated", -1, 0, false},
		{"half", 0.5, 0, false},
		{"double", 2, 0, true},
		{"noisy", 1, 1, true},
	}
	for _, mirror := range []Mirror{Euclidean, Entropic} {
		name := map[Mirror]string{Euclidean: "euclidean", Entropic: "entropic"}[mirror]
		sup := mirror == Entropic
		for _, c := range cases {
			tol := 1e-6
			if sup && c.tau > 0 {
				tol = 0.1
			}
			for seed := uint64(0); seed < 5; seed++ {
				env := newDrift(d, T/2, 0.05, 1, seed)
				hint := func(s int, m []float64) {
					env.grad(s, m)
					for i := range m {
						m[i] = c.c*m[i] + c.tau*hashNormal(seed+77, s, i)
					}
				}
				var gs, ms [][]float64
				for s := 1; s <= T; s++ {
					g, m := make([]float64, d), make([]float64, d)
					env.grad(s, g)
					hint(s, m)
					gs, ms = append(gs, g), append(ms, m)
				}
				want := bestAlpha(gs, ms, sup)
				if c.interior && !(want > 0.05 && want < 0.95) {
					t.Fatalf("%s %s seed %d: α* = %v is not inside (0, 1); the case tests nothing", name, c.name, seed, want)
				}
				r, err := OMD(env, Simplex(), T, &Settings{Mirror: mirror, Optimistic: true, Hint: hint, HintWeight: LearnedHint})
				if err != nil {
					t.Fatal(err)
				}
				if seed == 0 {
					t.Logf("%-9s %-7s α = %.6f, α* = %.6f", name, c.name, r.Alpha, want)
				}
				if !(math.Abs(r.Alpha-want) <= tol) {
					t.Errorf("%s %s seed %d: learned α = %.9f, best fixed α* = %.9f", name, c.name, seed, r.Alpha, want)
				}
			}
		}
	}
}

// TestHintWeightRegret checks the weight learners on their own, against
// adversarially mixed hints (M_t = ±g_t, the sign flipping at random with
// probability 0.01 a round, plus noise; d = 4, T = 3000, 10 seeds), by
// their regret Σ_t ℓ_t(α_t) − min_{α∈[0,1]} Σ_t ℓ_t(α) on
// ℓ_t(α) = ‖g_t − α M_t‖²_*:
//   - follow the leader (Euclidean) plays the minimiser of the past losses
//     (checked every 100 rounds against golden-section search) and its
//     regret is at most Σ_t ℓ_t(α_t) − ℓ_t(α_{t+1}) (the
//     follow-the-leader/be-the-leader lemma, Kalai & Vempala 2005);
//   - the subgradient method (sup norm) has regret at most
//     √2·sqrt(Σ_t ℓ'_t(α_t)²), the adaptive-OGD bound on [0, 1].
//
// With min_α ≤ min(ℓ(0), ℓ(1)) this is the robustness LearnedHint claims.
func TestHintWeightRegret(t *testing.T) {
	const T, d = 3000, 4
	for _, sup := range []bool{false, true} {
		for seed := uint64(0); seed < 10; seed++ {
			w := hintWeight{sup: sup}
			var gs, ms [][]float64
			played, btl := 0.0, 0.0
			sign := 1.0
			for s := 1; s <= T; s++ {
				if hashUniform(seed+5, s) < 0.01 {
					sign = -sign
				}
				g, m := make([]float64, d), make([]float64, d)
				for i := range g {
					g[i] = 0.5 + hashNormal(seed, s, i)
					m[i] = sign*g[i] + 0.3*hashNormal(seed+9, s, i)
				}
				if !sup && s%100 == 0 {
					if want := bestAlpha(gs, ms, false); math.Abs(w.alpha-want) > 1e-6 {
						t.Fatalf("seed %d round %d: follow the leader plays %.12f, the past losses' minimiser is %.12f", seed, s, w.alpha, want)
					}
				}
				gl, ml := [][]float64{g}, [][]float64{m}
				l := hintLoss(gl, ml, w.alpha, sup)
				played += l
				w.update(g, m)
				btl += l - hintLoss(gl, ml, w.alpha, sup)
				gs, ms = append(gs, g), append(ms, m)
			}
			regret := played - hintLoss(gs, ms, bestAlpha(gs, ms, sup), sup)
			bound, name := btl, "be-the-leader"
			if sup {
				bound, name = math.Sqrt(2*w.dsq), "√2·sqrt(Σℓ'²)"
			}
			if seed == 0 {
				t.Logf("sup norm %v: Σℓ(α_t) %.1f, α=0 %.1f, α=1 %.1f, regret %.2f, %s bound %.2f",
					sup, played, hintLoss(gs, ms, 0, sup), hintLoss(gs, ms, 1, sup), regret, name, bound)
			}
			if !(regret <= bound*(1+1e-9)+1e-9) {
				t.Errorf("sup norm %v seed %d: regret %.4f above the %s bound %.4f", sup, seed, regret, name, bound)
			}
		}
	}
}
