package nn

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"

	"github.com/gomx-dev/gomx/mathx/internal/mathxtest"
	"gonum.org/v1/gonum/mat"
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

// badinput runs f promptly (issue 18: within a second), failing the test
// on a panic.
func badinput(t *testing.T, name string, f func()) {
	t.Helper()
	if err := mathxtest.Promptly(t, name, f); err != nil {
		t.Errorf("%s: %v", name, err)
	}
}

func finite(x ...float64) bool {
	for _, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}

func hasNaN(x []float64) bool {
	for _, v := range x {
		if math.IsNaN(v) {
			return true
		}
	}
	return false
}

// TestPropertyBadInputSoftmax is issue 18's property test of Softmax (both
// precisions) and StableMax, and of the names of the enumerations: empty
// and one-element inputs, zeros, duplicated entries, −Inf entries (the
// finite limit: probability 0), scales 1e±300 (1e±30 in Float32) give
// the closed form; a NaN makes every entry NaN (never a finite
// distribution).
func TestPropertyBadInputSoftmax(t *testing.T) {
	inf := math.Inf(1)
	type fn struct {
		name string
		f    func([]float64) []float64
		big  float64 // a scale the precision holds
	}
	fns := []fn{
		{"Softmax/Float64", func(z []float64) []float64 { return Softmax(z, Float64) }, 1e300},
		{"Softmax/Float32", func(z []float64) []float64 { return Softmax(z, Float32) }, 1e30},
		{"StableMax", StableMax, 1e300},
	}
	for _, f := range fns {
		B := f.big
		cases := []struct {
			name string
			z    []float64
			want []float64
			tol  float64
		}{
			{"empty", []float64{}, []float64{}, 0},
			{"one", []float64{-3}, []float64{1}, 0},
			{"one huge", []float64{B}, []float64{1}, 0},
			{"zeros", make([]float64, 4), []float64{0.25, 0.25, 0.25, 0.25}, 0},
			{"duplicated", []float64{2, 2}, []float64{0.5, 0.5}, 0},
			{"-Inf", []float64{-inf, 1, -inf}, []float64{0, 1, 0}, 0},
			{"huge equal", []float64{B, B}, []float64{0.5, 0.5}, 0},
			{"-huge equal", []float64{-B, -B}, []float64{0.5, 0.5}, 1e-6},
			{"tiny", []float64{1 / B, -1 / B}, []float64{0.5, 0.5}, 1e-7},
			// The limits at +Inf and where Σ overflows (issue 18).
			{"+Inf", []float64{inf, 1}, []float64{1, 0}, 0},
			{"two +Inf", []float64{inf, -2, inf}, []float64{0.5, 0, 0.5}, 0},
			{"MaxFloat64 equal", []float64{math.MaxFloat64, math.MaxFloat64}, []float64{0.5, 0.5}, 0},
			{"beyond float32", []float64{1e300, 0}, []float64{1, 0}, 1e-15},
		}
		if f.name != "StableMax" {
			// softmax(B, 0) = (1, e^−B) = (1, 0); StableMax gives (1, 1/B²).
			cases = append(cases, struct {
				name string
				z    []float64
				want []float64
				tol  float64
			}{"huge spread", []float64{B, 0, -B}, []float64{1, 0, 0}, 0})
		}
		for _, c := range cases {
			name := f.name + "/" + c.name
			var p []float64
			badinput(t, name, func() { p = f.f(c.z) })
			if len(p) != len(c.want) {
				t.Errorf("%s: %v", name, p)
				continue
			}
			for j := range p {
				if !(math.Abs(p[j]-c.want[j]) <= c.tol) {
					t.Errorf("%s(%v) = %v, want %v", name, c.z, p, c.want)
					break
				}
			}
		}
		for _, z := range [][]float64{{math.NaN()}, {1, math.NaN(), 3}} {
			var p []float64
			badinput(t, f.name+"/NaN", func() { p = f.f(z) })
			for _, v := range p {
				if !math.IsNaN(v) {
					t.Errorf("%s(%v) = %v: want NaN everywhere", f.name, z, p)
					break
				}
			}
		}
	}
	for _, c := range []struct{ got, want string }{
		{ReLU.String(), "ReLU"}, {Activation(-1).String(), "Activation(-1)"},
		{StableMaxCE.String(), "StableMaxCE"}, {LossKind(7).String(), "LossKind(7)"},
		{Float32.String(), "Float32"}, {Precision(2).String(), "Precision(2)"},
		{AdamW.String(), "AdamW"}, {OptimizerKind(-2).String(), "OptimizerKind(-2)"},
	} {
		if c.got != c.want {
			t.Errorf("String() = %q, want %q", c.got, c.want)
		}
	}
}

// linearNet is the network x ↦ (x, −x, 0, …) (k outputs, one input, no
// hidden layer, no bias), whose logits are known exactly at any scale.
func linearNet(k int) *MLP {
	net := NewMLP([]int{1, k}, Identity, false, 1)
	clear(net.Params)
	net.Params[0] = 1
	if k > 1 {
		net.Params[1] = -1
	}
	return net
}

// column is the n×1 data set x with the given labels, k classes.
func column(x []float64, labels []int, k int) *Dataset {
	return &Dataset{X: mat.NewDense(len(x), 1, append([]float64(nil), x...)), Labels: labels, Classes: k}
}

// TestPropertyBadInputObjective: the losses through NewObjective's Loss,
// Func and Grad, Evaluate and MLP.Predict, on zero inputs (logits 0: the
// loss is log K for both cross-entropies, 1/K for SquaredError, the
// gradient zero but for the output layer's), one sample, one class (loss
// exactly 0), duplicated rows (the loss of the row), scales 1e±300 (the
// closed form of the linear network, the cross-entropy of (x, −x) being
// log(1 + e^{−2x}) for label 0, 2x for label 1); NaN or ±Inf in the
// input give a NaN or infinite loss, never a finite one.
func TestPropertyBadInputObjective(t *testing.T) {
	losses := []LossKind{SoftmaxCE, StableMaxCE, SquaredError}
	precs := []Precision{Float64, Float32}
	// Zero inputs, every activation, no biases: every logit is 0.
	for _, act := range []Activation{ReLU, GELU, Tanh, Identity} {
		net := NewMLP([]int{3, 5, 4}, act, false, 2)
		zero := &Dataset{X: mat.NewDense(6, 3, nil), Labels: []int{0, 1, 2, 3, 3, 1}, Classes: 4}
		for _, k := range losses {
			for _, p := range precs {
				name := fmt.Sprintf("zeros/%v/%v/%v", act, k, p)
				o := NewObjective(net, zero, k, p)
				grad := make([]float64, net.NumParams())
				var l, f float64
				var m Metrics
				badinput(t, name, func() {
					l = o.Loss(net.Params, grad)
					f = o.Func(net.Params)
					m = Evaluate(net, zero, k, p)
				})
				want := math.Log(4)
				if k == SquaredError {
					want = 0.25
				}
				if math.Abs(l-want) > 1e-6 || f != l || m.Loss != l {
					t.Errorf("%s: Loss %g, Func %g, Evaluate %g; want %g", name, l, f, m.Loss, want)
				}
				for i, g := range grad {
					if g != 0 {
						t.Errorf("%s: gradient %d = %g, want 0 (inputs zero, no biases)", name, i, g)
						break
					}
				}
				if m.Accuracy != 2.0/6 { // ties go to class 0: the label-0 row and …
					// argmax of equal logits is class 0: one label 0 of 6.
					if m.Accuracy != 1.0/6 {
						t.Errorf("%s: accuracy %g, want 1/6 (ties to class 0)", name, m.Accuracy)
					}
				}
			}
		}
	}
	// One class: softmax and StableMax are exactly 1, the loss exactly 0.
	one := NewMLP([]int{2, 3, 1}, Tanh, true, 3)
	single := &Dataset{X: mat.NewDense(1, 2, []float64{0.5, -2}), Labels: []int{0}, Classes: 1}
	for _, k := range []LossKind{SoftmaxCE, StableMaxCE} {
		for _, p := range precs {
			name := fmt.Sprintf("one class/%v/%v", k, p)
			var m Metrics
			grad := make([]float64, one.NumParams())
			badinput(t, name, func() {
				m = Evaluate(one, single, k, p)
				NewObjective(one, single, k, p).Grad(grad, one.Params)
			})
			if m.Loss != 0 || m.Accuracy != 1 || m.ZeroLoss != 1 || m.ZeroGrad != 1 {
				t.Errorf("%s: %+v, want loss 0, accuracy, ZeroLoss and ZeroGrad 1", name, m)
			}
			for _, g := range grad {
				if g != 0 {
					t.Errorf("%s: gradient %v, want 0", name, grad)
					break
				}
			}
		}
	}
	// Duplicated rows: the mean loss of copies of a row is its loss.
	net := NewMLP([]int{4, 6, 3}, GELU, true, 4)
	base := randomData(5, 4, 3, true, 9)
	dup := base.Subset([]int{2, 2, 2, 2, 2, 2, 2})
	row := base.Subset([]int{2})
	for _, k := range losses {
		for _, p := range precs {
			name := fmt.Sprintf("duplicated/%v/%v", k, p)
			var ld, lr float64
			gd, gr := make([]float64, net.NumParams()), make([]float64, net.NumParams())
			badinput(t, name, func() {
				ld = NewObjective(net, dup, k, p).Loss(net.Params, gd)
				lr = NewObjective(net, row, k, p).Loss(net.Params, gr)
			})
			if math.Abs(ld-lr) > 1e-6*math.Abs(lr) {
				t.Errorf("%s: loss %g, the row's %g", name, ld, lr)
			}
			for i := range gd {
				if math.Abs(gd[i]-gr[i]) > 1e-6*(1+math.Abs(gr[i])) {
					t.Errorf("%s: gradient %d = %g, the row's %g", name, i, gd[i], gr[i])
					break
				}
			}
		}
	}
	// Extreme scales through the linear network: logits (x, −x).
	lin := linearNet(2)
	for _, x := range []float64{1e300, -1e300, 1e-300, 0, 5e-324} {
		d := column([]float64{x, x}, []int{0, 1}, 2)
		name := fmt.Sprintf("scale %g", x)
		var z *mat.Dense
		var m Metrics
		badinput(t, name, func() {
			z = lin.Predict(d.X)
			m = Evaluate(lin, d, SoftmaxCE, Float64)
		})
		if z.At(0, 0) != x || z.At(0, 1) != -x || z.At(1, 0) != x {
			t.Errorf("%s: Predict %v, want (x, −x)", name, z.RawMatrix().Data)
		}
		// label 0: log(1+e^{−2x}); label 1: log(1+e^{2x}).
		l0 := math.Max(0, -2*x) + math.Log1p(math.Exp(-math.Abs(2*x)))
		l1 := math.Max(0, 2*x) + math.Log1p(math.Exp(-math.Abs(2*x)))
		if want := (l0 + l1) / 2; math.Abs(m.Loss-want) > 1e-15*want {
			t.Errorf("%s: SoftmaxCE %g, want %g", name, m.Loss, want)
		}
		if m.Accuracy != 0.5 {
			t.Errorf("%s: accuracy %g, want 0.5", name, m.Accuracy)
		}
	}
	// A square loss beyond float64 is +Inf, the rounding of its value.
	if l := Evaluate(lin, column([]float64{1e300}, []int{0}, 2), SquaredError, Float64).Loss; !math.IsInf(l, 1) {
		t.Errorf("SquaredError of logits ±1e300: %g, want +Inf", l)
	}
	// NaN and ±Inf in the data: the loss is not finite, nor Predict.
	net = NewMLP([]int{3, 4, 2}, ReLU, true, 5)
	for _, v := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		d := randomData(4, 3, 2, false, 2)
		d.X.Set(1, 2, v)
		for _, k := range losses {
			for _, p := range precs {
				name := fmt.Sprintf("X[1,2] = %g/%v/%v", v, k, p)
				var l float64
				var z *mat.Dense
				grad := make([]float64, net.NumParams())
				badinput(t, name, func() {
					o := NewObjective(net, d, k, p)
					l = o.Loss(net.Params, grad)
					z = net.Predict(d.X)
				})
				if finite(l) && finite(grad...) {
					t.Errorf("%s: finite loss %g and gradient", name, l)
				}
				if math.IsNaN(v) && !hasNaN(z.RawRowView(1)) {
					t.Errorf("%s: logits %v", name, z.RawRowView(1))
				}
			}
		}
	}
}

