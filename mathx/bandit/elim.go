package bandit

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// GOptimalDesign returns an approximate G-optimal design on the rows of x
// restricted to the actions with active[a] true (nil: all): a probability
// vector π minimising g(π) = max_a ‖x_a‖²_{V(π)⁻¹}, V(π) = Σ π_a x_a x_aᵀ,
// and the value g(π). It runs Frank–Wolfe (Fedorov–Wynn steps, Todd 2016)
// from the uniform design until g(π) ≤ (1+tol)·r, r = Σ π_a ‖x_a‖²_{V⁻¹}
// the dimension of the actions' span (Kiefer–Wolfowitz: min g = r), or
// maxIter steps. tol ≤ 0 means 0.01; maxIter ≤ 0 means 10000. A ridge of
// 1e-9·trace(V)/d keeps V invertible when the actions do not span R^d.
// π and g do not depend on the scale of x, so actions whose largest entry
// is outside [2⁻¹⁰⁰, 2¹⁰⁰] are first scaled by a power of two (exactly),
// and the result holds from 1e-300 to 1e300. It panics, naming the
// argument, on a NaN or ±Inf entry of an active action, an active list of
// the wrong length or no active action.
func GOptimalDesign(x mat.Matrix, active []bool, tol float64, maxIter int) (pi []float64, g float64) {
	k, d := x.Dims()
	if active != nil && len(active) != k {
		panic(fmt.Sprintf("bandit.GOptimalDesign: len(active) = %d, X has %d rows", len(active), k))
	}
	if tol <= 0 {
		tol = 0.01
	}
	if maxIter <= 0 {
		maxIter = 10000
	}
	rows := make([]*mat.VecDense, k)
	var idx []int
	var big float64
	for a := 0; a < k; a++ {
		if active == nil || active[a] {
			idx = append(idx, a)
			row := mat.Row(nil, a, x)
			for j, v := range row {
				if v-v != 0 {
					panic(fmt.Sprintf("bandit.GOptimalDesign: x[%d,%d] = %v: the actions must be finite", a, j, v))
				}
				big = math.Max(big, math.Abs(v))
			}
			rows[a] = mat.NewVecDense(d, row)
		}
	}
	if len(idx) == 0 {
		panic("bandit.GOptimalDesign: no active action")
	}
	if e := pow2Exp(big); e != 0 {
		for _, a := range idx {
			for j, v := range rows[a].RawVector().Data {
				rows[a].SetVec(j, math.Ldexp(v, -e))
			}
		}
	}
	pi = make([]float64, k)
	for _, a := range idx {
		pi[a] = 1 / float64(len(idx))
	}
	v := mat.NewSymDense(d, nil)
	var chol mat.Cholesky
	var vinv mat.SymDense
	gs := make([]float64, k)
	for it := 0; ; it++ {
		v.Zero()
		tr := 0.0
		for _, a := range idx {
			v.SymRankOne(v, pi[a], rows[a])
		}
		for j := 0; j < d; j++ {
			tr += v.At(j, j)
		}
		for j := 0; j < d; j++ {
			v.SetSym(j, j, v.At(j, j)+1e-9*tr/float64(d)+1e-300)
		}
		if !chol.Factorize(v) {
			panic("bandit.GOptimalDesign: design matrix is not positive definite")
		}
		if err := chol.InverseTo(&vinv); err != nil {
			panic("bandit.GOptimalDesign: " + err.Error())
		}
		best, r := idx[0], 0.0
		g = math.Inf(-1)
		for _, a := range idx {
			gs[a] = mat.Inner(rows[a], &vinv, rows[a])
			r += pi[a] * gs[a]
			if gs[a] > g {
				best, g = a, gs[a]
			}
		}
		if g <= (1+tol)*r || it >= maxIter {
			return pi, g
		}
		// Exact line search for log det: γ = (g/r - 1)/(g - 1).
		step := (g/r - 1) / (g - 1)
		for _, a := range idx {
			pi[a] *= 1 - step
		}
		pi[best] += step
	}
}

