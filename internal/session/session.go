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
	"go/ast"
	"go/token"
	"io"
	"os"
	"reflect"
	"regexp"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gomx-dev/gomx/display"
	"github.com/gomx-dev/gomx/engine"
	"github.com/gomx-dev/gomx/internal/front"
	"github.com/gomx-dev/gomx/internal/modules"
	"github.com/gomx-dev/gomx/internal/stdlib"
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
	// Args is os.Args for the cells; nil means ["gomx"].
	Args []string
}

// tagVar is the interpreter variable that holds the tag of the last
// statement that can panic (see internal/front/tags.go).
const tagVar = "$at"

// Timing of the session's waits.
const (
	// goroutineGrace is how long a cell waits at its end for the
	// goroutines it started, so that their panics are errors on it.
	goroutineGrace = 100 * time.Millisecond
)

// Session is a Go session on the yaegi interpreter. It implements
// engine.Engine; one cell runs at a time.
type Session struct {
	opts Options

	mu    sync.Mutex // held while a cell runs
	in    *interp.Interpreter
	front *front.Front
	// cells are the cells run with history on, for %save.
	cells []string

	outMu   sync.Mutex
	cur     *cellState
	pending []pendingOut

	trackMu sync.Mutex
	tracker *goTracker
	late    []any

	stdin  *inputReader
	stderr io.Writer
	// eval follows the evaluation of the running cell's code (outMu).
	eval *evaluation
	// dead is the state of deadlock detection (deadlock.go).
	dead deadlockState
	// stops tells the runtime's select when the interpreter stops
	// (selects.go).
	stops stopper
	// mods are the modules a cell imports from source (modules.go).
	mods *modules.Modules
	// ictx is the context of the running cell's code, Background between
	// cells: the session's time.Sleep returns early when it is done. It is
	// the session's own, not mathx/interrupt's process-wide one, so that
	// two sessions in one process do not wake each other's sleeps.
	ictx atomic.Pointer[context.Context]
}

// setInterrupt makes ctx (Background when nil) the context that stops the
// session's sleeps and the mathx routines its cells call.
func (s *Session) setInterrupt(ctx context.Context) {
	if ctx == nil {
		ctx = context.Background()
	}
	interrupt.Set(ctx)
	s.ictx.Store(&ctx)
}

