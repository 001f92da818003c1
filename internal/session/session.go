// Package session is the in-process Go session behind every gomx front end:
// an engine.Engine on the yaegi interpreter with the preloaded symbol
// tables. It splits cells into declarations and statements, rewrites what
// yaegi lacks, maps errors back to the cell as typed, shows values, runs
// magics, and answers completion, inspection and is-complete requests.
//
// A Session runs inside the gomx worker process; front ends reach it
// through the engine client.
package session

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"runtime"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gomx-dev/gomx/engine"
	"github.com/gomx-dev/gomx/mathx/interrupt"
	"github.com/gomx-dev/gomx/viz"
	"github.com/traefik/yaegi/interp"
)

// Options configure a session.
type Options struct {
	// Stdout and Stderr receive what interpreted code prints. Nil sends it
	// to the running cell's Output.Stream. The worker passes its real
	// standard output and error, which it captures at the descriptor
	// level.
	Stdout, Stderr io.Writer
}

// Timing of the session's waits.
const (
	// interruptGrace is how long an interrupted cell's evaluation may take
	// to stop before the session reports it stuck in compiled code.
	interruptGrace = time.Second
	// goroutineGrace is how long a cell waits at its end for the
	// goroutines it started, so that their panics are errors on it.
	goroutineGrace = 100 * time.Millisecond
)

// Session is a Go session on the yaegi interpreter. It implements
// engine.Engine; one cell runs at a time.
type Session struct {
	opts Options

	mu      sync.Mutex // held while a cell runs
	in      *interp.Interpreter
	imports map[string]string // package name in the session → import path
	syms    map[string]userSym
	types   map[string]string
	funcs   map[string]int
	results map[string]string
	methods map[string]int
	rich    map[string]map[string]bool // methods of user types (see planner)
	// varTypes are the types of globals where the rewriter told them
	varTypes map[string]string
	generic  map[string]bool // user generic funcs
	// funcLocs tells where each user func was defined, for placing the
	// frames of a panic.
	funcLocs map[string]funcLoc
	serial   int // number of the running cell
	cells    []string

	outMu   sync.Mutex
	cur     *cellState
	pending []pendingOut

	trackMu sync.Mutex
	tracker *goTracker
	late    []any

	abandoned atomic.Int64 // goroutine id of an interrupted evaluation still running, or 0
	stdin     *inputReader
	stderr    io.Writer
}

type cellState struct {
	ctx  context.Context
	out  engine.Output
	opts engine.ExecOptions
	// panicAt collects the positions yaegi reports while a panic unwinds
	// interpreted frames, innermost first.
	panicAt []string
}

type pendingOut struct{ name, text string }

type funcLoc struct {
	cell   int
	locate locator
}

var _ engine.Engine = (*Session)(nil)

// New starts a session with the preloaded packages.
func New(opts Options) (*Session, error) {
	s := &Session{opts: opts}
	if err := s.reset(); err != nil {
		return nil, err
	}
	return s, nil
}

// reset replaces the interpreter with a fresh one.
func (s *Session) reset() error {
	s.stdin = &inputReader{s: s}
	stdout := opts(s.opts.Stdout, &streamWriter{s: s, name: "stdout"})
	s.stderr = &streamWriter{s: s, name: "stderr", fwd: s.opts.Stderr}
	in := interp.New(interp.Options{Stdin: s.stdin, Stdout: stdout, Stderr: s.stderr, GoPath: "/nonexistent"})
	if err := in.Use(symbols); err != nil {
		return fmt.Errorf("session: loading symbols: %w", err)
	}
	if err := in.Use(s.overlay()); err != nil {
		return fmt.Errorf("session: loading overlay: %w", err)
	}
	if _, err := in.Compile(slicesExtra); err != nil {
		return fmt.Errorf("session: slices extras: %w", err)
	}
	for _, src := range []string{`import ` + rtName + ` "` + rtPath + `"`, prelude} {
		if _, err := in.Eval(src); err != nil {
			return fmt.Errorf("session: prelude: %w", err)
		}
	}
	s.in = in
	s.imports = map[string]string{}
	s.syms = map[string]userSym{}
	s.types = map[string]string{}
	s.funcs = map[string]int{}
	s.results = map[string]string{}
	s.methods = map[string]int{}
	s.rich = map[string]map[string]bool{}
	s.varTypes = map[string]string{}
	s.generic = map[string]bool{}
	s.funcLocs = map[string]funcLoc{}
	s.cells = nil
	return nil
}

