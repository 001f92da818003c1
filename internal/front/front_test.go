package front

import (
	"fmt"
	"go/token"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gomx-dev/gomx/internal/stdlib"
)

// newFront returns a front end over the preloaded packages' types.
func newFront() *Front {
	fset := token.NewFileSet()
	return New(Config{
		Fset:        fset,
		Importer:    stdlib.NewImporter(fset),
		AutoImports: map[string]string{"fmt": "fmt", "math": "math", "strconv": "strconv"},
		Runtime:     "gomx.dev/rt",
		TagVar:      "$at",
	})
}

func TestItems(t *testing.T) {
	cases := []struct {
		src   string
		kinds string // D for a declaration, S for a statement
	}{
		{"1 + 1", "S"},
		{"x := 1\ny := 2", "SS"},
		{"import \"fmt\"\nfunc f() {}\nx := 1", "DDS"},
		{"func() { println(1) }()", "S"},
		{"func (p P) M() {}", "D"},
		{"func F[T any](x T) T { return x }", "D"},
		{"type T struct{ A int }\nvar v T\nconst c = 1", "DDD"},
		{"package main\nfunc main() {}", "D"},
		{"// doc\nfunc f() {}", "D"},
		{"s := \"é\"; t := 'x'\n/* c */ s", "SSS"},
	}
	for _, c := range cases {
		items, _, err := Items(c.src)
		if err != nil {
			t.Errorf("%q: %v", c.src, err)
			continue
		}
		var b strings.Builder
		for _, it := range items {
			if it.Kind == DeclItem {
				b.WriteByte('D')
			} else {
				b.WriteByte('S')
			}
		}
		if b.String() != c.kinds {
			t.Errorf("%q: items %s, want %s", c.src, b.String(), c.kinds)
		}
	}
	items, _, _ := Items("// doc\nfunc f() {}")
	if items[0].Start != 0 {
		t.Errorf("the doc comment is not part of the item: start %d", items[0].Start)
	}
	// a comment after the code of a line belongs to that line, not to
	// the next item as its doc: the items do not overlap
	src := "a := 1 // x\nb := 2 /* y */\n\t// doc of c\nc := a + b"
	items, _, _ = Items(src)
	var got []string
	for _, it := range items {
		got = append(got, src[it.Start:it.End])
	}
	if want := []string{"a := 1", "b := 2", "// doc of c\nc := a + b"}; !slices.Equal(got, want) {
		t.Errorf("items of %q: %q, want %q", src, got, want)
	}
}

// TestErrorsAtCellPositions: Go's messages, at the line and rune column of
// the cell as typed, whatever the mix of declarations and statements.
func TestErrorsAtCellPositions(t *testing.T) {
	cases := []struct {
		src       string
		line, col int
		msg       string
	}{
		{"n := strconv.Atoi(\"oops\")", 1, 6, "assignment mismatch: 1 variable but strconv.Atoi returns 2 values"},
		{"x := 1\nfunc f() int { if x > 0 { return 1 } }", 2, 38, "missing return"},
		{"é := 1\ny := é + \"s\"", 2, 6, "invalid operation"},
		{"func f() {\n\tv := 3\n}", 2, 2, "declared and not used: v"},
		{"var s strings.Builder\ns.Length()", 2, 3, "s.Length undefined (type strings.Builder has no field or method Length)"},
		{"x := 1 +", 1, 9, "syntax error: unexpected EOF, expected expression"},
	}
	for _, c := range cases {
		f := newFront()
		if strings.Contains(c.src, "strings.") {
			f.cfg.AutoImports["strings"] = "strings"
		}
		_, errs := f.Compile(c.src)
		if len(errs) == 0 {
			t.Errorf("%q: no error", c.src)
			continue
		}
		e := errs[0]
		if e.Line != c.line || e.Col != c.col || !strings.Contains(e.Msg, c.msg) {
			t.Errorf("%q: error %d:%d %q, want %d:%d %q", c.src, e.Line, e.Col, e.Msg, c.line, c.col, c.msg)
		}
	}
}

// TestTopLevelUnusedAllowed: unused variables and imports at the top
// level of a cell are no error (a notebook habit); inside a function they
// are.
func TestTopLevelUnusedAllowed(t *testing.T) {
	f := newFront()
	if _, errs := f.Compile("import \"os\"\nx := 1"); len(errs) > 0 {
		t.Fatalf("errors %v", errs)
	}
}

// FuzzCompile compiles arbitrary cells in a fresh session: the front end
// must not panic nor hang, and its errors must lie inside the cell.
func FuzzCompile(f *testing.F) {
	for _, s := range []string{"1 + 1", "x := 1\nfunc f() int { return x }", "for i := range 3 { println(i) }",
		"type T int\nconst (A T = iota; B)", "defer fmt.Println(1)", "L: for { select {} ; break L }"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		done := make(chan []Error, 1)
		go func() {
			_, errs := newFront().Compile(src)
			done <- errs
		}()
		select {
		case errs := <-done:
			lines := strings.Count(src, "\n") + 1
			for _, e := range errs {
				if e.Line < 0 || e.Line > lines+1 {
					t.Fatalf("%q: error %v outside the cell's %d lines", src, e, lines)
				}
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("compiling %q did not finish in 5 s", src)
		}
	})
}

