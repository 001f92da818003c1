package errfmt

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/gomx-dev/gomx/engine"
)

func TestTerminal(t *testing.T) {
	code := "x := 1\ny := 2\n\tz := x + w\n"
	e := &engine.Error{Kind: engine.CompileError, Name: "CompileError", Value: "undefined: w", Line: 3, Col: 11,
		Traceback: []string{"CompileError: undefined: w", "at cell line 3"}}
	plain := Terminal(e, code, false)
	want := "CompileError: undefined: w\n   3 | \tz := x + w\n     | \t         ^\nat cell line 3\n"
	if plain != want {
		t.Fatalf("got\n%q\nwant\n%q", plain, want)
	}
	colored := Terminal(e, code, true)
	if !strings.Contains(colored, "\x1b[1;31mCompileError") || stripANSI(colored) != plain {
		t.Fatalf("colour version wrong: %q", colored)
	}
}

func TestTerminalShapes(t *testing.T) {
	tests := []struct {
		name string
		e    engine.Error
		cell string
		want string
	}{
		{"no position, no traceback", engine.Error{Name: "panic", Value: "boom"}, "panic(\"boom\")",
			"panic: boom\n"},
		{"the kind when there is no name", engine.Error{Kind: engine.Interrupted, Value: "stopped"}, "",
			"Interrupted: stopped\n"},
		{"a line past the cell's end is not shown", engine.Error{Name: "E", Value: "v", Line: 5, Col: 1}, "x",
			"E: v\n"},
		{"a line without a column gets no caret", engine.Error{Name: "E", Value: "v", Line: 1}, "x := y",
			"E: v\n   1 | x := y\n"},
		{"the caret counts runes", engine.Error{Name: "E", Value: "v", Line: 1, Col: 3}, "µµx",
			"E: v\n   1 | µµx\n     |   ^\n"},
		{"a coloured head in the traceback is not repeated",
			engine.Error{Name: "panic", Value: "boom", Traceback: []string{"\x1b[31mpanic: boom\x1b[0m", "  line 1"}}, "",
			"panic: boom\n  line 1\n"},
		{"a traceback that repeats the message is left out (a dead worker's)",
			engine.Error{Kind: engine.WorkerDied, Name: "WorkerDied", Value: "the worker died\nvariables were lost",
				Traceback: []string{"the worker died", "variables were lost"}}, "",
			"WorkerDied: the worker died\nvariables were lost\n"},
		{"lines ending in a newline get no second one",
			engine.Error{Name: "InternalError", Value: "bug", Traceback: []string{"InternalError: bug", "stack\n"}}, "",
			"InternalError: bug\nstack\n"},
	}
	for _, tc := range tests {
		if got := Terminal(&tc.e, tc.cell, false); got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestJupyter(t *testing.T) {
	const r, d, z = red, dim, reset
	tests := []struct {
		name string
		e    engine.Error
		cell string
		want Content
	}{
		{"the session's frames after the head",
			engine.Error{Kind: engine.RuntimePanic, Name: "panic", Value: "boom", Traceback: []string{"panic: boom", "at line 1"}}, "cell",
			Content{"panic", "boom", []string{r + "panic: boom" + z, "at line 1"}}},
		{"the failing line with a caret under the column",
			engine.Error{Kind: engine.CompileError, Name: "CompileError", Value: "2:5: undefined: y", Line: 2, Col: 5}, "x := 1\nx = y\n",
			Content{"CompileError", "2:5: undefined: y", []string{r + "CompileError: 2:5: undefined: y" + z, d + "   2 |" + z + " x = y", d + "     |" + z + "     " + r + "^" + z}}},
		{"no traceback: name and value",
			engine.Error{Kind: engine.CompileError, Name: "CompileError", Value: "x"}, "cell",
			Content{"CompileError", "x", []string{r + "CompileError: x" + z}}},
		{"the kind names an error without a name",
			engine.Error{Kind: engine.WorkerDied, Value: "gone", Traceback: []string{"gone"}}, "cell",
			Content{"WorkerDied", "gone", []string{r + "WorkerDied: gone" + z}}},
	}
	for _, tc := range tests {
		if got := Jupyter(&tc.e, tc.cell); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: got %q, want %q", tc.name, got, tc.want)
		}
	}
	if got, want := Failed("BadRequest", "malformed"), (Content{"BadRequest", "malformed", []string{r + "BadRequest: malformed" + z}}); !reflect.DeepEqual(got, want) {
		t.Errorf("Failed: %q, want %q", got, want)
	}
}

func TestContentJSON(t *testing.T) {
	c := Jupyter(&engine.Error{Name: "panic", Value: "boom"}, "")
	a, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(c.Map())
	if err != nil {
		t.Fatal(err)
	}
	if string(a) != `{"ename":"panic","evalue":"boom","traceback":["\u001b[1;31mpanic: boom\u001b[0m"]}` || string(a) != string(b) {
		t.Fatalf("struct %s, map %s", a, b)
	}
}