// trainCase is a call of Train on bad input and what it must give.
type trainCase struct {
	name   string
	net    *MLP
	data   *Dataset
	s      Settings
	failed string // Failed with an error containing this; "" → not Failed
	either bool   // Failed naming failed, or a finite result
	check  func(r *Result) string
}

// TestPropertyBadInputTrain: Train and its optimisers on NaN or ±Inf in
// the inputs, targets or Settings.Test (Failed naming the entry before
// the first step, the parameters as before; through tanh too), one
// sample, duplicated rows with conflicting labels (the loss stays
// ≥ log 2, so never Converged), zero inputs without biases (the gradient
// is zero: every loss log 2, never Converged), inputs at scales 1e±300
// (through tanh; SGD through linear layers diverges: Failed), learning
// rate 1e-300, learning rate 1e300 for Adam and AdamW (Failed when the
// logits overflow; in Float32 the error says they left float32's range)
// and a canceled context (Canceled, no step), for every optimiser, both
// precisions and both Settings.Compute (in Float32, inputs 1e300 are
// beyond float32's range: Failed naming the entry; a failed first step
// leaves the parameters as they were, not rounded to float32). Whatever
// the status, the parameters and losses are finite, and Converged only
// when a batch's loss reached Tol.
func TestPropertyBadInputTrain(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	withX := func(i, j int, v float64) *Dataset {
		d := randomData(8, 3, 2, false, 4)
		d.X.Set(i, j, v)
		return d
	}
	withT := func(i, j int, v float64) *Dataset {
		d := randomData(8, 3, 2, true, 4)
		d.Targets.Set(i, j, v)
		return d
	}
	scaled := func(f float64) *Dataset {
		d := randomData(16, 3, 2, false, 6)
		d.X.Scale(f, d.X)
		return d
	}
	conflicting := &Dataset{X: mat.NewDense(4, 3, []float64{1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3}), Labels: []int{0, 1, 0, 1}, Classes: 2}
	zero := &Dataset{X: mat.NewDense(5, 3, nil), Labels: []int{0, 1, 1, 0, 1}, Classes: 2}
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	net := func(act Activation, bias bool) *MLP { return NewMLP([]int{3, 5, 2}, act, bias, 3) }
	var cases []trainCase
	for _, opt := range []OptimizerKind{Adam, AdamW, SGD} {
		for _, prec := range []Precision{Float64, Float32} {
			for _, compute := range []Precision{Float64, Float32} {
				s := Settings{Optimizer: opt, Precision: prec, Compute: compute, MaxIter: 30, BatchSize: 4, Seed: 2}
				with := func(f func(*Settings)) Settings { c := s; f(&c); return c }
				sq := with(func(c *Settings) { c.Loss = SquaredError })
				diverged, huge := "diverged", ""
				if prec == Float32 && compute == Float64 {
					diverged = "left float32's range" // the logits, not the learning rate
				}
				if compute == Float32 {
					huge = "outside float32's range" // inputs 1e300
				}
				cases = append(cases,
					trainCase{name: "NaN in X", net: net(ReLU, true), data: withX(5, 1, nan), s: s, failed: "X[5,1] = NaN"},
					trainCase{name: "+Inf in X", net: net(Identity, true), data: withX(0, 2, inf), s: s, failed: "X[0,2] = +Inf"},
					// Through tanh too: the data are checked before the first step.
					trainCase{name: "+Inf in X, tanh", net: net(Tanh, true), data: withX(0, 2, inf), s: s, failed: "X[0,2] = +Inf"},
					trainCase{name: "NaN in Test", net: net(ReLU, true), data: randomData(8, 3, 2, false, 3),
						s: with(func(c *Settings) { c.Test = withX(0, 0, nan) }), failed: "Settings.Test: X[0,0] = NaN"},
					trainCase{name: "-Inf in X", net: net(Identity, true), data: withX(7, 0, -inf), s: s, failed: "X[7,0] = -Inf"},
					trainCase{name: "NaN target", net: net(GELU, true), data: withT(3, 1, nan), s: sq, failed: "Targets[3,1] = NaN"},
					trainCase{name: "-Inf target", net: net(GELU, false), data: withT(6, 0, -inf), s: sq, failed: "Targets[6,0] = -Inf"},
					trainCase{name: "one sample", net: net(ReLU, true), data: randomData(1, 3, 2, false, 1), s: s},
					trainCase{name: "one sample, SquaredError", net: net(Tanh, false), data: randomData(1, 3, 2, true, 1), s: sq},
					trainCase{name: "conflicting duplicates", net: net(GELU, true), data: conflicting,
						s: with(func(c *Settings) { c.Tol = 1e-3; c.LR = 0.05 }),
						check: func(r *Result) string {
							for _, l := range r.History {
								if l < math.Log(2)-1e-6 {
									return fmt.Sprintf("batch loss %g below log 2", l)
								}
							}
							return ""
						}},
					trainCase{name: "zero inputs, no biases", net: net(ReLU, false), data: zero,
						s: with(func(c *Settings) { c.Tol = 0.5; c.OrthoGrad = true }),
						check: func(r *Result) string {
							for _, l := range r.History {
								if math.Abs(l-math.Log(2)) > 1e-6 {
									return fmt.Sprintf("batch loss %g, want log 2", l)
								}
							}
							return ""
						}},
					trainCase{name: "inputs 1e-300", net: net(GELU, true), data: scaled(1e-300), s: s},
					trainCase{name: "inputs 1e300, saturating", net: net(Tanh, true), data: scaled(1e300), s: s, failed: huge},
					trainCase{name: "LR 1e-300", net: net(Tanh, true), data: scaled(1), s: with(func(c *Settings) { c.LR = 1e-300 })},
					trainCase{name: "canceled", net: net(ReLU, true), data: scaled(1), s: with(func(c *Settings) { c.Context = canceled }),
						check: func(r *Result) string {
							if r.Status != Canceled || r.Iterations != 0 {
								return fmt.Sprintf("%v after %d steps, want Canceled after 0", r.Status, r.Iterations)
							}
							return ""
						}},
				)
				if opt != SGD {
					// Adam's steps are about LR: the parameters stay finite
					// for 30 steps, the logits may not (Float32).
					cases = append(cases, trainCase{name: "LR 1e300", net: net(Tanh, true), data: scaled(1), s: with(func(c *Settings) { c.LR = 1e300; c.WeightDecay = 1e-300 }), failed: diverged, either: true})
				}
				if opt == SGD {
					// SGD's step is LR·g: from inputs 1e300 through linear
					// layers the parameters overflow at the next step.
					cases = append(cases, trainCase{name: "inputs 1e300, linear", net: net(Identity, false), data: scaled(1e300), s: s, failed: cmp.Or(huge, diverged)})
				}
			}
		}
	}
	for _, c := range cases {
		name := fmt.Sprintf("%s/%v/%v/Compute %v", c.name, c.s.Optimizer, c.s.Precision, c.s.Compute)
		before := append([]float64(nil), c.net.Params...)
		var r *Result
		var err error
		badinput(t, name, func() { r, err = Train(c.net, c.data, &c.s) })
		if r == nil {
			continue
		}
		if !finite(c.net.Params...) {
			t.Errorf("%s: %v with non-finite parameters", name, r.Status)
		}
		if c.failed != "" && (!c.either || r.Status == Failed) {
			if r.Status != Failed || err == nil || !strings.Contains(err.Error(), c.failed) {
				t.Errorf("%s: %v, %v; want Failed naming %q", name, r.Status, err, c.failed)
			}
			if r.Iterations == 0 {
				for i := range before {
					if c.net.Params[i] != before[i] {
						t.Errorf("%s: Failed at the first step changed parameter %d", name, i)
						break
					}
				}
			}
			continue
		}
		if r.Status == Failed || err != nil {
			t.Errorf("%s: %v, %v", name, r.Status, err)
			continue
		}
		if r.Status == Converged && !(c.s.Tol > 0 && r.History[len(r.History)-1] <= c.s.Tol) {
			t.Errorf("%s: Converged with last loss %g, Tol %g", name, r.History[len(r.History)-1], c.s.Tol)
		}
		if !finite(r.History...) {
			t.Errorf("%s: %v with losses %v", name, r.Status, r.History)
		}
		if c.check != nil {
			if msg := c.check(r); msg != "" {
				t.Errorf("%s: %v: %s", name, r.Status, msg)
			}
		}
	}
}

