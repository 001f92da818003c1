package collab

import (
	"fmt"
	"math"
	"sort"

	"github.com/gomx-dev/gomx/mathx/interrupt"
	"gonum.org/v1/gonum/mat"
)

// flagDelta smooths the square roots of Flag's objective: every term is
// √(sin² + flagDelta), so the IRLS weights stay finite at a vector the
// subspace reconstructs exactly.
const flagDelta = 1e-20

// Flag is the Flag Aggregator (Almasi, Mishra, Vamanan & Ravi, ICLR 2024,
// arXiv 2302.05865) in the form of its authors' published code (see the
// package doc for what was and was not read of the paper). With
// x_i = v_i/‖v_i‖ the unit vectors of the p = len(v) inputs, the quality
// of vector i in a subspace spanned by the orthonormal columns of
// Y ∈ ℝ^{d×r} is its reconstruction ratio
//
//	ρ_i(Y) = ‖Yᵀx_i‖² ∈ [0, 1],
//
// and the subspace is the flag median of the vectors, regularised by
// their pairwise differences u_ij = (x_i − x_j)/‖x_i − x_j‖:
//
//	Y* = argmin_{YᵀY = I_r}  Σ_i √(1 − ρ_i(Y)) + λ/(p(p−1)) Σ_{i≠j} √(1 − ‖Yᵀu_ij‖²)
//
// (r = 0 → 1 and λ = lambda, the authors' r_col and lambda_, whose
// defaults are 1 and 0). The aggregate is the mean of the unit vectors
// projected on Y*, times the median of the norms ‖v_i‖:
//
//	Flag(v) = med_i ‖v_i‖ · Y*Y*ᵀ (1/p)Σ_i x_i,
//
// so a vector's norm cannot outweigh the others and the rule is
// equivariant under scaling and rotations, like the package's other
// rules (the authors' code returns Σ_i Y*Y*ᵀx_i / r, which has no
// gradient scale); n copies of v aggregate to v.
//
// Y* is found by iteratively reweighted least squares (the FlagIRLS of
// Mankovich, King, Peterson & Kirby, CVPR 2022, arXiv 2203.04437): from
// the flag mean (the r leading left singular vectors of [x_1 … x_p]),
// every iteration sets Y to the r leading eigenvectors of
// Σ_k c_k w_k w_kᵀ over the terms w_k (the x_i, and the u_ij when
// λ > 0) with weights c_k = a_k/√(sin_k² + δ), where a_k is the term's
// coefficient, sin_k² = ‖w_k − YYᵀw_k‖² at the previous Y and δ = 1e-20.
// Each iteration is a majorise–minimise step of the smoothed objective
// A(Y) = Σ_k a_k √(sin_k² + δ), which therefore never increases;
// Result.History holds A at the start and after every iteration. The
// iteration stops Converged when A decreases by at most Tol·A
// (Settings.Tol, default 1e-9) in one iteration, and after MaxIter
// iterations (default 1000) with MaxIterReached. With r = 1 every
// iteration also tests, as Vardi and Zhang's guard does for the
// geometric median, whether the line of the term nearest Y is a minimum
// (the gradient of the other terms along the sphere no longer than the
// weight of the terms on that line) with an objective no larger than
// the iterate's, and stops there, Converged: near a minimum at a data
// line the iterates converge only sublinearly. The eigenvectors come
// from the q×q Gram matrix of the weighted terms (q = p, or p(p+1)/2
// with λ > 0), so each iteration costs O(q³ + q·d·r). When the vectors
// span fewer than r dimensions, Y* has as many columns as they span.
//
// Result.X is the aggregate, Result.Ratios the ρ_i(Y*) (1 for a zero
// vector, which adds nothing to the mean), Result.Subspace the d×r
// matrix Y*, Result.Iterations the iterations done. Only MaxIter, Tol,
// Context and Callback of s are read. It panics on a dimension mismatch,
// unless 0 ≤ r ≤ d, or unless λ ≥ 0 is finite; a non-finite entry
// returns an error wrapping ErrNonFinite with Status Failed.
func Flag(v [][]float64, r int, lambda float64, st *Settings) (*Result, error) {
	p, d, err := check("Flag", v)
	if r < 0 || r > d {
		panic(fmt.Sprintf("collab.Flag: r = %d with vectors of length %d, want 0 ≤ r ≤ d", r, d))
	}
	if !(lambda >= 0) || math.IsInf(lambda, 0) {
		panic(fmt.Sprintf("collab.Flag: lambda = %v, want finite ≥ 0", lambda))
	}
	var set Settings
	if st != nil {
		set = *st
	}
	if set.MaxIter < 0 || !(set.Tol >= 0) {
		panic(fmt.Sprintf("collab.Flag: MaxIter = %d, Tol = %v, want ≥ 0", set.MaxIter, set.Tol))
	}
	res := &Result{}
	if err != nil {
		res.Status = Failed
		return res, err
	}
	if r == 0 {
		r = 1
	}
	maxIter := set.MaxIter
	if maxIter == 0 {
		maxIter = 1000
	}
	tol := set.Tol
	if tol == 0 {
		tol = 1e-9
	}
	ctx := interrupt.Or(set.Context)
	res.X = make([]float64, d)
	res.Ratios = make([]float64, p)
	s := maxAbs(v)
	if s == 0 {
		for i := range res.Ratios {
			res.Ratios[i] = 1
		}
		res.Subspace = mat.NewDense(d, 1, nil)
		res.Subspace.Set(0, 0, 1)
		res.Status = Converged
		return res, nil
	}

	// The unit vectors, and the norms in units of s.
	x := make([][]float64, p)
	norms := make([]float64, p)
	var terms [][]float64
	var coef []float64
	single := make([]int, p) // term index of x_i, −1 for a zero vector
	for i, vi := range v {
		x[i] = make([]float64, d)
		a := 0.0
		for _, t := range vi {
			a = math.Max(a, math.Abs(t))
		}
		single[i] = -1
		if a == 0 {
			continue
		}
		var q float64
		for j, t := range vi {
			x[i][j] = t / a
			q += x[i][j] * x[i][j]
		}
		nrm := math.Sqrt(q)
		for j := range x[i] {
			x[i][j] /= nrm
		}
		norms[i] = a / s * nrm
		single[i] = len(terms)
		terms = append(terms, x[i])
		coef = append(coef, 1)
	}
	if lambda > 0 && p > 1 {
		c := 2 * lambda / float64(p*(p-1)) // each unordered pair twice
		for i := 0; i < p; i++ {
			for j := i + 1; j < p; j++ {
				if single[i] < 0 || single[j] < 0 {
					continue
				}
				u := make([]float64, d)
				var q float64
				for k := range u {
					u[k] = x[i][k] - x[j][k]
					q += u[k] * u[k]
				}
				if q == 0 {
					continue
				}
				nrm := math.Sqrt(q)
				for k := range u {
					u[k] /= nrm
				}
				terms = append(terms, u)
				coef = append(coef, c)
			}
		}
	}

	fl := newFlagIRLS(terms, coef, d, r)
	weights := make([]float64, len(terms))
	for k := range weights {
		weights[k] = 1
	}
	fl.fit(weights)
	obj := fl.objective()
	res.History = append(res.History, obj)
	finish := func() {
		for i := range res.Ratios {
			res.Ratios[i] = 1
			if k := single[i]; k >= 0 {
				res.Ratios[i] = 1 - fl.sin2[k]
			}
		}
		res.Subspace = mat.NewDense(d, len(fl.y), nil)
		for c, col := range fl.y {
			res.Subspace.SetCol(c, col)
		}
		mean := make([]float64, d)
		for _, xi := range x {
			for j, t := range xi {
				mean[j] += t / float64(p)
			}
		}
		proj := make([]float64, d)
		for _, col := range fl.y {
			var dot float64
			for j, t := range col {
				dot += t * mean[j]
			}
			for j, t := range col {
				proj[j] += dot * t
			}
		}
		med := median(norms) * s
		for j, t := range proj {
			res.X[j] = t * med
		}
	}
	for it := 0; it < maxIter; it++ {
		if ctx.Err() != nil {
			res.Status = Canceled
			break
		}
		for k := range weights {
			weights[k] = coef[k] / math.Sqrt(fl.sin2[k]+flagDelta)
		}
		fl.fit(weights)
		next := fl.objective()
		res.History = append(res.History, next)
		res.Iterations = it + 1
		if math.IsNaN(next) {
			res.Status = Failed
			finish()
			return res, fmt.Errorf("collab.Flag: objective not finite at iteration %d", it+1)
		}
		if r == 1 && fl.atLine(next) {
			res.History[len(res.History)-1] = fl.objective()
			res.Status = Converged
			break
		}
		if set.Callback != nil {
			finish()
			ok, perr := callback(set.Callback, it+1, res)
			if perr != nil {
				res.Status = Failed
				return res, perr
			}
			if !ok {
				res.Status = Stopped
				break
			}
		}
		if obj-next <= tol*obj {
			res.Status = Converged
			break
		}
		obj = next
		if it == maxIter-1 {
			res.Status = MaxIterReached
		}
	}
	finish()
	return res, nil
}

