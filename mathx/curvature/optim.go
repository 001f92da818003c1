package curvature

import (
	"context"
	"fmt"
	"math"

	"github.com/gomx-dev/gomx/mathx/interrupt"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// HessianFunc returns a d×d symmetric approximation H̃(x) of the Hessian
// at x: the exact Hessian (LeastSquares.Hessian, Logistic.Hessian), a
// Gauss–Newton matrix or an empirical Fisher matrix (EmpiricalFisher of
// the model's SampleGrads). For the two models of this package the
// Gauss–Newton matrix is the Hessian itself (a linear model; for the
// logistic loss the link is canonical). The returned matrix is not
// modified.
type HessianFunc func(x []float64) *mat.SymDense

// EmpiricalFisher returns damp·I + (1/n)GᵀG for the n×d matrix grads
// whose rows are per-example gradients g_i: the dampened empirical Fisher
// (1/n)Σ g_i g_iᵀ that M-FAC inverts matrix-free, as a dense matrix.
func EmpiricalFisher(grads mat.Matrix, damp float64) *mat.SymDense {
	if grads == nil {
		panic("curvature.EmpiricalFisher: nil grads")
	}
	if damp < 0 || math.IsNaN(damp) || math.IsInf(damp, 0) {
		panic(fmt.Sprintf("curvature.EmpiricalFisher: damp = %v, want ≥ 0 and finite", damp))
	}
	n, d := grads.Dims()
	f := mat.NewSymDense(d, nil)
	f.SymOuterK(1/float64(n), grads.T())
	for i := 0; i < d; i++ {
		f.SetSym(i, i, f.At(i, i)+damp)
	}
	return f
}

// OptSettings configures the optimisers GradRegNewton and MFAC. The zero
// value of every field is its documented default; a nil *OptSettings
// means all defaults.
type OptSettings struct {
	// MaxIter bounds the iterations (accepted steps); 0 means 1000.
	MaxIter int
	// Tol is compared with ‖∇f(x)‖ after every iteration; 0 means 1e-8.
	Tol float64
	// Context cancels the run; nil means the current cell's context
	// (mathx/interrupt).
	Context context.Context
	// Callback is called after every iteration with the live result;
	// returning false stops the run with Status Stopped. A panic in it is
	// recovered and returned as an error.
	Callback func(iter int, r *OptResult) bool
	// X0 is the starting point, required (it fixes the dimension d); it is
	// not modified.
	X0 []float64

	// Gamma0 is GradRegNewton's initial γ (default 1).
	Gamma0 float64
	// GammaMin is the floor of γ after a doubling (default 1e-9, the
	// authors' gamma_min).
	GammaMin float64
	// MaxTrials bounds GradRegNewton's halvings of γ in one iteration
	// (default 40, the authors' adaptive_search_max_iter).
	MaxTrials int

	// LearningRate is MFAC's step size η (default 1e-3, the authors'
	// default lr).
	LearningRate float64
	// Damp is MFAC's dampening λ (default 1e-5, the authors' damp).
	Damp float64
	// Window is MFAC's number of gradients m (default 32; the paper's
	// experiments use 1024 on large networks).
	Window int
	// Momentum is MFAC's momentum β: v ← βv + (1 − β)·F̂⁻¹g, the step is
	// η·v (default 0, none; the authors' convention).
	Momentum float64
	// WeightDecay is added to the gradient as WeightDecay·x before the
	// window and the step (MFAC; default 0).
	WeightDecay float64
}

// OptResult is the outcome of GradRegNewton or MFAC.
type OptResult struct {
	// Status says why the run ended.
	Status Status
	// Iterations counts accepted steps.
	Iterations int
	// History is f(x) after each iteration (History[0] is f(X0)).
	History []float64
	// GradNorm is ‖∇f(x)‖ after each iteration (GradNorm[0] at X0).
	GradNorm []float64
	// Gamma is GradRegNewton's γ after each iteration.
	Gamma []float64
	// X is the last iterate.
	X []float64
	// Evals counts evaluations of f with its gradient.
	Evals int
	// Solves counts Cholesky factorisations (GradRegNewton) or products
	// with F̂⁻¹ (MFAC).
	Solves int
}

func checkOpt(name string, s *OptSettings, d int) {
	bad := func(field string, v float64) {
		panic(fmt.Sprintf("%s: %s = %v", name, field, v))
	}
	if s.MaxIter < 0 {
		bad("MaxIter", float64(s.MaxIter))
	}
	if s.MaxTrials < 0 {
		bad("MaxTrials", float64(s.MaxTrials))
	}
	if s.Window < 0 {
		bad("Window", float64(s.Window))
	}
	for _, f := range []struct {
		n string
		v float64
	}{{"Tol", s.Tol}, {"Gamma0", s.Gamma0}, {"GammaMin", s.GammaMin}, {"LearningRate", s.LearningRate}, {"Damp", s.Damp}, {"WeightDecay", s.WeightDecay}} {
		if f.v < 0 || math.IsNaN(f.v) || math.IsInf(f.v, 0) {
			bad(f.n, f.v)
		}
	}
	if s.Momentum < 0 || s.Momentum >= 1 || math.IsNaN(s.Momentum) {
		bad("Momentum", s.Momentum)
	}
	if s.X0 != nil && len(s.X0) != d {
		panic(fmt.Sprintf("%s: len(X0) = %d, want d = %d", name, len(s.X0), d))
	}
}

func optCallback(s *OptSettings, iter int, r *OptResult) (cont bool, err error) {
	if s.Callback == nil {
		return true, nil
	}
	defer func() {
		if p := recover(); p != nil {
			cont, err = false, fmt.Errorf("curvature: Callback panicked: %v", p)
		}
	}()
	return s.Callback(iter, r), nil
}

// GradRegNewton minimises f by the gradient-regularised Newton method
// with approximate Hessians and adaptive search of Semenov, Jaggi &
// Doikov ("Gradient-Normalized Smoothness for Optimization with
// Approximate Hessians", arXiv 2506.13710, Algorithm 1, as in the
// authors' code, epfml/grad-norm-smooth, grad_norm_smooth):
//
//	λ_k = ‖∇f(x_k)‖ / γ_k,  x⁺ = x_k − (H̃(x_k) + λ_k I)⁻¹ ∇f(x_k);
//	if f(x_k) − f(x⁺) ≥ ‖∇f(x⁺)‖² / (8λ_k): accept, γ_{k+1} = max(2γ_k, GammaMin);
//	else γ_k ← γ_k/2 and retry (at most MaxTrials times).
//
// H̃ = hess(x) is the exact Hessian, a Gauss–Newton or a Fisher matrix;
// the paper's theory gives global rates whenever it is a good enough
// approximation in its gradient-normalised sense. X0 is required (it
// fixes d); the linear systems are solved by dense Cholesky, O(d³) each.
// It stops Converged when ‖∇f‖ ≤ Tol.
//
// Departures from the authors' code: γ + 1e-8 in their λ is γ here; a
// failed Cholesky (H̃ + λI not positive definite) counts as a rejected
// trial (γ halved, so λ grows) where theirs ends the search; and when
// MaxTrials trials are all rejected the run ends with Status Failed
// instead of taking the last rejected step. Near a minimiser
// ‖∇f(x⁺)‖²/(8λ) falls below the rounding of f (4ε|f|) and the test in f
// cannot decide; there a step is also accepted when f(x⁺) ≤ f(x) + 4ε|f|
// and ‖∇f(x⁺)‖ < ‖∇f(x)‖, so that a linearly converging approximation
// (a Fisher matrix) can reach a gradient norm of 1e-10.
//
// It panics when f or hess is nil, X0 is nil, hess returns a matrix of
// the wrong size, or on bad settings; a non-finite f or
// gradient at X0 or a non-finite H̃ returns Status Failed with an error.
func GradRegNewton(f Func, hess HessianFunc, s *OptSettings) (*OptResult, error) {
	const name = "curvature.GradRegNewton"
	if f == nil || hess == nil {
		panic(name + ": nil f or hess")
	}
	if s == nil {
		s = &OptSettings{}
	}
	if s.X0 == nil {
		panic(name + ": X0 is required (it fixes the dimension)")
	}
	x := append([]float64(nil), s.X0...)
	d := len(x)
	checkOpt(name, s, d)
	maxIter, tol, gamma, gmin, trials := s.MaxIter, s.Tol, s.Gamma0, s.GammaMin, s.MaxTrials
	if maxIter == 0 {
		maxIter = 1000
	}
	if tol == 0 {
		tol = 1e-8
	}
	if gamma == 0 {
		gamma = 1
	}
	if gmin == 0 {
		gmin = 1e-9
	}
	if trials == 0 {
		trials = 40
	}
	ctx := interrupt.Or(s.Context)
	g, gNew, xNew, step := make([]float64, d), make([]float64, d), make([]float64, d), make([]float64, d)
	r := &OptResult{X: x}
	fx := f(x, g)
	r.Evals++
	if math.IsNaN(fx) || math.IsInf(fx, 0) || firstNonFinite(g) >= 0 {
		r.Status = Failed
		return r, fmt.Errorf("%s: f or ∇f at X0 is not finite (f = %v)", name, fx)
	}
	gn := floats.Norm(g, 2)
	r.History, r.GradNorm, r.Gamma = append(r.History, fx), append(r.GradNorm, gn), append(r.Gamma, gamma)
	a := mat.NewSymDense(d, nil)
	var ch mat.Cholesky
	rhs := mat.NewVecDense(d, g)
	sol := mat.NewVecDense(d, step)
	for it := 1; ; it++ {
		if gn <= tol {
			r.Status = Converged
			return r, nil
		}
		if it > maxIter {
			r.Status = MaxIterReached
			return r, nil
		}
		if ctx.Err() != nil {
			r.Status = Canceled
			return r, nil
		}
		h := hess(x)
		if h == nil || h.SymmetricDim() != d {
			panic(fmt.Sprintf("%s: hess returned a matrix of size other than d = %d", name, d))
		}
		accepted := false
		var fNew float64
		for trial := 0; trial < trials; trial++ {
			lambda := gn / gamma
			a.CopySym(h)
			for i := 0; i < d; i++ {
				a.SetSym(i, i, a.At(i, i)+lambda)
			}
			if firstNonFinite(a.RawSymmetric().Data) >= 0 {
				r.Status = Failed
				return r, fmt.Errorf("%s: iteration %d: H̃ + λI holds NaN or ±Inf (λ = %v)", name, it, lambda)
			}
			r.Solves++
			if !ch.Factorize(a) {
				gamma *= 0.5
				continue
			}
			if err := ch.SolveVecTo(sol, rhs); err != nil {
				gamma *= 0.5
				continue
			}
			floats.SubTo(xNew, x, step)
			fNew = f(xNew, gNew)
			r.Evals++
			if math.IsNaN(fNew) || math.IsInf(fNew, 0) || firstNonFinite(gNew) >= 0 {
				gamma *= 0.5
				continue
			}
			gnNew := floats.Norm(gNew, 2)
			// Below the rounding of f the test cannot decide; there a step
			// that does not raise f beyond rounding and shrinks the gradient
			// is accepted.
			rounding := 4 * 0x1p-52 * math.Abs(fx)
			if fx-fNew >= gnNew*gnNew/(8*lambda) ||
				(gnNew*gnNew/(8*lambda) <= rounding && fNew <= fx+rounding && gnNew < gn) {
				gamma = math.Max(2*gamma, gmin)
				accepted = true
				copy(x, xNew)
				copy(g, gNew)
				fx, gn = fNew, gnNew
				break
			}
			gamma *= 0.5
		}
		if !accepted {
			r.Status = Failed
			return r, fmt.Errorf("%s: iteration %d: no step passed the acceptance test in %d trials (γ = %g)", name, it, trials, gamma)
		}
		r.Iterations = it
		r.History, r.GradNorm, r.Gamma = append(r.History, fx), append(r.GradNorm, gn), append(r.Gamma, gamma)
		if cont, err := optCallback(s, it, r); err != nil || !cont {
			r.Status = Stopped
			return r, err
		}
	}
}

// MFAC minimises f by the M-FAC optimiser (Frantar, Kurtic & Alistarh,
// arXiv 2107.03356, §"optimization"; the authors' MFAC class in
// IST-DASLab/M-FAC optim.py): at each iteration the gradient g (plus
// WeightDecay·x) replaces the oldest of the Window gradients of an
// MFACDynamic, and
//
//	x ← x − η·F̂⁻¹g,   F̂ = Damp·I + (1/m)Σ_{window} g_i g_iᵀ,
//
// with momentum v ← βv + (1 − β)F̂⁻¹g and the step η·v when Momentum
// β > 0. Each iteration costs one gradient, O(d·m + m³) for the window and
// O(d·m + m²) for the product. f may be stochastic (a minibatch loss, as
// in the paper); Tol is compared with the norm of the gradient f returns.
// X0 is required (it fixes d).
//
// It panics when f is nil, X0 is nil or on bad settings; a non-finite f
// or gradient stops the run with Status Failed, an error and the last
// finite X.
func MFAC(f Func, s *OptSettings) (*OptResult, error) {
	const name = "curvature.MFAC"
	if f == nil {
		panic(name + ": nil f")
	}
	if s == nil || s.X0 == nil {
		panic(name + ": X0 is required (it fixes the dimension)")
	}
	d := len(s.X0)
	checkOpt(name, s, d)
	maxIter, tol, lr, damp, m := s.MaxIter, s.Tol, s.LearningRate, s.Damp, s.Window
	if maxIter == 0 {
		maxIter = 1000
	}
	if tol == 0 {
		tol = 1e-8
	}
	if lr == 0 {
		lr = 1e-3
	}
	if damp == 0 {
		damp = 1e-5
	}
	if m == 0 {
		m = 32
	}
	ctx := interrupt.Or(s.Context)
	x := append([]float64(nil), s.X0...)
	g, step, v := make([]float64, d), make([]float64, d), make([]float64, d)
	win := NewMFACDynamic(d, m, damp)
	r := &OptResult{X: x}
	for it := 0; ; it++ {
		fx := f(x, g)
		r.Evals++
		if math.IsNaN(fx) || math.IsInf(fx, 0) || firstNonFinite(g) >= 0 {
			r.Status = Failed
			return r, fmt.Errorf("%s: iteration %d: f or ∇f is not finite (f = %v)", name, it, fx)
		}
		gn := floats.Norm(g, 2)
		r.History, r.GradNorm = append(r.History, fx), append(r.GradNorm, gn)
		if it > 0 {
			if cont, err := optCallback(s, it, r); err != nil || !cont {
				r.Status = Stopped
				return r, err
			}
		}
		if gn <= tol {
			r.Status = Converged
			return r, nil
		}
		if it == maxIter {
			r.Status = MaxIterReached
			return r, nil
		}
		if ctx.Err() != nil {
			r.Status = Canceled
			return r, nil
		}
		if s.WeightDecay > 0 {
			floats.AddScaled(g, s.WeightDecay, x)
		}
		if _, err := win.Add(g); err != nil {
			r.Status = Failed
			return r, fmt.Errorf("%s: iteration %d: %w", name, it, err)
		}
		win.InvMulVec(step, g)
		r.Solves++
		if s.Momentum > 0 {
			floats.Scale(s.Momentum, v)
			floats.AddScaled(v, 1-s.Momentum, step)
			copy(step, v)
		}
		floats.AddScaled(x, -lr, step)
		r.Iterations = it + 1
	}
}
