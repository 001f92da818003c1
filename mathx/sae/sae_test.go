package sae

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// refDir holds the PyTorch reference forward pass; testdata/README.md says
// how it was produced.
const refDir = "testdata"

type reference struct {
	X      [][]float64 `json:"x"`
	WEnc   [][]float64 `json:"W_enc"`
	WDec   [][]float64 `json:"W_dec"`
	BPre   []float64   `json:"b_pre"`
	BEnc   []float64   `json:"b_enc"`
	Pre    [][]float64 `json:"pre"`
	TopIdx [][]int     `json:"topk_indices_sorted_desc"`
	Z      [][]float64 `json:"z"`
	Recon  [][]float64 `json:"recon"`
	MSE    float64     `json:"mse"`
	NMSE   float64     `json:"nmse"`
	Shapes struct {
		D int `json:"d_model"`
		F int `json:"n_latents"`
		K int `json:"k"`
		B int `json:"batch"`
	} `json:"shapes"`
	MC struct {
		Z      [][]float64 `json:"z"`
		Recon  [][]float64 `json:"recon"`
		Active []int       `json:"active_per_token"`
	} `json:"mutual_choice"`
	FC struct {
		M      int         `json:"m"`
		Z      [][]float64 `json:"z"`
		Recon  [][]float64 `json:"recon"`
		Active []int       `json:"active_per_token"`
	} `json:"feature_choice"`
	Aux struct {
		Dead []int       `json:"dead_mask"`
		KAux int         `json:"k_aux"`
		Z    [][]float64 `json:"z_aux"`
		Loss float64     `json:"aux_k_loss"`
	} `json:"aux_k"`
}

func loadReference(t *testing.T) *reference {
	t.Helper()
	path := filepath.Join(refDir, "sae_topk.json")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reference data missing (testdata/README.md says how to regenerate it): %v", err)
	}
	var r reference
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatal(err)
	}
	return &r
}

func dense(rows [][]float64) *mat.Dense {
	m := mat.NewDense(len(rows), len(rows[0]), nil)
	for i, r := range rows {
		m.SetRow(i, r)
	}
	return m
}

func (r *reference) model() *Model {
	return &Model{
		D: r.Shapes.D, F: r.Shapes.F,
		WEnc:  dense(r.WEnc),
		WDecT: mat.DenseCopyOf(dense(r.WDec).T()),
		BEnc:  append([]float64(nil), r.BEnc...),
		BPre:  append([]float64(nil), r.BPre...),
	}
}

func close(got, want, tol float64) bool {
	return math.Abs(got-want) <= tol+tol*math.Abs(want)
}

func equalDense(t *testing.T, name string, got mat.Matrix, want [][]float64, tol float64) {
	t.Helper()
	r, c := got.Dims()
	if r != len(want) || c != len(want[0]) {
		t.Fatalf("%s: dims %d×%d, want %d×%d", name, r, c, len(want), len(want[0]))
	}
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			if !close(got.At(i, j), want[i][j], tol) {
				t.Fatalf("%s[%d][%d] = %.17g, want %.17g", name, i, j, got.At(i, j), want[i][j])
			}
		}
	}
}

func TestForwardReference(t *testing.T) {
	r := loadReference(t)
	m := r.model()
	x := dense(r.X)
	const tol = 1e-12
	cases := []struct {
		name   string
		sel    Selection
		z      [][]float64
		recon  [][]float64
		active []int
	}{
		{"TopK", Selection{Kind: TopK, K: r.Shapes.K}, r.Z, r.Recon, nil},
		{"MutualChoice", Selection{Kind: MutualChoice, K: r.Shapes.K}, r.MC.Z, r.MC.Recon, r.MC.Active},
		{"FeatureChoice", Selection{Kind: FeatureChoice, K: r.Shapes.K}, r.FC.Z, r.FC.Recon, r.FC.Active},
		{"GradientTopK β=0", Selection{Kind: GradientTopK, K: r.Shapes.K}, r.Z, r.Recon, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var g *mat.Dense
			if c.sel.Kind == GradientTopK {
				g = mat.NewDense(r.Shapes.B, r.Shapes.D, nil)
				for i := range r.Shapes.B * r.Shapes.D {
					g.RawMatrix().Data[i] = math.Sin(float64(i))
				}
			}
			p := m.Forward(x, c.sel, g)
			equalDense(t, "pre", p.Pre, r.Pre, tol)
			equalDense(t, "z", p.Z(), c.z, tol)
			equalDense(t, "recon", p.Recon, c.recon, tol)
			if c.active != nil {
				for b, n := range p.Active() {
					if n != c.active[b] {
						t.Errorf("row %d: %d active, want %d", b, n, c.active[b])
					}
				}
			}
			if c.sel.Kind == TopK {
				if !close(p.MSE(), r.MSE, tol) || !close(p.NMSE(), r.NMSE, tol) {
					t.Errorf("mse %.17g nmse %.17g, want %.17g %.17g", p.MSE(), p.NMSE(), r.MSE, r.NMSE)
				}
			}
		})
	}
	// the top-k indices themselves, against torch.topk
	pre := m.Forward(x, Selection{K: r.Shapes.K}, nil).Pre
	for b, want := range r.TopIdx {
		got := topIndices(pre.RawRowView(b), r.Shapes.K, nil)
		w := append([]int(nil), want...)
		sort.Ints(w)
		for i := range w {
			if got[i] != w[i] {
				t.Fatalf("row %d: top-k %v, want %v", b, got, w)
			}
		}
	}
}

