package nn

import (
	"math"
	"testing"
)

// TestERKDensities checks RigL's ERK rule: non-dense layers have density
// ε·(In+Out)/(In·Out) with one ε, the kept weights total density·N, and a
// layer whose density would exceed 1 is dense.
func TestERKDensities(t *testing.T) {
	for _, c := range []struct {
		sizes   []int
		density float64
	}{
		{[]int{784, 256, 256, 10}, 0.1},
		{[]int{784, 256, 256, 10}, 0.5},
		{[]int{100, 100}, 0.3},
		{[]int{20, 300, 300, 5}, 0.2},
	} {
		d := ERKDensities(c.sizes, c.density)
		var kept, total float64
		eps := math.NaN()
		for l := range d {
			in, out := float64(c.sizes[l]), float64(c.sizes[l+1])
			kept += d[l] * in * out
			total += in * out
			if d[l] > 1+1e-12 || d[l] <= 0 {
				t.Errorf("%v at %g: layer %d density %g", c.sizes, c.density, l, d[l])
			}
			if d[l] < 1 {
				e := d[l] / ((in + out) / (in * out))
				if !math.IsNaN(eps) && math.Abs(e-eps) > 1e-9*eps {
					t.Errorf("%v at %g: layer %d has ε %g, another %g", c.sizes, c.density, l, e, eps)
				}
				eps = e
			}
		}
		if math.Abs(kept-c.density*total) > 1e-6*total {
			t.Errorf("%v at %g: keeps %g of %g weights, want %g", c.sizes, c.density, kept, total, c.density*total)
		}
		t.Logf("ERK %v at %g: %.4f", c.sizes, c.density, d)
	}
	// The 256→10 output layer of a 784-256-256-10 network at density 0.5
	// would exceed 1 by the raw formula: it must be dense.
	if d := ERKDensities([]int{784, 256, 256, 10}, 0.5); d[2] != 1 {
		t.Errorf("output layer density %g, want 1 (dense)", d[2])
	}
	// Square layers: ERK gives every layer the same density.
	if d := ERKDensities([]int{50, 50, 50}, 0.3); math.Abs(d[0]-0.3) > 1e-12 || math.Abs(d[1]-0.3) > 1e-12 {
		t.Errorf("equal layers: %v, want 0.3 each", d)
	}
	if d := UniformDensities([]int{3, 4, 5}, 0.25); len(d) != 2 || d[0] != 0.25 || d[1] != 0.25 {
		t.Errorf("UniformDensities = %v", d)
	}
}

// TestRandomMasks: exact counts per layer, deterministic per seed,
// different across seeds, masked weights zero.
func TestRandomMasks(t *testing.T) {
	sizes := []int{30, 20, 10}
	d := []float64{0.3, 0.55}
	a := NewMLP(sizes, ReLU, true, 1)
	RandomMasks(a, d, 7)
	for l, L := range a.Layers {
		n := L.In * L.Out
		kept := 0
		for i, k := range L.Mask {
			if k {
				kept++
			} else if L.W[i] != 0 {
				t.Errorf("layer %d: masked weight %d = %g", l, i, L.W[i])
			}
		}
		if want := int(math.Round(d[l] * float64(n))); kept != want {
			t.Errorf("layer %d keeps %d, want %d", l, kept, want)
		}
	}
	b := NewMLP(sizes, ReLU, true, 1)
	RandomMasks(b, d, 7)
	c := NewMLP(sizes, ReLU, true, 1)
	RandomMasks(c, d, 8)
	same, diff := true, false
	for l := range a.Layers {
		for i := range a.Layers[l].Mask {
			same = same && a.Layers[l].Mask[i] == b.Layers[l].Mask[i]
			diff = diff || a.Layers[l].Mask[i] != c.Layers[l].Mask[i]
		}
	}
	if !same || !diff {
		t.Errorf("same seed same mask: %v; other seed other mask: %v", same, diff)
	}
	if got := a.Density(-1); math.Abs(got-(0.3*600+0.55*200)/800) > 1e-12 {
		t.Errorf("Density = %g", got)
	}
}

// TestPruning: magnitude pruning keeps the largest weights, globally or
// per layer, composes with an existing mask, and leaves biases alone.
func TestPruning(t *testing.T) {
	net := NewMLP([]int{4, 3, 2}, ReLU, true, 1)
	// weights 1..12 in layer 0 and 13..18 (negated) in layer 1, by index
	for i := range net.Layers[0].W {
		net.Layers[0].W[i] = float64(i + 1)
	}
	for i := range net.Layers[1].W {
		net.Layers[1].W[i] = -float64(13 + i)
	}
	bias := append([]float64(nil), net.Layers[0].B...)
	g := net.Clone()
	PruneGlobal(g, 0.5) // keep 9 of 18: |w| ≥ 10
	for l, L := range g.Layers {
		for i, w := range L.W {
			keep := math.Abs(w) >= 10
			if l == 0 && i+1 >= 10 || l == 1 {
				if !L.Mask[i] || w == 0 {
					t.Errorf("global: layer %d weight %d (%g) was pruned", l, i, w)
				}
			} else if L.Mask[i] || w != 0 || keep {
				t.Errorf("global: layer %d weight %d = %g kept", l, i, w)
			}
		}
	}
	if g.Layers[0].B[0] != bias[0] {
		t.Error("pruning changed a bias")
	}
	p := net.Clone()
	PruneLayerwise(p, []float64{0.25, 0.5}) // keep 3 of 12 and 3 of 6
	for i, k := range p.Layers[0].Mask {
		if k != (i >= 9) {
			t.Errorf("layerwise: layer 0 weight %d kept = %v", i, k)
		}
	}
	for i, k := range p.Layers[1].Mask {
		if k != (i >= 3) {
			t.Errorf("layerwise: layer 1 weight %d kept = %v", i, k)
		}
	}
	// Iterating: pruning again to a lower density keeps a subset.
	PruneLayerwise(p, []float64{0.1, 0.2})
	for i, k := range p.Layers[0].Mask {
		if k && i < 9 {
			t.Errorf("second pruning revived layer 0 weight %d", i)
		}
	}
	if math.Abs(p.Density(0)-1.0/12) > 1e-12 {
		t.Errorf("layer 0 density %g, want 1/12", p.Density(0))
	}
}
