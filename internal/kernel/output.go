package kernel

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/gomx-dev/gomx/display"
	"github.com/gomx-dev/gomx/engine"
)

var _ engine.Starter = (*cellOutput)(nil)

// maxStreamBatch is the size at which buffered stream text is sent
// without waiting for the flush timer.
const maxStreamBatch = 64 << 10

// cellOutput is the engine.Output of one execute_request: it batches
// stream text, publishes displays on iopub and bridges input requests
// to the stdin channel. Buffered text is always sent before any other
// output, so the order the cell made is kept.
type cellOutput struct {
	k           *Kernel
	parent      *Message
	silent      bool
	allowStdin  bool
	interrupted <-chan struct{}
	// announce publishes execute_input; nil for a silent cell. Started
	// calls it once, at the latest before the cell's first output.
	announce  func()
	announced sync.Once

	mu      sync.Mutex
	name    string // stream of the buffered text
	buf     []byte
	timer   *time.Timer
	pending bool // the timer is armed
}

func newCellOutput(k *Kernel, parent *Message, silent, allowStdin bool) *cellOutput {
	o := &cellOutput{k: k, parent: parent, silent: silent, allowStdin: allowStdin}
	o.timer = time.AfterFunc(time.Hour, func() { o.flush(false) })
	o.timer.Stop()
	return o
}

// Started publishes execute_input, once: when the engine has the cell
// (engine.Starter), or before it when the engine does not report that,
// and at the latest before the cell's first output or its end.
func (o *cellOutput) Started() {
	if o.announce != nil {
		o.announced.Do(o.announce)
	}
}

// Stream buffers text for stdout or stderr.
func (o *cellOutput) Stream(name, text string) {
	if o.silent || text == "" {
		return
	}
	o.Started()
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.name != name && len(o.buf) > 0 {
		o.flushLocked(true)
	}
	o.name = name
	o.buf = append(o.buf, text...)
	if len(o.buf) >= maxStreamBatch {
		o.flushLocked(false)
		return
	}
	if !o.pending {
		o.pending = true
		o.timer.Reset(o.k.flushIv)
	}
}

// flush sends buffered text; unless final, an incomplete UTF-8 sequence
// at the end is kept for the next write.
func (o *cellOutput) flush(final bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.flushLocked(final)
}

func (o *cellOutput) flushLocked(final bool) {
	o.pending = false
	o.timer.Stop()
	n := len(o.buf)
	if !final {
		n = completeUTF8(o.buf)
	}
	if n == 0 {
		return
	}
	text := string(o.buf[:n])
	o.buf = append(o.buf[:0], o.buf[n:]...)
	o.k.publish(o.parent, "stream", map[string]string{"name": o.name, "text": text})
}

// completeUTF8 returns the length of the longest prefix of b that does
// not end in the middle of a UTF-8 sequence.
func completeUTF8(b []byte) int {
	for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax; i-- {
		if utf8.RuneStart(b[i]) {
			if utf8.FullRune(b[i:]) {
				return len(b)
			}
			return i
		}
	}
	return len(b)
}

// close sends what is left; called before the reply.
func (o *cellOutput) close() { o.flush(true) }

// Display publishes display_data, or update_display_data when update is
// set and displayID names an earlier display.
func (o *cellOutput) Display(b display.Bundle, displayID string, update bool) {
	if o.silent {
		return
	}
	o.Started()
	o.mu.Lock()
	defer o.mu.Unlock()
	o.flushLocked(true)
	c := map[string]any{"data": mimeData(b), "metadata": mimeMetadata(b), "transient": map[string]any{}}
	msgType := "display_data"
	if displayID != "" {
		c["transient"] = map[string]any{"display_id": displayID}
		if update {
			msgType = "update_display_data"
		}
	}
	o.k.publish(o.parent, msgType, c)
}

// Clear publishes clear_output.
func (o *cellOutput) Clear(wait bool) {
	if o.silent {
		return
	}
	o.Started()
	o.mu.Lock()
	defer o.mu.Unlock()
	o.flushLocked(true)
	o.k.publish(o.parent, "clear_output", map[string]bool{"wait": wait})
}

// errInterrupted is returned by Input when the cell is interrupted while
// waiting for the user.
var errInterrupted = errors.New("interrupted while waiting for input")

// Input asks the front end for a line on the stdin channel and waits for
// the answer, an interrupt or shutdown. Without a prompt of the engine's,
// the unterminated last line of the cell's buffered stdout (fmt.Print("Name: ")
// before fmt.Scanln) is the prompt, as IPython's input(prompt) shows it;
// the output before it is on iopub before the input_request goes out.
func (o *cellOutput) Input(prompt string, password bool) (string, error) {
	o.Started()
	o.mu.Lock()
	if o.allowStdin && prompt == "" && o.name == "stdout" && len(o.buf) > 0 && o.buf[len(o.buf)-1] != '\n' {
		i := bytes.LastIndexByte(o.buf, '\n') + 1
		prompt = string(o.buf[i:])
		o.buf = o.buf[:i]
	}
	o.flushLocked(true)
	o.mu.Unlock()
	if !o.allowStdin {
		return "", errNoStdin
	}
	k := o.k
	for drained := false; !drained; {
		select {
		case m := <-k.stdinQ:
			k.log.Printf("stdin: dropped a stale %s", m.Header.MsgType)
		default:
			drained = true
		}
	}
	k.senders[IOPub].wait()
	k.send(Stdin, o.parent.Identities, o.parent, "input_request", map[string]any{"prompt": prompt, "password": password}, nil)
	for {
		select {
		case m := <-k.stdinQ:
			if m.Header.MsgType != "input_reply" {
				k.log.Printf("stdin: ignored %s", m.Header.MsgType)
				continue
			}
			var r struct {
				Value string `json:"value"`
			}
			if err := json.Unmarshal(m.Content, &r); err != nil {
				return "", errors.New("malformed input_reply: " + err.Error())
			}
			if r.Value == "\x04" {
				return "", io.EOF
			}
			return strings.TrimSuffix(r.Value, "\n"), nil
		case <-o.interrupted:
			return "", errInterrupted
		case <-k.stopped:
			return "", errInterrupted
		}
	}
}
