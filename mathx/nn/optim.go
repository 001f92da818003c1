package nn

import (
	"fmt"
	"math"
	"unsafe"

	"github.com/gomx-dev/gomx/mathx/internal/kernels"
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
	c       optCore[float64]
}

// NewOptimizer returns an optimiser for net with settings s (defaults
// filled in).
func NewOptimizer(net *MLP, s OptimizerSettings) *Optimizer {
	o := &Optimizer{S: s.withDefaults(), net: net, tensors: net.Tensors()}
	o.c.init(len(net.Params), o.S.Kind)
	return o
}

// Steps returns how many steps the optimiser took.
func (o *Optimizer) Steps() int { return o.c.step }

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
	o.c.S = o.S
	if err := o.c.update(p, grad, o.tensors); err != nil {
		return fmt.Errorf("nn: Optimizer.Step: %w", err)
	}
	o.net.applyMasks(p)
	return nil
}

// optCore is an optimiser's state and update on parameters of type T.
// The update is one pass over the parameters: it computes each new value
// from the old ones, writes it, and saves the old parameter in old; the
// new moments go to the second buffers (m2, v2), which become the current
// ones when every new value is finite. When one is not (or a gradient
// entry is not), the parameters written so far are restored from old and
// the state stays as it was.
type optCore[T kernels.Float] struct {
	S      OptimizerSettings
	step   int
	m, v   []T // momentum (SGD) or Adam's moments; v nil for SGD
	m2, v2 []T // the next step's moments
	old    []T // the parameters before the step being taken
}

func (o *optCore[T]) init(n int, kind OptimizerKind) {
	o.m, o.m2, o.old = make([]T, n), make([]T, n), make([]T, n)
	if kind != SGD {
		o.v, o.v2 = make([]T, n), make([]T, n)
	}
}

// copyState sets o's state (moments and step count) to src's.
func (o *optCore[T]) copyState(src *optCore[T]) {
	o.step = src.step
	copy(o.m, src.m)
	copy(o.v, src.v)
}

// zeroState zeroes the state of parameter i.
func (o *optCore[T]) zeroState(i int) {
	o.m[i] = 0
	if o.v != nil {
		o.v[i] = 0
	}
}

// update takes one step of o.S on p with gradient g (modified by ⊥Grad on
// each tensor of tensors, when set), or returns an error leaving p and the
// state as they were: a *gradError when an entry of g is not finite.
func (o *optCore[T]) update(p, g []T, tensors [][2]int) error {
	s := &o.S
	if s.OrthoGrad {
		// checked first: ⊥Grad would spread a non-finite entry over its tensor
		if i := firstNonFinite(g); i >= 0 {
			return &gradError{i, float64(g[i])}
		}
		for _, t := range tensors {
			o.orthoGrad(p[t[0]:t[1]], g[t[0]:t[1]])
		}
	}
	step := o.step + 1
	var bad int
	var np T
	if s.Kind == SGD {
		bad, np = o.sgd(p, g, step)
	} else {
		bad, np = o.adam(p, g, step)
	}
	if bad >= 0 {
		copy(p[:bad], o.old[:bad])
		if i := firstNonFinite(g); i >= 0 {
			return &gradError{i, float64(g[i])}
		}
		return fmt.Errorf("parameter %d = %g would become %g (learning rate %g too large for its scale?); the parameters and the optimiser's state are unchanged", bad, float64(p[bad]), float64(np), s.LR)
	}
	o.m, o.m2 = o.m2, o.m
	o.v, o.v2 = o.v2, o.v
	o.step = step
	return nil
}

// gradError reports a non-finite gradient entry.
type gradError struct {
	i int
	v float64
}

func (e *gradError) Error() string {
	return fmt.Sprintf("grad[%d] = %g: the gradient must be finite; the parameters and the optimiser's state are unchanged", e.i, e.v)
}

// firstNonFinite returns the index of the first NaN or ±Inf in x, or −1.
func firstNonFinite[T kernels.Float](x []T) int {
	for i, v := range x {
		if v-v != 0 {
			return i
		}
	}
	return -1
}

// sgd is SGD's step number step in one pass (kernels.SGD64 or SGD32;
// see optCore): it returns the index of the first parameter whose new
// value or momentum is not finite, with that value, or −1. Without
// momentum (or on the first step) b = g + WeightDecay·θ, and 0·b is not
// added: the same values, but for the sign of a zero.
func (o *optCore[T]) sgd(p, g []T, step int) (int, T) {
	s := &o.S
	mom := step > 1 && s.Momentum != 0
	var bad int
	switch p := any(p).(type) {
	case []float64:
		bad = kernels.SGD64(p, any(g).([]float64), any(o.m).([]float64), any(o.m2).([]float64), any(o.old).([]float64), s.LR, s.Momentum, s.WeightDecay, mom)
	case []float32:
		bad = kernels.SGD32(p, any(g).([]float32), any(o.m).([]float32), any(o.m2).([]float32), any(o.old).([]float32), float32(s.LR), float32(s.Momentum), float32(s.WeightDecay), mom)
	}
	if bad < 0 {
		return -1, 0
	}
	b := g[bad] + T(s.WeightDecay)*p[bad]
	if mom {
		b = T(s.Momentum)*o.m[bad] + b
	}
	return bad, p[bad] - T(s.LR)*b
}

