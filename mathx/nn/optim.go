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
// weights stay zero. It returns an error and changes neither the
// parameters nor the optimiser's state (nor its step count) when an entry
// of grad is NaN or ±Inf, or when the update would make a parameter or
// the state non-finite (a learning rate or weight decay too large for the
// parameters' scale). Adam's second moment is kept as √v once a gradient
// entry exceeds 1e150 in magnitude, so gradients up to math.MaxFloat64
// give the step they should (g² would overflow).
func (o *Optimizer) Step(grad []float64) error {
	p := o.net.Params
	if len(grad) != len(p) {
		panic(fmt.Sprintf("nn: Optimizer.Step: len(grad) = %d, the network has %d parameters", len(grad), len(p)))
	}
	for i, g := range grad {
		if math.IsNaN(g) || math.IsInf(g, 0) {
			return fmt.Errorf("nn: Optimizer.Step: grad[%d] = %g: the gradient must be finite; the parameters and the optimiser's state are unchanged", i, g)
		}
	}
	s := o.S
	if s.OrthoGrad {
		for _, t := range o.tensors {
			OrthoGrad(p[t[0]:t[1]], grad[t[0]:t[1]])
		}
	}
	step := o.step + 1
	var c1, sq2 float64
	if s.Kind != SGD {
		c1 = 1 - math.Pow(s.Beta1, float64(step))
		sq2 = math.Sqrt(1 - math.Pow(s.Beta2, float64(step)))
	}
	// Two passes of the same arithmetic: the first checks that every new
	// value is finite, the second writes them.
	for i, g := range grad {
		np, nm, nv := o.next(i, g, step, c1, sq2)
		if !finite3(np, nm, nv) {
			return fmt.Errorf("nn: Optimizer.Step: parameter %d = %g would become %g (learning rate %g too large for its scale?); the parameters and the optimiser's state are unchanged", i, p[i], np, s.LR)
		}
	}
	for i, g := range grad {
		np, nm, nv := o.next(i, g, step, c1, sq2)
		p[i], o.m[i] = np, nm
		if o.v != nil {
			o.v[i] = nv
		}
	}
	o.step = step
	o.net.applyMasks(p)
	return nil
}

// bigGrad is the gradient magnitude from which Adam keeps −√v in place of
// v (g² would overflow above about 1.3e154).
const bigGrad = 1e150

// next returns parameter i's new value and state (m, v; SGD: the
// momentum buffer and 0) after step number step with gradient entry g;
// c1 and sq2 are Adam's bias corrections 1−β₁ᵗ and √(1−β₂ᵗ). Adam's
// v[i] < 0 stores −√v.
func (o *Optimizer) next(i int, g float64, step int, c1, sq2 float64) (np, nm, nv float64) {
	s := &o.S
	p := o.net.Params[i]
	if s.Kind == SGD {
		g += s.WeightDecay * p
		b := g
		if step > 1 {
			b = s.Momentum*o.m[i] + g
		}
		return p - s.LR*b, b, 0
	}
	stepSize := s.LR / c1
	if s.Kind == AdamW {
		p *= 1 - s.LR*s.WeightDecay
	} else {
		g += s.WeightDecay * p
	}
	nm = s.Beta1*o.m[i] + (1-s.Beta1)*g
	v := o.v[i]
	var root float64
	if v >= 0 && math.Abs(g) <= bigGrad {
		nv = s.Beta2*v + (1-s.Beta2)*g*g
		root = math.Sqrt(nv)
	} else {
		r := -v
		if v >= 0 {
			r = math.Sqrt(v)
		}
		root = math.Hypot(math.Sqrt(s.Beta2)*r, math.Sqrt(1-s.Beta2)*math.Abs(g))
		nv = -root
	}
	return p - stepSize*nm/(root/sq2+s.Eps), nm, nv
}

func finite3(a, b, c float64) bool {
	return !math.IsNaN(a+b+c) && !math.IsInf(a, 0) && !math.IsInf(b, 0) && !math.IsInf(c, 0)
}

// OrthoGrad replaces the gradient g of one parameter tensor θ by its part
// orthogonal to θ, rescaled to the norm of g (the Grokking paper's ⊥Grad,
// as its OrthoGrad optimizer computes it):
//
//	g⊥ = g − (θᵀg / (θᵀθ + 1e-30))·θ,   g ← g⊥·‖g‖/(‖g⊥‖ + 1e-30).
//
// The 1e-30 terms are the authors'; they make θ = 0 harmless. When the
// largest entries of θ or g are outside [2^-450, 2^450] the same formula
// is computed on θ and g divided by their largest entries (the 1e-30
// terms divided to match), so θᵀθ and ‖g‖² neither overflow nor
// underflow; inside, the arithmetic is the authors' to the bit. When g is
// parallel to θ up to rounding (‖g⊥‖ ≤ (n+4)·ε·‖g‖, n = len(g), ε =
// 2^-52), g⊥ is rounding noise, whose direction means nothing: g becomes
// 0 (no step), not that noise scaled up to ‖g‖.
func OrthoGrad(theta, g []float64) {
	if len(theta) != len(g) {
		panic(fmt.Sprintf("nn: OrthoGrad: len(theta) = %d, len(g) = %d", len(theta), len(g)))
	}
	var a, b float64
	for i, t := range theta {
		a = max(a, math.Abs(t))
		b = max(b, math.Abs(g[i]))
	}
	const lo, hi = 0x1p-450, 0x1p450
	if b == 0 {
		return
	}
	if a >= lo && a <= hi && b >= lo && b <= hi || a == 0 && b >= lo && b <= hi {
		orthoGrad(theta, g, 1, 1, 1e-30, 1e-30)
		return
	}
	// g⊥ = b·(g' − (θ'ᵀg'/(θ'ᵀθ' + 1e-30/a²))θ') with θ' = θ/a, g' = g/b,
	// and the rescaling b·g⊥'·‖g'‖/(‖g⊥'‖ + 1e-30/b).
	ta, tt := 0.0, math.Inf(1)
	if a > 0 {
		ta, tt = 1/a, 1e-30/a/a
	}
	if math.IsNaN(a) || math.IsInf(a, 0) {
		ta, tt = math.NaN(), math.NaN()
	}
	orthoGrad(theta, g, ta, 1/b, tt, 1e-30/b)
	for i := range g {
		g[i] *= b
	}
}

// orthoGrad is OrthoGrad's formula on θ·ta and g·gb, with eps1 in place
// of θᵀθ's 1e-30 and eps2 of ‖g⊥‖'s; g is left as g⊥' rescaled to ‖g'‖
// (or 0 when g' is parallel to θ' up to rounding).
func orthoGrad(theta, g []float64, ta, gb, eps1, eps2 float64) {
	if ta != 1 || gb != 1 {
		for i := range g {
			g[i] *= gb
		}
	}
	var tt, tg, gg float64
	for i, t := range theta {
		t *= ta
		tt += t * t
		tg += t * g[i]
		gg += g[i] * g[i]
	}
	proj := tg / (tt + eps1)
	var oo float64
	for i, t := range theta {
		g[i] -= proj * (t * ta)
		oo += g[i] * g[i]
	}
	if oo <= sq(float64(len(g)+4)*0x1p-52)*gg {
		clear(g)
		return
	}
	scale := math.Sqrt(gg) / (math.Sqrt(oo) + eps2)
	for i := range g {
		g[i] *= scale
	}
}

func sq(x float64) float64 { return x * x }
