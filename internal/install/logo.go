package install

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"math"
)

// goBlue is the Go brand colour (Gopher Blue, #00ADD8).
var goBlue = color.NRGBA{0x00, 0xAD, 0xD8, 0xFF}

// Logo draws the kernel's size×size logo as PNG: a Go-blue disc with
// three white speed lines, anti-aliased by 4×4 supersampling.
func Logo(size int) ([]byte, error) {
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	const ss = 4
	s := float64(size)
	for y := range size {
		for x := range size {
			var disc, line int
			for sy := range ss {
				for sx := range ss {
					px := (float64(x) + (float64(sx)+0.5)/ss) / s
					py := (float64(y) + (float64(sy)+0.5)/ss) / s
					if math.Hypot(px-0.5, py-0.5) > 0.48 {
						continue
					}
					disc++
					if speedLine(px, py) {
						line++
					}
				}
			}
			if disc == 0 {
				continue
			}
			n := float64(ss * ss)
			f := float64(line) / float64(disc)
			mix := func(a uint8) uint8 { return uint8(math.Round(float64(a)*(1-f) + 255*f)) }
			img.SetNRGBA(x, y, color.NRGBA{mix(goBlue.R), mix(goBlue.G), mix(goBlue.B), uint8(math.Round(255 * float64(disc) / n))})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// speedLine reports whether the point (x, y) of the unit square lies on
// one of the three horizontal bars, shifted right as they go down.
func speedLine(x, y float64) bool {
	for i, row := range []float64{0.34, 0.5, 0.66} {
		start := 0.22 + 0.08*float64(i)
		if math.Abs(y-row) < 0.055 && x > start && x < start+0.5 {
			return true
		}
	}
	return false
}
