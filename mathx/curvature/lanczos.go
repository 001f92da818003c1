package curvature

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"

	"github.com/gomx-dev/gomx/mathx/interrupt"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/lapack"
	"gonum.org/v1/gonum/lapack/gonum"
	"gonum.org/v1/gonum/mat"
)

// stream constants of the PCG generators, so that the start vector of
// Lanczos and the probes of Hutchinson differ for one seed.
const (
	streamStart = 0x6c616e637a6f73
	streamProbe = 0x7261646d6368
)

// krylov is a Lanczos process with full reorthogonalisation: the basis
// Q (rows of q) stays orthonormal to working precision, so T's Ritz values
// carry no spurious copies.
type krylov struct {
	op    Operator
	d     int
	q     [][]float64 // q[0..j-1] the basis
	alpha []float64   // T's diagonal
	beta  []float64   // beta[i] couples q[i] and q[i+1]
	w     []float64
	rng   *rand.Rand
	ops   int
	scale float64 // the largest |α|, |β| seen, for the breakdown test
}

var errNonFinite = errors.New("a product with the operator returned NaN or ±Inf")

func newKrylov(op Operator, start []float64, rng *rand.Rand) *krylov {
	k := &krylov{op: op, d: op.Dim(), w: make([]float64, op.Dim()), rng: rng}
	q := append([]float64(nil), start...)
	floats.Scale(1/floats.Norm(q, 2), q)
	k.q = append(k.q, q)
	return k
}

// orth removes from w its components along the basis, twice (classical
// Gram–Schmidt twice is orthogonal to working precision), and returns the
// coefficient along the last basis vector.
func (k *krylov) orth(w []float64) float64 {
	var last float64
	for pass := 0; pass < 2; pass++ {
		for i, qi := range k.q {
			c := floats.Dot(qi, w)
			floats.AddScaled(w, -c, qi)
			if i == len(k.q)-1 {
				last += c
			}
		}
	}
	return last
}

// step extends the basis by one vector: α_j, β_j and q_{j+1}. It returns
// false when the Krylov space is the whole space (j = d). A breakdown
// (β_j ≈ 0: an invariant subspace) is continued, when restart is true,
// with a random vector orthogonal to the basis and β_j = 0; otherwise the
// process ends there (exhausted = true).
func (k *krylov) step(restart bool) (more, exhausted bool, err error) {
	j := len(k.q) - 1
	qj := k.q[j]
	k.op.MulVec(k.w, qj)
	k.ops++
	if firstNonFinite(k.w) >= 0 {
		return false, false, errNonFinite
	}
	a := floats.Dot(qj, k.w)
	floats.AddScaled(k.w, -a, qj)
	if j > 0 {
		floats.AddScaled(k.w, -k.beta[j-1], k.q[j-1])
	}
	a += k.orth(k.w)
	k.alpha = append(k.alpha, a)
	k.scale = math.Max(k.scale, math.Abs(a))
	if len(k.q) == k.d {
		return false, false, nil
	}
	b := floats.Norm(k.w, 2)
	k.scale = math.Max(k.scale, b)
	if b <= 1e3*0x1p-52*k.scale || b == 0 {
		if !restart {
			return false, true, nil
		}
		// Invariant subspace: continue with a fresh direction.
		for tries := 0; ; tries++ {
			for i := range k.w {
				k.w[i] = k.rng.NormFloat64()
			}
			k.orth(k.w)
			if n := floats.Norm(k.w, 2); n > 1e-8 || tries == 5 {
				break
			}
		}
		b = 0
		nq := append([]float64(nil), k.w...)
		floats.Scale(1/floats.Norm(nq, 2), nq)
		k.beta = append(k.beta, 0)
		k.q = append(k.q, nq)
		return true, false, nil
	}
	k.beta = append(k.beta, b)
	nq := append([]float64(nil), k.w...)
	floats.Scale(1/b, nq)
	k.q = append(k.q, nq)
	return true, false, nil
}

// ritz returns the eigenvalues (ascending) and eigenvectors (column-major
// in z, n×n row-major with ldz = n) of the tridiagonal T_n, n = len(alpha).
func (k *krylov) ritz() (theta, z []float64, err error) {
	n := len(k.alpha)
	theta = append([]float64(nil), k.alpha...)
	e := make([]float64, max(n-1, 0))
	copy(e, k.beta[:n-1])
	z = make([]float64, n*n)
	work := make([]float64, max(1, 2*n-2))
	if !(gonum.Implementation{}).Dsteqr(lapack.EVTridiag, n, theta, e, z, n, work) {
		return nil, nil, errors.New("the tridiagonal eigensolver (Dsteqr) did not converge")
	}
	return theta, z, nil
}

