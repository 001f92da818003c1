package cbo_test

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize"

	"github.com/gomx-dev/gomx/mathx/cbo"
)

// Minimise the 2-D Rastrigin function, which has a local minimum near
// every integer point, from particles spread over [−4, 4]².
func ExampleMinimize() {
	p := &cbo.Problem{Dim: 2, Func: cbo.Rastrigin}
	res, err := cbo.Minimize(p, &cbo.Settings{N: 100, Sigma: 1, Alpha: 1e4, Dt: 0.05, MaxIter: 5000, InitRadius: 4, Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Status)
	fmt.Printf("consensus ≈ (%.2f, %.2f)\n", math.Abs(res.Consensus[0]), math.Abs(res.Consensus[1]))
	// Output:
	// Converged
	// consensus ≈ (0.00, 0.00)
}

// A success-rate table: the same problem from many seeds, in parallel.
func ExampleRunMany() {
	p := &cbo.Problem{Dim: 10, Func: cbo.Rastrigin}
	s := &cbo.Settings{N: 40, Sigma: 10.1, Alpha: 30, Noise: cbo.Anisotropic, MaxIter: 2000, InitRadius: 3}
	seeds := []uint64{1, 2, 3, 4, 5, 6, 7, 8}
	results, err := cbo.RunMany(p, s, seeds)
	if err != nil {
		fmt.Println(err)
		return
	}
	success := 0
	for _, r := range results {
		if mat.Norm(mat.NewVecDense(10, r.Consensus), math.Inf(1)) < 0.25 {
			success++
		}
	}
	fmt.Printf("success %d/%d\n", success, len(seeds))
	// Output:
	// success 8/8
}

// CBO inside gonum's optimize framework.
func ExampleMethod() {
	m := &cbo.Method{Settings: cbo.Settings{N: 100, Sigma: 1, Alpha: 1e4, Dt: 0.05, InitRadius: 4, Seed: 2}}
	res, err := optimize.Minimize(optimize.Problem{Func: cbo.Rastrigin}, []float64{2.8, -3.1}, nil, m)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("f = %.4f at (%.3f, %.3f)\n", res.F, math.Abs(res.X[0]), math.Abs(res.X[1]))
	// Output:
	// f = 0.0000 at (0.000, 0.000)
}

// The consensus point interpolates between the mean (α = 0) and the best
// particle (α = ∞), without underflow at large α.
func ExampleConsensus() {
	X := mat.NewDense(3, 2, []float64{
		0, 0,
		1, 0,
		0, 1,
	})
	f := []float64{2, 1, 3}
	for _, alpha := range []float64{0, 1, 1e5, math.Inf(1)} {
		c, _ := cbo.Consensus(nil, X, f, alpha)
		fmt.Printf("alpha %g: (%.4f, %.4f)\n", alpha, c[0], c[1])
	}
	// Output:
	// alpha 0: (0.3333, 0.3333)
	// alpha 1: (0.6652, 0.0900)
	// alpha 100000: (1.0000, 0.0000)
	// alpha +Inf: (1.0000, 0.0000)
}
