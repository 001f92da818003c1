package bandit

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// Environment is a K-armed bandit problem. Rounds are numbered from 1.
// An Environment must not change after construction: Simulate calls one
// value from several goroutines, each with its own *rand.Rand.
type Environment interface {
	// Arms returns K, the number of arms.
	Arms() int
	// Mean returns the expected reward of arm at round t. Regret is
	// measured with it against the best fixed arm in hindsight.
	Mean(t, arm int) float64
	// Pull returns the reward of arm at round t, drawing any noise from r.
	Pull(t, arm int, r *rand.Rand) float64
}

// Bernoulli is a stochastic bandit whose arm i pays 1 with probability
// P[i] and 0 otherwise.
type Bernoulli struct {
	// P holds the arms' success probabilities, each in [0, 1].
	P []float64
}

// NewBernoulli returns Bernoulli arms with success probabilities p. It
// panics when p is empty or an entry is outside [0, 1].
func NewBernoulli(p []float64) *Bernoulli {
	if len(p) == 0 {
		panic("bandit.NewBernoulli: no arms")
	}
	for i, v := range p {
		if !(v >= 0 && v <= 1) {
			panic(fmt.Sprintf("bandit.NewBernoulli: p[%d] = %v outside [0, 1]", i, v))
		}
	}
	return &Bernoulli{P: append([]float64(nil), p...)}
}

// Arms returns len(P).
func (b *Bernoulli) Arms() int { return len(b.P) }

// Mean returns P[arm].
func (b *Bernoulli) Mean(t, arm int) float64 { return b.P[arm] }

// Pull returns 1 with probability P[arm], else 0.
func (b *Bernoulli) Pull(t, arm int, r *rand.Rand) float64 {
	if r.Float64() < b.P[arm] {
		return 1
	}
	return 0
}

// Gaussian is a stochastic bandit whose arm i pays Mu[i] + Sigma[i]·N(0,1).
type Gaussian struct {
	// Mu and Sigma are the arms' means and standard deviations.
	Mu, Sigma []float64
}

// NewGaussian returns Gaussian arms. sigma may have one entry (shared by
// all arms) or K entries. It panics on empty or mismatched inputs or a
// standard deviation that is negative, NaN or +Inf.
func NewGaussian(mu, sigma []float64) *Gaussian {
	if len(mu) == 0 {
		panic("bandit.NewGaussian: no arms")
	}
	if len(sigma) != 1 && len(sigma) != len(mu) {
		panic(fmt.Sprintf("bandit.NewGaussian: len(sigma) = %d, want 1 or %d", len(sigma), len(mu)))
	}
	s := make([]float64, len(mu))
	for i := range s {
		s[i] = sigma[0]
		if len(sigma) > 1 {
			s[i] = sigma[i]
		}
		if !(s[i] >= 0) || math.IsInf(s[i], 1) {
			panic(fmt.Sprintf("bandit.NewGaussian: sigma[%d] = %v, want finite and ≥ 0", i, s[i]))
		}
	}
	return &Gaussian{Mu: append([]float64(nil), mu...), Sigma: s}
}

// Arms returns len(Mu).
func (g *Gaussian) Arms() int { return len(g.Mu) }

// Mean returns Mu[arm].
func (g *Gaussian) Mean(t, arm int) float64 { return g.Mu[arm] }

// Pull returns Mu[arm] + Sigma[arm]·N(0,1).
func (g *Gaussian) Pull(t, arm int, r *rand.Rand) float64 {
	return g.Mu[arm] + g.Sigma[arm]*r.NormFloat64()
}

// Oblivious is an adversarial bandit whose reward sequence is fixed before
// play: in phase p = ((t-1)/PhaseLen) mod rows(Means), arm i pays
// r_t(i) = 1 if u(Seed, t, i) < Means[p][i], else 0, where u is a
// stateless hash of (Seed, t, i) into [0, 1). The rewards do not depend on
// the player's actions or random numbers (an oblivious adversary), and
// Mean returns the realised r_t(i), so the regret Run reports is the
// realised regret against the best fixed arm in hindsight.
type Oblivious struct {
	// Means is phases × K: the probabilities the fixed sequence was drawn with.
	Means *mat.Dense
	// PhaseLen is the number of rounds per phase.
	PhaseLen int
	// Seed fixes the sequence.
	Seed uint64
}

// NewOblivious returns the oblivious sequence described on Oblivious. It
// panics when means is empty, has an entry outside [0, 1], or phaseLen < 1.
func NewOblivious(means mat.Matrix, phaseLen int, seed uint64) *Oblivious {
	r, c := means.Dims()
	if r == 0 || c == 0 || phaseLen < 1 {
		panic(fmt.Sprintf("bandit.NewOblivious: means %d×%d, phaseLen %d", r, c, phaseLen))
	}
	m := mat.DenseCopyOf(means)
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			if v := m.At(i, j); !(v >= 0 && v <= 1) {
				panic(fmt.Sprintf("bandit.NewOblivious: means[%d][%d] = %v outside [0, 1]", i, j, v))
			}
		}
	}
	return &Oblivious{Means: m, PhaseLen: phaseLen, Seed: seed}
}

// Arms returns the number of columns of Means.
func (o *Oblivious) Arms() int { _, c := o.Means.Dims(); return c }