// TestPropertyBadInputOptimizer: the first step of each optimiser against
// its closed form at gradients 0, ±1e-300, 1, ±1e100, ±1e300 and
// MaxFloat64 (Adam and AdamW: Δθ = −LR·g/(|g|+Eps); SGD: −LR·g); Steps counts; ⊥Grad
// (OrthoGrad) on empty, one-entry, zero, orthogonal and parallel-by-
// construction tensors, and at θ scales 1e±300, against g⊥ = g −
// (θᵀg/(θᵀθ+1e-30))θ rescaled to ‖g‖.
func TestPropertyBadInputOptimizer(t *testing.T) {
	for _, k := range []OptimizerKind{Adam, AdamW, SGD} {
		// Adam and AdamW at 1e300 and MaxFloat64: g² overflows (issue 18).
		gs := []float64{0, 1e-300, -1e-300, 1, 1e100, -1e100, 1e300, -1e300, math.MaxFloat64}
		net := NewMLP([]int{2, 4}, ReLU, true, 1)
		o := NewOptimizer(net, OptimizerSettings{Kind: k})
		before := append([]float64(nil), net.Params...)
		grad := make([]float64, net.NumParams())
		copy(grad, gs)
		name := fmt.Sprintf("%v first step", k)
		badinput(t, name, func() { o.Step(grad) })
		if o.Steps() != 1 {
			t.Errorf("%s: Steps() = %d", name, o.Steps())
		}
		for i, g := range gs {
			want := -o.S.LR * g
			if k != SGD {
				want = -o.S.LR * g / (math.Abs(g) + o.S.Eps)
			}
			if d := net.Params[i] - before[i]; math.Abs(d-want) > 1e-12*math.Abs(want)+1e-16*math.Abs(before[i]) {
				t.Errorf("%s: gradient %g moved the parameter by %g, want %g", name, g, d, want)
			}
		}
	}
	norm := func(x []float64) float64 {
		var s float64
		for _, v := range x {
			s += v * v
		}
		return math.Sqrt(s)
	}
	cases := []struct {
		name     string
		theta, g []float64
		want     []float64
		tol      float64
	}{
		{"empty", []float64{}, []float64{}, []float64{}, 0},
		{"one entry", []float64{7}, []float64{3}, []float64{0}, 0},
		{"θ = 0", []float64{0, 0, 0}, []float64{1, -2, 3}, []float64{1, -2, 3}, 1e-15},
		{"g = 0", []float64{1, 2, 3}, []float64{0, 0, 0}, []float64{0, 0, 0}, 0},
		{"orthogonal", []float64{1, 0, 0}, []float64{0, 2, 0}, []float64{0, 2, 0}, 0},
		{"parallel, exact", []float64{1, 2, 3}, []float64{2, 4, 6}, []float64{0, 0, 0}, 0},
		{"θ 1e-300", []float64{1e-300, 0}, []float64{1, 1}, []float64{1, 1}, 1e-15}, // θᵀθ ≪ 1e-30: g unchanged
		{"θ 1e100", []float64{1e100, 0}, []float64{1, 1}, []float64{0, math.Sqrt2}, 1e-15},
		{"g 1e100", []float64{1, 0}, []float64{1e100, 1e100}, []float64{0, math.Sqrt2 * 1e100}, 1e85},
		{"duplicated", []float64{1, 1}, []float64{1, 3}, []float64{-math.Sqrt(5), math.Sqrt(5)}, 1e-15},
		// Scales where θᵀθ or ‖g‖² overflow, and g ∥ θ up to rounding:
		// no step rather than noise rescaled to ‖g‖ (issue 18).
		{"θ 1e300", []float64{1e300, 0}, []float64{1, 1}, []float64{0, math.Sqrt2}, 1e-15},
		{"g 1e300", []float64{1, 0}, []float64{1e300, 1e300}, []float64{0, math.Sqrt2 * 1e300}, 1e285},
		{"θ, g 1e-300", []float64{1e-300, 0}, []float64{1e-300, 1e-300}, []float64{0, 0}, 1e-315}, // ‖g⊥‖ ≪ 1e-30: g·‖g‖/1e-30 underflows
		{"parallel, rounded", []float64{0.1, 0.2, 0.3}, []float64{0.3, 0.6, 0.9}, []float64{0, 0, 0}, 0},
		{"parallel 1e300", []float64{1e300, 2e300}, []float64{3e300, 6e300}, []float64{0, 0}, 0},
	}
	for _, c := range cases {
		g := append([]float64(nil), c.g...)
		badinput(t, "OrthoGrad/"+c.name, func() { OrthoGrad(c.theta, g) })
		for i := range g {
			if !(math.Abs(g[i]-c.want[i]) <= c.tol) {
				t.Errorf("OrthoGrad/%s: %v, want %v", c.name, g, c.want)
				break
			}
		}
		if n, want := norm(g), norm(c.want); math.Abs(n-want) > 1e-15*want+c.tol {
			t.Errorf("OrthoGrad/%s: ‖g‖ %g, want %g", c.name, n, want)
		}
	}
	g := []float64{1, math.NaN(), 2}
	badinput(t, "OrthoGrad/NaN", func() { OrthoGrad([]float64{1, 2, 3}, g) })
	if !hasNaN(g) {
		t.Errorf("OrthoGrad with a NaN gradient entry: %v", g)
	}
}