func opts(w io.Writer, def io.Writer) io.Writer {
	if w != nil {
		return w
	}
	return def
}

// streamWriter sends the interpreter's output to the running cell. On
// stderr it takes out the lines yaegi writes while a panic unwinds
// ("3:5: panic: main.f(...)") and keeps their positions for the error.
type streamWriter struct {
	s    *Session
	name string
	fwd  io.Writer
}

var panicLine = regexp.MustCompile(`^(?:\S*\.go:)?(\d+):(\d+): panic: (.*)\n?$`)

func (w *streamWriter) Write(p []byte) (int, error) {
	if w.name == "stderr" && panicLine.Match(p) {
		w.s.outMu.Lock()
		if w.s.cur != nil {
			w.s.cur.panicAt = append(w.s.cur.panicAt, string(bytes.TrimSpace(p)))
		}
		w.s.outMu.Unlock()
		return len(p), nil
	}
	if w.fwd != nil {
		return w.fwd.Write(p)
	}
	w.s.emit(w.name, string(p))
	return len(p), nil
}

// emit sends text to the running cell's stream, or keeps it for the next
// cell when none runs.
func (s *Session) emit(name, text string) {
	s.outMu.Lock()
	defer s.outMu.Unlock()
	if s.cur == nil {
		s.pending = append(s.pending, pendingOut{name, text})
		return
	}
	s.cur.out.Stream(name, text)
}

// sink is the viz.Sink of the session: displays go to the running cell,
// in order with its prints.
type sink struct{ s *Session }

func (k sink) Display(b viz.Bundle, id string, update bool) {
	k.s.outMu.Lock()
	defer k.s.outMu.Unlock()
	if k.s.cur != nil {
		k.s.cur.out.Display(b, id, update)
	}
}

func (k sink) Clear(wait bool) {
	k.s.outMu.Lock()
	defer k.s.outMu.Unlock()
	if k.s.cur != nil {
		k.s.cur.out.Clear(wait)
	}
}

func (s *Session) goTracker() *goTracker {
	s.trackMu.Lock()
	defer s.trackMu.Unlock()
	return s.tracker
}

func (s *Session) latePanic(v any) {
	s.trackMu.Lock()
	defer s.trackMu.Unlock()
	s.late = append(s.late, v)
}

// askInput asks the running cell's front end for a line.
func (s *Session) askInput() (string, error) {
	s.outMu.Lock()
	cur := s.cur
	s.outMu.Unlock()
	if cur == nil {
		return "", errors.New("reading input outside a running cell")
	}
	if !cur.opts.AllowStdin {
		return "", errors.New("this front end does not accept input (stdin is not allowed for this cell)")
	}
	return cur.out.Input("", false)
}

// Stuck reports whether an interrupted cell is still running in compiled
// code. The next cell waits for it; a front end restarts the session
// instead on a second interrupt.
func (s *Session) Stuck() bool {
	g := s.abandoned.Load()
	if g == 0 {
		return false
	}
	if !evalRunning(g) {
		s.abandoned.CompareAndSwap(g, 0)
		return false
	}
	return true
}

// Execute runs one cell.
func (s *Session) Execute(ctx context.Context, code string, opts engine.ExecOptions, out engine.Output) engine.ExecResult {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e := s.waitAbandoned(ctx); e != nil {
		return engine.ExecResult{Error: e}
	}
	s.serial++
	s.begin(ctx, out, opts)
	defer s.end()
	if res, ok := s.magic(ctx, code, opts); ok {
		return res
	}
	res := s.run(ctx, code, opts)
	if res.Error == nil && opts.StoreHistory {
		s.cells = append(s.cells, code)
	}
	return res
}

