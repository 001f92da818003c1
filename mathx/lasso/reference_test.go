package lasso

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

var extrasPath = filepath.Join("..", "..", "..", "shared", "mathx", "reference", "extras.json")

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
	raw, err := os.ReadFile(extrasPath)
	if err != nil {
		t.Fatalf("reference data %s is missing (it lives in shared/ beside the clone; regenerate with shared/mathx/make_reference.py): %v", extrasPath, err)
	}
	var doc struct {
		GS gsRef `json:"gauss_southwell"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("parse %s: %v", extrasPath, err)
	}
	return doc.GS
}