// A flagIRLS holds the terms w_k of Flag's objective, their pairwise
// inner products, the current subspace (orthonormal columns y) and each
// term's squared residual sin_k² = ‖w_k − YYᵀw_k‖².
type flagIRLS struct {
	terms [][]float64
	coef  []float64
	dots  *mat.SymDense // w_kᵀw_l
	d, r  int
	y     [][]float64
	sin2  []float64
	gram  *mat.SymDense
	eig   mat.EigenSym
	vecs  mat.Dense
}

func newFlagIRLS(terms [][]float64, coef []float64, d, r int) *flagIRLS {
	q := len(terms)
	dots := mat.NewSymDense(q, nil)
	for k := 0; k < q; k++ {
		for l := k; l < q; l++ {
			var s float64
			for j, t := range terms[k] {
				s += t * terms[l][j]
			}
			dots.SetSym(k, l, s)
		}
	}
	return &flagIRLS{terms: terms, coef: coef, dots: dots, d: d, r: r, sin2: make([]float64, q), gram: mat.NewSymDense(q, nil)}
}

// fit sets y to the r leading eigenvectors of Σ_k c_k w_k w_kᵀ (c the
// weights), computed from the Gram matrix G_kl = √(c_k c_l)·w_kᵀw_l of
// the weighted terms B = [√c_k w_k]: y = B·v/√μ for G's leading
// eigenpairs (μ, v), made orthonormal again by modified Gram–Schmidt.
// Eigenvalues below 1e-12 of the largest are left out (the terms span
// fewer than r dimensions). It then updates sin2.
func (f *flagIRLS) fit(c []float64) {
	q := len(f.terms)
	for k := 0; k < q; k++ {
		for l := k; l < q; l++ {
			f.gram.SetSym(k, l, math.Sqrt(c[k]*c[l])*f.dots.At(k, l))
		}
	}
	if !f.eig.Factorize(f.gram, true) {
		panic("collab.Flag: symmetric eigendecomposition failed")
	}
	mu := f.eig.Values(nil)
	f.eig.VectorsTo(&f.vecs)
	f.y = f.y[:0]
	top := mu[q-1]
	for e := q - 1; e >= 0 && len(f.y) < f.r; e-- {
		if !(mu[e] > 1e-12*top) {
			break
		}
		col := make([]float64, f.d)
		for k, w := range f.terms {
			a := math.Sqrt(c[k]) * f.vecs.At(k, e)
			for j, t := range w {
				col[j] += a * t
			}
		}
		for _, prev := range f.y {
			var dot float64
			for j, t := range prev {
				dot += t * col[j]
			}
			for j, t := range prev {
				col[j] -= dot * t
			}
		}
		var nrm float64
		for _, t := range col {
			nrm += t * t
		}
		nrm = math.Sqrt(nrm)
		if !(nrm > 1e-6*math.Sqrt(mu[e])) {
			continue
		}
		for j := range col {
			col[j] /= nrm
		}
		f.y = append(f.y, col)
	}
	res := make([]float64, f.d)
	for k, w := range f.terms {
		copy(res, w)
		for _, col := range f.y {
			var dot float64
			for j, t := range col {
				dot += t * w[j]
			}
			for j, t := range col {
				res[j] -= dot * t
			}
		}
		var s2 float64
		for _, t := range res {
			s2 += t * t
		}
		f.sin2[k] = math.Min(1, s2)
	}
}

