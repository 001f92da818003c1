package cbo

import (
	"fmt"
	"gonum.org/v1/gonum/floats"
	"math"

	"gonum.org/v1/gonum/mat"
)

// DriftCosine is the lens of Riedl et al. (arXiv 2306.09778) as a number:
// the cosine between the swarm's CBO drift c_α − x̄ (consensus point minus
// the particles' mean) and the negative gradient −∇f(x̄) at the mean,
//
//	cos = ⟨c_α − x̄, −∇f(x̄)⟩ / (‖c_α − x̄‖₂ ‖∇f(x̄)‖₂).
//
// X holds the particles as rows, energy their objective values, and grad
// writes ∇f(x) into g. Near 1 means the consensus step acts like a
// gradient step: for a Gaussian cloud N(x̄, ρ²I) and linear f the weights
// tilt the cloud to mean x̄ − αρ²∇f exactly, so the cosine tends to 1 as N
// grows. The norms are scaled, so the cosine is exact for particles and
// gradients at any scale. It returns NaN when the drift or the gradient is
// zero, and NaN with an error naming the entry when no energy is finite,
// a particle's coordinate or the gradient at the mean is NaN or ±Inf. It
// panics when the shapes disagree.
func DriftCosine(X mat.Matrix, energy []float64, alpha float64, grad func(g, x []float64)) (float64, error) {
	n, d := X.Dims()
	if n == 0 || len(energy) != n {
		panic(fmt.Sprintf("cbo.DriftCosine: X is %d×%d but len(energy) = %d", n, d, len(energy)))
	}
	c, err := Consensus(nil, X, energy, alpha)
	if err != nil {
		return math.NaN(), err
	}
	mean := make([]float64, d)
	for i := 0; i < n; i++ {
		for j := range mean {
			x := X.At(i, j)
			if x-x != 0 {
				return math.NaN(), fmt.Errorf("cbo.DriftCosine: X[%d,%d] = %v: the particles must be finite", i, j, x)
			}
			mean[j] += x
		}
	}
	for j := range mean {
		mean[j] /= float64(n)
	}
	g := make([]float64, d)
	grad(g, mean)
	v := make([]float64, d)
	for j := range g {
		if g[j]-g[j] != 0 {
			return math.NaN(), fmt.Errorf("cbo.DriftCosine: the gradient at the mean has g[%d] = %v", j, g[j])
		}
		v[j] = c[j] - mean[j]
	}
	nd, ng := floats.Norm(v, 2), floats.Norm(g, 2)
	if nd == 0 || ng == 0 {
		return math.NaN(), nil
	}
	dot := 0.0
	for j := range g {
		dot -= v[j] / nd * (g[j] / ng)
	}
	return dot, nil
}
