package engine

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// ClientOptions configure NewClient.
type ClientOptions struct {
	// Binary is the gomx executable run as `Binary worker`. Empty means
	// WorkerInUse's choice at each start of a worker (NewClient, Restart,
	// after a death): the GOMX_WORKER_BIN environment variable, or else
	// the worker `gomx build` built, or else the running executable.
	Binary string
	// Args are extra arguments after "worker".
	Args []string
	// Env holds extra environment variables (KEY=value) for the worker,
	// on top of the front end's environment.
	Env []string
	// MemoryLimit is passed as --memory-limit (e.g. "256MB", "2GiB", "50%",
	// "0" for none). Empty leaves the worker's default: GOMX_MEMORY_LIMIT,
	// or else 40% of the memory the process may use (the machine's, or its
	// control groups' limit when less).
	MemoryLimit string
	// Debug, when non-nil, receives a log of the client and the worker's
	// own standard error (its debug log and crash messages).
	Debug io.Writer
}

// Client runs an Engine in a `gomx worker` process and implements
// Controller. The worker starts in the background when the client is made
// and again at once after it dies, so a cell rarely waits for it. Info
// answers without the worker. Execute calls must not overlap; Complete,
// Inspect and IsComplete may be called from any goroutine at any time (the
// worker answers them in turn, after a running cell), and so may
// Interrupt, Restart and Close.
type Client struct {
	opts   ClientOptions
	nextID atomic.Uint64

	mu     sync.Mutex
	w      *proc
	closed bool
	// between holds output the worker sent while no cell was running
	// (from goroutines a cell left behind); the next cell shows it first.
	between     []*Msg
	betweenSize int
}

// maxBetween bounds the output kept between cells.
const maxBetween = 1 << 20

// WorkerBinEnv names the environment variable that overrides the worker
// binary (see ClientOptions.Binary).
const WorkerBinEnv = "GOMX_WORKER_BIN"

// NewClient starts a worker in the background and returns its client.
func NewClient(opts ClientOptions) (*Client, error) {
	if runtime.GOOS == "windows" {
		return nil, errors.New("gomx: the worker process needs a Unix system (Linux or macOS); Windows is not supported yet")
	}
	c := &Client{opts: opts}
	c.w = c.spawn()
	return c, nil
}

// binary returns the binary of the next worker: opts.Binary, or else
// WorkerInUse's choice, made at each start so that a restart runs the
// worker `gomx build` made meanwhile.
func (c *Client) binary() (string, error) {
	if c.opts.Binary != "" {
		return c.opts.Binary, nil
	}
	bin, _, warning, err := WorkerInUse()
	if warning != "" {
		warnOnce.Do(func() { fmt.Fprintln(os.Stderr, warning) })
	}
	return bin, err
}

func (c *Client) logf(format string, args ...any) {
	if c.opts.Debug != nil {
		fmt.Fprintf(c.opts.Debug, "gomx client: "+format+"\n", args...)
	}
}

// proc is one worker process.
type proc struct {
	c      *Client
	cmd    *exec.Cmd
	toW    *os.File
	sendMu sync.Mutex
	mw     *MsgWriter
	pid    int
	ready  chan struct{} // closed at MsgReady (or at death)
	dead   chan struct{} // closed after the process has exited
	stderr *tailWriter
	start  time.Time

	mu       sync.Mutex
	wasReady bool
	limit    int64  // the worker's memory limit, from its ready message
	killedBy string // why the client killed the worker, if it did
	deathMsg string
	replies  map[uint64]chan *Msg
	cell     *call
}

// call is the Execute in progress.
type call struct {
	id         uint64
	events     chan *Msg
	stuck      bool // the worker reported the cell stuck in compiled code
	interrupts int
}

