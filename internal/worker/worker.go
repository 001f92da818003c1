// Package worker is the worker half of the engine protocol: `gomx worker`
// serves one engine.Engine (the interpreter session) to an engine.Client
// over file descriptors 3 (requests in) and 4 (replies and output out).
//
// The worker captures its own file descriptors 1 and 2 with pipes it reads
// itself, so that what compiled code writes to os.Stdout and os.Stderr,
// what interpreted code prints and what the cell displays reach the client
// as one ordered stream: before it forwards a display, a clear, an input
// request or a result, the worker reads what is left in both pipes.
// (Text on stdout and on stderr written between two such points keeps its
// order within each descriptor, not across the two: two pipes cannot say
// which of two writes came first.) It
// enforces a memory limit (RLIMIT_DATA on Linux, plus a heap watchdog that
// cancels the running cell), cancels a cell whose goroutines are all
// deadlocked (deadlock.go), reports a cell stuck in compiled code after an
// interrupt, and exits when the client's end of file descriptor 3 closes,
// so it never outlives its client.
package worker

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"sync"
	"time"

	"github.com/gomx-dev/gomx/display"
	"github.com/gomx-dev/gomx/engine"
)

// Options configure Run.
type Options struct {
	// New creates the engine; stdout and stderr are the worker's captured
	// file descriptors 1 and 2, where interpreted output should go.
	New func(stdout, stderr io.Writer) (engine.Engine, error)
	// MemoryLimit in bytes; 0 means none. Use engine.ParseMemoryLimit with
	// TotalMemory to resolve user input.
	MemoryLimit int64
	// Debug turns on a log of the protocol traffic on the worker's
	// original standard error, which the client reads.
	Debug bool
	// StuckAfter is how long after an interrupt a cell that has not
	// returned is reported stuck; 0 means one second.
	StuckAfter time.Duration
}

// ErrMemoryLimit is the cause of a cell cancelled by the heap watchdog.
var ErrMemoryLimit = errors.New("memory limit exceeded")

// errInterrupt is the cause of a cell cancelled by an interrupt request.
var errInterrupt = errors.New("interrupted")

// Run serves the engine over file descriptors 3 and 4 until the client
// closes its end or asks for shutdown, and returns the process exit code.
// It redirects the process's file descriptors 1 and 2 and is meant to be
// the whole of a worker process.
func Run(opts Options) int {
	if !fdOpen(3) || !fdOpen(4) {
		fmt.Fprintln(os.Stderr, "gomx worker: file descriptors 3 and 4 are not open; the worker is started by gomx front ends")
		return 2
	}
	crash, err := captureCrashOutput()
	if err != nil {
		fmt.Fprintln(os.Stderr, "gomx worker:", err)
		return 1
	}
	logf := func(string, ...any) {}
	if opts.Debug {
		logf = func(format string, args ...any) {
			fmt.Fprintf(crash, "gomx worker %d: "+format+"\n", append([]any{os.Getpid()}, args...)...)
		}
	}
	in, out := os.NewFile(3, "engine-in"), os.NewFile(4, "engine-out")
	w := &worker{
		out:        engine.NewMsgWriter(out),
		crash:      crash,
		logf:       logf,
		limit:      opts.MemoryLimit,
		stuckAfter: opts.StuckAfter,
		inputs:     make(chan *engine.Msg, 1),
		watch:      time.NewTimer(idleInterval),
	}
	if w.stuckAfter <= 0 {
		w.stuckAfter = time.Second
	}
	if w.capture, err = captureStdio(w.send); err != nil {
		fmt.Fprintln(crash, "gomx worker:", err)
		return 1
	}
	if w.eng, err = opts.New(os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(crash, "gomx worker: starting the session:", err)
		return 1
	}
	// The rlimits are set above what the process uses with its session.
	if err := setMemoryLimit(opts.MemoryLimit); err != nil {
		fmt.Fprintln(crash, "gomx worker:", err)
		return 1
	}
	go w.watchMemory()
	w.send(&engine.Msg{Type: engine.MsgReady, WorkerPID: os.Getpid(), MemoryLimit: opts.MemoryLimit})
	logf("ready, memory limit %d", opts.MemoryLimit)
	w.serve(engine.NewMsgReader(in))
	return 0
}

type worker struct {
	eng        engine.Engine
	capture    *stdio
	crash      io.Writer // the client's view of our stderr
	logf       func(string, ...any)
	limit      int64
	stuckAfter time.Duration

	sendMu sync.Mutex
	out    *engine.MsgWriter

	// inputs carries input replies from the reader to a waiting Input.
	inputs chan *engine.Msg
	// watch wakes the heap watchdog (watchMemory); execute sets it to
	// busyInterval when a cell starts, with mu held.
	watch *time.Timer

	// the requests to serve, when one is being served (read)
	qmu     sync.Mutex
	serving bool
	queue   []*engine.Msg

	mu  sync.Mutex
	run *cell // the running cell, nil between cells
	// pending is the id of a cell interrupted before it started, 0 for
	// none
	pending uint64
}

