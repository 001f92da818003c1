package bandit

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack/lapack64"
	"gonum.org/v1/gonum/mat"
)

// LinearParams are the parameters of LinUCB and linear Thompson sampling;
// the zero value of each field is its documented default.
type LinearParams struct {
	// Lambda is the ridge λ in V = λI + Σ x xᵀ (0 → 1).
	Lambda float64
	// R is the noise's sub-Gaussian scale (0 → 1).
	R float64
	// S bounds ‖θ‖ (0 → 1).
	S float64
	// Delta is the confidence level δ of OFUL's ellipsoid (0 → 0.01).
	Delta float64
	// Alpha, when positive, replaces OFUL's width β_t by the constant
	// Alpha (LinUCB of Li et al. 2010); for Thompson sampling it is the
	// posterior scale v (0 → R).
	Alpha float64
	// RefactorEvery is the number of Sherman–Morrison updates between
	// recomputations of V⁻¹ from V by Cholesky (0 → 1000; negative: never).
	RefactorEvery int
}

func (p LinearParams) withDefaults(fn string) LinearParams {
	for _, f := range []struct {
		name string
		v    float64
	}{{"Lambda", p.Lambda}, {"R", p.R}, {"S", p.S}, {"Delta", p.Delta}, {"Alpha", p.Alpha}} {
		checkParam(fn, "LinearParams."+f.name, f.v, false)
	}
	if p.Lambda <= 0 {
		p.Lambda = 1
	}
	if p.R <= 0 {
		p.R = 1
	}
	if p.S <= 0 {
		p.S = 1
	}
	if p.Delta <= 0 {
		p.Delta = 0.01
	}
	if p.RefactorEvery == 0 {
		p.RefactorEvery = 1000
	}
	return p
}

// ridge is the regularised least-squares state shared by LinUCB and
// LinTS: V = λI + Σ x xᵀ, V⁻¹ by Sherman–Morrison, b = Σ r x, θ̂ = V⁻¹ b.
type ridge struct {
	x       []float64 // K × d actions, row-major
	k, d    int
	par     LinearParams
	v, vinv []float64 // d × d
	work    []float64 // d × d scratch for Cholesky
	b       []float64
	theta   []float64
	u       []float64
	w       []float64 // w[a] = x_aᵀ V⁻¹ x_a, kept by the same rank-one updates
	n       int
	since   int
	l2      float64 // max ‖x‖²
}

func newRidge(fn string, x mat.Matrix, par LinearParams) ridge {
	k, d := x.Dims()
	if k < 1 || d < 1 {
		panic(fmt.Sprintf("bandit.%s: X is %d×%d", fn, k, d))
	}
	par = par.withDefaults(fn)
	r := ridge{x: make([]float64, k*d), k: k, d: d, par: par,
		v: make([]float64, d*d), vinv: make([]float64, d*d), work: make([]float64, d*d),
		b: make([]float64, d), theta: make([]float64, d), u: make([]float64, d), w: make([]float64, k)}
	for a := 0; a < k; a++ {
		n := 0.0
		for j := 0; j < d; j++ {
			v := x.At(a, j)
			if v-v != 0 {
				panic(fmt.Sprintf("bandit.%s: X[%d,%d] = %v: the actions must be finite", fn, a, j, v))
			}
			r.x[a*d+j] = v
			n += v * v
		}
		r.l2 = math.Max(r.l2, n)
		r.w[a] = n / par.Lambda
	}
	for j := 0; j < d; j++ {
		r.v[j*d+j] = par.Lambda
		r.vinv[j*d+j] = 1 / par.Lambda
	}
	return r
}

func (r *ridge) row(a int) []float64 { return r.x[a*r.d : (a+1)*r.d] }

// quad returns xᵀ V⁻¹ x.
func (r *ridge) quad(x []float64) float64 {
	d := r.d
	s := 0.0
	for i := 0; i < d; i++ {
		row := r.vinv[i*d : (i+1)*d]
		t := 0.0
		for j, xj := range x {
			t += row[j] * xj
		}
		s += x[i] * t
	}
	return s
}

