package bandit_test

import (
	"fmt"

	"gonum.org/v1/gonum/mat"

	"github.com/gomx-dev/gomx/mathx/bandit"
)

// Regret curves of UCB1 over 20 seeds on a 3-armed Bernoulli bandit.
func ExampleSimulate() {
	env := bandit.NewBernoulli([]float64{0.3, 0.5, 0.7})
	ucb := func(seed uint64) bandit.Policy { return bandit.NewUCB1(3) }
	res, err := bandit.Simulate(env, ucb, 10000, &bandit.Settings{Seed: 1, Runs: 20, Points: 4})
	if err != nil {
		panic(err)
	}
	for j, t := range res.Rounds {
		fmt.Printf("t=%5d median regret %5.1f  band [%5.1f, %5.1f]\n", t, res.Median[j], res.Lower[j], res.Upper[j])
	}
	// Output:
	// t= 2500 median regret  63.8  band [ 47.5,  75.0]
	// t= 5000 median regret  79.4  band [ 61.5, 104.3]
	// t= 7500 median regret  90.6  band [ 70.1, 118.6]
	// t=10000 median regret  97.1  band [ 75.6, 120.7]
}

// One run of Thompson sampling; History holds the regret after each round.
func ExampleRun() {
	env := bandit.NewBernoulli([]float64{0.2, 0.25, 0.8})
	res, err := bandit.Run(env, bandit.NewThompsonBeta(3, 7), 5000, &bandit.Settings{Seed: 7})
	if err != nil {
		panic(err)
	}
	fmt.Println(res.Status, res.Iterations, len(res.History))
	fmt.Printf("regret %.2f, pulls %v\n", res.Regret, res.Pulls)
	// Output:
	// Converged 5000 5000
	// regret 12.60, pulls [10 12 4978]
}

// EXP3 against an oblivious adversary whose best arm changes every 500
// rounds, with the learning rate of the sqrt(2TK ln K) bound.
func ExampleNewEXP3() {
	const k, T = 3, 20000
	means := mat.NewDense(2, k, []float64{
		0.9, 0.5, 0.1,
		0.1, 0.5, 0.8,
	})
	env := bandit.NewOblivious(means, 500, 3)
	pol := bandit.NewEXP3(k, bandit.EXP3Rate(k, T), 1)
	res, err := bandit.Run(env, pol, T, &bandit.Settings{Seed: 1})
	if err != nil {
		panic(err)
	}
	fmt.Printf("regret %.0f ≤ bound %.0f\n", res.Regret, bandit.EXP3Bound(k, T))
	// Output:
	// regret 84 ≤ bound 363
}

// LinUCB (OFUL) on a sparse linear bandit with 30 actions in R^5.
func ExampleNewLinUCB() {
	env := bandit.NewSparseLinear(30, 5, 2, 0, 0.1, 2)
	pol := bandit.NewLinUCB(env.X, bandit.LinearParams{R: 0.1})
	res, err := bandit.Run(env, pol, 3000, &bandit.Settings{Seed: 2})
	if err != nil {
		panic(err)
	}
	fmt.Printf("regret after 1000 rounds %.2f, after 3000 %.2f\n", res.History[999], res.Regret)
	// Output:
	// regret after 1000 rounds 27.92, after 3000 47.57
}

// Grid compares policies on one environment over the same seeds.
func ExampleGrid() {
	env := bandit.NewBernoulli([]float64{0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9})
	names := []string{"UCB1", "KL-UCB", "Thompson"}
	pols := []bandit.PolicyFactory{
		func(uint64) bandit.Policy { return bandit.NewUCB1(9) },
		func(uint64) bandit.Policy { return bandit.NewKLUCB(9, 0) },
		func(seed uint64) bandit.Policy { return bandit.NewThompsonBeta(9, seed) },
	}
	res, err := bandit.Grid([]bandit.Environment{env}, pols, 10000, &bandit.Settings{Points: 1})
	if err != nil {
		panic(err)
	}
	for j, r := range res[0] {
		fmt.Printf("%-8s median regret %.1f over %d runs\n", names[j], r.Median[0], r.Runs)
	}
	// Output:
	// UCB1     median regret 324.7 over 20 runs
	// KL-UCB   median regret 55.4 over 20 runs
	// Thompson median regret 41.2 over 20 runs
}

// Phased elimination on a sparse, ε-misspecified linear bandit: the
// recommended action is within O(ε sqrt(d)) of the best.
func ExampleNewPhasedElimination() {
	env := bandit.NewSparseLinear(40, 8, 3, 0.02, 0.1, 5)
	pol := bandit.NewPhasedElimination(env.X, 1e-5)
	if _, err := bandit.Run(env, pol, 100000, &bandit.Settings{Seed: 5}); err != nil {
		panic(err)
	}
	best := 0
	for a := 0; a < env.Arms(); a++ {
		if env.Mean(1, a) > env.Mean(1, best) {
			best = a
		}
	}
	rec := pol.Recommend()
	fmt.Printf("phase %d, %d actions left, gap of the recommendation %.3f\n", pol.Phase(), len(pol.Active()), env.Mean(1, best)-env.Mean(1, rec))
	// Output:
	// phase 5, 3 actions left, gap of the recommendation 0.000
}

// explore is a user-written policy: it tries every arm m times, then
// commits to the best empirical mean (explore-then-commit).
type explore struct {
	m      int
	n, sum []float64
	commit int
}

func (p *explore) Select(t int) int {
	k := len(p.n)
	if t <= p.m*k {
		return (t - 1) % k
	}
	if p.commit < 0 {
		p.commit = 0
		for i := range p.n {
			if p.sum[i]/p.n[i] > p.sum[p.commit]/p.n[p.commit] {
				p.commit = i
			}
		}
	}
	return p.commit
}

func (p *explore) Update(arm int, reward float64) {
	p.n[arm]++
	p.sum[arm] += reward
}

// Any type with Select and Update is a Policy and can be simulated next to
// the built-in ones. With 30 pulls per arm explore-then-commit usually
// commits to the best arm (regret 30·0.2 + 30·0.1 = 9) but sometimes does
// not, which the upper quantile shows.
func Example_customPolicy() {
	env := bandit.NewBernoulli([]float64{0.4, 0.5, 0.6})
	etc := func(uint64) bandit.Policy {
		return &explore{m: 30, n: make([]float64, 3), sum: make([]float64, 3), commit: -1}
	}
	res, err := bandit.Simulate(env, etc, 5000, &bandit.Settings{Points: 1})
	if err != nil {
		panic(err)
	}
	fmt.Printf("median regret %.1f, band [%.1f, %.1f]\n", res.Median[0], res.Lower[0], res.Upper[0])
	// Output:
	// median regret 9.0, band [9.0, 549.1]
}