// TestPropertyBadInputMasks: UniformDensities and ERKDensities at
// densities 1 and 1e-300, one layer and equal layers; RandomMasks,
// PruneGlobal and PruneLayerwise at density 1e-300 (one weight kept per
// layer, or in the network), on all-zero weights (ties to the lower
// position), NaN weights (pruned first) and ±Inf weights (kept first),
// on a network of one weight; the MLP's mask and parameter methods
// (SetMask, Density, SetParams, Clone, NumParams, Tensors) on those.
func TestPropertyBadInputMasks(t *testing.T) {
	for _, c := range []struct {
		name  string
		f     func() []float64
		want  []float64
		ratio bool // only the ratios of want hold
	}{
		{"Uniform one layer", func() []float64 { return UniformDensities([]int{3, 2}, 1e-300) }, []float64{1e-300}, false},
		{"Uniform 1", func() []float64 { return UniformDensities([]int{3, 4, 5}, 1) }, []float64{1, 1}, false},
		{"ERK 1", func() []float64 { return ERKDensities([]int{784, 30, 30, 10}, 1) }, []float64{1, 1, 1}, false},
		{"ERK one layer", func() []float64 { return ERKDensities([]int{7, 3}, 0.25) }, []float64{0.25}, false},
		{"ERK equal layers", func() []float64 { return ERKDensities([]int{9, 9, 9, 9}, 1e-300) }, []float64{1e-300, 1e-300, 1e-300}, false},
		{"ERK one weight", func() []float64 { return ERKDensities([]int{1, 1}, 1e-300) }, []float64{1e-300}, false},
	} {
		var d []float64
		badinput(t, c.name, func() { d = c.f() })
		if len(d) != len(c.want) {
			t.Errorf("%s: %v, want %v", c.name, d, c.want)
			continue
		}
		for i := range d {
			if math.Abs(d[i]-c.want[i]) > 1e-15*c.want[i] {
				t.Errorf("%s: %v, want %v", c.name, d, c.want)
				break
			}
		}
	}
	// ERK at a tiny density: every layer in (0, 1], the kept weights
	// density·N.
	sizes := []int{20, 10, 3}
	var d []float64
	badinput(t, "ERK tiny", func() { d = ERKDensities(sizes, 1e-300) })
	var kept float64
	for l, v := range d {
		if !(v > 0 && v <= 1) {
			t.Errorf("ERK tiny: %v", d)
		}
		kept += v * float64(sizes[l]*sizes[l+1])
	}
	if math.Abs(kept-1e-300*230) > 1e-12*1e-300*230 {
		t.Errorf("ERK tiny keeps %g weights, want %g", kept, 1e-300*230)
	}

	// Density 1e-300: one weight per layer, or one in the network.
	for _, name := range []string{"RandomMasks", "PruneLayerwise", "PruneGlobal"} {
		net := NewMLP([]int{4, 3, 2}, Tanh, true, 7)
		badinput(t, name, func() {
			switch name {
			case "RandomMasks":
				RandomMasks(net, []float64{1e-300, 1e-300}, 3)
			case "PruneLayerwise":
				PruneLayerwise(net, []float64{1e-300, 1e-300})
			default:
				PruneGlobal(net, 1e-300)
			}
		})
		want0, want1 := 1.0/12, 1.0/6
		if name == "PruneGlobal" {
			want0, want1 = 0, 0
			if net.Density(0) > 0 {
				want0 = 1.0 / 12
			} else {
				want1 = 1.0 / 6
			}
		}
		if net.Density(0) != want0 || net.Density(1) != want1 {
			t.Errorf("%s at 1e-300: densities %g, %g; want %g, %g", name, net.Density(0), net.Density(1), want0, want1)
		}
	}

	// Zero weights tie: the lowest positions are kept.
	net := NewMLP([]int{3, 2}, ReLU, false, 1)
	clear(net.Params)
	badinput(t, "PruneGlobal zeros", func() { PruneGlobal(net, 0.5) })
	for i, k := range net.Layers[0].Mask {
		if k != (i < 3) {
			t.Errorf("PruneGlobal of zeros keeps %v, want the first 3", net.Layers[0].Mask)
			break
		}
	}
	// NaN ranks last, ±Inf first, in both prunings.
	for _, global := range []bool{true, false} {
		net := NewMLP([]int{3, 2}, ReLU, true, 1)
		net.SetParams([]float64{math.NaN(), 0.1, math.Inf(-1), 0.2, 0.3, math.Inf(1), 0, 0})
		name := fmt.Sprintf("NaN and Inf weights, global %v", global)
		badinput(t, name, func() {
			if global {
				PruneGlobal(net, 0.5)
			} else {
				PruneLayerwise(net, []float64{0.5})
			}
		})
		want := []bool{false, false, true, false, true, true}
		for i, k := range net.Layers[0].Mask {
			if k != want[i] {
				t.Errorf("%s: mask %v, want %v", name, net.Layers[0].Mask, want)
				break
			}
		}
		if net.Params[0] != 0 || !math.IsInf(net.Params[5], 1) {
			t.Errorf("%s: parameters %v", name, net.Params)
		}
	}
	// One weight: nothing can be pruned.
	tiny := NewMLP([]int{1, 1}, ReLU, false, 1)
	badinput(t, "one weight", func() {
		PruneGlobal(tiny, 1e-300)
		PruneLayerwise(tiny, []float64{1e-300})
		RandomMasks(tiny, []float64{1e-300}, 1)
	})
	if tiny.Density(-1) != 1 || tiny.Params[0] == 0 {
		t.Errorf("network of one weight pruned to density %g, weight %g", tiny.Density(-1), tiny.Params[0])
	}

	// SetMask: all off, then dense again; SetParams keeps masked weights
	// zero even when given NaN; Clone is independent; NumParams and
	// Tensors of a one-layer network without biases, and with them.
	net = NewMLP([]int{2, 3, 1}, GELU, true, 2)
	badinput(t, "SetMask all off", func() { net.SetMask(0, make([]bool, 6)) })
	if net.Density(0) != 0 || net.Density(-1) != 3.0/9 {
		t.Errorf("all off: densities %g, %g", net.Density(0), net.Density(-1))
	}
	p := make([]float64, net.NumParams())
	for i := range p {
		p[i] = math.NaN()
	}
	badinput(t, "SetParams NaN", func() { net.SetParams(p) })
	for i := 0; i < 6; i++ {
		if net.Params[i] != 0 {
			t.Fatalf("SetParams wrote %g at masked weight %d", net.Params[i], i)
		}
	}
	c := net.Clone()
	c.SetMask(0, nil)
	c.Params[0] = 5
	if net.Layers[0].Mask == nil || net.Params[0] != 0 || c.Density(-1) != 1 || c.Layers[0].W[0] != 5 {
		t.Errorf("Clone shares state with its source")
	}
	for _, c := range []struct {
		net  *MLP
		want [][2]int
	}{
		{NewMLP([]int{1, 1}, ReLU, false, 1), [][2]int{{0, 1}}},
		{NewMLP([]int{2, 3, 1}, ReLU, true, 1), [][2]int{{0, 6}, {6, 9}, {9, 12}, {12, 13}}},
	} {
		got := c.net.Tensors()
		if fmt.Sprint(got) != fmt.Sprint(c.want) || c.net.NumParams() != c.want[len(c.want)-1][1] {
			t.Errorf("%v: Tensors %v, NumParams %d; want %v", c.net.Sizes, got, c.net.NumParams(), c.want)
		}
	}
}