func TestAuxKReference(t *testing.T) {
	r := loadReference(t)
	m := r.model()
	tr := NewTrainer(m, &Settings{Selection: Selection{K: r.Shapes.K}, AuxK: r.Aux.KAux, AuxCoef: 1})
	m.forward(&tr.pass, dense(r.X), tr.s.Selection, nil)
	dead := make([]bool, m.F)
	nDead := 0
	for j, d := range r.Aux.Dead {
		dead[j] = d != 0
		nDead += d
	}
	st := tr.gradients(dead, nDead)
	if !close(st.Aux, r.Aux.Loss, 1e-12) {
		t.Errorf("aux-k loss %.17g, want %.17g", st.Aux, r.Aux.Loss)
	}
	z := mat.NewDense(r.Shapes.B, m.F, nil)
	for b := 0; b < r.Shapes.B; b++ {
		for e := tr.aux.ptr[b]; e < tr.aux.ptr[b+1]; e++ {
			z.Set(b, tr.aux.idx[e], tr.aux.val[e])
		}
	}
	equalDense(t, "z_aux", z, r.Aux.Z, 1e-12)
}

// lossOf evaluates the training loss NMSE + AuxCoef·aux, the aux-k term
// explaining the fixed residual resid (the loss treats e = x − x̂ as a
// constant) when resid is non-nil.
func lossOf(tr *Trainer, x *mat.Dense, dead []bool, resid []float64, gradX *mat.Dense) float64 {
	tr.Model.forward(&tr.pass, x, tr.s.Selection, gradX)
	st := tr.gradients(dead, 0)
	if resid != nil {
		st.Aux = tr.auxLoss(dead, tr.auxK(), resid)
	}
	return st.NMSE + tr.s.AuxCoef*st.Aux
}

func TestGradientsFiniteDifference(t *testing.T) {
	r := loadReference(t)
	x := dense(r.X)
	gx := mat.NewDense(r.Shapes.B, r.Shapes.D, nil)
	for i := range gx.RawMatrix().Data {
		gx.RawMatrix().Data[i] = math.Cos(float64(3 * i))
	}
	dead := make([]bool, r.Shapes.F)
	nDead := 0
	for j, d := range r.Aux.Dead {
		dead[j] = d != 0
		nDead += d
	}
	cases := []struct {
		name string
		sel  Selection
		aux  bool
	}{
		{"TopK", Selection{Kind: TopK, K: 4}, false},
		{"TopK+aux", Selection{Kind: TopK, K: 4}, true},
		{"MutualChoice", Selection{Kind: MutualChoice, K: 4}, false},
		{"FeatureChoice", Selection{Kind: FeatureChoice, K: 4, M: 2}, false},
		{"FeatureChoice Zipf", Selection{Kind: FeatureChoice, K: 4, ZipfExponent: 1}, false},
		{"GradientTopK", Selection{Kind: GradientTopK, K: 4, Beta: 0.7}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := r.model()
			s := &Settings{Selection: c.sel, AuxK: 6, AuxCoef: 0.5}
			nd := 0
			if c.aux {
				nd = nDead
			}
			tr := NewTrainer(m, s)
			var g *mat.Dense
			if c.sel.Kind == GradientTopK {
				g = gx
			}
			tr.Model.forward(&tr.pass, x, tr.s.Selection, g)
			tr.gradients(dead, nd)
			var resid []float64
			if c.aux {
				for b := 0; b < r.Shapes.B; b++ {
					for i := 0; i < r.Shapes.D; i++ {
						resid = append(resid, x.At(b, i)-tr.pass.Recon.At(b, i))
					}
				}
			}
			analytic := newParams(m.D, m.F)
			for i, a := range tr.grad.slices() {
				copy(analytic.slices()[i], a)
			}
			// Central differences with the selection frozen: the selection
			// is piecewise constant, so perturb only away from ties.
			params := [4][]float64{rawData(m.WEnc), rawData(m.WDecT), m.BEnc, m.BPre}
			names := []string{"W_enc", "W_dec", "b_enc", "b_pre"}
			const h = 1e-6
			checked := 0
			for pi, ps := range params {
				for i := 0; i < len(ps); i += 1 + len(ps)/97 {
					old := ps[i]
					ps[i] = old + h
					lp := lossOf(tr, x, dead, resid, g)
					ps[i] = old - h
					lm := lossOf(tr, x, dead, resid, g)
					ps[i] = old
					fd := (lp - lm) / (2 * h)
					an := analytic.slices()[pi][i]
					if math.Abs(fd-an) > 1e-6*math.Max(1e-3, math.Abs(an)) {
						t.Errorf("%s[%d]: analytic %.10g, finite difference %.10g", names[pi], i, an, fd)
					}
					checked++
				}
			}
			if checked < 100 {
				t.Fatalf("only %d parameters checked", checked)
			}
		})
	}
}

