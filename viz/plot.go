package viz

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"math"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"weak"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// Plot rendering defaults. A plot is shown at DefaultWidth×DefaultHeight CSS
// pixels; its PNG has PixelRatio times as many pixels in each direction, for
// sharp display on high-density screens.
const (
	DefaultWidth  = 640
	DefaultHeight = 400
	PixelRatio    = 2
)

// cssDPI is the resolution of a CSS pixel: 96 per inch.
const cssDPI = 96

var (
	settingsMu sync.RWMutex
	plotW      = DefaultWidth
	plotH      = DefaultHeight
	plotSVG    bool
)

// SetPlotSize sets the size, in CSS pixels, at which plots are rendered
// from now on; values ≤ 0 restore the defaults.
func SetPlotSize(width, height int) {
	settingsMu.Lock()
	defer settingsMu.Unlock()
	plotW, plotH = DefaultWidth, DefaultHeight
	if width > 0 && height > 0 {
		plotW, plotH = width, height
	}
}

// PlotSize returns the size, in CSS pixels, at which plots are rendered.
func PlotSize() (width, height int) {
	settingsMu.RLock()
	defer settingsMu.RUnlock()
	return plotW, plotH
}

// SetSVG makes Render show plots as SVG (on) or PNG (off, the default).
func SetSVG(on bool) {
	settingsMu.Lock()
	defer settingsMu.Unlock()
	plotSVG = on
}

// RenderPlot renders p at the current plot size, as SVG when SetSVG(true)
// is in effect and as PNG otherwise. Render uses it for *plot.Plot values.
func RenderPlot(p *plot.Plot) Bundle {
	settingsMu.RLock()
	svg := plotSVG
	settingsMu.RUnlock()
	if svg {
		return SVG(p)
	}
	return PNG(p)
}

// PNG renders p as a PNG bundle at the current plot size and PixelRatio,
// with the size in CSS pixels as metadata and a text description.
func PNG(p *plot.Plot) Bundle {
	w, h := PlotSize()
	b, err := PlotPNG(p, w, h)
	if err != nil {
		return textBundle(err.Error())
	}
	return PNGBundle(b, w, h, Describe(p))
}

// SVG renders p as an SVG bundle (image/svg+xml, fonts embedded so that text
// renders anywhere) at the current plot size, with a text description.
func SVG(p *plot.Plot) Bundle {
	w, h := PlotSize()
	b, err := PlotSVG(p, w, h)
	if err != nil {
		return textBundle(err.Error())
	}
	return Bundle{Data: map[string]string{MIMESVG: string(b), MIMEText: Describe(p)}}
}

// PlotPNG returns p drawn as PNG at width×height CSS pixels and PixelRatio.
func PlotPNG(p *plot.Plot, width, height int) ([]byte, error) {
	img, err := plotImage(p, width, height, cssDPI*PixelRatio)
	if err != nil {
		return nil, err
	}
	return encodePNG(img)
}

// plotImage draws p on a new image of width×height CSS pixels at dpi. The
// image starts in p's background colour, which p then need not paint again
// (painting it through the rasteriser costs as much as a plot's lines).
func plotImage(p *plot.Plot, width, height, dpi int) (*image.RGBA, error) {
	bg := p.BackgroundColor
	if bg == nil {
		bg = color.Transparent
	}
	c := vgimg.NewWith(vgimg.UseWH(cssLength(width), cssLength(height)), vgimg.UseDPI(dpi), vgimg.UseBackgroundColor(bg))
	bg = p.BackgroundColor
	p.BackgroundColor = nil
	err := drawPlot(p, draw.New(c))
	p.BackgroundColor = bg
	if err != nil {
		return nil, err
	}
	img, ok := c.Image().(*image.RGBA)
	if !ok {
		return nil, fmt.Errorf("viz: canvas image is %T, not *image.RGBA", c.Image())
	}
	return img, nil
}

// PlotSVG returns p drawn as SVG at width×height CSS pixels, fonts embedded.
func PlotSVG(p *plot.Plot, width, height int) ([]byte, error) {
	c := vgsvg.NewWith(vgsvg.UseWH(cssLength(width), cssLength(height)), vgsvg.EmbedFonts(true))
	if err := drawPlot(p, draw.New(c)); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("viz: writing SVG: %w", err)
	}
	return buf.Bytes(), nil
}

func cssLength(px int) vg.Length { return vg.Length(px) * vg.Inch / cssDPI }

// plotMargin is the blank border around a rendered plot.
const plotMargin = 6 * vg.Inch / cssDPI

// colorBarWidth is the strip right of a heat map that holds its colour bar.
const colorBarWidth = 64 * vg.Inch / cssDPI

