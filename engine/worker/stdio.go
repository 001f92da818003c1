package worker

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"os"
	"sync"
	"unicode/utf8"

	"github.com/gomx-dev/gomx/engine"
)

// stdio is the capture of the process's file descriptors 1 and 2.
type stdio struct {
	mu      sync.Mutex // one flush at a time
	streams []*stream
}

// A stream forwards what is written to one captured file descriptor.
type stream struct {
	name     string
	w        *os.File // the pipe's write end, for sentinels
	sentinel []byte
	synced   chan struct{}
}

// newStdio starts forwarding the read ends; ws are the matching write ends
// (already installed as fd 1 and 2 by the caller).
func newStdio(send func(*engine.Msg), names []string, rs, ws []*os.File) *stdio {
	var nonce [12]byte
	rand.Read(nonce[:])
	s := &stdio{}
	for i, name := range names {
		st := &stream{
			name:     name,
			w:        ws[i],
			sentinel: []byte("\x00gomx-sync-" + hex.EncodeToString(nonce[:]) + "\n"),
			synced:   make(chan struct{}, 1),
		}
		s.streams = append(s.streams, st)
		go st.pump(rs[i], send)
	}
	return s
}

// flush returns when everything written to the captured descriptors before
// the call has been sent to the client.
func (s *stdio) flush() {
	s.mu.Lock()
	defer s.mu.Unlock()
	var wrote []*stream
	for _, st := range s.streams {
		if _, err := st.w.Write(st.sentinel); err == nil {
			wrote = append(wrote, st)
		}
	}
	for _, st := range wrote {
		<-st.synced
	}
}

// pump reads r and sends its text as stream messages, cutting out
// sentinels and signalling each one on synced. A partial sentinel or a
// partial UTF-8 sequence at the end of a read is held back until the rest
// arrives.
func (st *stream) pump(r *os.File, send func(*engine.Msg)) {
	buf := make([]byte, 64<<10)
	var pending []byte
	emit := func(b []byte) {
		if len(b) > 0 {
			send(&engine.Msg{Type: engine.MsgStream, Name: st.name, Text: string(b)})
		}
	}
	for {
		n, err := r.Read(buf)
		if n > 0 {
			pending = append(pending, buf[:n]...)
			for {
				i := bytes.Index(pending, st.sentinel)
				if i < 0 {
					break
				}
				emit(pending[:i])
				pending = pending[i+len(st.sentinel):]
				st.synced <- struct{}{}
			}
			keep := heldBack(pending, st.sentinel)
			emit(pending[:len(pending)-keep])
			pending = append(pending[:0], pending[len(pending)-keep:]...)
		}
		if err != nil {
			emit(pending)
			return
		}
	}
}

// heldBack returns how many bytes at the end of b must wait for the next
// read: a prefix of the sentinel, or an incomplete UTF-8 sequence.
func heldBack(b, sentinel []byte) int {
	from := len(b) - len(sentinel) + 1
	if from < 0 {
		from = 0
	}
	if i := bytes.LastIndexByte(b[from:], sentinel[0]); i >= 0 {
		if tail := b[from+i:]; bytes.HasPrefix(sentinel, tail) {
			return len(tail)
		}
	}
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
