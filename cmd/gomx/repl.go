package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"

	"github.com/gomx-dev/gomx/display"
	"github.com/gomx-dev/gomx/engine"
	"github.com/gomx-dev/gomx/engine/errfmt"
	"github.com/gomx-dev/gomx/internal/repl"
)

func init() {
	register("repl", "the Go REPL on a terminal; with stdin not a terminal, run its cells (the default)", runREPL)
}

// runREPL is `gomx [--memory-limit L] [--images M] [--debug]`: the REPL
// (package repl) when stdin is a terminal, else the cells of stdin one
// after another.
func runREPL(args []string) int {
	fs := flag.NewFlagSet("gomx", flag.ContinueOnError)
	mem := fs.String("memory-limit", "", "memory limit of the session: 256MB, 2GiB, 50% (of the memory the process may use), 0 for none (default 40%, env GOMX_MEMORY_LIMIT)")
	debug := fs.Bool("debug", os.Getenv("GOMX_DEBUG") != "", "log the engine protocol and the worker on stderr (env GOMX_DEBUG)")
	images := fs.String("images", os.Getenv("GOMX_IMAGES"), "how the terminal shows images: kitty, iterm, file or off (default: detected; env GOMX_IMAGES)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	imageMode, err := repl.ParseImageMode(*images)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gomx:", err)
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "gomx: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	opts := engine.ClientOptions{MemoryLimit: *mem}
	if *mem != "" {
		if _, err := engine.ParseMemoryLimit(*mem, 1); err != nil {
			fmt.Fprintln(os.Stderr, "gomx:", err)
			return 2
		}
	}
	if *debug {
		opts.Debug = os.Stderr
	}
	c, err := engine.NewClient(opts)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer c.Close()

	if isTerminal(os.Stdin) {
		color := isTerminal(os.Stdout) && os.Getenv("NO_COLOR") == ""
		return repl.Run(c, repl.Options{Color: color, Images: imageMode})
	}
	// Ctrl-C interrupts the running cell (twice restarts a stuck one).
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt)
	defer signal.Stop(sig)
	go func() {
		for range sig {
			c.Interrupt()
		}
	}()
	return batch(c, os.Stdin, os.Stdout, os.Stderr)
}

func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// textOutput is an Output on plain text streams: displays show their
// text/plain form.
type textOutput struct {
	stdout, stderr io.Writer
	lastNL         bool // the last text written to stdout ended a line
}

func (o *textOutput) Stream(name, text string) {
	if name == "stderr" {
		io.WriteString(o.stderr, text)
		return
	}
	o.write(text)
}

func (o *textOutput) write(text string) {
	if text == "" {
		return
	}
	io.WriteString(o.stdout, text)
	o.lastNL = strings.HasSuffix(text, "\n")
}

// line writes text on a line of its own.
func (o *textOutput) line(text string) {
	if !o.lastNL {
		o.write("\n")
	}
	if !strings.HasSuffix(text, "\n") {
		text += "\n"
	}
	o.write(text)
}

func (o *textOutput) Display(b display.Bundle, _ string, _ bool) {
	t := b.Text()
	if t == "" {
		var kinds []string
		for k := range b.Data {
			kinds = append(kinds, k)
		}
		t = "<display: " + strings.Join(kinds, ", ") + ">"
	}
	o.line(t)
}

func (o *textOutput) Clear(bool) {}

// Input fails: in batch mode stdin holds the cells.
func (o *textOutput) Input(string, bool) (string, error) {
	return "", errors.New("no input: stdin holds the cells")
}

// show prints the result of cell: its value or pager text on stdout, its
// error on stderr (as the REPL shows it, without colour). It reports
// whether the cell succeeded.
func (o *textOutput) show(cell string, res engine.ExecResult) bool {
	if res.Pager != "" {
		o.line(res.Pager)
	}
	if res.Value != nil {
		o.Display(*res.Value, "", false)
	}
	if res.Error != nil {
		if !o.lastNL {
			o.write("\n")
		}
		io.WriteString(o.stderr, errfmt.Terminal(res.Error, cell, false))
		return false
	}
	return true
}

// batch runs the cells read from in and returns 1 if any failed. A cell
// ends at a line that is exactly %%, or at a blank line where the text so
// far is complete.
func batch(e engine.Engine, in io.Reader, stdout, stderr io.Writer) int {
	out := &textOutput{stdout: stdout, stderr: stderr, lastNL: true}
	sp := &splitter{isComplete: func(s string) string { st, _ := e.IsComplete(s); return st }}
	code := 0
	run := func(cell string) {
		res := e.Execute(context.Background(), cell, engine.ExecOptions{StoreHistory: true}, out)
		if !out.show(cell, res) {
			code = 1
		}
	}
	r := bufio.NewReader(in)
	for {
		line, err := r.ReadString('\n')
		if line != "" || err == nil {
			if cell, ok := sp.add(strings.TrimRight(line, "\r\n")); ok {
				run(cell)
			}
		}
		if err != nil {
			if err != io.EOF {
				fmt.Fprintln(stderr, "gomx: reading stdin:", err)
				code = 1
			}
			break
		}
	}
	if cell, ok := sp.flush(); ok {
		run(cell)
	}
	return code
}

// splitter cuts a stream of lines into cells.
type splitter struct {
	isComplete func(code string) string
	lines      []string
}

// add takes the next line and returns a cell when one ends.
func (s *splitter) add(line string) (string, bool) {
	if line == "%%" {
		return s.flush()
	}
	if strings.TrimSpace(line) == "" && len(s.lines) > 0 {
		if s.isComplete(strings.Join(s.lines, "\n")) != "incomplete" {
			return s.flush()
		}
	}
	if len(s.lines) == 0 && strings.TrimSpace(line) == "" {
		return "", false
	}
	s.lines = append(s.lines, line)
	return "", false
}

// flush returns the pending cell, if it has any text.
func (s *splitter) flush() (string, bool) {
	cell := strings.Join(s.lines, "\n")
	s.lines = nil
	if strings.TrimSpace(cell) == "" {
		return "", false
	}
	return strings.TrimRight(cell, "\n \t"), true
}