func TestSelectionInvariants(t *testing.T) {
	toy := Superposition(16, 40, 0.2, 1, 128, 7)
	x := toy.Batches[0]
	m := NewModel(16, 96, 3)
	m.SetPreBias(x)
	const k = 5
	for _, sel := range []Selection{
		{Kind: TopK, K: k}, {Kind: MutualChoice, K: k}, {Kind: FeatureChoice, K: k},
		{Kind: FeatureChoice, K: k, ZipfExponent: 1.2}, {Kind: GradientTopK, K: k, Beta: 2},
	} {
		t.Run(sel.Kind.String(), func(t *testing.T) {
			g := mat.NewDense(128, 16, nil)
			for i := range g.RawMatrix().Data {
				g.RawMatrix().Data[i] = math.Sin(float64(i) * 0.37)
			}
			p := m.Forward(x, sel, g)
			pre := p.Pre
			total := 0
			perFeature := make([]int, m.F)
			for b := 0; b < p.B; b++ {
				n := p.codes.ptr[b+1] - p.codes.ptr[b]
				total += n
				for e := p.codes.ptr[b]; e < p.codes.ptr[b+1]; e++ {
					j := p.codes.idx[e]
					perFeature[j]++
					if p.codes.val[e] != pre.At(b, j) || p.codes.val[e] <= 0 {
						t.Fatalf("kept value %g is not the positive pre-activation %g", p.codes.val[e], pre.At(b, j))
					}
				}
				switch sel.Kind {
				case TopK:
					// exactly the k largest pre-activations are chosen; the positive ones stay.
					row := append([]float64(nil), pre.RawRowView(b)...)
					sort.Sort(sort.Reverse(sort.Float64Slice(row)))
					pos := 0
					for _, v := range row[:k] {
						if v > 0 {
							pos++
						}
					}
					if n != pos {
						t.Fatalf("row %d keeps %d, want %d positive of the top %d", b, n, pos, k)
					}
				}
			}
			switch sel.Kind {
			case MutualChoice:
				positive := 0
				for _, v := range pre.RawMatrix().Data {
					if v > 0 {
						positive++
					}
				}
				if want := min(k*p.B, positive); total != want {
					t.Fatalf("batch keeps %d, want %d", total, want)
				}
			case FeatureChoice:
				caps := capacities(pre.RawMatrix(), sel)
				sum := 0
				for j, c := range perFeature {
					if c > caps[j] {
						t.Fatalf("latent %d keeps %d tokens, capacity %d", j, c, caps[j])
					}
					sum += caps[j]
				}
				if sel.ZipfExponent > 0 && sum != k*p.B {
					t.Fatalf("Zipf capacities sum to %d, want %d", sum, k*p.B)
				}
			}
		})
	}
}

func TestQuickselect(t *testing.T) {
	vals := make([]float64, 2000)
	for i := range vals {
		vals[i] = float64((i * 7919) % 613) // many ties
	}
	for _, n := range []int{1, 2, 17, 500, 1999} {
		idx := make([]int, len(vals))
		for i := range idx {
			idx[i] = i
		}
		quickselect(idx, vals, n)
		want := make([]int, len(vals))
		for i := range want {
			want[i] = i
		}
		sort.Slice(want, func(a, b int) bool { return better(vals[want[a]], vals[want[b]], want[a], want[b]) })
		got := append([]int(nil), idx[:n]...)
		sort.Ints(got)
		w := append([]int(nil), want[:n]...)
		sort.Ints(w)
		for i := range w {
			if got[i] != w[i] {
				t.Fatalf("n=%d: quickselect picked a different set", n)
			}
		}
	}
}

