package viz

import (
	"bytes"
	"fmt"
	"image/png"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// Tiles are plots laid out in a grid and rendered as one image; Grid makes
// them. Each tile has the current plot size, so the image is Cols plot
// widths wide.
type Tiles struct {
	Plots []*plot.Plot
	Cols  int
}

// Grid tiles plots into one image with cols plots per row (all in one row
// when cols ≤ 0). A nil plot leaves its tile empty.
func Grid(cols int, plots ...*plot.Plot) *Tiles {
	if cols <= 0 || cols > len(plots) {
		cols = max(len(plots), 1)
	}
	return &Tiles{Plots: append([]*plot.Plot(nil), plots...), Cols: cols}
}

// rows returns the number of tile rows.
func (t *Tiles) rows() int {
	if t.Cols <= 0 {
		return 1
	}
	return max((len(t.Plots)+t.Cols-1)/t.Cols, 1)
}

// PNG draws the tiles as one PNG, each tile at the current plot size and
// PixelRatio, and returns it with its size in CSS pixels.
func (t *Tiles) PNG() (data []byte, width, height int, err error) {
	w, h := PlotSize()
	cols := max(t.Cols, 1)
	width, height = cols*w, t.rows()*h
	c := vgimg.NewWith(vgimg.UseWH(cssLength(width), cssLength(height)), vgimg.UseDPI(cssDPI*PixelRatio))
	dc := draw.New(c)
	for i, p := range t.Plots {
		if p == nil {
			continue
		}
		r, k := i/cols, i%cols
		tile := draw.Crop(dc, cssLength(k*w), -cssLength((cols-k-1)*w), cssLength((t.rows()-r-1)*h), -cssLength(r*h))
		if err := drawPlot(p, tile); err != nil {
			return nil, 0, 0, err
		}
	}
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&buf, c.Image()); err != nil {
		return nil, 0, 0, fmt.Errorf("viz: encoding PNG: %w", err)
	}
	return buf.Bytes(), width, height, nil
}

// Bundle renders the tiles as a PNG bundle whose text lists the plots'
// descriptions.
func (t *Tiles) Bundle() Bundle {
	data, w, h, err := t.PNG()
	if err != nil {
		return textBundle(err.Error())
	}
	var b strings.Builder
	fmt.Fprintf(&b, "grid of %d plots, %d per row", len(t.Plots), max(t.Cols, 1))
	for i, p := range t.Plots {
		if p != nil {
			fmt.Fprintf(&b, "\n%d: %s", i+1, Describe(p))
		}
	}
	return PNGBundle(data, w, h, b.String())
}
