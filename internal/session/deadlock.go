package session

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"weak"

	"github.com/gomx-dev/gomx/engine"
	"github.com/traefik/yaegi/interp"
)

// Deadlock detection: the session implements engine.Deadlocker. The
// worker polls Deadlocked while a cell runs long and cancels the cell with
// engine.ErrDeadlock when it has reported a deadlock for a while (see the
// engine package doc); the cell then fails with Go's fatal error.
//
// A cell is deadlocked when every goroutine of the session's cells — the
// goroutine running the cell's code and those its go statements started,
// in this cell or an earlier one — waits on a channel, a select or a sync
// primitive in interpreted code, and nothing can wake one:
//
//   - The goroutines are those of a stack dump of the process
//     (runtime.Stack). The goroutine running the cell's code is the one in
//     runCell; the goroutines of go statements are those in goCell. A
//     goroutine's id costs about 10 µs (a stack trace of its own), so with
//     one session in the process (a worker) runCell does not take it: the
//     check finds the goroutine in runCell that it has not left blocked at
//     an earlier deadlock (abandoned). When the process holds several
//     sessions (the tests), runCell and goCell record their goroutines' ids
//     to tell the sessions' goroutines apart (owners).
//   - A goroutine waits in interpreted code when its state is a channel,
//     select or sync wait and the first frame above the runtime's, sync's
//     and reflect's is yaegi's: yaegi runs a channel operation as a
//     reflect.Select with its cancel channel (state "select"), a sync
//     method as a reflect call; a select statement waits in the
//     runtime's Select (selects.go). A wait inside a compiled function (gonum
//     or mathx waiting for its own goroutines, time.Sleep, the input
//     request, a network read) is not a deadlock of the cell.
//   - Any other goroutine of the process (not the worker's own, nor
//     another session's) that runs, sleeps, waits on I/O or in a system
//     call might wake the cell (an HTTP server calling a handler, a
//     signal), as it keeps Go from reporting a deadlock.
//   - A timer made by the cells might wake it: the session's versions of
//     time.After (pending until its deadline), context.WithTimeout and
//     WithDeadline (until the context is done), and time.NewTimer,
//     NewTicker, Tick and AfterFunc (while the session can reach the
//     Timer or Ticker: a stopped one cannot be told from a running one,
//     so one kept in a variable stops deadlocks from being reported).
//   - Snapshots that differ between two polls (a goroutine that woke and
//     waits again, the tag variable changed) are progress: the worker's
//     wait starts again.
//
// The blocking lines: the front end tags the statements that can block
// (channel operations, select, calls) like those that can panic, so the
// tag variable names the statement at which the last goroutine to block
// stopped; with a single goroutine it is that goroutine's line.

// goid returns the id of the calling goroutine, from its stack's header.
func goid() int64 {
	var buf [64]byte
	n := runtime.Stack(buf[:], false)
	b := bytes.TrimPrefix(buf[:n], []byte("goroutine "))
	if i := bytes.IndexByte(b, ' '); i > 0 {
		id, _ := strconv.ParseInt(string(b[:i]), 10, 64)
		return id
	}
	return 0
}

// sessions counts the sessions made in the process.
var sessions atomic.Int32

// owners maps goroutines of the cells of the sessions in the process to
// their session: the goroutine running each cell's code, and with several
// sessions those of go statements.
var owners = struct {
	sync.Mutex
	m map[int64]*Session
}{m: map[int64]*Session{}}

func (s *Session) own(id int64) {
	owners.Lock()
	owners.m[id] = s
	owners.Unlock()
}

func disown(id int64) {
	owners.Lock()
	delete(owners.m, id)
	owners.Unlock()
}

// cellGoroutine records the calling goroutine as one of the session's
// cells' goroutines (goCell) when the process holds several sessions; the
// function returned forgets it.
func (s *Session) cellGoroutine() func() {
	if sessions.Load() < 2 {
		return func() {}
	}
	id := goid()
	s.own(id)
	return func() { disown(id) }
}

