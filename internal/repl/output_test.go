package repl

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/gomx-dev/gomx/display"
	"github.com/gomx-dev/gomx/engine"
)

func testImage(t *testing.T) display.Bundle {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 7, 5))
	img.Set(3, 2, color.RGBA{200, 10, 10, 255})
	b, err := imageBundle(img)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// imageBundle is img as a PNG bundle, as viz.ImageBundle makes it; the
// REPL's tests do not link viz.
func imageBundle(img image.Image) (display.Bundle, error) {
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return display.Bundle{}, err
	}
	r := img.Bounds()
	return display.Bundle{
		Data: map[string]string{
			display.MIMEPNG:  base64.StdEncoding.EncodeToString(buf.Bytes()),
			display.MIMEText: fmt.Sprintf("<image %d×%d %T>", r.Dx(), r.Dy(), img),
		},
		Metadata: map[string]any{display.MIMEPNG: map[string]any{"width": r.Dx(), "height": r.Dy()}},
	}, nil
}

// decodeKitty reassembles the base64 payload of kitty graphics escapes.
func decodeKitty(t *testing.T, s string) []byte {
	t.Helper()
	re := regexp.MustCompile(`\x1b_G([^;]*);([^\x1b]*)\x1b\\`)
	var payload strings.Builder
	ms := re.FindAllStringSubmatch(s, -1)
	if len(ms) == 0 {
		t.Fatalf("no kitty escapes in %q", s)
	}
	for i, m := range ms {
		if i == 0 && !strings.Contains(m[1], "f=100") {
			t.Fatalf("first chunk does not say PNG: %q", m[1])
		}
		last := i == len(ms)-1
		if strings.Contains(m[1], "m=1") == last {
			t.Fatalf("chunk %d of %d has control %q", i, len(ms), m[1])
		}
		if len(m[2]) > 4096 {
			t.Fatalf("chunk %d is %d bytes", i, len(m[2]))
		}
		payload.WriteString(m[2])
	}
	data, err := base64.StdEncoding.DecodeString(payload.String())
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func assertPNG(t *testing.T, data []byte, w, h int) {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	if b := img.Bounds(); b.Dx() != w || b.Dy() != h {
		t.Fatalf("PNG is %v, want %d×%d", b, w, h)
	}
}

func TestImageModes(t *testing.T) {
	b := testImage(t)
	t.Run("kitty", func(t *testing.T) {
		var out bytes.Buffer
		term := &terminal{out: &out, errOut: &out, images: ImagesKitty}
		term.Display(b, "", false)
		assertPNG(t, decodeKitty(t, out.String()), 7, 5)
	})
	t.Run("kitty large image in chunks", func(t *testing.T) {
		img := image.NewGray(image.Rect(0, 0, 300, 200))
		for i := range img.Pix {
			img.Pix[i] = uint8(i * 7919 % 251)
		}
		big, _ := imageBundle(img)
		var out bytes.Buffer
		(&terminal{out: &out, errOut: &out, images: ImagesKitty}).Display(big, "", false)
		assertPNG(t, decodeKitty(t, out.String()), 300, 200)
	})
	t.Run("iterm", func(t *testing.T) {
		var out bytes.Buffer
		(&terminal{out: &out, errOut: &out, images: ImagesITerm}).Display(b, "", false)
		m := regexp.MustCompile(`\x1b\]1337;File=inline=1;size=(\d+)[^:]*:([A-Za-z0-9+/=]+)\a`).FindStringSubmatch(out.String())
		if m == nil {
			t.Fatalf("no iTerm2 escape in %q", out.String())
		}
		data, _ := base64.StdEncoding.DecodeString(m[2])
		assertPNG(t, data, 7, 5)
	})
	t.Run("file", func(t *testing.T) {
		var out bytes.Buffer
		dir := t.TempDir()
		term := &terminal{out: &out, errOut: &out, images: ImagesFile, dir: dir}
		term.Display(b, "", false)
		m := regexp.MustCompile(`\[image: (\S+\.png)\]`).FindStringSubmatch(out.String())
		if m == nil || !strings.HasPrefix(m[1], dir) {
			t.Fatalf("no image path in %q", out.String())
		}
		data, err := os.ReadFile(m[1])
		if err != nil {
			t.Fatal(err)
		}
		assertPNG(t, data, 7, 5)
		if !strings.Contains(out.String(), "7×5") {
			t.Errorf("the text description is missing: %q", out.String())
		}
	})
	t.Run("off", func(t *testing.T) {
		var out bytes.Buffer
		(&terminal{out: &out, errOut: &out, images: ImagesOff}).Display(b, "", false)
		if got := out.String(); got != b.Text()+"\n" {
			t.Fatalf("got %q, want the text description", got)
		}
	})
}

func TestProgressUpdatesInPlace(t *testing.T) {
	var out bytes.Buffer
	term := &terminal{out: &out, errOut: &out, images: ImagesOff}
	text := func(s string) display.Bundle { return display.Bundle{Data: map[string]string{display.MIMEText: s}} }
	term.Display(text("[#   ] 25%"), "p1", false)
	term.Display(text("[##  ] 50%"), "p1", true)
	term.Display(text("[####] 100%"), "p1", true)
	term.Stream("stdout", "done\n")
	want := "[#   ] 25%\r\x1b[K[##  ] 50%\r\x1b[K[####] 100%\ndone\n"
	if out.String() != want {
		t.Fatalf("got %q\nwant %q", out.String(), want)
	}
}

func TestRichTextFallsBackToPlain(t *testing.T) {
	var out bytes.Buffer
	term := &terminal{out: &out, errOut: &out, images: ImagesFile, dir: t.TempDir()}
	term.Display(display.Bundle{Data: map[string]string{display.MIMEHTML: "<b>hi</b>", display.MIMEText: "<b>hi</b>"}}, "", false)
	term.result(&display.Bundle{Data: map[string]string{display.MIMEMarkdown: "# T", display.MIMEText: "T"}})
	if got := out.String(); got != "<b>hi</b>\nT\n" {
		t.Fatalf("got %q", got)
	}
}

// The error's shape is errfmt's (tested there): the terminal prints it on
// its error output.
func TestFailureOnErrOut(t *testing.T) {
	var out, errOut bytes.Buffer
	term := &terminal{out: &out, errOut: &errOut, images: ImagesOff}
	term.failure("x := w", &engine.Error{Kind: engine.CompileError, Name: "CompileError", Value: "undefined: w", Line: 1, Col: 6})
	if out.String() != "" || errOut.String() != "CompileError: undefined: w\n   1 | x := w\n     |      ^\n" {
		t.Fatalf("out %q, err %q", out.String(), errOut.String())
	}
}

func TestParseImageMode(t *testing.T) {
	for in, want := range map[string]ImageMode{"kitty": ImagesKitty, "ITERM": ImagesITerm, "file": ImagesFile, "off": ImagesOff, "": ImagesAuto, "auto": ImagesAuto} {
		if got, err := ParseImageMode(in); err != nil || got != want {
			t.Errorf("ParseImageMode(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := ParseImageMode("sixel"); err == nil {
		t.Error("an unknown mode was accepted")
	}
	env := func(kv map[string]string) func(string) string { return func(k string) string { return kv[k] } }
	cases := []struct {
		env  map[string]string
		want ImageMode
	}{
		{map[string]string{"KITTY_WINDOW_ID": "1"}, ImagesKitty},
		{map[string]string{"TERM": "xterm-kitty"}, ImagesKitty},
		{map[string]string{"TERM_PROGRAM": "iTerm.app"}, ImagesITerm},
		{map[string]string{"TERM": "xterm-256color"}, ImagesFile},
	}
	for _, c := range cases {
		if got := DetectImageMode(env(c.env)); got != c.want {
			t.Errorf("DetectImageMode(%v) = %q, want %q", c.env, got, c.want)
		}
	}
}
