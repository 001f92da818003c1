package viz

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"image"
	"image/color"
	"image/gif"
	"image/png"
	"math"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gomx-dev/gomx/mathx/interrupt"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// recorder is a Sink that keeps every display.
type recorder struct {
	mu  sync.Mutex
	got []shown1
}

type shown1 struct {
	b      Bundle
	id     string
	update bool
}

func (r *recorder) Display(b Bundle, id string, update bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got = append(r.got, shown1{b, id, update})
}

func (r *recorder) Clear(bool) {}

// capture makes a recorder the sink for the test.
func capture(t *testing.T) *recorder {
	r := &recorder{}
	old := SetSink(r)
	t.Cleanup(func() { SetSink(old) })
	return r
}

func decodePNG(t *testing.T, b Bundle) image.Image {
	t.Helper()
	raw, err := base64.StdEncoding.DecodeString(b.Data[MIMEPNG])
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func TestRenderDispatch(t *testing.T) {
	p := Line([]float64{1, 2, 3})
	tests := []struct {
		name     string
		v        any
		mimes    []string
		textHas  string
		noMIMEOf string
	}{
		{"plot", p, []string{MIMEPNG, MIMEText}, "plot; x [0, 2]; y [1, 3]", MIMESVG},
		{"dense", mat.NewDense(2, 2, []float64{1, 2, 3, 4}), []string{MIMEHTML, MIMEText}, "mat.Dense 2×2", ""},
		{"vecdense", mat.NewVecDense(3, []float64{1, 2, 3}), []string{MIMEHTML, MIMEText}, "mat.VecDense 3×1", ""},
		{"slice", []float64{1, 2.5}, []string{MIMEText}, "[]float64 len 2\n[1 2.5]", MIMEHTML},
		{"table", [][]float64{{1, 2}, {3, 4}}, []string{MIMEText}, "[][]float64 2×2", MIMEHTML},
		{"error", errors.New("boom"), []string{MIMEText}, "boom", ""},
		{"image", image.NewRGBA(image.Rect(0, 0, 3, 2)), []string{MIMEPNG, MIMEText}, "3×2", ""},
		{"grid", Grid(2, p, p), []string{MIMEPNG, MIMEText}, "grid of 2 plots", ""},
		{"html", HTML("<b>x</b>"), []string{MIMEHTML, MIMEText}, "<b>x</b>", ""},
		{"int", 42, []string{MIMEText}, "42", MIMEHTML},
		{"nil plot", (*plot.Plot)(nil), []string{MIMEText}, "<nil>", MIMEPNG},
		{"nil matrix", (*mat.Dense)(nil), []string{MIMEText}, "viz: rendering *mat.Dense", MIMEHTML},
	}
	for _, tt := range tests {
		b := Render(tt.v)
		for _, m := range tt.mimes {
			if b.Data[m] == "" {
				t.Errorf("%s: no %s in %v", tt.name, m, keys(b))
			}
		}
		if !strings.Contains(b.Text(), tt.textHas) {
			t.Errorf("%s: text %q lacks %q", tt.name, b.Text(), tt.textHas)
		}
		if tt.noMIMEOf != "" && b.Data[tt.noMIMEOf] != "" {
			t.Errorf("%s: unexpected %s", tt.name, tt.noMIMEOf)
		}
	}
}

func keys(b Bundle) []string {
	var ks []string
	for k := range b.Data {
		ks = append(ks, k)
	}
	return ks
}

// TestPlotPNGSize checks the documented size: metadata in CSS pixels,
// PixelRatio times as many image pixels, and SetPlotSize.
func TestPlotPNGSize(t *testing.T) {
	p := Line([]float64{1, 2})
	for _, sz := range [][2]int{{DefaultWidth, DefaultHeight}, {300, 150}} {
		SetPlotSize(sz[0], sz[1])
		b := Render(p)
		md := b.Metadata[MIMEPNG].(map[string]any)
		if md["width"] != sz[0] || md["height"] != sz[1] {
			t.Errorf("metadata %v, want %v", md, sz)
		}
		if got := decodePNG(t, b).Bounds().Size(); got != image.Pt(sz[0]*PixelRatio, sz[1]*PixelRatio) {
			t.Errorf("PNG %v, want %d×%d at ratio %d", got, sz[0], sz[1], PixelRatio)
		}
	}
	SetPlotSize(0, 0)
	if w, h := PlotSize(); w != DefaultWidth || h != DefaultHeight {
		t.Errorf("PlotSize after reset = %d, %d", w, h)
	}
}

// TestSVG checks SVG output: the setting, embedded fonts and text.
func TestSVG(t *testing.T) {
	p := Line([]float64{1, 2, 3})
	p.Title.Text = "convergence"
	s := SVG(p)
	svg := s.Data[MIMESVG]
	for _, want := range []string{"<svg", "@font-face", "font/ttf;charset=utf-8;base64,", ">convergence</text>"} {
		if !strings.Contains(svg, want) {
			t.Errorf("SVG lacks %q", want)
		}
	}
	if !strings.Contains(s.Text(), `plot "convergence"`) {
		t.Errorf("SVG text %q", s.Text())
	}
	hm := SVG(Heatmap(mat.NewDense(2, 2, []float64{1, 2, 3, 4})))
	if !strings.Contains(hm.Data[MIMESVG], "<image") {
		t.Error("SVG heat map has no image")
	}
	SetSVG(true)
	defer SetSVG(false)
	if b := Render(p); b.Data[MIMESVG] == "" || b.Data[MIMEPNG] != "" {
		t.Errorf("with SetSVG(true), Render gives %v", keys(b))
	}
}

func TestDescribe(t *testing.T) {
	p := LineXY([]float64{0, 1}, []float64{5, 7})
	AddLine(p, []float64{0, 1}, []float64{6, 6}, "flat")
	p.Title.Text = "T"
	p.X.Label.Text = "x"
	if got, want := Describe(p), `plot "T"; x "x" [0, 1]; y [5, 7]; series: line 1 (2 points), flat`; got != want {
		t.Errorf("Describe = %q, want %q", got, want)
	}
	if got := Describe(Semilogy([]float64{1, 0.1})); !strings.Contains(got, "log") {
		t.Errorf("Semilogy description %q lacks log", got)
	}
	if got := Describe(plot.New()); got != "plot; x; y" {
		t.Errorf("empty plot description %q", got)
	}
	q := plot.New()
	l, err := plotter.NewLine(plotter.XYs{{X: 0, Y: 1}, {X: 2, Y: 3}})
	if err != nil {
		t.Fatal(err)
	}
	s, err := plotter.NewScatter(plotter.XYs{{X: 1, Y: 2}})
	if err != nil {
		t.Fatal(err)
	}
	q.Add(plotter.NewGrid(), l, s)
	q.Legend.Add("loss", l)
	if got, want := Describe(q), `plot; x [0, 2]; y [1, 3]; plotters: plotter.Line "loss", plotter.Scatter`; got != want {
		t.Errorf("Describe = %q, want %q", got, want)
	}
}

func TestMatrixBundle(t *testing.T) {
	small := MatrixBundle(mat.NewDense(2, 3, []float64{1, 2, 3, 4, 5, 6}))
	if want := "mat.Dense 2×3\n⎡1  2  3⎤\n⎣4  5  6⎦"; small.Text() != want {
		t.Errorf("text %q, want %q", small.Text(), want)
	}
	if h := small.Data[MIMEHTML]; strings.Count(h, "<tr>") != 3 || !strings.Contains(h, "<td>6</td>") || strings.Contains(h, "…") {
		t.Errorf("html %s", h)
	}
	big := mat.NewDense(50, 30, nil)
	big.Set(49, 29, 7)
	bb := MatrixBundle(big)
	h := bb.Data[MIMEHTML]
	// 1 header row, 20 rows and one elision row; 20 columns and one elision
	// column plus the index column.
	if n := strings.Count(h, "<tr>"); n != 22 {
		t.Errorf("%d rows in the table of a 50×30 matrix, want 22", n)
	}
	if !strings.Contains(h, "<th>49</th>") || !strings.Contains(h, "<th>29</th>") || strings.Contains(h, "<th>15</th>") || !strings.Contains(h, "<td>7</td>") {
		t.Error("elided table lacks the last row/column or shows a middle one")
	}
	if !strings.HasPrefix(bb.Text(), "mat.Dense 50×30\n") || !strings.Contains(bb.Text(), "...") {
		t.Errorf("elided text %q", bb.Text())
	}
}

func TestSliceAndTable(t *testing.T) {
	long := make([]float64, 1000)
	long[999] = 9
	tests := []struct {
		b    Bundle
		want string
	}{
		{SliceBundle(nil), "[]float64 len 0\n[]"},
		{SliceBundle([]float64{1, math.NaN(), 1e-9}), "[]float64 len 3\n[1 NaN 1e-09]"},
		{SliceBundle(long), "[]float64 len 1000\n[0 0 0 0 0 0 0 0 0 0 … 0 0 0 0 0 0 0 0 0 9]"},
		{TableBundle([][]float64{{1, 22}, {333, 4}}), "[][]float64 2×2\n  1  22\n333   4"},
		{TableBundle([][]float64{{1}, {2, 3}}), "[][]float64 2 rows of 1 to 2\n1   \n2  3"},
	}
	for i, tt := range tests {
		if tt.b.Text() != tt.want {
			t.Errorf("%d: %q, want %q", i, tt.b.Text(), tt.want)
		}
	}
}

// TestHeatmap checks orientation (row 0 at the top) and the colour bar:
// the minimum cell is dark purple, the maximum yellow, and the strip at the
// right holds both ends of the colour map.
func TestHeatmap(t *testing.T) {
	m := mat.NewDense(2, 2, []float64{0, 0, 0, 10}) // max at bottom right
	p := Heatmap(m)
	img := renderPNG(t, p, DefaultWidth, DefaultHeight)
	dark, yellow := color.RGBA{0x44, 0x01, 0x54, 0xff}, color.RGBA{0xfd, 0xe7, 0x25, 0xff}
	near := func(c color.Color, want color.RGBA) bool {
		r, g, b, _ := c.RGBA()
		d := math.Abs(float64(r>>8)-float64(want.R)) + math.Abs(float64(g>>8)-float64(want.G)) + math.Abs(float64(b>>8)-float64(want.B))
		return d < 40
	}
	// Find the yellow cell in the plot area (left of the colour bar).
	w, h := img.Bounds().Dx(), img.Bounds().Dy()
	barX := w - int(float64(colorBarWidth)/72*cssDPI*PixelRatio)
	var yx, yy, n int
	for y := 0; y < h; y++ {
		for x := 0; x < barX; x++ {
			if near(img.At(x, y), yellow) {
				yx += x
				yy += y
				n++
			}
		}
	}
	if n == 0 {
		t.Fatal("no yellow cell")
	}
	if yx/n < barX/2 || yy/n < h/2 {
		t.Errorf("maximum drawn at (%d, %d), want the bottom right quadrant", yx/n, yy/n)
	}
	var barDark, barYellow bool
	for y := 0; y < h; y++ {
		for x := barX; x < w; x++ {
			barDark = barDark || near(img.At(x, y), dark)
			barYellow = barYellow || near(img.At(x, y), yellow)
		}
	}
	if !barDark || !barYellow {
		t.Errorf("colour bar: dark end %v, yellow end %v", barDark, barYellow)
	}
}

func TestColor(t *testing.T) {
	if Color(0) != Color(8) || Color(-1) != Color(7) || Color(0) == Color(1) {
		t.Error("Color does not cycle through eight colours")
	}
}

// fakeClock is a settable time source.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time          { return c.t }
func (c *fakeClock) advance(d time.Duration) { c.t = c.t.Add(d) }

// TestProgress drives a bar with a fake clock: one display id, the first
// display a new output and the rest updates, at most 10 updates per
// second, the last state shown, rate and ETA right.
func TestProgress(t *testing.T) {
	r := capture(t)
	clk := &fakeClock{t: time.Unix(0, 0)}
	p := newProgress(1000, clk.now)
	for range 1000 {
		clk.advance(time.Millisecond) // 1000 steps/s for 1 s
		p.Add(1)
	}
	p.Done()
	if len(r.got) < 3 || len(r.got) > 1+10+2 {
		t.Fatalf("%d displays for 1 s of progress, want 3..13", len(r.got))
	}
	id := r.got[0].id
	for i, d := range r.got {
		if d.id != id || d.update != (i > 0) {
			t.Fatalf("display %d: id %q update %v; first id %q", i, d.id, d.update, id)
		}
	}
	if got := r.got[0].b.Text(); got != "[░░░░░░░░░░░░░░░░░░░░]   0% 0/1000" {
		t.Errorf("first %q", got)
	}
	mid := r.got[len(r.got)/2].b.Text()
	if !strings.Contains(mid, "1k it/s, ETA ") {
		t.Errorf("middle %q lacks rate and ETA", mid)
	}
	last := r.got[len(r.got)-1].b
	if want := "[████████████████████] 100% 1000/1000 · done in 1.0s, 1k it/s"; last.Text() != want {
		t.Errorf("last %q, want %q", last.Text(), want)
	}
	if !strings.Contains(last.Data[MIMEHTML], `<progress value="1000" max="1000"`) {
		t.Errorf("html %s", last.Data[MIMEHTML])
	}

	// ETA: 250 of 1000 steps in 5 s leave 15 s.
	clk2 := &fakeClock{t: time.Unix(0, 0)}
	q := newProgress(1000, clk2.now)
	clk2.advance(5 * time.Second)
	q.Set(250)
	if got := q.Bundle().Text(); !strings.HasSuffix(got, "250/1000 · 50 it/s, ETA 0:15") {
		t.Errorf("ETA text %q", got)
	}
	n := len(r.got)
	q.Done()
	q.Done()
	q.Add(5)
	if len(r.got) != n+1 {
		t.Errorf("Done twice and Add after Done made %d displays, want 1", len(r.got)-n)
	}
}

func TestProgressUnknownTotal(t *testing.T) {
	capture(t)
	clk := &fakeClock{t: time.Unix(0, 0)}
	p := newProgress(0, clk.now)
	clk.advance(2 * time.Second)
	p.Set(10)
	if got := p.Bundle().Text(); got != "10 · 5 it/s" {
		t.Errorf("%q", got)
	}
}

// TestAnimate plays frames into a recorder: one display id, a PNG per
// frame, then an animated GIF with every frame.
func TestAnimate(t *testing.T) {
	r := capture(t)
	SetPlotSize(160, 100)
	defer SetPlotSize(0, 0)
	var frames []*plot.Plot
	for k := range 4 {
		y := make([]float64, 20)
		for i := range y {
			y[i] = math.Sin(float64(i)/3 + float64(k))
		}
		frames = append(frames, Line(y))
	}
	Animate(frames, 100)
	if len(r.got) != 5 {
		t.Fatalf("%d displays, want 4 frames and the GIF", len(r.got))
	}
	for i, d := range r.got {
		if d.id != r.got[0].id || d.update != (i > 0) {
			t.Errorf("display %d: id %q update %v", i, d.id, d.update)
		}
		if i < 4 && d.b.Data[MIMEPNG] == "" {
			t.Errorf("frame %d is not a PNG", i)
		}
	}
	final := r.got[4].b
	raw, err := base64.StdEncoding.DecodeString(final.Data[MIMEGIF])
	if err != nil {
		t.Fatal(err)
	}
	g, err := gif.DecodeAll(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Image) != 4 || g.Delay[0] != 2 || g.Image[0].Bounds().Size() != image.Pt(160, 100) {
		t.Errorf("GIF: %d frames, delay %v, size %v", len(g.Image), g.Delay, g.Image[0].Bounds().Size())
	}
	if !strings.HasPrefix(final.Text(), "animation of 4 frames") {
		t.Errorf("GIF text %q", final.Text())
	}
}

// TestAnimateInterrupted checks that a cancelled cell stops the playing at
// once and still leaves the GIF.
func TestAnimateInterrupted(t *testing.T) {
	r := capture(t)
	SetPlotSize(80, 50)
	defer SetPlotSize(0, 0)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	interrupt.Set(ctx)
	defer interrupt.Set(nil)
	frames := []*plot.Plot{Line([]float64{1, 2}), Line([]float64{2, 1}), Line([]float64{1, 1})}
	start := time.Now()
	Animate(frames, 0.01) // 100 s per frame unless interrupted
	if d := time.Since(start); d > 50*time.Second {
		t.Fatalf("interrupted Animate took %v", d)
	}
	if len(r.got) != 2 || r.got[1].b.Data[MIMEGIF] == "" {
		t.Errorf("got %d displays, want the first frame and the GIF", len(r.got))
	}
}

// TestCurveGaps checks that non-finite values split a Curve and do not
// enter its range.
func TestCurveGaps(t *testing.T) {
	c := &Curve{X: []float64{0, 1, 2, 3}, Y: []float64{1, math.NaN(), 3, math.Inf(1)}}
	if x0, x1, y0, y1 := c.DataRange(); x0 != 0 || x1 != 2 || y0 != 1 || y1 != 3 {
		t.Errorf("DataRange = %v %v %v %v", x0, x1, y0, y1)
	}
	var line []vg.Point
	for i := range 5 {
		line = append(line, vg.Point{X: vg.Length(i)})
	}
	got := chunks([][]vg.Point{line}, 2)
	if len(got) != 2 || len(got[0]) != 3 || len(got[1]) != 3 || got[0][2] != got[1][0] {
		t.Errorf("chunks of 4 segments by 2: %v", got)
	}
}
