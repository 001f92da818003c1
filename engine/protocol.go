package engine

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/gomx-dev/gomx/display"
)

// The engine protocol runs between the client (front end side) and a
// `gomx worker` over two pipes: file descriptor 3 carries requests from the
// client to the worker, file descriptor 4 replies and output from the worker
// to the client. Each message is a 4-byte big-endian length followed by that
// many bytes of JSON encoding one Msg.

// Message types of the engine protocol.
const (
	// client → worker
	MsgExecute    = "execute"     // Code, Opts; answered by MsgResult after output messages
	MsgComplete   = "complete"    // Code, Cursor; answered by MsgCompletion
	MsgInspect    = "inspect"     // Code, Cursor, Detail; answered by MsgInspection
	MsgIsComplete = "is_complete" // Code; answered by MsgIsCompleteReply
	MsgInterrupt  = "interrupt"   // cancels the cell ID (even one that has not started yet); no answer
	MsgInputReply = "input_reply" // Text, Err: the answer to a MsgInputRequest
	MsgShutdown   = "shutdown"    // the worker exits

	// worker → client
	MsgReady           = "ready"             // the session is up; sent once at start
	MsgStream          = "stream"            // Name ("stdout" or "stderr"), Text
	MsgDisplay         = "display"           // Bundle, DisplayID, Update
	MsgClear           = "clear"             // Wait
	MsgInputRequest    = "input_request"     // Prompt, Password
	MsgStuck           = "stuck"             // the interrupted cell is stuck in compiled code
	MsgResult          = "result"            // Result: the end of a MsgExecute
	MsgCompletion      = "completion"        // Completion
	MsgInspection      = "inspection"        // Inspection
	MsgIsCompleteReply = "is_complete_reply" // Status, Indent
)

// MaxMsgSize bounds the length of one protocol message (a display of a
// large image is the biggest thing sent). A longer length prefix is an
// error, so a corrupt stream cannot make the reader allocate without bound.
const MaxMsgSize = 256 << 20

// Msg is one message of the engine protocol. Type says which fields are
// used; ID pairs a request with its answer.
type Msg struct {
	Type string `json:"t"`
	ID   uint64 `json:"id,omitempty"`

	Code   string       `json:"code,omitempty"`
	Cursor int          `json:"cursor,omitempty"`
	Detail int          `json:"detail,omitempty"`
	Opts   *ExecOptions `json:"opts,omitempty"`

	Name      string          `json:"name,omitempty"`
	Text      string          `json:"text,omitempty"`
	Bundle    *display.Bundle `json:"bundle,omitempty"`
	DisplayID string          `json:"display_id,omitempty"`
	Update    bool            `json:"update,omitempty"`
	Wait      bool            `json:"wait,omitempty"`
	Prompt    string          `json:"prompt,omitempty"`
	Password  bool            `json:"password,omitempty"`
	Err       string          `json:"err,omitempty"`

	Result      *ExecResult `json:"result,omitempty"`
	Completion  *Completion `json:"completion,omitempty"`
	Inspection  *Inspection `json:"inspection,omitempty"`
	Status      string      `json:"status,omitempty"`
	Indent      string      `json:"indent,omitempty"`
	WorkerPID   int         `json:"pid,omitempty"`
	MemoryLimit int64       `json:"memory_limit,omitempty"`
}

// MsgWriter writes protocol messages. It is not safe for concurrent use.
type MsgWriter struct {
	w   io.Writer
	buf []byte
}

// NewMsgWriter returns a MsgWriter writing to w. Each message is one Write
// call, so w needs no buffering.
func NewMsgWriter(w io.Writer) *MsgWriter { return &MsgWriter{w: w} }

// Write encodes and writes m.
func (mw *MsgWriter) Write(m *Msg) error {
	body, err := json.Marshal(m)
	if err != nil {
		return fmt.Errorf("engine protocol: encoding %s: %w", m.Type, err)
	}
	if len(body) > MaxMsgSize {
		return fmt.Errorf("engine protocol: %s message of %d bytes exceeds %d", m.Type, len(body), MaxMsgSize)
	}
	mw.buf = binary.BigEndian.AppendUint32(mw.buf[:0], uint32(len(body)))
	mw.buf = append(mw.buf, body...)
	_, err = mw.w.Write(mw.buf)
	if cap(mw.buf) > 1<<20 {
		mw.buf = nil
	}
	return err
}

// MsgReader reads protocol messages. It is not safe for concurrent use.
type MsgReader struct {
	r   *bufio.Reader
	buf []byte
}

// NewMsgReader returns a MsgReader reading from r.
func NewMsgReader(r io.Reader) *MsgReader {
	return &MsgReader{r: bufio.NewReaderSize(r, 64<<10)}
}

// body reads n bytes. Large bodies grow with the data that arrives, so a
// corrupt length prefix costs no more memory than the bytes really sent.
func (mr *MsgReader) body(n int) ([]byte, error) {
	if n <= 1<<20 {
		if cap(mr.buf) < n {
			mr.buf = make([]byte, n)
		}
		b := mr.buf[:n]
		if _, err := io.ReadFull(mr.r, b); err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return nil, err
		}
		return b, nil
	}
	var big bytes.Buffer
	if m, err := io.CopyN(&big, mr.r, int64(n)); err != nil {
		if err == io.EOF && m < int64(n) {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	return big.Bytes(), nil
}

// ErrMsgTooLarge is returned by MsgReader.Read for a length prefix above
// MaxMsgSize.
var ErrMsgTooLarge = errors.New("engine protocol: message too large")

// Read reads the next message. It returns io.EOF at a clean end of the
// stream and io.ErrUnexpectedEOF when the stream ends inside a message.
func (mr *MsgReader) Read() (*Msg, error) {
	var hdr [4]byte
	if _, err := io.ReadFull(mr.r, hdr[:]); err != nil {
		return nil, err
	}
	n := binary.BigEndian.Uint32(hdr[:])
	if n > MaxMsgSize {
		return nil, ErrMsgTooLarge
	}
	body, err := mr.body(int(n))
	if err != nil {
		return nil, err
	}
	m := new(Msg)
	if err := json.Unmarshal(body, m); err != nil {
		return nil, fmt.Errorf("engine protocol: decoding message: %w", err)
	}
	if m.Type == "" {
		return nil, errors.New("engine protocol: message without a type")
	}
	return m, nil
}
