package bandit

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Policy plays a bandit: each round Run calls Select with the round number
// t (from 1) and then Update with the arm it chose and the reward seen.
// Rewards of the K-armed policies are assumed to lie in [0, 1] (EXP3 and
// EXP3-IX use the loss 1 - reward; ε-greedy, UCB1, KL-UCB and Beta
// Thompson sampling are analysed for [0, 1] rewards).
type Policy interface {
	// Select returns the arm to pull at round t.
	Select(t int) int
	// Update tells the policy the reward of arm. The policies of this
	// package panic, naming the argument, when arm is out of range or
	// reward is NaN or ±Inf.
	Update(arm int, reward float64)
}

// counts keeps pulls and reward sums per arm.
type counts struct {
	n   []float64
	sum []float64
}

func newCounts(fn string, k int) counts {
	if k < 1 {
		panic(fmt.Sprintf("bandit.%s: k = %d < 1", fn, k))
	}
	return counts{n: make([]float64, k), sum: make([]float64, k)}
}

// checkUpdate panics, naming the argument, when arm is not one of the k
// arms or reward is NaN or ±Inf. Run never passes either (a non-finite
// reward ends it with Status Failed before the policy sees it), so they
// are the caller's error; refusing them keeps every policy's state finite,
// so that Select never meets NaN.
func checkUpdate(fn string, arm, k int, reward float64) {
	if arm < 0 || arm >= k {
		panic(fmt.Sprintf("bandit.%s.Update: arm = %d, want 0..%d", fn, arm, k-1))
	}
	if reward-reward != 0 {
		panic(fmt.Sprintf("bandit.%s.Update: reward = %v for arm %d: rewards must be finite", fn, reward, arm))
	}
}

// checkParam panics, naming the parameter, when v is NaN, or ±Inf unless
// inf allows it.
func checkParam(fn, name string, v float64, inf bool) {
	if math.IsNaN(v) || !inf && math.IsInf(v, 0) {
		panic(fmt.Sprintf("bandit.%s: %s = %v", fn, name, v))
	}
}

// untried returns the first arm not pulled yet, or -1.
func (c *counts) untried() int {
	for i, n := range c.n {
		if n == 0 {
			return i
		}
	}
	return -1
}

func (c *counts) add(fn string, arm int, reward float64) {
	checkUpdate(fn, arm, len(c.n), reward)
	c.n[arm]++
	c.sum[arm] += reward
}

// EpsGreedy pulls a uniformly random arm with probability
// ε_t = min(1, C·K/(D²·t)) and the arm with the best empirical mean
// otherwise (Auer, Cesa-Bianchi, Fischer 2002, "ε_n-greedy"; D is a lower
// bound on the smallest gap).
type EpsGreedy struct {
	c counts
	// C and D are the constants of ε_t = min(1, C·K/(D²·t)).
	C, D float64
	r    *rand.Rand
}

// NewEpsGreedy returns ε-greedy for k arms; c ≤ 0 means 5 and d ≤ 0 means
// 0.1 (c = +Inf always explores, d = +Inf never does); NaN panics.
// Randomness comes from seed.
func NewEpsGreedy(k int, c, d float64, seed uint64) *EpsGreedy {
	checkParam("NewEpsGreedy", "c", c, true)
	checkParam("NewEpsGreedy", "d", d, true)
	if c <= 0 {
		c = 5
	}
	if d <= 0 {
		d = 0.1
	}
	return &EpsGreedy{c: newCounts("NewEpsGreedy", k), C: c, D: d, r: newPolicyRand(seed)}
}

// Select implements Policy.
func (p *EpsGreedy) Select(t int) int {
	k := len(p.c.n)
	eps := math.Min(1, p.C*float64(k)/(p.D*p.D*float64(t)))
	if p.r.Float64() < eps {
		return p.r.IntN(k)
	}
	if a := p.c.untried(); a >= 0 {
		return a
	}
	best, bv := 0, math.Inf(-1)
	for i, n := range p.c.n {
		if v := p.c.sum[i] / n; v > bv {
			best, bv = i, v
		}
	}
	return best
}

// Update implements Policy.
func (p *EpsGreedy) Update(arm int, reward float64) { p.c.add("EpsGreedy", arm, reward) }

// UCB1 pulls each arm once, then the arm maximising
// μ̂_i + sqrt(2 ln t / n_i) (Auer, Cesa-Bianchi, Fischer 2002).
// Its regret is at most Σ_{Δ_i>0} 8 ln T/Δ_i + (1 + π²/3) Σ Δ_i.
type UCB1 struct{ c counts }

// NewUCB1 returns UCB1 for k arms.
func NewUCB1(k int) *UCB1 { return &UCB1{c: newCounts("NewUCB1", k)} }