// begin makes out the destination of the cell's output.
func (s *Session) begin(ctx context.Context, out engine.Output, opts engine.ExecOptions) {
	interrupt.Set(ctx)
	viz.SetSink(sink{s})
	s.trackMu.Lock()
	s.tracker = newGoTracker(s.latePanic)
	late := s.late
	s.late = nil
	s.trackMu.Unlock()
	s.stdin.buf = nil

	s.outMu.Lock()
	s.cur = &cellState{ctx: ctx, out: out, opts: opts}
	pending := s.pending
	s.pending = nil
	for _, p := range pending {
		out.Stream(p.name, p.text)
	}
	for _, p := range late {
		out.Stream("stderr", fmt.Sprintf("panic in a goroutine started by an earlier cell: %v\n", p))
	}
	s.outMu.Unlock()
}

func (s *Session) end() {
	s.goTracker().end()
	s.outMu.Lock()
	s.cur = nil
	s.outMu.Unlock()
	viz.SetSink(nil)
	interrupt.Set(nil)
}

// waitAbandoned waits for an interrupted evaluation still running in
// compiled code before the next cell starts.
func (s *Session) waitAbandoned(ctx context.Context) *engine.Error {
	for s.Stuck() {
		select {
		case <-ctx.Done():
			return stuckError()
		case <-time.After(10 * time.Millisecond):
		}
	}
	return nil
}

func stuckError() *engine.Error {
	msg := "the interrupted cell is still running in compiled code, which cannot be stopped; interrupt again to restart the session (its variables will be lost)"
	return &engine.Error{Kind: engine.Interrupted, Name: "Interrupted", Value: msg, Traceback: []string{"Interrupted: " + msg}}
}

// run evaluates a cell that is not a magic.
func (s *Session) run(ctx context.Context, code string, opts engine.ExecOptions) engine.ExecResult {
	g := s.globals() // one snapshot for planning: Globals builds a map
	p := &planner{
		global: func(name string) (reflect.Value, bool) {
			v, ok := g[name]
			return v, ok
		},
		defined: func(name string) bool {
			_, ok := g[name]
			return ok || s.syms[name].Kind != ""
		},
		isPkg: func(name string) bool {
			if _, ok := s.imports[name]; ok {
				return true
			}
			if _, ok := g[name]; ok || s.syms[name].Kind != "" {
				return false
			}
			_, ok := autoImports[name]
			return ok
		},
		userFuncs:   map[string]int{},
		userMethods: map[string]int{},
		rich:        map[string]map[string]bool{},
		varTypes:    s.varTypes,
		generic:     map[string]bool{},
		isType:      func(name string) bool { return s.syms[name].Kind == "type" },
		userResults: map[string]string{},
		pkgSymbol:   nil,
		types:       s.types,
	}
	for k, v := range s.results {
		p.userResults[k] = v
	}
	for k, v := range s.methods {
		p.userMethods[k] = v
	}
	for k, v := range s.rich {
		p.rich[k] = v
	}
	for k, v := range s.generic {
		p.generic[k] = v
	}
	p.pkgSymbol = func(pkg, name string) (reflect.Value, bool) {
		if !p.isPkg(pkg) {
			return reflect.Value{}, false
		}
		path, ok := s.imports[pkg]
		if !ok {
			path = autoImports[pkg]
		}
		v, ok := symbols[path+"/"+pkgName(path)][name]
		return v, ok
	}
	for k, v := range s.funcs {
		p.userFuncs[k] = v
	}
	pl, err := p.plan(code)
	if err != nil {
		return engine.ExecResult{Error: planError(code, err)}
	}
	if e := s.importAll(code, pl); e != nil {
		return engine.ExecResult{Error: e}
	}
	var res engine.ExecResult
	for _, pt := range pl.Parts {
		if pt.Kind == declChunk {
			if e := s.eval(ctx, code, pt, "", pl); e != nil {
				return engine.ExecResult{Error: e}
			}
			_, locate := locate(code, pt, "")
			for name, sym := range pl.Syms {
				if sym.Kind == "function" && sym.Off >= pt.Start && sym.Off < pt.End {
					s.funcLocs[name] = funcLoc{cell: s.serial, locate: locate}
				}
			}
			for name, sym := range pl.Syms {
				if sym.Kind == "function" || sym.Kind == "type" {
					s.syms[name] = sym
				}
			}
			for name, spec := range pl.Types {
				s.types[name] = spec
			}
			for name, n := range p.userFuncs {
				s.funcs[name] = n
			}
			for name, t := range p.userResults {
				s.results[name] = t
			}
			for name, n := range p.userMethods {
				s.methods[name] = n
			}
			for name, ms := range p.rich {
				s.rich[name] = ms
			}
			for name, g := range p.generic {
				s.generic[name] = g
			}
			continue
		}
		if pt.Display && pt.Recv != "" {
			// a method call on a variable of this cell: its type is known now
			if v, ok := s.global(pt.Recv); ok && v.IsValid() {
				if pt.Method == "" {
					if v.Kind() == reflect.Func {
						pt.NoValue = v.Type().NumOut() != 1
					}
				} else if m, ok := v.Type().MethodByName(pt.Method); ok {
					pt.NoValue = m.Type.NumOut() != 1
				} else if m, ok := reflect.PointerTo(v.Type()).MethodByName(pt.Method); ok {
					pt.NoValue = m.Type.NumOut() != 1
				}
			}
		}
		if pt.Display && !pt.NoValue && !opts.Silent {
			b, e := s.display(ctx, code, pt, pl)
			if e != nil {
				return engine.ExecResult{Error: e}
			}
			res.Value = b
			continue
		}
		if e := s.eval(ctx, code, pt, "", pl); e != nil {
			return engine.ExecResult{Error: e}
		}
	}
	for name, sym := range pl.Syms {
		s.syms[name] = sym
		if sym.Kind == "variable" || sym.Kind == "constant" {
			delete(s.varTypes, name)
		}
	}
	for name, t := range pl.VarTypes {
		s.varTypes[name] = t
	}
	if panics := s.goTracker().wait(goroutineGrace); len(panics) > 0 {
		msg := fmt.Sprint(panics[0])
		return engine.ExecResult{Error: &engine.Error{Kind: engine.RuntimePanic, Name: "panic", Value: "in a goroutine: " + msg,
			Traceback: []string{"panic in a goroutine started by this cell: " + msg, "the session is kept"}}}
	}
	return res
}

