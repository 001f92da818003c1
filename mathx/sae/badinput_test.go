package sae

import (
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// sameModel reports whether two models are bit-identical.
func sameModel(a, b *Model) bool {
	if !mat.Equal(a.WEnc, b.WEnc) || !mat.Equal(a.WDecT, b.WDecT) {
		return false
	}
	for i := range a.BEnc {
		if math.Float64bits(a.BEnc[i]) != math.Float64bits(b.BEnc[i]) {
			return false
		}
	}
	for i := range a.BPre {
		if math.Float64bits(a.BPre[i]) != math.Float64bits(b.BPre[i]) {
			return false
		}
	}
	return true
}

// TestStepBadBatch is issue 18's repro: a batch of one row or of
// identical rows has Σ‖x − x̄‖² = 0, so NMSE = +Inf, and Step turned the
// parameters into NaN without a word. Now Step returns an error saying
// why (also for NaN/±Inf entries and for scales whose squares overflow or
// underflow), and leaves the trainer exactly as it was: a bad step
// followed by a good one gives the bit-identical model of the good step
// alone.
func TestStepBadBatch(t *testing.T) {
	toy := Superposition(8, 16, 0.2, 2, 32, 1)
	good := toy.Batches[0]
	row := good.RawRowView(3)
	identical := mat.NewDense(4, 8, nil)
	for r := 0; r < 4; r++ {
		identical.SetRow(r, row)
	}
	withEntry := func(v float64) *mat.Dense {
		x := mat.DenseCopyOf(good)
		x.Set(5, 2, v)
		return x
	}
	scaledBy := func(s float64) *mat.Dense {
		x := mat.DenseCopyOf(good)
		x.Scale(s, x)
		return x
	}
	cases := []struct {
		name string
		x    *mat.Dense
		want string
	}{
		{"one row", mat.NewDense(1, 8, append([]float64(nil), row...)), "no variance"},
		{"identical rows", identical, "no variance"},
		{"NaN", withEntry(math.NaN()), "x[5,2] = NaN"},
		{"+Inf", withEntry(math.Inf(1)), "x[5,2] = +Inf"},
		{"-Inf", withEntry(math.Inf(-1)), "x[5,2] = -Inf"},
		{"scale 1e300", scaledBy(1e300), "overflow"},
		{"scale 1e-300", scaledBy(1e-300), "underflow"},
	}
	for _, c := range cases {
		newModel := func() *Model { m := NewModel(8, 24, 1); m.SetPreBias(good); return m }
		ref := newModel()
		refTr := NewTrainer(ref, &Settings{Selection: Selection{K: 3}})
		if _, err := refTr.Step(good, nil); err != nil {
			t.Fatal(err)
		}
		m := newModel()
		before := m.Clone()
		tr := NewTrainer(m, &Settings{Selection: Selection{K: 3}})
		st, err := tr.Step(c.x, nil)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err %v (NMSE %g), want an error containing %q", c.name, err, st.NMSE, c.want)
			continue
		}
		if !sameModel(m, before) {
			t.Errorf("%s: the failed step changed the model", c.name)
		}
		if _, err := tr.Step(good, nil); err != nil {
			t.Fatalf("%s: a good step after the bad one: %v", c.name, err)
		}
		if !sameModel(m, ref) {
			t.Errorf("%s: bad step then good step differs from the good step alone", c.name)
		}
	}
}

// TestTrainBadBatch: Train reports the bad batch with Failed, the step
// and the cause, and the model stays at its last finite state.
func TestTrainBadBatch(t *testing.T) {
	toy := Superposition(8, 16, 0.2, 2, 32, 1)
	one := mat.NewDense(1, 8, append([]float64(nil), toy.Batches[0].RawRowView(0)...))
	m := NewModel(8, 24, 1)
	m.SetPreBias(toy.Batches[0])
	data := []*mat.Dense{toy.Batches[0], toy.Batches[1], one}
	ref := m.Clone()
	refTr := NewTrainer(ref, nil)
	for _, x := range data[:2] {
		if _, err := refTr.Step(x, nil); err != nil {
			t.Fatal(err)
		}
	}
	r, err := Train(m, data, &Settings{MaxIter: 10})
	if r.Status != Failed || err == nil || !strings.Contains(err.Error(), "step 3 on batch 2") || !strings.Contains(err.Error(), "no variance") {
		t.Fatalf("status %v, err %v; want Failed at step 3 on batch 2 (no variance)", r.Status, err)
	}
	if r.Iterations != 3 || len(r.History) != 3 || !math.IsInf(r.History[2], 1) {
		t.Errorf("iterations %d, history %v; want 3 entries, the last +Inf", r.Iterations, r.History)
	}
	if !sameModel(m, ref) {
		t.Error("the model after the failed step differs from the model after the two good steps")
	}
}
