package nn

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestStableMaxDefinition checks StableMax and its cross-entropy against
// the paper's definition written out by hand: s(x) = x+1 for x ≥ 0,
// 1/(1−x) for x < 0, StableMax(z)_i = s(z_i)/Σⱼs(z_j).
func TestStableMaxDefinition(t *testing.T) {
	z := []float64{0, 1, -1, 3.5, -4}
	s := []float64{1, 2, 0.5, 4.5, 0.2} // by hand
	var sum float64
	for _, v := range s {
		sum += v
	}
	got := StableMax(z)
	for i := range z {
		if want := s[i] / sum; math.Abs(got[i]-want) > 1e-15 {
			t.Errorf("StableMax(z)[%d] = %g, want %g", i, got[i], want)
		}
	}
	for c := range z {
		want := -math.Log(s[c] / sum)
		if l := rowLoss(StableMaxCE, Float64, z, c, nil, nil, 1); math.Abs(l-want) > 1e-15 {
			t.Errorf("StableMax cross-entropy, class %d: %g, want %g", c, l, want)
		}
		if l := rowLoss(StableMaxCE, Float32, z, c, nil, nil, 1); math.Abs(l-want) > 1e-6 {
			t.Errorf("float32 StableMax cross-entropy, class %d: %g, want %g", c, l, want)
		}
	}
	// s is continuous with a continuous derivative at 0, and grows linearly
	// (not exponentially) above 0, so large logits do not collapse it.
	if stable(0) != 1 || stable(-1e-300) != 1/(1+1e-300) || stableDeriv(0) != 1 {
		t.Error("s or s′ is not 1 at 0")
	}
	big := []float64{0, 1000}
	if p := StableMax(big); p[1] == 1 || p[0] == 0 {
		t.Errorf("StableMax([0, 1000]) = %v: should be 1/1002, 1001/1002", p)
	}
}

// TestSoftmaxCollapse checks the float32 loss rounds as on a GPU: with
// the correct logit 20 above the other (e^−20 ≈ 2e-9 < 2^−24), the sum of
// exponentials rounds to 1, so the loss and the correct logit's gradient
// are exactly 0 while the other logit's gradient is e^−20; at a lead of
// 120 e^−120 underflows float32 and the whole gradient is zero. In
// float64 neither happens.
func TestSoftmaxCollapse(t *testing.T) {
	g := make([]float64, 2)
	if l := rowLoss(SoftmaxCE, Float32, []float64{0, 20}, 1, nil, g, 1); l != 0 || g[1] != 0 || g[0] == 0 {
		t.Errorf("float32, lead 20: loss %g, gradient %v; want 0 and [e^-20 0]", l, g)
	} else if math.Abs(g[0]-math.Exp(-20)) > 1e-7*math.Exp(-20) {
		t.Errorf("float32, lead 20: wrong-class gradient %g, want e^-20 = %g", g[0], math.Exp(-20))
	}
	if l := rowLoss(SoftmaxCE, Float32, []float64{0, 120}, 1, nil, g, 1); l != 0 || g[0] != 0 || g[1] != 0 {
		t.Errorf("float32, lead 120: loss %g, gradient %v; want all 0", l, g)
	}
	if l := rowLoss(SoftmaxCE, Float64, []float64{0, 20}, 1, nil, g, 1); l == 0 || g[1] == 0 {
		t.Errorf("float64, lead 20: loss %g, gradient %v; want nonzero", l, g)
	}
	if p := Softmax([]float64{0, 20}, Float32); p[1] != 1 {
		t.Errorf("float32 softmax of [0 20] = %v, want the second exactly 1", p)
	}
	if p := Softmax([]float64{0, 20}, Float64); p[1] == 1 {
		t.Errorf("float64 softmax of [0 20] = %v, want below 1", p)
	}
	// float64 collapses too, later: at a lead of 40, e^-40 < 2^-53
	if l := rowLoss(SoftmaxCE, Float64, []float64{0, 40}, 1, nil, g, 1); l != 0 || g[1] != 0 {
		t.Errorf("float64, lead 40: loss %g, gradient %v; want collapse", l, g)
	}
	// StableMax does not collapse at the same leads.
	if l := rowLoss(StableMaxCE, Float32, []float64{0, 120}, 1, nil, g, 1); l == 0 || g[1] == 0 {
		t.Errorf("float32 StableMax, lead 120: loss %g, gradient %v; want nonzero", l, g)
	}
}