// TestPropertyBadInputOps: Interpolate of empty vectors, at the ends, at
// scales 1e±300 and ±1e308 (no overflow), at α NaN (NaN); Barrier between
// a network and itself (0), on one sample, with points 2 (0), and with a
// NaN parameter (a NaN loss barrier, never a finite one); UniformSoup and
// GreedySoup of one ingredient (itself), of duplicates (itself, every
// ingredient used), at scale 1e300 (the mean), with a NaN entry (NaN
// there only), on held-out data of one sample.
func TestPropertyBadInputOps(t *testing.T) {
	var got []float64
	badinput(t, "Interpolate empty", func() { got = Interpolate(nil, []float64{}, []float64{}, 0.3) })
	if len(got) != 0 {
		t.Errorf("Interpolate of empty vectors: %v", got)
	}
	for _, c := range []struct {
		name  string
		a, b  []float64
		alpha float64
		want  []float64
	}{
		{"α = 1", []float64{1e300, -1e-300}, []float64{-1e300, 5}, 1, []float64{1e300, -1e-300}},
		{"α = 0", []float64{1e300, -1e-300}, []float64{-1e300, 5}, 0, []float64{-1e300, 5}},
		{"±1e308", []float64{1e308, 1.5e308}, []float64{-1e308, 1.5e308}, 0.5, []float64{0, 1.5e308}},
		{"1e-300", []float64{1e-300, 3e-300}, []float64{3e-300, 1e-300}, 0.5, []float64{2e-300, 2e-300}},
		{"duplicated", []float64{0.1, 0.1}, []float64{0.1, 0.1}, 0.3, []float64{0.1, 0.1}},
	} {
		dst := make([]float64, len(c.a))
		badinput(t, "Interpolate "+c.name, func() { got = Interpolate(dst, c.a, c.b, c.alpha) })
		for i := range got {
			if math.Abs(got[i]-c.want[i]) > 2.3e-16*math.Abs(c.want[i]) || &got[0] != &dst[0] {
				t.Errorf("Interpolate %s: %v, want %v in dst", c.name, got, c.want)
				break
			}
		}
	}
	badinput(t, "Interpolate α NaN", func() { got = Interpolate(nil, []float64{1, 2}, []float64{3, 4}, math.NaN()) })
	if !math.IsNaN(got[0]) || !math.IsNaN(got[1]) {
		t.Errorf("Interpolate at α NaN: %v", got)
	}

	net := NewMLP([]int{3, 4, 2}, ReLU, true, 1)
	other := NewMLP([]int{3, 4, 2}, ReLU, true, 2)
	data := randomData(10, 3, 2, false, 3)
	one := data.Subset([]int{4})
	for _, c := range []struct {
		name   string
		a, b   []float64
		data   *Dataset
		points int
		nan    bool
	}{
		{"itself", net.Params, net.Params, data, 9, false},
		{"one sample", net.Params, other.Params, one, 5, false},
		{"two points", net.Params, other.Params, data, 2, false},
		{"NaN parameter", append([]float64{math.NaN()}, net.Params[1:]...), other.Params, data, 3, true},
	} {
		for _, k := range []LossKind{SoftmaxCE, StableMaxCE, SquaredError} {
			name := fmt.Sprintf("Barrier %s/%v", c.name, k)
			var p *Path
			badinput(t, name, func() { p = Barrier(net, c.a, c.b, c.data, k, Float64, c.points) })
			if p == nil {
				continue
			}
			switch {
			case c.nan:
				if !math.IsNaN(p.LossBarrier) {
					t.Errorf("%s: loss barrier %g, want NaN", name, p.LossBarrier)
				}
			case len(p.Loss) != c.points || !finite(p.Loss...) || !(p.LossBarrier >= 0) || !(p.AccuracyBarrier >= 0):
				t.Errorf("%s: %+v", name, p)
			case (c.points == 2 || c.name == "itself") && (p.LossBarrier > 1e-15*p.Loss[0] || p.AccuracyBarrier > 1e-15):
				t.Errorf("%s: barriers %g, %g; want 0", name, p.LossBarrier, p.AccuracyBarrier)
			}
		}
	}

	// Soups.
	big := make([]float64, net.NumParams())
	bigger := make([]float64, net.NumParams())
	for i := range big {
		big[i], bigger[i] = 1e300, 3e300
	}
	withNaN := append([]float64(nil), net.Params...)
	withNaN[3] = math.NaN()
	for _, c := range []struct {
		name string
		ing  [][]float64
		want []float64
		nan  int // index of the NaN entry, or −1
	}{
		{"one", [][]float64{net.Params}, net.Params, -1},
		{"duplicated", [][]float64{net.Params, net.Params, net.Params}, net.Params, -1},
		{"1e300", [][]float64{big, bigger}, func() []float64 {
			w := make([]float64, len(big))
			for i := range w {
				w[i] = 2e300
			}
			return w
		}(), -1},
		{"NaN entry", [][]float64{withNaN, net.Params}, net.Params, 3},
	} {
		var s []float64
		badinput(t, "UniformSoup "+c.name, func() { s = UniformSoup(net, c.ing) })
		for i := range s {
			if i == c.nan {
				if !math.IsNaN(s[i]) {
					t.Errorf("UniformSoup %s: %g at the NaN entry", c.name, s[i])
				}
				continue
			}
			if math.Abs(s[i]-c.want[i]) > 4e-16*math.Abs(c.want[i]) {
				t.Errorf("UniformSoup %s: entry %d = %g, want %g", c.name, i, s[i], c.want[i])
				break
			}
		}
	}
	for _, c := range []struct {
		name string
		ing  [][]float64
		held *Dataset
		used int
	}{
		{"one", [][]float64{other.Params}, data, 1},
		{"duplicated", [][]float64{other.Params, other.Params, other.Params}, data, 3},
		{"one held-out sample", [][]float64{net.Params, other.Params}, one, 0},
	} {
		var s []float64
		var used []int
		badinput(t, "GreedySoup "+c.name, func() { s, used = GreedySoup(net, c.ing, c.held, SoftmaxCE, Float64) })
		if c.used > 0 && len(used) != c.used || len(used) == 0 || !finite(s...) {
			t.Errorf("GreedySoup %s: used %v, soup finite %v", c.name, used, finite(s...))
			continue
		}
		if c.used > 0 {
			for i := range s {
				if math.Abs(s[i]-other.Params[i]) > 4e-16*math.Abs(other.Params[i]) {
					t.Errorf("GreedySoup %s: entry %d = %g, want %g", c.name, i, s[i], other.Params[i])
					break
				}
			}
		}
	}
}

