package kernel

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/gomx-dev/gomx/internal/longtest"
)

// TestBadInputIsDroppedAndKernelLives sends every kind of bad message on
// every channel; none may run, be answered or stop the kernel. The
// wrongly signed execute_requests come 100 per channel in make test, 1000
// in make conformance (internal/longtest).
func TestBadInputIsDroppedAndKernelLives(t *testing.T) {
	h := newHarness(t)
	exec, _ := json.Marshal(execContent("print:never"))
	hd := func(id string) []byte {
		b, _ := json.Marshal(Header{MsgID: id, Session: "s", Username: "u", Date: isoDate(time.Now()), MsgType: "execute_request", Version: "5.4"})
		return b
	}
	var bad [][][]byte
	for i := range longtest.N(100, 1000) {
		f := h.codec.Encode([][]byte{[]byte("c1")}, hd(newID()), []byte("{}"), []byte("{}"), exec, nil)
		f[2] = []byte(NewCodec([]byte("wrong key")).Sign(f[3], f[4], f[5], f[6]))
		if i%2 == 1 {
			f[2] = bytes.ToUpper(f[2][:10])
		}
		bad = append(bad, f)
	}
	unsigned := NewCodec(nil).Encode([][]byte{[]byte("c1")}, hd(newID()), []byte("{}"), []byte("{}"), exec, nil)
	replayed, _ := h.frames("c1", "execute_request", execContent("print:once"))
	bad = append(bad,
		unsigned,
		[][]byte{[]byte("c1")},
		[][]byte{[]byte("c1"), []byte("<IDS|MSG>"), []byte("sig")},
		[][]byte{},
		h.codec.Encode([][]byte{[]byte("c1")}, []byte(`{"msg_id":"x"`), []byte("{}"), []byte("{}"), exec, nil),
		h.codec.Encode([][]byte{[]byte("c1")}, []byte(`{"msg_type":"execute_request"}`), []byte("{}"), []byte("{}"), exec, nil),
		h.codec.Encode([][]byte{[]byte("c1")}, hd(newID()), []byte("{}"), []byte("{}"), []byte(`{"code":`), nil),
		h.codec.Encode([][]byte{[]byte("c1")}, hd(newID()), []byte("{}"), []byte("{}"), []byte(`null`), nil),
	)
	for _, ch := range []Channel{Shell, Control, Stdin} {
		for _, f := range bad {
			h.tr.in[ch] <- f
		}
	}
	// A replayed message runs once.
	h.tr.in[Shell] <- replayed
	r := h.recv(Shell)
	if r.Content["status"] != "ok" {
		t.Fatalf("the valid message: %v", r.Content)
	}
	h.iopubUntilIdle(r.Parent.MsgID)
	h.tr.in[Shell] <- replayed
	h.tr.in[Control] <- replayed

	// 100 MB: a valid kernel_info_request with a huge metadata field is
	// answered; the same with a bad signature is dropped.
	big := []byte(`{"pad":"` + strings.Repeat("x", 100<<20) + `"}`)
	ki, _ := json.Marshal(Header{MsgID: newID(), Session: "s", Username: "u", Date: isoDate(time.Now()), MsgType: "kernel_info_request", Version: "5.4"})
	badBig := h.codec.Encode([][]byte{[]byte("c1")}, ki, []byte("{}"), big, []byte("{}"), nil)
	badBig[2] = []byte(strings.Repeat("ab", 32))
	h.tr.in[Shell] <- badBig
	h.tr.in[Shell] <- h.codec.Encode([][]byte{[]byte("c1")}, ki, []byte("{}"), big, []byte("{}"), nil)
	if r := h.recv(Shell); r.Header.MsgType != "kernel_info_reply" {
		t.Fatalf("100 MB kernel_info_request: got %s", r.Header.MsgType)
	} else {
		h.iopubUntilIdle(r.Parent.MsgID)
	}

	reply, _ := h.roundTrip(Control, "kernel_info_request", map[string]any{})
	if reply.Content["status"] != "ok" {
		t.Fatal("kernel does not answer after bad input")
	}
	if n := h.eng.executes.Load(); n != 1 {
		t.Errorf("%d cells executed, want exactly 1 (the one valid message)", n)
	}
	h.none(Shell, 100*time.Millisecond)
	h.none(IOPub, 10*time.Millisecond)
}
