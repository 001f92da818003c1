package kernel

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/go-zeromq/zmq4"

	"github.com/gomx-dev/gomx/internal/kernel/prebind"
)

// A Channel names one of the kernel's message sockets.
type Channel int

// The channels that carry Jupyter messages. The heartbeat is not a
// message channel: transports serve it themselves.
const (
	Shell Channel = iota
	Control
	Stdin
	IOPub
)

var channelNames = [...]string{"shell", "control", "stdin", "iopub"}

func (c Channel) String() string {
	if c >= 0 && int(c) < len(channelNames) {
		return channelNames[c]
	}
	return fmt.Sprintf("Channel(%d)", int(c))
}

// A Transport moves multipart messages between the kernel and its
// clients. Recv is called from one goroutine per channel (Shell, Control,
// Stdin) and Send from one goroutine per channel; Recv returns an error
// once the transport is closed.
type Transport interface {
	Recv(ch Channel) ([][]byte, error)
	Send(ch Channel, frames [][]byte) error
	Close() error
}

// iopubHWM is the PUB socket's per-subscriber queue limit. zmq4 drops
// messages past it, so it is set far above what batched output produces.
const iopubHWM = 100000

// zmqTransport is the Transport over ZeroMQ sockets.
type zmqTransport struct {
	cancel  context.CancelFunc
	sockets [4]zmq4.Socket
	hb      zmq4.Socket
	hbDone  chan struct{}
	once    sync.Once
}

// ListenZMQ binds the five sockets described by c and starts serving the
// heartbeat.
func ListenZMQ(c *ConnectionInfo) (Transport, error) {
	ctx, cancel := context.WithCancel(context.Background())
	t := &zmqTransport{cancel: cancel, hbDone: make(chan struct{})}
	t.sockets[Shell] = zmq4.NewRouter(ctx)
	t.sockets[Control] = zmq4.NewRouter(ctx)
	t.sockets[Stdin] = zmq4.NewRouter(ctx)
	t.sockets[IOPub] = zmq4.NewPub(ctx)
	t.hb = zmq4.NewRep(ctx)
	// Sockets prebind bound at start-up and no channel took are closed.
	defer prebind.Release()
	ports := [4]int{c.ShellPort, c.ControlPort, c.StdinPort, c.IOPubPort}
	framed := c.Transport != "ipc" && registerFramedTCP() == nil
	endpoint := func(port int) string {
		ep := c.Endpoint(port)
		if framed {
			ep = framedTCP + strings.TrimPrefix(ep, "tcp")
		}
		return ep
	}
	for ch, s := range t.sockets {
		if err := s.Listen(endpoint(ports[ch])); err != nil {
			t.closeSockets()
			return nil, fmt.Errorf("%s socket on %s: %w", Channel(ch), c.Endpoint(ports[ch]), err)
		}
	}
	if err := t.sockets[IOPub].SetOption(zmq4.OptionHWM, iopubHWM); err != nil {
		t.closeSockets()
		return nil, fmt.Errorf("iopub high-water mark: %w", err)
	}
	if err := t.hb.Listen(endpoint(c.HBPort)); err != nil {
		t.closeSockets()
		return nil, fmt.Errorf("heartbeat socket on %s: %w", c.Endpoint(c.HBPort), err)
	}
	go t.heartbeat()
	return t, nil
}

// heartbeat echoes every ping; it touches nothing else.
func (t *zmqTransport) heartbeat() {
	defer close(t.hbDone)
	for {
		m, err := t.hb.Recv()
		if err != nil {
			return
		}
		if err := t.hb.Send(m); err != nil {
			return
		}
	}
}

func (t *zmqTransport) Recv(ch Channel) ([][]byte, error) {
	if ch < 0 || ch >= IOPub {
		return nil, fmt.Errorf("cannot receive on %s", ch)
	}
	m, err := t.sockets[ch].Recv()
	if err != nil {
		return nil, err
	}
	return m.Frames, nil
}

func (t *zmqTransport) Send(ch Channel, frames [][]byte) error {
	if ch < 0 || int(ch) >= len(t.sockets) {
		return fmt.Errorf("no channel %s", ch)
	}
	// SendMulti writes the whole message with one writev; zmq4's Send
	// writes each frame's header and body separately, two TCP segments per
	// frame, which made the trivial execute round trip (busy, execute_input
	// and idle are seven frames each) about 0.5 ms slower. zmq4's ROUTER
	// sockets drop the flag and still write frame by frame: over tcp their
	// connections are frameConns, which gather the frames.
	return t.sockets[ch].SendMulti(zmq4.NewMsgFrom(frames...))
}

func (t *zmqTransport) closeSockets() error {
	var errs []error
	t.once.Do(func() {
		t.cancel()
		for _, s := range t.sockets {
			errs = append(errs, s.Close())
		}
		errs = append(errs, t.hb.Close())
	})
	return errors.Join(errs...)
}

func (t *zmqTransport) Close() error { return t.closeSockets() }