// atLine is the test of Vardi and Zhang's kind at the term nearest the
// line y (r = 1): with y₀ = w_k for the term of least sin_k, the terms
// parallel to it (|y₀ᵀw_l| ≥ 1 − 1e-14) weigh η = Σ a_l and each other
// term's a_l·√(1 − (yᵀw_l)²) has the gradient g_l = −a_l c_l/s_l ·
// (w_l − c_l y₀) along the sphere at y₀ (c_l = y₀ᵀw_l, s_l = √(1 − c_l²));
// y₀ is a minimum of the objective when ‖Σ g_l‖ ≤ η, as the parallel
// terms grow like η·|angle| away from it. When that holds and the
// objective at y₀ is at most cur, atLine moves y to y₀, updates sin2 and
// returns true. The inner products come from dots, so the test costs
// O(q²).
func (f *flagIRLS) atLine(cur float64) bool {
	k := 0
	for l, s2 := range f.sin2 {
		if s2 < f.sin2[k] {
			k = l
		}
	}
	q := len(f.terms)
	c := make([]float64, q)
	beta := make([]float64, q)
	var eta float64
	for l := 0; l < q; l++ {
		c[l] = f.dots.At(k, l)
		if 1-math.Abs(c[l]) <= 1e-14 {
			eta += f.coef[l]
			continue
		}
		beta[l] = -f.coef[l] * c[l] / math.Sqrt(1-c[l]*c[l])
	}
	var g2 float64
	for l := 0; l < q; l++ {
		if beta[l] == 0 {
			continue
		}
		for m := 0; m < q; m++ {
			if beta[m] != 0 {
				g2 += beta[l] * beta[m] * (f.dots.At(l, m) - c[l]*c[m])
			}
		}
	}
	if !(math.Sqrt(math.Max(0, g2)) <= eta) {
		return false
	}
	var a float64
	for l := range c {
		a += f.coef[l] * math.Sqrt(math.Max(0, 1-c[l]*c[l])+flagDelta)
	}
	if !(a <= cur) {
		return false
	}
	f.y = append(f.y[:0], append([]float64(nil), f.terms[k]...))
	for l := range f.sin2 {
		f.sin2[l] = math.Max(0, 1-c[l]*c[l])
	}
	return true
}

// objective is Σ_k a_k √(sin_k² + δ).
func (f *flagIRLS) objective() float64 {
	var a float64
	for k, s2 := range f.sin2 {
		a += f.coef[k] * math.Sqrt(s2+flagDelta)
	}
	return a
}

// median returns the median of x (the mean of the two middle values for
// an even count), sorting a copy.
func median(x []float64) float64 {
	s := append([]float64(nil), x...)
	sort.Float64s(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return s[n/2-1]/2 + s[n/2]/2
}