// bigGrad is the gradient magnitude from which Adam keeps −√v in place of
// v: g² overflows above about 1.3e154 in float64, 1.8e19 in float32
// (2^60 ≈ 1.15e18, exact in float32).
func bigGrad[T kernels.Float]() float64 {
	if unsafe.Sizeof(T(0)) == 4 {
		return 0x1p60
	}
	return 1e150
}

// adam is Adam's (or AdamW's) step number step in one pass, as sgd. The
// state is stored in T; Adam's v[i] < 0 stores −√v (see bigGrad).
func (o *optCore[T]) adam(p, g []T, step int) (int, T) {
	s := &o.S
	c1 := 1 - math.Pow(s.Beta1, float64(step))
	sq2 := T(math.Sqrt(1 - math.Pow(s.Beta2, float64(step))))
	stepSize, decay := T(s.LR/c1), T(1-s.LR*s.WeightDecay)
	wd, b1, b1c, b2, b2c, eps := T(s.WeightDecay), T(s.Beta1), T(1-s.Beta1), T(s.Beta2), T(1-s.Beta2), T(s.Eps)
	rb2, rb2c := math.Sqrt(s.Beta2), math.Sqrt(1-s.Beta2)
	big := bigGrad[T]()
	adamW := s.Kind == AdamW
	n := len(p)
	g, m, v, m2, v2, old := g[:n], o.m[:n], o.v[:n], o.m2[:n], o.v2[:n], o.old[:n]
	// the plain path of the loop below, on SIMD where it can
	var start int
	c := [10]T{decay, wd, b1, b1c, b2, b2c, stepSize, sq2, eps, T(big)}
	switch p := any(p).(type) {
	case []float64:
		start = kernels.AdamPlain64(p, any(g).([]float64), any(m).([]float64), any(v).([]float64), any(m2).([]float64), any(v2).([]float64), any(old).([]float64), any(&c).(*[10]float64), adamW)
	case []float32:
		start = kernels.AdamPlain32(p, any(g).([]float32), any(m).([]float32), any(v).([]float32), any(m2).([]float32), any(v2).([]float32), any(old).([]float32), any(&c).(*[10]float32), adamW)
	}
	for i := start; i < n; i++ {
		pi, gi := p[i], g[i]
		if adamW {
			pi *= decay
		} else {
			gi += wd * pi
		}
		nm := b1*m[i] + b1c*gi
		vi := v[i]
		var nv, root T
		if vi >= 0 && math.Abs(float64(gi)) <= big {
			nv = b2*vi + b2c*gi*gi
			root = T(math.Sqrt(float64(nv)))
		} else {
			r := -float64(vi)
			if vi >= 0 {
				r = math.Sqrt(float64(vi))
			}
			root = T(math.Hypot(rb2*r, rb2c*math.Abs(float64(gi))))
			nv = -root
		}
		np := pi - stepSize*nm/(root/sq2+eps)
		if np-np != 0 || nm-nm != 0 || nv-nv != 0 {
			return i, np
		}
		old[i], p[i], m2[i], v2[i] = p[i], np, nm, nv
	}
	return -1, 0
}

// orthoGrad applies OrthoGrad to one tensor whose gradient is finite.
// For float32 it computes as OrthoGrad does on the values converted to
// float64 (the unscaled formula: float32 values are within its range) and
// rounds g⊥ once to float32, without copies.
func (o *optCore[T]) orthoGrad(theta, g []T) {
	if t, ok := any(theta).([]float64); ok {
		OrthoGrad(t, any(g).([]float64))
		return
	}
	g = g[:len(theta)]
	var tt, tg, gg float64
	for i, t := range theta {
		tf, gf := float64(t), float64(g[i])
		tt += tf * tf
		tg += tf * gf
		gg += gf * gf
	}
	if gg == 0 {
		return
	}
	proj := tg / (tt + 1e-30)
	var oo float64
	for i, t := range theta {
		d := float64(g[i]) - proj*float64(t)
		oo += d * d
	}
	if oo <= sq(float64(len(g)+4)*0x1p-52)*gg {
		clear(g)
		return
	}
	scale := math.Sqrt(gg) / (math.Sqrt(oo) + 1e-30)
	for i, t := range theta {
		g[i] = T((float64(g[i]) - proj*float64(t)) * scale)
	}
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
