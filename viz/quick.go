package viz

import (
	"fmt"
	"image"
	"image/color"
	"math"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	vgdraw "gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// okabeIto is the Okabe–Ito palette, distinguishable with the common forms
// of colour blindness, in the order quick plots use it.
var okabeIto = [...]color.RGBA{
	{0x00, 0x72, 0xB2, 0xFF}, // blue
	{0xD5, 0x5E, 0x00, 0xFF}, // vermillion
	{0x00, 0x9E, 0x73, 0xFF}, // bluish green
	{0xE6, 0x9F, 0x00, 0xFF}, // orange
	{0x56, 0xB4, 0xE9, 0xFF}, // sky blue
	{0xCC, 0x79, 0xA7, 0xFF}, // reddish purple
	{0xF0, 0xE4, 0x42, 0xFF}, // yellow
	{0x00, 0x00, 0x00, 0xFF}, // black
}

// Color returns the i-th colour of the default palette (Okabe–Ito, safe for
// colour-blind readers), cycling after eight.
func Color(i int) color.Color {
	n := len(okabeIto)
	return okabeIto[((i%n)+n)%n]
}

// viridis is the colour map of heat maps: perceptually uniform, increasing
// in lightness, readable by colour-blind readers and in grey scale.
func viridis() palette.ColorMap {
	hex := []uint32{0x440154, 0x482878, 0x3E4989, 0x31688E, 0x26828E, 0x1F9E89, 0x35B779, 0x6DCD59, 0xB4DE2C, 0xFDE725}
	cs := make([]color.Color, len(hex))
	for i, h := range hex {
		cs[i] = color.RGBA{uint8(h >> 16), uint8(h >> 8), uint8(h), 0xFF}
	}
	m, err := moreland.NewLuminance(cs)
	if err != nil {
		panic("viz: viridis control colours: " + err.Error())
	}
	return m
}

// newPlot returns a plot with sans-serif text and a light grid.
// NewPlot returns an empty plot in viz's style (sans-serif text, a light
// grid) with the given title, for building with AddLine and AddScatter or
// any gonum plotter.
func NewPlot(title string) *plot.Plot { return newPlot(title) }

func newPlot(title string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	styleText(p)
	p.Add(plotter.NewGrid())
	return p
}

// styleText sets p's text in Liberation Sans.
func styleText(p *plot.Plot) {
	sans := func(f *font.Font) { f.Variant = "Sans" }
	sans(&p.Title.TextStyle.Font)
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		sans(&a.Label.TextStyle.Font)
		sans(&a.Tick.Label.Font)
	}
	sans(&p.Legend.TextStyle.Font)
}

func lineStyle(i int) vgdraw.LineStyle {
	return vgdraw.LineStyle{Color: Color(i), Width: vg.Points(1.5)}
}

// seriesCount counts the series a quick plot added to p.
func seriesCount(p *plot.Plot) int {
	if m := metaOf(p); m != nil {
		return len(m.series)
	}
	return 0
}

func indexXs(n int) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = float64(i)
	}
	return x
}

func checkLen(fn string, x, y []float64) {
	if len(x) != len(y) {
		panic(fmt.Sprintf("viz.%s: len(x) = %d, len(y) = %d", fn, len(x), len(y)))
	}
}

// Line plots y against its index 0, 1, …, len(y)-1 as a line. Non-finite
// values leave gaps. Long series are drawn decimated to the pixel columns
// of the output, which keeps every extreme visible.
func Line(y []float64) *plot.Plot {
	return LineXY(indexXs(len(y)), y)
}

// LineXY plots y against x as a line; see Line.
func LineXY(x, y []float64) *plot.Plot {
	checkLen("LineXY", x, y)
	p := newPlot("")
	AddLine(p, x, y, "")
	return p
}

