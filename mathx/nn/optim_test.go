package nn

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestOrthoGradDefinition checks ⊥Grad on random tensors against its
// definition: g⊥ = g − (θᵀg/θᵀθ)θ, rescaled to ‖g‖. The result must be
// orthogonal to θ, have the norm of g, and equal the definition computed
// independently here.
func TestOrthoGradDefinition(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := 0; trial < 100; trial++ {
		n := 1 + rng.IntN(20)
		theta, g := make([]float64, n), make([]float64, n)
		for i := range theta {
			theta[i] = rng.NormFloat64()
			g[i] = rng.NormFloat64()
		}
		if n == 1 {
			continue // g ∥ θ: see below
		}
		// the definition, written separately
		dot := func(a, b []float64) float64 {
			var s float64
			for i := range a {
				s += a[i] * b[i]
			}
			return s
		}
		perp := make([]float64, n)
		c := dot(theta, g) / dot(theta, theta)
		for i := range perp {
			perp[i] = g[i] - c*theta[i]
		}
		r := math.Sqrt(dot(g, g) / dot(perp, perp))
		got := append([]float64(nil), g...)
		OrthoGrad(theta, got)
		for i := range got {
			if want := perp[i] * r; math.Abs(got[i]-want) > 1e-12*math.Max(1, math.Abs(want)) {
				t.Fatalf("trial %d entry %d: %g, want %g", trial, i, got[i], want)
			}
		}
		if d := dot(got, theta); math.Abs(d) > 1e-12*math.Sqrt(dot(theta, theta)*dot(g, g)) {
			t.Errorf("trial %d: θᵀg⊥ = %g, want 0", trial, d)
		}
		if a, b := math.Sqrt(dot(got, got)), math.Sqrt(dot(g, g)); math.Abs(a-b) > 1e-12*b {
			t.Errorf("trial %d: ‖g⊥‖ = %g, ‖g‖ = %g", trial, a, b)
		}
	}
	// θ = 0: nothing to project out, g unchanged
	g := []float64{1, -2}
	OrthoGrad([]float64{0, 0}, g)
	if g[0] != 1 || g[1] != -2 {
		t.Errorf("θ = 0: g became %v", g)
	}
	// g ∥ θ: g⊥ = 0 and stays 0 (the authors' 1e-30 guards the division)
	g = []float64{2, 4}
	OrthoGrad([]float64{1, 2}, g)
	if math.Abs(g[0]) > 1e-14 || math.Abs(g[1]) > 1e-14 {
		t.Errorf("g ∥ θ: g became %v, want ≈ 0", g)
	}
}

// TestOrthoGradPerTensor checks the optimiser projects each parameter
// tensor (each W, each b) separately: after an SGD step with ⊥Grad and
// LR 1, θ_new − θ_old of each tensor is orthogonal to its θ_old.
func TestOrthoGradPerTensor(t *testing.T) {
	net := NewMLP([]int{3, 4, 2}, ReLU, true, 1)
	old := append([]float64(nil), net.Params...)
	g := make([]float64, len(old))
	rng := rand.New(rand.NewPCG(4, 4))
	for i := range g {
		g[i] = rng.NormFloat64()
	}
	opt := NewOptimizer(net, OptimizerSettings{Kind: SGD, LR: 1, OrthoGrad: true})
	opt.Step(g)
	tensors := net.Tensors()
	if len(tensors) != 4 {
		t.Fatalf("%d tensors, want 4", len(tensors))
	}
	for _, tr := range tensors {
		var d float64
		for i := tr[0]; i < tr[1]; i++ {
			d += (net.Params[i] - old[i]) * old[i]
		}
		if math.Abs(d) > 1e-12 {
			t.Errorf("tensor %v: step·θ = %g, want 0", tr, d)
		}
	}
}

