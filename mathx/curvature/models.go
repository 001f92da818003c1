package curvature

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// LeastSquares is the model f(x) = (1/2n)‖Ax − b‖² + (L2/2)‖x‖², A n×d,
// in scikit-learn's (and mathx/lasso's) scaling. Its Hessian is
// (1/n)AᵀA + L2·I at every x, so it is the closed-form test bed of the
// spectral routines; Objective is its Func and HessVec its exact product.
type LeastSquares struct {
	// A is the n×d design matrix.
	A mat.Matrix
	// B holds the n targets.
	B []float64
	// L2 ≥ 0 is the ridge weight.
	L2 float64
}

// Logistic is ℓ2-regularised logistic regression,
// f(x) = (1/n)Σ log(1 + exp(−b_i·a_iᵀx)) + (L2/2)‖x‖² with labels b_i = ±1
// (mathx/lasso's Logistic loss, scikit-learn's LogisticRegression with
// C = 1/(n·L2) and no intercept). Its Hessian is (1/n)AᵀDA + L2·I with
// D = diag(σ(z_i)σ(−z_i)), z = Ax.
type Logistic struct {
	// A is the n×d design matrix.
	A mat.Matrix
	// B holds the n labels, each −1 or +1.
	B []float64
	// L2 ≥ 0 is the ridge weight.
	L2 float64
}

func checkModel(name string, a mat.Matrix, b []float64, l2 float64, x []float64) (n, d int) {
	if a == nil {
		panic(name + ": nil A")
	}
	n, d = a.Dims()
	if len(b) != n {
		panic(fmt.Sprintf("%s: len(B) = %d, A is %d×%d", name, len(b), n, d))
	}
	if l2 < 0 || math.IsNaN(l2) || math.IsInf(l2, 0) {
		panic(fmt.Sprintf("%s: L2 = %v, want ≥ 0 and finite", name, l2))
	}
	if x != nil && len(x) != d {
		panic(fmt.Sprintf("%s: len(x) = %d, A is %d×%d", name, len(x), n, d))
	}
	return n, d
}

// Dim returns the number of parameters, A's columns.
func (m *LeastSquares) Dim() int { _, d := m.A.Dims(); return d }

// Objective returns f(x) and writes ∇f(x) = (1/n)Aᵀ(Ax − b) + L2·x into
// grad when grad is not nil. It panics on mismatched lengths.
func (m *LeastSquares) Objective(x, grad []float64) float64 {
	n, d := checkModel("curvature.LeastSquares.Objective", m.A, m.B, m.L2, x)
	r := make([]float64, n)
	mat.NewVecDense(n, r).MulVec(m.A, mat.NewVecDense(d, x))
	var f float64
	for i := range r {
		r[i] -= m.B[i]
		f += r[i] * r[i]
	}
	f /= 2 * float64(n)
	var xx float64
	for _, v := range x {
		xx += v * v
	}
	f += 0.5 * m.L2 * xx
	if grad != nil {
		if len(grad) != d {
			panic(fmt.Sprintf("curvature.LeastSquares.Objective: len(grad) = %d, want %d", len(grad), d))
		}
		g := mat.NewVecDense(d, grad)
		g.MulVec(m.A.T(), mat.NewVecDense(n, r))
		g.ScaleVec(1/float64(n), g)
		g.AddScaledVec(g, m.L2, mat.NewVecDense(d, x))
	}
	return f
}

// HessVec sets dst = ((1/n)AᵀA + L2·I)·v (x is not used: the Hessian is
// constant).
func (m *LeastSquares) HessVec(dst, x, v []float64) {
	n, d := checkModel("curvature.LeastSquares.HessVec", m.A, m.B, m.L2, nil)
	checkLen("curvature.LeastSquares.HessVec", d, dst, v)
	av := mat.NewVecDense(n, nil)
	av.MulVec(m.A, mat.NewVecDense(d, v))
	out := mat.NewVecDense(d, dst)
	out.MulVec(m.A.T(), av)
	out.ScaleVec(1/float64(n), out)
	out.AddScaledVec(out, m.L2, mat.NewVecDense(d, v))
}

// Hessian returns the dense Hessian (1/n)AᵀA + L2·I.
func (m *LeastSquares) Hessian(x []float64) *mat.SymDense {
	n, d := checkModel("curvature.LeastSquares.Hessian", m.A, m.B, m.L2, nil)
	h := mat.NewSymDense(d, nil)
	var ata mat.Dense
	ata.Mul(m.A.T(), m.A)
	for i := 0; i < d; i++ {
		for j := i; j < d; j++ {
			v := ata.At(i, j) / float64(n)
			if i == j {
				v += m.L2
			}
			h.SetSym(i, j, v)
		}
	}
	return h
}

// SampleGrads returns the n×d matrix whose row i is the gradient of the
// i-th term ½(a_iᵀx − b_i)² (without the L2 term): the per-example
// gradients of the empirical Fisher (1/n)Σ g_i g_iᵀ, which for this model
// is the Hessian's data part weighted by the squared residuals.
func (m *LeastSquares) SampleGrads(x []float64) *mat.Dense {
	n, d := checkModel("curvature.LeastSquares.SampleGrads", m.A, m.B, m.L2, x)
	z := make([]float64, n)
	mat.NewVecDense(n, z).MulVec(m.A, mat.NewVecDense(d, x))
	g := mat.NewDense(n, d, nil)
	for i := 0; i < n; i++ {
		r := z[i] - m.B[i]
		for j := 0; j < d; j++ {
			g.Set(i, j, r*m.A.At(i, j))
		}
	}
	return g
}