// wanted returns the indices, into ascending theta, of the k wanted Ritz
// values in the order Result.Values reports them.
func wanted(theta []float64, k int, which Which) []int {
	n := len(theta)
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	switch which {
	case LargestAlgebraic:
		for i := range idx {
			idx[i] = n - 1 - i
		}
	case LargestMagnitude:
		sort.SliceStable(idx, func(a, b int) bool { return math.Abs(theta[idx[a]]) > math.Abs(theta[idx[b]]) })
	}
	return idx[:min(k, n)]
}

func startVector(rng *rand.Rand, d int) []float64 {
	v := make([]float64, d)
	for i := range v {
		v[i] = rng.NormFloat64()
	}
	return v
}

// Lanczos returns k eigenvalues of op (the largest by default, see
// Settings.Which) and their eigenvectors by the Lanczos process with full
// reorthogonalisation, from a Gaussian start vector drawn with
// Settings.Seed. After each convergence check the Ritz pairs (θ, y) of the
// tridiagonal T_j are compared with Settings.Tol: the run converges when
// every wanted pair has ‖Hy − θy‖ = β_j·|last component of T_j's
// eigenvector| ≤ Tol·max|θ|. An eigenvalue is then accurate to about
// residual²/gap. The basis is kept (d·MaxIter floats); each step costs one
// product and O(d·j) for the reorthogonalisation. When the Krylov space is
// invariant before k values converge, the process goes on with a random
// vector orthogonal to it, so multiple eigenvalues are found.
//
// It panics when op is nil, k < 1 or k > d, or on bad Settings; a product
// holding NaN or ±Inf ends the run with Status Failed and an error.
func Lanczos(op Operator, k int, s *Settings) (*Result, error) {
	const name = "curvature.Lanczos"
	if op == nil {
		panic(name + ": nil operator")
	}
	d := op.Dim()
	if k < 1 || k > d {
		panic(fmt.Sprintf("%s: k = %d, want 1 ≤ k ≤ d = %d", name, k, d))
	}
	if s == nil {
		s = &Settings{}
	}
	checkSettings(name, s)
	maxIter := s.MaxIter
	if maxIter == 0 {
		// 300 steps, or 20 per wanted value, but a basis of at most 2^26
		// floats (512 MiB) unless k needs more.
		maxIter = max(min(max(300, 20*k), (1<<26)/d), 2*k+20)
	}
	maxIter = min(max(maxIter, k), d)
	tol := s.Tol
	if tol == 0 {
		tol = 1e-10
	}
	ctx := interrupt.Or(s.Context)
	rng := rand.New(rand.NewPCG(s.Seed, streamStart))
	kr := newKrylov(op, startVector(rng, d), rng)
	r := &Result{Status: MaxIterReached}
	nextCheck := k
	for {
		more, _, err := kr.step(true)
		r.MatVecs = kr.ops
		r.Iterations = len(kr.alpha)
		if err != nil {
			r.Status = Failed
			return r, fmt.Errorf("%s: step %d: %w", name, r.Iterations, err)
		}
		j := r.Iterations
		final := !more || j >= maxIter
		if j >= nextCheck || final {
			if j < 64 {
				nextCheck = j + 1
			} else {
				nextCheck = j + (j+15)/16
			}
			conv, err := kr.update(r, k, s.Which, tol, false)
			if err != nil {
				r.Status = Failed
				return r, fmt.Errorf("%s: %w", name, err)
			}
			if conv || final {
				if conv || !more {
					r.Status = Converged
				}
				kr.update(r, k, s.Which, tol, true)
				return r, nil
			}
			cont, cerr := callback(s, j, r)
			if cerr != nil || !cont {
				r.Status = Stopped
				kr.update(r, k, s.Which, tol, true)
				return r, cerr
			}
		}
		if ctx.Err() != nil {
			r.Status = Canceled
			kr.update(r, k, s.Which, tol, true)
			return r, nil
		}
	}
}