// Select implements Policy.
func (p *UCB1) Select(t int) int {
	if a := p.c.untried(); a >= 0 {
		return a
	}
	lt := 2 * math.Log(float64(t))
	best, bv := 0, math.Inf(-1)
	for i, n := range p.c.n {
		if v := p.c.sum[i]/n + math.Sqrt(lt/n); v > bv {
			best, bv = i, v
		}
	}
	return best
}

// Update implements Policy.
func (p *UCB1) Update(arm int, reward float64) { p.c.add("UCB1", arm, reward) }

// UCBV pulls each arm once, then the arm maximising
// μ̂_i + sqrt(2 V̂_i ζ ln t / n_i) + 3 B ζ ln t / n_i, with V̂_i the
// empirical variance and ζ = 1.2 (Audibert, Munos, Szepesvári 2009, with
// c = 1). B bounds the reward range.
type UCBV struct {
	c  counts
	sq []float64
	// B bounds the rewards: they lie in [0, B].
	B float64
	// Zeta is ζ in the exploration function ζ ln t.
	Zeta float64
}

// NewUCBV returns UCB-V for k arms with rewards in [0, b]; b ≤ 0 means 1.
// It panics when b is NaN or +Inf.
func NewUCBV(k int, b float64) *UCBV {
	checkParam("NewUCBV", "b", b, false)
	if b <= 0 {
		b = 1
	}
	return &UCBV{c: newCounts("NewUCBV", k), sq: make([]float64, k), B: b, Zeta: 1.2}
}

// Select implements Policy.
func (p *UCBV) Select(t int) int {
	if a := p.c.untried(); a >= 0 {
		return a
	}
	e := p.Zeta * math.Log(float64(t))
	best, bv := 0, math.Inf(-1)
	for i, n := range p.c.n {
		m := p.c.sum[i] / n
		v := math.Max(p.sq[i]/n-m*m, 0)
		if u := m + math.Sqrt(2*v*e/n) + 3*p.B*e/n; u > bv {
			best, bv = i, u
		}
	}
	return best
}

// Update implements Policy.
func (p *UCBV) Update(arm int, reward float64) {
	p.c.add("UCBV", arm, reward)
	p.sq[arm] += reward * reward
}

// KLUCB pulls each arm once, then the arm maximising the Bernoulli KL
// upper confidence bound max{q ∈ [μ̂_i, 1] : n_i kl(μ̂_i, q) ≤ ln t + C ln ln t}
// (Garivier & Cappé 2011; the ln ln t term only once ln t > 1). The bound
// is found by KLUpper. Indices are cached: an index is concave and
// increasing in δ = f(t)/n_i, so its tangent bounds it from above and only
// arms whose bound reaches the best known index are recomputed — the arm
// chosen is exactly the argmax of the indices recomputed every round.
type KLUCB struct {
	c counts
	// C is the constant of the ln ln t term.
	C     float64
	u     []float64 // cached index
	slope []float64 // dq/dδ at the cached index
	delta []float64 // δ the cache was computed at; < 0 means stale
}

// NewKLUCB returns KL-UCB for k arms with rewards in [0, 1]. c is the
// constant of the ln ln t term: 3 in the analysis, 0 recommended in
// practice by the authors. It panics when c is NaN or ±Inf.
func NewKLUCB(k int, c float64) *KLUCB {
	checkParam("NewKLUCB", "c", c, false)
	p := &KLUCB{c: newCounts("NewKLUCB", k), C: c, u: make([]float64, k), slope: make([]float64, k), delta: make([]float64, k)}
	for i := range p.delta {
		p.delta[i] = -1
	}
	return p
}

func (p *KLUCB) refresh(i int, d float64) {
	m := p.c.sum[i] / p.c.n[i]
	q := KLUpper(m, d)
	p.u[i], p.delta[i] = q, d
	p.slope[i] = math.Inf(1)
	if q > m && q < 1 {
		p.slope[i] = q * (1 - q) / (q - m)
	}
}

// Select implements Policy.
func (p *KLUCB) Select(t int) int {
	if a := p.c.untried(); a >= 0 {
		return a
	}
	f := math.Log(float64(t))
	if f > 1 {
		f += p.C * math.Log(f)
	}
	lower := math.Inf(-1)
	for i, n := range p.c.n {
		if p.delta[i] < 0 {
			p.refresh(i, f/n)
		}
		lower = math.Max(lower, p.u[i])
	}
	best, bv := 0, math.Inf(-1)
	for i, n := range p.c.n {
		d := f / n
		if d != p.delta[i] && p.u[i]+(d-p.delta[i])*p.slope[i]+1e-12 >= lower {
			p.refresh(i, d)
		}
		if p.delta[i] == d && p.u[i] > bv {
			best, bv = i, p.u[i]
		}
	}
	return best
}

// Update implements Policy.
func (p *KLUCB) Update(arm int, reward float64) {
	p.c.add("KLUCB", arm, reward)
	p.delta[arm] = -1
}