// pow2Exp returns 0 when m, a largest magnitude, is 0 or in
// [2⁻¹⁰⁰, 2¹⁰⁰], else the exponent e with m·2⁻ᵉ in [0.5, 1): dividing by
// 2ᵉ with math.Ldexp brings data to unit scale exactly.
func pow2Exp(m float64) int {
	if m == 0 || m >= 0x1p-100 && m <= 0x1p100 {
		return 0
	}
	_, e := math.Frexp(m)
	return e
}

// PhasedElimination is phased elimination with G-optimal exploration for
// finite-armed linear bandits (Lattimore & Szepesvári, "Bandit
// Algorithms", 2020, Algorithm 12 in ch. 22; Lattimore, Szepesvári, Weisz
// 2020, arXiv 1911.07676, for its robustness to misspecification). In
// phase l = 1, 2, … with ε_l = 2^{-l} it computes a design π on the active
// actions (GOptimalDesign, tol 0.1), plays action a
// ⌈2 g(π) π_a/ε_l² · ln(K l(l+1)/δ)⌉ times (actions with π_a < 1e-6 are
// dropped and π renormalised), fits θ̂ by least squares on the phase's data
// and keeps the actions with max_b <θ̂, x_b − x_a> ≤ 2ε_l. Under
// ε-misspecification its regret is O(d sqrt(T log T) + ε sqrt(d) T).
type PhasedElimination struct {
	x      *mat.Dense
	k, d   int
	delta  float64
	active []bool
	nact   int
	phase  int
	// the current phase's schedule: plays[i] times action acts[i]
	acts  []int
	plays []int
	pos   int
	done  int
	v     *mat.SymDense
	b     *mat.VecDense
	theta *mat.VecDense
	fit   bool
}

// NewPhasedElimination returns phased elimination over the rows of x with
// confidence delta (≤ 0 means 1e-6; 1/T is the usual choice). Rows whose
// largest entry is outside [2⁻¹⁰⁰, 2¹⁰⁰] are scaled by a power of two
// (exactly; the policy does not depend on the scale of x), so it holds
// from 1e-300 to 1e300. It panics, naming the argument, on an empty X,
// a NaN or ±Inf in X, or delta NaN or ≥ 1.
func NewPhasedElimination(x mat.Matrix, delta float64) *PhasedElimination {
	k, d := x.Dims()
	if k < 1 || d < 1 {
		panic(fmt.Sprintf("bandit.NewPhasedElimination: X is %d×%d", k, d))
	}
	if math.IsNaN(delta) || delta >= 1 {
		panic(fmt.Sprintf("bandit.NewPhasedElimination: delta = %v, want < 1", delta))
	}
	if delta <= 0 {
		delta = 1e-6
	}
	xs := mat.DenseCopyOf(x)
	big := 0.0
	for a := 0; a < k; a++ {
		for j, v := range xs.RawRowView(a) {
			if v-v != 0 {
				panic(fmt.Sprintf("bandit.NewPhasedElimination: X[%d,%d] = %v: the actions must be finite", a, j, v))
			}
			big = math.Max(big, math.Abs(v))
		}
	}
	// The policy depends on X only through the design and the predicted
	// rewards <θ̂, x>, which do not change when X is scaled: a power of
	// two keeps V = Σ n_a x xᵀ finite and invertible from 1e-300 to 1e300.
	if e := pow2Exp(big); e != 0 {
		for a := 0; a < k; a++ {
			row := xs.RawRowView(a)
			for j, v := range row {
				row[j] = math.Ldexp(v, -e)
			}
		}
	}
	p := &PhasedElimination{x: xs, k: k, d: d, delta: delta, active: make([]bool, k), nact: k,
		v: mat.NewSymDense(d, nil), b: mat.NewVecDense(d, nil), theta: mat.NewVecDense(d, nil)}
	for a := range p.active {
		p.active[a] = true
	}
	p.plan()
	return p
}