// evalGoroutine records the calling goroutine as the one running the
// cell's code (runCell); the function returned forgets it.
func (s *Session) evalGoroutine() func() {
	id := int64(evalUnknown)
	if sessions.Load() >= 2 {
		id = goid()
		s.own(id)
	}
	d := &s.dead
	d.mu.Lock()
	d.evalSeq++
	seq := d.evalSeq
	d.eval, d.cell, d.collected, d.prev, d.last, d.lastStuck = id, s.front.Cells(), false, "", nil, false
	d.next, d.confirmed = time.Time{}, false
	d.mu.Unlock()
	return func() {
		if id != evalUnknown {
			disown(id)
		}
		d.mu.Lock()
		if d.evalSeq == seq {
			d.eval = 0
		}
		d.mu.Unlock()
	}
}

// evalUnknown is deadlockState.eval while a cell runs and no check has
// found its goroutine yet.
const evalUnknown = -1

// findEval sets d.eval, when it is evalUnknown, to the goroutine of the
// dump gs in runCell that is neither abandoned nor another session's, and
// reports whether d.eval is known; owners is locked. A session runs one
// cell at a time and waits for a cancelled cell's code to end unless it
// abandons it, so its goroutines in runCell are the running cell's and
// the abandoned ones. The goroutines of other sessions' cells are in
// owners: only the process's first session runs cells without an id,
// before a second session is made.
func (d *deadlockState) findEval(gs []*goStack) bool {
	if d.eval != evalUnknown {
		return true
	}
	var found []int64
	for _, g := range gs {
		if g.runsCell() && !d.abandoned[g.id] && owners.m[g.id] == nil {
			found = append(found, g.id)
		}
	}
	if len(found) != 1 {
		return false
	}
	d.eval = found[0]
	return true
}

// deadlockState is the session's part of deadlock detection.
type deadlockState struct {
	tag reflect.Value // the tag variable, read while goroutines are parked

	mu sync.Mutex
	// eval is the goroutine running the cell's code: 0 when none,
	// evalUnknown until a check has found it (one session in the process)
	eval    int64
	evalSeq uint64 // counts the evaluations, to tell whose end clears eval
	cell    int    // the number of the running cell
	// abandoned are the goroutines of cells left blocked in a compiled
	// sync call at a deadlock (deadlockResult): still in runCell
	abandoned map[int64]bool

	// pending timers
	afterUntil time.Time         // the last deadline of time.After
	ctxs       []context.Context // contexts with a deadline
	timers     []weak.Pointer[time.Timer]
	tickers    []weak.Pointer[time.Ticker]
	pruneAt    int  // prune the lists when one grows past this
	collected  bool // a collection ran, this cell, to clear the weak pointers

	buf  []byte // the stack dump
	prev string // the last deadlocked snapshot, to see progress
	// next is when the next check may dump the stacks, confirmed whether
	// the last two checks saw the same deadlock (see Deadlocked)
	next      time.Time
	confirmed bool
	// last is the last deadlock reported; lastStuck is set when its
	// cell's goroutine waits in a compiled sync call (wg.Wait) that
	// cancelling the cell does not end.
	last      *engine.Error
	lastStuck bool
}

const minPrune = 64

// prune drops the timers that can no longer fire and the contexts that
// are done, when a list has grown past pruneAt (amortised).
func (d *deadlockState) prune(force bool) {
	if !force && max(len(d.ctxs), len(d.timers), len(d.tickers)) < d.pruneAt {
		return
	}
	d.ctxs = keep(d.ctxs, func(c context.Context) bool { return c.Err() == nil })
	d.timers = keep(d.timers, func(p weak.Pointer[time.Timer]) bool { return p.Value() != nil })
	d.tickers = keep(d.tickers, func(p weak.Pointer[time.Ticker]) bool { return p.Value() != nil })
	d.pruneAt = max(minPrune, 2*max(len(d.ctxs), len(d.timers), len(d.tickers)))
}

func keep[T any](s []T, f func(T) bool) []T {
	out := s[:0]
	for _, x := range s {
		if f(x) {
			out = append(out, x)
		}
	}
	clear(s[len(out):])
	return out
}

