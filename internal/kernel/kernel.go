package kernel

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gomx-dev/gomx/engine"
	"github.com/gomx-dev/gomx/internal/history"
)

// Options configure a Kernel.
type Options struct {
	// Engine runs the cells. The kernel closes it when it shuts down.
	Engine engine.Controller
	// Transport carries the messages.
	Transport Transport
	// Key is the HMAC signing key; empty means unsigned messages.
	Key []byte
	// SignatureScheme is the connection file's signature_scheme (see
	// NewCodecScheme); "" means hmac-sha256.
	SignatureScheme string
	// Info answers kernel_info until the engine has described itself, so
	// that kernel_info_request is answered at once while the worker
	// starts.
	Info engine.Info
	// Log receives diagnostics (malformed or unverified messages, send
	// failures); nil discards them.
	Log *log.Logger
	// FlushInterval is how long stream output may wait to be batched;
	// 0 means 50 ms.
	FlushInterval time.Duration
	// History records the cells run with store_history and answers
	// history_request; nil means a history in memory for this kernel.
	History history.Store
}

// A Kernel serves the Jupyter protocol for one engine.
type Kernel struct {
	eng     engine.Controller
	tr      Transport
	codec   *Codec
	sess    session
	log     *log.Logger
	flushIv time.Duration

	infoMu sync.Mutex
	info   engine.Info

	senders [4]*sender

	shellQ chan request
	stdinQ chan *Message

	// Only the shell goroutine touches these.
	count int
	abort int
	// afterIdle, set by a handler of a shell request, runs once the
	// request's idle status is out (serveShell): work the client does not
	// wait for (the history file's append)
	afterIdle func()
	hist      history.Store

	runMu   sync.Mutex
	running bool               // a cell is executing
	cellCtx context.Context    // the running cell's context
	cancel  context.CancelFunc // cancels it
	// cellSent is when the running cell's execute_request was sent (its
	// header's date), zero when unknown
	cellSent time.Time
	// idleInterrupt is when an interrupt that found no cell running was
	// sent: an execute_request sent before it (by the headers' dates) but
	// received after it starts interrupted, as the user meant
	idleInterrupt time.Time

	stopOnce sync.Once
	stopped  chan struct{}
	closing  atomic.Bool
}

// New returns a kernel; Run serves it.
func New(o Options) *Kernel {
	lg := o.Log
	if lg == nil {
		lg = log.New(io.Discard, "", 0)
	}
	fi := o.FlushInterval
	if fi <= 0 {
		fi = 50 * time.Millisecond
	}
	user := os.Getenv("USER")
	if user == "" {
		user = "gomx"
	}
	codec, err := NewCodecScheme(o.Key, o.SignatureScheme)
	if err != nil {
		panic("kernel.New: " + err.Error()) // ParseConnectionInfo rejects it first
	}
	k := &Kernel{
		eng:     o.Engine,
		tr:      o.Transport,
		codec:   codec,
		sess:    session{id: newID(), username: user},
		log:     lg,
		flushIv: fi,
		info:    o.Info,
		shellQ:  make(chan request, 1024),
		stdinQ:  make(chan *Message, 16),
		stopped: make(chan struct{}),
		hist:    o.History,
	}
	if k.hist == nil {
		k.hist = history.New()
	}
	for ch := range k.senders {
		k.senders[ch] = newSender(k, Channel(ch))
	}
	return k
}

// Run serves the kernel until a shutdown_request arrives or ctx is
// cancelled, then closes the engine and the transport. It returns nil
// after a clean shutdown.
func (k *Kernel) Run(ctx context.Context) error {
	var writers sync.WaitGroup
	for _, s := range k.senders {
		writers.Add(1)
		go func() { defer writers.Done(); s.run() }()
	}
	go func() {
		info := k.eng.Info()
		k.infoMu.Lock()
		k.info = info
		k.infoMu.Unlock()
	}()
	k.publish(nil, "status", map[string]any{"execution_state": "starting"})

	var readers sync.WaitGroup
	for _, ch := range []Channel{Shell, Control, Stdin} {
		readers.Add(1)
		go func() { defer readers.Done(); k.read(ch) }()
	}
	shellDone := make(chan struct{})
	go func() { defer close(shellDone); k.serveShell() }()

	select {
	case <-ctx.Done():
	case <-k.stopped:
	}
	k.stop()
	k.Interrupt()
	if err := k.eng.Close(); err != nil {
		k.log.Printf("closing the engine: %v", err)
	}
	select {
	case <-shellDone:
	case <-time.After(5 * time.Second):
		k.log.Printf("the running cell did not return after the engine closed")
	}
	for _, s := range k.senders {
		s.close()
	}
	writers.Wait()
	err := k.tr.Close()
	readers.Wait()
	return err
}

