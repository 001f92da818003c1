// Package errfmt shapes a failed cell's engine.Error for the people who
// read it: as the fields of Jupyter's error content (the kernel's iopub
// error message and error replies, and `gomx run`'s nbformat error
// outputs) and as text for a terminal (the REPL and gomx's batch mode).
//
// It is the one place that decides what an error looks like. Both shapes
// get the source of the cell that failed, and show the failing line with a
// caret under the column; Jupyter's is the terminal's in colour.
//
// It imports only engine and the standard library, so front ends may use
// it without linking the interpreter.
package errfmt

import (
	"fmt"
	"strings"

	"github.com/gomx-dev/gomx/engine"
)

// Content is the part of Jupyter's error content that describes the
// error: ename, evalue and the traceback lines (never nil).
type Content struct {
	EName     string   `json:"ename"`
	EValue    string   `json:"evalue"`
	Traceback []string `json:"traceback"`
}

// Map returns c as the members of a JSON object, for a message or an
// output to add its own ("status", "output_type", …).
func (c Content) Map() map[string]any {
	return map[string]any{"ename": c.EName, "evalue": c.EValue, "traceback": c.Traceback}
}

// name returns e's name as users see it: e.Name, or its kind when the
// name is empty.
func name(e *engine.Error) string {
	if e.Name == "" {
		return string(e.Kind)
	}
	return e.Name
}

// head is the first line of every shape: "name: value".
func head(e *engine.Error) string { return name(e) + ": " + e.Value }

// Jupyter shapes e as Jupyter's error content. cell is the source of the
// cell that failed. The traceback, which is all Jupyter front ends show,
// is the terminal shape in colour, a line per element as ipykernel sends
// it (the Notebook, JupyterLab and jupyter console draw the ANSI colours):
// "name: value" in red, the failing line with a caret under the column,
// then the session's traceback frames.
func Jupyter(e *engine.Error, cell string) Content {
	tb := strings.Split(strings.TrimSuffix(Terminal(e, cell, true), "\n"), "\n")
	return Content{EName: name(e), EValue: e.Value, Traceback: tb}
}

// Failed shapes an error that no cell made (a malformed request, an
// expression without a value) as Jupyter's error content.
func Failed(name, value string) Content {
	return Jupyter(&engine.Error{Name: name, Value: value}, "")
}

// ANSI styles of the terminal shape.
const (
	red   = "\x1b[1;31m"
	dim   = "\x1b[2m"
	reset = "\x1b[0m"
)

// Terminal shapes e as text for a terminal, each line ending in a newline:
// "name: value" (red when color), then the failing line of cell with its
// line number and a caret under e's column when e has a position in the
// cell, then the rest of e's traceback. Traceback lines that only repeat
// the first line, or a traceback that is just e's message again (as a
// dead worker's is), are left out.
func Terminal(e *engine.Error, cell string, color bool) string {
	r, d, z := "", "", ""
	if color {
		r, d, z = red, dim, reset
	}
	var sb strings.Builder
	h := head(e)
	fmt.Fprintf(&sb, "%s%s%s\n", r, h, z)
	lines := strings.Split(cell, "\n")
	if e.Line >= 1 && e.Line <= len(lines) {
		src := lines[e.Line-1]
		fmt.Fprintf(&sb, "%s%4d |%s %s\n", d, e.Line, z, src)
		if e.Col >= 1 {
			fmt.Fprintf(&sb, "%s     |%s %s%s^%s\n", d, z, caretPad(src, e.Col), r, z)
		}
	}
	var rest []string
	for _, l := range e.Traceback {
		if stripANSI(l) != h {
			rest = append(rest, l)
		}
	}
	if stripANSI(strings.Join(rest, "\n")) == e.Value {
		rest = nil
	}
	for _, l := range rest {
		sb.WriteString(l)
		if !strings.HasSuffix(l, "\n") {
			sb.WriteByte('\n')
		}
	}
	return sb.String()
}

// caretPad is what goes before a caret under column col (a rune index,
// 1-based) of src: spaces, with src's tabs kept so that the caret lines up
// however wide the terminal shows a tab.
func caretPad(src string, col int) string {
	pad := []rune(src)
	if col-1 < len(pad) {
		pad = pad[:col-1]
	}
	for i, c := range pad {
		if c != '\t' {
			pad[i] = ' '
		}
	}
	return string(pad)
}

// stripANSI removes ANSI escape sequences (CSI: ESC [ … final byte) from s.
func stripANSI(s string) string {
	if !strings.Contains(s, "\x1b[") {
		return s
	}
	var sb strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == 0x1b && i+1 < len(s) && s[i+1] == '[' {
			j := i + 2
			for j < len(s) && !(s[j] >= 0x40 && s[j] <= 0x7e) {
				j++
			}
			i = j
			continue
		}
		sb.WriteByte(s[i])
	}
	return sb.String()
}
