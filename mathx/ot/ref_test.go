package ot

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// refDir holds the POT reference data; testdata/README.md says how it was
// produced.
const refDir = "testdata"

type potRun struct {
	Finite  bool        `json:"finite"`
	OK      bool        `json:"ok"`
	Niter   int         `json:"niter"`
	Plan    [][]float64 `json:"plan"`
	Cost    float64     `json:"linear_cost"`
	Entropy float64     `json:"entropic_objective"`
	F       []float64   `json:"f_potential"`
	G       []float64   `json:"g_potential"`
	MargErr float64     `json:"marginal_err_l1_total"`
}

type sinkhornCase struct {
	Name   string      `json:"name"`
	N      int         `json:"n"`
	Mm     int         `json:"m"`
	Reg    float64     `json:"reg"`
	A      []float64   `json:"a"`
	B      []float64   `json:"b"`
	Xs     [][]float64 `json:"xs"`
	Xt     [][]float64 `json:"xt"`
	M      [][]float64 `json:"M"`
	Metric string      `json:"cost_metric"`
	Plain  potRun      `json:"sinkhorn_plain"`
	Log    potRun      `json:"sinkhorn_log"`
	EMD    struct {
		Cost float64     `json:"cost"`
		Plan [][]float64 `json:"plan"`
	} `json:"emd"`
}

func loadJSON(t testing.TB, name string, v any) {
	t.Helper()
	path := filepath.Join(refDir, name)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reference file %s is missing (testdata/README.md says how to regenerate it): %v", path, err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

func sinkhornCases(t testing.TB) []sinkhornCase {
	var f struct {
		Cases []sinkhornCase `json:"cases"`
	}
	loadJSON(t, "sinkhorn.json", &f)
	if len(f.Cases) == 0 {
		t.Fatal("sinkhorn.json has no cases")
	}
	return f.Cases
}

func dense(rows [][]float64) *mat.Dense {
	d := mat.NewDense(len(rows), len(rows[0]), nil)
	for i, r := range rows {
		d.SetRow(i, r)
	}
	return d
}

func close(got, want, atol, rtol float64) bool {
	return math.Abs(got-want) <= atol+rtol*math.Abs(want)
}

func maxAbsDiff(t testing.TB, P *mat.Dense, want [][]float64) float64 {
	t.Helper()
	if P == nil {
		t.Fatal("nil plan")
	}
	var d float64
	for i, r := range want {
		for j, w := range r {
			d = math.Max(d, math.Abs(P.At(i, j)-w))
		}
	}
	return d
}

// centered returns f − mean(f) and g + mean(f).
func centered(f, g []float64) ([]float64, []float64) {
	var mu float64
	for _, x := range f {
		mu += x
	}
	mu /= float64(len(f))
	cf, cg := make([]float64, len(f)), make([]float64, len(g))
	for i, x := range f {
		cf[i] = x - mu
	}
	for j, x := range g {
		cg[j] = x + mu
	}
	return cf, cg
}
