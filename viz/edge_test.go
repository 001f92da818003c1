package viz

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot"
)

// TestEdgeCases renders degenerate inputs: each must give a PNG, not a
// panic or an error text.
func TestEdgeCases(t *testing.T) {
	nan := math.NaN()
	cases := map[string]func() *plot.Plot{
		"empty line":     func() *plot.Plot { return Line(nil) },
		"one point":      func() *plot.Plot { return Line([]float64{3}) },
		"all NaN":        func() *plot.Plot { return Line([]float64{nan, nan}) },
		"empty scatter":  func() *plot.Plot { return Scatter(nil, nil) },
		"empty hist":     func() *plot.Plot { return Hist(nil, 0) },
		"constant hist":  func() *plot.Plot { return Hist([]float64{2, 2, 2}, 0) },
		"empty bars":     func() *plot.Plot { return Bars(nil, nil) },
		"semilogy zeros": func() *plot.Plot { return Semilogy([]float64{0, 0, -1}) },
		"1×1 heatmap":    func() *plot.Plot { return Heatmap(mat.NewDense(1, 1, []float64{5})) },
		"NaN heatmap":    func() *plot.Plot { return Heatmap(mat.NewDense(1, 2, []float64{nan, nan})) },
		"tall heatmap":   func() *plot.Plot { return Heatmap(mat.NewDense(3000, 2, nil)) },
	}
	SetPlotSize(160, 100)
	defer SetPlotSize(0, 0)
	for name, mk := range cases {
		b := Render(mk())
		if b.Data[MIMEPNG] == "" {
			t.Errorf("%s: no PNG: %q", name, b.Text())
		}
	}
}