// spawn starts a worker; a failure to start is a worker that is dead at
// once, with the reason as its death message.
func (c *Client) spawn() *proc {
	p := &proc{
		c:       c,
		ready:   make(chan struct{}),
		dead:    make(chan struct{}),
		replies: map[uint64]chan *Msg{},
		stderr:  &tailWriter{max: 64 << 10, copy: c.opts.Debug},
		start:   time.Now(),
	}
	bin, err := c.binary()
	if err != nil {
		p.die(err.Error())
		return p
	}
	args := []string{"worker"}
	if c.opts.MemoryLimit != "" {
		args = append(args, "--memory-limit", c.opts.MemoryLimit)
	}
	if c.opts.Debug != nil {
		args = append(args, "--debug")
	}
	args = append(args, c.opts.Args...)
	inR, inW, err := os.Pipe()
	if err != nil {
		p.die(fmt.Sprintf("creating the worker's pipes: %v", err))
		return p
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		inR.Close()
		inW.Close()
		p.die(fmt.Sprintf("creating the worker's pipes: %v", err))
		return p
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), c.opts.Env...)
	cmd.ExtraFiles = []*os.File{inR, outW} // fds 3 and 4
	cmd.Stderr = p.stderr
	cmd.SysProcAttr = sysProcAttr()
	cmd.WaitDelay = time.Second // a process the worker started may hold its stderr
	err = cmd.Start()
	inR.Close()
	outW.Close()
	if err != nil {
		inW.Close()
		outR.Close()
		p.die(fmt.Sprintf("starting the worker %s: %v", bin, err))
		return p
	}
	p.cmd, p.toW, p.mw, p.pid = cmd, inW, NewMsgWriter(inW), cmd.Process.Pid
	c.logf("started worker %d: %s %s", p.pid, bin, strings.Join(args, " "))
	go p.read(NewMsgReader(outR), outR)
	return p
}

// die marks a worker that never started as dead.
func (p *proc) die(msg string) {
	p.deathMsg = msg
	close(p.ready)
	close(p.dead)
}

// read dispatches the worker's messages until its pipe closes, then
// records the death and, if the worker had been serving, starts a new one.
func (p *proc) read(r *MsgReader, f *os.File) {
	for {
		m, err := r.Read()
		if err != nil {
			if err != io.EOF {
				p.c.logf("worker %d: %v", p.pid, err)
			}
			break
		}
		p.dispatch(m)
	}
	f.Close()
	p.toW.Close()
	p.cmd.Process.Kill() // no-op when it has exited; ends a worker that broke the protocol
	p.cmd.Wait()         // also waits for the last of its standard error
	state := p.cmd.ProcessState
	p.mu.Lock()
	p.deathMsg = p.describeDeath(state)
	wasReady := p.wasReady
	if !wasReady {
		close(p.ready)
	}
	for id, ch := range p.replies {
		close(ch)
		delete(p.replies, id)
	}
	p.mu.Unlock()
	close(p.dead)
	p.c.logf("worker %d ended: %s", p.pid, p.deathMsg)

	c := p.c
	c.mu.Lock()
	if c.w == p && !c.closed && wasReady {
		c.w = c.spawn()
	}
	c.mu.Unlock()
}

func (p *proc) dispatch(m *Msg) {
	switch m.Type {
	case MsgReady:
		p.mu.Lock()
		if !p.wasReady {
			p.wasReady = true
			p.limit = m.MemoryLimit
			close(p.ready)
		}
		p.mu.Unlock()
		p.c.logf("worker %d ready after %v", p.pid, time.Since(p.start))
	case MsgCompletion, MsgInspection, MsgIsCompleteReply:
		p.mu.Lock()
		ch := p.replies[m.ID]
		delete(p.replies, m.ID)
		p.mu.Unlock()
		if ch != nil {
			ch <- m
		}
	case MsgStream, MsgDisplay, MsgClear, MsgInputRequest, MsgStuck, MsgResult:
		p.mu.Lock()
		cl := p.cell
		if cl == nil && (m.Type == MsgStream || m.Type == MsgDisplay || m.Type == MsgClear) {
			p.c.keepBetween(m) // under p.mu, so that Execute takes it or it goes to the cell
		}
		p.mu.Unlock()
		if cl != nil {
			cl.events <- m
		}
	default:
		p.c.logf("worker %d: unknown message %q", p.pid, m.Type)
	}
}

