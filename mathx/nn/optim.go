package nn

import (
	"fmt"
	"math"
)

// OptimizerKind chooses the update rule.
type OptimizerKind int

// The optimisers, with PyTorch's definitions. The zero value is Adam.
const (
	// Adam (torch.optim.Adam): WeightDecay adds WeightDecay·θ to the
	// gradient (L2), then m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g²,
	// θ ← θ − LR·m̂/(√v̂ + Eps) with bias-corrected m̂, v̂.
	Adam OptimizerKind = iota
	// AdamW (torch.optim.AdamW): θ ← θ(1 − LR·WeightDecay) (decoupled
	// decay), then Adam's step on the plain gradient.
	AdamW
	// SGD (torch.optim.SGD, no dampening, not Nesterov): g ← g +
	// WeightDecay·θ, b ← Momentum·b + g (b = g on the first step),
	// θ ← θ − LR·b.
	SGD
)

// String returns the optimiser's name.
func (k OptimizerKind) String() string {
	switch k {
	case Adam:
		return "Adam"
	case AdamW:
		return "AdamW"
	case SGD:
		return "SGD"
	}
	return fmt.Sprintf("OptimizerKind(%d)", int(k))
}

// OptimizerSettings configures an Optimizer. The zero value of every field
// is its documented default.
type OptimizerSettings struct {
	Kind        OptimizerKind // update rule; zero value: Adam
	LR          float64       // step size; 0 → 1e-3 (Adam, AdamW), 1e-2 (SGD)
	Momentum    float64       // SGD momentum; 0 → none
	WeightDecay float64       // see Kind; 0 → none (AdamW too: PyTorch's 0.01 is not the default here)
	Beta1       float64       // Adam β₁; 0 → 0.9
	Beta2       float64       // Adam β₂; 0 → 0.999
	Eps         float64       // Adam ε; 0 → 1e-8
	// OrthoGrad applies ⊥Grad before the update: each parameter tensor's
	// gradient g is replaced by g⊥ = g − (θᵀg/θᵀθ)θ rescaled to ‖g‖ (see
	// OrthoGrad); weight decay is added after it, as in the authors' code.
	OrthoGrad bool
}

func (s OptimizerSettings) withDefaults() OptimizerSettings {
	if s.Kind < Adam || s.Kind > SGD {
		panic(fmt.Sprintf("nn: unknown optimizer %v", s.Kind))
	}
	for _, v := range []struct {
		name string
		v    float64
	}{{"LR", s.LR}, {"Momentum", s.Momentum}, {"WeightDecay", s.WeightDecay}, {"Beta1", s.Beta1}, {"Beta2", s.Beta2}, {"Eps", s.Eps}} {
		if v.v < 0 || math.IsNaN(v.v) || math.IsInf(v.v, 0) {
			panic(fmt.Sprintf("nn: optimizer %s = %g: want finite ≥ 0", v.name, v.v))
		}
	}
	if s.Beta1 >= 1 || s.Beta2 >= 1 {
		panic(fmt.Sprintf("nn: optimizer Beta1 = %g, Beta2 = %g: want < 1", s.Beta1, s.Beta2))
	}
	if s.LR == 0 {
		s.LR = 1e-3
		if s.Kind == SGD {
			s.LR = 1e-2
		}
	}
	if s.Beta1 == 0 {
		s.Beta1 = 0.9
	}
	if s.Beta2 == 0 {
		s.Beta2 = 0.999
	}
	if s.Eps == 0 {
		s.Eps = 1e-8
	}
	return s
}

// Optimizer updates a network's parameters from gradients and keeps the
// state between steps (momentum, Adam's moments).
type Optimizer struct {
	S       OptimizerSettings // with defaults filled in
	net     *MLP
	tensors [][2]int
	step    int
	m, v    []float64
}

// NewOptimizer returns an optimiser for net with settings s (defaults
// filled in).
func NewOptimizer(net *MLP, s OptimizerSettings) *Optimizer {
	o := &Optimizer{S: s.withDefaults(), net: net, tensors: net.Tensors()}
	o.m = make([]float64, len(net.Params))
	if o.S.Kind != SGD {
		o.v = make([]float64, len(net.Params))
	}
	return o
}

// Steps returns how many steps the optimiser took.
func (o *Optimizer) Steps() int { return o.step }

// Step updates net.Params with the gradient grad (same layout; it is
// modified: ⊥Grad and weight decay are applied to it in place). Masked
// weights stay zero.
func (o *Optimizer) Step(grad []float64) {
	p := o.net.Params
	if len(grad) != len(p) {
		panic(fmt.Sprintf("nn: Optimizer.Step: len(grad) = %d, the network has %d parameters", len(grad), len(p)))
	}
	s := o.S
	if s.OrthoGrad {
		for _, t := range o.tensors {
			OrthoGrad(p[t[0]:t[1]], grad[t[0]:t[1]])
		}
	}
	o.step++
	switch s.Kind {
	case SGD:
		for i, g := range grad {
			g += s.WeightDecay * p[i]
			b := g
			if o.step > 1 {
				b = s.Momentum*o.m[i] + g
			}
			o.m[i] = b
			p[i] -= s.LR * b
		}
	default:
		c1 := 1 - math.Pow(s.Beta1, float64(o.step))
		sq2 := math.Sqrt(1 - math.Pow(s.Beta2, float64(o.step)))
		stepSize := s.LR / c1
		for i, g := range grad {
			if s.Kind == AdamW {
				p[i] *= 1 - s.LR*s.WeightDecay
			} else {
				g += s.WeightDecay * p[i]
			}
			o.m[i] = s.Beta1*o.m[i] + (1-s.Beta1)*g
			o.v[i] = s.Beta2*o.v[i] + (1-s.Beta2)*g*g
			p[i] -= stepSize * o.m[i] / (math.Sqrt(o.v[i])/sq2 + s.Eps)
		}
	}
	o.net.applyMasks(p)
}

// OrthoGrad replaces the gradient g of one parameter tensor θ by its part
// orthogonal to θ, rescaled to the norm of g (the Grokking paper's ⊥Grad,
// as its OrthoGrad optimizer computes it):
//
//	g⊥ = g − (θᵀg / (θᵀθ + 1e-30))·θ,   g ← g⊥·‖g‖/(‖g⊥‖ + 1e-30).
//
// The 1e-30 terms are the authors'; they make θ = 0 or g ∥ θ harmless.
func OrthoGrad(theta, g []float64) {
	if len(theta) != len(g) {
		panic(fmt.Sprintf("nn: OrthoGrad: len(theta) = %d, len(g) = %d", len(theta), len(g)))
	}
	var tt, tg, gg float64
	for i, t := range theta {
		tt += t * t
		tg += t * g[i]
		gg += g[i] * g[i]
	}
	proj := tg / (tt + 1e-30)
	var oo float64
	for i, t := range theta {
		g[i] -= proj * t
		oo += g[i] * g[i]
	}
	scale := math.Sqrt(gg) / (math.Sqrt(oo) + 1e-30)
	for i := range g {
		g[i] *= scale
	}
}
