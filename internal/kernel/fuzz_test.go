package kernel

import (
	"bytes"
	"testing"
)

// FuzzDecode feeds arbitrary frames to the decoder, signed with the
// right key half of the time so that the JSON checks are reached too.
// The frames are the input split at 0x00 0x00.
func FuzzDecode(f *testing.F) {
	c := NewCodec([]byte(testKey))
	good := c.Encode([][]byte{[]byte("id")}, []byte(`{"msg_id":"m","msg_type":"execute_request"}`), []byte("{}"), []byte("{}"), []byte(`{"code":"x"}`), [][]byte{[]byte("b")})
	f.Add(bytes.Join(good, []byte{0, 0}), false)
	f.Add(bytes.Join(good[1:], []byte{0, 0}), true)
	f.Add([]byte("<IDS|MSG>"), true)
	f.Add([]byte("a\x00\x00<IDS|MSG>\x00\x00\x00\x00{\"msg_id\":\"1\",\"msg_type\":\"t\"}\x00\x00{}\x00\x00{}\x00\x00null"), true)
	f.Fuzz(func(t *testing.T, data []byte, sign bool) {
		frames := bytes.Split(data, []byte{0, 0})
		d := -1
		for i, fr := range frames {
			if bytes.Equal(fr, delimiter) {
				d = i
				break
			}
		}
		if sign && d >= 0 && len(frames) >= d+6 {
			frames[d+1] = []byte(c.Sign(frames[d+2], frames[d+3], frames[d+4], frames[d+5]))
		}
		m, err := NewCodec([]byte(testKey)).Decode(frames)
		if err != nil {
			return
		}
		if m.Header.MsgID == "" || m.Header.MsgType == "" || !isObject(m.Content) || !isObject(m.ParentHeader) || !isObject(m.Metadata) {
			t.Fatalf("accepted an invalid message: %+v", m)
		}
		if !sign && d >= 0 {
			// Without the key nobody can make a valid signature; a
			// random input passing verification would be a bug. (Hex digits
			// may be in either case.)
			if !bytes.EqualFold(frames[d+1], []byte(c.Sign(frames[d+2], frames[d+3], frames[d+4], frames[d+5]))) {
				t.Fatal("accepted a message with a wrong signature")
			}
		}
	})
}
