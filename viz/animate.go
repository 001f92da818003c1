package viz

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"image"
	"image/color"
	"image/color/palette"
	"image/gif"
	"math"
	"time"

	"github.com/gomx-dev/gomx/mathx/interrupt"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// Animate plays frames in the current cell's output as one display updated
// in place, at fps frames per second (10 when fps ≤ 0) or as fast as they
// render, and then leaves the animated GIF of all frames (GIF) in that
// display, so a saved notebook keeps the animation rather than its last
// frame. An interrupted cell stops the playing; the GIF is still left.
func Animate(frames []*plot.Plot, fps float64) {
	if fps <= 0 {
		fps = 10
	}
	d := NewDisplay()
	period := time.Duration(float64(time.Second) / fps)
	done := interrupt.Context().Done()
	next := time.Now()
play:
	for _, f := range frames {
		d.UpdateBundle(PNG(f))
		next = next.Add(period)
		t := time.NewTimer(time.Until(next))
		select {
		case <-t.C:
		case <-done:
			t.Stop()
			break play
		}
	}
	b, err := GIF(frames, fps)
	if err != nil {
		d.UpdateBundle(textBundle(err.Error()))
		return
	}
	d.UpdateBundle(b)
}

// GIF renders frames as a looping animated GIF at the current plot size (at
// one image pixel per CSS pixel, to keep it small) showing fps frames per
// second (10 when fps ≤ 0), in a bundle with a text description.
func GIF(frames []*plot.Plot, fps float64) (Bundle, error) {
	if len(frames) == 0 {
		return Bundle{}, fmt.Errorf("viz: GIF of no frames")
	}
	if fps <= 0 {
		fps = 10
	}
	w, h := PlotSize()
	delay := max(int(math.Round(100/fps)), 2)
	pal := gifPalette()
	q := quantizer{pal: pal, cache: map[color.RGBA]uint8{}}
	anim := &gif.GIF{LoopCount: 0}
	for _, f := range frames {
		c := vgimg.NewWith(vgimg.UseWH(cssLength(w), cssLength(h)), vgimg.UseDPI(cssDPI))
		if err := drawPlot(f, draw.New(c)); err != nil {
			return Bundle{}, err
		}
		anim.Image = append(anim.Image, q.paletted(c.Image()))
		anim.Delay = append(anim.Delay, delay)
	}
	var buf bytes.Buffer
	if err := gif.EncodeAll(&buf, anim); err != nil {
		return Bundle{}, fmt.Errorf("viz: encoding GIF: %w", err)
	}
	text := fmt.Sprintf("animation of %d frames at %.3g frames/s; first frame: %s", len(frames), fps, Describe(frames[0]))
	return Bundle{
		Data: map[string]string{
			MIMEGIF:  base64.StdEncoding.EncodeToString(buf.Bytes()),
			MIMEText: text,
		},
		Metadata: map[string]any{MIMEGIF: map[string]any{"width": w, "height": h}},
	}, nil
}

// gifPalette is the web-safe palette with the default palette's colours and
// greys in its free entries, so plot lines keep their exact colours.
func gifPalette() color.Palette {
	pal := append(color.Palette(nil), palette.WebSafe...)
	for _, c := range okabeIto {
		pal = append(pal, c)
	}
	for g := 8; len(pal) < 256; g += 8 {
		pal = append(pal, color.Gray{uint8(g)})
	}
	return pal
}

// quantizer maps colours to the nearest palette entry, remembering the
// answers: plots have few distinct colours.
type quantizer struct {
	pal   color.Palette
	cache map[color.RGBA]uint8
}

func (q *quantizer) paletted(img image.Image) *image.Paletted {
	r := img.Bounds()
	out := image.NewPaletted(r, q.pal)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			c := color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)
			i, ok := q.cache[c]
			if !ok {
				i = uint8(q.pal.Index(c))
				q.cache[c] = i
			}
			out.SetColorIndex(x, y, i)
		}
	}
	return out
}