// timerOverlay returns the session's versions of the functions of time
// and context that start timers: the same functions, which also tell the
// deadlock detection that a timer is pending.
func (s *Session) timerOverlay() interp.Exports {
	d := &s.dead
	timer := func(t *time.Timer) *time.Timer {
		d.mu.Lock()
		d.prune(false)
		d.timers = append(d.timers, weak.Make(t))
		d.mu.Unlock()
		return t
	}
	ticker := func(t *time.Ticker) *time.Ticker {
		d.mu.Lock()
		d.prune(false)
		d.tickers = append(d.tickers, weak.Make(t))
		d.mu.Unlock()
		return t
	}
	withDeadline := func(ctx context.Context, cancel context.CancelFunc) (context.Context, context.CancelFunc) {
		d.mu.Lock()
		d.prune(false)
		d.ctxs = append(d.ctxs, ctx)
		d.mu.Unlock()
		return ctx, cancel
	}
	return interp.Exports{
		"time/time": {
			"After": reflect.ValueOf(func(dur time.Duration) <-chan time.Time {
				until := time.Now().Add(dur)
				d.mu.Lock()
				if until.After(d.afterUntil) {
					d.afterUntil = until
				}
				d.mu.Unlock()
				return time.After(dur)
			}),
			"AfterFunc": reflect.ValueOf(func(dur time.Duration, f func()) *time.Timer { return timer(time.AfterFunc(dur, f)) }),
			"NewTimer":  reflect.ValueOf(func(dur time.Duration) *time.Timer { return timer(time.NewTimer(dur)) }),
			"NewTicker": reflect.ValueOf(func(dur time.Duration) *time.Ticker { return ticker(time.NewTicker(dur)) }),
			"Tick": reflect.ValueOf(func(dur time.Duration) <-chan time.Time {
				if dur <= 0 {
					return nil
				}
				// the channel keeps its Ticker reachable
				return ticker(time.NewTicker(dur)).C
			}),
		},
		"context/context": {
			"WithDeadline": reflect.ValueOf(func(parent context.Context, t time.Time) (context.Context, context.CancelFunc) {
				return withDeadline(context.WithDeadline(parent, t))
			}),
			"WithDeadlineCause": reflect.ValueOf(func(parent context.Context, t time.Time, cause error) (context.Context, context.CancelFunc) {
				return withDeadline(context.WithDeadlineCause(parent, t, cause))
			}),
			"WithTimeout": reflect.ValueOf(func(parent context.Context, dur time.Duration) (context.Context, context.CancelFunc) {
				return withDeadline(context.WithTimeout(parent, dur))
			}),
			"WithTimeoutCause": reflect.ValueOf(func(parent context.Context, dur time.Duration, cause error) (context.Context, context.CancelFunc) {
				return withDeadline(context.WithTimeoutCause(parent, dur, cause))
			}),
		},
	}
}

// strongTimers reports whether a time.After or a context's deadline made
// by the cells may still fire.
func (d *deadlockState) strongTimers(now time.Time) bool {
	if now.Before(d.afterUntil) {
		return true
	}
	d.ctxs = keep(d.ctxs, func(c context.Context) bool { return c.Err() == nil })
	return len(d.ctxs) > 0
}

// weakTimers reports whether a Timer or Ticker made by the cells may
// still fire: the session can reach it. The weak pointers are cleared
// only by a collection: when they alone keep a deadlock from being
// reported, one collection runs per cell.
func (d *deadlockState) weakTimers() bool {
	d.prune(true)
	if len(d.timers)+len(d.tickers) == 0 {
		return false
	}
	if d.collected {
		return true
	}
	d.collected = true
	runtime.GC()
	d.prune(true)
	return len(d.timers)+len(d.tickers) > 0
}

// blockedGoroutines returns the goroutines of the session's cells in the
// dump gs when they all wait in interpreted code and no other goroutine
// may wake them (ok), and whether the one running the cell's code waits
// in a compiled sync call.
func (s *Session) blockedGoroutines(gs []*goStack) (blocked []*goStack, stuck, ok bool) {
	d := &s.dead
	self := goid()
	sawEval := false
	single := sessions.Load() < 2
	owners.Lock()
	defer owners.Unlock()
	if !d.findEval(gs) {
		return nil, false, false
	}
	for _, g := range gs {
		if g.id == self {
			continue
		}
		owner := owners.m[g.id]
		if owner == nil && single && g.inCell() {
			owner = s
		}
		switch {
		case owner == s:
			if g.waitOp() == "" {
				return nil, false, false // it runs, sleeps or waits in compiled code
			}
			if g.id == d.eval {
				sawEval = true
				stuck = g.syncWait()
			}
			blocked = append(blocked, g)
		case owner != nil:
			// another session's
		case g.infrastructure():
		case g.waitOp() != "":
			// the cells' code run by a compiled goroutine (an AfterFunc's
			// function, wg.Go)
			blocked = append(blocked, g)
		case g.mayProgress():
			return nil, false, false
		}
	}
	return blocked, stuck, sawEval
}

