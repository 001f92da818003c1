package repl

import (
	"encoding/base64"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/gomx-dev/gomx/display"
	"github.com/gomx-dev/gomx/engine"
	"github.com/gomx-dev/gomx/engine/errfmt"
)

// terminal renders a cell's output on a terminal: streams as they come,
// images inline or as files, rich text as its text/plain fallback, and
// display updates in place when they are the last line printed (progress
// bars).
type terminal struct {
	mu     sync.Mutex
	out    io.Writer
	errOut io.Writer
	color  bool
	images ImageMode
	dir    string // where image files go
	seq    int    // image file counter

	// the display whose single line is the last thing on the screen, so an
	// update can redraw it with a carriage return
	lastID   string
	lastOpen bool              // the cursor is still on that line
	files    map[string]string // display id → image file, rewritten on update

	input func(prompt string, password bool) (string, error)
}

var _ engine.Output = (*terminal)(nil)

func (t *terminal) Stream(name, text string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.endLine()
	w := t.out
	if name == "stderr" {
		w = t.errOut
		if t.color {
			text = "\x1b[31m" + text + "\x1b[0m"
		}
	}
	io.WriteString(w, text)
}

func (t *terminal) Input(prompt string, password bool) (string, error) {
	t.mu.Lock()
	t.endLine()
	t.mu.Unlock()
	if t.input == nil {
		return "", fmt.Errorf("no terminal input")
	}
	return t.input(prompt, password)
}

func (t *terminal) Clear(wait bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	// A terminal cannot take back what scrolled by; a progress line that is
	// still open is cleared.
	if t.lastOpen {
		io.WriteString(t.out, "\r\x1b[K")
		t.lastOpen, t.lastID = false, ""
	}
}

func (t *terminal) Display(b display.Bundle, id string, update bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.show(b, id, update)
}

// endLine finishes an open progress line before other output.
func (t *terminal) endLine() {
	if t.lastOpen {
		io.WriteString(t.out, "\n")
		t.lastOpen = false
	}
	t.lastID = ""
}

func (t *terminal) show(b display.Bundle, id string, update bool) {
	if png, ok := b.Data[display.MIMEPNG]; ok && t.images != ImagesOff {
		if data, err := base64.StdEncoding.DecodeString(png); err == nil {
			t.endLine()
			t.showPNG(data, b.Text(), id, update)
			return
		}
	}
	if gif, ok := b.Data[display.MIMEGIF]; ok && t.images != ImagesOff {
		if data, err := base64.StdEncoding.DecodeString(gif); err == nil {
			t.endLine()
			path, err := t.writeFile(data, id, ".gif")
			t.printFile(path, b.Text(), err)
			return
		}
	}
	text := b.Text()
	single := !strings.Contains(strings.TrimSuffix(text, "\n"), "\n")
	if update && id != "" && id == t.lastID && t.lastOpen && single {
		fmt.Fprintf(t.out, "\r\x1b[K%s", strings.TrimSuffix(text, "\n"))
		return
	}
	t.endLine()
	if id != "" && single {
		// a named single-line display (a progress bar) stays open for updates
		io.WriteString(t.out, strings.TrimSuffix(text, "\n"))
		t.lastID, t.lastOpen = id, true
		return
	}
	io.WriteString(t.out, text)
	if !strings.HasSuffix(text, "\n") {
		io.WriteString(t.out, "\n")
	}
}

func (t *terminal) showPNG(data []byte, text, id string, update bool) {
	switch t.images {
	case ImagesKitty:
		writeKitty(t.out, data)
	case ImagesITerm:
		writeITerm(t.out, data)
	default:
		path, err := t.writeFile(data, id, ".png")
		if update && err == nil {
			return // the file was rewritten in place; its path is on screen
		}
		t.printFile(path, text, err)
	}
}

func (t *terminal) printFile(path, text string, err error) {
	if err != nil {
		fmt.Fprintf(t.errOut, "cannot write image: %v\n", err)
		return
	}
	desc := strings.TrimSpace(text)
	if desc != "" {
		desc = " " + desc
	}
	fmt.Fprintf(t.out, "[image: %s]%s\n", path, desc)
}

// writeFile writes an image, reusing the file of its display id.
func (t *terminal) writeFile(data []byte, id, ext string) (string, error) {
	path := ""
	if id != "" {
		path = t.files[id]
	}
	if path == "" {
		if err := os.MkdirAll(t.dir, 0o755); err != nil {
			return "", err
		}
		t.seq++
		path = filepath.Join(t.dir, fmt.Sprintf("gomx-%d-%d%s", os.Getpid(), t.seq, ext))
		if id != "" {
			if t.files == nil {
				t.files = map[string]string{}
			}
			t.files[id] = path
		}
	}
	return path, os.WriteFile(path, data, 0o644)
}

// result prints a cell's value.
func (t *terminal) result(b *display.Bundle) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.endLine()
	t.show(*b, "", false)
}

// failure prints a cell's error: its name and message in red, the failing
// line of the cell with a caret, and the traceback.
func (t *terminal) failure(code string, e *engine.Error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.endLine()
	io.WriteString(t.errOut, errfmt.Terminal(e, code, t.color))
}

func pagerBundle(text string) *display.Bundle {
	return &display.Bundle{Data: map[string]string{display.MIMEText: text}}
}