func checkLabels(name string, b []float64) {
	for i, v := range b {
		if v != 1 && v != -1 {
			panic(fmt.Sprintf("%s: B[%d] = %v, want ±1", name, i, v))
		}
	}
}

// log1pexp returns log(1 + exp(t)) without overflow.
func log1pexp(t float64) float64 {
	if t > 0 {
		return t + math.Log1p(math.Exp(-t))
	}
	return math.Log1p(math.Exp(t))
}

// sigmoid returns 1/(1 + exp(−t)) without overflow.
func sigmoid(t float64) float64 {
	if t >= 0 {
		return 1 / (1 + math.Exp(-t))
	}
	e := math.Exp(t)
	return e / (1 + e)
}

// Dim returns the number of parameters, A's columns.
func (m *Logistic) Dim() int { _, d := m.A.Dims(); return d }

// Objective returns f(x) and writes
// ∇f(x) = −(1/n)Σ b_i σ(−b_i z_i) a_i + L2·x into grad when grad is not
// nil. It panics on mismatched lengths or labels other than ±1.
func (m *Logistic) Objective(x, grad []float64) float64 {
	const name = "curvature.Logistic.Objective"
	n, d := checkModel(name, m.A, m.B, m.L2, x)
	checkLabels(name, m.B)
	z := make([]float64, n)
	mat.NewVecDense(n, z).MulVec(m.A, mat.NewVecDense(d, x))
	var f, xx float64
	for i := range z {
		t := m.B[i] * z[i]
		f += log1pexp(-t)
		z[i] = -m.B[i] * sigmoid(-t) // the loss's derivative in z_i
	}
	f /= float64(n)
	for _, v := range x {
		xx += v * v
	}
	f += 0.5 * m.L2 * xx
	if grad != nil {
		if len(grad) != d {
			panic(fmt.Sprintf("%s: len(grad) = %d, want %d", name, len(grad), d))
		}
		g := mat.NewVecDense(d, grad)
		g.MulVec(m.A.T(), mat.NewVecDense(n, z))
		g.ScaleVec(1/float64(n), g)
		g.AddScaledVec(g, m.L2, mat.NewVecDense(d, x))
	}
	return f
}

func (m *Logistic) weights(name string, x []float64) (w []float64, n, d int) {
	n, d = checkModel(name, m.A, m.B, m.L2, x)
	checkLabels(name, m.B)
	w = make([]float64, n)
	mat.NewVecDense(n, w).MulVec(m.A, mat.NewVecDense(d, x))
	for i, z := range w {
		w[i] = sigmoid(z) * sigmoid(-z)
	}
	return w, n, d
}

// HessVec sets dst = ((1/n)AᵀDA + L2·I)·v at x, D = diag(σ(z_i)σ(−z_i)).
func (m *Logistic) HessVec(dst, x, v []float64) {
	const name = "curvature.Logistic.HessVec"
	w, n, d := m.weights(name, x)
	checkLen(name, d, dst, v)
	av := mat.NewVecDense(n, nil)
	av.MulVec(m.A, mat.NewVecDense(d, v))
	for i := range w {
		av.SetVec(i, av.AtVec(i)*w[i])
	}
	out := mat.NewVecDense(d, dst)
	out.MulVec(m.A.T(), av)
	out.ScaleVec(1/float64(n), out)
	out.AddScaledVec(out, m.L2, mat.NewVecDense(d, v))
}

// Hessian returns the dense Hessian (1/n)AᵀDA + L2·I at x.
func (m *Logistic) Hessian(x []float64) *mat.SymDense {
	w, n, d := m.weights("curvature.Logistic.Hessian", x)
	h := mat.NewSymDense(d, nil)
	for i := 0; i < n; i++ {
		for j := 0; j < d; j++ {
			aj := m.A.At(i, j) * w[i] / float64(n)
			if aj == 0 {
				continue
			}
			for k := j; k < d; k++ {
				h.SetSym(j, k, h.At(j, k)+aj*m.A.At(i, k))
			}
		}
	}
	for j := 0; j < d; j++ {
		h.SetSym(j, j, h.At(j, j)+m.L2)
	}
	return h
}

// SampleGrads returns the n×d matrix whose row i is the gradient
// −b_i σ(−b_i a_iᵀx)·a_i of the i-th loss term (without the L2 term): the
// per-example gradients of the empirical Fisher, and the input of the
// M-FAC routines.
func (m *Logistic) SampleGrads(x []float64) *mat.Dense {
	const name = "curvature.Logistic.SampleGrads"
	n, d := checkModel(name, m.A, m.B, m.L2, x)
	checkLabels(name, m.B)
	z := make([]float64, n)
	mat.NewVecDense(n, z).MulVec(m.A, mat.NewVecDense(d, x))
	g := mat.NewDense(n, d, nil)
	for i := 0; i < n; i++ {
		c := -m.B[i] * sigmoid(-m.B[i]*z[i])
		for j := 0; j < d; j++ {
			g.Set(i, j, c*m.A.At(i, j))
		}
	}
	return g
}
