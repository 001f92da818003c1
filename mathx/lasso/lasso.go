package lasso

import (
	"context"
	"fmt"
	"math"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// Loss selects the data-fitting term of a Problem.
type Loss int

const (
	// Squared is (1/2n)‖Ax − b‖², scikit-learn's Lasso/ElasticNet scaling.
	Squared Loss = iota
	// Logistic is (1/n)Σ_i log(1 + exp(−b_i·a_iᵀx)) with labels b_i ∈ {−1, +1}.
	Logistic
)

// String returns the loss name.
func (l Loss) String() string {
	switch l {
	case Squared:
		return "Squared"
	case Logistic:
		return "Logistic"
	}
	return fmt.Sprintf("Loss(%d)", int(l))
}

// Problem is min_x loss(Ax; b) + Lambda·‖x‖₁ + (L2/2)·‖x‖², with A n×d.
// scikit-learn's Lasso(alpha) is Lambda = alpha, L2 = 0; its
// ElasticNet(alpha, l1_ratio) is Lambda = alpha·l1_ratio,
// L2 = alpha·(1 − l1_ratio). Lambda ≥ 0, L2 ≥ 0, not both 0.
type Problem struct {
	A      mat.Matrix
	B      []float64
	Lambda float64
	L2     float64
	Loss   Loss
}

// Rule is the coordinate selection rule of CD.
type Rule int

const (
	// Cyclic visits the coordinates 0, 1, …, d−1 in every epoch.
	Cyclic Rule = iota
	// Random draws each coordinate uniformly (PCG seeded by Settings.Seed).
	Random
	// GaussSouthwell picks the coordinate whose minimum-norm subgradient
	// is largest (the GS-s rule of Nutini et al. 2015): |g_i + λ·sign(x_i)|
	// for x_i ≠ 0, max(|g_i| − λ, 0) for x_i = 0, g = ∇ of the smooth part.
	GaussSouthwell
	// GaussSouthwellLipschitz divides the GS-s score by sqrt(L_i), L_i the
	// coordinate Lipschitz constant (Nutini et al.'s GSL rule).
	GaussSouthwellLipschitz
)

// String returns the rule name.
func (r Rule) String() string {
	switch r {
	case Cyclic:
		return "Cyclic"
	case Random:
		return "Random"
	case GaussSouthwell:
		return "GaussSouthwell"
	case GaussSouthwellLipschitz:
		return "GaussSouthwellLipschitz"
	}
	return fmt.Sprintf("Rule(%d)", int(r))
}

// Settings configures ISTA, FISTA and CD. The zero value gives the
// documented defaults.
type Settings struct {
	// MaxIter bounds the iterations (see Result.Iterations) and, for CD
	// with working sets, the epochs: coordinate updates divided by d
	// (scikit-learn's max_iter); 0 means 10000.
	MaxIter int
	// Tol is compared with the relative duality gap (P − D)/P after every
	// iteration (ProxGradient, AccelProxGradient: with the gradient-mapping
	// norm); 0 means 1e-8.
	Tol float64
	// Seed seeds the PCG generator of the Random rule.
	Seed uint64
	// Context cancels the run; nil means the current cell's context
	// (mathx/interrupt).
	Context context.Context
	// Callback is called after every iteration or epoch with the live
	// result; returning false stops the run with Status Stopped. A panic
	// in it is recovered and returned as an error.
	Callback func(iter int, r *Result) bool
	// Rule is CD's coordinate selection (default Cyclic).
	Rule Rule
	// X0 is the starting point (default 0); it is not modified.
	X0 []float64
	// FullSweeps makes CD's Cyclic and Random rules sweep all d
	// coordinates in every epoch; by default they work on a working set
	// (see CD).
	FullSweeps bool
	// CheckEvery is the number of coordinate updates between two gap
	// checks of CD with FullSweeps or a Gauss–Southwell rule (each check is
	// one iteration and costs a product with Aᵀ); 0 means d, one epoch.
	CheckEvery int
}

// Result is the outcome of a solver.
type Result struct {
	// Status says why the run ended.
	Status Status
	// Iterations counts iterations (ISTA, FISTA), gap checks (CD with
	// FullSweeps or greedy rules, see CheckEvery) or outer working-set
	// rounds (CD).
	Iterations int
	// History is the relative duality gap after each iteration
	// (ProxGradient, AccelProxGradient: the gradient-mapping norm).
	History []float64
	// Objective is the primal objective after each iteration.
	Objective []float64
	// X is the solution.
	X []float64
	// Gap is the last relative duality gap (0 for ProxGradient and
	// AccelProxGradient).
	Gap float64
	// Updates counts coordinate updates (CD) or prox steps including
	// backtracking trials (ISTA, FISTA).
	Updates int
	// MatVecs counts products with A or Aᵀ (ISTA, FISTA; CD counts the
	// full Aᵀr products of its gap checks).
	MatVecs int
	// Lipschitz is the step constant L of ISTA and FISTA at the end (the
	// step is 1/L; backtracking only increases it).
	Lipschitz float64
}

// Gap returns the primal objective P(x) and the dual objective D(u) at the
// dual point built from x's residual, so that (P − D)/P is the relative
// duality gap every solver here stops on. For the lasso (Squared, L2 = 0)
// u = (r/n)·min(1, λ/‖Aᵀr/n‖∞), r = b − Ax, and
// D = −(n/2)‖u‖² + ⟨u, b⟩: the residual rescaled to be dual feasible.
// Equivalently, with θ = r/max(nλ, ‖Aᵀr‖∞) and u = λθ,
// D = (‖b‖² − ‖b − nλθ‖²)/(2n). With L2 > 0, u = r/n and D subtracts
// (1/(2·L2))‖(|Aᵀu| − λ)₊‖². For Logistic,
// u_i = b_i·σ(−b_i a_iᵀx)/n (rescaled likewise when L2 = 0) and
// D = (1/n)Σ H(n·b_i·u_i) with H the binary entropy in nats. Both are NaN
// when A, b or x holds a NaN or ±Inf (the solvers report such data as
// Failed), and NaN or ±Inf when the objective overflows.
func Gap(p *Problem, x []float64) (primal, dual float64) {
	return gapOf(p, x, "lasso.Gap")
}

// RelGap returns the relative duality gap (P − D)/P at x, with P and D
// from Gap (0 when P = 0): the measure every solver here compares with
// Settings.Tol and reports as Result.Gap, so a solution from any solver
// or library can be checked against the same tolerance. It is NaN where
// Gap is, never 0 on non-finite data.
func RelGap(p *Problem, x []float64) float64 {
	return relGap(gapOf(p, x, "lasso.RelGap"))
}

// gapOf is Gap, with name in the panic messages.
func gapOf(p *Problem, x []float64, name string) (primal, dual float64) {
	d := newData(p, name, false)
	if len(x) != d.d {
		panic(fmt.Sprintf("%s: len(x) = %d, A has %d columns", name, len(x), d.d))
	}
	if d.checkFinite(x, name) != nil {
		return math.NaN(), math.NaN()
	}
	z := make([]float64, d.n)
	d.mulA(z, x)
	work := make([]float64, d.n)
	atu := make([]float64, d.d)
	return d.gap(x, z, work, atu)
}

// data holds the problem in raw row-major form (and column-major for CD).
type data struct {
	p        *Problem
	n, d     int
	a        []float64 // n×d row-major
	at       []float64 // d×n row-major (columns of A), CD only
	lambda   float64
	l2       float64
	logistic bool
}

func newData(p *Problem, name string, columns bool) *data {
	return newDataPenalty(p, name, columns, true)
}

// newDataPenalty is newData; penalized demands Lambda or L2 > 0.
func newDataPenalty(p *Problem, name string, columns, penalized bool) *data {
	if p == nil || p.A == nil {
		panic(name + ": nil problem or matrix")
	}
	n, d := p.A.Dims()
	if len(p.B) != n {
		panic(fmt.Sprintf("%s: A is %d×%d, len(b) = %d", name, n, d, len(p.B)))
	}
	if !(p.Lambda >= 0) || !(p.L2 >= 0) || math.IsInf(p.Lambda, 1) || math.IsInf(p.L2, 1) || penalized && p.Lambda == 0 && p.L2 == 0 {
		panic(fmt.Sprintf("%s: Lambda = %g, L2 = %g: need both finite and ≥ 0, one > 0", name, p.Lambda, p.L2))
	}
	if p.Loss != Squared && p.Loss != Logistic {
		panic(fmt.Sprintf("%s: unknown loss %v", name, p.Loss))
	}
	if p.Loss == Logistic {
		for i, v := range p.B {
			if v != 1 && v != -1 {
				panic(fmt.Sprintf("%s: logistic label b[%d] = %g, want ±1", name, i, v))
			}
		}
	}
	dd := &data{p: p, n: n, d: d, lambda: p.Lambda, l2: p.L2, logistic: p.Loss == Logistic}
	if m, ok := p.A.(*mat.Dense); ok && m.RawMatrix().Stride == d {
		dd.a = m.RawMatrix().Data[:n*d]
	} else {
		dd.a = make([]float64, n*d)
		for i := 0; i < n; i++ {
			for j := 0; j < d; j++ {
				dd.a[i*d+j] = p.A.At(i, j)
			}
		}
	}
	if columns {
		dd.at = make([]float64, n*d)
		transpose(dd.at, dd.a, n, d)
	}
	return dd
}

// checkFinite returns an error naming the first NaN or ±Inf entry of A, b
// or the starting point x: a data problem, reported as Status Failed.
func (d *data) checkFinite(x []float64, name string) error {
	for k, v := range d.a {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("%s: A[%d,%d] = %g: A must be finite", name, k/d.d, k%d.d, v)
		}
	}
	for i, v := range d.p.B {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("%s: b[%d] = %g: b must be finite", name, i, v)
		}
	}
	for j, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("%s: X0[%d] = %g: the starting point must be finite", name, j, v)
		}
	}
	return nil
}

