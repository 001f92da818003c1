package lasso

import (
	"encoding/json"
	"math"
	"os"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestSklearn compares with scikit-learn's solutions in
// testdata/sklearn.json (written by testdata/make_sklearn.py), which
// checks the name mapping of doc.go: Lasso(alpha) is Lambda = alpha,
// ElasticNet(alpha, l1_ratio) is Lambda = alpha·l1_ratio,
// L2 = alpha·(1 − l1_ratio), LogisticRegression(penalty="l1", C) is
// Lambda = 1/(n·C). scikit-learn stopped at tol = 1e-10 (liblinear for the
// logistic case), so agreement is to 1e-6.
func TestSklearn(t *testing.T) {
	raw, err := os.ReadFile("testdata/sklearn.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		A      [][]float64 `json:"A"`
		B      []float64   `json:"b"`
		Labels []float64   `json:"labels"`
		Cases  []struct {
			Model   string    `json:"model"`
			Alpha   float64   `json:"alpha"`
			L1Ratio float64   `json:"l1_ratio"`
			C       float64   `json:"C"`
			Coef    []float64 `json:"coef"`
		} `json:"cases"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	n, d := len(doc.A), len(doc.A[0])
	a := mat.NewDense(n, d, nil)
	for i, row := range doc.A {
		a.SetRow(i, row)
	}
	if len(doc.Cases) != 4 {
		t.Fatalf("%d cases, want 4", len(doc.Cases))
	}
	for _, c := range doc.Cases {
		p := &Problem{A: a, B: doc.B}
		switch c.Model {
		case "Lasso":
			p.Lambda = c.Alpha
		case "ElasticNet":
			p.Lambda, p.L2 = c.Alpha*c.L1Ratio, c.Alpha*(1-c.L1Ratio)
		case "LogisticRegression":
			p.B, p.Loss, p.Lambda = doc.Labels, Logistic, 1/(float64(n)*c.C)
		default:
			t.Fatalf("unknown model %q", c.Model)
		}
		for name, solve := range map[string]func(*Problem, *Settings) (*Result, error){"CD": CD, "FISTA": FISTA} {
			res, err := solve(p, &Settings{Tol: 1e-13, MaxIter: 100000})
			if err != nil || res.Status != Converged {
				t.Fatalf("%s %s: %v %v", c.Model, name, res.Status, err)
			}
			for j, want := range c.Coef {
				if math.Abs(res.X[j]-want) > 1e-6 || (want == 0) != (math.Abs(res.X[j]) < 1e-9) {
					t.Fatalf("%s %s: x[%d] = %.10g, scikit-learn %.10g", c.Model, name, j, res.X[j], want)
				}
			}
		}
	}
}
