package lasso

import "testing"

// benchSolve times a solver on bench/lasso's 1000×500 problem shape (25-sparse
// truth, λ = 0.1·λ_max) to a relative gap of 1e-10.
func benchSolve(b *testing.B, solve func(*Problem, *Settings) (*Result, error), s Settings) {
	p, _ := problem(0, 1000, 500, 25, 0.1, 0.1, nil)
	s.Tol = 1e-10
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res, err := solve(p, &s)
		if err != nil || res.Status != Converged {
			b.Fatalf("status %v, err %v", res.Status, err)
		}
	}
}

func BenchmarkCD(b *testing.B)           { benchSolve(b, CD, Settings{}) }
func BenchmarkCDFullSweeps(b *testing.B) { benchSolve(b, CD, Settings{FullSweeps: true}) }
func BenchmarkCDRandom(b *testing.B)     { benchSolve(b, CD, Settings{Rule: Random, Seed: 1}) }
func BenchmarkFISTA(b *testing.B)        { benchSolve(b, FISTA, Settings{}) }
func BenchmarkISTA(b *testing.B)         { benchSolve(b, ISTA, Settings{}) }