var _ engine.Deadlocker = (*Session)(nil)

// Costs of Deadlocked: a stack dump of the process stops the world for
// about 20 to 40 µs per goroutine (yaegi's stacks are deep), and parsing
// it takes a fifth of that; a cell's few goroutines cost well under a
// millisecond. With many goroutines the checks are spaced so that they
// take at most about 1/checkShare of the time, up to maxCheckEvery apart.
const (
	checkShare    = 100
	maxCheckEvery = 10 * time.Second
)

// Deadlocked implements engine.Deadlocker. Between two checks spaced
// because they cost too much, it repeats the last deadlock once two
// checks in a row have seen it.
func (s *Session) Deadlocked() *engine.Error {
	s.outMu.Lock()
	ev := s.eval
	s.outMu.Unlock()
	if ev == nil {
		return nil
	}
	select {
	case <-ev.done:
		return nil // the cell's code has ended
	default:
	}
	d := &s.dead
	d.mu.Lock()
	defer d.mu.Unlock()
	start := time.Now()
	if start.Before(d.next) {
		if d.confirmed {
			return d.last
		}
		return nil
	}
	e, stuck, snap := s.deadlocked()
	d.next = start.Add(min(checkShare*time.Since(start), maxCheckEvery))
	switch {
	case e == nil:
		d.prev, d.confirmed = "", false
		return nil
	case d.prev != "" && d.prev != snap:
		// a goroutine went on since the last check
		d.prev, d.confirmed = snap, false
		return nil
	}
	d.confirmed = d.prev == snap
	d.prev = snap
	d.last, d.lastStuck = e, stuck
	return e
}

// deadlocked does the work of Deadlocked, with d.mu held: the error, and
// whether the cell's own goroutine waits in a compiled sync call, and the
// snapshot of the blocked goroutines.
func (s *Session) deadlocked() (e *engine.Error, stuck bool, snap string) {
	d := &s.dead
	if d.eval == 0 {
		return nil, false, ""
	}
	now := time.Now()
	if d.strongTimers(now) {
		return nil, false, "" // the cheap tests first
	}
	n := runtime.Stack(d.buf, true)
	for n == len(d.buf) {
		d.buf = make([]byte, max(64<<10, 2*len(d.buf)))
		n = runtime.Stack(d.buf, true)
	}
	blocked, stuck, ok := s.blockedGoroutines(parseStacks(d.buf[:n]))
	if !ok || d.weakTimers() {
		return nil, false, ""
	}
	tag := 0
	if d.tag.IsValid() && d.tag.CanInt() {
		tag = int(d.tag.Int())
	}
	var b strings.Builder
	fmt.Fprintf(&b, "tag %d\n", tag)
	for _, g := range blocked {
		b.WriteString(g.text)
	}
	return s.deadlockError(blocked, tag), stuck, b.String()
}