// A cell is the Execute in progress.
type cell struct {
	id     uint64
	ctx    context.Context
	cancel context.CancelCauseFunc
	done   chan struct{}
	stuck  sync.Once // the stuck notice, sent at most once
}

func (w *worker) send(m *engine.Msg) {
	w.sendMu.Lock()
	defer w.sendMu.Unlock()
	if err := w.out.Write(m); err != nil {
		// The client is gone: nothing is left to serve.
		os.Exit(0)
	}
}

// serve reads requests and serves them; it ends only by exiting the
// process. Execute, complete, inspect and is_complete requests are served
// one at a time, in order; interrupts and input replies are handled by
// the reader at once.
func (w *worker) serve(r *engine.MsgReader) {
	go w.read(r)
	select {}
}

// read reads requests until it hands the reading on: a request to serve
// that arrives while none is served is served by the goroutine that read
// it, after it has started another reader, so that nothing passes
// between goroutines on the way from the pipe to the cell (each hand-off
// can cost a thread's wake-up, tens of microseconds of a round trip). A
// request that arrives while another is served waits in the queue of the
// goroutine serving.
func (w *worker) read(r *engine.MsgReader) {
	growStack(0)
	for {
		m, err := r.Read()
		if err != nil {
			// EOF: the client closed its end or died. Leave at once, even
			// when a cell is stuck in compiled code.
			w.logf("request stream ended: %v", err)
			os.Exit(0)
		}
		w.logf("request %s id=%d", m.Type, m.ID)
		switch m.Type {
		case engine.MsgInterrupt:
			w.interrupt(m.ID)
		case engine.MsgInputReply:
			select {
			case w.inputs <- m:
			default: // nobody asked: a late reply after an interrupt
			}
		case engine.MsgShutdown:
			os.Exit(0)
		default:
			w.qmu.Lock()
			if w.serving {
				w.queue = append(w.queue, m)
				w.qmu.Unlock()
				continue
			}
			w.serving = true
			w.qmu.Unlock()
			go w.read(r)
			w.serveFrom(m)
			return
		}
	}
}

// servingStack is about the stack serving a trivial cell reaches (the
// type checker and the interpreter recurse deeply).
const servingStack = 64 << 10

// growStack gives the calling goroutine a stack of more than servingStack
// at once, with a frame that large: each reader serves the next request,
// and its stack would otherwise grow from a new goroutine's few kilobytes
// by doubling, copying the deep frames of a running cell each time (with
// it, the runtime's stack growth fell from 8.6 % to 5.2 % of the worker's
// CPU time under bench/kernel, perf record).
//
//go:noinline
func growStack(i int) byte {
	var frame [servingStack]byte
	frame[i] = 1
	return frame[i/2]
}

// serveFrom serves m, then the requests queued meanwhile.
func (w *worker) serveFrom(m *engine.Msg) {
	for {
		w.handle(m)
		w.qmu.Lock()
		if len(w.queue) == 0 {
			w.serving = false
			w.qmu.Unlock()
			return
		}
		m = w.queue[0]
		w.queue[0] = nil
		w.queue = w.queue[1:]
		w.qmu.Unlock()
	}
}

// handle serves one request.
func (w *worker) handle(m *engine.Msg) {
	switch m.Type {
	case engine.MsgExecute:
		w.execute(m)
	case engine.MsgComplete:
		c := engine.Completion{CursorStart: m.Cursor, CursorEnd: m.Cursor}
		w.safely(m, func() { c = w.eng.Complete(m.Code, m.Cursor) })
		w.send(&engine.Msg{Type: engine.MsgCompletion, ID: m.ID, Completion: &c})
	case engine.MsgInspect:
		var in engine.Inspection
		w.safely(m, func() { in = w.eng.Inspect(m.Code, m.Cursor, m.Detail) })
		w.send(&engine.Msg{Type: engine.MsgInspection, ID: m.ID, Inspection: &in})
	case engine.MsgIsComplete:
		st, ind := "unknown", ""
		w.safely(m, func() { st, ind = w.eng.IsComplete(m.Code) })
		w.send(&engine.Msg{Type: engine.MsgIsCompleteReply, ID: m.ID, Status: st, Indent: ind})
	default:
		w.logf("unknown request %q ignored", m.Type)
	}
}

