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

// The paper's lens: for a cloud of particles around x̄ on a smooth f, the
// consensus drift c_α − x̄ points along −∇f(x̄) for small α (to first order
// c_α − x̄ = −α Cov ∇f, and the cross has isotropic covariance); a large α
// leans towards the best particle, (0, −0.1), instead.
func ExampleDriftCosine() {
	f := func(x []float64) float64 { return (x[0]-3)*(x[0]-3) + 4*(x[1]+1)*(x[1]+1) }
	grad := func(g, x []float64) { g[0], g[1] = 2*(x[0]-3), 8*(x[1]+1) }
	// A symmetric cross of particles around (0, 0).
	X := mat.NewDense(5, 2, []float64{0, 0, 0.1, 0, -0.1, 0, 0, 0.1, 0, -0.1})
	energy := make([]float64, 5)
	for i := range energy {
		energy[i] = f(X.RawRowView(i))
	}
	for _, alpha := range []float64{0.1, 10} {
		cos, _ := cbo.DriftCosine(X, energy, alpha, grad)
		fmt.Printf("alpha %g: cos = %.3f\n", alpha, cos)
	}
	// Output:
	// alpha 0.1: cos = 1.000
	// alpha 10: cos = 0.895
}

// The test-function set with its known minimisers.
func ExampleTestFunctions() {
	for _, tf := range cbo.TestFunctions() {
		d := max(tf.Dim, 2)
		x := tf.Minimizers(d)[0]
		fmt.Printf("%-12s f(%v) = %g\n", tf.Name, x, tf.Func(x))
	}
	// Output:
	// Sphere       f([0 0]) = 0
	// Rastrigin    f([0 0]) = 0
	// Ackley       f([0 0]) = 0
	// Rosenbrock   f([1 1]) = 0
	// Himmelblau   f([3 2]) = 0
	// Schwefel222  f([0 0]) = 0
	// Bukin6       f([-10 1]) = 0
}