func (c *Client) keepBetween(m *Msg) {
	c.mu.Lock()
	defer c.mu.Unlock()
	size := len(m.Text) + 64
	if m.Bundle != nil {
		for _, v := range m.Bundle.Data {
			size += len(v)
		}
	}
	if c.betweenSize+size > maxBetween {
		return
	}
	c.between = append(c.between, m)
	c.betweenSize += size
}

func (p *proc) send(m *Msg) error {
	p.sendMu.Lock()
	defer p.sendMu.Unlock()
	if p.mw == nil {
		return errors.New("no worker")
	}
	return p.mw.Write(m)
}

// kill ends the worker; reason becomes its death message.
func (p *proc) kill(reason string) {
	p.mu.Lock()
	if p.killedBy == "" {
		p.killedBy = reason
	}
	p.mu.Unlock()
	if p.cmd != nil {
		p.cmd.Process.Kill()
	}
}

func (p *proc) describeDeath(state *os.ProcessState) string {
	if p.killedBy != "" {
		return p.killedBy
	}
	how := "it ended"
	if state != nil {
		how = state.String()
		if how == "exit status 0" {
			how = "it exited"
		}
	}
	what := "the worker process died"
	crash, oom := p.stderr.crash()
	limit := "no memory limit"
	if p.limit > 0 {
		limit = "memory limit " + FormatBytes(p.limit)
	}
	fatal := p.stderr.fatal()
	switch {
	case oom:
		what = "the worker process ran out of memory (" + limit + "; set it with GOMX_MEMORY_LIMIT or --memory-limit)"
	case fatal == "stack overflow":
		what = "the worker process overflowed a goroutine's stack (recursion too deep or without end)"
	case fatal != "":
		what = "the worker process stopped on a fatal error of the Go runtime: " + fatal
	case p.limit > 0 && p.stderr.runtimeCrash():
		what = "the worker process crashed inside the Go runtime, most likely by allocating past its " + limit +
			" (set it with GOMX_MEMORY_LIMIT or --memory-limit)"
	}
	msg := fmt.Sprintf("%s (%s); the session's variables were lost", what, how)
	if crash != "" {
		msg += "\n" + crash
	}
	return msg
}

// current returns the live worker, starting one if the last could not
// start.
func (c *Client) current() *proc {
	c.mu.Lock()
	defer c.mu.Unlock()
	select {
	case <-c.w.dead:
		if !c.closed {
			c.w = c.spawn()
		}
	default:
	}
	return c.w
}

// waitReady returns the current worker once it is ready, or an error.
func (c *Client) waitReady() (*proc, error) {
	p := c.current()
	select {
	case <-p.ready:
	case <-p.dead:
	}
	select {
	case <-p.dead:
		p.mu.Lock()
		defer p.mu.Unlock()
		if !p.wasReady {
			return nil, errors.New(p.deathMsg)
		}
		// It served and has died since: the caller sees the death.
	default:
	}
	return p, nil
}

func workerDied(msg string) ExecResult {
	return ExecResult{Error: &Error{
		Kind:      WorkerDied,
		Name:      "WorkerDied",
		Value:     msg,
		Traceback: strings.Split(msg, "\n"),
	}}
}

// ReportsStart marks Client as an engine.StartReporter: Execute calls
// Started on a Starter once the cell's request is written to the worker.
func (c *Client) ReportsStart() {}

