package workertest

import (
	"errors"
	"sort"
	"strings"
	"sync"

	"github.com/gomx-dev/gomx/display"
	"github.com/gomx-dev/gomx/engine"
)

// Recorder is the engine.Output of tests: it records what a cell sends,
// in order, merging consecutive stream chunks of one name (how text is cut
// is not specified), and answers Input from Answers. Events gives the
// calls as they were made; Got gives them as strings: "stdout:…",
// "stderr:…", "display:…", "clear" and "input:…".
//
// It depends only on engine and display, so any package's tests may use
// it (the session's included) without linking the interpreter.
type Recorder struct {
	// MIMEs puts the sorted MIME types of each display in its Got string:
	// "display:text/html,text/plain:hi" instead of "display:hi".
	MIMEs bool
	// Answers are the replies to Input, in order; Input fails when none
	// is left.
	Answers []string

	mu     sync.Mutex
	events []Event
}

// Event is one call a cell made on a Recorder.
type Event struct {
	Kind   string         // the stream's name ("stdout", "stderr"), "display", "update", "clear" or "input"
	Text   string         // a stream's text, a display's text/plain, an input's prompt
	ID     string         // a display's id
	Bundle display.Bundle // a display's bundle
}

// Stream records text of the stream name.
func (r *Recorder) Stream(name, text string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if n := len(r.events); n > 0 && r.events[n-1].Kind == name {
		r.events[n-1].Text += text
		return
	}
	r.events = append(r.events, Event{Kind: name, Text: text})
}

// Display records a display, or with update an update of the display id.
func (r *Recorder) Display(b display.Bundle, id string, update bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	kind := "display"
	if update {
		kind = "update"
	}
	r.events = append(r.events, Event{Kind: kind, Text: b.Text(), ID: id, Bundle: b})
}

// Clear records a clear.
func (r *Recorder) Clear(bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, Event{Kind: "clear"})
}

// Input records the prompt and returns the next answer.
func (r *Recorder) Input(prompt string, password bool) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, Event{Kind: "input", Text: prompt})
	if len(r.Answers) == 0 {
		return "", errors.New("no answer")
	}
	a := r.Answers[0]
	r.Answers = r.Answers[1:]
	return a, nil
}

// Events returns the calls so far.
func (r *Recorder) Events() []Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Event(nil), r.events...)
}

// Reset forgets the calls so far.
func (r *Recorder) Reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = r.events[:0]
}

// Text returns the text of the events of one kind, joined: all that was
// written to stdout for "stdout".
func (r *Recorder) Text(kind string) string {
	var b strings.Builder
	for _, e := range r.Events() {
		if e.Kind == kind {
			b.WriteString(e.Text)
		}
	}
	return b.String()
}

// Got returns the events so far as strings. An update is a "display:"
// too: the tests that compare strings check what was shown, in order.
func (r *Recorder) Got() []string {
	var got []string
	for _, e := range r.Events() {
		switch e.Kind {
		case "clear":
			got = append(got, "clear")
		case "display", "update":
			if !r.MIMEs {
				got = append(got, "display:"+e.Text)
				continue
			}
			var mimes []string
			for k := range e.Bundle.Data {
				mimes = append(mimes, k)
			}
			sort.Strings(mimes)
			got = append(got, "display:"+strings.Join(mimes, ",")+":"+e.Text)
		default:
			got = append(got, e.Kind+":"+e.Text)
		}
	}
	return got
}

// All returns the events so far as strings joined into one.
func (r *Recorder) All() string { return strings.Join(r.Got(), "") }

// Value returns the text of a cell's value, or "".
func Value(res engine.ExecResult) string {
	if res.Value == nil {
		return ""
	}
	return res.Value.Text()
}

// Kind returns the kind of a cell's error, or "".
func Kind(res engine.ExecResult) engine.ErrorKind {
	if res.Error == nil {
		return ""
	}
	return res.Error.Kind
}
