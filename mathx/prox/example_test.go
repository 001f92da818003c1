package prox_test

import (
	"fmt"

	"github.com/gomx-dev/gomx/mathx/prox"
	"gonum.org/v1/gonum/mat"
)

func ExampleSoftThreshold() {
	x := []float64{-2, -0.5, 0, 0.3, 1.5}
	p := make([]float64, len(x))
	prox.SoftThreshold(p, x, 1)
	fmt.Println(p)
	// Output: [-1 0 0 0 0.5]
}

func ExampleProjSimplex() {
	x := []float64{0.5, 1.2, -0.3}
	prox.ProjSimplex(x, x, 1) // in place
	fmt.Printf("%.2f\n", x)
	// Output: [0.15 0.85 0.00]
}

func ExampleProjL0Ball() {
	// Keep the 2 largest magnitudes; the tie between -2 and 2 goes to the
	// lower index.
	x := []float64{1, -2, 2, 0.5, -2}
	p := make([]float64, len(x))
	prox.ProjL0Ball(p, x, 2)
	fmt.Println(p)
	// Output: [0 -2 2 0 0]
}

func ExampleSEF() {
	f := prox.SEF{K: 2}
	x := []float64{3, 1, 1}
	// ½‖x‖²₍₂₎ = ½·3² + ½·(1+1)²: the largest entry stays alone and the
	// tail is pooled. A K-sparse vector gets exactly ½‖x‖².
	fmt.Printf("SEF(x) = %.4f, ½‖x‖² = %.4f\n", f.Value(x), 0.5*(9+1+1))
	fmt.Printf("SEF(3,1,0) = %.4f\n", f.Value([]float64{3, 1, 0}))
	p := make([]float64, 3)
	f.Prox(p, x, 1)
	fmt.Printf("prox = %.4f\n", p)
	// Output:
	// SEF(x) = 6.5000, ½‖x‖² = 5.5000
	// SEF(3,1,0) = 5.0000
	// prox = [1.5000 0.3333 0.3333]
}

func ExampleTV1D() {
	// Denoise a noisy step: the prox of λ·TV keeps two flat pieces.
	x := []float64{0.1, -0.1, 0.05, 2.1, 1.9, 2.0}
	p := make([]float64, len(x))
	prox.TV1D(p, x, 0.2)
	fmt.Printf("%.4f\n", p)
	// Output: [0.0833 0.0833 0.0833 1.9333 1.9333 1.9333]
}

func ExampleMoreauEnvelope() {
	// The Moreau envelope of |·| with t = 1 is the Huber function.
	for _, v := range []float64{0.5, 2} {
		fmt.Println(prox.MoreauEnvelope(prox.L1{}, []float64{v}, 1, nil))
	}
	// Output:
	// 0.125
	// 1.5
}

func ExampleProxConj() {
	// The conjugate of ‖·‖₁ is the indicator of the ℓ∞ unit ball: its prox
	// (from the prox of ‖·‖₁ alone, by Moreau) clips to [−1, 1].
	x := []float64{-3, 0.5, 2}
	p := make([]float64, len(x))
	prox.ProxConj(prox.L1{}, p, x, 0.7)
	fmt.Printf("%.12f\n", p)
	// Output: [-1.000000000000 0.500000000000 1.000000000000]
}

func ExampleGroupL2() {
	// Group lasso: groups {0,1} and {2,3}; the second group is too small
	// to survive the threshold and vanishes as a whole.
	g := prox.GroupL2{Groups: [][]int{{0, 1}, {2, 3}}}
	x := []float64{3, 4, 0.3, -0.4}
	p := make([]float64, len(x))
	g.Prox(p, x, 1)
	fmt.Printf("%.4f %.4f\n", p, g.Value(x))
	// Output: [2.4000 3.2000 0.0000 0.0000] 5.5000
}

func ExampleProxNuclear() {
	// Singular value thresholding: diag(3, 1) shrunk by 2 has rank one.
	x := mat.NewDense(2, 2, []float64{3, 0, 0, 1})
	var p mat.Dense
	if err := prox.ProxNuclear(&p, x, 2); err != nil {
		panic(err)
	}
	fmt.Println(mat.Formatted(&p))
	// Output:
	// ⎡1  0⎤
	// ⎣0  0⎦
}
