// Package repl is gomx's terminal front end: a Go prompt with line
// editing, history across sessions, reverse search, multi-line input with
// auto-indent, completion from the engine, Ctrl-C to interrupt a running
// cell, and images shown inline (kitty or iTerm2 protocols) or as files.
//
// It drives an engine.Controller (a session in a worker process), so a
// crashed or stuck cell never takes the prompt down; magics and `name?`
// help come from the engine, and only terminal commands (%clear,
// %history, %quit) live here.
package repl

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/peterh/liner"

	"github.com/gomx-dev/gomx/engine"
	"github.com/gomx-dev/gomx/internal/history"
)

// Options configure the REPL. The zero value is usable: output to
// os.Stdout/os.Stderr, no colour, images detected from the environment,
// history in the user's data folder.
type Options struct {
	Stdout, Stderr io.Writer
	Color          bool      // ANSI colour (the caller checks for a terminal and NO_COLOR)
	Images         ImageMode // ImagesAuto → GOMX_IMAGES, else detected
	HistoryFile    string    // "" → GOMX_HISTORY, else <data dir>/gomx/history
}

// Prompts.
const (
	Prompt         = "go> "
	ContinuePrompt = "... "
)

// HistoryPath returns the default history file: GOMX_HISTORY, else
// $XDG_DATA_HOME/gomx/history, else ~/.local/share/gomx/history (the
// user's config folder on macOS and Windows).
func HistoryPath() string {
	if p := os.Getenv("GOMX_HISTORY"); p != "" {
		return p
	}
	if d := os.Getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "gomx", "history")
	}
	if home, err := os.UserHomeDir(); err == nil && os.PathSeparator == '/' && os.Getenv("HOME") != "" {
		if _, err := os.Stat("/Library"); err != nil { // not macOS
			return filepath.Join(home, ".local", "share", "gomx", "history")
		}
	}
	if d, err := os.UserConfigDir(); err == nil {
		return filepath.Join(d, "gomx", "history")
	}
	return ""
}

// Run runs the interactive loop on the process's terminal until Ctrl-D or
// %quit, and returns the exit code.
func Run(ctrl engine.Controller, o Options) int {
	if o.Stdout == nil {
		o.Stdout = os.Stdout
	}
	if o.Stderr == nil {
		o.Stderr = os.Stderr
	}
	if o.Images == ImagesAuto {
		if m, err := ParseImageMode(os.Getenv("GOMX_IMAGES")); err == nil && m != ImagesAuto {
			o.Images = m
		} else {
			o.Images = DetectImageMode(os.Getenv)
		}
	}
	if o.HistoryFile == "" {
		o.HistoryFile = HistoryPath()
	}

	line := liner.NewLiner()
	defer line.Close()
	line.SetCtrlCAborts(true)
	line.SetTabCompletionStyle(liner.TabPrints)
	line.SetMultiLineMode(true)
	hist := history.New()
	if o.HistoryFile != "" {
		hist, _ = history.Open(o.HistoryFile) // a history file that cannot be read is passed over, as before
	}
	recall(line, hist)

	r := &session{ctrl: ctrl, line: line, o: o, hist: hist,
		term: &terminal{out: o.Stdout, errOut: o.Stderr, color: o.Color, images: o.Images, dir: imageDir()},
	}
	r.term.input = func(prompt string, password bool) (string, error) {
		if password {
			return line.PasswordPrompt(prompt)
		}
		return line.Prompt(prompt)
	}
	line.SetWordCompleter(r.complete)

	info := ctrl.Info()
	fmt.Fprintln(o.Stdout, info.Banner)
	return r.loop()
}

type session struct {
	ctrl  engine.Controller
	line  *liner.State
	o     Options
	term  *terminal
	buf   []string      // lines of the cell being typed
	hist  history.Store // the cells run, with earlier sessions' from the history file
	count int           // cells run in this session
}

// recall gives the line editor the lines of the cells in h, oldest first,
// for Up and Ctrl-R.
func recall(line *liner.State, h history.Store) {
	for _, e := range h.Tail(-1) {
		for _, l := range strings.Split(e.Input, "\n") {
			if strings.TrimSpace(l) != "" {
				line.AppendHistory(l)
			}
		}
	}
}

