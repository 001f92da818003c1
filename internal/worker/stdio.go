package worker

import (
	"os"
	"sync"
	"syscall"
	"unicode/utf8"

	"github.com/gomx-dev/gomx/engine"
)

// stdio is the capture of the process's file descriptors 1 and 2.
type stdio struct {
	streams []*stream
}

// A stream forwards what is written to one captured file descriptor. Its
// pipe's read end is non-blocking and read only with mu held, by the
// stream's goroutine when the pipe becomes readable or by flush; so once
// flush holds mu and finds the pipe empty, everything written before has
// been sent.
type stream struct {
	name string
	send func(*engine.Msg)
	r    *os.File
	rc   syscall.RawConn
	w    *os.File // the write end, kept open with fd 1 or 2

	mu      sync.Mutex
	buf     []byte
	pending []byte // an incomplete UTF-8 sequence waiting for its end
	eof     bool
}

// newStdio starts forwarding the read ends rs (pipes, non-blocking as
// os.Pipe makes them); ws are the matching write ends, already installed
// as fd 1 and 2 by the caller.
func newStdio(send func(*engine.Msg), names []string, rs, ws []*os.File) (*stdio, error) {
	s := &stdio{}
	for i, name := range names {
		rc, err := rs[i].SyscallConn()
		if err != nil {
			return nil, err
		}
		st := &stream{name: name, send: send, r: rs[i], rc: rc, w: ws[i], buf: make([]byte, 64<<10)}
		s.streams = append(s.streams, st)
		go st.pump()
	}
	return s, nil
}

// flush returns when everything written to the captured descriptors before
// the call has been sent to the client: it reads what is left in the pipes
// itself. Without output this is two system calls, not a round trip
// through the pipes.
func (s *stdio) flush() {
	for _, st := range s.streams {
		st.mu.Lock()
		st.rc.Control(func(fd uintptr) {
			for !st.eof && st.readOnce(fd) {
			}
		})
		st.emit(true)
		st.mu.Unlock()
	}
}

// pump sends what is written to the pipe while the process runs.
func (st *stream) pump() {
	for {
		err := st.rc.Read(func(fd uintptr) bool {
			st.mu.Lock()
			defer st.mu.Unlock()
			if st.eof || !st.readOnce(fd) {
				return st.eof
			}
			st.emit(false)
			return true
		})
		st.mu.Lock()
		eof := st.eof || err != nil
		if eof {
			st.eof = true
			st.emit(true)
		}
		st.mu.Unlock()
		if eof {
			return
		}
	}
}

// readOnce reads from the pipe once, appending to pending; it reports
// whether it read anything. The caller holds mu.
func (st *stream) readOnce(fd uintptr) bool {
	n, err := readFD(fd, st.buf)
	if n > 0 {
		st.pending = append(st.pending, st.buf[:n]...)
		return true
	}
	if err == nil || !isAgain(err) {
		st.eof = true
	}
	return false
}

// emit sends pending text: all of it when all is set, otherwise up to an
// incomplete UTF-8 sequence at its end. The caller holds mu.
func (st *stream) emit(all bool) {
	n := len(st.pending)
	if !all {
		n -= heldBack(st.pending)
	}
	if n > 0 {
		st.send(&engine.Msg{Type: engine.MsgStream, Name: st.name, Text: string(st.pending[:n])})
	}
	st.pending = append(st.pending[:0], st.pending[n:]...)
}

// heldBack returns how many bytes at the end of b are an incomplete UTF-8
// sequence, to be sent with the rest of the rune.
func heldBack(b []byte) int {
	for k := 1; k <= utf8.UTFMax-1 && k <= len(b); k++ {
		c := b[len(b)-k]
		if c < utf8.RuneSelf {
			return 0
		}
		if utf8.RuneStart(c) {
			if utf8.FullRune(b[len(b)-k:]) {
				return 0
			}
			return k
		}
	}
	return 0
}