// failed returns the result of a run that stopped on a data problem or a
// non-finite value: Status Failed, X a copy of the current point.
func failed(r *Result, x []float64, err error) (*Result, error) {
	r.Status = Failed
	return finish(r, x), err
}

// mulA sets z = A x.
func (d *data) mulA(z, x []float64) {
	if allZero(x) {
		for i := range z {
			z[i] = 0
		}
		return
	}
	for i := range z {
		z[i] = floats.Dot(d.a[i*d.d:(i+1)*d.d], x)
	}
}

// mulAT sets y = Aᵀ v.
func (d *data) mulAT(y, v []float64) {
	for j := range y {
		y[j] = 0
	}
	for i, vi := range v {
		if vi != 0 {
			floats.AddScaled(y, vi, d.a[i*d.d:(i+1)*d.d])
		}
	}
}

// lossGrad writes u = −∇loss(z) (the dual candidate before scaling, r/n
// for Squared) into u and returns loss(z).
func (d *data) lossGrad(u, z []float64) float64 {
	nf := float64(d.n)
	var loss float64
	if !d.logistic {
		for i, zi := range z {
			r := d.p.B[i] - zi
			u[i] = r / nf
			loss += r * r
		}
		return loss / (2 * nf)
	}
	for i, zi := range z {
		s := d.p.B[i] * zi
		loss += log1pExp(-s)
		u[i] = d.p.B[i] * sigmoid(-s) / nf
	}
	return loss / nf
}