// update adds (x_arm, reward): Sherman–Morrison on V⁻¹ and on every
// w[a] (w[a] −= (x_aᵀu)²/(1 + xᵀu) with u = V⁻¹x, O(Kd)), then θ̂ = V⁻¹ b.
func (r *ridge) update(arm int, reward float64) error {
	d := r.d
	x := r.row(arm)
	den := 1.0
	for i := 0; i < d; i++ {
		row := r.vinv[i*d : (i+1)*d]
		t := 0.0
		for j, xj := range x {
			t += row[j] * xj
		}
		r.u[i] = t
		den += x[i] * t
	}
	for a := 0; a < r.k; a++ {
		s := 0.0
		for j, xj := range r.row(a) {
			s += xj * r.u[j]
		}
		r.w[a] -= s * s / den
	}
	for i := 0; i < d; i++ {
		ui := r.u[i] / den
		row := r.vinv[i*d : (i+1)*d]
		vrow := r.v[i*d : (i+1)*d]
		for j := 0; j < d; j++ {
			row[j] -= ui * r.u[j]
			vrow[j] += x[i] * x[j]
		}
		r.b[i] += reward * x[i]
	}
	r.n++
	r.since++
	for i := 0; i < d; i++ {
		// |V_ij| ≤ sqrt(V_ii V_jj): a finite diagonal bounds every entry.
		if v, b := r.v[i*d+i], r.b[i]; v-v != 0 || b-b != 0 {
			return fmt.Errorf("V = λI + Σ x xᵀ or b = Σ r x overflows after %d updates (V[%d,%d] = %v, b[%d] = %v): scale the features or rewards down", r.n, i, i, v, i, b)
		}
	}
	// Sherman–Morrison cancels when xᵀV⁻¹x is large (features far above
	// sqrt(λ): at 1e150 with λ = 1 it made V⁻¹ singular), so V⁻¹ is then
	// recomputed from V at once.
	if r.par.RefactorEvery > 0 && (r.since >= r.par.RefactorEvery || den > 1e6) {
		if err := r.refactor(); err != nil {
			return err
		}
	}
	for i := 0; i < d; i++ {
		row := r.vinv[i*d : (i+1)*d]
		t := 0.0
		for j, bj := range r.b {
			t += row[j] * bj
		}
		r.theta[i] = t
		if t-t != 0 {
			return fmt.Errorf("the estimate θ̂[%d] = %v after %d updates", i, t, r.n)
		}
	}
	return nil
}

// refactor recomputes V⁻¹ from V by Cholesky (LAPACK potrf/potri), or
// by its eigendecomposition where the Cholesky factorisation fails.
func (r *ridge) refactor() error {
	r.since = 0
	copy(r.work, r.v)
	d := r.d
	t, ok := lapack64.Potrf(blas64.Symmetric{Uplo: blas.Upper, N: d, Stride: d, Data: r.work})
	if ok {
		lapack64.Potri(t)
		for i := 0; i < d; i++ {
			for j := i; j < d; j++ {
				r.vinv[i*d+j] = r.work[i*d+j]
				r.vinv[j*d+i] = r.work[i*d+j]
			}
		}
	} else {
		// V is positive definite in exact arithmetic (its eigenvalues are
		// at least λ) but not in floating point once Σ x xᵀ swamps λ (a
		// feature vector near 1e150 with λ = 1): V⁻¹ = Q Λ⁻¹ Qᵀ with the
		// eigenvalues clamped to λ.
		var es mat.EigenSym
		if !es.Factorize(mat.NewSymDense(d, append([]float64(nil), r.v...)), true) {
			return fmt.Errorf("V is not positive definite after %d updates", r.n)
		}
		vals := es.Values(nil)
		var q mat.Dense
		es.VectorsTo(&q)
		for i := 0; i < d; i++ {
			for j := i; j < d; j++ {
				s := 0.0
				for l, e := range vals {
					s += q.At(i, l) * q.At(j, l) / math.Max(e, r.par.Lambda)
				}
				r.vinv[i*d+j], r.vinv[j*d+i] = s, s
			}
		}
	}
	for a := 0; a < r.k; a++ {
		r.w[a] = r.quad(r.row(a))
	}
	return nil
}

// Widths returns a copy of x_aᵀ V⁻¹ x_a for every action a.
func (r *ridge) Widths() []float64 { return append([]float64(nil), r.w...) }

// Inverse returns a copy of the current V⁻¹.
func (r *ridge) Inverse() *mat.Dense {
	return mat.NewDense(r.d, r.d, append([]float64(nil), r.vinv...))
}

// Gram returns a copy of V = λI + Σ x xᵀ.
func (r *ridge) Gram() *mat.Dense {
	return mat.NewDense(r.d, r.d, append([]float64(nil), r.v...))
}

// Theta returns a copy of the ridge estimate θ̂ = V⁻¹ b.
func (r *ridge) Theta() []float64 { return append([]float64(nil), r.theta...) }

// LinUCB is OFUL (Abbasi-Yadkori, Pál, Szepesvári 2011) over a finite
// action set: it plays argmax_a <θ̂, x_a> + β_t ‖x_a‖_{V⁻¹} with
// β_t = R sqrt(2 ln(1/δ) + d ln(1 + n L²/(λd))) + sqrt(λ) S, n the number
// of updates and L = max ‖x_a‖ (or β_t = Alpha when Alpha > 0, the LinUCB
// of Li, Chu, Langford, Schapire 2010). V⁻¹ is kept by Sherman–Morrison
// rank-one updates (O(d²) per round) and recomputed from V by Cholesky
// every RefactorEvery updates; the widths ‖x_a‖²_{V⁻¹} are kept by the same
// rank-one formula, so a round costs O(Kd + d²). Where the Sherman–Morrison
// denominator 1 + xᵀV⁻¹x exceeds 1e6 (features far above sqrt(λ)) V⁻¹
// is recomputed at once, and where V's Cholesky factorisation fails in
// floating point, from V's eigendecomposition with the eigenvalues
// clamped to λ. Update panics when V, b or θ̂ overflows or the
// eigendecomposition fails (Run and Simulate return the panic as an error
// with Status Failed).
type LinUCB struct{ ridge }