// deadlockError describes the blocked goroutines, as Go's runtime would:
// "goroutine N [state]:" and what the goroutine is.
func (s *Session) deadlockError(gs []*goStack, tag int) *engine.Error {
	d := &s.dead
	e := &engine.Error{Kind: engine.RuntimePanic, Name: "fatal error", Status: 2}
	at := ""
	if p, ok := s.front.Tag(tag); ok && tag > 0 {
		where := "this cell"
		if p.Cell != d.cell {
			where = fmt.Sprintf("cell %d", p.Cell)
		} else {
			e.Line, e.Col = p.Line, p.Col
		}
		at = fmt.Sprintf("line %d, column %d of %s", p.Line, p.Col, where)
	}
	lines := []string{engine.DeadlockMessage, ""}
	for _, g := range gs {
		what := "a goroutine of an earlier cell"
		switch {
		case g.id == d.eval:
			what = "the cell"
		case g.runsCell():
			what = "the code of an earlier cell"
		case g.creator == d.eval:
			what = "started by the cell"
		case g.creator != 0:
			what = fmt.Sprintf("started by goroutine %d", g.creator)
		}
		if len(gs) == 1 && at != "" {
			what += ", at " + at
		}
		lines = append(lines, fmt.Sprintf("goroutine %d [%s]: %s", g.id, g.waitOp(), what))
	}
	if len(gs) > 1 && at != "" {
		lines = append(lines, "", "the last goroutine to block stopped at "+at)
	}
	e.Value = strings.Join(lines, "\n")
	e.Traceback = append([]string{"fatal error: " + lines[0]}, lines[1:]...)
	e.Traceback = append(e.Traceback, "", "the cell was stopped; the session and its variables are kept")
	return e
}

// deadlockResult is the result of a cell cancelled with
// engine.ErrDeadlock: the deadlock last reported. It waits for the cell's
// code to end unless that code waits in a compiled sync call (wg.Wait,
// mu.Lock), which cancelling does not end: that goroutine is left
// blocked, and if something ever releases it, it stops at its next
// interpreted statement.
func (s *Session) deadlockResult() *engine.Error {
	d := &s.dead
	d.mu.Lock()
	e, stuck := d.last, d.lastStuck
	d.last, d.lastStuck = nil, false
	if stuck {
		// the cell is over; its goroutine is left waiting
		if d.abandoned == nil {
			d.abandoned = map[int64]bool{}
		}
		d.abandoned[d.eval] = true
		d.eval = 0
	}
	d.mu.Unlock()
	if !stuck {
		s.waitEvaluation()
	}
	if e == nil {
		e = &engine.Error{Kind: engine.RuntimePanic, Name: "fatal error", Value: engine.DeadlockMessage, Status: 2,
			Traceback: []string{"fatal error: " + engine.DeadlockMessage}}
	}
	c := *e
	return &c
}

// isDeadlock reports whether ctx was cancelled for a deadlock.
func isDeadlock(ctx context.Context) bool {
	return errors.Is(context.Cause(ctx), engine.ErrDeadlock)
}

// A goStack is one goroutine of a stack dump.
type goStack struct {
	id      int64
	state   string   // "chan receive", without the minutes waited
	funcs   []string // the functions, innermost first
	creator int64    // the goroutine that started it; 0 when not known
	created string   // the function that started it
	text    string   // the goroutine's part of the dump, without the minutes
}

// parseStacks parses the output of runtime.Stack(buf, true).
func parseStacks(dump []byte) []*goStack {
	var gs []*goStack
	for _, block := range strings.Split(string(dump), "\n\n") {
		lines := strings.Split(strings.TrimSpace(block), "\n")
		head, ok := strings.CutPrefix(lines[0], "goroutine ")
		if !ok {
			continue
		}
		i := strings.IndexByte(head, ' ')
		j := strings.IndexByte(head, '[')
		k := strings.LastIndexByte(head, ']')
		if i < 0 || j < 0 || k < j {
			continue
		}
		g := &goStack{}
		g.id, _ = strconv.ParseInt(head[:i], 10, 64)
		g.state, _, _ = strings.Cut(head[j+1:k], ", ")
		lines[0] = "goroutine " + head[:i] + " [" + g.state + "]"
		for _, l := range lines[1:] {
			switch {
			case strings.HasPrefix(l, "\t") || strings.HasPrefix(l, "..."):
			case strings.HasPrefix(l, "created by "):
				c := strings.TrimPrefix(l, "created by ")
				if fn, in, ok := strings.Cut(c, " in goroutine "); ok {
					g.created = fn
					g.creator, _ = strconv.ParseInt(in, 10, 64)
				} else {
					g.created = c
				}
			default:
				if p := strings.LastIndexByte(l, '('); p > 0 {
					l = l[:p]
				}
				g.funcs = append(g.funcs, l)
			}
		}
		g.text = strings.Join(lines, "\n") + "\n"
		gs = append(gs, g)
	}
	return gs
}

