package bandit

import (
	"fmt"
	"math"
)

// gaps returns μ* − μ_i for every arm. It panics on no arms or a mean
// outside [0, 1] (NaN included).
func gaps(fn string, means []float64) (best float64, d []float64) {
	if len(means) == 0 {
		panic(fmt.Sprintf("bandit.%s: no arms", fn))
	}
	best = math.Inf(-1)
	for i, m := range means {
		if !(m >= 0 && m <= 1) {
			panic(fmt.Sprintf("bandit.%s: means[%d] = %v, want a mean in [0, 1]", fn, i, m))
		}
		best = math.Max(best, m)
	}
	d = make([]float64, len(means))
	for i, m := range means {
		d[i] = best - m
	}
	return best, d
}

// UCB1Bound returns Auer, Cesa-Bianchi and Fischer's (2002, Thm 1) bound on
// UCB1's expected regret after T rounds for arms with the given means and
// rewards in [0, 1]: Σ_{Δ_i>0} 8 ln T/Δ_i + (1 + π²/3) Σ_i Δ_i. It
// panics, naming the argument, when T < 1 or a mean is outside [0, 1].
func UCB1Bound(means []float64, T int) float64 {
	if T < 1 {
		panic(fmt.Sprintf("bandit.UCB1Bound: T = %d, want T ≥ 1", T))
	}
	_, d := gaps("UCB1Bound", means)
	b := 0.0
	for _, g := range d {
		if g > 0 {
			b += 8*math.Log(float64(T))/g + (1+math.Pi*math.Pi/3)*g
		}
	}
	return b
}

// LaiRobbins returns the constant of the Lai–Robbins (1985) lower bound for
// Bernoulli arms, Σ_{Δ_i>0} Δ_i/kl(μ_i, μ*): any uniformly good policy has
// regret ≥ (LaiRobbins + o(1)) ln T, and KL-UCB attains it asymptotically
// (Garivier & Cappé 2011). It is 0 when the best mean is 1: kl(μ_i, 1)
// is +Inf, as one failure tells an arm from the best. It panics, naming the argument, when a mean is outside
// [0, 1].
func LaiRobbins(means []float64) float64 {
	best, d := gaps("LaiRobbins", means)
	c := 0.0
	for i, g := range d {
		if g > 0 {
			c += g / KLBernoulli(means[i], best)
		}
	}
	return c
}