// TestPropertyBadInputData: the data sets at their smallest (ModularAddition
// with p = 2, GaussianMixture with one class, dimension and sample,
// OpposingSignals with two samples), their extreme parameters (sep 0 and
// 1e300, outlier fractions 0 and 1, signals 0 and 1e300), Subset with
// duplicated rows and Len; LoadIDX on empty input, no images, one 1×1
// image, truncated labels and a label count mismatch (an error, never a
// panic).
func TestPropertyBadInputData(t *testing.T) {
	var tr, te *Dataset
	badinput(t, "ModularAddition p = 2", func() { tr, te = ModularAddition(2, 0.5, 1) })
	if tr.Len() != 2 || te.Len() != 2 {
		t.Errorf("ModularAddition(2, 0.5): %d and %d samples", tr.Len(), te.Len())
	}
	for _, d := range []*Dataset{tr, te} {
		for i := 0; i < d.Len(); i++ {
			row := d.X.RawRowView(i)
			a, b := argmax(row[:2]), argmax(row[2:])
			if d.Labels[i] != (a+b)%2 || row[0]+row[1] != 1 || row[2]+row[3] != 1 {
				t.Errorf("ModularAddition(2): row %v, label %d", row, d.Labels[i])
			}
		}
	}
	for _, c := range []struct {
		name  string
		f     func() *Dataset
		n, d  int
		check func(*Dataset) bool
	}{
		{"GaussianMixture minimal", func() *Dataset { return GaussianMixture(1, 1, 1, 2, 1) }, 1, 1, nil},
		{"GaussianMixture sep 0", func() *Dataset { return GaussianMixture(3, 2, 30, 0, 1) }, 30, 2, nil},
		{"GaussianMixture sep 1e300", func() *Dataset { return GaussianMixture(2, 3, 4, 1e300, 1) }, 4, 3, func(d *Dataset) bool {
			// every row at distance 1e300 from the origin (the noise is lost)
			for i := 0; i < d.Len(); i++ {
				var ss float64
				for _, v := range d.X.RawRowView(i) {
					ss += (v / 1e300) * (v / 1e300)
				}
				if math.Abs(ss-1) > 1e-12 {
					return false
				}
			}
			return true
		}},
		{"OpposingSignals n = 2", func() *Dataset { return OpposingSignals(2, 0.5, 1, 3, 1) }, 2, 2, nil},
		{"OpposingSignals all outliers", func() *Dataset { return OpposingSignals(4, 1, 0, 1e300, 1) }, 4, 2, func(d *Dataset) bool {
			for i := 0; i < 4; i++ {
				if d.X.At(i, 1) != -float64(2*d.Labels[i]-1)*1e300 {
					return false
				}
			}
			return true
		}},
		{"OpposingSignals no outliers", func() *Dataset { return OpposingSignals(3, 0, 1e-300, 1e300, 1) }, 3, 2, func(d *Dataset) bool {
			for i := 0; i < 3; i++ {
				if d.X.At(i, 1) != float64(2*d.Labels[i]-1)*1e300 {
					return false
				}
			}
			return true
		}},
		{"Subset duplicated rows", func() *Dataset { return randomData(3, 2, 2, true, 1).Subset([]int{1, 1, 1, 1}) }, 4, 2, func(d *Dataset) bool {
			return fmt.Sprint(d.X.RawRowView(0), d.Targets.RawRowView(0)) == fmt.Sprint(d.X.RawRowView(3), d.Targets.RawRowView(3))
		}},
	} {
		var d *Dataset
		badinput(t, c.name, func() { d = c.f() })
		if d == nil {
			continue
		}
		n, dim := d.X.Dims()
		if d.Len() != c.n || n != c.n || dim != c.d || len(d.Labels) != c.n || !finite(d.X.RawMatrix().Data...) {
			t.Errorf("%s: %d×%d, %d labels, finite %v", c.name, n, dim, len(d.Labels), finite(d.X.RawMatrix().Data...))
			continue
		}
		for _, y := range d.Labels {
			if y < 0 || y >= d.Classes {
				t.Errorf("%s: label %d of %d classes", c.name, y, d.Classes)
			}
		}
		if c.check != nil && !c.check(d) {
			t.Errorf("%s: %v", c.name, d.X.RawMatrix().Data)
		}
	}

	hdr := func(dims ...byte) []byte {
		b := []byte{0, 0, 8, byte(len(dims))}
		for _, d := range dims {
			b = append(b, 0, 0, 0, d)
		}
		return b
	}
	for _, c := range []struct {
		name     string
		img, lab []byte
		want     string // error containing; "" → one 1×1 image
	}{
		{"empty input", nil, nil, "images: header"},
		{"no images", hdr(0, 1, 1), hdr(0), "empty data set"},
		{"0×0 images", hdr(1, 0, 0), append(hdr(1), 0), "empty data set"},
		{"one 1×1 image", append(hdr(1, 1, 1), 255), append(hdr(1), 4), ""},
		{"labels truncated", append(hdr(2, 1, 1), 1, 2), append(hdr(2), 0), "label 1 of 2"},
		{"images truncated", append(hdr(2, 1, 1), 1), append(hdr(2), 0, 1), "image 1 of 2"},
		{"label header truncated", append(hdr(1, 1, 1), 1), []byte{0, 0, 8, 1, 0}, "labels: dimension 0"},
		{"labels as images", append(hdr(1), 0), append(hdr(1), 0), "magic"},
	} {
		var d *Dataset
		var err error
		badinput(t, "LoadIDX "+c.name, func() { d, err = LoadIDX(bytes.NewReader(c.img), bytes.NewReader(c.lab)) })
		if c.want == "" {
			if err != nil || d.Len() != 1 || d.X.At(0, 0) != 1 || d.Labels[0] != 4 || d.Classes != 5 {
				t.Errorf("LoadIDX %s: %+v, %v", c.name, d, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("LoadIDX %s: %v, want an error saying %q", c.name, err, c.want)
		}
	}
}

// TestPropertyBadArguments: programmer errors not in TestBadInputPanics
// panic naming the function and the argument.
func TestPropertyBadArguments(t *testing.T) {
	net := NewMLP([]int{3, 4, 2}, ReLU, true, 1)
	data := randomData(5, 3, 2, false, 1)
	masked := net.Clone()
	masked.SetMask(0, make([]bool, 12))
	for _, c := range []struct {
		want string
		f    func()
	}{
		{"Optimizer.Step: len(grad) = 3", func() { NewOptimizer(net.Clone(), OptimizerSettings{}).Step(make([]float64, 3)) }},
		{"Eps = NaN", func() { NewOptimizer(net, OptimizerSettings{Eps: math.NaN()}) }},
		{"WeightDecay = +Inf", func() { NewOptimizer(net, OptimizerSettings{WeightDecay: math.Inf(1)}) }},
		{"OrthoGrad: len(theta) = 2, len(g) = 1", func() { OrthoGrad(make([]float64, 2), make([]float64, 1)) }},
		{"Objective.Grad: nil grad", func() { NewObjective(net, data, SoftmaxCE, Float64).Grad(nil, net.Params) }},
		{"len(grad) = 2", func() { NewObjective(net, data, SoftmaxCE, Float64).Loss(net.Params, make([]float64, 2)) }},
		{"Tol = NaN", func() { Train(net.Clone(), data, &Settings{Tol: math.NaN()}) }},
		{"MaxIter = -1", func() { Train(net.Clone(), data, &Settings{MaxIter: -1}) }},
		{"Settings.Test", func() { Train(net.Clone(), data, &Settings{Test: randomData(2, 5, 2, false, 1)}) }},
		{"Targets are 5×3", func() {
			Train(net.Clone(), randomData(5, 3, 3, true, 1), &Settings{Loss: SquaredError})
		}},
		{"data has 2 features, the network takes 3 inputs", func() { Evaluate(net, randomData(2, 2, 2, false, 1), SoftmaxCE, Float64) }},
		{"Dataset.Subset: no rows", func() { data.Subset(nil) }},
		{"Dataset.Subset: row 5 of 5", func() { data.Subset([]int{0, 5}) }},
		{"Dataset.Subset: row -1", func() { data.Subset([]int{-1}) }},
		{"UniformDensities: density NaN", func() { UniformDensities([]int{3, 2}, math.NaN()) }},
		{"ERKDensities: density 0", func() { ERKDensities([]int{3, 2}, 0) }},
		{"ERKDensities: sizes [3]", func() { ERKDensities([]int{3}, 0.5) }},
		{"PruneGlobal: density -0.5", func() { PruneGlobal(net.Clone(), -0.5) }},
		{"PruneLayerwise: density +Inf", func() { PruneLayerwise(net.Clone(), []float64{1, math.Inf(1)}) }},
		{"RandomMasks: 3 densities for 2 layers", func() { RandomMasks(net.Clone(), []float64{1, 1, 1}, 1) }},
		{"MLP.SetMask: layer 2 of 2", func() { net.Clone().SetMask(2, nil) }},
		{"MLP.SetMask: layer -1", func() { net.Clone().SetMask(-1, nil) }},
		{"MLP.Density: layer 5 of 2", func() { net.Density(5) }},
		{"NewMLP: sizes[0] = -3", func() { NewMLP([]int{-3, 2}, ReLU, false, 1) }},
		{"Barrier: len(a) = 2", func() { Barrier(net, make([]float64, 2), net.Params, data, SoftmaxCE, Float64, 3) }},
		{"Barrier: points = -1", func() { Barrier(net, net.Params, net.Params, data, SoftmaxCE, Float64, -1) }},
		{"Interpolate: len(dst) = 1, want 2", func() { Interpolate(make([]float64, 1), make([]float64, 2), make([]float64, 2), 0.5) }},
		{"UniformSoup: ingredient 1 has 3 parameters", func() { UniformSoup(net, [][]float64{net.Params, make([]float64, 3)}) }},
		{"GreedySoup: ingredient 0 has weight 0 of layer 0", func() { GreedySoup(masked, [][]float64{net.Params}, data, SoftmaxCE, Float64) }},
		{"GreedySoup: no ingredients", func() { GreedySoup(net, [][]float64{}, data, SoftmaxCE, Float64) }},
		{"ModularAddition: trainFrac = NaN", func() { ModularAddition(3, math.NaN(), 1) }},
		{"ModularAddition: trainFrac = 0.01 leaves an empty split", func() { ModularAddition(3, 0.01, 1) }},
		{"GaussianMixture(k=0", func() { GaussianMixture(0, 2, 3, 1, 1) }},
		{"GaussianMixture: sep = NaN", func() { GaussianMixture(2, 2, 3, math.NaN(), 1) }},
		{"GaussianMixture: sep = +Inf", func() { GaussianMixture(2, 2, 3, math.Inf(1), 1) }},
		{"OpposingSignals: n = 1", func() { OpposingSignals(1, 0, 1, 1, 1) }},
		{"OpposingSignals: outlierFrac = NaN", func() { OpposingSignals(4, math.NaN(), 1, 1, 1) }},
		// Issue 18's report on nn: zero or negative widths (ERKDensities
		// looped forever on {0, 0}), too few widths, a parameter count
		// beyond a slice, non-finite signals, the caller named.
		{"ERKDensities: sizes[0] = 0", func() { ERKDensities([]int{0, 0}, 0.5) }},
		{"ERKDensities: sizes[1] = 0", func() { ERKDensities([]int{3, 0, 0, 2}, 0.5) }},
		{"ERKDensities: sizes[1] = 0", func() { ERKDensities([]int{3, 0, 2}, 0.5) }},
		{"ERKDensities: sizes[0] = -3", func() { ERKDensities([]int{-3, 4}, 0.5) }},
		{"UniformDensities: sizes []", func() { UniformDensities(nil, 0.5) }},
		{"UniformDensities: sizes [3]", func() { UniformDensities([]int{3}, 0.5) }},
		{"UniformDensities: sizes[2] = -1", func() { UniformDensities([]int{3, 2, -1}, 0.5) }},
		{"NewMLP: sizes [4294967296 4294967296]", func() { NewMLP([]int{1 << 32, 1 << 32}, ReLU, false, 1) }},
		{"NewMLP: sizes [2147483648 2147483648]", func() { NewMLP([]int{1 << 31, 1 << 31}, ReLU, false, 1) }},
		{"NewMLP: sizes [1 1152921504606846975 2]", func() { NewMLP([]int{1, math.MaxInt / 8, 2}, ReLU, true, 1) }},
		{"OpposingSignals: signal = NaN", func() { OpposingSignals(4, 0.5, math.NaN(), 1, 1) }},
		{"OpposingSignals: signal = 1, big = +Inf", func() { OpposingSignals(4, 0.5, 1, math.Inf(1), 1) }},
		{"OpposingSignals: signal = -Inf", func() { OpposingSignals(4, 0.5, math.Inf(-1), 1, 1) }},
		{"Evaluate: data has 2 features", func() { Evaluate(net, randomData(2, 2, 2, false, 1), SoftmaxCE, Float64) }},
		{"Barrier: data has 2 features", func() {
			Barrier(net, net.Params, net.Params, randomData(2, 2, 2, false, 1), SoftmaxCE, Float64, 3)
		}},
		{"GreedySoup: data has 2 features", func() {
			GreedySoup(net, [][]float64{net.Params}, randomData(2, 2, 2, false, 1), SoftmaxCE, Float64)
		}},
	} {
		err := mathxtest.Promptly(t, c.want, c.f)
		if err == nil || !strings.HasPrefix(err.Error(), "panic: nn: ") || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v; want a panic naming %q", err, c.want)
		}
	}
}

// TestPropertyBadInputSpawn is issue 18's property test of Spawn: NaN or
// +Inf in the data ends the parent with Failed and the error naming the
// entry, both results carrying it, promptly; a canceled context gives
// Canceled after 0 steps; k = 0 with seedA = s.Seed makes child A the
// plain Train run; k = MaxIter gives two copies of the parent; k out of
// [0, MaxIter] and no data panic naming Spawn.
func TestPropertyBadInputSpawn(t *testing.T) {
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	for _, c := range []struct {
		name, failed string
		v            float64
	}{{"NaN in X", "X[3,1] = NaN", math.NaN()}, {"+Inf in X", "X[3,1] = +Inf", math.Inf(1)}} {
		badinput(t, "Spawn: "+c.name, func() {
			d := randomData(8, 3, 2, false, 4)
			d.X.Set(3, 1, c.v)
			a, b, err := Spawn(NewMLP([]int{3, 5, 2}, ReLU, true, 1), d, 5, 1, 2, &Settings{MaxIter: 10, BatchSize: 8})
			if err == nil || !strings.Contains(err.Error(), c.failed) || a.Status != Failed || b.Status != Failed {
				t.Errorf("Spawn, %s: %v, %v, %v; want Failed naming %q", c.name, a.Status, b.Status, err, c.failed)
			}
		})
	}
	badinput(t, "Spawn: canceled", func() {
		a, b, err := Spawn(NewMLP([]int{3, 5, 2}, ReLU, true, 1), randomData(8, 3, 2, false, 4), 5, 1, 2, &Settings{MaxIter: 10, Context: canceled})
		if err != nil || a.Status != Canceled || b.Status != Canceled || a.Iterations != 0 {
			t.Errorf("Spawn, canceled: %v, %v after %d steps, %v", a.Status, b.Status, a.Iterations, err)
		}
	})
	data := randomData(20, 3, 2, false, 5)
	s := &Settings{MaxIter: 12, BatchSize: 4, Seed: 7}
	plain := NewMLP([]int{3, 5, 2}, Tanh, true, 2)
	Train(plain, data, s)
	a, _, err := Spawn(NewMLP([]int{3, 5, 2}, Tanh, true, 2), data, 0, 7, 8, s)
	if err != nil || a.Iterations != 12 || !slicesEqual(a.Net.Params, plain.Params) {
		t.Errorf("Spawn at k = 0 with seedA = Seed: %d steps, %v; want Train's parameters", a.Iterations, err)
	}
	parent := NewMLP([]int{3, 5, 2}, Tanh, true, 2)
	a, b, err := Spawn(parent, data, 12, 1, 2, s)
	if err != nil || !slicesEqual(a.Net.Params, parent.Params) || !slicesEqual(b.Net.Params, parent.Params) || !slicesEqual(parent.Params, plain.Params) {
		t.Errorf("Spawn at k = MaxIter: children differ from the parent, or the parent from Train's run (%v)", err)
	}
	for _, c := range []struct {
		want string
		f    func()
	}{
		{"Spawn: k = 13", func() { Spawn(parent.Clone(), data, 13, 1, 2, s) }},
		{"Spawn: k = -1", func() { Spawn(parent.Clone(), data, -1, 1, 2, s) }},
		{"Spawn: no data", func() { Spawn(parent.Clone(), nil, 0, 1, 2, s) }},
	} {
		err := mathxtest.Promptly(t, c.want, c.f)
		if err == nil || !strings.HasPrefix(err.Error(), "panic: nn: ") || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v; want a panic naming %q", err, c.want)
		}
	}
}

