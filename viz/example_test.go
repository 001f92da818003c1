package viz_test

import (
	"fmt"
	"math"
	"strings"

	"github.com/gomx-dev/gomx/viz"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot"
)

// A cell's *plot.Plot becomes a PNG at the default size, with a text
// description for readers without images.
func ExampleLine() {
	y := make([]float64, 100)
	for i := range y {
		y[i] = math.Sin(float64(i) / 10)
	}
	p := viz.Line(y)
	p.Title.Text = "sine"
	b := viz.Render(p)
	fmt.Println(b.Text())
	fmt.Println(b.Metadata["image/png"])
	// Output:
	// plot "sine"; x [0, 99]; y [-0.9999, 0.9996]; series: line 1 (100 points)
	// map[height:400 width:640]
}

// Semilogy suits convergence curves; AddLine adds a named series.
func ExampleSemilogy() {
	a, b := make([]float64, 30), make([]float64, 30)
	for i := range a {
		a[i] = math.Pow(0.5, float64(i))
		b[i] = 1 / float64(i+1)
	}
	k := make([]float64, 30)
	for i := range k {
		k[i] = float64(i)
	}
	p := viz.Semilogy(a)
	viz.AddLine(p, k, b, "1/k")
	fmt.Println(viz.Describe(p))
	// Output:
	// plot; x "iteration" [0, 29]; y [1.863e-09, 1] log; series: line 1 (30 points), 1/k
}

func ExampleHeatmap() {
	m := mat.NewDense(3, 4, []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
	fmt.Println(viz.Describe(viz.Heatmap(m)))
	// Output:
	// plot; x "column" [-0.5, 3.5]; y "row" [-0.5, 2.5]; series: heat map of a 3×4 matrix, values in [1, 12]
}

// Matrices render as an HTML table and aligned text.
func ExampleMatrixBundle() {
	b := viz.Render(mat.NewDense(2, 2, []float64{1, 2.5, -3, 4}))
	fmt.Println(b.Text())
	// Output:
	// mat.Dense 2×2
	// ⎡  1  2.5⎤
	// ⎣ -3    4⎦
}

func ExampleSliceBundle() {
	fmt.Println(viz.Render([]float64{0.5, 1, 2}).Text())
	// Output:
	// []float64 len 3
	// [0.5 1 2]
}

// Grid tiles plots into one image.
func ExampleGrid() {
	g := viz.Grid(2, viz.Line([]float64{1, 2}), viz.Bars([]float64{3, 4}, nil), viz.Hist([]float64{1, 2, 2, 3}, 3))
	b := g.Bundle()
	fmt.Println(b.Metadata["image/png"])
	// Output:
	// map[height:800 width:1280]
}

// A progress bar updates one output in place; without a sink (outside a
// cell) nothing is shown.
func ExampleProgress() {
	bar := viz.Progress(100)
	for range 100 {
		bar.Add(1)
	}
	bar.Done()
	fmt.Println(strings.Split(bar.Bundle().Text(), " in ")[0])
	// Output:
	// [████████████████████] 100% 100/100 · done
}

func ExampleScatter() {
	p := viz.Scatter([]float64{1, 2, 3}, []float64{2, 4, 3})
	viz.AddScatter(p, []float64{1.5}, []float64{3.5}, "query")
	fmt.Println(viz.Describe(p))
	// Output:
	// plot; x [1, 3]; y [2, 4]; series: points 1 (3), query
}

func ExampleHist() {
	fmt.Println(viz.Describe(viz.Hist([]float64{1, 2, 2, 3, 3, 3, math.NaN()}, 0)))
	// Output:
	// plot; x [1, 3]; y "count" [0, 3]; series: histogram of 6 values in 4 bins
}

func ExampleBars() {
	p := viz.Bars([]float64{0.2, 0.5, 0.3}, []string{"UCB", "Thompson", "EXP3"})
	p.Y.Label.Text = "regret"
	fmt.Println(viz.Describe(p))
	// Output:
	// plot; x [0, 2]; y "regret" [0, 0.5]; series: 3 bars
}

// GIF renders frames as an animated GIF without playing them; Animate plays
// them in the cell's output and leaves this GIF there.
func ExampleGIF() {
	var frames []*plot.Plot
	for k := range 3 {
		frames = append(frames, viz.Line([]float64{0, float64(k), 1}))
	}
	b, err := viz.GIF(frames, 5)
	fmt.Println(b.Text()[:35], err)
	// Output:
	// animation of 3 frames at 5 frames/s <nil>
}

// Build a plot series by series: each AddLine takes the next palette
// colour and a legend entry.
func ExampleNewPlot() {
	p := viz.NewPlot("two lines")
	viz.AddLine(p, []float64{0, 1, 2}, []float64{0, 1, 4}, "squares")
	viz.AddLine(p, []float64{0, 1, 2}, []float64{0, 1, 2}, "identity")
	fmt.Println(viz.Describe(p))
	// Output:
	// plot "two lines"; x [0, 2]; y [0, 4]; series: squares, identity
}
