package sae

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"math"
	"runtime"
	"strings"
	"testing"

	"github.com/gomx-dev/gomx/mathx/internal/mathxtest"
	"gonum.org/v1/gonum/mat"
)

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
			if err := mathxtest.Promptly(t, name+"/inference", func() {
				m.Forward(in.x, sel, gx)
				m.Encode(in.x, sel, gx)
				m.Evaluate([]*mat.Dense{in.x}, sel, gxs)
				m.Usage([]*mat.Dense{in.x}, sel, gxs)
			}); err != nil {
				t.Errorf("%s: inference: %v", name, err)
			}
			before := m.Clone()
			var stepErr error
			if err := mathxtest.Promptly(t, name+"/Step", func() {
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
			if perr := mathxtest.Promptly(t, name+"/Train", func() {
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

// failAfter is a writer that fails once n bytes have been written.
type failAfter struct{ n int }

func (w *failAfter) Write(p []byte) (int, error) {
	if len(p) > w.n {
		k := w.n
		w.n = 0
		return k, errors.New("disk full")
	}
	w.n -= len(p)
	return len(p), nil
}

// TestPropertyCheckpoint covers Save and Load on issue 18's inputs:
// parameters at 1e±300 round-trip bit for bit; a non-finite parameter is
// named by Save (which writes nothing) and by Load (for a checkpoint
// whose checksum is right); a failing writer, an empty, truncated or
// corrupt checkpoint, and a header claiming 2³⁰ parameters with no data
// behind it give an error promptly without allocating for the claim.
func TestPropertyCheckpoint(t *testing.T) {
	m := NewModel(3, 4, 1)
	m.WEnc.Set(0, 0, 1e300)
	m.WEnc.Set(1, 2, -1e-300)
	m.BEnc[3], m.BPre[0] = 5e-324, -1e308
	var buf bytes.Buffer
	if err := m.Save(&buf); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	got, err := Load(bytes.NewReader(data))
	if err != nil || !mat.Equal(got.WEnc, m.WEnc) || !mat.Equal(got.WDecT, m.WDecT) || got.BEnc[3] != 5e-324 || got.BPre[0] != -1e308 {
		t.Fatalf("round trip at 1e±300: %v", err)
	}
	bad := m.Clone()
	bad.BEnc[2] = math.NaN()
	var out bytes.Buffer
	if err := bad.Save(&out); err == nil || !strings.Contains(err.Error(), "BEnc[2] = NaN") || out.Len() != 0 {
		t.Errorf("Save of a NaN model: %v, %d bytes written", err, out.Len())
	}
	bad = m.Clone()
	bad.WDecT.Set(2, 1, math.Inf(-1))
	if err := bad.Save(&out); err == nil || !strings.Contains(err.Error(), "WDecT[2,1] = -Inf") {
		t.Errorf("Save of a model with -Inf: %v", err)
	}
	for _, n := range []int{0, 10, len(data) - 2} {
		if err := m.Save(&failAfter{n: n}); err == nil {
			t.Errorf("Save to a writer failing after %d bytes: no error", n)
		}
	}
	// A checkpoint with a NaN and a right checksum.
	nanData := append([]byte(nil), data...)
	binary.LittleEndian.PutUint64(nanData[24:], math.Float64bits(math.NaN()))
	binary.LittleEndian.PutUint32(nanData[len(nanData)-4:], crc32.ChecksumIEEE(nanData[:len(nanData)-4]))
	header := append([]byte(checkpointMagic), make([]byte, 16)...)
	binary.LittleEndian.PutUint64(header[8:], 1<<20)
	binary.LittleEndian.PutUint64(header[16:], 1<<10)
	loads := []struct {
		name string
		data []byte
		want string
	}{
		{"NaN parameter", nanData, "WEnc[0,0] = NaN"},
		{"empty", nil, "not a gomx SAE checkpoint"},
		{"truncated", data[:len(data)/2], "reading checkpoint"},
		{"corrupt", append(append([]byte(nil), data[:40]...), append([]byte{data[40] ^ 1}, data[41:]...)...), "checksum"},
		{"huge claim", header, "reading checkpoint"},
	}
	for _, c := range loads {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		var err error
		if p := mathxtest.Promptly(t, "Load "+c.name, func() { _, err = Load(bytes.NewReader(c.data)) }); p != nil || err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Load %s: %v, %v; want an error with %q", c.name, p, err, c.want)
		}
		runtime.ReadMemStats(&after)
		if grew := after.TotalAlloc - before.TotalAlloc; grew > 8<<20 {
			t.Errorf("Load %s allocated %d bytes", c.name, grew)
		}
	}
}

// TestPropertyRecovery: Recovery against a decoder of unit axes gives the
// closed-form cosines for directions at 1e±300 and duplicated directions;
// a zero or NaN direction makes the mean NaN and is not counted; no
// directions, the wrong width or a NaN threshold panic.
func TestPropertyRecovery(t *testing.T) {
	m := NewModel(2, 2, 1)
	m.WDecT.Copy(mat.NewDense(2, 2, []float64{1, 0, 0, 1}))
	cases := []struct {
		name           string
		dirs           []float64
		mean, fraction float64
	}{
		{"1e-300", []float64{1e-300, 0, 0, -1e-300}, 1, 1},
		{"1e300", []float64{1e300, 0, 0, 1e300}, 1, 1},
		{"duplicated", []float64{3, 4, 3, 4}, 0.8, 0},
		{"mixed scales", []float64{3e-300, 4e-300, 4e300, 3e300}, 0.8, 0},
		{"zero", []float64{0, 0, 1, 0}, math.NaN(), 0.5},
		{"NaN", []float64{math.NaN(), 1, 1, 0}, math.NaN(), 0.5},
	}
	for _, c := range cases {
		var mean, frac float64
		if p := mathxtest.Promptly(t, c.name, func() { mean, frac = m.Recovery(mat.NewDense(2, 2, c.dirs), 0.9) }); p != nil {
			t.Errorf("Recovery %s: %v", c.name, p)
		} else if !(math.Abs(mean-c.mean) <= 1e-15 || math.IsNaN(mean) && math.IsNaN(c.mean)) || frac != c.fraction {
			t.Errorf("Recovery %s: %g, %g; want %g, %g", c.name, mean, frac, c.mean, c.fraction)
		}
	}
	for name, f := range map[string]func(){
		"width":     func() { m.Recovery(mat.NewDense(1, 3, nil), 0.9) },
		"threshold": func() { m.Recovery(mat.NewDense(1, 2, []float64{1, 0}), math.NaN()) },
	} {
		if err := mathxtest.Promptly(t, name, f); err == nil || !strings.Contains(err.Error(), "sae: Recovery") {
			t.Errorf("Recovery %s: %v, want a panic", name, err)
		}
	}
}

// TestPropertyModelHelpers covers NewModel, Superposition, SetPreBias,
// Clone, Decoder and Trainer.Dead on issue 18's inputs: the mean of one
// row, of duplicated rows and of rows near ±1.8e308 (no overflow); a NaN
// or ±Inf in the data, p = NaN or sizes below 1 panic naming them, and
// SetPreBias then leaves BPre unchanged.
func TestPropertyModelHelpers(t *testing.T) {
	m := NewModel(2, 3, 1)
	cases := []struct {
		name string
		x    []float64
		want []float64
	}{
		{"one row", []float64{1.5, -2}, []float64{1.5, -2}},
		{"duplicated rows", []float64{1e-300, 4, 1e-300, 4}, []float64{1e-300, 4}},
		{"near MaxFloat64", []float64{1.7e308, -1.7e308, 1.5e308, -1.5e308}, []float64{1.6e308, -1.6e308}},
	}
	for _, c := range cases {
		m.SetPreBias(mat.NewDense(len(c.x)/2, 2, c.x))
		for i, w := range c.want {
			if math.Abs(m.BPre[i]-w) > 1e-15*math.Abs(w) {
				t.Errorf("SetPreBias %s: %v, want %v", c.name, m.BPre, c.want)
			}
		}
	}
	before := append([]float64(nil), m.BPre...)
	c := m.Clone()
	c.BPre[0], c.WDecT.RawMatrix().Data[0] = 7, 7
	if m.BPre[0] == 7 || m.WDecT.At(0, 0) == 7 {
		t.Error("Clone shares memory with the model")
	}
	if dec := m.Decoder(); dec.At(1, 2) != m.WDecT.At(2, 1) {
		t.Error("Decoder is not W_decᵀ")
	}
	if dead := NewTrainer(m, nil).Dead(); len(dead) != 3 || dead[0] || dead[1] || dead[2] {
		t.Errorf("a new trainer's Dead: %v", dead)
	}
	panics := []struct {
		name string
		f    func()
		want string
	}{
		{"SetPreBias NaN", func() { m.SetPreBias(mat.NewDense(2, 2, []float64{0, 0, math.NaN(), 0})) }, "x[1,0] = NaN"},
		{"SetPreBias Inf", func() { m.SetPreBias(mat.NewDense(1, 2, []float64{0, math.Inf(-1)})) }, "x[0,1] = -Inf"},
		{"SetPreBias shape", func() { m.SetPreBias(mat.NewDense(1, 3, nil)) }, "x is 1×3"},
		{"NewModel", func() { NewModel(0, 3, 1) }, "NewModel(0, 3)"},
		{"Superposition p NaN", func() { Superposition(2, 2, math.NaN(), 1, 1, 1) }, "p=NaN"},
		{"Superposition batch", func() { Superposition(2, 2, 0.5, 1, 0, 1) }, "batch=0"},
	}
	for _, c := range panics {
		if err := mathxtest.Promptly(t, c.name, c.f); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want a panic naming %q", c.name, err, c.want)
		}
	}
	if m.BPre[0] != before[0] || m.BPre[1] != before[1] {
		t.Errorf("SetPreBias changed BPre before panicking: %v, was %v", m.BPre, before)
	}
}

// TestPropertyPass covers Pass's accessors and Kind.String: Z has exactly
// Active()[b] positive entries in row b (K for TopK), and Recon is
// Z·W_dec (zero biases at initialisation); with zero biases TopK is
// positively homogeneous, so on x·2ᵏ NMSE equals its value on x bit for
// bit and MSE is 2²ᵏ times it, for k from −990 to 990 (where the squares
// underflow or overflow unscaled); a batch of one row has NMSE +Inf.
func TestPropertyPass(t *testing.T) {
	const d, f, k = 4, 6, 2
	m := NewModel(d, f, 3)
	x := mat.NewDense(3, d, []float64{1, -2, 0.5, 3, 0, 1, 1, -1, 2, 2, -0.5, 0.25})
	sel := Selection{Kind: TopK, K: k}
	var p *Pass = m.Forward(x, sel, nil)
	z, act := p.Z(), p.Active()
	var rec mat.Dense
	rec.Mul(z, m.WDecT)
	for b := 0; b < 3; b++ {
		n := 0
		for _, v := range z.RawRowView(b) {
			if v > 0 {
				n++
			} else if v != 0 {
				t.Errorf("Z row %d has %g < 0", b, v)
			}
		}
		if n != act[b] || act[b] > k {
			t.Errorf("row %d: Z has %d positive entries, Active says %d (K = %d)", b, n, act[b], k)
		}
		for j := 0; j < d; j++ {
			if math.Abs(rec.At(b, j)-p.Recon.At(b, j)) > 1e-14 {
				t.Errorf("Recon[%d,%d] = %g, Z·W_dec %g", b, j, p.Recon.At(b, j), rec.At(b, j))
			}
		}
	}
	nmse, mse := p.NMSE(), p.MSE()
	if !(nmse > 0) || math.IsInf(nmse, 0) || !(mse > 0) || math.IsInf(mse, 0) {
		t.Fatalf("NMSE %g, MSE %g at unit scale", nmse, mse)
	}
	for _, e := range []int{-990, -500, 500, 990} {
		xs := mat.NewDense(3, d, nil)
		xs.Apply(func(_, _ int, v float64) float64 { return math.Ldexp(v, e) }, x)
		ps := m.Forward(xs, sel, nil)
		if got := ps.NMSE(); got != nmse {
			t.Errorf("NMSE at x·2^%d: %g, want %g", e, got, nmse)
		}
		want := math.Ldexp(mse, 2*e)
		if got := ps.MSE(); got != want && math.Abs(got-want) > 1e-15*want {
			t.Errorf("MSE at x·2^%d: %g, want %g", e, got, want)
		}
	}
	if v := m.Forward(mat.NewDense(1, d, []float64{1, 2, 3, 4}), sel, nil).NMSE(); !math.IsInf(v, 1) {
		t.Errorf("NMSE of one row: %g, want +Inf", v)
	}
	for kind, want := range map[Kind]string{TopK: "TopK", MutualChoice: "MutualChoice", FeatureChoice: "FeatureChoice", GradientTopK: "GradientTopK", Kind(9): "Kind(9)"} {
		if got := kind.String(); got != want {
			t.Errorf("Kind(%d).String() = %q, want %q", int(kind), got, want)
		}
	}
}