// penalty returns λ‖x‖₁ + (L2/2)‖x‖².
func (d *data) penalty(x []float64) float64 {
	var l1, sq float64
	for _, v := range x {
		l1 += math.Abs(v)
		sq += v * v
	}
	return d.lambda*l1 + 0.5*d.l2*sq
}

// gap returns P(x) and D(u) given z = Ax; u and atu are scratch of
// lengths n and d.
func (d *data) gap(x, z, u, atu []float64) (primal, dual float64) {
	loss := d.lossGrad(u, z)
	primal = loss + d.penalty(x)
	d.mulAT(atu, u)
	return primal, d.dualFrom(u, atu)
}

// dualFrom returns D at the (scaled) dual point u with atu = Aᵀu.
func (d *data) dualFrom(u, atu []float64) float64 {
	nf := float64(d.n)
	scale := 1.0
	var pen float64
	if d.l2 == 0 {
		if m := floats.Norm(atu, math.Inf(1)); m > d.lambda {
			scale = d.lambda / m
		}
	} else {
		for _, v := range atu {
			if e := math.Abs(v) - d.lambda; e > 0 {
				pen += e * e
			}
		}
		pen /= 2 * d.l2
	}
	if !d.logistic {
		var uu, ub float64
		for i, v := range u {
			uu += v * v
			ub += v * d.p.B[i]
		}
		return -nf/2*scale*scale*uu + scale*ub - pen
	}
	var h float64
	for i, v := range u {
		s := scale * nf * d.p.B[i] * v
		h += entropy(s)
	}
	return h/nf - pen
}