const yaegiPrefix = "github.com/traefik/yaegi/interp."

// waitOp returns the operation the goroutine waits on in interpreted
// code, "" when it does not: it runs, sleeps, or waits in a compiled
// function or on I/O.
func (g *goStack) waitOp() string {
	if !isWait(g.state) {
		return ""
	}
	for _, f := range g.funcs {
		if below(f) {
			continue
		}
		if f == sessionPrefix+"(*Session).chanSelect" {
			return "select" // a select statement (selects.go)
		}
		if !strings.HasPrefix(f, yaegiPrefix) {
			return ""
		}
		// yaegi's channel operations wait in a reflect.Select with
		// its cancel channel: name them as Go does
		switch op := strings.TrimPrefix(f, yaegiPrefix); {
		case strings.HasPrefix(op, "recv"), strings.HasPrefix(op, "rangeChan"):
			return "chan receive"
		case strings.HasPrefix(op, "send"):
			return "chan send"
		case strings.HasPrefix(op, "_select"):
			return "select"
		}
		return g.state
	}
	return ""
}

// syncWait reports whether the goroutine waits in a compiled sync
// call (cancelling the cell does not end it).
func (g *goStack) syncWait() bool {
	return strings.HasPrefix(g.state, "sync.") || g.state == "semacquire"
}

// inCell reports whether the goroutine runs a cell's code or a go
// statement's.
func (g *goStack) inCell() bool {
	for _, f := range g.funcs {
		if strings.HasPrefix(f, sessionPrefix+"(*Session).runCell") || strings.HasPrefix(f, sessionPrefix+"(*Session).goCell") {
			return true
		}
	}
	return false
}

// runsCell reports whether the goroutine runs a cell's code.
func (g *goStack) runsCell() bool {
	for _, f := range g.funcs {
		if f == sessionPrefix+"(*Session).runCell" {
			return true
		}
	}
	return false
}

const sessionPrefix = "github.com/gomx-dev/gomx/internal/session."

// below reports whether frame f belongs to the runtime, sync or reflect,
// which a wait of the cell's code goes through.
func below(f string) bool {
	for _, p := range []string{"runtime.", "sync.", "reflect.", "internal/"} {
		if strings.HasPrefix(f, p) {
			return true
		}
	}
	return false
}

// isWait reports whether a goroutine state is a wait that only another
// goroutine can end.
func isWait(state string) bool {
	return strings.HasPrefix(state, "chan ") || strings.HasPrefix(state, "select") ||
		strings.HasPrefix(state, "sync.") || state == "semacquire"
}

// idleStates are states of the runtime's own goroutines, which wake
// nobody.
var idleStates = map[string]bool{
	"finalizer wait": true, "cleanup wait": true, "force gc (idle)": true, "GC worker (idle)": true,
	"GOMAXPROCS updater (idle)": true, "GC sweep wait": true, "GC scavenge wait": true,
	"trace reader (blocked)": true, "GC weak to strong wait": true,
}

// mayProgress reports whether a goroutine outside the cells may wake one
// of them: it runs, sleeps, waits on I/O or in a system call, or waits on
// a channel or a select in compiled code (maybe for a timer the session
// does not see: compiled code's time.Sleep, time.After, a context's
// deadline). Only the runtime's idle goroutines, sync waits and waits of
// interpreted code, which another goroutine must end, are left out.
func (g *goStack) mayProgress() bool {
	return g.waitOp() == "" && !idleStates[g.state] && !g.syncWait()
}

// infraPrefixes are the functions of the goroutines that run the
// worker, the engine client, the tests, and the caller of Execute.
var infraPrefixes = []string{
	"github.com/gomx-dev/gomx/internal/worker.", "github.com/gomx-dev/gomx/engine.", "testing.",
	sessionPrefix + "(*Session).Execute", sessionPrefix + "(*Session).execute",
}

// infrastructure reports whether the goroutine is the worker's, the
// engine's or the test framework's: not the cells'.
func (g *goStack) infrastructure() bool {
	for _, f := range append(g.funcs[:len(g.funcs):len(g.funcs)], g.created) {
		for _, p := range infraPrefixes {
			if strings.HasPrefix(f, p) {
				return true
			}
		}
	}
	return false
}