// NewLinUCB returns LinUCB over the actions in the rows of x.
func NewLinUCB(x mat.Matrix, par LinearParams) *LinUCB {
	return &LinUCB{newRidge("NewLinUCB", x, par)}
}

// Beta returns the confidence width β used at the next Select.
func (p *LinUCB) Beta() float64 {
	if p.par.Alpha > 0 {
		return p.par.Alpha
	}
	d := float64(p.d)
	return p.par.R*math.Sqrt(2*math.Log(1/p.par.Delta)+d*math.Log1p(float64(p.n)*p.l2/(p.par.Lambda*d))) + math.Sqrt(p.par.Lambda)*p.par.S
}

// Select implements Policy.
func (p *LinUCB) Select(t int) int {
	beta := p.Beta()
	best, bv := 0, math.Inf(-1)
	for a := 0; a < p.k; a++ {
		x := p.row(a)
		m := 0.0
		for j, xj := range x {
			m += p.theta[j] * xj
		}
		if v := m + beta*math.Sqrt(math.Max(p.w[a], 0)); v > bv {
			best, bv = a, v
		}
	}
	return best
}

// Update implements Policy.
func (p *LinUCB) Update(arm int, reward float64) {
	checkUpdate("LinUCB", arm, p.k, reward)
	if err := p.update(arm, reward); err != nil {
		panic("bandit.LinUCB.Update: " + err.Error())
	}
}

// LinTS is linear Thompson sampling (Agrawal & Goyal 2013, arXiv
// 1209.3352): it draws θ̃ ~ N(θ̂, v² V⁻¹) and plays argmax_a <θ̃, x_a>.
// The analysis takes v = R sqrt(24 d ln(1/δ)/ε); the default v = R
// (Alpha = 0) is the common practical choice. Where V⁻¹ has no Cholesky
// factorisation in floating point (features near 1e150), θ̃ is drawn
// through V's eigendecomposition instead: Select never panics.
type LinTS struct {
	ridge
	chol  []float64
	z, th []float64
	r     *rand.Rand
}

// NewLinTS returns linear Thompson sampling over the rows of x;
// randomness comes from seed.
func NewLinTS(x mat.Matrix, par LinearParams, seed uint64) *LinTS {
	r := newRidge("NewLinTS", x, par)
	return &LinTS{ridge: r, chol: make([]float64, r.d*r.d), z: make([]float64, r.d), th: make([]float64, r.d), r: newPolicyRand(seed)}
}

// Select implements Policy.
func (p *LinTS) Select(t int) int {
	d := p.d
	v := p.par.Alpha
	if v <= 0 {
		v = p.par.R
	}
	copy(p.chol, p.vinv)
	// V⁻¹ = UᵀU; θ̃ = θ̂ + v Uᵀ z has covariance v² V⁻¹.
	_, ok := lapack64.Potrf(blas64.Symmetric{Uplo: blas.Upper, N: d, Stride: d, Data: p.chol})
	for j := range p.z {
		p.z[j] = p.r.NormFloat64()
	}
	if !ok {
		p.drawEigen(v)
	} else {
		for j := 0; j < d; j++ {
			s := 0.0
			for i := 0; i <= j; i++ {
				s += p.chol[i*d+j] * p.z[i]
			}
			p.th[j] = p.theta[j] + v*s
		}
	}
	best, bv := 0, math.Inf(-1)
	for a := 0; a < p.k; a++ {
		m := 0.0
		for j, xj := range p.row(a) {
			m += p.th[j] * xj
		}
		if m > bv {
			best, bv = a, m
		}
	}
	return best
}

// drawEigen sets θ̃ = θ̂ + v Q Λ^{-1/2} z from V = Q Λ Qᵀ, the draw of
// Select when the Cholesky factorisation of V⁻¹ fails: its entries
// underflow once V reaches about 1e300 (features near 1e150), while V
// itself stays representable. Eigenvalues are clamped to λ, below which
// V = λI + Σ x xᵀ has none in exact arithmetic. Should the decomposition
// fail too, θ̃ = θ̂: the greedy choice, never a panic.
func (p *LinTS) drawEigen(v float64) {
	copy(p.th, p.theta)
	var es mat.EigenSym
	if !es.Factorize(mat.NewSymDense(p.d, append([]float64(nil), p.v...)), true) {
		return
	}
	vals := es.Values(nil)
	var q mat.Dense
	es.VectorsTo(&q)
	for i, l := range vals {
		s := v * p.z[i] / math.Sqrt(math.Max(l, p.par.Lambda))
		for j := range p.th {
			p.th[j] += q.At(j, i) * s
		}
	}
}

// Update implements Policy.
func (p *LinTS) Update(arm int, reward float64) {
	checkUpdate("LinTS", arm, p.k, reward)
	if err := p.update(arm, reward); err != nil {
		panic("bandit.LinTS.Update: " + err.Error())
	}
}