// safely runs f, a request that is not a cell: a panic in it is logged on
// the crash output and the request gets an empty answer, rather than the
// session's state being lost with the worker.
func (w *worker) safely(m *engine.Msg, f func()) {
	defer func() {
		if p := recover(); p != nil {
			fmt.Fprintf(w.crash, "gomx worker: %s request for %q panicked: %v\n", m.Type, m.Code, p)
		}
	}()
	f()
}

func (w *worker) interrupt(id uint64) {
	w.mu.Lock()
	c := w.run
	if c == nil || id != 0 && c.id != id {
		// the cell has not started yet (its request waits in the queue):
		// it starts cancelled
		w.pending = id
		w.mu.Unlock()
		return
	}
	w.mu.Unlock()
	c.cancel(errInterrupt)
	go func() {
		select {
		case <-c.done:
		case <-time.After(w.stuckAfter):
			w.logf("cell %d has not returned %v after the interrupt", c.id, w.stuckAfter)
			w.sendStuck(c)
		}
	}()
}

func (w *worker) sendStuck(c *cell) {
	c.stuck.Do(func() {
		w.send(&engine.Msg{Type: engine.MsgStuck, ID: c.id,
			Text: "the cell is stuck in compiled code and cannot be stopped; interrupt again to restart the worker (the session's variables will be lost)"})
	})
}

func (w *worker) execute(m *engine.Msg) {
	ctx, cancel := context.WithCancelCause(context.Background())
	c := &cell{id: m.ID, ctx: ctx, cancel: cancel, done: make(chan struct{})}
	// Drain a stale input reply left from an earlier cell.
	select {
	case <-w.inputs:
	default:
	}
	w.mu.Lock()
	w.run = c
	early := w.pending != 0 && w.pending == m.ID
	w.pending = 0
	w.watch.Reset(busyInterval) // a cell shorter than that is not watched
	w.mu.Unlock()
	if early {
		w.interrupt(m.ID)
	}
	var opts engine.ExecOptions
	if m.Opts != nil {
		opts = *m.Opts
	}
	deadlock := w.watchDeadlock(c) // deadlock.go
	// Execute returns once the cell's code has ended, after an interrupt
	// too: the engine waits for code stuck in a compiled call
	res := w.eng.Execute(ctx, m.Code, opts, &output{w: w, c: c})
	close(c.done)
	dead := deadlock()
	cause := context.Cause(ctx)
	if dead != nil && errors.Is(cause, engine.ErrDeadlock) {
		res.Value, res.Error = nil, dead
	}
	if res.Error == nil && w.overLimit() {
		// the cell ended past the limit before the watchdog looked
		// (one large allocation, say): what it allocated is kept, and
		// the next cells fail the same way until memory is freed
		cause = ErrMemoryLimit
	}
	if errors.Is(cause, ErrMemoryLimit) {
		res.Value = nil
		res.Error = &engine.Error{
			Kind: engine.Interrupted,
			Name: "MemoryLimitExceeded",
			Value: fmt.Sprintf("memory limit exceeded: the heap grew past %s in this cell, which was stopped or had just ended "+
				"(the session lives; let go of large values, or set GOMX_MEMORY_LIMIT or --memory-limit to change the limit)", engine.FormatBytes(w.limit)),
		}
		debug.FreeOSMemory()
		if err := rearmRlimits(w.limit); err != nil {
			w.logf("memory limit: %v", err)
		}
	}
	w.mu.Lock()
	w.run = nil
	w.mu.Unlock()
	cancel(nil)
	w.capture.flush()
	w.send(&engine.Msg{Type: engine.MsgResult, ID: m.ID, Result: &res})
}

// output is the Output handed to the engine for one cell. Each call first
// drains the captured stdout and stderr, so that the client sees what was
// written before it in order.
type output struct {
	w *worker
	c *cell
}

func (o *output) Stream(name, text string) {
	o.w.capture.flush()
	o.w.send(&engine.Msg{Type: engine.MsgStream, Name: name, Text: text})
}

func (o *output) Display(b display.Bundle, displayID string, update bool) {
	o.w.capture.flush()
	o.w.send(&engine.Msg{Type: engine.MsgDisplay, Bundle: &b, DisplayID: displayID, Update: update})
}

func (o *output) Clear(wait bool) {
	o.w.capture.flush()
	o.w.send(&engine.Msg{Type: engine.MsgClear, Wait: wait})
}

func (o *output) Input(prompt string, password bool) (string, error) {
	o.w.capture.flush()
	o.w.send(&engine.Msg{Type: engine.MsgInputRequest, ID: o.c.id, Prompt: prompt, Password: password})
	select {
	case r := <-o.w.inputs:
		if r.Err != "" {
			return "", errors.New(r.Err)
		}
		return r.Text, nil
	case <-o.c.ctx.Done():
		return "", context.Cause(o.c.ctx)
	}
}
