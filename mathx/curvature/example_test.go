package curvature_test

import (
	"fmt"

	"github.com/gomx-dev/gomx/mathx/curvature"
	"gonum.org/v1/gonum/mat"
)

// A small logistic regression: the top eigenvalues of its Hessian at a
// point, by exact products and by differences of gradients.
func ExampleLanczos() {
	a := mat.NewDense(6, 3, []float64{
		1, 0, 0.5,
		0, 1, -1,
		1, 1, 0,
		-1, 0.5, 1,
		0.3, -1, 0,
		2, 0, 1,
	})
	m := &curvature.Logistic{A: a, B: []float64{1, -1, 1, -1, 1, 1}, L2: 0.01}
	x := []float64{0.1, -0.2, 0.3}
	r, err := curvature.Lanczos(curvature.Exact(m, x), 2, nil)
	if err != nil {
		panic(err)
	}
	fmt.Println(r.Status)
	fmt.Printf("top 2: %.6f\n", r.Values)
	fd, err := curvature.FiniteDiff(m.Objective, x, 0)
	if err != nil {
		panic(err)
	}
	r, _ = curvature.Lanczos(fd, 2, nil)
	fmt.Printf("by differences: %.6f\n", r.Values)
	// Output:
	// Converged
	// top 2: [0.313482 0.154396]
	// by differences: [0.313482 0.154396]
}

// Hutchinson's trace of a diagonal matrix is exact: every Rademacher probe
// gives zᵀHz = tr(H).
func ExampleHutchinson() {
	h := mat.NewSymDense(3, []float64{
		1, 0, 0,
		0, 2, 0,
		0, 0, 3,
	})
	r, _ := curvature.Hutchinson(curvature.Matrix(h), &curvature.Settings{MaxIter: 10})
	fmt.Println(r.Trace, r.StdErr)
	// Output:
	// 6 0
}

// The spectral density of a matrix with eigenvalues 1 (twice) and 4:
// SLQ's quadrature puts about 2/3 of the mass near 1 and 1/3 near 4, and
// estimates tr(H)/d within its standard error.
func ExampleSLQ() {
	h := mat.NewSymDense(3, []float64{
		2, 1, 1,
		1, 2, 1,
		1, 1, 2,
	})
	r, _ := curvature.SLQ(curvature.Matrix(h), &curvature.Settings{MaxIter: 200, Seed: 1})
	m1, se1 := r.Moment(1)
	fmt.Printf("tr(H)/d = %.2f ± %.2f (exact 2)\n", m1, se1)
	var near1, near4 float64
	for l, nodes := range r.Nodes {
		for i, t := range nodes {
			if t < 2.5 {
				near1 += r.Weights[l][i] / float64(len(r.Nodes))
			} else {
				near4 += r.Weights[l][i] / float64(len(r.Nodes))
			}
		}
	}
	fmt.Printf("mass near 1: %.2f, near 4: %.2f\n", near1, near4)
	// Output:
	// tr(H)/d = 2.03 ± 0.08 (exact 2)
	// mass near 1: 0.66, near 4: 0.34
}

// The M-FAC sliding window: products with (λI + (1/m)Σ g gᵀ)⁻¹ from the
// last m gradients.
func ExampleMFACDynamic() {
	w := curvature.NewMFACDynamic(3, 2, 0.5) // d = 3, m = 2, λ = 0.5
	w.Add([]float64{1, 0, 0})
	w.Add([]float64{0, 2, 0})
	w.Add([]float64{0, 0, 1}) // replaces the oldest, (1, 0, 0)
	y := make([]float64, 3)
	w.InvMulVec(y, []float64{1, 1, 1})
	// F̂ = diag(0.5, 0.5 + 4/2, 0.5 + 1/2)
	fmt.Printf("%.4f\n", y)
	// Output:
	// [2.0000 0.4000 1.0000]
}

// Optimal Brain Surgeon scores with the static M-FAC inverse: the weight
// whose removal costs least is pruned first.
func ExampleMFACStatic_OBSScores() {
	grads := mat.NewDense(2, 3, []float64{
		1, 0, 1,
		0, 1, 1,
	})
	s, _ := curvature.NewMFACStatic(grads, 0.1)
	// F̂ = 0.1·I + (g₁g₁ᵀ + g₂g₂ᵀ)/2 has diag(F̂⁻¹) = (4.2708, 4.2708, 3.75),
	// so ρ = w²/(2·diag) = (0.25/8.54, 0.01/8.54, 1/7.5).
	fmt.Printf("%.4f\n", s.OBSScores([]float64{0.5, -0.1, 1}))
	// Output:
	// [0.0293 0.0012 0.1333]
}

// The gradient-regularised Newton method on a logistic regression, with
// the exact Hessian and with the dampened empirical Fisher.
func ExampleGradRegNewton() {
	a := mat.NewDense(6, 2, []float64{
		1, 0.5,
		-1, 1,
		0.5, -1,
		2, 1,
		-0.5, -0.5,
		1, -2,
	})
	m := &curvature.Logistic{A: a, B: []float64{1, -1, 1, 1, -1, 1}, L2: 0.1}
	s := &curvature.OptSettings{X0: []float64{0, 0}, Tol: 1e-10}
	r, _ := curvature.GradRegNewton(m.Objective, m.Hessian, s)
	fmt.Println(r.Status, r.Iterations)
	fmt.Printf("x = %.6f\n", r.X)
	fisher := func(x []float64) *mat.SymDense { return curvature.EmpiricalFisher(m.SampleGrads(x), m.L2) }
	r, _ = curvature.GradRegNewton(m.Objective, fisher, s)
	fmt.Println(r.Status)
	fmt.Printf("x = %.6f\n", r.X)
	// Output:
	// Converged 6
	// x = [1.485173 -0.368200]
	// Converged
	// x = [1.485173 -0.368200]
}

// The M-FAC optimiser on the same problem.
func ExampleMFAC() {
	a := mat.NewDense(6, 2, []float64{
		1, 0.5,
		-1, 1,
		0.5, -1,
		2, 1,
		-0.5, -0.5,
		1, -2,
	})
	m := &curvature.Logistic{A: a, B: []float64{1, -1, 1, 1, -1, 1}, L2: 0.1}
	r, _ := curvature.MFAC(m.Objective, &curvature.OptSettings{
		X0: []float64{0, 0}, LearningRate: 0.5, Damp: 0.1, Window: 8, Tol: 1e-8, MaxIter: 500})
	fmt.Println(r.Status)
	fmt.Printf("x = %.6f\n", r.X)
	// Output:
	// Converged
	// x = [1.485173 -0.368200]
}

// Sharpness of a least-squares model against the gradient-descent
// threshold 2/η.
func ExampleMeasureSharpness() {
	a := mat.NewDense(4, 2, []float64{
		1, 0,
		0, 1,
		1, 1,
		2, -1,
	})
	ls := &curvature.LeastSquares{A: a, B: []float64{1, 2, 3, 4}}
	m, _ := curvature.MeasureSharpness(curvature.Exact(ls, []float64{0, 0}), nil)
	eta := 0.5
	fmt.Printf("λmax = %.4f, tr(H) = %.4f ± %.4f, 2/η = %.1f, GD stable: %v\n",
		m.LambdaMax, m.Trace, m.TraceStdErr, 2/eta, m.LambdaMax <= 2/eta)
	// H = AᵀA/4 = [1.5 −0.25; −0.25 0.75]: λmax = 1.125 + √0.203125, tr = 2.25.
	// Output:
	// λmax = 1.5757, tr(H) = 2.2800 ± 0.0502, 2/η = 4.0, GD stable: true
}
