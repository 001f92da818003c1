package bandit

import (
	"testing"
)

// roundPolicies are the policies whose rounds must not allocate, each on
// the environment it is meant for.
func roundPolicies() []struct {
	name string
	env  Environment
	pol  Policy
} {
	k := len(tenArms)
	bern := NewBernoulli(tenArms)
	lin := NewSparseLinear(50, 20, 5, 0.01, 0.1, 1)
	return []struct {
		name string
		env  Environment
		pol  Policy
	}{
		{"EpsGreedy", bern, NewEpsGreedy(k, 5, 0.1, 1)},
		{"UCB1", bern, NewUCB1(k)},
		{"UCBV", bern, NewUCBV(k, 1)},
		{"KLUCB", bern, NewKLUCB(k, 0)},
		{"ThompsonBeta", bern, NewThompsonBeta(k, 1)},
		{"ThompsonGaussian", NewGaussian(tenArms, []float64{1}), NewThompsonGaussian(k, 1, 1)},
		{"EXP3", bern, NewEXP3(k, EXP3Rate(k, 1000000), 1)},
		{"EXP3IX", bern, NewEXP3IX(k, 0, 0, 1000000, 1)},
		{"LinUCB", lin, NewLinUCB(lin.X, LinearParams{R: 0.1})},
		{"LinTS", lin, NewLinTS(lin.X, LinearParams{R: 0.1}, 1)},
		{"PhasedElimination", lin, NewPhasedElimination(lin.X, 0)},
	}
}

// TestZeroAllocsPerRound checks with testing.AllocsPerRun that a round
// (Select, Pull, Update, regret bookkeeping) allocates nothing, for every
// policy after a warm-up, and that LinUCB's Cholesky refactor allocates
// nothing either. Phased elimination allocates only when a phase ends.
func TestZeroAllocsPerRound(t *testing.T) {
	for _, c := range roundPolicies() {
		p := newPlayer(c.env, c.pol, 1)
		round := 0
		for ; round < 50; round++ {
			if _, err := p.round(round + 1); err != nil {
				t.Fatal(err)
			}
		}
		allocs := testing.AllocsPerRun(500, func() {
			round++
			if _, err := p.round(round); err != nil {
				t.Fatal(err)
			}
		})
		if allocs != 0 {
			t.Errorf("%s: %v allocations per round", c.name, allocs)
		}
	}
	lin := NewSparseLinear(50, 20, 5, 0, 0.1, 1)
	u := NewLinUCB(lin.X, LinearParams{})
	if a := testing.AllocsPerRun(20, func() {
		if err := u.refactor(); err != nil {
			t.Fatal(err)
		}
	}); a != 0 {
		t.Errorf("LinUCB refactor: %v allocations", a)
	}
}

// benchRounds plays T rounds of a fresh policy per iteration with Run and
// reports ns per round.
func benchRounds(b *testing.B, env Environment, mk func() Policy, T int) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		pol := mk()
		b.StartTimer()
		if _, err := Run(env, pol, T, &Settings{Seed: uint64(i)}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(T), "ns/round")
}

// BenchmarkUCB1 plays UCB1 on 10 Bernoulli arms for 10⁶ rounds.
func BenchmarkUCB1(b *testing.B) {
	benchRounds(b, NewBernoulli(tenArms), func() Policy { return NewUCB1(10) }, 1000000)
}

// BenchmarkKLUCB plays KL-UCB on 10 Bernoulli arms for 10⁶ rounds.
func BenchmarkKLUCB(b *testing.B) {
	benchRounds(b, NewBernoulli(tenArms), func() Policy { return NewKLUCB(10, 0) }, 1000000)
}

// BenchmarkThompson plays Beta Thompson sampling on 10 Bernoulli arms for
// 10⁶ rounds.
func BenchmarkThompson(b *testing.B) {
	benchRounds(b, NewBernoulli(tenArms), func() Policy { return NewThompsonBeta(10, 1) }, 1000000)
}

// BenchmarkEXP3 plays EXP3 on 10 Bernoulli arms for 10⁶ rounds.
func BenchmarkEXP3(b *testing.B) {
	benchRounds(b, NewBernoulli(tenArms), func() Policy { return NewEXP3(10, EXP3Rate(10, 1000000), 1) }, 1000000)
}

// BenchmarkLinUCB plays LinUCB (OFUL width) with d = 20 and 50 actions for
// 10⁵ rounds.
func BenchmarkLinUCB(b *testing.B) {
	env := NewSparseLinear(50, 20, 5, 0, 0.1, 1)
	benchRounds(b, env, func() Policy { return NewLinUCB(env.X, LinearParams{R: 0.1}) }, 100000)
}

// BenchmarkLinTS plays linear Thompson sampling with d = 20 and 50
// actions for 10⁵ rounds.
func BenchmarkLinTS(b *testing.B) {
	env := NewSparseLinear(50, 20, 5, 0, 0.1, 1)
	benchRounds(b, env, func() Policy { return NewLinTS(env.X, LinearParams{R: 0.1}, 1) }, 100000)
}
