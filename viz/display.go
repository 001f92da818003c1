package viz

import (
	"crypto/rand"
	"encoding/hex"
)

// A Display is a handle on one output that can be replaced in place, for
// live-updating results (update_display_data in Jupyter).
type Display struct {
	id    string
	shown bool
}

// NewDisplay returns a handle with a fresh display id. Nothing is shown
// until the first Show or Update.
func NewDisplay() *Display {
	var b [8]byte
	rand.Read(b[:])
	return &Display{id: "gomx-" + hex.EncodeToString(b[:])}
}

// ID returns the display id.
func (d *Display) ID() string { return d.id }

// Show displays v as a new output carrying the handle's id.
func (d *Display) Show(v any) { d.ShowBundle(Render(v)) }

// Update replaces the handle's output with v; the first Update shows it.
func (d *Display) Update(v any) { d.UpdateBundle(Render(v)) }

// ShowBundle is Show for a bundle rendered already.
func (d *Display) ShowBundle(b Bundle) {
	if s := current(); s != nil {
		s.Display(b, d.id, false)
		d.shown = true
	}
}

// UpdateBundle is Update for a bundle rendered already.
func (d *Display) UpdateBundle(b Bundle) {
	if !d.shown {
		d.ShowBundle(b)
		return
	}
	if s := current(); s != nil {
		s.Display(b, d.id, true)
	}
}