// display evaluates the cell's last expression into __gomxV (and
// __gomxV1, … for a call with several results) and renders it.
func (s *Session) display(ctx context.Context, code string, pt part, pl *plan) (*viz.Bundle, *engine.Error) {
	names := []string{"__gomxV"}
	for i := 1; i < pt.Results; i++ {
		names = append(names, fmt.Sprintf("__gomxV%d", i))
	}
	if pt.Direct || len(names) == 1 && !s.hasRichTypes() {
		// yaegi gives the value of an expression statement. A call of a
		// generic function must be shown so (yaegi cannot assign its result
		// with :=); other values too unless a user type may show itself
		// richly, which needs the value in a variable (richValue): each
		// top-level := takes a new slot in yaegi's global frame, which it
		// copies on every evaluation.
		v, e := s.evalValue(ctx, code, pt, "", pl)
		if e != nil {
			return nil, e
		}
		var val any
		if v.IsValid() && v.CanInterface() {
			val = v.Interface()
		}
		b := viz.Render(val)
		return &b, nil
	}
	prefix := strings.Join(names, ", ") + " := "
	v0, e := s.evalValue(ctx, code, pt, prefix, pl)
	if e != nil {
		return nil, e
	}
	vals := make([]any, len(names))
	for i, name := range names {
		// yaegi's value of a definition of one name is the value defined
		v := v0
		if len(names) > 1 {
			v, _ = s.in.Eval(name)
		}
		if v.IsValid() && v.CanInterface() {
			vals[i] = v.Interface()
		}
	}
	if len(vals) > 1 {
		texts := make([]string, len(vals))
		for i, v := range vals {
			texts[i] = viz.Render(v).Text()
		}
		b := viz.Bundle{Data: map[string]string{viz.MIMEText: "(" + strings.Join(texts, ", ") + ")"}}
		return &b, nil
	}
	if b, ok := s.richValue(); ok {
		return &b, nil
	}
	b := viz.Render(vals[0])
	return &b, nil
}