// stop ends Run.
func (k *Kernel) stop() {
	k.stopOnce.Do(func() {
		k.closing.Store(true)
		close(k.stopped)
	})
}

// Interrupt interrupts the running cell, as interrupt_request does; with
// no cell running it does nothing. cmd/gomx calls it on SIGINT.
//
// The first interrupt of a cell cancels the context its Execute got,
// which cannot be lost even when the cell has only just started; later
// ones go to the engine's Interrupt. The engine keeps the state of an
// interrupted cell (see package engine): the kernel keeps none.
func (k *Kernel) Interrupt() { k.interrupt(time.Now()) }

// interrupt is an interrupt sent at time sent.
func (k *Kernel) interrupt(sent time.Time) {
	k.runMu.Lock()
	defer k.runMu.Unlock()
	if !k.running {
		// an execute_request sent just before the interrupt may still be
		// on its way to the shell handler
		k.idleInterrupt = sent
		return
	}
	if !k.cellSent.IsZero() && k.cellSent.After(sent) {
		// the interrupt was sent before this cell: it meant an earlier one
		// (jupyter_client sends execute_request right behind it)
		return
	}
	if k.cellCtx.Err() == nil {
		k.cancel()
		return
	}
	k.eng.Interrupt()
}

// Shutdown ends Run as a shutdown_request does; cmd/gomx calls it on
// SIGTERM.
func (k *Kernel) Shutdown() { k.stop() }

// read receives and verifies messages on ch. Messages that do not decode
// or verify are logged and dropped: their parent header is not
// authenticated, so nothing is sent in reply.
func (k *Kernel) read(ch Channel) {
	for {
		frames, err := k.tr.Recv(ch)
		if err != nil {
			if k.closing.Load() {
				return
			}
			k.log.Printf("%s: receive: %v", ch, err)
			select {
			case <-k.stopped:
				return
			case <-time.After(10 * time.Millisecond):
			}
			continue
		}
		msg, err := k.codec.Decode(frames)
		if err != nil {
			k.log.Printf("%s: dropped an invalid message (%d frames): %v", ch, len(frames), err)
			continue
		}
		k.log.Printf("%s: received %s %s", ch, msg.Header.MsgType, msg.Header.MsgID)
		switch {
		case ch == Shell || (ch == Control && !controlNow[msg.Header.MsgType]):
			select {
			case k.shellQ <- request{ch, msg}:
			case <-k.stopped:
				return
			}
		case ch == Control:
			k.handle(Control, msg)
		case ch == Stdin:
			select {
			case k.stdinQ <- msg:
			default:
				k.log.Printf("stdin: dropped %s: no input request is waiting", msg.Header.MsgType)
			}
		}
	}
}

// A request is a message and the channel it came on.
type request struct {
	ch  Channel
	msg *Message
}

// controlNow lists the control requests answered on the control
// goroutine at once, even while a cell runs. Other requests that arrive
// on control (ipykernel accepts every shell type there) need the engine
// or the kernel's state, so they wait in the shell queue and are answered
// on control.
var controlNow = map[string]bool{
	"kernel_info_request": true, "interrupt_request": true, "shutdown_request": true,
	"debug_request": true, "connect_request": true,
}

// serveShell handles shell requests one at a time, in order. After a
// cell fails with stop_on_error, the execute requests that were already
// queued are aborted; later ones run again.
func (k *Kernel) serveShell() {
	for {
		select {
		case <-k.stopped:
			return
		case r := <-k.shellQ:
			if k.closing.Load() {
				return // shutting down: run nothing more
			}
			if k.abort > 0 {
				k.abort--
				if r.msg.Header.MsgType == "execute_request" {
					k.abortExecute(r.ch, r.msg)
					continue
				}
			}
			k.handle(r.ch, r.msg)
			if f := k.afterIdle; f != nil {
				k.afterIdle = nil
				f()
			}
		}
	}
}