func slicesEqual(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestPropertyBadInputPruneSearch is issue 18's property test of
// PruneIterative and RandomSearch: NaN or +Inf in the data ends them
// promptly with Failed and the error naming the entry; a canceled context
// ends them Canceled; a density of 1 prunes nothing; a budget covering
// every weight makes each candidate dense; bad arguments panic naming the
// function.
func TestPropertyBadInputPruneSearch(t *testing.T) {
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	nanData := randomData(8, 3, 2, false, 4)
	nanData.X.Set(3, 1, math.NaN())
	infData := randomData(8, 3, 2, false, 4)
	infData.X.Set(3, 1, math.Inf(-1))
	good := randomData(12, 3, 2, false, 5)
	s := &Settings{MaxIter: 10, BatchSize: 4}
	search := func(d *Dataset, density float64, ctx context.Context) (*SearchResult, error) {
		return RandomSearch(d, &SearchSettings{Sizes: []int{3, 6, 2}, Density: density, Trials: 2, Widths: true, Held: good, Seed: 1,
			Train: &Settings{MaxIter: 10, BatchSize: 4, Context: ctx}})
	}
	for _, c := range []struct {
		name, failed string
		d            *Dataset
	}{{"NaN in X", "X[3,1] = NaN", nanData}, {"-Inf in X", "X[3,1] = -Inf", infData}} {
		badinput(t, "PruneIterative: "+c.name, func() {
			rs, err := PruneIterative(NewMLP([]int{3, 5, 2}, ReLU, true, 1), c.d, 0.5, 2, 3, s)
			if err == nil || !strings.Contains(err.Error(), c.failed) || rs[len(rs)-1].Status != Failed {
				t.Errorf("PruneIterative, %s: %v; want Failed naming %q", c.name, err, c.failed)
			}
		})
		badinput(t, "RandomSearch: "+c.name, func() {
			r, err := search(c.d, 0.5, nil)
			if err == nil || !strings.Contains(err.Error(), c.failed) || r.Status != Failed {
				t.Errorf("RandomSearch, %s: %v, %v; want Failed naming %q", c.name, r.Status, err, c.failed)
			}
		})
	}
	badinput(t, "PruneIterative: canceled", func() {
		rs, err := PruneIterative(NewMLP([]int{3, 5, 2}, ReLU, true, 1), good, 0.5, 2, 0, &Settings{MaxIter: 10, Context: canceled})
		if err != nil || rs[len(rs)-1].Status != Canceled {
			t.Errorf("PruneIterative, canceled: %v, %v", rs[len(rs)-1].Status, err)
		}
	})
	badinput(t, "RandomSearch: canceled", func() {
		if r, err := search(good, 0.5, canceled); err != nil || r.Status != Canceled {
			t.Errorf("RandomSearch, canceled: %v, %v", r.Status, err)
		}
	})
	net := NewMLP([]int{3, 5, 2}, Tanh, true, 1)
	if rs, err := PruneIterative(net, good, 1, 2, 3, s); err != nil || net.Density(-1) != 1 || len(rs) != 3 {
		t.Errorf("PruneIterative at density 1: density %g, %d results, %v", net.Density(-1), len(rs), err)
	}
	if r, err := search(good, 1, nil); err != nil {
		t.Error(err)
	} else {
		for k, c := range r.Trials {
			for _, d := range c.Densities {
				if d != 1 {
					t.Errorf("RandomSearch at density 1: trial %d has densities %v", k, c.Densities)
				}
			}
		}
	}
	for _, c := range []struct {
		want string
		f    func()
	}{
		{"PruneIterative: density 0", func() { PruneIterative(net.Clone(), good, 0, 1, 0, s) }},
		{"PruneIterative: density NaN", func() { PruneIterative(net.Clone(), good, math.NaN(), 1, 0, s) }},
		{"PruneIterative: rounds = 0", func() { PruneIterative(net.Clone(), good, 0.5, 0, 0, s) }},
		{"PruneIterative: rewind = 11", func() { PruneIterative(net.Clone(), good, 0.5, 1, 11, s) }},
		{"PruneIterative: no data", func() { PruneIterative(net.Clone(), nil, 0.5, 1, 0, s) }},
		{"RandomSearch: density +Inf", func() { search(good, math.Inf(1), nil) }},
		{"RandomSearch: no Held data", func() { RandomSearch(good, &SearchSettings{Sizes: []int{3, 2}, Density: 0.5}) }},
		{"RandomSearch: Sizes[1] = 0", func() { RandomSearch(good, &SearchSettings{Sizes: []int{3, 0, 2}, Density: 0.5, Held: good}) }},
		{"RandomSearch: Sizes [3 2]", func() {
			RandomSearch(good, &SearchSettings{Sizes: []int{3, 2}, Density: 0.5, Widths: true, Held: good})
		}},
		{"RandomSearch: Trials = -1", func() { RandomSearch(good, &SearchSettings{Sizes: []int{3, 2}, Density: 0.5, Trials: -1, Held: good}) }},
		{"RandomSearch: no data", func() { RandomSearch(nil, &SearchSettings{}) }},
	} {
		err := mathxtest.Promptly(t, c.want, c.f)
		if err == nil || !strings.HasPrefix(err.Error(), "panic: nn: ") || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v; want a panic naming %q", err, c.want)
		}
	}
}