// hasRichTypes reports whether a user type has a rich method.
func (s *Session) hasRichTypes() bool {
	for _, ms := range s.rich {
		for m := range ms {
			if _, ok := richMethods[m]; ok {
				return true
			}
		}
	}
	return false
}

// richValue asks __gomxV for its rich representations. yaegi cannot
// dispatch on the methods of interpreted types at run time (its type
// switches match any interpreted interface), so the session asks its
// compiler instead: each rich method that some user type has is tried on
// __gomxV, and those that compile are called.
func (s *Session) richValue() (viz.Bundle, bool) {
	names := map[string]bool{}
	for _, ms := range s.rich {
		for m := range ms {
			if _, ok := richMethods[m]; ok {
				names[m] = true
			}
		}
	}
	var ms []string
	for _, m := range sortedKeys(names) {
		if s.compiles("__gomxV." + m + "()") {
			ms = append(ms, m)
		}
	}
	if len(ms) == 0 {
		return viz.Bundle{}, false
	}
	v, err := s.in.Eval(richCall("__gomxV", ms))
	if err != nil || !v.IsValid() {
		return viz.Bundle{}, false
	}
	b, ok := v.Interface().(viz.Bundle)
	return b, ok
}

// compiles reports whether src compiles in the session.
func (s *Session) compiles(src string) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	_, err := s.in.Compile(src)
	return err == nil
}

// globals returns the session's global variables. yaegi's Globals
// panics after a failed compilation left names without storage; those
// names are then left out until the next cell runs.
func (s *Session) globals() (g map[string]reflect.Value) {
	defer func() {
		if recover() != nil {
			g = map[string]reflect.Value{}
		}
	}()
	return s.in.Globals()
}

// global returns the value of a global of the session.
func (s *Session) global(name string) (reflect.Value, bool) {
	v, ok := s.globals()[name]
	return v, ok
}

// defined reports whether name is a user symbol of an earlier cell.
func (s *Session) defined(name string) bool {
	if _, ok := s.syms[name]; ok {
		return true
	}
	_, ok := s.globals()[name]
	return ok
}

// eval compiles and runs one part of a cell, with prefix written before its
// text on its first line.
func (s *Session) eval(ctx context.Context, code string, pt part, prefix string, pl *plan) *engine.Error {
	_, e := s.evalValue(ctx, code, pt, prefix, pl)
	return e
}

// evalValue is eval that also returns the value yaegi gives.
func (s *Session) evalValue(ctx context.Context, code string, pt part, prefix string, pl *plan) (reflect.Value, *engine.Error) {
	src, locate := locate(code, pt, prefix)
	prog, e := s.compile(src, locate, pl)
	if e != nil {
		if prefix == "" {
			if v, e2, ok := s.typedDefine(ctx, code, pt, e); ok {
				return v, e2
			}
		}
		return reflect.Value{}, e
	}
	return s.execute(ctx, prog, locate)
}

// A locator maps a line and column that yaegi reports in the source of a
// part to the line and column in the cell as typed.
type locator func(line, col int) (int, int)

// locate returns the source yaegi compiles for a part and its locator.
// The source keeps the part at its line and column in the cell: it is
// padded with newlines and spaces. yaegi compiles declarations as a file
// and statements as the body of main, so the first line gets a package
// clause, or "package main; func main() {" from yaegi for statements (with
// ";" first when the part starts like a declaration, so that yaegi takes
// it for statements).
func locate(code string, pt part, prefix string) (string, locator) {
	pad := padTo(code, pt.Start)
	src := pad + prefix + pt.Text
	lead, shift := "package main;", len("package main;")
	if pt.Kind == stmtChunk {
		lead = ""
		if prefix == "" && startsLikeDecl(pt.Text) {
			lead = ";"
		}
		shift = len("package main; func main() {") + len(lead)
	}
	body := src
	locate := func(line, col int) (int, int) {
		if line == 1 {
			col -= shift
		}
		off := lineColOffset(body, line, col) - len(pad) - len(prefix)
		if off < 0 {
			off = 0
		}
		return offsetLineCol(code, pt.Start+pt.Map.old(off))
	}
	return lead + src, locate
}

