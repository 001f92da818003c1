package sae

import (
	"fmt"
	"math"
	"testing"
	"time"

	"gonum.org/v1/gonum/mat"
)

// promptly runs f, turning a panic into an error, and fails the test when
// f has not returned after a second.
func promptly(t *testing.T, name string, f func()) error {
	t.Helper()
	done := make(chan error, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				done <- fmt.Errorf("panic: %v", p)
			}
		}()
		f()
		done <- nil
	}()
	select {
	case err := <-done:
		return err
	case <-time.After(time.Second):
		t.Fatalf("%s: no return within 1 s", name)
		return nil
	}
}

func matFinite(m *mat.Dense) bool {
	r, c := m.Dims()
	for i := 0; i < r; i++ {
		for _, v := range m.RawRowView(i)[:c] {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return false
			}
		}
	}
	return true
}

func modelFinite(m *Model) bool {
	return matFinite(m.WEnc) && matFinite(m.WDecT) && allFinite([4][]float64{m.BEnc, m.BPre})
}

// TestPropertyBadInput is issue 18's property test for sae: for every
// selection rule, batches of zeros, one row, identical rows, NaN, ±Inf
// and scales 1e±300 go through Forward, Encode, Evaluate, Usage, a
// Trainer step and a short Train within a second without a panic. A
// step either succeeds with a finite model or returns an error and
// leaves the model bit-identical; Train ends Failed with an error or
// with a finite model, never Converged with non-finite values.
func TestPropertyBadInput(t *testing.T) {
	const d, f = 6, 12
	toy := Superposition(d, 10, 0.3, 1, 16, 3)
	good := toy.Batches[0]
	scaled := func(s float64) *mat.Dense {
		x := mat.DenseCopyOf(good)
		x.Scale(s, x)
		return x
	}
	with := func(v float64) *mat.Dense {
		x := mat.DenseCopyOf(good)
		x.Set(2, 4, v)
		return x
	}
	identical := mat.NewDense(5, d, nil)
	for r := 0; r < 5; r++ {
		identical.SetRow(r, good.RawRowView(0))
	}
	inputs := []struct {
		name string
		x    *mat.Dense
	}{
		{"zeros", mat.NewDense(8, d, nil)},
		{"one row", mat.NewDense(1, d, append([]float64(nil), good.RawRowView(1)...))},
		{"identical rows", identical},
		{"NaN", with(math.NaN())},
		{"+Inf", with(math.Inf(1))},
		{"-Inf", with(math.Inf(-1))},
		{"1e300", scaled(1e300)},
		{"1e-300", scaled(1e-300)},
	}
	sels := []Selection{
		{Kind: TopK, K: 3}, {Kind: MutualChoice, K: 3}, {Kind: FeatureChoice, K: 3},
		{Kind: FeatureChoice, K: 3, ZipfExponent: 1}, {Kind: GradientTopK, K: 3, Beta: 0.5},
	}
	for _, in := range inputs {
		rows, _ := in.x.Dims()
		grad := mat.NewDense(rows, d, nil)
		for i := 0; i < rows; i++ {
			for j := 0; j < d; j++ {
				grad.Set(i, j, float64((i+j)%3)-1)
			}
		}
		for _, sel := range sels {
			name := fmt.Sprintf("%v/%s", sel.Kind, in.name)
			var gx *mat.Dense
			var gxs []*mat.Dense
			if sel.Kind == GradientTopK {
				gx, gxs = grad, []*mat.Dense{grad}
			}
			m := NewModel(d, f, 1)
			m.SetPreBias(good)
			if err := promptly(t, name+"/inference", func() {
				m.Forward(in.x, sel, gx)
				m.Encode(in.x, sel, gx)
				m.Evaluate([]*mat.Dense{in.x}, sel, gxs)
				m.Usage([]*mat.Dense{in.x}, sel, gxs)
			}); err != nil {
				t.Errorf("%s: inference: %v", name, err)
			}
			before := m.Clone()
			var stepErr error
			if err := promptly(t, name+"/Step", func() {
				_, stepErr = NewTrainer(m, &Settings{Selection: sel}).Step(in.x, gx)
			}); err != nil {
				t.Errorf("%s: Step: %v", name, err)
				continue
			}
			switch {
			case stepErr != nil && !sameModel(m, before):
				t.Errorf("%s: Step failed (%v) but changed the model", name, stepErr)
			case stepErr == nil && !modelFinite(m):
				t.Errorf("%s: Step succeeded with a non-finite model", name)
			}
			m = before.Clone()
			var r *Result
			var err error
			if perr := promptly(t, name+"/Train", func() {
				r, err = Train(m, []*mat.Dense{in.x}, &Settings{Selection: sel, MaxIter: 5, Tol: 1e-300, GradX: gxs})
			}); perr != nil {
				t.Errorf("%s: Train: %v", name, perr)
				continue
			}
			switch {
			case r.Status == Failed && err == nil:
				t.Errorf("%s: Train Failed without an error", name)
			case r.Status != Failed && (err != nil || !modelFinite(m)):
				t.Errorf("%s: Train %v with err %v, finite model %v", name, r.Status, err, modelFinite(m))
			case r.Status == Failed && !modelFinite(m):
				t.Errorf("%s: Train Failed and left a non-finite model", name)
			}
		}
	}
}
