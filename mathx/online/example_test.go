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
