package bandit

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// SparseETC is explore-then-commit for sparse linear bandits (Hao,
// Lattimore, Wang 2020, "High-Dimensional Sparse Linear Bandits", arXiv
// 2011.04020): for the first Explore rounds it plays actions uniformly at
// random (the paper optimises the exploration distribution for the
// minimum eigenvalue of its covariance; uniform sampling is used here),
// then fits the Lasso
//
//	θ̂ = argmin_θ 1/(2n) ‖y − Xθ‖² + λ‖θ‖₁          (scikit-learn's scaling)
//
// by cyclic coordinate descent (until no coordinate moves by more than
// 1e-10, at most 10000 sweeps) and commits to argmax_a <θ̂, x_a>.
type SparseETC struct {
	x       *mat.Dense
	k, d    int
	explore int
	lambda  float64
	sigma   float64
	r       *rand.Rand
	obs     *mat.Dense // explore × d
	y       []float64
	n       int
	theta   []float64
	commit  int
}

// NewSparseETC returns sparse explore-then-commit over the rows of x,
// exploring for explore ≥ 1 rounds with Lasso penalty lambda. lambda ≤ 0
// means 2σ sqrt(2 ln(2d)/n) · max_j ‖X_j‖/sqrt(n), the universal penalty
// for noise σ (sigma ≤ 0 means 1) scaled to the explored design's largest
// column (X_j: column j of the n = explore explored actions). Random
// exploration comes from seed. It panics, naming the argument, on an empty
// X, explore < 1, a NaN or ±Inf in X, sigma NaN or +Inf, or lambda NaN.
func NewSparseETC(x mat.Matrix, explore int, sigma, lambda float64, seed uint64) *SparseETC {
	k, d := x.Dims()
	if k < 1 || d < 1 || explore < 1 {
		panic(fmt.Sprintf("bandit.NewSparseETC: X is %d×%d, explore = %d", k, d, explore))
	}
	checkParam("NewSparseETC", "sigma", sigma, false)
	checkParam("NewSparseETC", "lambda", lambda, true)
	for a := 0; a < k; a++ {
		for j := 0; j < d; j++ {
			if v := x.At(a, j); v-v != 0 {
				panic(fmt.Sprintf("bandit.NewSparseETC: X[%d,%d] = %v: the actions must be finite", a, j, v))
			}
		}
	}
	if sigma <= 0 {
		sigma = 1
	}
	return &SparseETC{x: mat.DenseCopyOf(x), k: k, d: d, explore: explore, sigma: sigma, lambda: lambda, r: newPolicyRand(seed),
		obs: mat.NewDense(explore, d, nil), y: make([]float64, explore), commit: -1}
}

// Select implements Policy.
func (p *SparseETC) Select(t int) int {
	if p.commit >= 0 {
		return p.commit
	}
	return p.r.IntN(p.k)
}

// Update implements Policy. The Lasso is fitted after the last
// exploration round.
func (p *SparseETC) Update(arm int, reward float64) {
	checkUpdate("SparseETC", arm, p.k, reward)
	if p.commit >= 0 {
		return
	}
	p.obs.SetRow(p.n, p.x.RawRowView(arm))
	p.y[p.n] = reward
	p.n++
	if p.n < p.explore {
		return
	}
	if p.lambda <= 0 {
		n := float64(p.explore)
		col := 0.0
		for j := 0; j < p.d; j++ {
			col = math.Max(col, mat.Norm(p.obs.ColView(j), 2)/math.Sqrt(n))
		}
		p.lambda = 2 * p.sigma * math.Sqrt(2*math.Log(2*float64(p.d))/n) * col
	}
	p.theta, _ = Lasso(p.obs, p.y, p.lambda)
	for j, v := range p.theta {
		if v-v != 0 {
			panic(fmt.Sprintf("bandit.SparseETC.Update: the Lasso estimate θ̂[%d] = %v: rewards over features overflow", j, v))
		}
	}
	best := math.Inf(-1)
	for a := 0; a < p.k; a++ {
		v := 0.0
		for j, xj := range p.x.RawRowView(a) {
			v += p.theta[j] * xj
		}
		if v > best {
			p.commit, best = a, v
		}
	}
}

