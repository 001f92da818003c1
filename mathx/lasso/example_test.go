package lasso_test

import (
	"fmt"

	"github.com/gomx-dev/gomx/mathx/lasso"
	"github.com/gomx-dev/gomx/mathx/prox"
	"gonum.org/v1/gonum/mat"
)

func ExampleCD() {
	// b depends on the first column only; the lasso finds that.
	a := mat.NewDense(4, 3, []float64{
		1, 0, 1,
		2, 1, 0,
		3, 0, 1,
		4, 1, 0,
	})
	b := []float64{2, 4, 6, 8}
	p := &lasso.Problem{A: a, B: b, Lambda: 0.1}
	res, err := lasso.CD(p, &lasso.Settings{Tol: 1e-12})
	if err != nil {
		panic(err)
	}
	fmt.Println(res.Status)
	fmt.Printf("x = %.4f\n", res.X)
	primal, dual := lasso.Gap(p, res.X)
	fmt.Printf("gap ≤ 1e-12: %v\n", (primal-dual)/primal <= 1e-12)
	// Output:
	// Converged
	// x = [1.9867 0.0000 0.0000]
	// gap ≤ 1e-12: true
}

func ExampleFISTA() {
	a := mat.NewDense(4, 3, []float64{
		1, 0, 1,
		2, 1, 0,
		3, 0, 1,
		4, 1, 0,
	})
	p := &lasso.Problem{A: a, B: []float64{2, 4, 6, 8}, Lambda: 0.1, L2: 0.05}
	res, err := lasso.FISTA(p, nil)
	if err != nil {
		panic(err)
	}
	fmt.Println(res.Status, res.Gap <= 1e-8)
	fmt.Printf("x = %.4f\n", res.X)
	// Output:
	// Converged true
	// x = [1.9735 0.0000 0.0000]
}

func ExampleProxGradient() {
	// Iterative hard thresholding: least squares over 1-sparse vectors,
	// with the ℓ0-ball projection of mathx/prox as the prox.
	a := mat.NewDense(4, 3, []float64{
		1, 0.2, 0,
		0, 1, 0.2,
		0.2, 0, 1,
		1, 1, 1,
	})
	b := []float64{0.4, 2, 0, 2} // A·(0, 2, 0)
	c := &lasso.Composite{A: a, B: b, G: prox.L0Ball{K: 1}}
	res, err := lasso.ProxGradient(c, &lasso.Settings{Tol: 1e-12})
	if err != nil {
		panic(err)
	}
	fmt.Println(res.Status)
	fmt.Printf("x = %.6f\n", res.X)
	// Output:
	// Converged
	// x = [0.000000 2.000000 0.000000]
}
