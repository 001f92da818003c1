package bandit

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// EXP3 is the exponential-weights algorithm for adversarial bandits in its
// loss form (Lattimore & Szepesvári, "Bandit Algorithms", 2020, §11.3):
// with losses ℓ = 1 - reward, P_t(i) ∝ exp(-η L̂_{t-1}(i)) where
// L̂(i) = Σ_s ℓ_s 1{A_s = i}/P_s(i) is the importance-weighted cumulative
// loss. Weights are kept in the log domain and normalised with
// log-sum-exp. With η = EXP3Rate(K, T) the expected regret against any
// oblivious sequence is at most EXP3Bound(K, T) = sqrt(2 T K ln K)
// (Theorem 11.2 there).
type EXP3 struct {
	eta, gamma float64
	lhat       []float64
	p          []float64
	r          *rand.Rand
}

// EXP3Rate returns η = sqrt(2 ln K/(T K)), the learning rate of the bound.
// It panics when k or horizon is below 1.
func EXP3Rate(k, horizon int) float64 {
	checkKT("EXP3Rate", k, horizon)
	return math.Sqrt(2 * math.Log(float64(k)) / (float64(horizon) * float64(k)))
}

// EXP3Bound returns sqrt(2 T K ln K), the bound on EXP3's expected regret
// over T rounds with η = EXP3Rate(K, T). It panics when k or horizon is
// below 1.
func EXP3Bound(k, horizon int) float64 {
	checkKT("EXP3Bound", k, horizon)
	return math.Sqrt(2 * float64(horizon) * float64(k) * math.Log(float64(k)))
}

func checkKT(fn string, k, horizon int) {
	if k < 1 || horizon < 1 {
		panic(fmt.Sprintf("bandit.%s: k = %d, horizon = %d, want both ≥ 1", fn, k, horizon))
	}
}

// NewEXP3 returns EXP3 for k arms with a finite learning rate eta > 0;
// randomness from seed.
func NewEXP3(k int, eta float64, seed uint64) *EXP3 {
	if k < 1 || !(eta > 0) || math.IsInf(eta, 1) {
		panic(fmt.Sprintf("bandit.NewEXP3: k = %d, eta = %v", k, eta))
	}
	return &EXP3{eta: eta, lhat: make([]float64, k), p: make([]float64, k), r: newPolicyRand(seed)}
}

// NewEXP3IX returns EXP3-IX (Neu 2015, "Explore no more"): EXP3 whose loss
// estimate is ℓ 1{A=i}/(P(i) + γ), implicit exploration that gives
// high-probability bounds. eta ≤ 0 needs horizon: η = sqrt(2 ln K/(K T))
// and γ = η/2 are then used; gamma ≤ 0 means η/2. NaN or +Inf for eta
// or gamma panics.
func NewEXP3IX(k int, eta, gamma float64, horizon int, seed uint64) *EXP3 {
	checkParam("NewEXP3IX", "eta", eta, false)
	checkParam("NewEXP3IX", "gamma", gamma, false)
	if eta <= 0 {
		if horizon < 1 {
			panic(fmt.Sprintf("bandit.NewEXP3IX: eta = %v needs horizon ≥ 1, got %d", eta, horizon))
		}
		eta = EXP3Rate(k, horizon)
	}
	if gamma <= 0 {
		gamma = eta / 2
	}
	e := NewEXP3(k, eta, seed)
	e.gamma = gamma
	return e
}

// Probabilities returns the current sampling distribution (a copy).
func (e *EXP3) Probabilities() []float64 {
	e.distribution()
	return append([]float64(nil), e.p...)
}

// distribution sets p = softmax(-η L̂) with the max subtracted.
func (e *EXP3) distribution() {
	m := math.Inf(1)
	for _, l := range e.lhat {
		m = math.Min(m, l)
	}
	s := 0.0
	for i, l := range e.lhat {
		e.p[i] = 1 // l = m, also where both are ±Inf and l − m is NaN
		if l != m {
			e.p[i] = math.Exp(-e.eta * (l - m))
		}
		s += e.p[i]
	}
	for i := range e.p {
		e.p[i] /= s
	}
}

// Select implements Policy.
func (e *EXP3) Select(t int) int {
	e.distribution()
	return sampleDiscrete(e.r, e.p)
}

// Update implements Policy; p is the distribution of the last Select.
func (e *EXP3) Update(arm int, reward float64) {
	checkUpdate("EXP3", arm, len(e.lhat), reward)
	if l := 1 - reward; l != 0 { // 0/0 where P(arm) underflowed and γ = 0
		e.lhat[arm] += l / (e.p[arm] + e.gamma)
	}
}
