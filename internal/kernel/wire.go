package kernel

import (
	"bytes"
	"crypto/hmac"
	"crypto/md5"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"strings"
	"sync"
	"time"
)

// ProtocolVersion is the Jupyter messaging protocol version the kernel
// speaks; it goes into every header and into kernel_info_reply.
const ProtocolVersion = "5.4"

// delimiter separates the routing identities from the message proper.
var delimiter = []byte("<IDS|MSG>")

// Header is a Jupyter message header.
type Header struct {
	MsgID    string `json:"msg_id"`
	Session  string `json:"session"`
	Username string `json:"username"`
	Date     string `json:"date"`
	MsgType  string `json:"msg_type"`
	Version  string `json:"version"`
}

// A Message is one decoded Jupyter message. The JSON parts keep the exact
// bytes that were received, so a request's header is echoed verbatim as
// the parent header of everything it causes.
type Message struct {
	Identities   [][]byte        // routing prefix, byte-exact
	Header       Header          // the decoded header
	RawHeader    json.RawMessage // the header as received
	ParentHeader json.RawMessage
	Metadata     json.RawMessage
	Content      json.RawMessage
	Buffers      [][]byte
}

// Errors returned by Decode.
var (
	ErrNoDelimiter = errors.New("no <IDS|MSG> delimiter")
	ErrShort       = errors.New("fewer than 5 frames after the delimiter")
	ErrSignature   = errors.New("invalid signature")
	ErrUnsigned    = errors.New("unsigned message while a key is set")
	ErrReplay      = errors.New("duplicate signature (replayed message)")
	ErrHeader      = errors.New("header lacks msg_id or msg_type")
)

// replayWindow is how many recent signatures are remembered to reject
// replayed messages, as jupyter_client's Session does.
const replayWindow = 1 << 16

// A Codec signs, verifies, encodes and decodes messages for one key. Its
// methods are safe for concurrent use.
type Codec struct {
	key  []byte
	hash func() hash.Hash

	mu   sync.Mutex
	seen map[string]struct{}
	ring []string
	pos  int
}

// NewCodec returns a Codec for the HMAC-SHA256 key; an empty key means
// messages are neither signed nor verified.
func NewCodec(key []byte) *Codec {
	c, _ := NewCodecScheme(key, "hmac-sha256")
	return c
}

// NewCodecScheme returns a Codec for key and a connection file's
// signature_scheme: hmac-md5, hmac-sha1, hmac-sha224, hmac-sha256,
// hmac-sha384 or hmac-sha512 ("" is hmac-sha256), as jupyter_client
// accepts them.
func NewCodecScheme(key []byte, scheme string) (*Codec, error) {
	h, ok := signatureHashes[strings.ToLower(scheme)]
	if !ok {
		return nil, fmt.Errorf("unsupported signature_scheme %q (gomx supports %s)", scheme, strings.Join(SignatureSchemes, ", "))
	}
	return &Codec{key: append([]byte(nil), key...), hash: h, seen: map[string]struct{}{}}, nil
}

// SignatureSchemes are the signature schemes a Codec supports.
var SignatureSchemes = []string{"hmac-md5", "hmac-sha1", "hmac-sha224", "hmac-sha256", "hmac-sha384", "hmac-sha512"}

var signatureHashes = map[string]func() hash.Hash{
	"": sha256.New, "hmac-md5": md5.New, "hmac-sha1": sha1.New, "hmac-sha224": sha256.New224,
	"hmac-sha256": sha256.New, "hmac-sha384": sha512.New384, "hmac-sha512": sha512.New,
}

func (c *Codec) mac() hash.Hash { return hmac.New(c.hash, c.key) }

// Sign returns the lowercase hex signature of the four JSON parts, or ""
// when the key is empty.
func (c *Codec) Sign(header, parent, metadata, content []byte) string {
	if len(c.key) == 0 {
		return ""
	}
	m := c.mac()
	m.Write(header)
	m.Write(parent)
	m.Write(metadata)
	m.Write(content)
	return hex.EncodeToString(m.Sum(nil))
}

// Decode parses frames as received on a ROUTER socket, verifying the
// signature in constant time before anything else is looked at. It never
// panics on malformed input.
func (c *Codec) Decode(frames [][]byte) (*Message, error) {
	d := -1
	for i, f := range frames {
		if bytes.Equal(f, delimiter) {
			d = i
			break
		}
	}
	if d < 0 {
		return nil, ErrNoDelimiter
	}
	rest := frames[d+1:]
	if len(rest) < 5 {
		return nil, ErrShort
	}
	sig, h, p, md, ct := rest[0], rest[1], rest[2], rest[3], rest[4]
	if len(c.key) > 0 {
		if len(sig) == 0 {
			return nil, ErrUnsigned
		}
		got := make([]byte, hex.DecodedLen(len(sig)))
		n, err := hex.Decode(got, sig)
		if err != nil {
			return nil, ErrSignature
		}
		m := c.mac()
		m.Write(h)
		m.Write(p)
		m.Write(md)
		m.Write(ct)
		if !hmac.Equal(got[:n], m.Sum(nil)) {
			return nil, ErrSignature
		}
		if !c.remember(string(got[:n])) {
			return nil, ErrReplay
		}
	}
	msg := &Message{Identities: frames[:d:d], RawHeader: h, ParentHeader: p, Metadata: md, Content: ct, Buffers: rest[5:]}
	for _, part := range []struct {
		name string
		data []byte
	}{{"header", h}, {"parent_header", p}, {"metadata", md}, {"content", ct}} {
		if !isObject(part.data) {
			return nil, fmt.Errorf("%s is not a JSON object", part.name)
		}
	}
	if err := json.Unmarshal(h, &msg.Header); err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	if msg.Header.MsgID == "" || msg.Header.MsgType == "" {
		return nil, ErrHeader
	}
	return msg, nil
}

// remember records a signature and reports whether it was new.
func (c *Codec) remember(sig string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, dup := c.seen[sig]; dup {
		return false
	}
	if len(c.ring) < replayWindow {
		c.ring = append(c.ring, sig)
	} else {
		delete(c.seen, c.ring[c.pos])
		c.ring[c.pos] = sig
		c.pos = (c.pos + 1) % replayWindow
	}
	c.seen[sig] = struct{}{}
	return true
}

func isObject(b []byte) bool {
	b = bytes.TrimLeft(b, " \t\r\n")
	return len(b) > 0 && b[0] == '{' && json.Valid(b)
}

// Encode returns the frames of a message: identities, delimiter,
// signature, the four JSON parts and the buffers. The signature is computed
// over the exact bytes sent.
func (c *Codec) Encode(identities [][]byte, header, parent, metadata, content []byte, buffers [][]byte) [][]byte {
	frames := make([][]byte, 0, len(identities)+6+len(buffers))
	frames = append(frames, identities...)
	frames = append(frames, delimiter, []byte(c.Sign(header, parent, metadata, content)), header, parent, metadata, content)
	return append(frames, buffers...)
}

// A session makes headers for the messages one kernel process sends.
type session struct {
	id       string
	username string
}

// newID returns a random UUID version 4.
func newID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// isoDate formats t as ISO 8601 in UTC with microseconds.
func isoDate(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000000Z07:00")
}

// header returns the JSON header of a new message of type msgType.
func (s *session) header(msgType string) []byte {
	h, _ := json.Marshal(Header{
		MsgID:    newID(),
		Session:  s.id,
		Username: s.username,
		Date:     isoDate(time.Now()),
		MsgType:  msgType,
		Version:  ProtocolVersion,
	})
	return h
}
