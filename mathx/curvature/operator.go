package curvature

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// Func is a differentiable objective in the shape of mathx/nn and gonum's
// optimize: it returns f(x) and, when grad is not nil, writes ∇f(x) into
// grad (len(grad) == len(x)). It must not keep x or grad.
type Func func(x, grad []float64) float64

// Operator is a symmetric linear map of R^d, given by its products: a
// Hessian at a point, a Fisher matrix, or any symmetric matrix. MulVec
// sets dst = H·v; dst and v have length Dim() and do not overlap.
//
// Every routine of this package calls MulVec from one goroutine at a time,
// so an Operator may keep work buffers.
type Operator interface {
	Dim() int
	MulVec(dst, v []float64)
}

// HessVec is implemented by models that give exact Hessian-vector
// products: HessVec sets dst = ∇²f(x)·v. LeastSquares and Logistic
// implement it; Exact turns one into an Operator at a point.
type HessVec interface {
	HessVec(dst, x, v []float64)
}

// Exact returns the Hessian of h at x as an Operator, by h's exact
// Hessian-vector products. x is copied.
func Exact(h HessVec, x []float64) Operator {
	if h == nil {
		panic("curvature.Exact: nil HessVec")
	}
	return &exact{h: h, x: append([]float64(nil), x...)}
}

type exact struct {
	h HessVec
	x []float64
}

func (e *exact) Dim() int { return len(e.x) }
func (e *exact) MulVec(dst, v []float64) {
	checkLen("curvature.Exact: MulVec", len(e.x), dst, v)
	e.h.HessVec(dst, e.x, v)
}

// Matrix returns the symmetric matrix a as an Operator (products with
// a.MulVec). It is how a notebook checks an estimate against a known
// matrix.
func Matrix(a mat.Symmetric) Operator {
	if a == nil {
		panic("curvature.Matrix: nil matrix")
	}
	return &matrixOp{a: a, n: a.SymmetricDim()}
}

type matrixOp struct {
	a mat.Symmetric
	n int
}

func (m *matrixOp) Dim() int { return m.n }
func (m *matrixOp) MulVec(dst, v []float64) {
	checkLen("curvature.Matrix: MulVec", m.n, dst, v)
	mat.NewVecDense(m.n, dst).MulVec(m.a, mat.NewVecDense(m.n, v))
}

// FuncOperator returns the Operator of dimension d whose product is mul
// (mul(dst, v) sets dst = H·v). mul must be linear and symmetric; nothing
// checks it.
func FuncOperator(d int, mul func(dst, v []float64)) Operator {
	if d < 1 || mul == nil {
		panic(fmt.Sprintf("curvature.FuncOperator: d = %d (want ≥ 1) or nil mul", d))
	}
	return &funcOp{d: d, mul: mul}
}

type funcOp struct {
	d   int
	mul func(dst, v []float64)
}

func (f *funcOp) Dim() int                { return f.d }
func (f *funcOp) MulVec(dst, v []float64) { f.mul(dst, v) }

// DefaultStep is FiniteDiff's relative step, the cube root of the float64
// machine epsilon: it balances the O(h²) truncation error of a central
// difference against the O(ε/h) rounding error of the gradients, for an
// error of about ε^(2/3) ≈ 4e-11 relative to ‖H‖ on a well-scaled f.
var DefaultStep = math.Cbrt(0x1p-52)

// FiniteDifference is the Hessian of a Func at a point by a central
// difference of gradients,
//
//	H·v ≈ (∇f(x + h·v) − ∇f(x − h·v)) / (2h),  h = Step·max(1, ‖x‖)/‖v‖,
//
// so the perturbation h·v has norm Step·max(1, ‖x‖) whatever v's scale:
// a step relative to the scale of x. Each product costs two gradients.
// It keeps work buffers: one goroutine at a time.
type FiniteDifference struct {
	f     Func
	x     []float64
	step  float64
	scale float64
	xp    []float64
	gp    []float64
	gm    []float64
	evals int
}