// AddLine adds the line through (x[i], y[i]) to p, in the next palette
// colour, with a legend entry when name is not empty.
func AddLine(p *plot.Plot, x, y []float64, name string) {
	checkLen("AddLine", x, y)
	i := seriesCount(p)
	l := &Curve{X: append([]float64(nil), x...), Y: append([]float64(nil), y...), LineStyle: lineStyle(i)}
	p.Add(l)
	if name != "" {
		p.Legend.Add(name, l)
	} else {
		name = fmt.Sprintf("line %d (%d points)", i+1, len(x))
	}
	addSeries(p, name)
}

// Scatter plots the points (x[i], y[i]) as dots.
func Scatter(x, y []float64) *plot.Plot {
	p := newPlot("")
	AddScatter(p, x, y, "")
	return p
}

// AddScatter adds the points (x[i], y[i]) to p as dots in the next palette
// colour, with a legend entry when name is not empty. Non-finite points are
// left out.
func AddScatter(p *plot.Plot, x, y []float64, name string) {
	checkLen("AddScatter", x, y)
	var xys plotter.XYs
	for i := range x {
		if finite(x[i]) && finite(y[i]) {
			xys = append(xys, plotter.XY{X: x[i], Y: y[i]})
		}
	}
	i := seriesCount(p)
	if len(xys) == 0 {
		addSeries(p, fmt.Sprintf("points %d (0)", i+1))
		return
	}
	s, err := plotter.NewScatter(xys)
	if err != nil {
		panic("viz.AddScatter: " + err.Error())
	}
	s.GlyphStyle = vgdraw.GlyphStyle{Color: Color(i), Radius: vg.Points(2.5), Shape: vgdraw.CircleGlyph{}}
	p.Add(s)
	if name != "" {
		p.Legend.Add(name, s)
	} else {
		name = fmt.Sprintf("points %d (%d)", i+1, len(xys))
	}
	addSeries(p, name)
}

// Hist plots a histogram of x with the given number of bins (Sturges' rule,
// ⌈log₂ n⌉+1, when bins ≤ 0). Non-finite values are left out.
func Hist(x []float64, bins int) *plot.Plot {
	var v plotter.Values
	for _, f := range x {
		if finite(f) {
			v = append(v, f)
		}
	}
	if bins <= 0 {
		bins = int(math.Ceil(math.Log2(float64(max(len(v), 1))))) + 1
	}
	p := newPlot("")
	p.Y.Label.Text = "count"
	if len(v) == 0 {
		addSeries(p, "histogram of 0 values")
		return p
	}
	h, err := plotter.NewHist(v, bins)
	if err != nil {
		panic("viz.Hist: " + err.Error())
	}
	h.FillColor = Color(0)
	h.LineStyle = vgdraw.LineStyle{Color: color.White, Width: vg.Points(0.5)}
	p.Add(h)
	addSeries(p, fmt.Sprintf("histogram of %d values in %d bins", len(v), bins))
	return p
}

// Semilogy plots y against its index with a logarithmic y axis, for
// convergence curves. Values ≤ 0 and non-finite values leave gaps.
func Semilogy(y []float64) *plot.Plot {
	p := newPlot("")
	p.Y.Scale = plot.LogScale{}
	p.Y.Tick.Marker = plot.LogTicks{Prec: -1}
	y2 := make([]float64, len(y))
	for i, v := range y {
		y2[i] = v
		if v <= 0 {
			y2[i] = math.NaN()
		}
	}
	AddLine(p, indexXs(len(y)), y2, "")
	if p.Y.Min > p.Y.Max {
		// No positive value: an empty decade keeps the log axis valid.
		p.Y.Min, p.Y.Max = 1, 10
	}
	p.X.Label.Text = "iteration"
	return p
}