// undefined finds the first name of the cell that nothing defines.
func (s *Session) undefined(pl *plan) (rangeNote, bool) {
	g := s.globals()
	for _, u := range pl.Idents {
		if pl.Declared[u.Expr] || s.syms[u.Expr].Kind != "" || builtinNames[u.Expr] {
			continue
		}
		if _, ok := g[u.Expr]; ok {
			continue
		}
		if _, ok := s.pkgPath(u.Expr); ok {
			continue
		}
		return u, true
	}
	return rangeNote{}, false
}

// startsLikeDecl reports whether yaegi would take src for declarations.
func startsLikeDecl(src string) bool {
	t := strings.TrimLeft(src, " \t\n")
	for _, kw := range []string{"var", "const", "func", "type", "import"} {
		if strings.HasPrefix(t, kw) && (len(t) == len(kw) || !isIdentRune(rune(t[len(kw)]))) {
			return true
		}
	}
	return false
}

// compile compiles src, recovering the panics of yaegi's compiler.
func (s *Session) compile(src string, locate locator, pl *plan) (prog *interp.Program, e *engine.Error) {
	defer func() {
		if r := recover(); r != nil {
			prog = nil
			msg := fmt.Sprint(r)
			if len(pl.Ranges) > 0 && strings.Contains(msg, "nil type") {
				var exprs []string
				for _, rn := range pl.Ranges {
					exprs = append(exprs, "`"+rn.Expr+"`")
				}
				e = &engine.Error{Kind: engine.Unsupported, Name: "Unsupported",
					Value: "range over " + strings.Join(exprs, ", ") + ": the interpreter cannot range over an integer whose type gomx cannot tell, nor over a function (iterator); write `for i := 0; i < n; i++`"}
				e.Line, e.Col = pl.Ranges[0].Line, pl.Ranges[0].Col
				e.Traceback = []string{e.Name + ": " + e.Value}
				return
			}
			if strings.Contains(msg, "nil reflect type") {
				e = &engine.Error{Kind: engine.Unsupported, Name: "Unsupported",
					Value: "the interpreter cannot give the result of a generic function a type here (yaegi infers type arguments weakly): declare the variable with its type (var x T = f(…)) or pass type arguments (f[T](…)); see the Limitations section of the README"}
				e.Traceback = []string{e.Name + ": " + e.Value}
				return
			}
			if u, ok := s.undefined(pl); ok {
				// yaegi's compiler crashes on some uses of an undefined name
				e = &engine.Error{Kind: engine.CompileError, Name: "CompileError",
					Value: fmt.Sprintf("%d:%d: undefined: %s", u.Line, u.Col, u.Expr), Line: u.Line, Col: u.Col}
				e.Traceback = []string{e.Name + ": " + e.Value}
				return
			}
			e = &engine.Error{Kind: engine.InternalError, Name: "InternalError",
				Value:     "the interpreter failed on this cell (a yaegi bug): " + msg,
				Traceback: []string{"InternalError: " + msg, string(debug.Stack())}}
		}
	}()
	prog, err := s.in.Compile(src)
	if err != nil {
		e := compileError(err, locate)
		if strings.Contains(err.Error(), "definition loop") {
			// yaegi's message for a global defined from an undefined name
			if u, ok := s.undefined(pl); ok {
				e.Line, e.Col = u.Line, u.Col
				e.Value = fmt.Sprintf("%d:%d: undefined: %s", u.Line, u.Col, u.Expr)
				e.Traceback = []string{e.Name + ": " + e.Value}
			}
		}
		return nil, e
	}
	return prog, nil
}

