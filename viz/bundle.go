// Package viz displays values: MIME bundles, the Sink a front end
// implements, Show and display handles, and the rendering of compiled
// values.
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
)

// MIME types used in bundles.
const (
	MIMEText     = "text/plain"
	MIMEHTML     = "text/html"
	MIMEMarkdown = "text/markdown"
	MIMELaTeX    = "text/latex"
	MIMEPNG      = "image/png"
	MIMEGIF      = "image/gif"
	MIMEJPEG     = "image/jpeg"
	MIMESVG      = "image/svg+xml"
	MIMEJSON     = "application/json"
)

// A Bundle is one displayable value in several representations, as in
// Jupyter's display_data: Data maps a MIME type to its content and Metadata
// holds per-MIME metadata (for images, {"width": w, "height": h} in CSS
// pixels).
//
// Text types (text/*, image/svg+xml) hold the text itself; binary types
// (image/png, image/gif, image/jpeg) hold standard base64, as Jupyter's wire
// format does; application/json holds JSON text. Every bundle that viz
// makes has a text/plain entry, for readers without images.
type Bundle struct {
	Data     map[string]string
	Metadata map[string]any
}

// Text returns the text/plain entry of b.
func (b Bundle) Text() string { return b.Data[MIMEText] }

// A Sink receives displays. The engine gives viz the current cell's Sink;
// front ends implement it.
type Sink interface {
	// Display shows b. A non-empty displayID names the output so that a
	// later Display with update set replaces it in place
	// (update_display_data).
	Display(b Bundle, displayID string, update bool)
	// Clear clears the cell's output; with wait, the clearing happens when
	// the next output arrives.
	Clear(wait bool)
}

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
