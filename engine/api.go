// Package engine is the Go session behind every gomx front end, seen from
// the front end's side: the Engine interface (xeus-style: typed requests
// down, one Output up), its request and result types, and the client that
// runs a session in a `gomx worker` process and speaks to it over file
// descriptors 3 and 4.
//
// The interpreter itself (yaegi and the symbol tables) lives in
// internal/session and is linked only into the worker, so front ends that
// import engine build fast. Displays travel as display.Bundle values (which
// user code knows as viz.Bundle), and Output embeds display.Sink: neither
// links viz's plotting and rendering code.
//
// # Interrupting a cell
//
// One state machine governs a running cell that is interrupted (by
// interrupt_request, SIGINT, the REPL's Ctrl-C, the worker's heap
// watchdog or its deadlock watch). The worker decides when a cell is
// stuck in compiled code or deadlocked, the client decides to restart the
// worker; the front ends and the session keep no timers and no counts of
// their own:
//
//	idle ──execute──▶ running ──code ends──────────────────────▶ idle (result)
//	                     │  │
//	                     │  │ deadlock: once the cell has run 1 s, the worker
//	                     │  │ polls the engine (Deadlocker) every 250 ms; when
//	                     │  │ every goroutine of the cells has waited on a
//	                     │  │ channel, select or sync call of their own code
//	                     │  │ at every poll for 2 s, with no timer pending and
//	                     │  │ nothing sleeping or waiting for input, I/O or a
//	                     │  │ system call, it cancels the cell (ErrDeadlock)
//	                     │  └───────────────────────────────────▶ idle (Panic
//	                     │                        "fatal error", Status 2: all
//	                     │                  goroutines are asleep - deadlock!)
//	                     │
//	                     │ interrupt: the worker cancels the cell's context;
//	                     │ interpreted code stops at once, context-aware
//	                     ▼ calls (time.Sleep, mathx) return
//	                 cancelling ──code ends────────────────────▶ idle (Interrupted)
//	                     │
//	                     │ the code is still in a compiled call 1 s after the
//	                     │ interrupt (worker.Options.StuckAfter): the worker
//	                     ▼ sends MsgStuck, which the front end shows
//	                   stuck ──the compiled call returns───────▶ idle (Interrupted)
//	                     │
//	                     │ interrupt again: the client kills the worker
//	                     ▼ and starts a new one
//	                 restarted ────────────────────────────────▶ idle (WorkerDied:
//	                                                                the variables are lost)
//
// The session returns from an interrupted Execute only when the cell's
// code has ended, so a cell never runs beside the rest of an earlier one.
// A deadlocked cell is the exception: code waiting in a sync call (wg.Wait,
// mu.Lock), which cancelling cannot end, is left waiting; released later,
// it stops at its next interpreted statement.
// An interrupt before the worker reported the cell stuck only cancels (a
// repeated cancel changes nothing). At the end of a cell that did not fail
// the session waits up to 100 ms for the goroutines the cell started, so
// that their panics are reported on the cell that started them.
package engine

import (
	"context"

	"github.com/gomx-dev/gomx/display"
)

// Engine evaluates Go cells and answers questions about them.
type Engine interface {
	// Execute runs one cell. Output arrives through out, in the order the
	// cell made it, before Execute returns. Cancelling ctx interrupts the
	// cell.
	Execute(ctx context.Context, code string, opts ExecOptions, out Output) ExecResult
	// Complete returns completions at cursor (in Unicode code points).
	Complete(code string, cursor int) Completion
	// Inspect returns documentation for the name at cursor; detail 0 or 1.
	Inspect(code string, cursor int, detail int) Inspection
	// IsComplete reports whether code is "complete", "incomplete" or
	// "invalid", and for incomplete code the indent of the next line.
	IsComplete(code string) (status, indent string)
	// Info describes the engine.
	Info() Info
}

