package repl

import (
	"encoding/base64"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// ImageMode is how the terminal shows images.
type ImageMode string

// Image modes.
const (
	ImagesAuto  ImageMode = ""      // detect from the environment
	ImagesKitty ImageMode = "kitty" // kitty graphics protocol (kitty, WezTerm, Ghostty)
	ImagesITerm ImageMode = "iterm" // iTerm2 inline images (iTerm2, WezTerm)
	ImagesFile  ImageMode = "file"  // write a PNG file and print its path
	ImagesOff   ImageMode = "off"   // show only the text description
)

// ParseImageMode parses a --images flag or GOMX_IMAGES value.
func ParseImageMode(s string) (ImageMode, error) {
	switch m := ImageMode(strings.ToLower(strings.TrimSpace(s))); m {
	case ImagesAuto, "auto":
		return ImagesAuto, nil
	case ImagesKitty, ImagesITerm, ImagesFile, ImagesOff:
		return m, nil
	}
	return "", fmt.Errorf("unknown image mode %q (want kitty, iterm, file, off or auto)", s)
}

// DetectImageMode picks a mode from the environment (getenv is os.Getenv
// in real use): kitty's and iTerm2's own variables, then file.
func DetectImageMode(getenv func(string) string) ImageMode {
	switch {
	case getenv("KITTY_WINDOW_ID") != "" || getenv("TERM") == "xterm-kitty" || getenv("TERM") == "xterm-ghostty":
		return ImagesKitty
	case getenv("TERM_PROGRAM") == "iTerm.app" || getenv("TERM_PROGRAM") == "WezTerm" || getenv("LC_TERMINAL") == "iTerm2":
		return ImagesITerm
	}
	return ImagesFile
}

// writeKitty writes png with the kitty graphics protocol: direct
// transmission (a=T, f=100 for PNG) in base64 chunks of at most 4096
// bytes, m=1 on every chunk but the last.
func writeKitty(w io.Writer, png []byte) error {
	enc := base64.StdEncoding.EncodeToString(png)
	first := true
	for len(enc) > 0 {
		n := min(4096, len(enc))
		chunk := enc[:n]
		enc = enc[n:]
		more := 0
		if len(enc) > 0 {
			more = 1
		}
		var err error
		if first {
			_, err = fmt.Fprintf(w, "\x1b_Ga=T,f=100,q=2,m=%d;%s\x1b\\", more, chunk)
			first = false
		} else {
			_, err = fmt.Fprintf(w, "\x1b_Gm=%d;%s\x1b\\", more, chunk)
		}
		if err != nil {
			return err
		}
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// writeITerm writes png as an iTerm2 inline image (OSC 1337 File).
func writeITerm(w io.Writer, png []byte) error {
	_, err := fmt.Fprintf(w, "\x1b]1337;File=inline=1;size=%d;preserveAspectRatio=1:%s\a\n",
		len(png), base64.StdEncoding.EncodeToString(png))
	return err
}

// imageDir returns the folder for image files: GOMX_IMAGE_DIR, else
// gomx-images in the user's cache folder, else in the temp folder.
func imageDir() string {
	if d := os.Getenv("GOMX_IMAGE_DIR"); d != "" {
		return d
	}
	if d, err := os.UserCacheDir(); err == nil {
		return filepath.Join(d, "gomx", "images")
	}
	return filepath.Join(os.TempDir(), "gomx-images")
}
