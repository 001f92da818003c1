package workertest

import (
	"errors"
	"sort"
	"strings"
	"sync"

	"github.com/gomx-dev/gomx/display"
	"github.com/gomx-dev/gomx/engine"
)

// Recorder is an engine.Output for tests: it records what a cell sends as
// "stdout:…", "stderr:…", "display:…", "clear" and "input:…" events,
// merging consecutive stream chunks of one name (how text is cut is not
// specified), and answers Input from Answers.
type Recorder struct {
	// MIMEs puts the sorted MIME types of each display in its event:
	// "display:text/html,text/plain:hi" instead of "display:hi".
	MIMEs   bool
	Answers []string

	mu     sync.Mutex
	events []string
}

// Stream records text of the stream name.
func (r *Recorder) Stream(name, text string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if n := len(r.events); n > 0 && strings.HasPrefix(r.events[n-1], name+":") {
		r.events[n-1] += text
		return
	}
	r.events = append(r.events, name+":"+text)
}

// Display records b's text (and MIME types with MIMEs).
func (r *Recorder) Display(b display.Bundle, id string, update bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.MIMEs {
		r.events = append(r.events, "display:"+b.Text())
		return
	}
	var mimes []string
	for k := range b.Data {
		mimes = append(mimes, k)
	}
	sort.Strings(mimes)
	r.events = append(r.events, "display:"+strings.Join(mimes, ",")+":"+b.Text())
}

// Clear records a clear.
func (r *Recorder) Clear(bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, "clear")
}

// Input records the prompt and returns the next answer.
func (r *Recorder) Input(prompt string, password bool) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, "input:"+prompt)
	if len(r.Answers) == 0 {
		return "", errors.New("no answer")
	}
	a := r.Answers[0]
	r.Answers = r.Answers[1:]
	return a, nil
}

// Got returns the events so far.
func (r *Recorder) Got() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.events...)
}

// All returns the events so far joined into one string.
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