// sleep pauses for at least d, like time.Sleep, unless the running cell is
// interrupted first. It is time.Sleep in cells.
func (s *Session) sleep(d time.Duration) {
	if d <= 0 {
		return
	}
	ctx := context.Background()
	if p := s.ictx.Load(); p != nil {
		ctx = *p
	}
	if ctx.Done() == nil {
		time.Sleep(d)
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

// An evaluation is the run of a cell's code. yaegi runs it in a goroutine
// of its own and, when the cell is cancelled, stops interpreted code and
// returns at once, while a compiled call the code is in runs on. The
// cell's code runs inside the runtime's Run (runCell), which records when
// it has ended, so that the next cell never starts while it runs.
type evaluation struct {
	ctx       context.Context // the cell's
	mu        sync.Mutex
	started   chan struct{} // closed when runCell begins the code (see execute)
	abandoned bool          // cancelled before runCell began: it must not begin
	done      chan struct{}
	end       sync.Once // closes done
	// exited is set by os.Exit, with its status
	exited bool
	status int
	cancel context.CancelCauseFunc // cancels the cell
}

func (ev *evaluation) finish() { ev.end.Do(func() { close(ev.done) }) }

// errExit is the cause of a cell ended by os.Exit.
var errExit = errors.New("os.Exit")

// exit is os.Exit in a cell: the cell ends with the status, deferred calls
// do not run (the calling goroutine never returns), the session lives.
func (s *Session) exit(code int) {
	s.outMu.Lock()
	ev := s.eval
	s.outMu.Unlock()
	if ev == nil {
		select {} // not in a cell: nothing to end
	}
	ev.mu.Lock()
	ev.exited, ev.status = true, code
	ev.mu.Unlock()
	ev.finish()
	ev.cancel(errExit)
	select {}
}

// runCell is the runtime's Run: it runs the cell's function f and
// records its end.
func (s *Session) runCell(f func()) {
	s.outMu.Lock()
	ev := s.eval
	s.outMu.Unlock()
	ev.mu.Lock()
	if ev.abandoned || ev.ctx.Err() != nil {
		ev.mu.Unlock()
		return
	}
	close(ev.started)
	ev.mu.Unlock()
	defer ev.finish()
	defer s.evalGoroutine()() // deadlock.go
	f()
}

// waitEvaluation waits until the cancelled cell's code has ended.
func (s *Session) waitEvaluation() {
	s.outMu.Lock()
	ev := s.eval
	s.outMu.Unlock()
	if ev == nil {
		return
	}
	ev.mu.Lock()
	if !isClosed(ev.started) {
		ev.abandoned = true
		ev.mu.Unlock()
		return
	}
	ev.mu.Unlock()
	<-ev.done
}

type cellState struct {
	ctx  context.Context
	out  engine.Output
	opts engine.ExecOptions
	// panicAt collects the positions yaegi reports while a panic unwinds
	// interpreted frames, innermost first.
	panicAt []string
	// value is the cell's shown value, set by the runtime's Show.
	value *viz.Bundle
	// diag gives the index and length of the indexing at a tag (see
	// internal/front/tags.go).
	diag func(tag int) []int
	// panicRaw and panicText are the last panic value of a type of the
	// session's with an Error or String method, as fmt prints it without
	// its methods, and by that method (the runtime's PanicText).
	panicRaw, panicText string
}

type pendingOut struct{ name, text string }

var _ engine.Engine = (*Session)(nil)

// New starts a session with the preloaded packages.
func New(opts Options) (*Session, error) {
	sessions.Add(1) // deadlock.go
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
	args := s.opts.Args
	if args == nil {
		args = []string{"gomx"}
	}
	// cells see the front end's environment (through the worker, which
	// inherits it) and their own os.Args
	if s.mods == nil {
		s.mods = s.newModules() // modules.go
	}
	s.mods.Reset()
	in := interp.New(interp.Options{Stdin: s.stdin, Stdout: stdout, Stderr: s.stderr, GoPath: modules.GoPath, SourcecodeFilesystem: s.mods.FS(), Args: args, Env: os.Environ()})
	if err := in.Use(symbols); err != nil {
		return fmt.Errorf("session: loading symbols: %w", err)
	}
	if err := in.Use(s.overlay()); err != nil {
		return fmt.Errorf("session: loading overlay: %w", err)
	}
	if err := in.Use(s.timerOverlay()); err != nil { // deadlock.go
		return fmt.Errorf("session: loading overlay: %w", err)
	}
	s.in = in
	s.front = front.New(front.Config{
		Fset:        in.FileSet(),
		Importer:    s.mods.Importer(in.FileSet(), stdlib.NewImporter(in.FileSet())),
		Available:   availableFrom, // modules.go
		Interpreted: func(path string) bool { return !preloaded(path) },
		Source:      s.mods.Source,
		AutoImports: autoImports,
		Runtime:     rtPath,
		TagVar:      tagVar,
		StdGeneric:  stdGeneric,
	})
	// the variable that tags the last statement that can panic, and the
	// aliases of predeclared names that lowered code uses
	tag := &ast.File{Name: ast.NewIdent("main"), Decls: []ast.Decl{&ast.GenDecl{Tok: token.VAR, Specs: []ast.Spec{
		&ast.ValueSpec{Names: []*ast.Ident{ast.NewIdent(tagVar)}, Type: ast.NewIdent("int")}}}}}
	aliases := &ast.GenDecl{Tok: token.TYPE}
	consts := &ast.GenDecl{Tok: token.CONST}
	for _, name := range front.Predeclared {
		if name == "true" || name == "false" {
			consts.Specs = append(consts.Specs, &ast.ValueSpec{Names: []*ast.Ident{ast.NewIdent("$" + name)}, Values: []ast.Expr{ast.NewIdent(name)}})
			continue
		}
		aliases.Specs = append(aliases.Specs, &ast.TypeSpec{Name: ast.NewIdent("$" + name), Assign: 1, Type: ast.NewIdent(name)})
	}
	tag.Decls = append(tag.Decls, aliases, consts)
	prog, err := in.CompileAST(tag)
	if err != nil {
		return fmt.Errorf("session: tag variable: %w", err)
	}
	// With a context (as every cell runs), so that yaegi compiles the
	// channel operations of function literals as cancellable from the
	// first cell on (it decides when it compiles them).
	if _, err := in.ExecuteWithContext(context.Background(), prog); err != nil {
		return fmt.Errorf("session: tag variable: %w", err)
	}
	s.dead.tag = in.Globals()[tagVar] // deadlock.go
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

var panicLine = regexp.MustCompile(`^(\S+):(\d+):(\d+): panic: (.*)\n?$`)

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

// Execute runs one cell.
func (s *Session) Execute(ctx context.Context, code string, opts engine.ExecOptions, out engine.Output) engine.ExecResult {
	s.mu.Lock()
	defer s.mu.Unlock()
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
	s.setInterrupt(ctx)
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
	s.setInterrupt(nil)
}

// run evaluates a cell that is not a magic: the front end parses,
// type-checks and lowers it, the interpreter compiles its file, whose
// declarations then stand, and runs it.
func (s *Session) run(ctx context.Context, code string, opts engine.ExecOptions) engine.ExecResult {
	u, errs := s.front.Compile(code)
	if len(errs) > 0 {
		return engine.ExecResult{Error: frontError(errs)}
	}
	prog, e := s.compileAST(u.File)
	if e != nil {
		return engine.ExecResult{Error: e}
	}
	u.Commit()
	outer := ctx
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	// the cell's waits (time.Sleep, mathx) watch this context: when the
	// outer one is cancelled, its Done closes before this one's Err is
	// set, and a sleep woken by it would let the code end before execute
	// sees the cancellation
	s.setInterrupt(ctx)
	defer s.setInterrupt(outer)
	ev := &evaluation{ctx: ctx, started: make(chan struct{}), done: make(chan struct{}), cancel: cancel}
	s.outMu.Lock()
	s.eval = ev
	s.outMu.Unlock()
	_, e = s.execute(ctx, ev, prog)
	ev.mu.Lock()
	exited, status := ev.exited, ev.status
	ev.mu.Unlock()
	if exited {
		if status == 0 {
			return engine.ExecResult{}
		}
		msg := fmt.Sprintf("os.Exit(%d) ended the cell with exit status %d; the session is kept", status, status)
		return engine.ExecResult{Error: &engine.Error{Kind: engine.RuntimePanic, Name: "os.Exit", Value: msg, Status: status, Traceback: []string{"os.Exit: " + msg}}}
	}
	if errors.Is(context.Cause(ctx), errGoPanic) {
		// a goroutine of the cell panicked: as in a Go program, that ends
		// the cell
		return engine.ExecResult{Error: goroutinePanic(s.goTracker().take())}
	}
	if e != nil {
		return engine.ExecResult{Error: e}
	}
	var res engine.ExecResult
	s.outMu.Lock()
	if s.cur != nil && !opts.Silent {
		res.Value = s.cur.value
	}
	s.outMu.Unlock()
	if panics := s.goTracker().wait(goroutineGrace); len(panics) > 0 {
		return engine.ExecResult{Error: goroutinePanic(panics)}
	}
	return res
}

// errGoPanic is the cause of a cell ended by a panic in one of its
// goroutines.
var errGoPanic = errors.New("panic in a goroutine")

// goroutinePanic is the error of a cell whose goroutine panicked.
func goroutinePanic(panics []any) *engine.Error {
	msg := "a goroutine panicked"
	if len(panics) > 0 {
		v := goPanic(panics[0])
		msg = fmt.Sprint(v)
		if err, ok := v.(error); ok {
			msg = err.Error()
		}
	}
	return &engine.Error{Kind: engine.RuntimePanic, Name: "panic", Value: msg, Status: 2,
		Traceback: []string{"panic: " + msg, "  in a goroutine started by this cell; the session is kept"}}
}

// frontError turns the front end's errors into the cell's error: Go's
// messages, one per line, at the first one's position.
func frontError(errs []front.Error) *engine.Error {
	e := &engine.Error{Kind: engine.CompileError, Name: "CompileError", Line: errs[0].Line, Col: errs[0].Col, Status: 1}
	var lines []string
	for _, fe := range errs {
		lines = append(lines, fe.Error())
	}
	switch errs[0].Kind {
	case front.Unsupported:
		e.Kind, e.Name = engine.Unsupported, "Unsupported"
	case front.Internal:
		e.Kind, e.Name = engine.InternalError, "InternalError"
	}
	for i, fe := range errs {
		if strings.Contains(fe.Msg, "is not preloaded in gomx") {
			e.Name = "ImportError"
			lines[i] += "; preloaded: " + preloadedList()
		} else if strings.HasPrefix(fe.Msg, "could not import ") {
			e.Name = "ImportError" // a module's package (modules.go)
		}
	}
	e.Value = strings.Join(lines, "\n")
	e.Traceback = []string{e.Name + ": " + e.Value}
	return e
}

// show records the cell's value; the runtime's Show calls it.
func (s *Session) show(b display.Bundle) {
	s.outMu.Lock()
	defer s.outMu.Unlock()
	if s.cur != nil {
		s.cur.value = &b
	}
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

// compileAST compiles lowered code, recovering the panics of yaegi's
// compiler. The front end has type-checked the cell: an error here is a
// construct the interpreter cannot compile.
func (s *Session) compileAST(n ast.Node) (prog *interp.Program, e *engine.Error) {
	defer func() {
		if r := recover(); r != nil {
			prog = nil
			msg := fmt.Sprint(r)
			if be := s.settleModules("the interpreter failed (a yaegi bug): " + msg); be != nil {
				e = importError(be) // modules.go
				return
			}
			e = &engine.Error{Kind: engine.InternalError, Name: "InternalError",
				Value:     "the interpreter failed on this cell (a yaegi bug): " + msg,
				Traceback: []string{"InternalError: " + msg, string(debug.Stack())}}
		}
	}()
	prog, err := s.in.CompileAST(n)
	if err != nil {
		if be := s.mods.Blame(err.Error()); be != nil {
			return nil, importError(be) // modules.go
		}
		if be := s.settleModules(err.Error()); be != nil {
			return nil, importError(be)
		}
		e := s.compileError(err)
		e.Kind, e.Name = engine.Unsupported, "Unsupported"
		e.Value = "the interpreter cannot run this cell: " + e.Value
		e.Traceback = []string{e.Name + ": " + e.Value}
		return nil, e
	}
	s.settleModules("")
	return prog, nil
}

// execute runs prog with the cell's context. When the cell is cancelled,
// yaegi stops interpreted code at once but returns before the evaluation
// has ended (a compiled call runs on): execute then waits until the
// evaluation has ended (see Run in overlay.go), however long that takes.
// The worker tells the user when that is a while (its stuck notice); the
// session itself has no timers.
//
// yaegi is stopped only once the cell's code has started (ev.started):
// stopped before, yaegi's evaluation goroutine can miss the stop (it takes
// the run's id after the stop changed it) and run the program on beside
// the next cell's compilation and run, racing on the interpreter's global
// frame (a lock of it was once left held, every later cell waiting for
// it). A cell cancelled before its code starts runs its program to the
// end, where the runtime's Run returns at once (runCell).
func (s *Session) execute(ctx context.Context, ev *evaluation, prog *interp.Program) (reflect.Value, *engine.Error) {
	v, err := func() (v reflect.Value, err error) {
		defer func() {
			if r := recover(); r != nil {
				err = interp.Panic{Value: r, Stack: debug.Stack()}
			}
		}()
		s.stops.renew()
		yctx, ystop := context.WithCancel(context.Background())
		defer ystop()
		defer context.AfterFunc(ctx, func() {
			select {
			case <-ev.started:
				ystop()
			case <-yctx.Done(): // the code ended
			}
		})()
		return s.in.ExecuteWithContext(yctx, prog)
	}()
	if ctx.Err() != nil {
		// the interpreter was stopped when ctx was done before the code
		// had ended, or the code did not start: the runtime's waits stop
		// too, now, before this cell can end or the next start (not from
		// a context.AfterFunc, which may run after both: the context's
		// Done closes before its AfterFuncs are started)
		s.stops.stop()
	}
	if err == nil && ctx.Err() != nil {
		// yaegi stops an interpreted loop on cancel and may then report
		// its normal end instead of the cancellation
		err = ctx.Err()
	}
	if err == nil {
		return v, nil
	}
	if ctx.Err() != nil {
		if isDeadlock(ctx) { // deadlock.go
			return reflect.Value{}, s.deadlockResult()
		}
		s.waitEvaluation()
		msg := "the cell was interrupted; the session and its variables are kept"
		return reflect.Value{}, &engine.Error{Kind: engine.Interrupted, Name: "Interrupted", Value: msg, Traceback: []string{"Interrupted: " + msg}}
	}
	return reflect.Value{}, s.execError(err)
}

// execError describes a failed execution.
func (s *Session) execError(err error) *engine.Error {
	var p interp.Panic
	if errors.As(err, &p) {
		return s.panicError(p)
	}
	return s.compileError(err)
}

// where maps a position the interpreter reports (file, line, byte column)
// to the cell and its line and rune column.
func (s *Session) where(file, line, col string) (cell, l, c int, ok bool) {
	ln, _ := strconv.Atoi(line)
	cl, _ := strconv.Atoi(col)
	return s.front.Position(file, ln, cl)
}

// panicError describes a panic of a cell.
func (s *Session) panicError(p interp.Panic) *engine.Error {
	s.outMu.Lock()
	var at []string
	if s.cur != nil {
		at = s.cur.panicAt
		s.cur.panicAt = nil
	}
	s.outMu.Unlock()
	e := &engine.Error{Kind: engine.RuntimePanic, Name: "panic"}
	switch v := p.Value.(type) {
	case fatalPanic:
		e.Name = "log.Fatal"
		e.Value = v.msg + " (log.Fatal ended the cell; the session is kept)"
	case inputPanic:
		e.Kind = engine.InputError
		e.Name = "InputError"
		e.Value = "reading input: " + v.msg
	case memoryLimitPanic:
		// as the worker reports a cell its watchdog stopped
		e.Kind = engine.Interrupted
		e.Name = "MemoryLimitExceeded"
		e.Value = v.Error() + " (the session lives; set GOMX_MEMORY_LIMIT or --memory-limit to change the limit)"
	default:
		gv := goPanic(p.Value)
		if gv == runtimeError("index out of range") {
			gv = s.indexError(gv)
		}
		e.Value = fmt.Sprint(gv)
		if err, ok := gv.(error); ok {
			e.Value = err.Error()
		}
		s.outMu.Lock()
		if s.cur != nil && s.cur.panicText != "" && s.cur.panicRaw == e.Value {
			// the value's Error or String method, as Go prints it
			e.Value = s.cur.panicText
		}
		s.outMu.Unlock()
	}
	e.Status = 2
	e.Traceback = []string{e.Name + ": " + e.Value}
	placed := false
	current := s.front.Cells()
	// the statement that panicked, from its tag
	if v, ok := s.globals()[tagVar]; ok && v.IsValid() && v.CanInt() {
		if p, ok := s.front.Tag(int(v.Int())); ok {
			where := "this cell"
			if p.Cell != current {
				where = fmt.Sprintf("cell %d", p.Cell)
			} else {
				e.Line, e.Col, placed = p.Line, p.Col, true
			}
			e.Traceback = append(e.Traceback, fmt.Sprintf("  line %d, column %d of %s", p.Line, p.Col, where))
		}
	}
	first := len(e.Traceback) // the first frame's line
	for _, l := range at {
		m := panicLine.FindStringSubmatch(l)
		fn := strings.TrimSuffix(m[4], "(...)")
		fn = strings.TrimPrefix(strings.TrimPrefix(fn, "main."), "_.")
		ln, _ := strconv.Atoi(m[2])
		cl, _ := strconv.Atoi(m[3])
		if s.front.Nested(m[1], ln, cl) {
			// the front end's, inside the next frame's function: the
			// function literals in it are that function's
			for i := first; i < len(e.Traceback); i++ {
				e.Traceback[i] = strings.Replace(e.Traceback[i], "  in "+fn+".", "  in "+strings.TrimSuffix(fn, ".func")+".", 1)
			}
			continue
		}
		cell, line, col, ok := s.where(m[1], m[2], m[3])
		if !ok {
			e.Traceback = append(e.Traceback, fmt.Sprintf("  in %s", fn))
			continue
		}
		switch {
		case fn == "init":
			continue // the function that runs the cell (Unit.File)
		case strings.HasPrefix(fn, "$cell"):
			fn = "the cell"
		case fn == "$main":
			fn = "main"
		case strings.HasPrefix(fn, "$init"):
			fn = "init"
		}
		where := "this cell"
		if cell != current {
			where = fmt.Sprintf("cell %d", cell)
		}
		if cell == current && !placed {
			// yaegi reports a frame at its function's first statement
			e.Line, e.Col, placed = line, col, true
		}
		// the interpreter knows the function of each frame, not its line
		e.Traceback = append(e.Traceback, fmt.Sprintf("  in %s (%s)", fn, where))
	}
	e.Traceback = append(e.Traceback, compiledFrames(p.Stack)...)
	return e
}

// indexError gives an index-out-of-range error Go's numbers where the
// cell's diagnostic function can tell them (see internal/front/tags.go).
func (s *Session) indexError(err any) any {
	s.outMu.Lock()
	var diag func(int) []int
	if s.cur != nil {
		diag = s.cur.diag
	}
	s.outMu.Unlock()
	v, ok := s.globals()[tagVar]
	if diag == nil || !ok || !v.IsValid() || !v.CanInt() {
		return err
	}
	var nums []int
	func() {
		defer func() { recover() }()
		nums = diag(int(v.Int()))
	}()
	if len(nums) != 2 {
		return err
	}
	return runtimeError(fmt.Sprintf("index out of range [%d] with length %d", nums[0], nums[1]))
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
		for _, p := range []string{"runtime.", "runtime/", "reflect.", "github.com/traefik/yaegi/", "panic(", "github.com/gomx-dev/gomx/internal/", "created by "} {
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

var errPos = regexp.MustCompile(`^(\S+):(\d+):(\d+): (.*)$`)

// compileError turns an error the interpreter reports into an error at
// its position in the cell.
func (s *Session) compileError(err error) *engine.Error {
	msg := err.Error()
	e := &engine.Error{Kind: engine.CompileError, Name: "CompileError", Value: msg}
	first := strings.SplitN(msg, "\n", 2)[0]
	if m := errPos.FindStringSubmatch(first); m != nil {
		if _, line, col, ok := s.where(m[1], m[2], m[3]); ok {
			e.Line, e.Col = line, col
			e.Value = fmt.Sprintf("%d:%d: %s", line, col, m[4])
		}
	}
	e.Traceback = []string{e.Name + ": " + e.Value}
	return e
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
