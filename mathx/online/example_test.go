package online_test

import (
	"fmt"

	"github.com/gomx-dev/gomx/mathx/online"
)

// Optimistic OMD with the last-gradient hint on a fixed quadratic loss:
// the regret stays bounded as T grows.
func ExampleOMD() {
	env := online.NewSEA([]float64{0.3, -0.2}, []float64{1, 0}, 0, 0, 1, true, 1)
	dom := online.Ball(1)
	for _, T := range []int{1000, 100000} {
		res, err := online.OMD(env, dom, T, &online.Settings{Optimistic: true, Comparator: env.Best(dom, T)})
		if err != nil {
			panic(err)
		}
		fmt.Printf("T=%d %v regret %.3f (bound %.1f)\n", T, res.Status, res.Regret, res.Bound)
	}
	// Output:
	// T=1000 Converged regret 1.701 (bound 16.3)
	// T=100000 Converged regret 1.701 (bound 16.3)
}

// Hedge on the simplex is OMD with the entropic mirror map.
func ExampleOMD_hedge() {
	g := []float64{0.9, 0.1, 0.5}
	env := online.NewSEA(g, []float64{0, 0, 0}, 0, 0, 1, false, 1)
	res, err := online.OMD(env, online.Simplex(), 200, &online.Settings{Mirror: online.Entropic, Eta: 0.1})
	if err != nil {
		panic(err)
	}
	fmt.Printf("x = [%.3f %.3f %.3f]\n", res.X[0], res.X[1], res.X[2])
	// Output:
	// x = [0.000 1.000 0.000]
}

// OGD with the 1/(λt) step on i.i.d. noisy quadratics: the regret against
// the best point in hindsight grows like log T.
func ExampleOGD() {
	env := online.NewSEA([]float64{0.4, -0.3}, []float64{1, 0}, 1, 0, 1, true, 3)
	dom := online.Ball(1)
	for _, T := range []int{1000, 10000, 100000} {
		res, err := online.OGD(env, dom, T, &online.Settings{StrongConvexity: 1, Comparator: env.Best(dom, T)})
		if err != nil {
			panic(err)
		}
		fmt.Printf("T=%6d regret %.2f\n", T, res.Regret)
	}
	// Output:
	// T=  1000 regret 3.38
	// T= 10000 regret 4.55
	// T=100000 regret 5.70
}

// Optimistic FTRL with the last-gradient hint against an adversarial
// alternating sequence on [-1, 1], whose SEA variation is reported too.
func ExampleFTRL() {
	env := online.NewSEA([]float64{0}, []float64{1}, 0, 1, 1, false, 1)
	const T = 10000
	dom := online.Box(-1, 1)
	res, err := online.FTRL(env, dom, T, &online.Settings{Optimistic: true, Comparator: env.Best(dom, T)})
	if err != nil {
		panic(err)
	}
	sigma2, adv2 := env.Variation(T)
	fmt.Printf("regret %.2f, σ²=%.0f Σ²=%.0f\n", res.Regret, sigma2, adv2)
	// Output:
	// regret 297.46, σ²=0 Σ²=39996
}

// Hints of unknown quality: optimistic OMD told the exact gradient
// (M_t = g_t) or its negation (M_t = −g_t) on i.i.d. noisy linear losses. Played
// as given (FullHint), the negated hint multiplies the regret; with
// LearnedHint the weight α learned online drops to 0 for it (plain OMD)
// and rises to 1 for the exact one.
func ExampleOMD_learnedHint() {
	env := online.NewSEA([]float64{0.3, -0.2, 0.1}, []float64{1, 0, 0}, 1, 0, 1, false, 7)
	dom := online.Ball(1)
	const T = 10000
	exact := func(t int, m []float64) { env.Centre(t, m) } // linear losses: g_t = c_t
	negated := func(t int, m []float64) {
		env.Centre(t, m)
		for i := range m {
			m[i] = -m[i]
		}
	}
	for _, c := range []struct {
		name string
		set  online.Settings
	}{
		{"plain OMD", online.Settings{}},
		{"exact, FullHint", online.Settings{Optimistic: true, Hint: exact}},
		{"negated, FullHint", online.Settings{Optimistic: true, Hint: negated}},
		{"exact, LearnedHint", online.Settings{Optimistic: true, Hint: exact, HintWeight: online.LearnedHint}},
		{"negated, LearnedHint", online.Settings{Optimistic: true, Hint: negated, HintWeight: online.LearnedHint}},
	} {
		s := c.set
		s.Comparator = env.Best(dom, T)
		res, err := online.OMD(env, dom, T, &s)
		if err != nil {
			panic(err)
		}
		fmt.Printf("%-20s regret %9.2f  α = %.2f\n", c.name, res.Regret, res.Alpha)
	}
	// Output:
	// plain OMD            regret     89.40  α = 0.00
	// exact, FullHint      regret  -5256.16  α = 1.00
	// negated, FullHint    regret    250.32  α = 1.00
	// exact, LearnedHint   regret  -4972.32  α = 1.00
	// negated, LearnedHint regret     89.40  α = 0.00
}