// update fills r's Values and Residuals (and Vectors when vectors is true)
// from the current T and appends the largest relative residual to History.
// It reports whether every wanted pair met tol.
func (k *krylov) update(r *Result, want int, which Which, tol float64, vectors bool) (bool, error) {
	theta, z, err := k.ritz()
	if err != nil {
		return false, err
	}
	n := len(theta)
	var bj float64
	if len(k.beta) >= n && len(k.q) > n {
		bj = k.beta[n-1]
	}
	var big float64
	for _, t := range theta {
		big = math.Max(big, math.Abs(t))
	}
	if big == 0 {
		big = 1
	}
	idx := wanted(theta, want, which)
	r.Values = r.Values[:0]
	r.Residuals = r.Residuals[:0]
	var worst float64
	for _, i := range idx {
		res := math.Abs(bj * z[(n-1)*n+i])
		r.Values = append(r.Values, theta[i])
		r.Residuals = append(r.Residuals, res)
		worst = math.Max(worst, res/big)
	}
	if !vectors {
		r.History = append(r.History, worst)
	}
	if vectors {
		r.Vectors = mat.NewDense(k.d, len(idx), nil)
		y := make([]float64, k.d)
		for c, i := range idx {
			for t := range y {
				y[t] = 0
			}
			for row := 0; row < n; row++ {
				floats.AddScaled(y, z[row*n+i], k.q[row])
			}
			r.Vectors.SetCol(c, y)
		}
	}
	return len(idx) == want && worst <= tol, nil
}

// Power returns the eigenvalue of op of largest magnitude and its unit
// eigenvector by power iteration from a Gaussian start vector (seeded by
// Settings.Seed): v ← Hv/‖Hv‖, θ = vᵀHv, until ‖Hv − θv‖ ≤ Tol·|θ|
// (default 1e-8) or MaxIter iterations (default 1000). Its convergence
// rate is |λ₂/λ₁| per iteration; Lanczos needs far fewer products for the
// same accuracy and is the method to prefer, Power is the classic
// baseline of the sharpness literature.
//
// It panics when op is nil or on bad Settings; a product holding NaN or
// ±Inf, or Hv = 0 (H v = 0 for the start vector), ends the run with
// Status Failed and an error.
func Power(op Operator, s *Settings) (*Result, error) {
	const name = "curvature.Power"
	if op == nil {
		panic(name + ": nil operator")
	}
	if s == nil {
		s = &Settings{}
	}
	checkSettings(name, s)
	d := op.Dim()
	maxIter := s.MaxIter
	if maxIter == 0 {
		maxIter = 1000
	}
	tol := s.Tol
	if tol == 0 {
		tol = 1e-8
	}
	ctx := interrupt.Or(s.Context)
	rng := rand.New(rand.NewPCG(s.Seed, streamStart))
	v := startVector(rng, d)
	floats.Scale(1/floats.Norm(v, 2), v)
	w, res := make([]float64, d), make([]float64, d)
	r := &Result{Status: MaxIterReached, Values: []float64{0}, Residuals: []float64{0}}
	finish := func() {
		r.Vectors = mat.NewDense(d, 1, append([]float64(nil), v...))
	}
	for it := 1; it <= maxIter; it++ {
		op.MulVec(w, v)
		r.MatVecs++
		r.Iterations = it
		if firstNonFinite(w) >= 0 {
			r.Status = Failed
			finish()
			return r, fmt.Errorf("%s: iteration %d: %w", name, it, errNonFinite)
		}
		theta := floats.Dot(v, w)
		nw := floats.Norm(w, 2)
		if nw == 0 {
			r.Status = Failed
			finish()
			return r, fmt.Errorf("%s: iteration %d: H·v = 0 (v in the null space)", name, it)
		}
		// ‖Hv − θv‖ by floats.Norm, which scales: a sum of squares would
		// overflow at ‖H‖ ≈ 1e300 and underflow to 0 at 1e-300 (and so
		// converge at once on a wrong vector).
		floats.AddScaledTo(res, w, -theta, v)
		resNorm := floats.Norm(res, 2)
		r.Values[0], r.Residuals[0] = theta, resNorm
		rel := resNorm / math.Abs(theta)
		if theta == 0 {
			rel = math.Inf(1)
		}
		r.History = append(r.History, rel)
		if rel <= tol {
			r.Status = Converged
			finish()
			return r, nil
		}
		floats.ScaleTo(v, 1/nw, w)
		if cont, err := callback(s, it, r); err != nil || !cont {
			r.Status = Stopped
			finish()
			return r, err
		}
		if ctx.Err() != nil {
			r.Status = Canceled
			finish()
			return r, nil
		}
	}
	finish()
	return r, nil
}
