package online

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// SEA is a stochastically extended adversarial (SEA) sequence (Sachs,
// Hadiji, van Erven, Guzmán 2022; Chen et al. 2023, arXiv 2302.04552):
// round t's loss is drawn from a distribution the adversary chose,
//
//	c_t = Mu + Adv·s_t·Dir + Sigma·ξ_t,   ξ_t ~ N(0, I/d),
//	f_t(x) = <c_t, x>          (linear), or
//	f_t(x) = ½‖x − c_t‖²      (Quadratic),
//
// with s_t = +1 in even and −1 in odd blocks of Period rounds. Sigma sets
// the stochastic part (E‖∇f_t − ∇F_t‖² = Sigma², F_t = E f_t) and Adv the
// adversarial variation (‖∇F_t − ∇F_{t−1}‖ = 2·Adv·‖Dir‖ at each sign
// flip): Sigma = Adv = 0 is a fixed loss, Adv = 0 an i.i.d. sequence,
// Sigma = 0 with Period 1 a fully adversarial alternating one. ξ_t is a
// stateless hash of (Seed, t, i), so the sequence is oblivious and the same
// for every learner.
type SEA struct {
	// Mu is the base centre or gradient; its length is the dimension d.
	Mu []float64
	// Dir is the direction of the adversarial shift.
	Dir []float64
	// Sigma is the stochastic noise level.
	Sigma float64
	// Adv is the amplitude of the adversarial shift.
	Adv float64
	// Period is the number of rounds between sign flips of the shift.
	Period int
	// Quadratic selects ½‖x − c_t‖² instead of <c_t, x>.
	Quadratic bool
	// Seed fixes the noise.
	Seed uint64
}

// NewSEA returns the SEA sequence described on SEA. It panics, naming the
// argument, when mu is empty, dir's length differs, sigma or adv is
// negative or not finite, an entry of mu or dir is NaN or ±Inf, or
// period < 1.
func NewSEA(mu, dir []float64, sigma, adv float64, period int, quadratic bool, seed uint64) *SEA {
	if len(mu) == 0 || len(dir) != len(mu) || !(sigma >= 0) || !(adv >= 0) || period < 1 ||
		math.IsInf(sigma, 1) || math.IsInf(adv, 1) {
		panic(fmt.Sprintf("online.NewSEA: len(mu) %d, len(dir) %d, sigma %v, adv %v, period %d", len(mu), len(dir), sigma, adv, period))
	}
	for i := range mu {
		if v := mu[i]; v-v != 0 {
			panic(fmt.Sprintf("online.NewSEA: mu[%d] = %v, want finite", i, v))
		}
		if v := dir[i]; v-v != 0 {
			panic(fmt.Sprintf("online.NewSEA: dir[%d] = %v, want finite", i, v))
		}
	}
	return &SEA{Mu: append([]float64(nil), mu...), Dir: append([]float64(nil), dir...), Sigma: sigma, Adv: adv, Period: period, Quadratic: quadratic, Seed: seed}
}

// Dim returns len(Mu).
func (s *SEA) Dim() int { return len(s.Mu) }

// Centre writes c_t into c.
func (s *SEA) Centre(t int, c []float64) {
	sign := 1.0
	if ((t-1)/s.Period)%2 == 1 {
		sign = -1
	}
	sd := s.Sigma / math.Sqrt(float64(len(s.Mu)))
	for i := range c {
		c[i] = s.Mu[i] + s.Adv*sign*s.Dir[i]
		if sd > 0 {
			c[i] += sd * hashNormal(s.Seed, t, i)
		}
	}
}

// Loss returns f_t(x) and writes its gradient into grad.
func (s *SEA) Loss(t int, x, grad []float64) float64 {
	s.Centre(t, grad)
	if !s.Quadratic {
		v := 0.0
		for i, c := range grad {
			v += c * x[i]
		}
		return v
	}
	v := 0.0
	for i, c := range grad {
		grad[i] = x[i] - c
		v += grad[i] * grad[i]
	}
	return v / 2
}

