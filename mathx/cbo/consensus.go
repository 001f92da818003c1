package cbo

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// errNoFiniteEnergy is returned when no particle has a finite energy, so no
// weight can be formed.
var errNoFiniteEnergy = errors.New("cbo: no particle has a finite energy")

// errCollapsed is returned when the initial particles coincide: drift and
// noise are both proportional to x_i − c, so the swarm can never move.
var errCollapsed = errors.New("cbo: the particles start at one point (consensus diameter 0), so neither drift nor noise can move them")

// Weights writes the normalised Gibbs weights
//
//	w_i = exp(-α f_i) / Σ_j exp(-α f_j)
//
// of the energies f into dst and returns it (dst is allocated when nil).
// It works in the log domain: exp(-α f_i - max_j(-α f_j)), so α = 1e5 and
// beyond neither underflow nor overflow, nor does α·f at any scale of f
// (α = 1e300 with energies 1e10 included). α = 0 gives uniform weights (the
// mean) and α = +Inf puts all weight on the first particle with the least
// energy (the best particle), as does an energy of -Inf. Energies that are
// NaN or +Inf get weight 0.
// It returns an error when no energy is finite. It panics when α is
// negative or NaN or len(dst) != len(f).
func Weights(dst, f []float64, alpha float64) ([]float64, error) {
	if dst == nil {
		dst = make([]float64, len(f))
	}
	if len(dst) != len(f) {
		panic(fmt.Sprintf("cbo.Weights: len(dst) = %d, len(f) = %d", len(dst), len(f)))
	}
	if !(alpha >= 0) {
		panic(fmt.Sprintf("cbo.Weights: alpha = %v, want alpha >= 0", alpha))
	}
	if !weights(dst, f, alpha) {
		return dst, errNoFiniteEnergy
	}
	return dst, nil
}

// weights is Weights without the checks; it reports false when no energy is
// finite.
func weights(w, f []float64, alpha float64) bool {
	best, fmin := -1, math.Inf(1)
	for i, v := range f {
		if v < fmin {
			best, fmin = i, v
		}
	}
	if best < 0 {
		return false
	}
	switch {
	case alpha == 0:
		n := 0
		for _, v := range f {
			if v < math.Inf(1) {
				n++
			}
		}
		inv := 1 / float64(n)
		for i, v := range f {
			w[i] = 0
			if v < math.Inf(1) {
				w[i] = inv
			}
		}
		return true
	case math.IsInf(alpha, 1) || math.IsInf(fmin, -1):
		for i := range w {
			w[i] = 0
		}
		w[best] = 1
		return true
	}
	// The same operation order as numpy's w = exp(e - e.max()), e = -α f,
	// so the reference vectors agree to the last bits; where α·f_min
	// overflows (numpy gives NaN there), the equal −α(f − f_min).
	emax := -alpha * fmin
	shifted := math.IsInf(emax, 0)
	sum := 0.0
	for i, v := range f {
		if v < math.Inf(1) {
			var e float64
			if shifted {
				e = math.Exp(-alpha * (v - fmin))
			} else {
				e = math.Exp(-alpha*v - emax)
			}
			w[i] = e
			sum += e
		} else {
			w[i] = 0
		}
	}
	inv := 1 / sum
	for i := range w {
		w[i] *= inv
	}
	return true
}

// Consensus writes the consensus point c_α = Σ_i w_i x_i of the particles
// (rows of X) with the weights of Weights(f, α) into dst and returns it (dst
// is allocated when nil). It returns an error when no energy is finite,
// or naming the entry when a particle with weight > 0 has a NaN or ±Inf
// coordinate (particles of weight 0, with energy NaN or +Inf, may). It
// panics when the shapes disagree or α is negative.
func Consensus(dst []float64, X mat.Matrix, f []float64, alpha float64) ([]float64, error) {
	n, d := X.Dims()
	if len(f) != n {
		panic(fmt.Sprintf("cbo.Consensus: X is %d×%d but len(f) = %d", n, d, len(f)))
	}
	if dst == nil {
		dst = make([]float64, d)
	}
	if len(dst) != d {
		panic(fmt.Sprintf("cbo.Consensus: X is %d×%d but len(dst) = %d", n, d, len(dst)))
	}
	w, err := Weights(nil, f, alpha)
	if err != nil {
		return dst, err
	}
	for j := range dst {
		dst[j] = 0
	}
	for i, wi := range w {
		if wi == 0 {
			continue
		}
		for j := range dst {
			x := X.At(i, j)
			if x-x != 0 {
				return dst, fmt.Errorf("cbo.Consensus: X[%d,%d] = %v, weight %g: a weighted particle must be finite", i, j, x, wi)
			}
			dst[j] += wi * x
		}
	}
	return dst, nil
}

// EffectiveSampleSize returns (Σ w_i)² / Σ w_i² for the weights of the
// energies f at α, a number between 1 (one particle carries all the
// weight) and the number of particles with finite energy (uniform weights).
// It returns 0 when no energy is finite.
func EffectiveSampleSize(f []float64, alpha float64) float64 {
	if !(alpha >= 0) {
		panic(fmt.Sprintf("cbo.EffectiveSampleSize: alpha = %v, want alpha >= 0", alpha))
	}
	w := make([]float64, len(f))
	if !weights(w, f, alpha) {
		return 0
	}
	return ess(w)
}

// ess returns (Σw)²/Σw² of normalised weights w.
func ess(w []float64) float64 {
	s2 := 0.0
	for _, v := range w {
		s2 += v * v
	}
	return 1 / s2
}