// publish sends a message on iopub with parent's header (nil: none).
func (k *Kernel) publish(parent *Message, msgType string, content any) {
	k.send(IOPub, [][]byte{[]byte("kernel." + k.sess.id + "." + msgType)}, parent, msgType, content, nil)
}

// reply sends a reply to req on the channel req came from, after every
// iopub message queued so far has been written, so that a client that
// has the reply can already read the request's output.
func (k *Kernel) reply(ch Channel, req *Message, msgType string, content any) {
	k.senders[IOPub].wait()
	k.send(ch, req.Identities, req, msgType, content, nil)
}

// send encodes and queues one message.
func (k *Kernel) send(ch Channel, idents [][]byte, parent *Message, msgType string, content any, buffers [][]byte) {
	body, err := json.Marshal(content)
	if err != nil {
		k.log.Printf("encoding %s: %v", msgType, err)
		return
	}
	ph := []byte("{}")
	if parent != nil {
		ph = parent.RawHeader
	}
	k.senders[ch].put(k.codec.Encode(idents, k.sess.header(msgType), ph, []byte("{}"), body, buffers))
	k.log.Printf("%s: queued %s", ch, msgType)
}

// A sender owns the writes to one channel: one goroutine, fed in order.
type sender struct {
	k    *Kernel
	ch   Channel
	q    chan [][]byte
	quit chan struct{}
	once sync.Once

	wmu sync.Mutex // held while writing: put's direct writes and run's

	mu      sync.Mutex
	cond    *sync.Cond
	queued  uint64 // messages put so far
	written uint64 // messages written (or given up on) so far
	closed  bool
}

func newSender(k *Kernel, ch Channel) *sender {
	s := &sender{k: k, ch: ch, q: make(chan [][]byte, 4096), quit: make(chan struct{})}
	s.cond = sync.NewCond(&s.mu)
	return s
}

// put writes frames at once when nothing is waiting to be written, and
// otherwise queues them, waiting while the queue is full: output is never
// dropped by the kernel itself. Writing in the caller's goroutine saves a
// goroutine hand-off (a thread wake-up when the sender is parked) on
// every message of a round trip.
func (s *sender) put(frames [][]byte) {
	s.mu.Lock()
	if s.queued == s.written && !s.closed {
		s.queued++
		s.wmu.Lock()
		s.mu.Unlock()
		s.write(frames)
		s.wmu.Unlock()
		return
	}
	s.queued++
	s.mu.Unlock()
	select {
	case s.q <- frames:
	case <-s.quit:
		s.done()
	}
}

// wait returns when every message put before the call has been written,
// or the sender is closed.
func (s *sender) wait() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for target := s.queued; s.written < target && !s.closed; {
		s.cond.Wait()
	}
}

func (s *sender) done() {
	s.mu.Lock()
	s.written++
	s.mu.Unlock()
	s.cond.Broadcast()
}

// write sends frames; the caller holds wmu.
func (s *sender) write(frames [][]byte) {
	if err := s.k.tr.Send(s.ch, frames); err != nil {
		s.k.log.Printf("%s: send: %v", s.ch, err)
	}
	s.done()
}

// writeQueued writes a message taken from the queue.
func (s *sender) writeQueued(frames [][]byte) {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	s.write(frames)
}

// run writes queued messages until close, then writes what is left.
func (s *sender) run() {
	for {
		select {
		case f := <-s.q:
			s.writeQueued(f)
		case <-s.quit:
			for {
				select {
				case f := <-s.q:
					s.writeQueued(f)
				default:
					s.mu.Lock()
					s.closed = true
					s.mu.Unlock()
					s.cond.Broadcast()
					return
				}
			}
		}
	}
}

func (s *sender) close() { s.once.Do(func() { close(s.quit) }) }

// errNoStdin is the error a cell gets when it reads input but the front
// end does not accept input requests.
var errNoStdin = errors.New("this front end does not support input: the execute_request has allow_stdin false")