// FiniteDiff returns the central-difference Hessian of f at x (copied).
// step is the relative step (see FiniteDifference); 0 means DefaultStep.
// It evaluates f and ∇f at x and returns an error when x, f(x) or ∇f(x)
// holds NaN or ±Inf, or when the step is lost in rounding (x + h·v = x in
// every coordinate for a unit v along x's largest coordinate).
// It panics on an empty x, a nil f or a negative or NaN step.
func FiniteDiff(f Func, x []float64, step float64) (*FiniteDifference, error) {
	const name = "curvature.FiniteDiff"
	if f == nil || len(x) == 0 {
		panic(name + ": nil f or empty x")
	}
	if step < 0 || math.IsNaN(step) || math.IsInf(step, 0) {
		panic(fmt.Sprintf("%s: step = %v, want ≥ 0 and finite", name, step))
	}
	if step == 0 {
		step = DefaultStep
	}
	if i := firstNonFinite(x); i >= 0 {
		return nil, fmt.Errorf("%s: x[%d] = %v", name, i, x[i])
	}
	d := len(x)
	fd := &FiniteDifference{
		f:    f,
		x:    append([]float64(nil), x...),
		step: step,
		xp:   make([]float64, d),
		gp:   make([]float64, d),
		gm:   make([]float64, d),
	}
	fd.scale = math.Max(1, floats.Norm(x, 2))
	v := f(fd.x, fd.gp)
	fd.evals++
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil, fmt.Errorf("%s: f(x) = %v", name, v)
	}
	if i := firstNonFinite(fd.gp); i >= 0 {
		return nil, fmt.Errorf("%s: ∇f(x)[%d] = %v", name, i, fd.gp[i])
	}
	j := floats.MaxIdx(absCopy(x))
	if x[j]+step*fd.scale == x[j] {
		return nil, fmt.Errorf("%s: step %g·%g is lost in rounding at x[%d] = %g", name, step, fd.scale, j, x[j])
	}
	return fd, nil
}

// Dim returns len(x).
func (fd *FiniteDifference) Dim() int { return len(fd.x) }

// Step returns the absolute perturbation norm ‖h·v‖ = step·max(1, ‖x‖).
func (fd *FiniteDifference) Step() float64 { return fd.step * fd.scale }

// Evals returns the number of gradient evaluations so far.
func (fd *FiniteDifference) Evals() int { return fd.evals }

// MulVec sets dst ≈ H·v by the central difference. A zero v gives a zero
// dst without evaluating f. A non-finite gradient makes dst non-finite
// (the routines of this package then stop with Status Failed).
func (fd *FiniteDifference) MulVec(dst, v []float64) {
	fd.mulStep(dst, v, fd.step*fd.scale)
}

func (fd *FiniteDifference) mulStep(dst, v []float64, abs float64) {
	checkLen("curvature.FiniteDifference: MulVec", len(fd.x), dst, v)
	nv := floats.Norm(v, 2)
	if nv == 0 {
		for i := range dst {
			dst[i] = 0
		}
		return
	}
	h := abs / nv
	floats.AddScaledTo(fd.xp, fd.x, h, v)
	fd.f(fd.xp, fd.gp)
	floats.AddScaledTo(fd.xp, fd.x, -h, v)
	fd.f(fd.xp, fd.gm)
	fd.evals += 2
	inv := 1 / (2 * h)
	for i := range dst {
		dst[i] = (fd.gp[i] - fd.gm[i]) * inv
	}
}