func TestDecoderStaysUnitNorm(t *testing.T) {
	toy := Superposition(16, 32, 0.15, 4, 64, 2)
	m := NewModel(16, 48, 9)
	m.SetPreBias(toy.Batches[0])
	tr := NewTrainer(m, &Settings{Selection: Selection{K: 3}, LR: 1e-2, DeadTokens: 64})
	for step := 0; step < 30; step++ {
		// the radial component of the decoder gradient is removed
		before := m.Clone()
		if _, err := tr.Step(toy.Batches[step%4], nil); err != nil {
			t.Fatal(err)
		}
		for j := 0; j < m.F; j++ {
			if n := norm(m.WDecT.RawRowView(j)); math.Abs(n-1) > 1e-12 {
				t.Fatalf("step %d: decoder row %d has norm %.15g", step, j, n)
			}
			g := tr.grad.wdec[j*m.D : (j+1)*m.D]
			if r := dot(g, before.WDecT.RawRowView(j)); math.Abs(r) > 1e-12*math.Max(1, norm(g)) {
				t.Fatalf("step %d: decoder gradient of row %d keeps a radial part %g", step, j, r)
			}
		}
	}
}

func TestDeterministicAcrossGOMAXPROCS(t *testing.T) {
	toy := Superposition(32, 64, 0.1, 2, 256, 4)
	run := func(procs int) *Model {
		old := runtime.GOMAXPROCS(procs)
		defer runtime.GOMAXPROCS(old)
		m := NewModel(32, 128, 5)
		m.SetPreBias(toy.Batches[0])
		for _, sel := range []Selection{{Kind: TopK, K: 4}, {Kind: MutualChoice, K: 4}} {
			if _, err := Train(m, toy.Batches, &Settings{Selection: sel, MaxIter: 20, DeadTokens: 256}); err != nil {
				t.Fatal(err)
			}
		}
		return m
	}
	a, b := run(1), run(2)
	for i, pa := range [][]float64{rawData(a.WEnc), rawData(a.WDecT), a.BEnc, a.BPre} {
		pb := [][]float64{rawData(b.WEnc), rawData(b.WDecT), b.BEnc, b.BPre}[i]
		for j := range pa {
			if math.Float64bits(pa[j]) != math.Float64bits(pb[j]) {
				t.Fatalf("parameter array %d differs at %d: %v vs %v", i, j, pa[j], pb[j])
			}
		}
	}
}

func TestCheckpointRoundTrip(t *testing.T) {
	m := NewModel(8, 20, 11)
	m.BEnc[3], m.BPre[1] = 0.25, -1.5
	var buf bytes.Buffer
	if err := m.Save(&buf); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	got, err := Load(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if !mat.Equal(got.WEnc, m.WEnc) || !mat.Equal(got.WDecT, m.WDecT) || got.BEnc[3] != 0.25 || got.BPre[1] != -1.5 {
		t.Fatal("loaded model differs")
	}
	bad := append([]byte(nil), data...)
	bad[len(bad)/2] ^= 1
	if _, err := Load(bytes.NewReader(bad)); err == nil {
		t.Fatal("a corrupted checkpoint loaded without error")
	}
	if _, err := Load(bytes.NewReader([]byte("not a checkpoint"))); err == nil {
		t.Fatal("garbage loaded without error")
	}
}

func TestTrainStatuses(t *testing.T) {
	toy := Superposition(8, 16, 0.2, 2, 32, 1)
	newModel := func() *Model { m := NewModel(8, 24, 1); m.SetPreBias(toy.Batches[0]); return m }
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	cases := []struct {
		name string
		s    Settings
		want Status
		err  bool
	}{
		{"max iter", Settings{MaxIter: 5}, MaxIterReached, false},
		{"callback stops", Settings{MaxIter: 50, Callback: func(it int, r *Result) bool { return it < 2 }}, Stopped, false},
		{"callback panics", Settings{MaxIter: 50, Callback: func(int, *Result) bool { panic("boom") }}, Failed, true},
		{"canceled", Settings{MaxIter: 50, Context: ctx}, Canceled, false},
		{"tol", Settings{MaxIter: 50, Tol: 10}, Converged, false},
		{"diverges", Settings{MaxIter: 50, LR: math.Inf(1)}, Failed, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := Train(newModel(), toy.Batches, &c.s)
			if (err != nil) != c.err || r.Status != c.want {
				t.Fatalf("status %v err %v, want %v (error %v)", r.Status, err, c.want, c.err)
			}
			if len(r.History) != r.Iterations {
				t.Fatalf("history has %d entries for %d iterations", len(r.History), r.Iterations)
			}
		})
	}
}
