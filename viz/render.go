package viz

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"image"
	"image/png"
	"sync"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot"
)

// A Renderer turns a value into a bundle and reports whether it handled it.
type Renderer func(v any) (Bundle, bool)

var (
	renderMu  sync.RWMutex
	renderers []Renderer
)

// Register adds r to the renderers Render consults before its built-in
// cases; later registrations are consulted first.
func Register(r Renderer) {
	renderMu.Lock()
	defer renderMu.Unlock()
	renderers = append(renderers, r)
}

// Render turns v into a bundle: a Bundle as it is; HTML, Markdown and LaTeX
// as their MIME types with a text/plain fallback; a *plot.Plot by
// RenderPlot (PNG, or SVG after SetSVG(true)); a *Tiles as PNG; a
// mat.Matrix by MatrixBundle (HTML table and aligned text); an image.Image
// as PNG; a []float64 or [][]float64 as text with its shape; an error as its
// message; anything else as text/plain with fmt's %v. Registered renderers
// are consulted first. A renderer that panics (say, on a nil matrix) gives
// a text bundle with the panic instead.
func Render(v any) (b Bundle) {
	defer func() {
		if r := recover(); r != nil {
			b = textBundle(fmt.Sprintf("viz: rendering %T: %v", v, r))
		}
	}()
	renderMu.RLock()
	rs := renderers
	renderMu.RUnlock()
	for i := len(rs) - 1; i >= 0; i-- {
		if b, ok := rs[i](v); ok {
			return b
		}
	}
	switch v := v.(type) {
	case Bundle:
		return v
	case *Bundle:
		if v != nil {
			return *v
		}
	case HTML:
		return Bundle{Data: map[string]string{MIMEHTML: string(v), MIMEText: string(v)}}
	case Markdown:
		return Bundle{Data: map[string]string{MIMEMarkdown: string(v), MIMEText: string(v)}}
	case LaTeX:
		return Bundle{Data: map[string]string{MIMELaTeX: string(v), MIMEText: string(v)}}
	case *plot.Plot:
		if v != nil {
			return RenderPlot(v)
		}
	case *Tiles:
		if v != nil {
			return v.Bundle()
		}
	case mat.Matrix:
		if v != nil {
			return MatrixBundle(v)
		}
	case []float64:
		return SliceBundle(v)
	case [][]float64:
		return TableBundle(v)
	case image.Image:
		b, err := ImageBundle(v)
		if err != nil {
			return textBundle(err.Error())
		}
		return b
	case error:
		if v != nil {
			return textBundle(v.Error())
		}
	}
	return PlainText(v)
}

// ImageBundle encodes img as PNG, with its size as metadata and a short
// text/plain description.
func ImageBundle(img image.Image) (Bundle, error) {
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return Bundle{}, fmt.Errorf("viz: encoding PNG: %w", err)
	}
	r := img.Bounds()
	return PNGBundle(buf.Bytes(), r.Dx(), r.Dy(), fmt.Sprintf("<image %d×%d %T>", r.Dx(), r.Dy(), img)), nil
}

// PNGBundle wraps encoded PNG bytes shown at width×height CSS pixels (0 for
// the image's own size) with the text/plain description text.
func PNGBundle(pngData []byte, width, height int, text string) Bundle {
	b := Bundle{Data: map[string]string{
		MIMEPNG:  base64.StdEncoding.EncodeToString(pngData),
		MIMEText: text,
	}}
	if width > 0 && height > 0 {
		b.Metadata = map[string]any{MIMEPNG: map[string]any{"width": width, "height": height}}
	}
	return b
}
