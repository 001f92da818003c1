package prox

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// refPath is the numpy reference data; testdata/README.md says how it was
// produced.
var refPath = filepath.Join("testdata", "prox.json")

type refCase struct {
	X          []float64       `json:"x"`
	XM         [][]float64     `json:"X"`
	T          float64         `json:"t"`
	Z          float64         `json:"z"`
	R          float64         `json:"r"`
	K          int             `json:"k"`
	Lo         []float64       `json:"lo"`
	Hi         []float64       `json:"hi"`
	L1         float64         `json:"l1"`
	L2         float64         `json:"l2"`
	Groups     [][]int         `json:"groups"`
	Prox       []float64       `json:"-"`
	ProxM      [][]float64     `json:"-"`
	RawProx    json.RawMessage `json:"prox"`
	Proj       []float64       `json:"proj"`
	Support    []int           `json:"support"`
	ConjLinf   []float64       `json:"moreau_conj_proj_linf_ball"`
	ConjProj   []float64       `json:"moreau_conj_proj"`
	Sigma      []float64       `json:"singular_values"`
	Shrunk     []float64       `json:"shrunk_singular_values"`
	NuclearOut float64         `json:"nuclear_norm_of_prox"`
}

func loadRef(t *testing.T) map[string][]refCase {
	t.Helper()
	raw, err := os.ReadFile(refPath)
	if err != nil {
		t.Fatalf("reference data %s is missing (testdata/README.md says how to regenerate it): %v", refPath, err)
	}
	var doc struct {
		Cases map[string][]refCase `json:"cases"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("parse %s: %v", refPath, err)
	}
	for _, cs := range doc.Cases {
		for i := range cs {
			c := &cs[i]
			if len(c.RawProx) == 0 {
				continue
			}
			if c.XM != nil {
				if err := json.Unmarshal(c.RawProx, &c.ProxM); err != nil {
					t.Fatal(err)
				}
			} else if err := json.Unmarshal(c.RawProx, &c.Prox); err != nil {
				t.Fatal(err)
			}
		}
	}
	return doc.Cases
}

// closeVec checks |got − want| ≤ tol + tol·|want| elementwise.
func closeVec(t *testing.T, name string, got, want []float64, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: len %d, want %d", name, len(got), len(want))
	}
	for i := range got {
		if !(math.Abs(got[i]-want[i]) <= tol+tol*math.Abs(want[i])) {
			t.Errorf("%s[%d] = %.17g, want %.17g", name, i, got[i], want[i])
		}
	}
}

func TestReference(t *testing.T) {
	ref := loadRef(t)
	const tol = 1e-12
	want := map[string]int{"soft_threshold": 4, "group_soft_threshold": 3, "proj_simplex": 4, "proj_l1_ball": 3,
		"proj_box": 1, "prox_nuclear": 3, "hard_threshold": 2, "proj_l0_ball": 5, "prox_l2_norm": 2,
		"prox_sq_l2": 1, "prox_elastic_net": 1}
	for name, n := range want {
		if len(ref[name]) != n {
			t.Fatalf("%s: %d cases in %s, want %d", name, len(ref[name]), refPath, n)
		}
	}
	for _, c := range ref["soft_threshold"] {
		got := make([]float64, len(c.X))
		L1{}.Prox(got, c.X, c.T)
		closeVec(t, "soft_threshold", got, c.Prox, tol)
		LInfBall{R: c.T}.Prox(got, c.X, 0)
		closeVec(t, "proj_linf_ball", got, c.ConjLinf, tol)
	}
	for _, c := range ref["group_soft_threshold"] {
		got := make([]float64, len(c.X))
		GroupL2{Groups: c.Groups}.Prox(got, c.X, c.T)
		closeVec(t, "group_soft_threshold", got, c.Prox, tol)
		w := make([]float64, len(c.Groups))
		for i := range w {
			w[i] = c.T
		}
		GroupL2Ball{Groups: c.Groups, Weights: w}.Prox(got, c.X, 0)
		closeVec(t, "group_ball", got, c.ConjProj, tol)
	}
	for _, c := range ref["proj_simplex"] {
		got := make([]float64, len(c.X))
		Simplex{Z: c.Z}.Prox(got, c.X, 0)
		closeVec(t, "proj_simplex", got, c.Proj, tol)
	}
	for _, c := range ref["proj_l1_ball"] {
		got := make([]float64, len(c.X))
		L1Ball{R: c.R}.Prox(got, c.X, 0)
		closeVec(t, "proj_l1_ball", got, c.Proj, tol)
	}
	for _, c := range ref["proj_box"] {
		got := make([]float64, len(c.X))
		Box{Lo: c.Lo, Hi: c.Hi}.Prox(got, c.X, 0)
		closeVec(t, "proj_box", got, c.Proj, tol)
	}
	for _, c := range ref["hard_threshold"] {
		got := make([]float64, len(c.X))
		HardThreshold(got, c.X, c.T)
		closeVec(t, "hard_threshold", got, c.Prox, tol)
		// The same through the prox of λ‖·‖₀ with step 1: threshold sqrt(2λ).
		Scale{F: L0{}, Lambda: c.T * c.T / 2}.Prox(got, c.X, 1)
		closeVec(t, "prox_l0", got, c.Prox, tol)
	}
	for _, c := range ref["proj_l0_ball"] {
		got := make([]float64, len(c.X))
		L0Ball{K: c.K}.Prox(got, c.X, 0)
		closeVec(t, "proj_l0_ball", got, c.Proj, 0)
		var support []int
		for i, v := range got {
			if v != 0 {
				support = append(support, i)
			}
		}
		if len(support) != len(c.Support) {
			t.Fatalf("proj_l0_ball k=%d support %v, want %v", c.K, support, c.Support)
		}
		for i := range support {
			if support[i] != c.Support[i] {
				t.Fatalf("proj_l0_ball k=%d support %v, want %v", c.K, support, c.Support)
			}
		}
	}
	for _, c := range ref["prox_l2_norm"] {
		got := make([]float64, len(c.X))
		L2Norm{}.Prox(got, c.X, c.T)
		closeVec(t, "prox_l2_norm", got, c.Prox, tol)
	}
	for _, c := range ref["prox_sq_l2"] {
		got := make([]float64, len(c.X))
		SqL2{}.Prox(got, c.X, c.T)
		closeVec(t, "prox_sq_l2", got, c.Prox, tol)
	}
	for _, c := range ref["prox_elastic_net"] {
		got := make([]float64, len(c.X))
		ElasticNet{L1: c.L1, L2: c.L2}.Prox(got, c.X, c.T)
		closeVec(t, "prox_elastic_net", got, c.Prox, tol)
	}
	for _, c := range ref["prox_nuclear"] {
		x := denseOf(c.XM)
		var got mat.Dense
		if err := ProxNuclear(&got, x, c.T); err != nil {
			t.Fatal(err)
		}
		closeVec(t, "prox_nuclear", got.RawMatrix().Data, denseOf(c.ProxM).RawMatrix().Data, 1e-10)
		nn, err := NuclearNorm(&got)
		if err != nil {
			t.Fatal(err)
		}
		closeVec(t, "nuclear_norm_of_prox", []float64{nn}, []float64{c.NuclearOut}, 1e-10)
	}
}

func denseOf(rows [][]float64) *mat.Dense {
	m := mat.NewDense(len(rows), len(rows[0]), nil)
	for i, r := range rows {
		m.SetRow(i, r)
	}
	return m
}
