package nn

import (
	"fmt"
	"math"
	"runtime"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestGradientsFloat32 checks the backward pass in float32
// (Settings.Compute) for every activation, loss, mask and bias
// configuration of gradConfigs against central
// differences of the float64 loss at the same (float32) parameters:
// |fd − g| ≤ 1e-4·max(1, |fd|), h = 1e-5 — float32's rounding (2^−24 ≈
// 6e-8 per operation, over sums of at most a few dozen terms here) with
// a wide margin, while a wrong formula is off by far more. Masked weights
// must have exactly zero gradient. The loss is computed in both
// Precisions.
func TestGradientsFloat32(t *testing.T) {
	const h = 1e-5
	worst := 0.0
	gradConfigs(func(name string, net *MLP, data *Dataset, loss LossKind) {
		for i, v := range net.Params {
			net.Params[i] = float64(float32(v))
		}
		o := NewObjective(net, data, loss, Float64)
		p := append([]float64(nil), net.Params...)
		for _, prec := range []Precision{Float64, Float32} {
			c := (&Settings{Loss: loss, Precision: prec, Compute: Float32, BatchSize: 9}).withDefaults(9)
			tr := newTrainer(net, data, &c)
			if _, err := tr.e32.gradient(tr, seq(0, 9)); err != nil {
				t.Fatal(err)
			}
			for i, g := range tr.e32.grad {
				if isMasked(net, i) {
					if g != 0 {
						t.Errorf("%s/%v: masked parameter %d has gradient %g", name, prec, i, g)
					}
					continue
				}
				fd := centralDiff(o, p, i, h)
				err := math.Abs(fd-float64(g)) / math.Max(1, math.Abs(fd))
				worst = math.Max(worst, err)
				if err > 1e-4 {
					t.Errorf("%s/%v: parameter %d: backward in float32 %.8g, central difference %.8g", name, prec, i, g, fd)
				}
			}
		}
	})
	t.Logf("largest relative difference: %.3g", worst)
}

// TestTrainFloat32 checks Settings.Compute = Float32: the trained
// parameters are float32 numbers; training is bit-identical under
// GOMAXPROCS 1 and 2 (layers large enough for the kernels to split);
// the first steps follow float64 training to float32's precision (the
// parameters after 5 SGD steps within 1e-5 of float64's, relative to
// the largest); the loss goes down over 200 steps; an update that
// overflows float32 (LR 1e300, +Inf in float32) stops training at step 1
// with Failed, an error naming the parameter, and the parameters as they
// were.
func TestTrainFloat32(t *testing.T) {
	data := GaussianMixture(10, 32, 600, 4, 1)
	run := func(procs int, compute Precision, steps int, lr float64) (*MLP, *Result, error) {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		net := NewMLP([]int{32, 256, 256, 10}, ReLU, true, 3)
		RandomMasks(net, ERKDensities(net.Sizes, 0.5), 4)
		for i, v := range net.Params {
			net.Params[i] = float64(float32(v))
		}
		r, err := Train(net, data, &Settings{Compute: compute, Optimizer: SGD, LR: lr, Momentum: 0.9, BatchSize: 256, MaxIter: steps, Seed: 5, EvalEvery: -1})
		return net, r, err
	}
	n1, r1, err := run(1, Float32, 8, 0.05)
	if err != nil {
		t.Fatal(err)
	}
	n2, r2, _ := run(2, Float32, 8, 0.05)
	for i, v := range n1.Params {
		if float64(float32(v)) != v {
			t.Fatalf("parameter %d = %v is not a float32", i, v)
		}
		if math.Float64bits(v) != math.Float64bits(n2.Params[i]) {
			t.Fatalf("GOMAXPROCS 2: parameter %d = %v, with 1: %v", i, n2.Params[i], v)
		}
	}
	for i, l := range r1.History {
		if math.Float64bits(l) != math.Float64bits(r2.History[i]) {
			t.Fatalf("GOMAXPROCS 2: loss of step %d = %v, with 1: %v", i, r2.History[i], l)
		}
	}
	a, _, _ := run(1, Float32, 5, 0.05)
	b, _, _ := run(1, Float64, 5, 0.05)
	scale, diff := 0.0, 0.0
	for i, v := range b.Params {
		scale = math.Max(scale, math.Abs(v))
		diff = math.Max(diff, math.Abs(a.Params[i]-v))
	}
	if diff > 1e-5*scale {
		t.Errorf("after 5 steps float32 and float64 parameters differ by %g (largest %g)", diff, scale)
	}
	_, r, err := run(1, Float32, 200, 0.05)
	if err != nil || r.History[len(r.History)-1] > 0.5*r.History[0] {
		t.Errorf("200 steps: loss %g → %g, %v; want halved", r.History[0], r.History[len(r.History)-1], err)
	}
	net, r, err := run(1, Float32, 3, 1e300)
	if r.Status != Failed || err == nil || !strings.Contains(err.Error(), "step 1") || !strings.Contains(err.Error(), "parameter ") {
		t.Errorf("LR 1e300: %v, %v; want Failed at step 1 naming a parameter", r.Status, err)
	}
	init := NewMLP([]int{32, 256, 256, 10}, ReLU, true, 3)
	RandomMasks(init, ERKDensities(init.Sizes, 0.5), 4)
	for i, v := range init.Params {
		if want := float64(float32(v)); net.Params[i] != want {
			t.Fatalf("LR 1e300: parameter %d = %v after the failed step, want %v", i, net.Params[i], want)
		}
	}
}

// TestSpawnFloat32 checks that Spawn carries Settings.Compute = Float32
// through the spawn: two children with the same data-order seed end
// bit-identical, their parameters float32 numbers, and different from a
// child with another seed.
func TestSpawnFloat32(t *testing.T) {
	data := GaussianMixture(3, 4, 60, 3, 1)
	net := NewMLP([]int{4, 16, 3}, Tanh, true, 2)
	s := &Settings{Compute: Float32, Optimizer: Adam, LR: 0.01, BatchSize: 10, MaxIter: 12}
	a, b, err := Spawn(net, data, 4, 7, 7, s)
	if err != nil {
		t.Fatal(err)
	}
	c, _, err := Spawn(net.Clone(), data, 0, 8, 8, s)
	if err != nil {
		t.Fatal(err)
	}
	same := true
	for i, v := range a.Net.Params {
		if float64(float32(v)) != v || math.Float64bits(v) != math.Float64bits(b.Net.Params[i]) {
			t.Fatalf("parameter %d: child A %v, child B %v: want the same float32", i, v, b.Net.Params[i])
		}
		same = same && v == c.Net.Params[i]
	}
	if same {
		t.Error("a child with another data order ended with the same parameters")
	}
}

// TestComputeBadInput checks that an unknown Settings.Compute panics
// naming it.
func TestComputeBadInput(t *testing.T) {
	defer func() {
		if e := recover(); e == nil || !strings.Contains(fmt.Sprint(e), "Compute") {
			t.Errorf("Train with Compute 7: %v, want a panic naming Compute", e)
		}
	}()
	Train(NewMLP([]int{2, 2}, ReLU, true, 1), randomData(4, 2, 2, false, 1), &Settings{Compute: 7})
}

// TestSpawnAfterMaskFloat32 checks what PruneIterative relies on with
// Settings.Compute = Float32: a trainer that has run, whose network is
// then masked (SetMask zeroes weights), spawns a child whose float32
// parameters are the masked network's, masked weights zero.
func TestSpawnAfterMaskFloat32(t *testing.T) {
	data := GaussianMixture(3, 4, 60, 3, 1)
	net := NewMLP([]int{4, 8, 3}, ReLU, true, 2)
	c := (&Settings{Compute: Float32, BatchSize: 10, MaxIter: 5}).withDefaults(data.Len())
	tr := newTrainer(net, data, &c)
	if err := tr.run(&Result{Net: net}); err != nil {
		t.Fatal(err)
	}
	keep := make([]bool, 4*8)
	for i := range keep {
		keep[i] = i%3 != 0
	}
	net.SetMask(0, keep)
	want := append([]float64(nil), net.Params...)
	child := tr.spawn(&c, 1)
	for i, v := range child.e32.params {
		if float64(v) != want[i] {
			t.Fatalf("child parameter %d = %v, the masked network has %v", i, v, want[i])
		}
	}
}

// TestComputeFloat32Range checks the error of a step that fails only
// because Settings.Compute is Float32: a feature finite in float64 but
// beyond float32's range (1e39) is named as such, and hidden values that
// overflow float32 (1e30·1e30) and meet with both signs (Inf − Inf: NaN
// logits) are reported as leaving float32's range, not as a learning rate
// too large. In float64 both train.
func TestComputeFloat32Range(t *testing.T) {
	big := GaussianMixture(3, 2, 12, 1, 1)
	big.X.Set(4, 1, 1e39)
	inf := &Dataset{X: mat.NewDense(2, 2, []float64{1e30, 1e30, 1e30, 1e30}), Labels: []int{0, 1}, Classes: 2}
	infNet := func() *MLP {
		net := NewMLP([]int{2, 2, 2}, Identity, false, 1)
		copy(net.Layers[0].W, []float64{1e30, 1e30, 1e30, 1e30})
		copy(net.Layers[1].W, []float64{1, -1, 1, -1})
		return net
	}
	for _, c := range []struct {
		name string
		net  *MLP
		data *Dataset
		want string
	}{
		{"feature 1e39", NewMLP([]int{2, 4, 3}, ReLU, true, 1), big, "X[4,1] = 1e+39 is outside float32's range"},
		{"hidden Inf − Inf", infNet(), inf, "left float32's range, Settings.Compute"},
	} {
		for _, compute := range []Precision{Float64, Float32} {
			net := c.net.Clone()
			r, err := Train(net, c.data, &Settings{Compute: compute, MaxIter: 1, BatchSize: 12, LR: 1e-300})
			if compute == Float64 {
				if err != nil {
					t.Errorf("%s in float64: %v", c.name, err)
				}
				continue
			}
			if r.Status != Failed || err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("%s in float32: %v, %v; want Failed with %q", c.name, r.Status, err, c.want)
			}
		}
	}
}