// KLBernoulli returns kl(p, q) = p ln(p/q) + (1-p) ln((1-p)/(1-q)), the
// Kullback–Leibler divergence of Bernoulli(q) from Bernoulli(p), with
// 0 ln 0 = 0. It is NaN when p or q is NaN or outside [0, 1].
func KLBernoulli(p, q float64) float64 {
	if !(p >= 0 && p <= 1 && q >= 0 && q <= 1) {
		return math.NaN()
	}
	v := 0.0
	if p > 0 {
		v += p * math.Log(p/q)
	}
	if p < 1 {
		v += (1 - p) * math.Log((1-p)/(1-q))
	}
	return v
}

// KLUpper returns max{q ∈ [p, 1] : kl(p, q) ≤ delta} for p ∈ [0, 1],
// delta ≥ 0, to an absolute accuracy of about 1e-12.
func KLUpper(p, delta float64) float64 {
	p = math.Min(math.Max(p, 0), 1)
	if p >= 1 || delta <= 0 {
		return p
	}
	// Two upper bounds on the root: Pinsker's kl ≥ 2(q-p)², and
	// kl ≥ p ln p + (1-p) ln((1-p)/(1-q)), tight near q = 1.
	q := p + math.Sqrt(delta/2)
	plogp := 0.0
	if p > 0 {
		plogp = p * math.Log(p)
	}
	q = math.Min(q, 1-(1-p)*math.Exp(-(delta-plogp)/(1-p)))
	if q >= 1 {
		// The root is within rounding of 1: kl(p, 1) is infinite, so the
		// answer is the largest float below 1.
		return math.Nextafter(1, 0)
	}
	// g(q) = kl(p,q) - delta is convex and increasing on [p, 1) and
	// g(q) ≥ 0 at the start, so Newton steps decrease q monotonically to
	// the root.
	for it := 0; it < 50 && q > p; it++ {
		g := KLBernoulli(p, q) - delta
		if g <= 0 {
			break
		}
		step := g * q * (1 - q) / (q - p)
		q -= step
		if step < 1e-13 {
			break
		}
	}
	return math.Max(q, p)
}

// ThompsonBeta is Thompson sampling with Beta(1, 1) priors: it pulls the
// arm with the largest draw from Beta(1 + S_i, 1 + F_i). A reward r in
// [0, 1] counts as a success with probability r (Agrawal & Goyal 2012).
type ThompsonBeta struct {
	s, f []float64
	r    *rand.Rand
}

// NewThompsonBeta returns Beta Thompson sampling for k arms; randomness
// comes from seed.
func NewThompsonBeta(k int, seed uint64) *ThompsonBeta {
	if k < 1 {
		panic(fmt.Sprintf("bandit.NewThompsonBeta: k = %d < 1", k))
	}
	return &ThompsonBeta{s: make([]float64, k), f: make([]float64, k), r: newPolicyRand(seed)}
}

// Select implements Policy.
func (p *ThompsonBeta) Select(t int) int {
	best, bv := 0, math.Inf(-1)
	for i := range p.s {
		if v := betaSample(p.r, 1+p.s[i], 1+p.f[i]); v > bv {
			best, bv = i, v
		}
	}
	return best
}

// Update implements Policy.
func (p *ThompsonBeta) Update(arm int, reward float64) {
	checkUpdate("ThompsonBeta", arm, len(p.s), reward)
	if reward == 1 || (reward > 0 && p.r.Float64() < reward) {
		p.s[arm]++
	} else {
		p.f[arm]++
	}
}

// ThompsonGaussian is Thompson sampling for Gaussian rewards with known
// noise Sigma and a flat prior: after one pull of every arm it pulls the
// arm with the largest draw from N(μ̂_i, Sigma²/n_i).
type ThompsonGaussian struct {
	c counts
	// Sigma is the known noise standard deviation.
	Sigma float64
	r     *rand.Rand
}

// NewThompsonGaussian returns Gaussian Thompson sampling for k arms with
// noise standard deviation sigma (≤ 0 means 1; NaN or +Inf panics);
// randomness from seed.
func NewThompsonGaussian(k int, sigma float64, seed uint64) *ThompsonGaussian {
	checkParam("NewThompsonGaussian", "sigma", sigma, false)
	if sigma <= 0 {
		sigma = 1
	}
	return &ThompsonGaussian{c: newCounts("NewThompsonGaussian", k), Sigma: sigma, r: newPolicyRand(seed)}
}

// Select implements Policy.
func (p *ThompsonGaussian) Select(t int) int {
	if a := p.c.untried(); a >= 0 {
		return a
	}
	best, bv := 0, math.Inf(-1)
	for i, n := range p.c.n {
		if v := p.c.sum[i]/n + p.Sigma/math.Sqrt(n)*p.r.NormFloat64(); v > bv {
			best, bv = i, v
		}
	}
	return best
}

// Update implements Policy.
func (p *ThompsonGaussian) Update(arm int, reward float64) { p.c.add("ThompsonGaussian", arm, reward) }
