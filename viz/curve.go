package viz

import (
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// A Curve is a plot.Plotter drawing the polyline through (X[i], Y[i]), like
// plotter.Line, but fast for long series: consecutive points falling in the
// same pixel column of the output are reduced to the first, lowest, highest
// and last of them, so every extreme stays visible and the drawn path has at
// most about four points per pixel column. Non-finite points leave gaps.
type Curve struct {
	X, Y      []float64
	LineStyle draw.LineStyle
}

// columnDPI is the resolution at which Curve decimates on canvases that do
// not report theirs (vector output): the PNG resolution.
const columnDPI = cssDPI * PixelRatio

// Plot draws the curve; it implements plot.Plotter.
func (l *Curve) Plot(c draw.Canvas, plt *plot.Plot) {
	trX, trY := plt.Transforms(&c)
	dpi := float64(columnDPI)
	if d, ok := baseCanvas(c).(interface{ DPI() float64 }); ok && d.DPI() > 0 {
		dpi = d.DPI()
	}
	col := vg.Inch / vg.Length(dpi) / 2
	var lines [][]vg.Point
	var cur []vg.Point
	// The points of the current pixel column: first, min, max, last.
	var first, lo, hi, last vg.Point
	var iLo, iHi int
	n, column := 0, 0
	flush := func() {
		if n == 0 {
			return
		}
		cur = append(cur, first)
		if n > 1 {
			a, b := lo, hi
			if iHi < iLo {
				a, b = hi, lo
			}
			for _, q := range []vg.Point{a, b, last} {
				if q != cur[len(cur)-1] {
					cur = append(cur, q)
				}
			}
		}
		n = 0
	}
	end := func() {
		flush()
		if len(cur) > 0 {
			lines = append(lines, cur)
		}
		cur = nil
	}
	for i := range l.X {
		if i >= len(l.Y) || !finite(l.X[i]) || !finite(l.Y[i]) {
			end()
			continue
		}
		pt := vg.Point{X: trX(l.X[i]), Y: trY(l.Y[i])}
		k := int(math.Floor(float64(pt.X / col)))
		if n > 0 && k != column {
			flush()
		}
		if n == 0 {
			column, first, lo, hi, iLo, iHi = k, pt, pt, pt, i, i
		}
		if pt.Y < lo.Y {
			lo, iLo = pt, i
		}
		if pt.Y > hi.Y {
			hi, iHi = pt, i
		}
		last = pt
		n++
	}
	end()
	c.StrokeLines(l.LineStyle, chunks(c.ClipLinesXY(lines...), chunkLen)...)
}

// chunkLen is the number of segments stroked at a time. The rasteriser's
// cost grows with the square of the path cells that share a pixel row, so
// a long wiggly path is much faster stroked in pieces.
const chunkLen = 32

// chunks splits each line into pieces of at most n segments that share
// their end points.
func chunks(lines [][]vg.Point, n int) [][]vg.Point {
	var out [][]vg.Point
	for _, l := range lines {
		for len(l) > n+1 {
			out = append(out, l[:n+1])
			l = l[n:]
		}
		out = append(out, l)
	}
	return out
}

// DataRange returns the range of the finite points (+Inf, -Inf when there
// are none, which leaves a plot's range alone); it implements
// plot.DataRanger.
func (l *Curve) DataRange() (xmin, xmax, ymin, ymax float64) {
	xmin, ymin = math.Inf(1), math.Inf(1)
	xmax, ymax = math.Inf(-1), math.Inf(-1)
	for i := range l.X {
		if i >= len(l.Y) || !finite(l.X[i]) || !finite(l.Y[i]) {
			continue
		}
		xmin, xmax = min(xmin, l.X[i]), max(xmax, l.X[i])
		ymin, ymax = min(ymin, l.Y[i]), max(ymax, l.Y[i])
	}
	return xmin, xmax, ymin, ymax
}

// Thumbnail draws the legend's sample of the line; it implements
// plot.Thumbnailer.
func (l *Curve) Thumbnail(c *draw.Canvas) {
	y := c.Center().Y
	c.StrokeLine2(l.LineStyle, c.Min.X, y, c.Max.X, y)
}

// GlyphBoxes returns boxes of half the line width around the extreme
// points, so that the plot leaves room for the line's thickness at its
// edges, as plotter.Line does; it implements plot.GlyphBoxer.
func (l *Curve) GlyphBoxes(plt *plot.Plot) []plot.GlyphBox {
	r := 0.5 * l.LineStyle.Width
	rect := vg.Rectangle{Min: vg.Point{X: -r, Y: -r}, Max: vg.Point{X: r, Y: r}}
	xmin, xmax, ymin, ymax := l.DataRange()
	var bs []plot.GlyphBox
	for i := range l.X {
		if i >= len(l.Y) || !finite(l.X[i]) || !finite(l.Y[i]) {
			continue
		}
		if x, y := l.X[i], l.Y[i]; x == xmin || x == xmax || y == ymin || y == ymax {
			bs = append(bs, plot.GlyphBox{X: plt.X.Norm(x), Y: plt.Y.Norm(y), Rectangle: rect})
		}
	}
	return bs
}
