package kernel

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gomx-dev/gomx/display"
	"github.com/gomx-dev/gomx/engine"
)

// memTransport is an in-memory Transport: the test writes requests into
// in and reads what the kernel sends from out.
type memTransport struct {
	in     [3]chan [][]byte
	out    [4]chan [][]byte
	closed chan struct{}
	once   sync.Once
	// afterSend, when set, runs in the sender's goroutine after each
	// message is handed over, as a client that answers before the
	// kernel's write returns.
	afterSend atomic.Pointer[func(ch Channel)]
}

func newMemTransport() *memTransport {
	t := &memTransport{closed: make(chan struct{})}
	for i := range t.in {
		t.in[i] = make(chan [][]byte, 4096)
	}
	for i := range t.out {
		t.out[i] = make(chan [][]byte, 1<<16)
	}
	return t
}

func (t *memTransport) Recv(ch Channel) ([][]byte, error) {
	select {
	case f := <-t.in[ch]:
		return f, nil
	case <-t.closed:
		return nil, errors.New("closed")
	}
}

func (t *memTransport) Send(ch Channel, frames [][]byte) error {
	select {
	case <-t.closed:
		return errors.New("closed")
	default:
	}
	t.out[ch] <- frames
	if f := t.afterSend.Load(); f != nil {
		(*f)(ch)
	}
	return nil
}

func (t *memTransport) Close() error {
	t.once.Do(func() { close(t.closed) })
	return nil
}

// fakeEngine is an engine.Controller whose cells are small scripts of
// ';'-separated commands (see Execute).
type fakeEngine struct {
	interrupts atomic.Int32
	executes   atomic.Int32
	closed     atomic.Bool
	intr       chan struct{} // receives on each Interrupt
	gate       chan struct{} // "gate" waits for a value here
	lastCursor atomic.Int32
}

func newFakeEngine() *fakeEngine {
	return &fakeEngine{intr: make(chan struct{}, 16), gate: make(chan struct{})}
}

// Execute runs a script: print:T (stdout), stderr:T, lines:N (N lines,
// one Stream call each), html:T (display), show:ID:T / update:ID:T
// (display with id / update), clear, clearwait, value:V, error:E,
// block (until ctx is cancelled or Interrupt), stuck (until
// Interrupt only), gate (until the test sends on gate), input:P
// (and print what was read), help:T (pager), started (Started, as an
// engine.StartReporter does once it has the cell).
func (f *fakeEngine) Execute(ctx context.Context, code string, opts engine.ExecOptions, out engine.Output) engine.ExecResult {
	f.executes.Add(1)
	var res engine.ExecResult
	for _, cmd := range strings.Split(code, ";") {
		op, arg, _ := strings.Cut(cmd, ":")
		switch op {
		case "print":
			out.Stream("stdout", arg)
		case "stderr":
			out.Stream("stderr", arg)
		case "lines":
			n, _ := strconv.Atoi(arg)
			for i := range n {
				out.Stream("stdout", fmt.Sprintf("line %d\n", i))
			}
		case "html":
			out.Display(display.Bundle{Data: map[string]string{display.MIMEHTML: arg, display.MIMEText: "html"}}, "", false)
		case "show", "update":
			id, text, _ := strings.Cut(arg, ":")
			out.Display(textBundle(text), id, op == "update")
		case "json":
			out.Display(display.Bundle{Data: map[string]string{display.MIMEJSON: arg, display.MIMEText: arg}}, "", false)
		case "clear":
			out.Clear(false)
		case "clearwait":
			out.Clear(true)
		case "value":
			b := textBundle(arg)
			res.Value = &b
		case "error":
			return engine.ExecResult{Error: &engine.Error{Kind: engine.RuntimePanic, Name: "panic", Value: arg, Traceback: []string{"panic: " + arg}}}
		case "block":
			select {
			case <-ctx.Done():
				return engine.ExecResult{Error: &engine.Error{Kind: engine.Interrupted, Name: "Interrupted", Value: "interrupted"}}
			case <-f.intr:
				return engine.ExecResult{Error: &engine.Error{Kind: engine.Interrupted, Name: "Interrupted", Value: "interrupted"}}
			case <-time.After(time.Minute):
				return engine.ExecResult{Error: &engine.Error{Kind: engine.InternalError, Name: "Timeout", Value: "not interrupted"}}
			}
		case "stuck":
			select {
			case <-f.intr:
				return engine.ExecResult{Error: &engine.Error{Kind: engine.Interrupted, Name: "Interrupted", Value: "interrupted"}}
			case <-time.After(time.Minute):
				return engine.ExecResult{Error: &engine.Error{Kind: engine.InternalError, Name: "Timeout", Value: "not interrupted"}}
			}
		case "gate":
			<-f.gate
		case "input":
			s, err := out.Input(arg, false)
			if err != nil {
				return engine.ExecResult{Error: &engine.Error{Kind: engine.InputError, Name: "InputError", Value: err.Error()}}
			}
			out.Stream("stdout", "got "+s)
		case "help":
			res.Pager = arg
		case "started":
			if s, ok := out.(engine.Starter); ok {
				s.Started()
			}
		}
	}
	return res
}