// drawPlot draws p onto c, with the colour bar of a Heatmap in a strip at
// the right. A panic in a plotter becomes an error.
func drawPlot(p *plot.Plot, c draw.Canvas) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("viz: drawing plot: %v", r)
		}
	}()
	c = draw.Crop(c, plotMargin, -plotMargin, plotMargin, -plotMargin)
	m := metaOf(p)
	if m == nil || m.colorBar == nil {
		p.Draw(c)
		return nil
	}
	main := draw.Crop(c, 0, -colorBarWidth, 0, 0)
	p.Draw(main)
	data := p.DataCanvas(main)
	bar := plot.New()
	bar.HideX()
	bar.Y.Padding = 0
	bar.Y.Label.Text = m.colorBarLabel
	styleText(bar)
	bar.BackgroundColor = nil
	bar.Add(m.colorBar)
	strip := draw.Canvas{Canvas: c.Canvas, Rectangle: vg.Rectangle{
		Min: vg.Point{X: c.Max.X - colorBarWidth + 4*vg.Millimeter, Y: data.Min.Y},
		Max: vg.Point{X: c.Max.X - 2*vg.Millimeter, Y: data.Max.Y},
	}}
	bar.Draw(strip)
	return nil
}

// plotMeta is what viz knows about a plot made by its quick plots: the
// series names for the text description and a heat map's colour bar.
type plotMeta struct {
	series        []string
	colorBar      *plotter.ColorBar
	colorBarLabel string
}

// metas maps weak pointers to plots to their plotMeta; entries go when their
// plot is collected.
var metas sync.Map

func setMeta(p *plot.Plot, m *plotMeta) {
	k := weak.Make(p)
	if _, loaded := metas.Swap(k, m); !loaded {
		runtime.AddCleanup(p, func(k weak.Pointer[plot.Plot]) { metas.Delete(k) }, k)
	}
}

func metaOf(p *plot.Plot) *plotMeta {
	if m, ok := metas.Load(weak.Make(p)); ok {
		return m.(*plotMeta)
	}
	return nil
}

// addSeries records a named series of p for its description.
func addSeries(p *plot.Plot, name string) {
	m := metaOf(p)
	if m == nil {
		m = &plotMeta{}
	} else {
		c := *m
		c.series = append([]string(nil), m.series...)
		m = &c
	}
	m.series = append(m.series, name)
	setMeta(p, m)
}

// Describe returns a one-line text description of p: its title, its axes
// with labels and ranges, and the series a quick plot added or, for other
// plots, the types of its plotters with their legend names.
func Describe(p *plot.Plot) string {
	var b strings.Builder
	b.WriteString("plot")
	if p.Title.Text != "" {
		fmt.Fprintf(&b, " %q", p.Title.Text)
	}
	axis := func(name string, a *plot.Axis) {
		fmt.Fprintf(&b, "; %s", name)
		if a.Label.Text != "" {
			fmt.Fprintf(&b, " %q", a.Label.Text)
		}
		if !math.IsInf(a.Min, 0) && !math.IsInf(a.Max, 0) && a.Min <= a.Max {
			fmt.Fprintf(&b, " [%.4g, %.4g]", a.Min, a.Max)
		}
		if _, ok := a.Scale.(plot.LogScale); ok {
			b.WriteString(" log")
		}
	}
	axis("x", &p.X)
	axis("y", &p.Y)
	if m := metaOf(p); m != nil && len(m.series) > 0 {
		fmt.Fprintf(&b, "; series: %s", strings.Join(m.series, ", "))
	} else if s := plotters(p); len(s) > 0 {
		fmt.Fprintf(&b, "; plotters: %s", strings.Join(s, ", "))
	}
	return b.String()
}

// plotters describes the plotters of a plot that no quick plot made: their
// types and, where the legend has one, their names. gonum/plot keeps both
// unexported; reflection reads them without changing anything, and finds
// nothing if their layout changes.
func plotters(p *plot.Plot) []string {
	names := map[uintptr]string{}
	entries := reflect.ValueOf(&p.Legend).Elem().FieldByName("entries")
	if entries.IsValid() && entries.Kind() == reflect.Slice {
		for i := range entries.Len() {
			e := entries.Index(i)
			text, thumbs := e.FieldByName("text"), e.FieldByName("thumbs")
			if !text.IsValid() || text.Kind() != reflect.String || !thumbs.IsValid() || thumbs.Kind() != reflect.Slice {
				continue
			}
			for k := range thumbs.Len() {
				if t := thumbs.Index(k).Elem(); t.Kind() == reflect.Pointer {
					names[t.Pointer()] = text.String()
				}
			}
		}
	}
	var out []string
	ps := reflect.ValueOf(p).Elem().FieldByName("plotters")
	if !ps.IsValid() || ps.Kind() != reflect.Slice {
		return nil
	}
	for i := range ps.Len() {
		v := ps.Index(i).Elem()
		if !v.IsValid() {
			continue
		}
		if v.Type() == reflect.TypeFor[*plotter.Grid]() {
			continue
		}
		d := strings.TrimPrefix(v.Type().String(), "*")
		if v.Kind() == reflect.Pointer {
			if n, ok := names[v.Pointer()]; ok {
				d += fmt.Sprintf(" %q", n)
			}
		}
		out = append(out, d)
	}
	return out
}