// execute runs prog with the cell's context. When the cell is interrupted
// and its evaluation does not stop within interruptGrace (it is stuck in
// compiled code), the session records it as abandoned.
func (s *Session) execute(ctx context.Context, prog *interp.Program, locate locator) (reflect.Value, *engine.Error) {
	v, err := func() (v reflect.Value, err error) {
		defer func() {
			if r := recover(); r != nil {
				err = interp.Panic{Value: r, Stack: debug.Stack()}
			}
		}()
		return s.in.ExecuteWithContext(ctx, prog)
	}()
	if err == nil && ctx.Err() != nil {
		// yaegi stops an interpreted loop on cancel and may then report
		// its normal end instead of the cancellation
		err = ctx.Err()
	}
	if err == nil {
		return v, nil
	}
	// ExecuteWithContext ran prog in a goroutine it started from this one
	return reflect.Value{}, s.execError(ctx, goid(), err, locate)
}

// execError describes the failure of an execution in goroutine g.
func (s *Session) execError(ctx context.Context, g int64, err error, locate locator) *engine.Error {
	if ctx.Err() != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)) {
		deadline := time.Now().Add(interruptGrace)
		for evalRunning(g) && time.Now().Before(deadline) {
			time.Sleep(5 * time.Millisecond)
		}
		if evalRunning(g) {
			s.abandoned.Store(g)
			return stuckError()
		}
		msg := "the cell was interrupted; the session and its variables are kept"
		return &engine.Error{Kind: engine.Interrupted, Name: "Interrupted", Value: msg, Traceback: []string{"Interrupted: " + msg}}
	}
	var p interp.Panic
	if errors.As(err, &p) {
		return s.panicError(p, locate)
	}
	return compileError(err, locate)
}

// panicError describes a panic of a cell.
func (s *Session) panicError(p interp.Panic, locate locator) *engine.Error {
	s.outMu.Lock()
	var at []string
	if s.cur != nil {
		at = s.cur.panicAt
		s.cur.panicAt = nil
	}
	s.outMu.Unlock()
	e := &engine.Error{Kind: engine.RuntimePanic, Name: "panic"}
	switch v := p.Value.(type) {
	case exitPanic:
		e.Name = "os.Exit"
		e.Value = fmt.Sprintf("os.Exit(%d) ended the cell; the session is kept", v.code)
	case fatalPanic:
		e.Name = "log.Fatal"
		e.Value = v.msg + " (log.Fatal ended the cell; the session is kept)"
	case inputPanic:
		e.Kind = engine.InputError
		e.Name = "InputError"
		e.Value = "reading input: " + v.msg
	default:
		e.Value = fmt.Sprint(p.Value)
		if err, ok := p.Value.(error); ok {
			e.Value = err.Error()
		}
	}
	e.Traceback = []string{e.Name + ": " + e.Value}
	placed := false
	for _, l := range at {
		m := panicLine.FindStringSubmatch(l)
		line, _ := strconv.Atoi(m[1])
		col, _ := strconv.Atoi(m[2])
		fn := strings.TrimSuffix(m[3], "(...)")
		fn = strings.TrimPrefix(strings.TrimPrefix(fn, "main."), "_.")
		loc, here := locate, true
		if fn != "main" {
			base, _, _ := strings.Cut(fn, ".")
			fl, ok := s.funcLocs[base]
			if !ok {
				e.Traceback = append(e.Traceback, fmt.Sprintf("  in %s", fn))
				continue
			}
			loc, here = fl.locate, fl.cell == s.serial
		} else {
			fn = "the cell"
		}
		cl, cc := loc(line, col)
		where := "this cell"
		if !here {
			where = "an earlier cell"
		}
		if here && !placed {
			e.Line, e.Col, placed = cl, cc, true
		}
		e.Traceback = append(e.Traceback, fmt.Sprintf("  line %d, column %d of %s, in %s", cl, cc, where, fn))
	}
	e.Traceback = append(e.Traceback, compiledFrames(p.Stack)...)
	return e
}

// compiledFrames returns the frames of compiled packages (gonum, mathx, …)
// in a panic's stack: where inside compiled code the panic happened.
func compiledFrames(stack []byte) []string {
	var out []string
	for _, l := range strings.Split(string(stack), "\n") {
		if l == "" || strings.HasPrefix(l, "\t") || strings.HasPrefix(l, "goroutine ") {
			continue
		}
		skip := false
		for _, p := range []string{"runtime.", "runtime/", "reflect.", "github.com/traefik/yaegi/", "panic(", "github.com/gomx-dev/gomx/engine/", "created by "} {
			if strings.HasPrefix(l, p) {
				skip = true
				break
			}
		}
		if !skip {
			out = append(out, "  in compiled code: "+l)
		}
		if len(out) == 5 {
			break
		}
	}
	return out
}