// cell30 is a 30-line cell: declarations and statements of the kind a
// notebook has.
const cell30 = `type point struct{ X, Y float64 }

func (p point) Norm() float64 { return math.Sqrt(p.X*p.X + p.Y*p.Y) }

func mean(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

pts := []point{{1, 2}, {3, 4}, {5, 6}}
var norms []float64
for i, p := range pts {
	norms = append(norms, p.Norm())
	fmt.Println(i, p)
}
m := mean(norms)
defer fmt.Println("done")
ch := make(chan int, 3)
go func() { ch <- len(pts) }()
n := <-ch
labels := map[string]int{"a": 1, "b": 2}
for k, v := range labels {
	_ = k
	_ = v
}
fmt.Printf("%.3f %d\n", m, n)
m * 2`

// BenchmarkCompile30LineCell50Cells is the front end's time for a 30-line
// cell in a session of 50 earlier cells (each declaring a function, a type
// and variables): parse, type-check against the session, lower.
func BenchmarkCompile30LineCell50Cells(b *testing.B) {
	f := newFront()
	for i := range 50 {
		u, errs := f.Compile(fmt.Sprintf("type t%d struct{ a, b int }\nfunc f%d(x int) int { return x * %d }\nv%d := f%d(%d)\nw%d := t%d{v%d, 1}", i, i, i, i, i, i, i, i, i))
		if len(errs) > 0 {
			b.Fatal(errs)
		}
		u.Commit()
	}
	for b.Loop() {
		if _, errs := f.Compile(cell30); len(errs) > 0 {
			b.Fatal(errs)
		}
	}
}

func TestFormatVerbs(t *testing.T) {
	for _, c := range []struct {
		format string
		verbs  string
		ok     bool
	}{
		{"plain", "", true},
		{"%v %d", "vd", true},
		{"%% %s %5.2f %-8q %+x", "sfqx", true},
		{"%*d %.*v", "*d*v", true},
		{"%#v%T%w%+v %#x", "#Twvx", true},
		{"%[2]d %[1]v", "", false},
		{"ends with %", "", true},
		{"%é", "é", true},
		{"%8T|%-8T|%#v", "TT#", true},
	} {
		verbs, ok := formatVerbs(c.format)
		if ok != c.ok || ok && string(verbs) != c.verbs {
			t.Errorf("formatVerbs(%q) = %q, %v; want %q, %v", c.format, string(verbs), ok, c.verbs, c.ok)
		}
		_, offs, _ := formatVerbOffsets(c.format)
		for i, off := range offs {
			want := verbs[i]
			if want == '#' {
				want = 'v'
			}
			if (off < 0) != (want == '*') || off >= 0 && !strings.HasPrefix(c.format[off:], string(want)) {
				t.Errorf("formatVerbOffsets(%q): verb %d %q at offset %d", c.format, i, verbs[i], off)
			}
		}
	}
}

// TestSyntaxErrorsInGcWords: syntax errors read as go build (Go 1.26)
// reports them for the same statements in a func main; each want is the
// compiler's message, recorded by building the statement in a program.
func TestSyntaxErrorsInGcWords(t *testing.T) {
	for _, c := range []struct {
		src       string
		line, col int
		want      string
	}{
		{"fmt.Println(\"a\"\n", 1, 16, "syntax error: unexpected newline in argument list; possibly missing comma or )"},
		{"fmt.Println(\"a\" 1)", 1, 17, "syntax error: unexpected literal 1 in argument list; possibly missing comma or )"},
		{"fmt.Println(\"a\"))", 1, 17, "syntax error: unexpected ) at end of statement"},
		{"xs := []int{1 2}", 1, 15, "syntax error: unexpected literal 2 in composite literal; possibly missing comma or }"},
		{"xs := []int{\n1,\n2\n}", 3, 2, "syntax error: unexpected newline in composite literal; possibly missing comma or }"},
		{"x := 1 y := 2", 1, 8, "syntax error: unexpected name y at end of statement"},
		{"x = := 2", 1, 5, "syntax error: unexpected :=, expected expression"},
		{"var x\n", 1, 6, "syntax error: unexpected newline, expected type"},
		{"func := 3", 1, 6, "syntax error: unexpected :=, expected ("},
		{"for (i := 0; i < 3; i++) {\n}", 1, 8, "syntax error: unexpected :=, expected )"},
		{"x := 1 @ 2", 1, 8, "invalid character U+0040 '@'"},
		{"if true {\n}\nelse {\n}", 3, 1, "syntax error: unexpected keyword else, expected }"},
	} {
		f := newFront()
		f.cfg.AutoImports["fmt"] = "fmt"
		_, errs := f.Compile(c.src)
		if len(errs) != 1 {
			t.Errorf("%q: errors %v, want one", c.src, errs)
			continue
		}
		if e := errs[0]; e.Line != c.line || e.Col != c.col || e.Msg != c.want {
			t.Errorf("%q: %d:%d %q\n\twant %d:%d %q", c.src, e.Line, e.Col, e.Msg, c.line, c.col, c.want)
		}
	}
}

// TestGenericOfCompiledPackage: the generic symbols of a package compiled
// into gomx other than the standard library's (gomx build --with) are not
// in its table, and the front end says so rather than looking for the
// package in GOROOT.
func TestGenericOfCompiledPackage(t *testing.T) {
	f := New(Config{Fset: token.NewFileSet()})
	_, err := f.source("example.com/gen")
	if err == nil || !strings.Contains(err.Error(), "compiled package example.com/gen are not in its table") || strings.Contains(err.Error(), "GOROOT") {
		t.Fatalf("error %v", err)
	}
}
