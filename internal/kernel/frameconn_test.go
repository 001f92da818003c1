package kernel

import (
	"bytes"
	"encoding/binary"
	"math/rand/v2"
	"net"
	"testing"
)

// recordConn records each Write it gets.
type recordConn struct {
	net.Conn
	writes [][]byte
}

func (r *recordConn) Write(p []byte) (int, error) {
	r.writes = append(r.writes, append([]byte(nil), p...))
	return len(p), nil
}

// zmtpFrame encodes one ZMTP 3 frame.
func zmtpFrame(flags byte, body []byte) []byte {
	if len(body) > 255 {
		h := []byte{flags | flagLong, 0, 0, 0, 0, 0, 0, 0, 0}
		binary.BigEndian.PutUint64(h[1:], uint64(len(body)))
		return append(h, body...)
	}
	return append([]byte{flags, byte(len(body))}, body...)
}

// TestFrameConnGathers writes a ZMTP stream (greeting, a command, then
// messages of short, empty and long frames) to a frameConn in pieces cut
// at random, and checks that nothing complete is held back, that there is
// at most one write per message and that the bytes are unchanged.
func TestFrameConnGathers(t *testing.T) {
	greeting := bytes.Repeat([]byte{0x7f}, zmtpGreeting)
	units := [][]byte{greeting, zmtpFrame(0x04, []byte("\x05READY"))}
	long := bytes.Repeat([]byte("x"), 1000)
	msgs := [][][]byte{
		{[]byte("id"), []byte("<IDS|MSG>"), []byte("sig"), []byte("{}"), long},
		{{}},
		{[]byte("topic"), {}, long, []byte("end")},
		{long},
	}
	for _, m := range msgs {
		var u []byte
		for i, f := range m {
			var fl byte
			if i < len(m)-1 {
				fl = flagMore
			}
			u = append(u, zmtpFrame(fl, f)...)
		}
		units = append(units, u)
	}
	var stream []byte
	var ends []int
	for _, u := range units {
		stream = append(stream, u...)
		ends = append(ends, len(stream))
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 200 {
		rc := &recordConn{}
		c := newFrameConn(rc)
		written := 0
		for written < len(stream) {
			n := 1 + rng.IntN(min(len(stream)-written, 1+trial*10))
			if k, err := c.Write(stream[written : written+n]); k != n || err != nil {
				t.Fatalf("Write = %d, %v", k, err)
			}
			written += n
			sent := 0
			for _, w := range rc.writes {
				sent += len(w)
			}
			for _, e := range ends {
				if e <= written && sent < e {
					t.Fatalf("trial %d: after writing %d bytes only %d reached the connection: the unit ending at %d waits", trial, written, sent, e)
				}
			}
		}
		if len(rc.writes) > len(units) {
			t.Errorf("trial %d: %d writes for %d messages", trial, len(rc.writes), len(units))
		}
		if got := bytes.Join(rc.writes, nil); !bytes.Equal(got, stream) {
			t.Fatalf("trial %d: %d bytes reached the connection, want the %d written", trial, len(got), len(stream))
		}
	}
}
