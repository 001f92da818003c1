package collab

import (
	"fmt"
	"math"
)

// InvertLinear is the analytic gradient-inversion attack on a linear
// model (Phong, Aono, Hayashi, Wang & Moriai, "Privacy-preserving deep
// learning via additively homomorphic encryption", IEEE TIFS 2018; the
// simplest case of "deep leakage from gradients", Zhu, Liu & Han 2019,
// arXiv 1906.08935): the loss ℓ(aᵀx − y) of a single example a whose
// feature bias is the constant 1 has the gradient g = ℓ'·a, so
// a = g / g[bias] whatever the loss, the label or the model. It returns
// that estimate of the example from an observed gradient: the true
// gradient of LeastSquares or Logistic (lambda 0; otherwise subtract
// lambda·x first) on one example, or what a curious server reconstructs
// from a worker's sketched message y = Rg, the de-sketched Rᵀy — then
// the estimate is off by the sketch's error RᵀRg − g and by the noise of
// the private variant. It returns an error wrapping ErrNonFinite on a
// non-finite entry of grad or of the estimate (g[bias] tiny beside the
// rest), and an error when g[bias] = 0 (nothing to divide by: the
// example is not identifiable). It panics unless 0 ≤ bias < len(grad).
func InvertLinear(grad []float64, bias int) ([]float64, error) {
	if bias < 0 || bias >= len(grad) {
		panic(fmt.Sprintf("collab.InvertLinear: bias = %d with len(grad) = %d", bias, len(grad)))
	}
	for j, g := range grad {
		if math.IsNaN(g) || math.IsInf(g, 0) {
			return nil, fmt.Errorf("collab.InvertLinear: grad[%d] = %v: %w", j, g, ErrNonFinite)
		}
	}
	r := grad[bias]
	if r == 0 {
		return nil, fmt.Errorf("collab.InvertLinear: grad[%d] = 0: the residual is zero, the example cannot be recovered", bias)
	}
	out := make([]float64, len(grad))
	for j, g := range grad {
		out[j] = g / r
		if math.IsInf(out[j], 0) {
			return nil, fmt.Errorf("collab.InvertLinear: grad[%d]/grad[%d] = %v/%v overflows: %w", j, bias, g, r, ErrNonFinite)
		}
	}
	return out, nil
}
