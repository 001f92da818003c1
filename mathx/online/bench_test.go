package online

import "testing"

// TestNoAllocsPerRound checks that the number of allocations of a run does
// not grow with T (10 vs 2000 rounds) for every algorithm and mirror map:
// the rounds themselves allocate nothing.
func TestNoAllocsPerRound(t *testing.T) {
	mu := make([]float64, 20)
	for i := range mu {
		mu[i] = float64(i%5) / 5
	}
	env := NewSEA(mu, mu, 0.5, 0.2, 10, false, 1)
	cases := []struct {
		name string
		run  func(Environment, Domain, int, *Settings) (*Result, error)
		dom  Domain
		set  Settings
	}{
		{"OGD", OGD, Ball(1), Settings{}},
		{"FTRL", FTRL, Box(-1, 1), Settings{Optimistic: true}},
		{"FTRL-entropic", FTRL, Simplex(), Settings{Mirror: Entropic}},
		{"OMD-simplex", OMD, Simplex(), Settings{Optimistic: true}},
		{"OMD-entropic", OMD, Simplex(), Settings{Mirror: Entropic, Optimistic: true}},
		{"FTRL-learned", FTRL, Ball(1), Settings{Optimistic: true, HintWeight: LearnedHint}},
		{"OMD-learned", OMD, Box(-1, 1), Settings{Optimistic: true, HintWeight: LearnedHint}},
		{"OMD-entropic-learned", OMD, Simplex(), Settings{Mirror: Entropic, Optimistic: true, HintWeight: LearnedHint}},
	}
	for _, c := range cases {
		count := func(T int) float64 {
			return testing.AllocsPerRun(5, func() {
				s := c.set
				if _, err := c.run(env, c.dom, T, &s); err != nil {
					t.Fatal(err)
				}
			})
		}
		if a, b := count(10), count(2000); a != b {
			t.Errorf("%s: %v allocations for 10 rounds, %v for 2000", c.name, a, b)
		}
	}
}

func benchOMD(b *testing.B, dom Domain, set Settings) {
	mu := make([]float64, 100)
	for i := range mu {
		mu[i] = float64(i%7) / 7
	}
	env := NewSEA(mu, mu, 0.5, 0.2, 10, false, 1)
	const T = 100000
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		s := set
		if _, err := OMD(env, dom, T, &s); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/T, "ns/round")
}

// BenchmarkOMDBall runs optimistic Euclidean OMD on the unit ball in R^100
// against a SEA sequence for 10⁵ rounds.
func BenchmarkOMDBall(b *testing.B) { benchOMD(b, Ball(1), Settings{Optimistic: true}) }

// BenchmarkOMDEntropic runs optimistic entropic OMD on the simplex in
// R^100 against a SEA sequence for 10⁵ rounds.
func BenchmarkOMDEntropic(b *testing.B) {
	benchOMD(b, Simplex(), Settings{Mirror: Entropic, Optimistic: true})
}

// BenchmarkOMDBallLearned is BenchmarkOMDBall with HintWeight LearnedHint.
func BenchmarkOMDBallLearned(b *testing.B) {
	benchOMD(b, Ball(1), Settings{Optimistic: true, HintWeight: LearnedHint})
}

// BenchmarkOMDEntropicLearned is BenchmarkOMDEntropic with HintWeight
// LearnedHint.
func BenchmarkOMDEntropicLearned(b *testing.B) {
	benchOMD(b, Simplex(), Settings{Mirror: Entropic, Optimistic: true, HintWeight: LearnedHint})
}