// reportingEngine is the fake engine as an engine.StartReporter: its
// cells call Started with the command started.
type reportingEngine struct{ *fakeEngine }

func (reportingEngine) ReportsStart() {}

// textBundle is a text/plain bundle, as viz.PlainText makes.
func textBundle(s string) display.Bundle {
	return display.Bundle{Data: map[string]string{display.MIMEText: s}}
}

func (f *fakeEngine) Complete(code string, cursor int) engine.Completion {
	f.lastCursor.Store(int32(cursor))
	return engine.Completion{Matches: []string{"Println", "Printf"}, CursorStart: cursor - 4, CursorEnd: cursor, Types: []string{"function", "function"}}
}

func (f *fakeEngine) Inspect(code string, cursor, detail int) engine.Inspection {
	if !strings.Contains(code, "Println") {
		return engine.Inspection{}
	}
	return engine.Inspection{Found: true, Data: textBundle("func Println(a ...any) (n int, err error)")}
}

func (f *fakeEngine) IsComplete(code string) (string, string) {
	switch {
	case strings.HasSuffix(code, "{"):
		return "incomplete", "\t"
	case strings.Contains(code, ":= :="):
		return "invalid", ""
	}
	return "complete", ""
}

func (f *fakeEngine) Info() engine.Info {
	return engine.Info{Implementation: "gomx", ImplementationVersion: "0.0.1", LanguageVersion: "go1.26.8", Banner: "fake", HelpLinks: []engine.HelpLink{{Text: "Go", URL: "https://go.dev/doc/"}}}
}

func (f *fakeEngine) Interrupt() {
	f.interrupts.Add(1)
	select {
	case f.intr <- struct{}{}:
	default:
	}
}

func (f *fakeEngine) Restart() error { return nil }
func (f *fakeEngine) Close() error   { f.closed.Store(true); return nil }

// received is a decoded message as a client sees it.
type received struct {
	Header  Header
	Parent  Header
	Content map[string]any
	Idents  [][]byte
	raw     *Message
}

// harness runs a kernel over a memTransport with a fake engine.
type harness struct {
	t     testing.TB
	k     *Kernel
	tr    *memTransport
	eng   *fakeEngine
	codec *Codec // the client's codec (no replay memory shared)
	key   []byte
	done  chan error
}

const testKey = "a0436f6c-1916-498b-8eb9-e81ab9368e84"

func newHarness(t testing.TB) *harness {
	t.Helper()
	return newHarnessWith(t, nil)
}

// newHarnessWith runs the kernel with wrap(fake engine) as its engine
// (with the fake engine itself when wrap is nil).
func newHarnessWith(t testing.TB, wrap func(*fakeEngine) engine.Controller) *harness {
	t.Helper()
	h := &harness{t: t, tr: newMemTransport(), eng: newFakeEngine(), key: []byte(testKey), done: make(chan error, 1)}
	h.codec = NewCodec(h.key)
	var eng engine.Controller = h.eng
	if wrap != nil {
		eng = wrap(h.eng)
	}
	h.k = New(Options{Engine: eng, Transport: h.tr, Key: h.key, FlushInterval: 20 * time.Millisecond})
	go func() { h.done <- h.k.Run(context.Background()) }()
	t.Cleanup(func() {
		h.k.Shutdown()
		select {
		case <-h.done:
		case <-time.After(30 * time.Second):
			t.Error("kernel did not stop")
		}
	})
	st := h.recv(IOPub)
	if st.Header.MsgType != "status" || st.Content["execution_state"] != "starting" || st.Parent.MsgID != "" {
		t.Fatalf("first iopub message: %+v", st)
	}
	return h
}

