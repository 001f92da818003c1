package ot

import (
	"math"
	"strconv"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func TestDistReference(t *testing.T) {
	for _, tc := range sinkhornCases(t) {
		metric, name, scale := SqEuclidean, tc.Metric, 1.0
		if k, rest, ok := strings.Cut(name, "*"); ok {
			f, err := strconv.ParseFloat(k, 64)
			if err != nil {
				t.Fatalf("%s: metric %q", tc.Name, tc.Metric)
			}
			name, scale = rest, f
		}
		if name == "euclidean" {
			metric = Euclidean
		} else if !strings.HasPrefix(name, "sqeuclidean") {
			t.Fatalf("%s: unexpected metric %q", tc.Name, tc.Metric)
		}
		C := Dist(dense(tc.Xs), dense(tc.Xt), metric)
		C.Scale(scale, C)
		if d := maxAbsDiff(t, C, tc.M); d > 1e-13 {
			t.Errorf("%s: %v cost differs from POT's ot.dist by %g", tc.Name, metric, d)
		}
	}
}

func TestCostClosedForms(t *testing.T) {
	xs := mat.NewDense(2, 2, []float64{0, 0, 1, 2})
	xt := mat.NewDense(3, 2, []float64{3, 4, 0, 0, -1, 1})
	for _, tc := range []struct {
		name string
		got  *mat.Dense
		want []float64
	}{
		{"sqeuclidean", Dist(xs, xt, SqEuclidean), []float64{25, 0, 2, 8, 5, 5}},
		{"euclidean", Dist(xs, xt, Euclidean), []float64{5, 0, math.Sqrt2, math.Sqrt(8), math.Sqrt(5), math.Sqrt(5)}},
		{"cityblock", Dist(xs, xt, Cityblock), []float64{7, 0, 2, 4, 3, 3}},
		{"minkowski1", Minkowski(xs, xt, 1), []float64{7, 0, 2, 4, 3, 3}},
		{"minkowski3", Minkowski(xs, xt, 3), []float64{math.Cbrt(91), 0, math.Cbrt(2), math.Cbrt(16), math.Cbrt(9), math.Cbrt(9)}},
		{"pow", PowCost(Dist(xs, xt, Euclidean), 2), []float64{25, 0, 2, 8, 5, 5}},
		{"grid", GridDist(1, 3, Cityblock), []float64{0, 1, 2, 1, 0, 1, 2, 1, 0}},
		{"grid2x2", GridDist(2, 2, SqEuclidean), []float64{0, 1, 1, 2, 1, 0, 2, 1, 1, 2, 0, 1, 2, 1, 1, 0}},
	} {
		r, c := tc.got.Dims()
		for k, w := range tc.want {
			if g := tc.got.At(k/c, k%c); !close(g, w, 1e-14, 1e-14) {
				t.Errorf("%s [%d,%d] of %d×%d: got %v want %v", tc.name, k/c, k%c, r, c, g, w)
			}
		}
	}
}

func TestDistPanics(t *testing.T) {
	for name, f := range map[string]func(){
		"dims":      func() { Dist(mat.NewDense(2, 2, nil), mat.NewDense(2, 3, nil), SqEuclidean) },
		"metric":    func() { Dist(mat.NewDense(2, 2, nil), mat.NewDense(2, 2, nil), Metric(9)) },
		"minkowski": func() { Minkowski(mat.NewDense(2, 2, nil), mat.NewDense(2, 2, nil), 0.5) },
		"grid":      func() { GridPoints(0, 3) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}