// Mean returns the fixed reward r_t(arm) (0 or 1).
func (o *Oblivious) Mean(t, arm int) float64 {
	rows, _ := o.Means.Dims()
	p := ((t - 1) / o.PhaseLen) % rows
	if hashUniform(o.Seed, t, arm) < o.Means.At(p, arm) {
		return 1
	}
	return 0
}

// Pull returns r_t(arm); it draws nothing from r.
func (o *Oblivious) Pull(t, arm int, r *rand.Rand) float64 { return o.Mean(t, arm) }

// Sequence is an adversarial bandit given by an explicit reward table:
// round t pays Rewards[(t-1) mod rows][arm].
type Sequence struct {
	// Rewards is rounds × K.
	Rewards *mat.Dense
}

// NewSequence returns the table as an Environment. It panics when the
// table is empty.
func NewSequence(rewards mat.Matrix) *Sequence {
	r, c := rewards.Dims()
	if r == 0 || c == 0 {
		panic(fmt.Sprintf("bandit.NewSequence: rewards %d×%d", r, c))
	}
	return &Sequence{Rewards: mat.DenseCopyOf(rewards)}
}

// Arms returns the number of columns of Rewards.
func (s *Sequence) Arms() int { _, c := s.Rewards.Dims(); return c }

// Mean returns Rewards[(t-1) mod rows][arm].
func (s *Sequence) Mean(t, arm int) float64 {
	rows, _ := s.Rewards.Dims()
	return s.Rewards.At((t-1)%rows, arm)
}

// Pull returns Mean(t, arm).
func (s *Sequence) Pull(t, arm int, r *rand.Rand) float64 { return s.Mean(t, arm) }

// Linear is a linear bandit over a finite action set with misspecification:
// action a (row a of X) pays <Theta, x_a> + Eps[a] + Sigma·N(0,1).
type Linear struct {
	// X is K × d, one action per row.
	X *mat.Dense
	// Theta is the d-dimensional parameter.
	Theta []float64
	// Eps is the misspecification per action (nil: none); the model is
	// ε-misspecified with ε = max |Eps[a]|.
	Eps []float64
	// Sigma is the noise's standard deviation.
	Sigma float64
	means []float64
}

// NewLinear returns the linear bandit. eps may be nil. It panics on
// mismatched dimensions or sigma negative, NaN or +Inf.
func NewLinear(x mat.Matrix, theta, eps []float64, sigma float64) *Linear {
	k, d := x.Dims()
	if k == 0 || d != len(theta) || (eps != nil && len(eps) != k) || !(sigma >= 0) || math.IsInf(sigma, 1) {
		panic(fmt.Sprintf("bandit.NewLinear: X %d×%d, len(theta) %d, len(eps) %d, sigma %v", k, d, len(theta), len(eps), sigma))
	}
	l := &Linear{X: mat.DenseCopyOf(x), Theta: append([]float64(nil), theta...), Sigma: sigma, means: make([]float64, k)}
	if eps != nil {
		l.Eps = append([]float64(nil), eps...)
	}
	for a := 0; a < k; a++ {
		l.means[a] = mat.Dot(l.X.RowView(a), mat.NewVecDense(d, l.Theta))
		if l.Eps != nil {
			l.means[a] += l.Eps[a]
		}
	}
	return l
}

// NewSparseLinear returns a random instance of the sparse misspecified
// setting: k actions drawn uniformly on the unit sphere of R^d, a
// parameter with s non-zero entries ±1/√s at random coordinates (so
// ‖θ‖ = 1), misspecification Eps[a] = ±eps with random signs, and noise
// sigma. All draws come from seed. It panics unless 1 ≤ s ≤ d and k ≥ 1.
func NewSparseLinear(k, d, s int, eps, sigma float64, seed uint64) *Linear {
	if k < 1 || s < 1 || s > d || !(eps >= 0) {
		panic(fmt.Sprintf("bandit.NewSparseLinear: k %d, d %d, s %d, eps %v", k, d, s, eps))
	}
	r := rand.New(rand.NewPCG(seed, setupStream))
	x := mat.NewDense(k, d, nil)
	for a := 0; a < k; a++ {
		row := x.RawRowView(a)
		n := 0.0
		for j := range row {
			row[j] = r.NormFloat64()
			n += row[j] * row[j]
		}
		n = math.Sqrt(n)
		for j := range row {
			row[j] /= n
		}
	}
	theta := make([]float64, d)
	for _, j := range r.Perm(d)[:s] {
		theta[j] = 1 / math.Sqrt(float64(s))
		if r.IntN(2) == 0 {
			theta[j] = -theta[j]
		}
	}
	e := make([]float64, k)
	for a := range e {
		e[a] = eps
		if r.IntN(2) == 0 {
			e[a] = -eps
		}
	}
	return NewLinear(x, theta, e, sigma)
}

// Arms returns the number of actions.
func (l *Linear) Arms() int { return len(l.means) }

// Mean returns <Theta, x_arm> + Eps[arm].
func (l *Linear) Mean(t, arm int) float64 { return l.means[arm] }

// Pull returns Mean(t, arm) + Sigma·N(0,1).
func (l *Linear) Pull(t, arm int, r *rand.Rand) float64 {
	return l.means[arm] + l.Sigma*r.NormFloat64()
}
