package nn

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestPropertyHiddenPermutation: permuting the hidden units of a layer
// (rows of W_l and b_l, columns of W_{l+1}) leaves the logits unchanged
// up to rounding, for every activation.
func TestPropertyHiddenPermutation(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	for _, act := range []Activation{ReLU, GELU, Tanh, Identity} {
		net := NewMLP([]int{5, 7, 4}, act, true, uint64(act)+1)
		data := randomData(20, 5, 4, false, 3)
		before := net.Predict(data.X)
		perm := rng.Perm(7)
		p := net.Clone()
		L0, L1 := net.Layers[0], net.Layers[1]
		for i, j := range perm {
			copy(p.Layers[0].W[i*5:(i+1)*5], L0.W[j*5:(j+1)*5])
			p.Layers[0].B[i] = L0.B[j]
			for o := 0; o < 4; o++ {
				p.Layers[1].W[o*7+i] = L1.W[o*7+j]
			}
		}
		after := p.Predict(data.X)
		for i := 0; i < 20; i++ {
			for o := 0; o < 4; o++ {
				if d := math.Abs(after.At(i, o) - before.At(i, o)); d > 1e-12 {
					t.Fatalf("%v: logit (%d, %d) moved by %g", act, i, o, d)
				}
			}
		}
	}
}

// TestPropertySoftmaxSums: softmax (both precisions) and StableMax of
// random logits are distributions: non-negative, summing to 1 within the
// precision's rounding.
func TestPropertySoftmaxSums(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 8))
	for trial := 0; trial < 200; trial++ {
		z := make([]float64, 1+rng.IntN(30))
		scale := math.Pow(10, 4*rng.Float64()-1)
		for i := range z {
			z[i] = scale * rng.NormFloat64()
		}
		for _, c := range []struct {
			name string
			p    []float64
			tol  float64
		}{
			{"softmax64", Softmax(z, Float64), 1e-14},
			{"softmax32", Softmax(z, Float32), 1e-5},
			{"stablemax", StableMax(z), 1e-14},
		} {
			var s float64
			for _, v := range c.p {
				if v < 0 || math.IsNaN(v) {
					t.Fatalf("%s(%v) has %g", c.name, z, v)
				}
				s += v
			}
			if math.Abs(s-1) > c.tol {
				t.Errorf("%s sums to %g", c.name, s)
			}
		}
	}
}

// TestPropertyObjectiveRowOrder: the loss does not depend on the order of
// the samples (beyond summation rounding), and Metrics' accuracy is the
// fraction of argmax hits computed from Predict.
func TestPropertyObjectiveRowOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 1))
	net := NewMLP([]int{6, 10, 5}, GELU, true, 2)
	data := randomData(300, 6, 5, false, 5)
	m := Evaluate(net, data, StableMaxCE, Float64)
	shuffled := data.Subset(rng.Perm(300))
	ms := Evaluate(net, shuffled, StableMaxCE, Float64)
	if math.Abs(m.Loss-ms.Loss) > 1e-13 || m.Accuracy != ms.Accuracy {
		t.Errorf("loss %g vs %g, accuracy %g vs %g", m.Loss, ms.Loss, m.Accuracy, ms.Accuracy)
	}
	z := net.Predict(data.X)
	hits := 0
	for i := 0; i < 300; i++ {
		if argmax(z.RawRowView(i)) == data.Labels[i] {
			hits++
		}
	}
	if m.Accuracy != float64(hits)/300 {
		t.Errorf("accuracy %g, Predict gives %g", m.Accuracy, float64(hits)/300)
	}
}

// TestPropertyOpsIdentities: interpolation ends, soups of one network,
// pruning at density 1.
func TestPropertyOpsIdentities(t *testing.T) {
	net := NewMLP([]int{4, 6, 3}, ReLU, true, 1)
	other := NewMLP([]int{4, 6, 3}, ReLU, true, 2)
	a := Interpolate(nil, net.Params, other.Params, 1)
	b := Interpolate(nil, net.Params, other.Params, 0)
	for i := range a {
		if a[i] != net.Params[i] || b[i] != other.Params[i] {
			t.Fatal("Interpolate's ends are not θ_A and θ_B")
		}
	}
	s := UniformSoup(net, [][]float64{net.Params, net.Params, net.Params})
	for i := range s {
		if math.Abs(s[i]-net.Params[i]) > 1e-16*math.Abs(net.Params[i])*4 {
			t.Fatalf("soup of one network differs at %d: %g vs %g", i, s[i], net.Params[i])
		}
	}
	p := net.Clone()
	PruneGlobal(p, 1)
	if p.Density(-1) != 1 {
		t.Errorf("pruning at density 1 left %g", p.Density(-1))
	}
	for i := range p.Params {
		if p.Params[i] != net.Params[i] {
			t.Fatal("pruning at density 1 changed a parameter")
		}
	}
}