// Execute runs code in the worker. Cancelling ctx interrupts the cell like
// Interrupt.
func (c *Client) Execute(ctx context.Context, code string, opts ExecOptions, out Output) ExecResult {
	c.mu.Lock()
	closed := c.closed
	c.mu.Unlock()
	if closed {
		return workerDied("the engine client is closed")
	}
	p, err := c.waitReady()
	if err != nil {
		return workerDied(err.Error())
	}
	cl := &call{id: c.nextID.Add(1), events: make(chan *Msg, 256)}
	p.mu.Lock()
	p.cell = cl
	c.mu.Lock() // lock order: p.mu, then c.mu
	between := c.between
	c.between, c.betweenSize = nil, 0
	c.mu.Unlock()
	p.mu.Unlock()
	for _, m := range between {
		deliver(m, out)
	}
	defer func() {
		p.mu.Lock()
		p.cell = nil
		p.mu.Unlock()
	}()
	if err := p.send(&Msg{Type: MsgExecute, ID: cl.id, Code: code, Opts: &opts}); err != nil {
		<-p.dead
	} else if s, ok := out.(Starter); ok {
		s.Started()
	}
	done := ctx.Done()
	for {
		select {
		case m := <-cl.events:
			if r, ok := c.handle(p, cl, m, out); ok {
				return r
			}
		case <-done:
			done = nil
			c.interrupt(p)
		case <-p.dead:
			for {
				select {
				case m := <-cl.events:
					if r, ok := c.handle(p, cl, m, out); ok {
						return r
					}
					continue
				default:
				}
				break
			}
			p.mu.Lock()
			msg := p.deathMsg
			p.mu.Unlock()
			return workerDied(msg)
		}
	}
}

// handle processes one message of the running cell; ok reports its end.
func (c *Client) handle(p *proc, cl *call, m *Msg, out Output) (ExecResult, bool) {
	switch m.Type {
	case MsgResult:
		if m.Result == nil {
			return ExecResult{}, true
		}
		return *m.Result, true
	case MsgStuck:
		p.mu.Lock()
		cl.stuck = true
		p.mu.Unlock()
		out.Stream("stderr", m.Text+"\n")
	case MsgInputRequest:
		text, err := out.Input(m.Prompt, m.Password)
		reply := &Msg{Type: MsgInputReply, ID: m.ID, Text: text}
		if err != nil {
			reply.Err = err.Error()
			if reply.Err == "" {
				reply.Err = "input failed"
			}
		}
		p.send(reply)
	default:
		deliver(m, out)
	}
	return ExecResult{}, false
}

func deliver(m *Msg, out Output) {
	switch m.Type {
	case MsgStream:
		out.Stream(m.Name, m.Text)
	case MsgDisplay:
		if m.Bundle != nil {
			out.Display(*m.Bundle, m.DisplayID, m.Update)
		}
	case MsgClear:
		out.Clear(m.Wait)
	}
}

// Interrupt cancels the running cell. An Interrupt after the worker
// reported the cell stuck in compiled code kills the worker and starts a
// new one; the cell then ends with a WorkerDied error. (See the package
// doc for the whole state machine.)
func (c *Client) Interrupt() {
	c.mu.Lock()
	p := c.w
	c.mu.Unlock()
	c.interrupt(p)
}

func (c *Client) interrupt(p *proc) {
	p.mu.Lock()
	cl := p.cell
	if cl == nil {
		p.mu.Unlock()
		return
	}
	cl.interrupts++
	kill := cl.interrupts >= 2 && cl.stuck
	p.mu.Unlock()
	if kill {
		c.logf("second interrupt: restarting worker %d", p.pid)
		p.kill("the cell was stuck in compiled code, so the worker was restarted: the session's variables were lost")
		return
	}
	c.logf("interrupt of cell %d", cl.id)
	p.send(&Msg{Type: MsgInterrupt, ID: cl.id})
}

// request sends m and waits for its answer; nil when the worker died.
func (c *Client) request(m *Msg) *Msg {
	p, err := c.waitReady()
	if err != nil {
		return nil
	}
	m.ID = c.nextID.Add(1)
	ch := make(chan *Msg, 1)
	p.mu.Lock()
	select {
	case <-p.dead:
		p.mu.Unlock()
		return nil
	default:
	}
	p.replies[m.ID] = ch
	p.mu.Unlock()
	if p.send(m) != nil {
		<-p.dead
		return nil
	}
	return <-ch
}