// Estimate returns the Lasso estimate (nil before the commit).
func (p *SparseETC) Estimate() []float64 { return append([]float64(nil), p.theta...) }

// Lambda returns the Lasso penalty (the default is known after exploration).
func (p *SparseETC) Lambda() float64 { return p.lambda }

// Committed returns the action committed to, or -1 while exploring.
func (p *SparseETC) Committed() int { return p.commit }

// Lasso minimises 1/(2n) ‖y − Xθ‖² + λ‖θ‖₁ (no intercept) by cyclic
// coordinate descent from θ = 0 and returns θ and the number of sweeps.
// It stops when no coordinate moves by more than 1e-10 in a sweep, or
// after 10000 sweeps. When the largest entry of X or of y is outside
// [2⁻¹⁰⁰, 2¹⁰⁰], X and y are first scaled by powers of two 2^ex and 2^ey
// (exactly; λ by 2^−(ex+ey)), so the squares neither overflow nor
// underflow; the 1e-10 then applies to θ·2^(ex−ey). It panics, naming
// the argument, on mismatched sizes, λ < 0 or NaN, or a NaN or ±Inf in X
// or y.
func Lasso(x mat.Matrix, y []float64, lambda float64) (theta []float64, sweeps int) {
	n, d := x.Dims()
	if n != len(y) || n == 0 || !(lambda >= 0) {
		panic(fmt.Sprintf("bandit.Lasso: X %d×%d, len(y) %d, lambda %v", n, d, len(y), lambda))
	}
	xd := mat.DenseCopyOf(x)
	cols := make([][]float64, d)
	var bigX, bigY float64
	for j := 0; j < d; j++ {
		cols[j] = mat.Col(nil, j, xd)
		for i, v := range cols[j] {
			if v-v != 0 {
				panic(fmt.Sprintf("bandit.Lasso: X[%d,%d] = %v: X must be finite", i, j, v))
			}
			bigX = math.Max(bigX, math.Abs(v))
		}
	}
	res := append([]float64(nil), y...)
	for i, v := range res {
		if v-v != 0 {
			panic(fmt.Sprintf("bandit.Lasso: y[%d] = %v: y must be finite", i, v))
		}
		bigY = math.Max(bigY, math.Abs(v))
	}
	ex, ey := pow2Exp(bigX), pow2Exp(bigY)
	if ex != 0 || ey != 0 {
		for _, c := range cols {
			for i, v := range c {
				c[i] = math.Ldexp(v, -ex)
			}
		}
		for i, v := range res {
			res[i] = math.Ldexp(v, -ey)
		}
		lambda = math.Ldexp(lambda, -ex-ey)
	}
	norm := make([]float64, d)
	for j, c := range cols {
		for _, v := range c {
			norm[j] += v * v
		}
		norm[j] /= float64(n)
	}
	theta = make([]float64, d)
	for sweeps = 1; sweeps <= 10000; sweeps++ {
		moved := 0.0
		for j := 0; j < d; j++ {
			if norm[j] == 0 {
				continue
			}
			rho := 0.0
			for i, v := range cols[j] {
				rho += v * res[i]
			}
			rho = rho/float64(n) + norm[j]*theta[j]
			nv := math.Copysign(math.Max(math.Abs(rho)-lambda, 0), rho) / norm[j]
			if dv := nv - theta[j]; dv != 0 {
				for i, v := range cols[j] {
					res[i] -= dv * v
				}
				moved = math.Max(moved, math.Abs(dv))
				theta[j] = nv
			}
		}
		if moved <= 1e-10 {
			break
		}
	}
	if ex != 0 || ey != 0 {
		for j, v := range theta {
			theta[j] = math.Ldexp(v, ey-ex)
		}
	}
	return theta, min(sweeps, 10000)
}