// Bars plots values as vertical bars, labelled below by labels (which may be
// nil or shorter than values; missing labels are the indices).
func Bars(values []float64, labels []string) *plot.Plot {
	p := newPlot("")
	names := make([]string, len(values))
	for i := range names {
		names[i] = fmt.Sprint(i)
		if i < len(labels) {
			names[i] = labels[i]
		}
	}
	if len(values) == 0 {
		addSeries(p, "0 bars")
		return p
	}
	b, err := plotter.NewBarChart(plotter.Values(values), vg.Points(20))
	if err != nil {
		panic("viz.Bars: " + err.Error())
	}
	b.Color = Color(0)
	b.LineStyle.Width = 0
	p.Add(b)
	p.NominalX(names...)
	addSeries(p, fmt.Sprintf("%d bars", len(values)))
	return p
}

// Heatmap plots the matrix m as coloured cells, row 0 at the top, with a
// colour bar at the right (drawn when viz renders the plot) in the viridis
// colour map. NaN cells are white.
func Heatmap(m mat.Matrix) *plot.Plot {
	r, c := m.Dims()
	cm := viridis()
	lo, hi := math.Inf(1), math.Inf(-1)
	for i := range r {
		for j := range c {
			if v := m.At(i, j); finite(v) {
				lo, hi = min(lo, v), max(hi, v)
			}
		}
	}
	if lo > hi {
		lo, hi = 0, 1
	}
	if lo == hi {
		lo, hi = lo-0.5, hi+0.5
	}
	cm.SetMin(lo)
	cm.SetMax(hi)
	p := plot.New()
	styleText(p)
	if r > 0 && c > 0 {
		p.Add(newCells(m, cm.Palette(256).Colors(), lo, hi))
	}
	p.X.Tick.Marker = indexTicks{n: c}
	p.Y.Tick.Marker = indexTicks{n: r, reversed: true}
	p.X.Label.Text = "column"
	p.Y.Label.Text = "row"
	setMeta(p, &plotMeta{
		series:   []string{fmt.Sprintf("heat map of a %d×%d matrix, values in [%.4g, %.4g]", r, c, lo, hi)},
		colorBar: &plotter.ColorBar{ColorMap: cm, Vertical: true},
	})
	return p
}

// maxCellImage bounds the side of a heat map's image on vector canvases.
const maxCellImage = 1600

// cells is the heat map plotter: a snapshot of the matrix's values and
// their colours, row 0 at the top (column j over x ∈ [j-½, j+½], row i over
// y ∈ [r-1-i-½, r-1-i+½]).
type cells struct {
	r, c   int
	colors []color.RGBA // row-major, r×c
}

func newCells(m mat.Matrix, pal []color.Color, lo, hi float64) *cells {
	r, c := m.Dims()
	h := &cells{r: r, c: c, colors: make([]color.RGBA, r*c)}
	rgba := make([]color.RGBA, len(pal))
	for i, p := range pal {
		rgba[i] = color.RGBAModel.Convert(p).(color.RGBA)
	}
	scale := float64(len(pal)-1) / (hi - lo)
	for i := range r {
		for j := range c {
			col := color.RGBA{0xff, 0xff, 0xff, 0xff}
			if v := m.At(i, j); finite(v) {
				col = rgba[int(math.Round((min(max(v, lo), hi)-lo)*scale))]
			}
			h.colors[i*c+j] = col
		}
	}
	return h
}

// DataRange implements plot.DataRanger.
func (h *cells) DataRange() (xmin, xmax, ymin, ymax float64) {
	return -0.5, float64(h.c) - 0.5, -0.5, float64(h.r) - 0.5
}