// Controller is an Engine running in a worker process that a front end can
// interrupt, restart and close. The worker client implements it.
type Controller interface {
	Engine
	// Interrupt cancels the running cell, if any. A cell still stuck in
	// compiled code after one interrupt is reported on its output; a
	// second Interrupt restarts the worker (the session's state is lost).
	Interrupt()
	// Restart replaces the worker with a fresh session.
	Restart() error
	// Close stops the worker.
	Close() error
}

// Output is where a running cell's output goes. Front ends implement it;
// calls come from one goroutine at a time, in order.
type Output interface {
	display.Sink
	// Stream appends text to "stdout" or "stderr".
	Stream(name, text string)
	// Input asks the user for a line of text (without its newline).
	Input(prompt string, password bool) (string, error)
}

// A Starter is an Output that is told when its cell is on its way to the
// engine, so that what a front end announces when a cell starts
// (Jupyter's execute_input) goes out while the engine works instead of
// before. A StartReporter's Execute calls Started once it has handed the
// cell over, before the cell's own output (output that goroutines of
// earlier cells left may come first).
type Starter interface {
	Started()
}

// A StartReporter is a Controller whose Execute calls Started on an
// Output that is a Starter. Client is one.
type StartReporter interface {
	ReportsStart()
}

// ExecOptions are the per-cell flags of Jupyter's execute_request.
type ExecOptions struct {
	Silent       bool // no result display and no history
	StoreHistory bool // record the cell in the session's history
	AllowStdin   bool // Input may be called; otherwise reading input is an error
}

// ExecResult is the outcome of one cell.
type ExecResult struct {
	// Value is the cell's value when its last statement is an expression
	// with a value; nil otherwise.
	Value *display.Bundle
	// Pager is help text for `name?` (Jupyter's page payload); empty
	// otherwise.
	Pager string
	// Error is non-nil when the cell failed.
	Error *Error
}

// ErrorKind tells apart the ways a cell fails.
type ErrorKind string

// Error kinds.
const (
	CompileError  ErrorKind = "CompileError"  // the cell does not compile
	RuntimePanic  ErrorKind = "Panic"         // a panic, interpreted or in compiled code
	InternalError ErrorKind = "InternalError" // the interpreter itself failed (a yaegi bug)
	Interrupted   ErrorKind = "Interrupted"   // the cell was interrupted; the session lives
	WorkerDied    ErrorKind = "WorkerDied"    // the worker crashed or was restarted; state is lost
	Unsupported   ErrorKind = "Unsupported"   // a construct the interpreter cannot run
	InputError    ErrorKind = "InputError"    // input was needed but not allowed or failed
)

// Error is a failed cell, shaped like Jupyter's error message.
type Error struct {
	Kind      ErrorKind
	Name      string   // ename, e.g. "CompileError" or "panic"
	Value     string   // evalue: the message
	Traceback []string // lines, ANSI colour allowed
	Line, Col int      // position in the cell as typed, 1-based (Col in runes); 0 when unknown
	// Status is the exit status the cell's code would give a Go program:
	// n for os.Exit(n), 2 for an unrecovered panic, 1 for a compile
	// error; 0 for the other kinds.
	Status int
}

func (e *Error) Error() string { return e.Name + ": " + e.Value }

// Completion is the answer to Complete. Cursor positions are Unicode code
// points. Types runs parallel to Matches ("function", "variable",
// "constant", "type", "package", "field", "method", "keyword", "magic").
type Completion struct {
	Matches     []string
	CursorStart int
	CursorEnd   int
	Types       []string
}

// Inspection is the answer to Inspect.
type Inspection struct {
	Found bool
	Data  display.Bundle // text/plain at least (signature and doc)
}

// HelpLink is a link in the front end's help menu.
type HelpLink struct{ Text, URL string }

// Info describes the engine for kernel_info and the REPL banner.
type Info struct {
	Implementation        string // "gomx"
	ImplementationVersion string
	LanguageVersion       string // the Go version
	Banner                string
	HelpLinks             []HelpLink
}
