package history

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

func inputs(es []Entry) []string {
	r := []string{}
	for _, e := range es {
		r = append(r, e.Input)
	}
	return r
}

func TestQueries(t *testing.T) {
	h := New()
	for i, code := range []string{"1+2+3", "x := 1", "1+2+3", "fmt.Println(x)", "1*2"} {
		h.Add(i+1, code, "")
	}
	tests := []struct {
		name string
		got  []Entry
		want []string
	}{
		{"tail 2", h.Tail(2), []string{"fmt.Println(x)", "1*2"}},
		{"tail 0", h.Tail(0), []string{}},
		{"tail all", h.Tail(-1), []string{"1+2+3", "x := 1", "1+2+3", "fmt.Println(x)", "1*2"}},
		{"range", h.Range(1, 2, 4), []string{"x := 1", "1+2+3"}},
		{"range to the end", h.Range(0, 4, 0), []string{"fmt.Println(x)", "1*2"}},
		{"range of the session before", h.Range(-1, 1, 0), []string{}},
		{"search", h.Search("1?2*", 0, false), []string{"1+2+3", "1+2+3", "1*2"}},
		{"search unique keeps the last", h.Search("1+2*", 0, true), []string{"1+2+3"}},
		{"search n", h.Search("", 2, false), []string{"fmt.Println(x)", "1*2"}},
		{"search is anchored", h.Search("Println", 0, false), []string{}},
	}
	for _, tc := range tests {
		if got := inputs(tc.got); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
	if got := h.Search("1+2*", 0, true); got[0].Line != 3 || got[0].Session != 1 {
		t.Errorf("unique search: %+v", got)
	}
}

func TestGlobMatch(t *testing.T) {
	tests := []struct {
		pattern, s string
		want       bool
	}{
		{"1?2*", "1+2+3", true},
		{"a/*", "a/b/c", true},
		{"*", "multi\nline", true},
		{"a?c", "a/c", true},
		{"abc", "abcd", false},
		{"[ab]x", "bx", true},
	}
	for _, tc := range tests {
		if got := globMatch(tc.pattern, tc.s); got != tc.want {
			t.Errorf("globMatch(%q, %q) = %v", tc.pattern, tc.s, got)
		}
	}
}

func TestFileAcrossSessions(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gomx", "history")
	h, err := Open(path)
	if err != nil || h.Session() != 1 || len(h.Tail(-1)) != 0 {
		t.Fatalf("a new file: %v, session %d, %v", err, h.Session(), h.Tail(-1))
	}
	h.Add(1, "x := 1", "")
	h.Add(2, "func f() {\n\treturn\n}", "")
	h.Add(3, "x", "1")

	h2, err := Open(path)
	if err != nil || h2.Session() != 2 {
		t.Fatalf("second session: %v, session %d", err, h2.Session())
	}
	want := []Entry{{1, 1, "x := 1", ""}, {1, 2, "func f() {\n\treturn\n}", ""}, {1, 3, "x", ""}}
	if got := h2.Tail(-1); !reflect.DeepEqual(got, want) {
		t.Fatalf("read back %+v, want %+v", got, want)
	}
	h2.Add(1, "y := 2", "")
	if got := inputs(h2.Range(0, 1, 0)); !reflect.DeepEqual(got, []string{"y := 2"}) {
		t.Errorf("the current session: %q", got)
	}
	if got := inputs(h2.Range(-1, 2, 0)); !reflect.DeepEqual(got, []string{"func f() {\n\treturn\n}", "x"}) {
		t.Errorf("the session before: %q", got)
	}
	if h3, _ := Open(path); h3.Session() != 3 || len(h3.Tail(-1)) != 4 {
		t.Errorf("third session %d with %d entries", h3.Session(), len(h3.Tail(-1)))
	}
}

func TestFileOfTypedLines(t *testing.T) {
	// The REPL used to keep one typed line a line of the file.
	path := filepath.Join(t.TempDir(), "history")
	if err := os.WriteFile(path, []byte("x := 1\n\nfunc f() {\n}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	h, err := Open(path)
	if err != nil || h.Session() != 1 {
		t.Fatal(err, h.Session())
	}
	if got := inputs(h.Tail(-1)); !reflect.DeepEqual(got, []string{"x := 1", "func f() {", "}"}) {
		t.Fatalf("got %q", got)
	}
	h.Add(1, "y := 2", "")
	if h2, _ := Open(path); !reflect.DeepEqual(inputs(h2.Tail(-1)), []string{"x := 1", "func f() {", "}", "y := 2"}) || h2.Session() != 2 {
		t.Fatalf("after conversion: %q, session %d", inputs(h2.Tail(-1)), h2.Session())
	}
}

func TestFileKeepsTheLastEntries(t *testing.T) {
	path := filepath.Join(t.TempDir(), "history")
	var b strings.Builder
	for i := 0; i < Limit+10; i++ {
		b.WriteString("line\n")
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	h, err := Open(path)
	if err != nil || len(h.Tail(-1)) != Limit {
		t.Fatalf("%v: %d entries", err, len(h.Tail(-1)))
	}
	data, err := os.ReadFile(path)
	if err != nil || strings.Count(string(data), "\n") != Limit {
		t.Fatalf("the file has %d lines: %v", strings.Count(string(data), "\n"), err)
	}
}

func TestUnwritableFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "history")
	if err := os.Mkdir(path, 0o700); err != nil { // a folder where the file should be
		t.Fatal(err)
	}
	h, err := Open(path)
	if err == nil {
		t.Fatal("reading a folder gave no error")
	}
	h.Add(1, "x := 1", "")
	if got := inputs(h.Tail(-1)); !reflect.DeepEqual(got, []string{"x := 1"}) {
		t.Fatalf("in memory: %q", got)
	}
}

// TestBoundedPerCell: a huge cell or output is kept cut, with a note; the
// text kept is a prefix of the cell's, cut at a line end or a rune.
func TestBoundedPerCell(t *testing.T) {
	h := &History{session: 1}
	big := strings.Repeat("xs = append(xs, 1) // é\n", 10000)
	out := strings.Repeat("é", MaxOutput) // two bytes a rune
	h.Add(1, big, out)
	h.Add(2, "1+1", "2")
	e := h.Tail(-1)
	in, note, _ := strings.Cut(e[0].Input, "…")
	if len(e[0].Input) > MaxInput+100 || !strings.HasPrefix(big, in) || !strings.HasSuffix(in, "\n") || !strings.Contains(note, "more bytes not kept") {
		t.Errorf("input kept: %d bytes, ends %q", len(e[0].Input), e[0].Input[len(e[0].Input)-60:])
	}
	o, _, _ := strings.Cut(e[0].Output, "…")
	if len(o) > MaxOutput || !utf8.ValidString(o) || !strings.HasPrefix(out, o) {
		t.Errorf("output kept: %d bytes, valid %v", len(o), utf8.ValidString(o))
	}
	if e[1].Input != "1+1" || e[1].Output != "2" {
		t.Errorf("small cell: %+v", e[1])
	}
}
