package lasso

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// gsPath holds the Gauss–Southwell reference; testdata/README.md says how
// it was produced.
var gsPath = filepath.Join("testdata", "gauss_southwell.json")

type gsRef struct {
	A    [][]float64 `json:"A"`
	B    []float64   `json:"b"`
	X0   []float64   `json:"x0"`
	Grad []float64   `json:"grad"`
	L    []float64   `json:"L_coord"`
	GS   int         `json:"gs_choice"`
	GSL  int         `json:"gsl_choice"`
}

func loadExtras(t *testing.T) gsRef {
	t.Helper()
	raw, err := os.ReadFile(gsPath)
	if err != nil {
		t.Fatalf("reference data %s is missing (testdata/README.md says how to regenerate it): %v", gsPath, err)
	}
	var doc struct {
		GS gsRef `json:"gauss_southwell"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("parse %s: %v", gsPath, err)
	}
	return doc.GS
}