// Plot implements plot.Plotter. On an image canvas it paints each device
// pixel with the colour of the cell under its centre, which is exact and
// avoids resampling an image; on other canvases (SVG) it draws an image with
// k×k pixels per cell.
func (h *cells) Plot(c vgdraw.Canvas, plt *plot.Plot) {
	trX, trY := plt.Transforms(&c)
	if vc, ok := baseCanvas(c).(*vgimg.Canvas); ok {
		if img, ok := vc.Image().(*image.RGBA); ok {
			h.paint(img, vc.DPI(), c.Rectangle, trX, trY)
			return
		}
	}
	kx := max(1, min(maxCellImage/h.c, 64))
	ky := max(1, min(maxCellImage/h.r, 64))
	img := image.NewRGBA(image.Rect(0, 0, h.c*kx, h.r*ky))
	for y := range h.r * ky {
		for x := range h.c * kx {
			img.SetRGBA(x, y, h.colors[(y/ky)*h.c+x/kx])
		}
	}
	plotter.NewImage(img, -0.5, -0.5, float64(h.c)-0.5, float64(h.r)-0.5).Plot(c, plt)
}

// paint fills the pixels of img (drawn at dpi, y upwards in canvas
// coordinates) inside the data area clip.
func (h *cells) paint(img *image.RGBA, dpi float64, clip vg.Rectangle, trX, trY func(float64) vg.Length) {
	H := float64(img.Bounds().Dy())
	x0, x1 := trX(-0.5).Dots(dpi), trX(float64(h.c)-0.5).Dots(dpi)
	y0, y1 := trY(-0.5).Dots(dpi), trY(float64(h.r)-0.5).Dots(dpi) // bottom, top
	cx0, cx1 := max(x0, clip.Min.X.Dots(dpi)), min(x1, clip.Max.X.Dots(dpi))
	cy0, cy1 := max(y0, clip.Min.Y.Dots(dpi)), min(y1, clip.Max.Y.Dots(dpi))
	b := img.Bounds()
	ixs, ixe := max(int(math.Round(cx0)), b.Min.X), min(int(math.Round(cx1)), b.Max.X)
	iys, iye := max(int(math.Round(H-cy1)), b.Min.Y), min(int(math.Round(H-cy0)), b.Max.Y)
	if ixs >= ixe || iys >= iye || x1 <= x0 || y1 <= y0 {
		return
	}
	cols := make([]int, ixe-ixs)
	for ix := ixs; ix < ixe; ix++ {
		cols[ix-ixs] = min(max(int((float64(ix)+0.5-x0)/(x1-x0)*float64(h.c)), 0), h.c-1)
	}
	for iy := iys; iy < iye; iy++ {
		k := int((H - float64(iy) - 0.5 - y0) / (y1 - y0) * float64(h.r)) // rows from the bottom
		row := h.r - 1 - min(max(k, 0), h.r-1)
		off := img.PixOffset(ixs, iy)
		for n, j := range cols {
			col := h.colors[row*h.c+j]
			p := img.Pix[off+4*n : off+4*n+4 : off+4*n+4]
			p[0], p[1], p[2], p[3] = col.R, col.G, col.B, col.A
		}
	}
}

// indexTicks marks integer indices 0..n-1 at a step of 1, 2 or 5 times a
// power of ten giving at most eight labels; reversed labels position y with
// index n-1-y.
type indexTicks struct {
	n        int
	reversed bool
}

// Ticks implements plot.Ticker.
func (t indexTicks) Ticks(lo, hi float64) []plot.Tick {
	step := 1
	for k := 1; t.n/step >= 8; k *= 10 {
		for _, s := range []int{1, 2, 5} {
			if step = s * k; t.n/step < 8 {
				break
			}
		}
	}
	var ts []plot.Tick
	for i := 0; i < t.n; i += step {
		pos := float64(i)
		if t.reversed {
			pos = float64(t.n - 1 - i)
		}
		if pos >= lo && pos <= hi {
			ts = append(ts, plot.Tick{Value: pos, Label: fmt.Sprint(i)})
		}
	}
	return ts
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// baseCanvas returns the vg.Canvas under c and the draw.Canvas values that
// vgdraw.Crop wraps around it.
func baseCanvas(c vgdraw.Canvas) vg.Canvas {
	v := c.Canvas
	for {
		w, ok := v.(vgdraw.Canvas)
		if !ok {
			return v
		}
		v = w.Canvas
	}
}