// TestPropertyBadInputReport checks issue 18's report on nn case by case:
// Optimizer.Step on a NaN or ±Inf gradient fails leaving the parameters,
// the state and the step count as they were; Adam at gradients beyond
// 1.3e154 (g² overflows) steps by about LR and keeps moving; Train fails
// naming the step and the parameter when an update would make it
// non-finite, the parameters as before; a NaN logit is never a hit, a NaN
// ingredient never in a greedy soup, a NaN on the path makes both
// barriers NaN; StableMaxCE and the soups at 1e300 and beyond; LoadIDX on
// corrupt headers (an error, no large allocation); GaussianMixture at sep
// MaxFloat64; Interpolate at its ends with a non-finite other end.
func TestPropertyBadInputReport(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	for _, k := range []OptimizerKind{Adam, AdamW, SGD} {
		for _, bad := range []float64{nan, inf, -inf} {
			name := fmt.Sprintf("%v Step(%g)", k, bad)
			s := OptimizerSettings{Kind: k, Momentum: 0.9, WeightDecay: 0.1}
			net := NewMLP([]int{2, 3}, Tanh, true, 1)
			ref := net.Clone()
			o, oref := NewOptimizer(net, s), NewOptimizer(ref, s)
			g := []float64{1, -2, 3, 0.5, 0.25, -1, 2, 1, 0}
			var err error
			badinput(t, name, func() {
				o.Step(append([]float64(nil), g...))
				oref.Step(append([]float64(nil), g...))
				gb := append([]float64(nil), g...)
				gb[4] = bad
				err = o.Step(gb)
			})
			if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("grad[4] = %g", bad)) || o.Steps() != 1 || !slicesEqual(net.Params, ref.Params) {
				t.Errorf("%s: %v, %d steps, parameters %v, want an error naming grad[4] and %v after 1 step", name, err, o.Steps(), net.Params, ref.Params)
			}
			o.Step(append([]float64(nil), g...))
			oref.Step(append([]float64(nil), g...))
			if !slicesEqual(net.Params, ref.Params) {
				t.Errorf("%s: the state changed: the next step gives %v, want %v", name, net.Params, ref.Params)
			}
		}
	}
	for _, k := range []OptimizerKind{Adam, AdamW} {
		for _, g := range []float64{1.3e154, 1e300, -math.MaxFloat64} {
			net := NewMLP([]int{1, 1}, Identity, false, 1)
			o := NewOptimizer(net, OptimizerSettings{Kind: k})
			p0 := net.Params[0]
			if err := o.Step([]float64{g}); err != nil {
				t.Errorf("%v Step(%g): %v", k, g, err)
			}
			d1 := net.Params[0] - p0
			o.Step([]float64{1})
			d2 := net.Params[0] - p0 - d1
			if want := -math.Copysign(1e-3, g); math.Abs(d1-want) > 1e-12 || !(math.Abs(d2) > 1e-4) {
				t.Errorf("%v Step(%g) moved by %g (want %g), the next Step(1) by %g (want ≠ 0: not frozen)", k, g, d1, want, d2)
			}
		}
	}
	// w ← 1 − 1e308·2·1 overflows: Failed at step 1 naming parameter 0,
	// w still 1, whatever MaxIter.
	for _, maxIter := range []int{1, 2} {
		net := NewMLP([]int{1, 1}, Identity, false, 1)
		net.Params[0] = 1
		d := &Dataset{X: mat.NewDense(1, 1, []float64{1}), Targets: mat.NewDense(1, 1, []float64{0})}
		var r *Result
		var err error
		badinput(t, "LR 1e308", func() {
			r, err = Train(net, d, &Settings{Loss: SquaredError, Optimizer: SGD, LR: 1e308, MaxIter: maxIter})
		})
		if r.Status != Failed || err == nil || !strings.Contains(err.Error(), "step 1") || !strings.Contains(err.Error(), "parameter 0") || net.Params[0] != 1 {
			t.Errorf("LR 1e308, MaxIter %d: %v, %v, w = %g; want Failed naming step 1 and parameter 0, w = 1", maxIter, r.Status, err, net.Params[0])
		}
	}
	// NaN logits.
	net := NewMLP([]int{3, 4, 2}, ReLU, true, 1)
	bad := net.Clone()
	bad.Params[0] = nan
	zeros := randomData(10, 3, 2, false, 1)
	for i := range zeros.Labels {
		zeros.Labels[i] = 0
	}
	if m := Evaluate(bad, zeros, SoftmaxCE, Float64); m.Accuracy != 0 || !math.IsNaN(m.Loss) {
		t.Errorf("Evaluate with a NaN parameter: %+v, want loss NaN, accuracy 0", m)
	}
	if soup, used := GreedySoup(net, [][]float64{bad.Params, net.Params}, zeros, SoftmaxCE, Float64); len(used) != 1 || used[0] != 1 || !slicesEqual(soup, net.Params) {
		t.Errorf("GreedySoup with a NaN ingredient: used %v, want [1]", used)
	}
	if soup, used := GreedySoup(net, [][]float64{bad.Params, bad.Params}, zeros, SoftmaxCE, Float64); soup != nil || len(used) != 0 {
		t.Errorf("GreedySoup of NaN ingredients: %v, %v; want nil, none", soup, used)
	}
	if p := Barrier(net, net.Params, bad.Params, zeros, SoftmaxCE, Float64, 3); !math.IsNaN(p.LossBarrier) || !math.IsNaN(p.AccuracyBarrier) {
		t.Errorf("Barrier to a NaN end: %g, %g; want NaN, NaN", p.LossBarrier, p.AccuracyBarrier)
	}
	// StableMaxCE where s(z_c)/Σs underflows or Σs overflows.
	for _, c := range []struct {
		z    []float64
		c    int
		want float64
	}{
		{[]float64{1e300, -1e300}, 1, math.Log(1e300) + math.Log1p(1e300)},
		{[]float64{-1e300, 1e300}, 0, math.Log(1e300) + math.Log1p(1e300)},
		{[]float64{math.MaxFloat64, math.MaxFloat64}, 0, math.Ln2},
		{[]float64{math.MaxFloat64, -math.MaxFloat64}, 1, 2 * math.Log(math.MaxFloat64)},
	} {
		g := make([]float64, len(c.z))
		var l float64
		badinput(t, "StableMaxCE", func() { l = rowLoss(StableMaxCE, Float64, c.z, c.c, nil, g, 1) })
		if math.Abs(l-c.want) > 1e-14*c.want || !finite(g...) {
			t.Errorf("StableMaxCE(%v, label %d) = %g, gradient %v; want %g, finite", c.z, c.c, l, g, c.want)
		}
	}
	// Soups of 1.5e308: the sum overflows, the mean does not.
	one := NewMLP([]int{1, 1}, Identity, false, 1)
	big := [][]float64{{1.5e308}, {1.5e308}}
	held := &Dataset{X: mat.NewDense(1, 1, nil), Labels: []int{0}, Classes: 1}
	if s := UniformSoup(one, big); s[0] != 1.5e308 {
		t.Errorf("UniformSoup of 1.5e308s: %v", s)
	}
	if s, used := GreedySoup(one, big, held, SoftmaxCE, Float64); s[0] != 1.5e308 || len(used) != 2 {
		t.Errorf("GreedySoup of 1.5e308s: %v, %v", s, used)
	}
	// LoadIDX: 2^28×2^28 pixels is an error; 2^14×2^14 runs out of data
	// without allocating the image up front.
	labels := []byte{0, 0, 8, 1, 0, 0, 0, 1, 0}
	if _, err := LoadIDX(bytes.NewReader([]byte{0, 0, 8, 3, 0, 0, 0, 1, 0x10, 0, 0, 0, 0x10, 0, 0, 0}), bytes.NewReader(labels)); err == nil || !strings.Contains(err.Error(), "pixels") {
		t.Errorf("LoadIDX of 2^28×2^28 images: %v", err)
	}
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	_, err := LoadIDX(bytes.NewReader([]byte{0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0x40, 0, 0, 0, 0x40, 0, 1, 2}), bytes.NewReader(labels))
	runtime.ReadMemStats(&m1)
	if err == nil || m1.TotalAlloc-m0.TotalAlloc > 4<<20 {
		t.Errorf("LoadIDX of a truncated 2^14×2^14 image: %v after allocating %d bytes", err, m1.TotalAlloc-m0.TotalAlloc)
	}
	if x := GaussianMixture(2, 1, 4, math.MaxFloat64, 1).X.RawMatrix().Data; !finite(x...) {
		t.Errorf("GaussianMixture at sep MaxFloat64: %v", x)
	}
	if x := Interpolate(nil, []float64{1}, []float64{inf}, 1); x[0] != 1 {
		t.Errorf("Interpolate(nil, [1], [+Inf], 1) = %v, want [1]", x)
	}
	if x := Interpolate(nil, []float64{nan}, []float64{2}, 0); x[0] != 2 {
		t.Errorf("Interpolate(nil, [NaN], [2], 0) = %v, want [2]", x)
	}
}
