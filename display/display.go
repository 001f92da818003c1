// Package display holds the types of display data that the gomx engine and
// every front end share: Bundle, one value in several MIME representations;
// Sink, what a front end implements to receive displays; and the MIME type
// constants.
//
// It is a leaf package that imports only the standard library, so that the
// engine API, the Jupyter kernel, the terminal REPL and gomx run can speak
// about displays without linking the plotting and rendering code of package
// viz. User code normally meets these types as viz.Bundle and viz.Sink,
// which are aliases of the ones here; viz renders values into Bundles.
package display

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
