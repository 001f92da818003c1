package viz

import (
	"bytes"
	"flag"
	"image"
	"image/png"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

var update = flag.Bool("update", false, "rewrite the golden images in testdata/golden")

// goldenRMSE is the largest root-mean-square difference, over the R, G and
// B channels on a 0–255 scale, at which a rendering matches its golden
// image. It absorbs anti-aliasing differences (floating-point rounding on
// other architectures); a moved line, a changed label or colour exceeds it.
const goldenRMSE = 2.0

// Golden images are rendered at half the default size to keep them small.
const goldenW, goldenH = DefaultWidth / 2, DefaultHeight / 2

// randomWalk returns n steps of a Gaussian random walk with a fixed seed.
func randomWalk(n int, seed uint64) []float64 {
	r := rand.New(rand.NewPCG(seed, 1))
	y := make([]float64, n)
	s := 0.0
	for i := range y {
		s += r.NormFloat64()
		y[i] = s
	}
	return y
}

func goldenPlots() map[string]func() *plot.Plot {
	return map[string]func() *plot.Plot{
		"line": func() *plot.Plot {
			p := Line(randomWalk(200, 1))
			p.Title.Text = "random walk"
			return p
		},
		"linexy": func() *plot.Plot {
			x := make([]float64, 100)
			s, c := make([]float64, 100), make([]float64, 100)
			for i := range x {
				x[i] = float64(i) / 10
				s[i], c[i] = math.Sin(x[i]), math.Cos(x[i])
			}
			p := LineXY(x, s)
			AddLine(p, x, c, "cos")
			p.X.Label.Text = "t"
			return p
		},
		"scatter": func() *plot.Plot {
			r := rand.New(rand.NewPCG(2, 2))
			x, y := make([]float64, 300), make([]float64, 300)
			for i := range x {
				x[i] = r.NormFloat64()
				y[i] = 0.5*x[i] + 0.5*r.NormFloat64()
			}
			return Scatter(x, y)
		},
		"hist": func() *plot.Plot {
			r := rand.New(rand.NewPCG(3, 3))
			x := make([]float64, 2000)
			for i := range x {
				x[i] = r.NormFloat64()
			}
			return Hist(x, 0)
		},
		"heatmap": func() *plot.Plot {
			m := mat.NewDense(6, 9, nil)
			for i := range 6 {
				for j := range 9 {
					m.Set(i, j, math.Sin(float64(i))*float64(j))
				}
			}
			return Heatmap(m)
		},
		"semilogy": func() *plot.Plot {
			y := make([]float64, 60)
			for i := range y {
				y[i] = math.Pow(0.7, float64(i)) * (1 + 0.3*math.Sin(float64(i)))
			}
			p := Semilogy(y)
			p.Y.Label.Text = "residual"
			return p
		},
		"bars": func() *plot.Plot {
			return Bars([]float64{3, 1, 4, 1, 5}, []string{"a", "b", "c", "d"})
		},
	}
}

func renderPNG(t testing.TB, p *plot.Plot, w, h int) image.Image {
	t.Helper()
	b, err := PlotPNG(p, w, h)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// rmse is the root-mean-square difference of a and b over R, G and B on a
// 0–255 scale; +Inf when their sizes differ.
func rmse(a, b image.Image) float64 {
	if a.Bounds().Size() != b.Bounds().Size() {
		return math.Inf(1)
	}
	ra, rb := a.Bounds(), b.Bounds()
	var sum float64
	for y := range ra.Dy() {
		for x := range ra.Dx() {
			r1, g1, b1, _ := a.At(ra.Min.X+x, ra.Min.Y+y).RGBA()
			r2, g2, b2, _ := b.At(rb.Min.X+x, rb.Min.Y+y).RGBA()
			for _, d := range []float64{float64(r1) - float64(r2), float64(g1) - float64(g2), float64(b1) - float64(b2)} {
				d /= 257
				sum += d * d
			}
		}
	}
	return math.Sqrt(sum / float64(3*ra.Dx()*ra.Dy()))
}

func readGolden(t *testing.T, name string) image.Image {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "golden", name+".png"))
	if err != nil {
		t.Fatalf("%v (run go test ./viz -run Golden -update)", err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// TestGolden compares each quick plot with its committed golden image.
func TestGolden(t *testing.T) {
	for name, mk := range goldenPlots() {
		t.Run(name, func(t *testing.T) {
			got := renderPNG(t, mk(), goldenW, goldenH)
			if wantW, wantH := goldenW*PixelRatio, goldenH*PixelRatio; got.Bounds().Dx() != wantW || got.Bounds().Dy() != wantH {
				t.Fatalf("size %v, want %d×%d", got.Bounds().Size(), wantW, wantH)
			}
			file := filepath.Join("testdata", "golden", name+".png")
			if *update {
				var buf bytes.Buffer
				if err := png.Encode(&buf, got); err != nil {
					t.Fatal(err)
				}
				if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(file, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if d := rmse(got, readGolden(t, name)); d > goldenRMSE {
				t.Errorf("RMSE %.3f against %s, above %.1f", d, file, goldenRMSE)
			}
		})
	}
}

// TestGoldenDetectsChange checks that the comparison fails for changed
// plots: the same plots with a moved point, another title, another colour.
func TestGoldenDetectsChange(t *testing.T) {
	changes := []struct {
		golden string
		plot   func() *plot.Plot
	}{
		{"line", func() *plot.Plot {
			y := randomWalk(200, 1)
			y[100] += 15
			p := Line(y)
			p.Title.Text = "random walk"
			return p
		}},
		{"line", func() *plot.Plot {
			p := Line(randomWalk(200, 1))
			p.Title.Text = "random walk 2"
			return p
		}},
		{"bars", func() *plot.Plot {
			p := Bars([]float64{3, 1, 4, 1, 5}, []string{"a", "b", "c", "d"})
			p.Add(plotter.NewFunction(func(float64) float64 { return 2 }))
			return p
		}},
		{"heatmap", func() *plot.Plot {
			return Heatmap(mat.NewDense(6, 9, nil))
		}},
	}
	for i, c := range changes {
		if d := rmse(renderPNG(t, c.plot(), goldenW, goldenH), readGolden(t, c.golden)); d <= goldenRMSE {
			t.Errorf("change %d: RMSE %.3f against %s is within %.1f", i, d, c.golden, goldenRMSE)
		}
	}
}

// TestCurveDecimation checks that a 10,000-point Curve renders within the
// golden threshold of the same data drawn undecimated by plotter.Line, at
// the default size, and that it is not trivially identical (the reduced
// path has far fewer points).
func TestCurveDecimation(t *testing.T) {
	y := randomWalk(10000, 7)
	fast := Line(y)
	slow := newPlot("")
	xys := make(plotter.XYs, len(y))
	for i := range y {
		xys[i] = plotter.XY{X: float64(i), Y: y[i]}
	}
	l, err := plotter.NewLine(xys)
	if err != nil {
		t.Fatal(err)
	}
	l.LineStyle = lineStyle(0)
	slow.Add(l)
	if d := rmse(renderPNG(t, fast, DefaultWidth, DefaultHeight), renderPNG(t, slow, DefaultWidth, DefaultHeight)); d > goldenRMSE {
		t.Errorf("decimated render differs: RMSE %.3f > %.1f", d, goldenRMSE)
	}
}

// BenchmarkLine10k renders a 10,000-point line plot (Line, decimated) to
// PNG at the default size and PixelRatio.
func BenchmarkLine10k(b *testing.B) {
	p := Line(randomWalk(10000, 7))
	start := cpuTime()
	for b.Loop() {
		if _, err := PlotPNG(p, DefaultWidth, DefaultHeight); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, start)
}

// BenchmarkLine10kUndecimated is BenchmarkLine10k with plotter.Line, for
// comparison.
func BenchmarkLine10kUndecimated(b *testing.B) {
	y := randomWalk(10000, 7)
	p := newPlot("")
	xys := make(plotter.XYs, len(y))
	for i := range y {
		xys[i] = plotter.XY{X: float64(i), Y: y[i]}
	}
	l, err := plotter.NewLine(xys)
	if err != nil {
		b.Fatal(err)
	}
	l.LineStyle = lineStyle(0)
	p.Add(l)
	start := cpuTime()
	for b.Loop() {
		if _, err := PlotPNG(p, DefaultWidth, DefaultHeight); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, start)
}

// BenchmarkLine10kNaive renders the same plot as a user would without viz:
// plotter.Line, vgimg at the same size and resolution, image/png.
func BenchmarkLine10kNaive(b *testing.B) {
	y := randomWalk(10000, 7)
	p := plot.New()
	xys := make(plotter.XYs, len(y))
	for i := range y {
		xys[i] = plotter.XY{X: float64(i), Y: y[i]}
	}
	l, err := plotter.NewLine(xys)
	if err != nil {
		b.Fatal(err)
	}
	p.Add(l)
	start := cpuTime()
	for b.Loop() {
		c := vgimg.NewWith(vgimg.UseWH(cssLength(DefaultWidth), cssLength(DefaultHeight)), vgimg.UseDPI(cssDPI*PixelRatio))
		p.Draw(draw.New(c))
		if _, err := (vgimg.PngCanvas{Canvas: c}).WriteTo(io.Discard); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, start)
}

// BenchmarkHeatmap500 renders a 500×500 heat map with its colour bar to PNG
// at the default size.
func BenchmarkHeatmap500(b *testing.B) {
	m := mat.NewDense(500, 500, nil)
	for i := range 500 {
		for j := range 500 {
			m.Set(i, j, math.Sin(float64(i)/40)*math.Cos(float64(j)/25))
		}
	}
	start := cpuTime()
	for b.Loop() {
		if _, err := PlotPNG(Heatmap(m), DefaultWidth, DefaultHeight); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, start)
}
