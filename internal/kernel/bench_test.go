package kernel

import (
	"bytes"
	"testing"
)

// BenchmarkExecuteRoundTrip measures the kernel's own share of an execute
// round trip (request in, reply and idle out: decoding, verification,
// dispatch, encoding, signing and the goroutine hand-offs) over the
// in-memory transport with an engine that does nothing.
func BenchmarkExecuteRoundTrip(b *testing.B) {
	h := newHarness(b)
	c := execContent("")
	idle := []byte(`{"execution_state":"idle"}`)
	b.ResetTimer()
	for range b.N {
		id := []byte(h.send(Shell, "execute_request", c))
		<-h.tr.out[Shell]
		for {
			m, err := h.codec.Decode(<-h.tr.out[IOPub])
			if err != nil {
				b.Fatal(err)
			}
			if bytes.Equal(m.Content, idle) && bytes.Contains(m.ParentHeader, id) {
				break
			}
		}
	}
}
