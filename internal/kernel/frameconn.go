package kernel

import (
	"bufio"
	"context"
	"encoding/binary"
	"net"
	"os"
	"strconv"
	"sync"

	"github.com/go-zeromq/zmq4"
	"github.com/go-zeromq/zmq4/transport"

	"github.com/gomx-dev/gomx/internal/kernel/prebind"
)

// framedTCP is the zmq4 transport name the kernel's message sockets listen
// on: TCP, with every connection a frameConn.
const framedTCP = "gomx+tcp"

var registerFramedTCP = sync.OnceValue(func() error {
	return zmq4.RegisterTransport(framedTCP, framedTransport{transport.New("tcp")})
})

// framedTransport is TCP whose connections are frameConns.
type framedTransport struct{ tcp transport.Transport }

func (t framedTransport) Dial(ctx context.Context, d transport.Dialer, addr string) (net.Conn, error) {
	c, err := t.tcp.Dial(ctx, d, addr)
	if err != nil {
		return nil, err
	}
	return newFrameConn(c), nil
}

// Listen takes the socket prebind bound for addr at start-up, or binds one.
func (t framedTransport) Listen(ctx context.Context, addr string) (net.Listener, error) {
	l, err := prebound(addr)
	if l == nil && err == nil {
		l, err = t.tcp.Listen(ctx, addr)
	}
	if err != nil {
		return nil, err
	}
	return framedListener{l}, nil
}

// prebound returns the listener prebind bound for addr, or nil.
func prebound(addr string) (net.Listener, error) {
	host, p, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, nil
	}
	port, err := strconv.Atoi(p)
	if err != nil {
		return nil, nil
	}
	fd, ok := prebind.Take(host, port)
	if !ok {
		return nil, nil
	}
	f := os.NewFile(uintptr(fd), "tcp:"+addr)
	defer f.Close()
	return net.FileListener(f)
}

func (t framedTransport) Addr(ep string) (string, error) { return t.tcp.Addr(ep) }

type framedListener struct{ net.Listener }

func (l framedListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return newFrameConn(c), nil
}

// ZMTP 3 framing: a 64-byte greeting, then frames of a flags byte, a
// length (one byte, or eight with flagLong) and the body. A command is
// one frame without flagMore, as is the last frame of a message.
const (
	zmtpGreeting = 64
	flagMore     = 0x01
	flagLong     = 0x02
)

// maxGather bounds what a frameConn holds before writing it anyway.
const maxGather = 256 << 10

// A frameConn writes each ZMTP message with one write system call. zmq4's
// ROUTER sockets write a message frame by frame, a header and a body each,
// so a seven-frame Jupyter reply was fourteen TCP segments, each of which
// woke the client's I/O thread; a frameConn follows the framing of what is
// written and gathers it until the greeting, a command or the last frame of
// a message is complete. Reads are buffered, as zmq4 reads each
// header and body with its own call.
type frameConn struct {
	net.Conn
	r *bufio.Reader

	mu      sync.Mutex
	buf     []byte
	greeted int    // greeting bytes written so far
	hdr     []byte // the current frame's header so far
	body    uint64 // body bytes of the current frame still to come
	inBody  bool
	last    bool // the current frame ends a message or is a command
}

func newFrameConn(c net.Conn) *frameConn {
	return &frameConn{Conn: c, r: bufio.NewReaderSize(c, 64<<10)}
}

func (c *frameConn) Read(p []byte) (int, error) { return c.r.Read(p) }

// Write gathers p and writes what is gathered once a message is complete.
func (c *frameConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.buf = append(c.buf, p...)
	if c.scan(p) || len(c.buf) >= maxGather {
		_, err := c.Conn.Write(c.buf)
		c.buf = c.buf[:0]
		if cap(c.buf) > maxGather {
			c.buf = nil
		}
		if err != nil {
			return len(p), err
		}
	}
	return len(p), nil
}

// scan follows the framing through p and reports whether the greeting, a
// command or the last frame of a message ended in it.
func (c *frameConn) scan(p []byte) (end bool) {
	for len(p) > 0 {
		switch {
		case c.greeted < zmtpGreeting:
			n := min(len(p), zmtpGreeting-c.greeted)
			c.greeted += n
			p = p[n:]
			end = end || c.greeted == zmtpGreeting
		case c.inBody:
			n := min(uint64(len(p)), c.body)
			c.body -= n
			p = p[n:]
			if c.body == 0 {
				c.inBody = false
				end = end || c.last
			}
		default:
			c.hdr = append(c.hdr, p[0])
			p = p[1:]
			need := 2
			if c.hdr[0]&flagLong != 0 {
				need = 9
			}
			if len(c.hdr) < need {
				continue
			}
			c.body = uint64(c.hdr[1])
			if need == 9 {
				c.body = binary.BigEndian.Uint64(c.hdr[1:])
			}
			c.last = c.hdr[0]&flagMore == 0
			c.hdr = c.hdr[:0]
			c.inBody = c.body > 0
			end = end || (!c.inBody && c.last)
		}
	}
	return end
}