// Complete asks the worker for completions; none when it is not running.
func (c *Client) Complete(code string, cursor int) Completion {
	r := c.request(&Msg{Type: MsgComplete, Code: code, Cursor: cursor})
	if r == nil || r.Completion == nil {
		return Completion{CursorStart: cursor, CursorEnd: cursor}
	}
	return *r.Completion
}

// Inspect asks the worker for the documentation at cursor.
func (c *Client) Inspect(code string, cursor int, detail int) Inspection {
	r := c.request(&Msg{Type: MsgInspect, Code: code, Cursor: cursor, Detail: detail})
	if r == nil || r.Inspection == nil {
		return Inspection{}
	}
	return *r.Inspection
}

// IsComplete asks the worker whether code is complete. It answers
// "unknown" when the worker is not running.
func (c *Client) IsComplete(code string) (status, indent string) {
	r := c.request(&Msg{Type: MsgIsComplete, Code: code})
	if r == nil {
		return "unknown", ""
	}
	return r.Status, r.Indent
}

// Info describes the engine without asking the worker.
func (c *Client) Info() Info { return DefaultInfo() }

// Restart replaces the worker with a fresh one and waits until it is
// ready. A running cell ends with a WorkerDied error.
func (c *Client) Restart() error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return errors.New("gomx: the engine client is closed")
	}
	old := c.w
	c.w = c.spawn()
	c.mu.Unlock()
	old.kill("the session was restarted: its variables were lost")
	<-old.dead
	_, err := c.waitReady()
	return err
}

// Close stops the worker: it asks it to shut down, closes its pipe and
// kills it if it has not gone within two seconds.
func (c *Client) Close() error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil
	}
	c.closed = true
	p := c.w
	c.mu.Unlock()
	p.mu.Lock()
	if p.killedBy == "" {
		p.killedBy = "the engine client was closed"
	}
	p.mu.Unlock()
	if p.toW != nil {
		p.send(&Msg{Type: MsgShutdown})
		p.toW.Close()
	}
	select {
	case <-p.dead:
	case <-time.After(2 * time.Second):
		p.kill("the engine client was closed")
		<-p.dead
	}
	return nil
}

// tailWriter keeps the last max bytes written to it, and the first
// crashHead bytes from the first line that is not the worker's debug log
// (the start of a Go crash report, which can be longer than max), and
// copies everything on to copy, if set.
type tailWriter struct {
	mu      sync.Mutex
	max     int
	buf     []byte
	partial []byte // an incomplete last line, while looking for the head
	head    []byte // the start of the crash report, once seen
	copy    io.Writer
}

const crashHead = 4 << 10

// workerLogPrefix starts the lines of the worker's debug log.
const workerLogPrefix = "gomx worker "

func (t *tailWriter) Write(b []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, b...)
	if len(t.buf) > t.max {
		t.buf = append(t.buf[:0], t.buf[len(t.buf)-t.max:]...)
	}
	switch {
	case t.head == nil:
		t.partial = append(t.partial, b...)
		for {
			line, rest, ok := bytes.Cut(t.partial, []byte("\n"))
			if !ok {
				break
			}
			if len(bytes.TrimSpace(line)) > 0 && !bytes.HasPrefix(line, []byte(workerLogPrefix)) {
				t.head = append([]byte{}, t.partial[:min(len(t.partial), crashHead)]...)
				t.partial = nil
				break
			}
			t.partial = rest
		}
	case len(t.head) < crashHead:
		t.head = append(t.head, b[:min(len(b), crashHead-len(t.head))]...)
	}
	if t.copy != nil {
		t.copy.Write(b)
	}
	return len(b), nil
}

