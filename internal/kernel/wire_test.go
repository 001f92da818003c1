package kernel

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"
)

// The expected signature was computed with Python's hmac module:
//
//	python3 -c "import hmac,hashlib; h=hmac.new(b'a0436f6c-1916-498b-8eb9-e81ab9368e84', digestmod=hashlib.sha256)
//	[h.update(p) for p in [b'{\"msg_id\":\"1\",\"msg_type\":\"kernel_info_request\"}', b'{}', b'{}', b'{}']]; print(h.hexdigest())"
func TestSignMatchesPython(t *testing.T) {
	c := NewCodec([]byte(testKey))
	got := c.Sign([]byte(`{"msg_id":"1","msg_type":"kernel_info_request"}`), []byte("{}"), []byte("{}"), []byte("{}"))
	if want := "23d21ade63d42fc48bbe2721cd9045ceffb260c3521b7d246495f23adfca79a0"; got != want {
		t.Errorf("signature %s, want %s", got, want)
	}
	if s := NewCodec(nil).Sign([]byte("{}"), nil, nil, nil); s != "" {
		t.Errorf("empty key signs %q", s)
	}
}

func TestEncodeDecodeRoundTrip(t *testing.T) {
	for _, key := range []string{testKey, ""} {
		c := NewCodec([]byte(key))
		idents := [][]byte{[]byte("id-1"), {0, 1, 2}}
		hd := []byte(`{"msg_id":"m1","msg_type":"comm_msg","session":"s","username":"u","date":"2026-01-01T00:00:00Z","version":"5.4"}`)
		frames := c.Encode(idents, hd, []byte(`{"msg_id":"p"}`), []byte(`{"a":1}`), []byte(`{"comm_id":"x"}`), [][]byte{[]byte("buf0"), {}})
		m, err := NewCodec([]byte(key)).Decode(frames)
		if err != nil {
			t.Fatalf("key %q: %v", key, err)
		}
		if len(m.Identities) != 2 || !bytes.Equal(m.Identities[1], []byte{0, 1, 2}) || m.Header.MsgID != "m1" || m.Header.MsgType != "comm_msg" ||
			string(m.ParentHeader) != `{"msg_id":"p"}` || string(m.Metadata) != `{"a":1}` || string(m.Content) != `{"comm_id":"x"}` ||
			len(m.Buffers) != 2 || string(m.Buffers[0]) != "buf0" || !bytes.Equal(m.RawHeader, hd) {
			t.Errorf("key %q: decoded %+v", key, m)
		}
	}
}

func TestDecodeRejects(t *testing.T) {
	c := NewCodec([]byte(testKey))
	good := func() [][]byte {
		return c.Encode([][]byte{[]byte("id")}, []byte(`{"msg_id":"m","msg_type":"execute_request"}`), []byte("{}"), []byte("{}"), []byte(`{"code":"x"}`), nil)
	}
	tests := []struct {
		name   string
		frames func() [][]byte
		want   error
	}{
		{"no delimiter", func() [][]byte { return [][]byte{[]byte("a"), []byte("b")} }, ErrNoDelimiter},
		{"empty", func() [][]byte { return nil }, ErrNoDelimiter},
		{"short", func() [][]byte { return good()[:5] }, ErrShort},
		{"unsigned", func() [][]byte { f := good(); f[2] = nil; return f }, ErrUnsigned},
		{"wrong signature", func() [][]byte { f := good(); f[2] = []byte(strings.Repeat("0", 64)); return f }, ErrSignature},
		{"not hex", func() [][]byte { f := good(); f[2] = []byte("zz"); return f }, ErrSignature},
		{"tampered content", func() [][]byte { f := good(); f[6] = []byte(`{"code":"y"}`); return f }, ErrSignature},
	}
	for _, tc := range tests {
		if _, err := c.Decode(tc.frames()); !errors.Is(err, tc.want) {
			t.Errorf("%s: error %v, want %v", tc.name, err, tc.want)
		}
	}
	f := good()
	if _, err := c.Decode(f); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Decode(f); !errors.Is(err, ErrReplay) {
		t.Errorf("replayed message: error %v, want %v", err, ErrReplay)
	}
}

func TestDecodeBadJSON(t *testing.T) {
	c := NewCodec(nil)
	tests := []struct {
		name                    string
		header, parent, md, cnt string
		want                    error
	}{
		{"header not JSON", `{"msg_id":`, `{}`, `{}`, `{}`, nil},
		{"content null", `{"msg_id":"m","msg_type":"t"}`, `{}`, `{}`, `null`, nil},
		{"parent array", `{"msg_id":"m","msg_type":"t"}`, `[]`, `{}`, `{}`, nil},
		{"no msg_type", `{"msg_id":"m"}`, `{}`, `{}`, `{}`, ErrHeader},
		{"no msg_id", `{"msg_type":"t"}`, `{}`, `{}`, `{}`, ErrHeader},
		{"msg_id wrong type", `{"msg_id":1,"msg_type":"t"}`, `{}`, `{}`, `{}`, nil},
	}
	for _, tc := range tests {
		_, err := c.Decode(c.Encode(nil, []byte(tc.header), []byte(tc.parent), []byte(tc.md), []byte(tc.cnt), nil))
		if err == nil || (tc.want != nil && !errors.Is(err, tc.want)) {
			t.Errorf("%s: error %v", tc.name, err)
		}
	}
}

func TestNewIDIsUUIDv4(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		id := newID()
		if len(id) != 36 || id[14] != '4' || !strings.ContainsRune("89ab", rune(id[19])) || seen[id] {
			t.Fatalf("bad or repeated id %q", id)
		}
		seen[id] = true
	}
}

func TestISODate(t *testing.T) {
	d := time.Date(2026, 9, 20, 12, 34, 56, 789012000, time.FixedZone("x", 3600))
	if got, want := isoDate(d), "2026-09-20T11:34:56.789012Z"; got != want {
		t.Errorf("isoDate %s, want %s", got, want)
	}
}
