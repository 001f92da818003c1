package bandit

import (
	"math"
	"sort"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestShermanMorrison checks LinUCB's rank-one updated V⁻¹ against
// mat.Inverse of V rebuilt independently from the pulled actions (to 1e-9
// in max row sum), and its incrementally kept widths x_aᵀV⁻¹x_a against
// the direct product (1e-9), with and without the periodic Cholesky
// refactor.
func TestShermanMorrison(t *testing.T) {
	for _, c := range []struct {
		name     string
		d, steps int
		refactor int
		lambda   float64
	}{
		{"d20-no-refactor", 20, 2999, -1, 1},
		{"d20-refactor", 20, 2999, 1000, 1},
		{"d5-small-lambda", 5, 500, -1, 0.01},
	} {
		env := NewSparseLinear(40, c.d, 3, 0, 0.1, 3)
		p := NewLinUCB(env.X, LinearParams{Lambda: c.lambda, RefactorEvery: c.refactor})
		v := mat.NewSymDense(c.d, nil)
		for j := 0; j < c.d; j++ {
			v.SetSym(j, j, c.lambda)
		}
		rng := newPolicyRand(1)
		for s := 1; s <= c.steps; s++ {
			a := p.Select(s)
			p.Update(a, env.Pull(s, a, rng))
			v.SymRankOne(v, 1, env.X.RowView(a))
		}
		var want mat.Dense
		if err := want.Inverse(v); err != nil {
			t.Fatal(err)
		}
		got := p.Inverse()
		var diff mat.Dense
		diff.Sub(got, &want)
		if m := mat.Norm(&diff, math.Inf(1)); m > 1e-9 {
			t.Errorf("%s: max row sum |SM - direct| = %g > 1e-9", c.name, m)
		}
		w := p.Widths()
		for a := 0; a < env.Arms(); a++ {
			x := env.X.RowView(a)
			if direct := mat.Inner(x, &want, x); math.Abs(w[a]-direct) > 1e-9 {
				t.Errorf("%s: width of action %d = %v, direct %v", c.name, a, w[a], direct)
			}
		}
		if !mat.EqualApprox(p.Gram(), v, 1e-9) {
			t.Errorf("%s: V differs from Σ x xᵀ + λI", c.name)
		}
	}
}

// linearRegret returns the median regret per round over the second half
// of T rounds, over runs seeds.
func linearRegret(t *testing.T, env Environment, f PolicyFactory, T, runs int) float64 {
	t.Helper()
	res, err := Simulate(env, f, T, &Settings{Seed: 21, Runs: runs, Points: 2})
	if err != nil || res.Status != Converged {
		t.Fatal(res.Status, err)
	}
	late := make([]float64, res.Runs)
	for i := range late {
		late[i] = (res.Regret.At(i, 1) - res.Regret.At(i, 0)) / float64(T-res.Rounds[0])
	}
	sort.Float64s(late)
	return Quantile(late, 0.5)
}

// TestLinearPoliciesLearn checks LinUCB (OFUL width and constant width)
// and LinTS on a well-specified linear bandit (K = 30, d = 5, σ = 0.3):
// the median regret per round over the second half of 4000 rounds is
// below 5% of uniform play's, over 10 seeds.
func TestLinearPoliciesLearn(t *testing.T) {
	env := NewSparseLinear(30, 5, 5, 0, 0.3, 8)
	best, uniform := math.Inf(-1), 0.0
	for a := 0; a < env.Arms(); a++ {
		best = math.Max(best, env.Mean(1, a))
	}
	for a := 0; a < env.Arms(); a++ {
		uniform += (best - env.Mean(1, a)) / float64(env.Arms())
	}
	par := LinearParams{R: 0.3}
	for _, c := range []struct {
		name string
		f    PolicyFactory
	}{
		{"OFUL", func(uint64) Policy { return NewLinUCB(env.X, par) }},
		{"LinUCB-alpha", func(uint64) Policy { return NewLinUCB(env.X, LinearParams{Alpha: 0.5}) }},
		{"LinTS", func(seed uint64) Policy { return NewLinTS(env.X, par, seed) }},
	} {
		got := linearRegret(t, env, c.f, 4000, 10)
		t.Logf("%-12s median regret/round, second half: %.5f (uniform %.3f)", c.name, got, uniform)
		if !(got < 0.05*uniform) {
			t.Errorf("%s: regret per round %.5f, want < %.5f", c.name, got, 0.05*uniform)
		}
	}
}