// Best returns the best fixed point in hindsight over rounds 1..T in dom,
// argmin_{x∈dom} Σ_t f_t(x): a minimiser of <Σ c_t, x> for linear losses
// (Domain.Minimize), the projection of the mean centre for quadratic ones.
// The sum of the centres is taken in units of 2ᵉ, a power of two that
// brings the largest entry of a centre to [½, 1) when it is outside
// [2⁻¹⁰⁰, 2¹⁰⁰] (exactly: the minimiser does not depend on the scale of
// Σ c_t, and the mean is scaled back), so Best neither overflows where T
// centres near 1e308 do nor loses digits to underflow near 1e-300. Best
// of T ≤ 0 rounds is the minimiser of the zero loss (Minimize and Project
// of 0).
func (s *SEA) Best(dom Domain, T int) []float64 {
	d := len(s.Mu)
	c := make([]float64, d)
	big := 0.0
	for t := 1; t <= T; t++ {
		s.Centre(t, c)
		for _, v := range c {
			big = math.Max(big, math.Abs(v))
		}
	}
	e := 0
	if big > 0 && !(big >= 0x1p-100 && big <= 0x1p100) {
		_, e = math.Frexp(big) // big·2⁻ᵉ ∈ [½, 1); +Inf and NaN centres keep e = 0
	}
	sum := make([]float64, d)
	for t := 1; t <= T; t++ {
		s.Centre(t, c)
		for i, v := range c {
			sum[i] += math.Ldexp(v, -e)
		}
	}
	x := make([]float64, d)
	if s.Quadratic {
		for i := range x {
			x[i] = math.Ldexp(sum[i]/float64(max(T, 1)), e)
		}
		dom.Project(x, c)
		return x
	}
	dom.Minimize(sum, x)
	return x
}

// Variation returns σ²_{1:T} = T·Sigma², the cumulative stochastic
// variance, and Σ²_{1:T} = Σ_{t=2..T} ‖∇F_t − ∇F_{t−1}‖², the cumulative
// adversarial variation, of the first T rounds.
func (s *SEA) Variation(T int) (sigma2, adv2 float64) {
	n := 0.0
	for _, v := range s.Dir {
		n += v * v
	}
	flips := 0
	if T > 1 {
		flips = (T - 1) / s.Period
	}
	return float64(T) * s.Sigma * s.Sigma, float64(flips) * 4 * s.Adv * s.Adv * n
}

// Sequence is a sequence of linear losses f_t(x) = <G[(t−1) mod rows], x>
// given by a table of gradients.
type Sequence struct {
	// G is rounds × d.
	G *mat.Dense
}

// NewSequence returns the table as an Environment; it panics when g is
// empty.
func NewSequence(g mat.Matrix) *Sequence {
	r, c := g.Dims()
	if r == 0 || c == 0 {
		panic(fmt.Sprintf("online.NewSequence: G is %d×%d", r, c))
	}
	return &Sequence{G: mat.DenseCopyOf(g)}
}

// Dim returns the number of columns of G.
func (q *Sequence) Dim() int { _, c := q.G.Dims(); return c }

// Loss returns <g_t, x> and copies g_t into grad.
func (q *Sequence) Loss(t int, x, grad []float64) float64 {
	r, _ := q.G.Dims()
	copy(grad, q.G.RawRowView((t-1)%r))
	v := 0.0
	for i, g := range grad {
		v += g * x[i]
	}
	return v
}

// hashNormal returns a standard normal number fixed by (seed, t, i)
// (Box–Muller on two SplitMix64 hashes).
func hashNormal(seed uint64, t, i int) float64 {
	h1 := splitmix64(seed ^ splitmix64(uint64(t)*0x9e3779b97f4a7c15^uint64(i)))
	h2 := splitmix64(h1)
	u1 := (float64(h1>>11) + 1) * (1.0 / (1 << 53)) // (0, 1]
	u2 := float64(h2>>11) * (1.0 / (1 << 53))
	return math.Sqrt(-2*math.Log(u1)) * math.Cos(2*math.Pi*u2)
}

func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}
