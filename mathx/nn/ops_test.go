package nn

import (
	"math"
	"testing"
)

// TestBarrierDefinition checks Barrier against the LMC definition
// computed by hand from Objective at the same points, its ends, and that
// a path between a network and itself has no barrier.
func TestBarrierDefinition(t *testing.T) {
	data := GaussianMixture(3, 4, 120, 3, 1)
	a := NewMLP([]int{4, 16, 3}, ReLU, true, 1)
	b := NewMLP([]int{4, 16, 3}, ReLU, true, 2)
	for _, n := range []*MLP{a, b} {
		if _, err := Train(n, data, &Settings{MaxIter: 200, LR: 0.01}); err != nil {
			t.Fatal(err)
		}
	}
	p := Barrier(a, a.Params, b.Params, data, SoftmaxCE, Float64, 11)
	o := NewObjective(a, data, SoftmaxCE, Float64)
	lA, lB := o.Func(a.Params), o.Func(b.Params)
	if p.Loss[10] != lA || p.Loss[0] != lB {
		t.Errorf("ends %g, %g; want L(θ_A) = %g at α = 1 and L(θ_B) = %g at α = 0", p.Loss[10], p.Loss[0], lA, lB)
	}
	want := 0.0
	for i, alpha := range p.Alpha {
		l := o.Func(Interpolate(nil, a.Params, b.Params, alpha))
		if l != p.Loss[i] {
			t.Errorf("α = %g: loss %g, want %g", alpha, p.Loss[i], l)
		}
		want = math.Max(want, l-(alpha*lA+(1-alpha)*lB))
	}
	if p.LossBarrier != want {
		t.Errorf("barrier %g, want %g", p.LossBarrier, want)
	}
	t.Logf("barrier between two independently trained networks: loss %.3g, accuracy %.3g", p.LossBarrier, p.AccuracyBarrier)
	if self := Barrier(a, a.Params, a.Params, data, SoftmaxCE, Float64, 5); self.LossBarrier != 0 || self.AccuracyBarrier != 0 {
		t.Errorf("self barrier %g, %g", self.LossBarrier, self.AccuracyBarrier)
	}
	if got := Interpolate(nil, []float64{1, 2}, []float64{3, 6}, 0.25); got[0] != 2.5 || got[1] != 5 {
		t.Errorf("Interpolate = %v, want [2.5 5]", got)
	}
}

// TestSoups: the uniform soup is the mean and keeps the shared mask; the
// greedy soup leaves out an ingredient that hurts held-out accuracy and
// is no worse than its best ingredient there; ingredients that do not
// share the mask are refused.
func TestSoups(t *testing.T) {
	train := GaussianMixture(3, 6, 300, 3, 1)
	// held-out samples: the same means (same seed), other noise
	held := GaussianMixture(3, 6, 600, 3, 1).Subset(seq(300, 600))
	parent := NewMLP([]int{6, 32, 3}, ReLU, true, 1)
	RandomMasks(parent, ERKDensities(parent.Sizes, 0.5), 2)
	if _, err := Train(parent, train, &Settings{MaxIter: 200, LR: 0.01}); err != nil {
		t.Fatal(err)
	}
	var ingredients [][]float64
	for seed := uint64(0); seed < 3; seed++ {
		child := parent.Clone()
		if _, err := Train(child, train, &Settings{MaxIter: 100, LR: 0.003, Seed: seed}); err != nil {
			t.Fatal(err)
		}
		ingredients = append(ingredients, child.Params)
	}
	u := UniformSoup(parent, ingredients)
	for i := range u {
		want := (ingredients[0][i] + ingredients[1][i] + ingredients[2][i]) / 3
		if math.Abs(u[i]-want) > 1e-15 {
			t.Fatalf("soup[%d] = %g, want %g", i, u[i], want)
		}
		if isMasked(parent, i) && u[i] != 0 {
			t.Fatalf("soup nonzero at masked weight %d", i)
		}
	}
	// a useless ingredient: the parent's mask, random weights
	junk := NewMLP(parent.Sizes, ReLU, true, 99)
	for l := range junk.Layers {
		junk.SetMask(l, parent.Layers[l].Mask)
	}
	soup, used := GreedySoup(parent, append(ingredients, junk.Params), held, SoftmaxCE, Float64)
	for _, k := range used {
		if k == 3 {
			t.Errorf("greedy soup took the random network: %v", used)
		}
	}
	o := NewObjective(parent, held, SoftmaxCE, Float64)
	_, ms := o.eval(soup, nil)
	best := 0.0
	for _, p := range ingredients {
		_, m := o.eval(p, nil)
		best = math.Max(best, m.Accuracy)
	}
	if ms.Accuracy < best {
		t.Errorf("greedy soup accuracy %g below its best ingredient's %g", ms.Accuracy, best)
	}
	t.Logf("greedy soup of %v: held-out accuracy %.3f (best ingredient %.3f)", used, ms.Accuracy, best)
	defer func() {
		if recover() == nil {
			t.Error("a dense ingredient for a masked network was accepted")
		}
	}()
	UniformSoup(parent, [][]float64{NewMLP(parent.Sizes, ReLU, true, 5).Params})
}
