package repl

import (
	"context"
	"strings"
	"testing"

	"github.com/gomx-dev/gomx/engine"
	"github.com/gomx-dev/gomx/internal/history"
)

// fakeEngine completes identifiers from a fixed list and records calls.
type fakeEngine struct {
	words      []string
	lastCode   string
	lastCursor int
}

func (f *fakeEngine) Execute(context.Context, string, engine.ExecOptions, engine.Output) engine.ExecResult {
	return engine.ExecResult{}
}
func (f *fakeEngine) Inspect(string, int, int) engine.Inspection { return engine.Inspection{} }
func (f *fakeEngine) IsComplete(string) (string, string)         { return "complete", "" }
func (f *fakeEngine) Info() engine.Info                          { return engine.Info{Banner: "fake"} }
func (f *fakeEngine) Interrupt()                                 {}
func (f *fakeEngine) Restart() error                             { return nil }
func (f *fakeEngine) Close() error                               { return nil }
func (f *fakeEngine) Complete(code string, cursor int) engine.Completion {
	f.lastCode, f.lastCursor = code, cursor
	r := []rune(code)[:cursor]
	start := len(r)
	for start > 0 && (r[start-1] == '_' || r[start-1] >= 'A' && r[start-1] <= 'z') {
		start--
	}
	word := string(r[start:])
	var m []string
	for _, w := range f.words {
		if strings.HasPrefix(w, word) {
			m = append(m, w)
		}
	}
	return engine.Completion{Matches: m, CursorStart: start, CursorEnd: cursor}
}

func TestCompleteMapsCursor(t *testing.T) {
	f := &fakeEngine{words: []string{"NewDense", "NewDiagDense", "NewVecDense"}}
	r := &session{ctrl: f}
	head, got, tail := r.complete("a := mat.NewD(1)", 13)
	if head != "a := mat." || tail != "(1)" || strings.Join(got, ",") != "NewDense,NewDiagDense" {
		t.Fatalf("got %q %v %q", head, got, tail)
	}
	// in a multi-line cell the engine sees the whole cell, the editor one line
	r.buf = []string{"func f() {", "\tµ := 1"}
	head, got, tail = r.complete("\tx := NewV", 10)
	if f.lastCode != "func f() {\n\tµ := 1\n\tx := NewV" || f.lastCursor != len([]rune(f.lastCode)) {
		t.Fatalf("engine saw %q at %d", f.lastCode, f.lastCursor)
	}
	if head != "\tx := " || tail != "" || len(got) != 1 || got[0] != "NewVecDense" {
		t.Fatalf("got %q %v %q", head, got, tail)
	}
}

func TestTerminalCommands(t *testing.T) {
	var out strings.Builder
	h := history.New()
	for i, c := range []string{"a := 1", "b := 2", "a + b"} {
		h.Add(i+1, c, "")
	}
	r := &session{o: Options{Stdout: &out}, hist: h}
	if quit, ok := r.command("%history 2"); quit || !ok {
		t.Fatal("the history command was not handled")
	}
	if out.String() != "[2]\nb := 2\n[3]\na + b\n" {
		t.Fatalf("%%history printed %q", out.String())
	}
	out.Reset()
	if _, ok := r.command("%history --2"); !ok || out.String() != "[1]\na := 1\n[2]\nb := 2\n[3]\na + b\n" {
		t.Fatalf("%%history --2 (a bad count: all) printed %q", out.String())
	}
	if quit, ok := r.command("%quit"); !quit || !ok {
		t.Fatal("the quit command does not quit")
	}
	if _, ok := r.command("%timeit 1+1"); ok {
		t.Fatal("an engine magic was taken as a terminal command")
	}
}