// relGap is (P − D)/P, 0 when P = 0.
func relGap(primal, dual float64) float64 {
	if primal == 0 {
		return 0
	}
	return (primal - dual) / primal
}

func log1pExp(s float64) float64 {
	if s > 0 {
		return s + math.Log1p(math.Exp(-s))
	}
	return math.Log1p(math.Exp(s))
}

func sigmoid(s float64) float64 {
	if s >= 0 {
		return 1 / (1 + math.Exp(-s))
	}
	e := math.Exp(s)
	return e / (1 + e)
}

// entropy is −s log s − (1−s) log(1−s) for s ∈ [0, 1].
func entropy(s float64) float64 {
	var h float64
	if s > 0 {
		h -= s * math.Log(s)
	}
	if s < 1 {
		h -= (1 - s) * math.Log1p(-s)
	}
	return h
}

// defaults resolves the zero values of s.
func defaults(s *Settings) Settings {
	var out Settings
	if s != nil {
		out = *s
	}
	if out.MaxIter == 0 {
		out.MaxIter = 10000
	}
	if out.Tol == 0 {
		out.Tol = 1e-8
	}
	if out.MaxIter < 0 || !(out.Tol > 0) || out.CheckEvery < 0 {
		panic(fmt.Sprintf("lasso: MaxIter = %d, Tol = %g, CheckEvery = %d: need MaxIter ≥ 0, Tol > 0, CheckEvery ≥ 0", out.MaxIter, out.Tol, out.CheckEvery))
	}
	return out
}

// start returns the initial point: a copy of X0 or zeros.
func start(s Settings, d int, name string) []float64 {
	x := make([]float64, d)
	if s.X0 != nil {
		if len(s.X0) != d {
			panic(fmt.Sprintf("%s: len(X0) = %d, A has %d columns", name, len(s.X0), d))
		}
		copy(x, s.X0)
	}
	return x
}

// callback runs cb, turning a panic into an error.
func callback(cb func(int, *Result) bool, iter int, r *Result) (ok bool, err error) {
	if cb == nil {
		return true, nil
	}
	defer func() {
		if p := recover(); p != nil {
			ok, err = false, fmt.Errorf("lasso: callback panicked: %v", p)
		}
	}()
	return cb(iter, r), nil
}

// record appends an iteration's convergence measure (compared with
// s.Tol) and objective to r and reports whether the run must stop:
// convergence, a non-finite value, the callback or the context.
func record(r *Result, s *Settings, ctx context.Context, measure, objective float64) (stop bool, err error) {
	r.Iterations++
	r.History = append(r.History, measure)
	r.Objective = append(r.Objective, objective)
	if math.IsNaN(measure) || math.IsInf(objective, 0) || math.IsNaN(objective) {
		r.Status = Failed
		return true, fmt.Errorf("lasso: non-finite objective %g (measure %g) at iteration %d", objective, measure, r.Iterations)
	}
	ok, err := callback(s.Callback, r.Iterations, r)
	switch {
	case err != nil:
		r.Status = Stopped
		return true, err
	case measure <= s.Tol:
		r.Status = Converged
		return true, nil
	case !ok:
		r.Status = Stopped
		return true, nil
	}
	if ctx.Err() != nil {
		r.Status = Canceled
		return true, nil
	}
	if r.Iterations >= s.MaxIter {
		r.Status = MaxIterReached
		return true, nil
	}
	return false, nil
}

// recordGap records the relative duality gap (P − D)/P.
func recordGap(r *Result, s *Settings, ctx context.Context, primal, dual float64) (bool, error) {
	r.Gap = relGap(primal, dual)
	return record(r, s, ctx, r.Gap, primal)
}

func allZero(x []float64) bool {
	for _, v := range x {
		if v != 0 {
			return false
		}
	}
	return true
}

// transpose writes the d×n transpose of the n×d row-major a into at. Row
// by row: the d output lines being filled stay in cache for the moderate
// d of these solvers, and this measured faster here than cache tiling.
func transpose(at, a []float64, n, d int) {
	for i := 0; i < n; i++ {
		for j, v := range a[i*d : (i+1)*d] {
			at[j*n+i] = v
		}
	}
}
