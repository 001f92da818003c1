package session

import (
	"context"
	"fmt"
	"math"
	"os"
	"reflect"
	"strings"
	"time"

	"github.com/gomx-dev/gomx/engine"
)

// helpText is what %help shows.
const helpText = `gomx: Go cells on the yaegi interpreter, with gonum, gonum/plot, mathx and viz preloaded.

A cell may mix imports, funcs, types, vars and statements. The value of a
last expression is shown. Preloaded packages are imported on first use of
their name (mat, floats, stat, distuv, plot, plotter, viz, ot, prox, …).
Other modules' packages are imported from source with the go command:
import "github.com/google/uuid".

Magics:
  %time <stmt>     run the statement and print how long it took
  %timeit <expr>   time an expression, repeated for at least 0.2 s: mean ± std per loop
  %who             list the session's variables, functions and types
  %reset           start a fresh session (all variables are lost)
  %help            this text
  %load file.go    run a file as a cell
  %save file.go    write the session's cells to a file
  %go get mod@ver  pin the version of a module that cells import
  %go list         the modules the session uses, with their versions
  name? or ?name   documentation of name (pkg.Name works too)

Interrupt stops interpreted code at once; a call stuck in compiled code is
reported, and a second interrupt restarts the session.
`

// magic runs code when it is a magic or a help request.
func (s *Session) magic(ctx context.Context, code string, opts engine.ExecOptions) (engine.ExecResult, bool) {
	t := strings.TrimSpace(code)
	if t == "" {
		return engine.ExecResult{}, false
	}
	if !strings.HasPrefix(t, "%") {
		if name, ok := helpRequest(t); ok {
			return engine.ExecResult{Pager: s.help(name)}, true
		}
		return engine.ExecResult{}, false
	}
	cmd, arg, _ := strings.Cut(t[1:], " ")
	arg = strings.TrimSpace(arg)
	if i := strings.IndexByte(cmd, '\n'); i >= 0 {
		cmd, arg = cmd[:i], strings.TrimSpace(cmd[i+1:]+" "+arg)
	}
	switch cmd {
	case "time":
		// the statement where it stands in the cell, "%time" blanked,
		// so that an error's line and column are the cell's
		src := strings.Replace(code, "%time", "     ", 1)
		start := time.Now()
		res := s.run(ctx, src, opts)
		if e := res.Error; e == nil || e.Kind != engine.CompileError && e.Kind != engine.Unsupported {
			// a statement that did not compile did not run
			s.emit("stdout", fmt.Sprintf("Wall time: %v\n", time.Since(start).Round(time.Microsecond)))
		}
		if res.Error == nil && opts.StoreHistory {
			s.cells = append(s.cells, arg)
		}
		return res, true
	case "timeit":
		return s.timeit(ctx, arg), true
	case "go":
		return s.goMagic(arg), true // modules.go
	case "who":
		s.emit("stdout", s.who())
		return engine.ExecResult{}, true
	case "reset":
		if err := s.reset(); err != nil {
			return engine.ExecResult{Error: &engine.Error{Kind: engine.InternalError, Name: "InternalError", Value: err.Error(), Traceback: []string{err.Error()}}}, true
		}
		s.emit("stdout", "session reset: all variables, functions and types are gone\n")
		return engine.ExecResult{}, true
	case "help":
		return engine.ExecResult{Pager: helpText}, true
	case "load":
		b, err := os.ReadFile(arg)
		if err != nil {
			return magicError("%load: " + err.Error()), true
		}
		src := stripPackage(string(b))
		res := s.run(ctx, src, opts)
		if res.Error == nil && opts.StoreHistory {
			s.cells = append(s.cells, src)
		}
		return res, true
	case "save":
		if arg == "" {
			return magicError("%save needs a file name: %save file.go"), true
		}
		var b strings.Builder
		for i, c := range s.cells {
			fmt.Fprintf(&b, "// cell %d\n%s\n\n", i+1, strings.TrimRight(c, "\n"))
		}
		if err := os.WriteFile(arg, []byte(b.String()), 0o644); err != nil {
			return magicError("%save: " + err.Error()), true
		}
		s.emit("stdout", fmt.Sprintf("saved %d cells to %s\n", len(s.cells), arg))
		return engine.ExecResult{}, true
	}
	return magicError(fmt.Sprintf("unknown magic %%%s; %%help lists them", cmd)), true
}

func magicError(msg string) engine.ExecResult {
	return engine.ExecResult{Error: &engine.Error{Kind: engine.CompileError, Name: "MagicError", Value: msg, Traceback: []string{"MagicError: " + msg}}}
}

// helpRequest recognises `name?` and `?name` (name may be pkg.Name).
func helpRequest(t string) (string, bool) {
	var name string
	switch {
	case strings.HasSuffix(t, "?"):
		name = strings.TrimRight(t, "?")
	case strings.HasPrefix(t, "?"):
		name = strings.TrimLeft(t, "?")
	default:
		return "", false
	}
	name = strings.TrimSpace(name)
	if name == "" {
		return "", false
	}
	for _, r := range name {
		if !(r == '.' || r == '_' || isIdentRune(r)) {
			return "", false
		}
	}
	return name, true
}

// stripPackage removes a package clause so that a file runs as a cell.
func stripPackage(src string) string {
	lines := strings.Split(src, "\n")
	for i, l := range lines {
		if strings.HasPrefix(strings.TrimSpace(l), "package ") {
			lines[i] = ""
			break
		}
	}
	return strings.Join(lines, "\n")
}

