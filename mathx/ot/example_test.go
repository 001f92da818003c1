package ot_test

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/gomx-dev/gomx/mathx/ot"
)

func ExampleSinkhorn() {
	// Two points on each side of a line; mass prefers the closer partner.
	xs := mat.NewDense(2, 1, []float64{0, 1})
	xt := mat.NewDense(2, 1, []float64{0.1, 1.2})
	M := ot.Dist(xs, xt, ot.SqEuclidean)
	a := []float64{0.5, 0.5}
	r, err := ot.Sinkhorn(a, a, M, 0.5, nil)
	if err != nil {
		panic(err)
	}
	fmt.Println(r.Status)
	fmt.Printf("%.4f\n", mat.Formatted(r.Plan))
	fmt.Printf("cost %.4f, marginal error below 1e-9: %v\n", r.Cost, r.RowErr+r.ColErr < 1e-9)
	// Output:
	// Converged
	// ⎡0.4501  0.0499⎤
	// ⎣0.0499  0.4501⎦
	// cost 0.1347, marginal error below 1e-9: true
}

func ExampleSinkhornLog() {
	M := mat.NewDense(2, 2, []float64{0.01, 1.44, 0.81, 0.04})
	a := []float64{0.5, 0.5}
	// POT's stopping rule: ‖Pᵀ1 − b‖₂ ≤ stopThr, checked every 10 iterations.
	r, err := ot.SinkhornLog(a, a, M, 0.5, &ot.Settings{Tol: 1e-12, Norm: ot.L2Col})
	if err != nil {
		panic(err)
	}
	fmt.Println(r.Status, "after", r.Iterations, "iterations (POT's niter: 60)")
	mean := (r.F[0] + r.F[1]) / 2 // potentials are defined up to F+c, G−c
	fmt.Printf("F %.4f %.4f  G %.4f %.4f\n", r.F[0]-mean, r.F[1]-mean, r.G[0]+mean, r.G[1]+mean)
	// Output:
	// Converged after 61 iterations (POT's niter: 60)
	// F 0.1500 -0.1500  G -0.5391 -0.2091
}

func ExampleSinkhornStabilized() {
	// A far target point and a small reg: its column of exp(-M/reg)
	// underflows to zero.
	xs := mat.NewDense(3, 1, []float64{0, 1, 2})
	xt := mat.NewDense(3, 1, []float64{0.5, 30, 33})
	M := ot.Dist(xs, xt, ot.SqEuclidean)
	a := []float64{0.2, 0.3, 0.5}
	b := []float64{0.4, 0.4, 0.2}
	_, err := ot.Sinkhorn(a, b, M, 0.5, nil)
	fmt.Println("plain Sinkhorn underflows:", errors.Is(err, ot.ErrUnderflow))
	r, err := ot.SinkhornStabilized(a, b, M, 0.5, nil)
	if err != nil {
		panic(err)
	}
	e, _ := ot.EMD(a, b, M, nil)
	fmt.Println(r.Status)
	fmt.Printf("entropic cost %.4f ≥ exact cost %.4f\n", r.Cost, e.Cost)
	// Output:
	// plain Sinkhorn underflows: true
	// Converged
	// entropic cost 511.6000 ≥ exact cost 511.6000
}

func ExampleSNS() {
	// Small reg: Sinkhorn needs many sweeps, SNS a few Newton steps.
	n := 60
	xs, xt := mat.NewDense(n, 2, nil), mat.NewDense(n, 2, nil)
	for i := 0; i < n; i++ {
		t := float64(i) / float64(n)
		xs.SetRow(i, []float64{t, math.Sin(7 * t)})
		xt.SetRow(i, []float64{t + 0.05, math.Cos(5 * t)})
	}
	M := ot.Dist(xs, xt, ot.SqEuclidean)
	a := make([]float64, n)
	for i := range a {
		a[i] = 1 / float64(n)
	}
	reg := 0.002 * mat.Max(M)
	s := &ot.Settings{Tol: 1e-11}
	sns, err := ot.SNS(a, a, M, reg, s)
	if err != nil {
		panic(err)
	}
	lg, err := ot.SinkhornLog(a, a, M, reg, s)
	if err != nil {
		panic(err)
	}
	var diff float64
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			diff = math.Max(diff, math.Abs(sns.Plan.At(i, j)-lg.Plan.At(i, j)))
		}
	}
	fmt.Println(sns.Status, lg.Status)
	fmt.Println("same plan to 1e-10:", diff < 1e-10)
	fmt.Println("10× fewer passes:", 10*sns.Passes <= lg.Passes)
	// Output:
	// Converged Converged
	// same plan to 1e-10: true
	// 10× fewer passes: true
}

func ExampleEMD() {
	M := mat.NewDense(3, 3, []float64{
		4, 1, 3,
		2, 0, 5,
		3, 2, 2,
	})
	a := []float64{1.0 / 3, 1.0 / 3, 1.0 / 3}
	r, err := ot.EMD(a, a, M, nil)
	if err != nil {
		panic(err)
	}
	fmt.Printf("cost %.4f = dual %.4f\n", r.Cost, r.Dual)
	fmt.Printf("%.4f\n", mat.Formatted(r.Plan))
	// Output:
	// cost 1.6667 = dual 1.6667
	// ⎡0.0000  0.3333  0.0000⎤
	// ⎢0.3333  0.0000  0.0000⎥
	// ⎣0.0000  0.0000  0.3333⎦
}

func ExampleWasserstein1D() {
	u := []float64{0, 1, 3}
	v := []float64{5, 6, 8}
	w1, _ := ot.Wasserstein1D(u, v, nil, nil, 1) // every point moves by 5
	w2, _ := ot.Wasserstein1D(u, v, nil, nil, 2) // W_2^2, no square root
	fmt.Printf("%.10g %.10g\n", w1, w2)
	_, err := ot.Wasserstein1D(u, v, []float64{1, 1, 1}, []float64{1, 1, 2}, 1)
	fmt.Println(err)
	// Output:
	// 5 25
	// ot.Wasserstein1D: ot: infeasible problem: the marginals have masses 3 and 4, want equal positive masses (to 1e-9 relative)
}

func ExampleGridDist() {
	C := ot.GridDist(2, 2, ot.Cityblock) // pixels (0,0) (0,1) (1,0) (1,1)
	fmt.Println(mat.Formatted(C))
	// Output:
	// ⎡0  1  1  2⎤
	// ⎢1  0  2  1⎥
	// ⎢1  2  0  1⎥
	// ⎣2  1  1  0⎦
}