// TestFloat32MatchesFloat64 checks the float32 losses and gradients agree
// with float64 to float32 accuracy on moderate logits.
func TestFloat32MatchesFloat64(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	for _, k := range []LossKind{SoftmaxCE, StableMaxCE, SquaredError} {
		for trial := 0; trial < 50; trial++ {
			z := make([]float64, 7)
			tg := make([]float64, 7)
			for i := range z {
				z[i] = 3 * rng.NormFloat64()
				tg[i] = rng.NormFloat64()
			}
			c := rng.IntN(7)
			g64, g32 := make([]float64, 7), make([]float64, 7)
			l64 := rowLoss(k, Float64, z, c, tg, g64, 1)
			l32 := rowLoss(k, Float32, z, c, tg, g32, 1)
			if math.Abs(l64-l32) > 1e-5*math.Max(1, l64) {
				t.Errorf("%v: loss %g (float64) vs %g (float32)", k, l64, l32)
			}
			for i := range g64 {
				if math.Abs(g64[i]-g32[i]) > 1e-5*math.Max(1, math.Abs(g64[i])) {
					t.Errorf("%v: gradient %d: %g vs %g", k, i, g64[i], g32[i])
				}
			}
		}
	}
}

// TestSquaredErrorDefinition: the mean of (z−t)² over samples and outputs.
func TestSquaredErrorDefinition(t *testing.T) {
	z := []float64{1, 2, 3}
	tg := []float64{0, 2, 5}
	if l := rowLoss(SquaredError, Float64, z, 0, tg, nil, 1); l != 5.0/3 {
		t.Errorf("loss %g, want 5/3", l)
	}
	// one-hot targets from the label
	if l := rowLoss(SquaredError, Float64, z, 2, nil, nil, 1); l != (1+4+4)/3.0 {
		t.Errorf("loss with label 2: %g, want 3", l)
	}
}

// TestExp32 checks exp32 against e^x computed in float64 and rounded to
// float32 (math.Exp is within an ulp of float64 of e^x): equal on all
// but a few of a million points, never more than one float32 ulp apart,
// and the ends of float32's range: e^−104 rounds to 0, e^−103.9 to the
// smallest subnormal or above, e^89 to +Inf, e^88.7 finite, e^0 = 1.
func TestExp32(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	diff := 0
	const n = 1000000
	for i := 0; i < n; i++ {
		x := float32(-104 + 193*r.Float64())
		got, want := exp32(x), float32(math.Exp(float64(x)))
		if got != want {
			diff++
			if d := math.Abs(float64(got) - float64(want)); d > float64(math.Nextafter32(want, float32(math.Inf(1)))-want) {
				t.Fatalf("exp32(%v) = %v, e^x in float32 %v: more than an ulp apart", x, got, want)
			}
		}
	}
	if diff > 10 {
		t.Errorf("exp32 differs from float32(math.Exp) at %d of %d points, want ≤ 10", diff, n)
	}
	for _, c := range []struct {
		x    float32
		want func(float32) bool
	}{
		{0, func(v float32) bool { return v == 1 }},
		{-104, func(v float32) bool { return v == 0 }},
		{-103.9, func(v float32) bool { return v >= 0x1p-149 }},
		{-200, func(v float32) bool { return v == 0 }},
		{float32(math.Inf(-1)), func(v float32) bool { return v == 0 }},
		{88.7, func(v float32) bool { return v < math.MaxFloat32 }},
		{89, func(v float32) bool { return math.IsInf(float64(v), 1) }},
		{float32(math.NaN()), func(v float32) bool { return v != v }},
	} {
		if v := exp32(c.x); !c.want(v) {
			t.Errorf("exp32(%v) = %v", c.x, v)
		}
	}
}