// who lists the session's user symbols.
func (s *Session) who() string {
	var vars []string
	g := s.globals()
	// the type a variable is declared with (Point, not the interpreter's
	// struct { X float64; Y float64 })
	declared := map[string]string{}
	for _, sym := range s.front.Symbols() {
		if t, ok := strings.CutPrefix(sym.Sig, "var "+sym.Name+" "); ok && sym.Kind == "variable" {
			declared[sym.Name] = t
		}
	}
	for _, name := range sortedKeys(g) {
		if strings.HasPrefix(name, "$") {
			continue
		}
		t, ok := declared[name]
		if !ok {
			t = typeName(g[name])
		}
		vars = append(vars, name+" "+t)
	}
	var funcs, types []string
	for _, sym := range s.front.Symbols() {
		switch sym.Kind {
		case "function":
			funcs = append(funcs, sym.Name)
		case "type":
			types = append(types, sym.Name)
		}
	}
	if len(vars)+len(funcs)+len(types) == 0 {
		return "no variables, functions or types yet\n"
	}
	var b strings.Builder
	for _, l := range []struct {
		title string
		list  []string
	}{{"variables", vars}, {"functions", funcs}, {"types", types}} {
		if len(l.list) > 0 {
			fmt.Fprintf(&b, "%s: %s\n", l.title, strings.Join(l.list, ", "))
		}
	}
	return b.String()
}

func typeName(v reflect.Value) string {
	if !v.IsValid() {
		return "nil"
	}
	return v.Type().String()
}

// timeit times expr: it finds a loop count whose run takes at least
// 0.04 s, then times five runs (at least 0.2 s in all) and reports the
// mean and standard deviation of the time per loop.
func (s *Session) timeit(ctx context.Context, expr string) engine.ExecResult {
	if expr == "" {
		return magicError("%timeit needs an expression: %timeit 1+1")
	}
	// each run is a cell of its own, a loop with no variable (a name of
	// the session's would be one a user can choose): `_ = expr`, or
	// expr itself when it has no value
	body := "_ = " + expr
	loop := func(n int) string { return fmt.Sprintf("for range %d {\n%s\n}", n, body) }
	if res := s.run(ctx, loop(0), engine.ExecOptions{Silent: true}); res.Error != nil {
		body = expr
		if res := s.run(ctx, loop(0), engine.ExecOptions{Silent: true}); res.Error != nil {
			res.Error.Line, res.Error.Col = 0, 0
			return res
		}
	}
	runN := func(n int) (time.Duration, *engine.Error) {
		start := time.Now()
		res := s.run(ctx, loop(n), engine.ExecOptions{Silent: true})
		return time.Since(start), res.Error
	}
	const runs, perRun = 5, 40 * time.Millisecond
	n := 1
	for {
		d, e := runN(n)
		if e != nil {
			return engine.ExecResult{Error: e}
		}
		if d >= perRun {
			break
		}
		grow := 10
		if d > 0 {
			grow = int(math.Ceil(1.2 * float64(perRun) / float64(d)))
		}
		n *= max(2, min(grow, 100))
	}
	var per [runs]float64
	for i := range per {
		d, e := runN(n)
		if e != nil {
			return engine.ExecResult{Error: e}
		}
		per[i] = float64(d) / float64(n)
	}
	mean, sd := meanStd(per[:])
	text := fmt.Sprintf("%s ± %s per loop (mean ± std. dev. of %d runs, %d loops each)", fmtNanos(mean), fmtNanos(sd), runs, n)
	s.emit("stdout", text+"\n")
	return engine.ExecResult{}
}

func meanStd(x []float64) (mean, sd float64) {
	for _, v := range x {
		mean += v
	}
	mean /= float64(len(x))
	for _, v := range x {
		sd += (v - mean) * (v - mean)
	}
	if len(x) > 1 {
		sd = math.Sqrt(sd / float64(len(x)-1))
	}
	return mean, sd
}

// fmtNanos formats a duration given in nanoseconds with three significant
// digits.
func fmtNanos(ns float64) string {
	switch {
	case ns < 1e3:
		return fmt.Sprintf("%.3g ns", ns)
	case ns < 1e6:
		return fmt.Sprintf("%.3g µs", ns/1e3)
	case ns < 1e9:
		return fmt.Sprintf("%.3g ms", ns/1e6)
	}
	return fmt.Sprintf("%.3g s", ns/1e9)
}

// Info describes the engine.
func (s *Session) Info() engine.Info {
	return engine.Info{
		Implementation:        "gomx",
		ImplementationVersion: Version,
		LanguageVersion:       goVersion(),
		Banner:                fmt.Sprintf("gomx %s — Go %s on the yaegi interpreter, with gonum, gonum/plot, mathx and viz preloaded. %%help for help.", Version, goVersion()),
		HelpLinks: []engine.HelpLink{
			{Text: "Go documentation", URL: "https://go.dev/doc/"},
			{Text: "Go standard library", URL: "https://pkg.go.dev/std"},
			{Text: "gonum", URL: "https://pkg.go.dev/gonum.org/v1/gonum"},
			{Text: "gonum/plot", URL: "https://pkg.go.dev/gonum.org/v1/plot"},
			{Text: "gomx README", URL: "https://github.com/gomx-dev/gomx#readme"},
		},
	}
}