// TestOptimizersDefinitions runs two steps of each optimiser on fixed
// gradients and compares with the update rules written out by hand.
func TestOptimizersDefinitions(t *testing.T) {
	theta0 := []float64{0.5, -1, 2}
	g1 := []float64{0.1, 0.2, -0.3}
	g2 := []float64{-0.4, 0.2, 0.5}
	const lr, wd, mom, b1, b2, eps = 0.1, 0.01, 0.9, 0.8, 0.95, 1e-6
	run := func(s OptimizerSettings) []float64 {
		net := NewMLP([]int{3, 1}, Identity, false, 1)
		copy(net.Params, theta0)
		o := NewOptimizer(net, s)
		o.Step(append([]float64(nil), g1...))
		o.Step(append([]float64(nil), g2...))
		return net.Params
	}
	want := func(f func(i int) float64) []float64 {
		w := make([]float64, 3)
		for i := range w {
			w[i] = f(i)
		}
		return w
	}
	adam := func(decoupled bool) func(i int) float64 {
		return func(i int) float64 {
			th := theta0[i]
			var m, v float64
			for k, g := range []float64{g1[i], g2[i]} {
				step := float64(k + 1)
				if decoupled {
					th *= 1 - lr*wd
				} else {
					g += wd * th
				}
				m = b1*m + (1-b1)*g
				v = b2*v + (1-b2)*g*g
				mh := m / (1 - math.Pow(b1, step))
				vh := v / (1 - math.Pow(b2, step))
				th -= lr * mh / (math.Sqrt(vh) + eps)
			}
			return th
		}
	}
	cases := []struct {
		name string
		s    OptimizerSettings
		want []float64
	}{
		{"SGD", OptimizerSettings{Kind: SGD, LR: lr, Momentum: mom, WeightDecay: wd}, want(func(i int) float64 {
			th := theta0[i]
			b := g1[i] + wd*th // first step: b = g
			th -= lr * b
			b = mom*b + g2[i] + wd*th
			return th - lr*b
		})},
		{"Adam", OptimizerSettings{Kind: Adam, LR: lr, WeightDecay: wd, Beta1: b1, Beta2: b2, Eps: eps}, want(adam(false))},
		{"AdamW", OptimizerSettings{Kind: AdamW, LR: lr, WeightDecay: wd, Beta1: b1, Beta2: b2, Eps: eps}, want(adam(true))},
	}
	for _, c := range cases {
		got := run(c.s)
		for i := range got {
			if math.Abs(got[i]-c.want[i]) > 1e-14 {
				t.Errorf("%s: θ[%d] = %.17g, want %.17g", c.name, i, got[i], c.want[i])
			}
		}
	}
	// Defaults are PyTorch's (AdamW's decay aside).
	o := NewOptimizer(NewMLP([]int{1, 1}, ReLU, false, 1), OptimizerSettings{})
	if o.S.Kind != Adam || o.S.LR != 1e-3 || o.S.Beta1 != 0.9 || o.S.Beta2 != 0.999 || o.S.Eps != 1e-8 || o.S.WeightDecay != 0 {
		t.Errorf("defaults %+v", o.S)
	}
}

// TestOptimizerKeepsMask: masked weights stay exactly zero under every
// optimiser, with weight decay and ⊥Grad.
func TestOptimizerKeepsMask(t *testing.T) {
	for _, k := range []OptimizerKind{SGD, Adam, AdamW} {
		net := NewMLP([]int{6, 5, 3}, ReLU, true, 2)
		RandomMasks(net, []float64{0.4, 0.6}, 3)
		o := NewOptimizer(net, OptimizerSettings{Kind: k, LR: 0.1, Momentum: 0.9, WeightDecay: 0.1, OrthoGrad: true})
		rng := rand.New(rand.NewPCG(5, 5))
		g := make([]float64, len(net.Params))
		for step := 0; step < 5; step++ {
			for i := range g {
				g[i] = rng.NormFloat64() // nonzero even at masked weights
			}
			o.Step(g)
		}
		for i := range net.Params {
			if isMasked(net, i) && net.Params[i] != 0 {
				t.Errorf("%v: masked parameter %d = %g", k, i, net.Params[i])
			}
		}
	}
}
