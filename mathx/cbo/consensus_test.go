package cbo

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// consensusPath holds the numpy consensus reference; testdata/README.md
// says how it was produced.
var consensusPath = filepath.Join("testdata", "consensus.json")

type consensusRef struct {
	X     [][]float64 `json:"X"`
	F     []float64   `json:"f"`
	Cases []struct {
		Alpha     float64   `json:"alpha"`
		Weights   []float64 `json:"weights"`
		Consensus []float64 `json:"consensus"`
	} `json:"cases"`
}

func loadConsensusRef(t *testing.T) consensusRef {
	t.Helper()
	path := consensusPath
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reference data missing: %v (testdata/README.md says how to regenerate it)", err)
	}
	var v struct {
		CBO consensusRef `json:"cbo_consensus"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if len(v.CBO.X) == 0 || len(v.CBO.Cases) == 0 {
		t.Fatalf("%s: no cbo_consensus data", path)
	}
	return v.CBO
}

func denseOf(rows [][]float64) *mat.Dense {
	m := mat.NewDense(len(rows), len(rows[0]), nil)
	for i, r := range rows {
		m.SetRow(i, r)
	}
	return m
}

func close14(got, want float64) bool {
	return math.Abs(got-want) <= 1e-14+1e-14*math.Abs(want)
}

// TestConsensusReference compares weights and consensus points with the
// numpy log-sum-exp reference for α = 1, 30, 1e5 (1e-14).
func TestConsensusReference(t *testing.T) {
	ref := loadConsensusRef(t)
	X := denseOf(ref.X)
	for _, c := range ref.Cases {
		w, err := Weights(nil, ref.F, c.Alpha)
		if err != nil {
			t.Fatal(err)
		}
		for i := range w {
			if !close14(w[i], c.Weights[i]) {
				t.Errorf("alpha %g: w[%d] = %v, want %v", c.Alpha, i, w[i], c.Weights[i])
			}
		}
		got, err := Consensus(nil, X, ref.F, c.Alpha)
		if err != nil {
			t.Fatal(err)
		}
		for j := range got {
			if !close14(got[j], c.Consensus[j]) {
				t.Errorf("alpha %g: c[%d] = %v, want %v", c.Alpha, j, got[j], c.Consensus[j])
			}
		}
	}
}

// TestRastriginMeanFormReference checks the test-function Rastrigin (sum
// form) against the reference energies, which use the mean form.
func TestRastriginMeanFormReference(t *testing.T) {
	ref := loadConsensusRef(t)
	for i, x := range ref.X {
		got := Rastrigin(x) / float64(len(x))
		if math.Abs(got-ref.F[i]) > 1e-13*math.Abs(ref.F[i]) {
			t.Errorf("particle %d: Rastrigin/d = %v, want %v", i, got, ref.F[i])
		}
	}
}

// TestConsensusLimits: α = 0 gives the mean, α → ∞ the best particle.
func TestConsensusLimits(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{1, 2, 7, 50} {
		X := mat.NewDense(n, 3, nil)
		f := make([]float64, n)
		for i := 0; i < n; i++ {
			for j := 0; j < 3; j++ {
				X.Set(i, j, rng.NormFloat64())
			}
			f[i] = 10 + rng.Float64()
		}
		best := 0
		for i := range f {
			if f[i] < f[best] {
				best = i
			}
		}
		mean := make([]float64, 3)
		for j := range mean {
			for i := 0; i < n; i++ {
				mean[j] += X.At(i, j)
			}
			mean[j] /= float64(n)
		}
		c0, _ := Consensus(nil, X, f, 0)
		for j := range c0 {
			if math.Abs(c0[j]-mean[j]) > 1e-15*float64(n) {
				t.Errorf("n=%d alpha=0: c[%d] = %v, want the mean %v", n, j, c0[j], mean[j])
			}
		}
		for _, alpha := range []float64{1e9, 1e15, math.Inf(1)} {
			c, _ := Consensus(nil, X, f, alpha)
			for j := range c {
				if c[j] != X.At(best, j) {
					t.Errorf("n=%d alpha=%g: c[%d] = %v, want the best particle's %v", n, alpha, j, c[j], X.At(best, j))
				}
			}
		}
	}
}

// TestWeightsNonFinite: NaN and +Inf energies weigh nothing; with no
// finite energy Weights and the run fail with an error.
func TestWeightsNonFinite(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	tests := []struct {
		f     []float64
		alpha float64
		want  []float64
		ok    bool
	}{
		{[]float64{1, nan, 1, inf}, 2, []float64{0.5, 0, 0.5, 0}, true},
		{[]float64{1, nan, 3, inf}, 0, []float64{0.5, 0, 0.5, 0}, true},
		{[]float64{5, math.Inf(-1), 3}, 1, []float64{0, 1, 0}, true},
		{[]float64{nan, inf}, 1, nil, false},
	}
	for _, tc := range tests {
		w, err := Weights(nil, tc.f, tc.alpha)
		if (err == nil) != tc.ok {
			t.Errorf("%v alpha %g: err = %v", tc.f, tc.alpha, err)
			continue
		}
		for i := range tc.want {
			if w[i] != tc.want[i] {
				t.Errorf("%v alpha %g: w = %v, want %v", tc.f, tc.alpha, w, tc.want)
				break
			}
		}
	}
	p := &Problem{Dim: 2, Func: func([]float64) float64 { return math.NaN() }}
	res, err := Minimize(p, nil)
	if err == nil || res.Status != Failed {
		t.Errorf("all-NaN objective: status %v, err %v; want Failed with an error", res.Status, err)
	}
}

// TestEffectiveSampleSize: N for α = 0, 1 for α = ∞, decreasing between.
func TestEffectiveSampleSize(t *testing.T) {
	f := []float64{0, 0.5, 1, 2, 4}
	if got := EffectiveSampleSize(f, 0); math.Abs(got-5) > 1e-12 {
		t.Errorf("ESS(0) = %v, want 5", got)
	}
	if got := EffectiveSampleSize(f, math.Inf(1)); got != 1 {
		t.Errorf("ESS(inf) = %v, want 1", got)
	}
	// Two particles: w = (1, e^{-α})/(1+e^{-α}), ESS = (1+e^{-α})²/(1+e^{-2α}).
	for _, a := range []float64{0.1, 1, 3} {
		want := (1 + math.Exp(-a)) * (1 + math.Exp(-a)) / (1 + math.Exp(-2*a))
		if got := EffectiveSampleSize([]float64{0, 1}, a); math.Abs(got-want) > 1e-14 {
			t.Errorf("two-particle ESS(%g) = %v, want %v", a, got, want)
		}
	}
}

func TestWeightsPanics(t *testing.T) {
	for name, fn := range map[string]func(){
		"negative alpha": func() { _, _ = Weights(nil, []float64{1}, -1) },
		"NaN alpha":      func() { _, _ = Weights(nil, []float64{1}, math.NaN()) },
		"dst length":     func() { _, _ = Weights(make([]float64, 2), []float64{1}, 1) },
		"energy length":  func() { _, _ = Consensus(nil, mat.NewDense(2, 2, nil), []float64{1}, 1) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			fn()
		}()
	}
}
