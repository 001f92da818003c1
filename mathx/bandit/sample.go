package bandit

import (
	"math"
	"math/rand/v2"
)

// Stream constants keep the environment's and the policies' random numbers
// independent when they are seeded with the same Seed.
const (
	envStream    = 0x62616e6469742d65 // "bandit-e"
	policyStream = 0x62616e6469742d70 // "bandit-p"
	setupStream  = 0x62616e6469742d73 // "bandit-s"
)

func newPolicyRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, policyStream)) }

// gammaSample draws from Gamma(shape, 1) by Marsaglia and Tsang's method
// (ACM TOMS 26(3), 2000); shape < 1 uses the boost X·U^{1/shape}.
func gammaSample(r *rand.Rand, shape float64) float64 {
	if shape < 1 {
		u := r.Float64()
		return gammaSample(r, shape+1) * math.Pow(u, 1/shape)
	}
	d := shape - 1.0/3
	c := 1 / math.Sqrt(9*d)
	for {
		x := r.NormFloat64()
		v := 1 + c*x
		if v <= 0 {
			continue
		}
		v = v * v * v
		u := r.Float64()
		if u < 1-0.0331*x*x*x*x {
			return d * v
		}
		if math.Log(u) < 0.5*x*x+d*(1-v+math.Log(v)) {
			return d * v
		}
	}
}

// betaSample draws from Beta(a, b) as G_a/(G_a+G_b).
func betaSample(r *rand.Rand, a, b float64) float64 {
	x := gammaSample(r, a)
	y := gammaSample(r, b)
	return x / (x + y)
}

// splitmix64 is the SplitMix64 finaliser, used to turn (seed, t, arm) into
// a fixed pseudo-random number without any state.
func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// hashUniform returns a uniform number in [0, 1) fixed by (seed, t, arm).
func hashUniform(seed uint64, t, arm int) float64 {
	h := splitmix64(seed ^ splitmix64(uint64(t)<<20^uint64(arm)))
	return float64(h>>11) * (1.0 / (1 << 53))
}

// sampleDiscrete returns i with probability p[i] (p sums to 1) by inversion.
func sampleDiscrete(r *rand.Rand, p []float64) int {
	u := r.Float64()
	acc := 0.0
	for i, pi := range p {
		acc += pi
		if u < acc {
			return i
		}
	}
	for i := len(p) - 1; i >= 0; i-- {
		if p[i] > 0 {
			return i
		}
	}
	return len(p) - 1
}