// plan starts the next phase: design and schedule.
func (p *PhasedElimination) plan() {
	p.phase++
	p.acts, p.plays, p.pos, p.done = p.acts[:0], p.plays[:0], 0, 0
	p.v.Zero()
	p.b.Zero()
	if p.nact == 1 {
		for a, ok := range p.active {
			if ok {
				p.acts, p.plays = append(p.acts, a), append(p.plays, math.MaxInt)
			}
		}
		return
	}
	pi, g := GOptimalDesign(p.x, p.active, 0.1, 0)
	l := float64(p.phase)
	eps := math.Ldexp(1, -p.phase)
	c := 2 * g / (eps * eps) * math.Log(float64(p.k)*l*(l+1)/p.delta)
	for a, w := range pi {
		if w >= 1e-6 {
			n := int(math.Ceil(c * w))
			p.acts, p.plays = append(p.acts, a), append(p.plays, n)
			p.v.SymRankOne(p.v, float64(n), p.x.RowView(a))
		}
	}
}

// Select implements Policy.
func (p *PhasedElimination) Select(t int) int { return p.acts[p.pos] }

// Update implements Policy. It ends the phase when its schedule is played.
func (p *PhasedElimination) Update(arm int, reward float64) {
	checkUpdate("PhasedElimination", arm, p.k, reward)
	bd := p.b.RawVector().Data
	for j, v := range p.x.RawRowView(arm) {
		bd[j] += reward * v
	}
	p.done++
	if p.done < p.plays[p.pos] {
		return
	}
	p.pos, p.done = p.pos+1, 0
	if p.pos < len(p.acts) {
		return
	}
	p.estimate()
	eps := math.Ldexp(1, -p.phase)
	best := math.Inf(-1)
	for a, ok := range p.active {
		if ok {
			best = math.Max(best, mat.Dot(p.theta, p.x.RowView(a)))
		}
	}
	for a, ok := range p.active {
		if ok && best-mat.Dot(p.theta, p.x.RowView(a)) > 2*eps {
			p.active[a] = false
			p.nact--
		}
	}
	p.plan()
}

// estimate solves V θ = b for the phase's least-squares estimate, with the
// same tiny ridge as the design when the active actions do not span R^d.
func (p *PhasedElimination) estimate() {
	tr := 0.0
	for j := 0; j < p.d; j++ {
		tr += p.v.At(j, j)
	}
	for j := 0; j < p.d; j++ {
		p.v.SetSym(j, j, p.v.At(j, j)+1e-9*tr/float64(p.d)+1e-300)
	}
	var chol mat.Cholesky
	if !chol.Factorize(p.v) {
		panic(fmt.Sprintf("bandit.PhasedElimination: phase %d design matrix is not positive definite", p.phase))
	}
	if err := chol.SolveVecTo(p.theta, p.b); err != nil {
		panic("bandit.PhasedElimination: " + err.Error())
	}
	for j, v := range p.theta.RawVector().Data {
		if v-v != 0 {
			panic(fmt.Sprintf("bandit.PhasedElimination.Update: the phase-%d estimate θ̂[%d] = %v: the rewards overflow", p.phase, j, v))
		}
	}
	p.fit = true
}

// Phase returns the current phase number (from 1).
func (p *PhasedElimination) Phase() int { return p.phase }

// Active returns the actions not eliminated yet.
func (p *PhasedElimination) Active() []int {
	var a []int
	for i, ok := range p.active {
		if ok {
			a = append(a, i)
		}
	}
	return a
}

// Recommend returns the active action with the largest estimated reward
// under the last phase's θ̂ (the first active action before any estimate).
func (p *PhasedElimination) Recommend() int {
	best, bv := -1, math.Inf(-1)
	for a, ok := range p.active {
		if !ok {
			continue
		}
		v := 0.0
		if p.fit {
			v = mat.Dot(p.theta, p.x.RowView(a))
		}
		if v > bv {
			best, bv = a, v
		}
	}
	return best
}
