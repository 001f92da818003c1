package viz

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"math/rand/v2"
	"testing"
)

// TestEncodePNG checks encodePNG against image/png's decoder: opaque images
// round-trip exactly, translucent ones within premultiplication rounding.
func TestEncodePNG(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, opaque := range []bool{true, false} {
		img := image.NewRGBA(image.Rect(0, 0, 37, 23))
		for y := range 23 {
			for x := range 37 {
				a := uint8(255)
				if !opaque {
					a = uint8(r.IntN(256))
				}
				c := color.NRGBA{uint8(r.IntN(256)), uint8(r.IntN(256)), uint8(r.IntN(256)), a}
				img.Set(x, y, c)
			}
		}
		b, err := encodePNG(img)
		if err != nil {
			t.Fatal(err)
		}
		got, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("opaque=%v: %v", opaque, err)
		}
		if got.Bounds() != img.Bounds() {
			t.Fatalf("bounds %v", got.Bounds())
		}
		tol := 0
		if !opaque {
			tol = 2 * 257
		}
		for y := range 23 {
			for x := range 37 {
				r1, g1, b1, a1 := img.At(x, y).RGBA()
				r2, g2, b2, a2 := got.At(x, y).RGBA()
				for _, d := range []int{int(r1) - int(r2), int(g1) - int(g2), int(b1) - int(b2), int(a1) - int(a2)} {
					if d > tol || d < -tol {
						t.Fatalf("opaque=%v (%d,%d): %v vs %v", opaque, x, y, img.At(x, y), got.At(x, y))
					}
				}
			}
		}
	}
}
