// Package viz displays values: Show and display handles, and the rendering
// of compiled values into MIME bundles. Bundle, Sink and the MIME constants
// are aliases of those of package display, which the engine and the front
// ends share without linking viz.
//
// Render turns a cell's value into a Bundle: a *plot.Plot into a PNG of
// DefaultWidth×DefaultHeight CSS pixels at PixelRatio (SVG with embedded
// fonts after SetSVG(true), or with SVG(p)); a mat.Matrix into an HTML table
// and aligned text, elided past MaxShown rows or columns; an image.Image
// into a PNG; []float64 and [][]float64 into text headed by their shape; an
// error into its message. Every image bundle has a text/plain description.
//
// Quick plots return a *plot.Plot to tweak further: Line, LineXY, Scatter,
// Hist, Heatmap (with a colour bar), Semilogy, Bars; AddLine and AddScatter
// add series; Grid tiles plots into one image; Animate plays frames in one
// display and leaves an animated GIF. Series take the Okabe–Ito colours
// (Color), which colour-blind readers tell apart. Progress shows a progress
// bar updated in place.
//
// viz knows nothing about Jupyter or the interpreter. The engine points viz at
// the current cell's Sink with SetSink before each cell; a front end (the
// Jupyter kernel, the terminal REPL, gomx run) turns each Bundle into what it
// can show.
package viz

import (
	"fmt"
	"sync"

	"github.com/gomx-dev/gomx/display"
)

// MIME types used in bundles: the constants of package display, under the
// names viz has always had.
const (
	MIMEText     = display.MIMEText
	MIMEHTML     = display.MIMEHTML
	MIMEMarkdown = display.MIMEMarkdown
	MIMELaTeX    = display.MIMELaTeX
	MIMEPNG      = display.MIMEPNG
	MIMEGIF      = display.MIMEGIF
	MIMEJPEG     = display.MIMEJPEG
	MIMESVG      = display.MIMESVG
	MIMEJSON     = display.MIMEJSON
)

// A Bundle is one displayable value in several representations, as in
// Jupyter's display_data: Data (map[string]string) maps a MIME type to its
// content and Metadata (map[string]any) holds per-MIME metadata (for images,
// {"width": w, "height": h} in CSS pixels); Text returns the text/plain
// entry. Text types (text/*, image/svg+xml) hold the text itself; binary
// types (image/png, image/gif, image/jpeg) hold standard base64;
// application/json holds JSON text. Every bundle that viz makes has a
// text/plain entry.
//
// Bundle is display.Bundle, the type the engine and front ends share.
type Bundle = display.Bundle

// A Sink receives displays: Display(b Bundle, displayID string, update
// bool) shows b, replacing the output named displayID in place when update
// is set; Clear(wait bool) clears the cell's output, when the next output
// arrives if wait is set. The engine gives viz the current cell's Sink with
// SetSink; front ends implement it.
//
// Sink is display.Sink.
type Sink = display.Sink

var (
	sinkMu sync.RWMutex
	sink   Sink
)

// SetSink makes s the destination of Show, Clear and display handles and
// returns the previous sink. A nil s discards displays.
func SetSink(s Sink) Sink {
	sinkMu.Lock()
	defer sinkMu.Unlock()
	old := sink
	sink = s
	return old
}

func current() Sink {
	sinkMu.RLock()
	defer sinkMu.RUnlock()
	return sink
}

// Show displays v in the current cell's output, rendered by Render.
func Show(v any) {
	if s := current(); s != nil {
		s.Display(Render(v), "", false)
	}
}

// Clear clears the current cell's output at once.
func Clear() {
	if s := current(); s != nil {
		s.Clear(false)
	}
}

// ClearWait clears the current cell's output when the next output arrives,
// which avoids flicker in animations.
func ClearWait() {
	if s := current(); s != nil {
		s.Clear(true)
	}
}

// HTML is HTML text to be displayed as text/html.
type HTML string

// Markdown is Markdown text to be displayed as text/markdown.
type Markdown string

// LaTeX is LaTeX math (for example `$$\int_0^1 x\,dx$$`) to be displayed as
// text/latex.
type LaTeX string

func textBundle(text string) Bundle {
	return Bundle{Data: map[string]string{MIMEText: text}}
}

// PlainText renders v as text/plain with fmt's %v.
func PlainText(v any) Bundle { return textBundle(fmt.Sprintf("%v", v)) }