var errPos = regexp.MustCompile(`^(?:\S*\.go:)?(\d+):(\d+): (.*)$`)

// compileError turns an error of the interpreter's compiler into an error
// at its position in the cell.
func compileError(err error, locate locator) *engine.Error {
	msg := err.Error()
	e := &engine.Error{Kind: engine.CompileError, Name: "CompileError", Value: msg}
	first := strings.SplitN(msg, "\n", 2)[0]
	if m := errPos.FindStringSubmatch(first); m != nil {
		line, _ := strconv.Atoi(m[1])
		col, _ := strconv.Atoi(m[2])
		e.Line, e.Col = locate(line, col)
		e.Value = fmt.Sprintf("%d:%d: %s", e.Line, e.Col, m[3])
	}
	if strings.Contains(e.Value, "not a generic type") {
		e.Value += " (the interpreter cannot assign the result of a generic function with :=: write var x T = f[…](…), or use the call directly; see the Limitations section of the README)"
	}
	for _, pkg := range []string{"slices.", "maps.", "cmp."} {
		if strings.Contains(e.Value, pkg) {
			e.Value += " (the interpreter runs the generic functions of slices, maps and cmp only in part; see the Limitations section of the README)"
			break
		}
	}
	e.Value = strings.ReplaceAll(e.Value, "__gomxMin", "min")
	e.Value = strings.ReplaceAll(e.Value, "__gomxMax", "max")
	e.Traceback = []string{e.Name + ": " + e.Value}
	return e
}

// planError turns a failure of splitting or rewriting into a cell error.
func planError(code string, err error) *engine.Error {
	var ce *cellError
	if !errors.As(err, &ce) {
		return &engine.Error{Kind: engine.InternalError, Name: "InternalError", Value: err.Error(), Traceback: []string{err.Error()}}
	}
	line, col := offsetLineCol(code, ce.Off)
	e := &engine.Error{Kind: engine.CompileError, Name: "CompileError", Line: line, Col: col}
	switch ce.Kind {
	case "unsupported":
		e.Kind, e.Name = engine.Unsupported, "Unsupported"
	case "redefined":
		e.Name = "TypeRedefined"
	}
	e.Value = fmt.Sprintf("%d:%d: %s", line, col, ce.Message)
	e.Traceback = []string{e.Name + ": " + e.Value}
	return e
}

// offsetLineCol returns the 1-based line and column (in bytes) of offset
// off in src.
func offsetLineCol(src string, off int) (int, int) {
	if off > len(src) {
		off = len(src)
	}
	line := strings.Count(src[:off], "\n") + 1
	col := off - (strings.LastIndexByte(src[:off], '\n') + 1) + 1
	return line, col
}

// lineColOffset returns the offset of 1-based line and column in src.
func lineColOffset(src string, line, col int) int {
	off := 0
	for l := 1; l < line; l++ {
		i := strings.IndexByte(src[off:], '\n')
		if i < 0 {
			return len(src)
		}
		off += i + 1
	}
	return min(off+col-1, len(src))
}

// goid returns the id of the calling goroutine.
func goid() int64 {
	var buf [64]byte
	n := runtime.Stack(buf[:], false)
	f := strings.Fields(string(buf[:n]))
	if len(f) < 2 {
		return 0
	}
	id, _ := strconv.ParseInt(f[1], 10, 64)
	return id
}

// evalRunning reports whether the goroutine that yaegi's
// ExecuteWithContext started from goroutine g still runs.
func evalRunning(g int64) bool {
	buf := make([]byte, 1<<16)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	return bytes.Contains(buf, []byte("interp.(*Interpreter).ExecuteWithContext in goroutine "+strconv.FormatInt(g, 10)+"\n"))
}

// sortedKeys returns the keys of m in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