// Check estimates the accuracy of the products on random unit vectors
// u, v drawn from a PCG seeded with seed (six products). asymmetry is
// |uᵀHv − vᵀHu| / (‖Hu‖ + ‖Hv‖), which is 0 for an exact symmetric H and
// measures rounding and truncation; truncation is the Richardson estimate
// ‖H_h v − H_2h v‖ / (3‖H_h v‖) of the O(h²) error of the product at the
// chosen step. Both should be far below the accuracy a caller needs; a
// large truncation asks for a smaller step, a large asymmetry for a larger
// one (or a gradient with less noise).
func (fd *FiniteDifference) Check(seed uint64) (asymmetry, truncation float64) {
	d := len(fd.x)
	rng := rand.New(rand.NewPCG(seed, 0x6375727661747572))
	u, v := make([]float64, d), make([]float64, d)
	for i := range u {
		u[i], v[i] = rng.NormFloat64(), rng.NormFloat64()
	}
	floats.Scale(1/floats.Norm(u, 2), u)
	floats.Scale(1/floats.Norm(v, 2), v)
	hu, hv, hv2 := make([]float64, d), make([]float64, d), make([]float64, d)
	fd.MulVec(hu, u)
	fd.MulVec(hv, v)
	fd.mulStep(hv2, v, 2*fd.step*fd.scale)
	den := floats.Norm(hu, 2) + floats.Norm(hv, 2)
	if den == 0 {
		return 0, 0
	}
	asymmetry = math.Abs(floats.Dot(u, hv)-floats.Dot(v, hu)) / den
	nhv := floats.Norm(hv, 2)
	if nhv == 0 {
		return asymmetry, 0
	}
	return asymmetry, floats.Distance(hv, hv2, 2) / (3 * nhv)
}

// Dense returns the d×d matrix of op, built from d products with the unit
// vectors and symmetrised ((H + Hᵀ)/2). It costs d products and d² memory:
// for small d.
func Dense(op Operator) *mat.SymDense {
	if op == nil {
		panic("curvature.Dense: nil operator")
	}
	d := op.Dim()
	cols := mat.NewDense(d, d, nil)
	e, col := make([]float64, d), make([]float64, d)
	for j := 0; j < d; j++ {
		e[j] = 1
		op.MulVec(col, e)
		e[j] = 0
		cols.SetCol(j, col)
	}
	s := mat.NewSymDense(d, nil)
	for i := 0; i < d; i++ {
		for j := i; j < d; j++ {
			s.SetSym(i, j, 0.5*cols.At(i, j)+0.5*cols.At(j, i)) // no overflow near MaxFloat64
		}
	}
	return s
}

// Spectrum returns all eigenvalues of op in decreasing order and, when
// vectors is true, the matching orthonormal eigenvectors as the columns
// of a d×d matrix, by Dense and gonum's mat.EigenSym: the exact spectrum
// for small d (d products, O(d³) time). It returns an error when the
// matrix holds NaN or ±Inf or the eigensolver fails.
func Spectrum(op Operator, vectors bool) (values []float64, vecs *mat.Dense, err error) {
	a := Dense(op)
	d := a.SymmetricDim()
	for i := 0; i < d; i++ {
		for j := i; j < d; j++ {
			if v := a.At(i, j); math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, nil, fmt.Errorf("curvature.Spectrum: H[%d,%d] = %v", i, j, v)
			}
		}
	}
	var es mat.EigenSym
	if !es.Factorize(a, vectors) {
		return nil, nil, fmt.Errorf("curvature.Spectrum: mat.EigenSym did not converge")
	}
	asc := es.Values(nil)
	values = make([]float64, d)
	for i := range asc {
		values[i] = asc[d-1-i]
	}
	if vectors {
		var ev mat.Dense
		es.VectorsTo(&ev)
		vecs = mat.NewDense(d, d, nil)
		for j := 0; j < d; j++ {
			vecs.SetCol(j, mat.Col(nil, d-1-j, &ev))
		}
	}
	return values, vecs, nil
}

func checkLen(name string, d int, dst, v []float64) {
	if len(dst) != d || len(v) != d {
		panic(fmt.Sprintf("%s: len(dst) = %d, len(v) = %d, dimension %d", name, len(dst), len(v), d))
	}
}

func firstNonFinite(x []float64) int {
	for i, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return i
		}
	}
	return -1
}

func absCopy(x []float64) []float64 {
	a := make([]float64, len(x))
	for i, v := range x {
		a[i] = math.Abs(v)
	}
	return a
}