func (r *session) loop() int {
	indent := ""
	blank := 0
	for {
		prompt := Prompt
		if len(r.buf) > 0 {
			prompt = ContinuePrompt
		}
		text, err := r.line.PromptWithSuggestion(prompt, indent, -1)
		switch {
		case errors.Is(err, liner.ErrPromptAborted):
			r.buf, indent, blank = nil, "", 0 // Ctrl-C clears the line
			continue
		case err == io.EOF:
			fmt.Fprintln(r.o.Stdout)
			return 0
		case err != nil:
			fmt.Fprintf(r.o.Stderr, "gomx: reading input: %v\n", err)
			return 1
		}
		if strings.TrimSpace(text) != "" {
			r.line.AppendHistory(text)
			blank = 0
		} else {
			blank++
		}
		if len(r.buf) == 0 {
			if strings.TrimSpace(text) == "" {
				continue
			}
			if quit, handled := r.command(strings.TrimSpace(text)); handled {
				if quit {
					return 0
				}
				continue
			}
		}
		r.buf = append(r.buf, text)
		code := strings.Join(r.buf, "\n")
		status, ind := r.ctrl.IsComplete(code)
		if status == "incomplete" && blank < 2 {
			indent = ind
			continue
		}
		r.buf, indent, blank = nil, "", 0
		r.run(code)
	}
}

// command runs a terminal command; handled is false for anything else.
func (r *session) command(text string) (quit, handled bool) {
	fields := strings.Fields(text)
	switch fields[0] {
	case "%quit", "%exit":
		return true, true
	case "%clear":
		io.WriteString(r.o.Stdout, "\x1b[H\x1b[2J")
		return false, true
	case "%history":
		cells := r.hist.Range(0, 1, 0) // this session's
		n := len(cells)
		if len(fields) > 1 {
			if k, err := strconv.Atoi(strings.TrimPrefix(fields[1], "-")); err == nil && k >= 0 && k < n {
				n = k
			}
		}
		for _, e := range cells[len(cells)-n:] {
			fmt.Fprintf(r.o.Stdout, "[%d]\n%s\n", e.Line, e.Input)
		}
		return false, true
	}
	return false, false
}

// run executes a cell; Ctrl-C while it runs interrupts it (a second
// Ctrl-C restarts a session stuck in compiled code, as the engine
// defines).
func (r *session) run(code string) {
	r.count++
	r.hist.Add(r.count, code, "") // before it runs: a cell that never ends is in the history file too
	sig := make(chan os.Signal, 4)
	signal.Notify(sig, os.Interrupt)
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-sig:
				r.ctrl.Interrupt()
			case <-done:
				return
			}
		}
	}()
	res := r.ctrl.Execute(context.Background(), code, engine.ExecOptions{StoreHistory: true, AllowStdin: true}, r.term)
	signal.Stop(sig)
	close(done)
	if res.Error != nil {
		r.term.failure(code, res.Error)
	}
	if res.Pager != "" {
		r.term.result(pagerBundle(res.Pager))
	}
	if res.Value != nil {
		r.term.result(res.Value)
	}
	r.term.mu.Lock()
	r.term.endLine()
	r.term.mu.Unlock()
}

// complete asks the engine for completions of the cell typed so far plus
// the current line, at the cursor.
func (r *session) complete(text string, pos int) (head string, completions []string, tail string) {
	prefix := ""
	if len(r.buf) > 0 {
		prefix = strings.Join(r.buf, "\n") + "\n"
	}
	runes := []rune(text)
	if pos > len(runes) {
		pos = len(runes)
	}
	base := len([]rune(prefix))
	c := r.ctrl.Complete(prefix+text, base+pos)
	start := c.CursorStart - base
	if start < 0 || start > pos {
		return string(runes[:pos]), nil, string(runes[pos:])
	}
	end := c.CursorEnd - base
	if end < pos || end > len(runes) {
		end = pos
	}
	return string(runes[:start]), c.Matches, string(runes[end:])
}