// runtimeCrash reports whether the crash report is a failure of the Go
// runtime itself (a throw or a signal in runtime code) rather than a
// panic: with a memory limit, an allocation the limit refused.
func (t *tailWriter) runtimeCrash() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	h := string(t.head)
	return strings.Contains(h, "runtime.throw(") || strings.HasPrefix(h, "SIGABRT") ||
		strings.HasPrefix(h, "SIGSEGV") && strings.Contains(h, "\nruntime.")
}

// fatal returns the fatal error of the Go runtime the worker's crash
// report shows, "" when it shows none. The copy of the report that
// debug.SetCrashOutput gives (the worker's own standard error is a pipe
// it reads itself) starts at the traceback, without the "fatal error: "
// line: the function that threw tells which error it was.
func (t *tailWriter) fatal() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	h := string(t.head)
	for _, l := range strings.Split(h, "\n") {
		if m, ok := strings.CutPrefix(l, "fatal error: "); ok {
			return strings.TrimSpace(m)
		}
	}
	has := func(s string) bool { return strings.Contains(h, s) }
	switch {
	case thrower(h) == "runtime.newstack":
		return "stack overflow"
	case has("sync.fatal(") && has("(*RWMutex).rUnlockSlow("):
		return "sync: RUnlock of unlocked RWMutex"
	case has("sync.fatal(") && has("(*RWMutex).Unlock("):
		return "sync: Unlock of unlocked RWMutex"
	case has("sync.fatal(") && has("(*Mutex).unlockSlow("):
		return "sync: unlock of unlocked mutex"
	case has("internal/runtime/maps.fatal("):
		return "concurrent map writes (or a read or iteration during a write): a map used by several goroutines without a lock"
	}
	return ""
}

// thrower returns the function that called the first runtime.throw of a
// crash report, "" when it has none. A function's line in a traceback is
// its name and its arguments, which hold no parentheses:
// runtime.(*mcache).refill(0x7f0934a3a108, 0x23).
func thrower(report string) string {
	_, after, ok := strings.Cut("\n"+report, "\nruntime.throw(")
	if !ok {
		return ""
	}
	for _, l := range strings.Split(after, "\n")[1:] {
		if l != "" && l[0] != '\t' {
			if i := strings.LastIndexByte(l, '('); i > 0 {
				return l[:i]
			}
			return l
		}
	}
	return ""
}

// crash returns the interesting part of what the worker wrote to its
// standard error: a dozen lines from its out-of-memory message, or else
// from the start of the crash report, or else the last few lines; and
// whether the worker said it ran out of memory.
func (t *tailWriter) crash() (string, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	text := string(t.buf)
	oom := -1
	for _, m := range []string{"fatal error: out of memory", "cannot allocate memory"} {
		if i := strings.LastIndex(text, m); i >= 0 {
			oom = i
			break
		}
	}
	var lines []string
	switch {
	case oom >= 0:
		start := strings.LastIndexByte(text[:oom], '\n') + 1
		lines = strings.SplitN(text[start:], "\n", 13)
	case t.head != nil:
		lines = strings.SplitN(string(t.head), "\n", 13)
	default:
		lines = strings.Split(strings.TrimRight(text, "\n"), "\n")
		if len(lines) > 5 {
			lines = lines[len(lines)-5:]
		}
	}
	if len(lines) > 12 {
		lines = lines[:12]
	}
	// A throw in the allocator is an allocation the limits refused; its
	// "fatal error: out of memory" line went to the worker's own stderr.
	// A goroutine whose stack overflowed can be inside the allocator
	// too: the throw's caller tells them apart.
	h := string(t.head)
	alloc := strings.Contains(h, "runtime.throw(") && strings.Contains(h, "runtime.mallocgc") && thrower(h) != "runtime.newstack"
	return strings.TrimSpace(strings.Join(lines, "\n")), oom >= 0 || alloc || strings.Contains(h, "out of memory")
}