// frames builds a signed request.
func (h *harness) frames(ident, msgType string, content any) ([][]byte, string) {
	id := newID()
	hd, _ := json.Marshal(Header{MsgID: id, Session: "client-session", Username: "test", Date: isoDate(time.Now()), MsgType: msgType, Version: ProtocolVersion})
	body, _ := json.Marshal(content)
	return h.codec.Encode([][]byte{[]byte(ident)}, hd, []byte("{}"), []byte("{}"), body, nil), id
}

// send sends a request from client "c1" and returns its msg_id.
func (h *harness) send(ch Channel, msgType string, content any) string {
	f, id := h.frames("c1", msgType, content)
	h.tr.in[ch] <- f
	return id
}

const waitLimit = 30 * time.Second

// recv returns the next message the kernel sent on ch.
func (h *harness) recv(ch Channel) received {
	h.t.Helper()
	select {
	case f := <-h.tr.out[ch]:
		m, err := h.codec.Decode(f)
		if err != nil {
			h.t.Fatalf("%s: kernel sent an undecodable message: %v", ch, err)
		}
		r := received{Header: m.Header, Idents: m.Identities, raw: m}
		if err := json.Unmarshal(m.ParentHeader, &r.Parent); err != nil {
			h.t.Fatal(err)
		}
		if err := json.Unmarshal(m.Content, &r.Content); err != nil {
			h.t.Fatal(err)
		}
		return r
	case <-time.After(waitLimit):
		h.t.Fatalf("%s: no message within %v", ch, waitLimit)
	}
	return received{}
}

// none checks that nothing arrives on ch for a short while.
func (h *harness) none(ch Channel, d time.Duration) {
	h.t.Helper()
	select {
	case f := <-h.tr.out[ch]:
		h.t.Fatalf("%s: unexpected message %q", ch, f)
	case <-time.After(d):
	}
}

// iopubUntilIdle collects the iopub messages of request id from busy to
// idle, checking the bracketing.
func (h *harness) iopubUntilIdle(id string) []received {
	h.t.Helper()
	busy := h.recv(IOPub)
	if busy.Header.MsgType != "status" || busy.Content["execution_state"] != "busy" || busy.Parent.MsgID != id {
		h.t.Fatalf("want busy for %s, got %s %v parent %s", id, busy.Header.MsgType, busy.Content, busy.Parent.MsgID)
	}
	return h.iopubUntilIdleAfterBusy(id)
}

// iopubUntilIdleAfterBusy collects the iopub messages of request id up to
// its idle, once its busy has been read.
func (h *harness) iopubUntilIdleAfterBusy(id string) []received {
	h.t.Helper()
	var out []received
	for {
		m := h.recv(IOPub)
		if m.Parent.MsgID != id {
			h.t.Fatalf("iopub %s has parent %s, want %s", m.Header.MsgType, m.Parent.MsgID, id)
		}
		if m.Header.MsgType == "status" {
			if m.Content["execution_state"] != "idle" {
				h.t.Fatalf("want idle, got %v", m.Content)
			}
			return out
		}
		out = append(out, m)
	}
}

// roundTrip sends a request and returns its reply and iopub messages.
func (h *harness) roundTrip(ch Channel, msgType string, content any) (received, []received) {
	h.t.Helper()
	id := h.send(ch, msgType, content)
	reply := h.recv(ch)
	if reply.Parent.MsgID != id {
		h.t.Fatalf("reply parent %s, want %s", reply.Parent.MsgID, id)
	}
	return reply, h.iopubUntilIdle(id)
}

func execContent(code string) map[string]any {
	return map[string]any{"code": code, "silent": false, "store_history": true, "user_expressions": map[string]any{}, "allow_stdin": false, "stop_on_error": true}
}

func types(ms []received) []string {
	var s []string
	for _, m := range ms {
		s = append(s, m.Header.MsgType)
	}
	return s
}
