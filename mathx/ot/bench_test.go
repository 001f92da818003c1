package ot

import (
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// benchProblem is B1/B2's shape: uniform marginals, squared Euclidean cost
// of U[0,1]² points (PCG seed n), reg = frac·max(M).
func benchProblem(n int, frac float64) ([]float64, *mat.Dense, float64) {
	rng := rand.New(rand.NewPCG(uint64(n), 0))
	xs, xt := mat.NewDense(n, 2, nil), mat.NewDense(n, 2, nil)
	for i := 0; i < n; i++ {
		xs.SetRow(i, []float64{rng.Float64(), rng.Float64()})
		xt.SetRow(i, []float64{rng.Float64(), rng.Float64()})
	}
	M := Dist(xs, xt, SqEuclidean)
	a := make([]float64, n)
	for i := range a {
		a[i] = 1 / float64(n)
	}
	return a, M, frac * mat.Max(M)
}

func benchSolver(b *testing.B, fn solverFunc, n int, frac float64) {
	a, M, reg := benchProblem(n, frac)
	s := &Settings{Norm: L2Col, MaxIter: 100000}
	var r *Result
	for b.Loop() {
		var err error
		if r, err = fn(a, a, M, reg, s); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(r.Iterations), "iters")
	b.ReportMetric(float64(r.Passes), "passes")
}

func BenchmarkSinkhornB1n500(b *testing.B)           { benchSolver(b, Sinkhorn, 500, 0.05) }
func BenchmarkSinkhornLogB1n500(b *testing.B)        { benchSolver(b, SinkhornLog, 500, 0.05) }
func BenchmarkSinkhornStabilizedB1n500(b *testing.B) { benchSolver(b, SinkhornStabilized, 500, 0.05) }
func BenchmarkSNSB1n500(b *testing.B)                { benchSolver(b, SNS, 500, 0.05) }
func BenchmarkSinkhornB2n500(b *testing.B)           { benchSolver(b, Sinkhorn, 500, 0.002) }
func BenchmarkSinkhornStabilizedB2n500(b *testing.B) { benchSolver(b, SinkhornStabilized, 500, 0.002) }
func BenchmarkSNSB2n500(b *testing.B)                { benchSolver(b, SNS, 500, 0.002) }

func BenchmarkEMDn200(b *testing.B) {
	a, M, _ := benchProblem(200, 1)
	for b.Loop() {
		if _, err := EMD(a, a, M, nil); err != nil {
			b.Fatal(err)
		}
	}
}
