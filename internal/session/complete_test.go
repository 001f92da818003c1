package session

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/gomx-dev/gomx/engine"
)

func TestComplete(t *testing.T) {
	s := newSession(t)
	for _, c := range []string{
		"// Scale multiplies x by k.\nfunc Scale(x, k float64) float64 { return x * k }",
		"type Point struct{ X, Y float64 }\nfunc (p Point) Norm1() float64 { return p.X + p.Y }\nfunc (p *Point) Scale(k float64) { p.X *= k; p.Y *= k }",
		"total := 10\nsb := &strings.Builder{}\nsb.WriteString(\"a\")",
		"pt := Point{1, 2}",
		"import (\n\t\"sync/atomic\"\n\t\"unique\"\n\t\"weak\"\n)",
	} {
		if res, _ := exec(t, s, c); res.Error != nil {
			t.Fatalf("%q: %v", c, res.Error)
		}
	}
	cases := []struct {
		code       string
		cursor     int // -1: end of code
		want       []string
		wantType   string // the type of want[0]
		notWant    []string
		start, end int // expected CursorStart/End; -1: not checked
	}{
		{code: "tot", cursor: -1, want: []string{"total"}, wantType: "variable", start: 0, end: 3},
		{code: "Sca", cursor: -1, want: []string{"Scale"}, wantType: "function", start: 0, end: 3},
		{code: "Poi", cursor: -1, want: []string{"Point"}, wantType: "type", start: 0, end: 3},
		{code: "x := ret", cursor: -1, want: []string{"return"}, wantType: "keyword", start: 5, end: 8},
		{code: "str", cursor: -1, want: []string{"strings", "strconv"}, wantType: "package"},
		{code: "strings.Rep", cursor: -1, want: []string{"Repeat", "ReplaceAll"}, wantType: "function", start: 8, end: 11},
		{code: "sb.Wr", cursor: -1, want: []string{"WriteString", "WriteByte"}, wantType: "method", start: 3, end: 5},
		{code: "sb.", cursor: -1, want: []string{"Len", "String", "Reset"}, wantType: "method", start: 3, end: 3},
		{code: "pt.", cursor: -1, want: []string{"X", "Y"}, wantType: "field"},
		{code: "pt.No", cursor: -1, want: []string{"Norm1"}, wantType: "method", start: 3, end: 5},
		{code: "pt.S", cursor: -1, want: []string{"Scale"}, wantType: "method"},
		{code: "%ti", cursor: -1, want: []string{"%time", "%timeit"}, wantType: "magic", start: 0, end: 3},
		{code: "é := tot", cursor: -1, want: []string{"total"}, start: 5, end: 8},
		{code: "tot + 1", cursor: 3, want: []string{"total"}, start: 0, end: 3},
		{code: "__gom", cursor: -1, notWant: []string{"__gomxMin", "__gomxRich"}},
		// generic functions and types of the standard library, which the
		// tables lack, except those a cell cannot use (uncallable.txt)
		{code: "slices.So", cursor: -1, want: []string{"Sort", "SortFunc", "Sorted"}, wantType: "function"},
		{code: "unique.", cursor: -1, want: []string{"Make", "Handle"}, wantType: "function"},
		{code: "atomic.Po", cursor: -1, want: []string{"Pointer"}, wantType: "type"},
		{code: "weak.", cursor: -1, notWant: []string{"Make", "Pointer"}},
	}
	for _, c := range cases {
		cursor := c.cursor
		if cursor < 0 {
			cursor = len([]rune(c.code))
		}
		got := s.Complete(c.code, cursor)
		for i, w := range c.want {
			k := slices.Index(got.Matches, w)
			if k < 0 {
				t.Errorf("Complete(%q): %q missing from %v", c.code, w, got.Matches)
				continue
			}
			if i == 0 && c.wantType != "" && got.Types[k] != c.wantType {
				t.Errorf("Complete(%q): %q has type %q, want %q", c.code, w, got.Types[k], c.wantType)
			}
		}
		for _, nw := range c.notWant {
			if slices.Contains(got.Matches, nw) {
				t.Errorf("Complete(%q) offers %q", c.code, nw)
			}
		}
		if len(c.want) > 0 && (c.start >= 0 && got.CursorStart != c.start || c.end > 0 && got.CursorEnd != c.end) {
			if c.start != 0 || c.end != 0 {
				t.Errorf("Complete(%q): cursor %d..%d, want %d..%d", c.code, got.CursorStart, got.CursorEnd, c.start, c.end)
			}
		}
		if len(got.Types) != len(got.Matches) {
			t.Errorf("Complete(%q): %d types for %d matches", c.code, len(got.Types), len(got.Matches))
		}
	}
}

func TestInspect(t *testing.T) {
	s := newSession(t)
	exec(t, s, "// Scale multiplies x by k.\nfunc Scale(x, k float64) float64 { return x * k }\ncount := 3")
	cases := []struct {
		code   string
		cursor int
		has    []string
	}{
		{code: "fmt.Println", cursor: 6, has: []string{"Println"}},
		{code: "x := fmt.Println(1)", cursor: 10, has: []string{"Println"}},
		{code: "Scale(1, 2)", cursor: 2, has: []string{"func Scale(x, k float64) float64", "Scale multiplies x by k."}},
		{code: "count", cursor: 5, has: []string{"count", "int"}},
		{code: "math", cursor: 2, has: []string{"package math"}},
		{code: "math.Pi", cursor: 6, has: []string{"Pi"}},
	}
	for _, c := range cases {
		got := s.Inspect(c.code, c.cursor, 0)
		if !got.Found {
			t.Errorf("Inspect(%q, %d): not found", c.code, c.cursor)
			continue
		}
		for _, h := range c.has {
			if !strings.Contains(got.Data.Text(), h) {
				t.Errorf("Inspect(%q, %d) = %q, missing %q", c.code, c.cursor, got.Data.Text(), h)
			}
		}
	}
	// a generic symbol a cell cannot use: the reason, not its documentation
	for key, reason := range uncallable {
		path, name, _ := strings.Cut(key, ".")
		if i := strings.LastIndexByte(key[:len(path)], '/'); i >= 0 {
			path, name, _ = strings.Cut(key[i+1:], ".")
		}
		exec(t, s, "import \""+key[:strings.LastIndexByte(key, '.')]+"\"")
		code := path + "." + name
		got := s.Inspect(code, len(code), 0)
		if want := path + "." + name + " cannot be used in gomx: " + reason; got.Data.Text() != want {
			t.Errorf("Inspect(%q) = %q, want %q", code, got.Data.Text(), want)
		}
	}
	if got := s.Inspect("nosuchname", 3, 0); got.Found {
		t.Errorf("Inspect of an unknown name found %q", got.Data.Text())
	}
	// name? and ?name give the same text as pager
	for _, code := range []string{"Scale?", "?Scale", "fmt.Println?"} {
		res, _ := exec(t, s, code)
		if res.Error != nil || res.Pager == "" || res.Value != nil {
			t.Errorf("%q: %+v", code, res)
		}
	}
}

func TestIsComplete(t *testing.T) {
	s := newSession(t)
	cases := []struct{ code, status, indent string }{
		{"x := 1", "complete", ""},
		{"func f() {", "incomplete", "\t"},
		{"func f() {\n\tif true {", "incomplete", "\t\t"},
		{"xs := []int{\n1,", "incomplete", "\t"},
		{"s := `raw", "incomplete", ""},
		{"x := 1 +", "incomplete", ""},
		{"func f() {}\nf()", "complete", ""},
		{"x := )", "invalid", ""},
		{"}", "invalid", ""},
		{"x := 1 2", "invalid", ""},
		{"%timeit 1+1", "complete", ""},
		{"fmt.Println?", "complete", ""},
		{"", "complete", ""},
	}
	for _, c := range cases {
		st, ind := s.IsComplete(c.code)
		if st != c.status || ind != c.indent {
			t.Errorf("IsComplete(%q) = %q, %q; want %q, %q", c.code, st, ind, c.status, c.indent)
		}
	}
}

func TestMagics(t *testing.T) {
	s := newSession(t)
	res, r := exec(t, s, "%timeit 1+1")
	if res.Error != nil {
		t.Fatal(res.Error)
	}
	re := regexp.MustCompile(`^[0-9.]+ (ns|µs|ms|s) ± [0-9.]+ (ns|µs|ms|s) per loop \(mean ± std\. dev\. of 5 runs, ([0-9]+) loops each\)\n$`)
	if m := re.FindStringSubmatch(r.Text("stdout")); m == nil {
		t.Fatalf("%%timeit output %q", r.Text("stdout"))
	}

	// no name of the session's: a user's __gomxTimeit is left alone; a
	// call without a value is timed; an error is the expression's
	s2 := newSession(t)
	exec(t, s2, "__gomxTimeit := 5\ncalls := 0\nfunc tick() { calls++ }")
	if res, r := exec(t, s2, "%timeit tick()"); res.Error != nil || !re.MatchString(r.Text("stdout")) {
		t.Fatalf("%%timeit tick(): %+v %q", res.Error, r.Text("stdout"))
	}
	if res, _ := exec(t, s2, "__gomxTimeit + min(calls, 1)"); res.Error != nil || res.Value.Text() != "6" {
		t.Fatalf("after %%timeit: %+v", res)
	}
	if res, _ := exec(t, s2, "%timeit nosuch(1)"); res.Error == nil || !strings.Contains(res.Error.Value, "undefined: nosuch") {
		t.Fatalf("%%timeit nosuch(1): %+v", res.Error)
	}

	res, r = exec(t, s, "%time x := 6 * 7")
	if res.Error != nil || !strings.HasPrefix(r.Text("stdout"), "Wall time: ") {
		t.Fatalf("%%time: %+v %q", res, r.Text("stdout"))
	}
	// a statement that does not compile: its error where it stands in the
	// cell, and no time (it did not run)
	res, r = exec(t, s, "%time y := := 1")
	if e := res.Error; e == nil || e.Kind != engine.CompileError || e.Line != 1 || e.Col != 12 || r.Text("stdout") != "" {
		t.Fatalf("%%time of a syntax error: %+v, stdout %q", res.Error, r.Text("stdout"))
	}
	exec(t, s, "func hello() string { return \"hi\" }\ntype T struct{}")
	res, r = exec(t, s, "%who")
	for _, w := range []string{"x int", "hello", "T"} {
		if !strings.Contains(r.Text("stdout"), w) {
			t.Errorf("%%who output %q lacks %q", r.Text("stdout"), w)
		}
	}
	if strings.Contains(r.Text("stdout"), "$") {
		t.Errorf("%%who shows internals: %q", r.Text("stdout"))
	}

	dir := t.TempDir()
	file := filepath.Join(dir, "cells.go")
	res, _ = exec(t, s, "%save "+file)
	if res.Error != nil {
		t.Fatal(res.Error)
	}
	saved, err := os.ReadFile(file)
	if err != nil || !strings.Contains(string(saved), "x := 6 * 7") || !strings.Contains(string(saved), "func hello()") {
		t.Fatalf("saved %q, %v", saved, err)
	}

	res, _ = exec(t, s, "%reset")
	if res.Error != nil {
		t.Fatal(res.Error)
	}
	res, _ = exec(t, s, "x")
	if res.Error == nil || res.Error.Kind != engine.CompileError {
		t.Fatalf("x after %%reset: %+v", res)
	}

	res, _ = exec(t, s, "%load "+file)
	if res.Error != nil {
		t.Fatal(res.Error)
	}
	res, _ = exec(t, s, "hello() + fmt.Sprint(x)")
	if res.Error != nil || res.Value.Text() != `"hi42"` {
		t.Fatalf("after %%load: %+v", res)
	}
	prog := filepath.Join(dir, "prog.go")
	os.WriteFile(prog, []byte("package main\n\nimport \"fmt\"\n\nfunc twice(n int) int { return 2 * n }\n\nfunc main() { fmt.Println(twice(4)) }\n"), 0o644)
	res, _ = exec(t, s, "%load "+prog)
	if res.Error != nil {
		t.Fatal(res.Error)
	}
	res, _ = exec(t, s, "twice(5)")
	if res.Error != nil || res.Value.Text() != "10" {
		t.Fatalf("after %%load of a program: %+v", res)
	}

	res, _ = exec(t, s, "%help")
	if res.Error != nil || !strings.Contains(res.Pager, "%timeit") {
		t.Fatalf("%%help: %+v", res)
	}
	res, _ = exec(t, s, "%nosuch")
	if res.Error == nil {
		t.Fatal("unknown magic accepted")
	}
	info := s.Info()
	if info.Implementation != "gomx" || info.LanguageVersion == "" || len(info.HelpLinks) == 0 || info.Banner == "" {
		t.Fatalf("Info: %+v", info)
	}
}

// TestMembersAndTypesAsDeclared: completion after "x." offers what a cell
// may use (exported members of a package's types, all members of the
// session's own, promoted fields too); %who and inspect name types as
// declared; Shift-Tab inside a call shows the called function.
func TestMembersAndTypesAsDeclared(t *testing.T) {
	s := newSession(t)
	exec(t, s, "a := mat.NewDense(2, 2, nil)\ntype Point struct{ X, Y float64 }\ntype inner struct {\n\tsecret int\n\tOpen   int\n}\ntype outer struct {\n\tinner\n\tName string\n}\np := Point{1, 2}\npp := &p\no := outer{}")
	members := func(code string) []string { return s.Complete(code, len([]rune(code))).Matches }
	am := members("a.")
	if !slices.Contains(am, "Mul") || slices.ContainsFunc(am, func(m string) bool { return unicode.IsLower([]rune(m)[0]) }) {
		t.Errorf("a. offers %v: want exported members only", am)
	}
	if om := members("o."); !slices.Equal(om, []string{"Name", "Open", "inner", "secret"}) {
		t.Errorf("o. offers %v", om)
	}
	_, r := exec(t, s, "%who")
	if who := r.Text("stdout"); !strings.Contains(who, "p Point,") || !strings.Contains(who, "pp *Point") || !strings.Contains(who, "a *mat.Dense") {
		t.Errorf("%%who: %q", who)
	}
	if in := s.Inspect("pp", 2, 0); !in.Found || in.Data.Data["text/plain"] != "var pp *Point" {
		t.Errorf("inspect pp: %+v", in)
	}
	for _, code := range []string{"stat.Mean(", "x := stat.Mean(xs, ", "stat.Mean(fmt.Sprint(\"(\"), "} {
		in := s.Inspect(code, len([]rune(code)), 0)
		if !in.Found || !strings.HasPrefix(in.Data.Data["text/plain"], "func Mean(") {
			t.Errorf("inspect at the end of %q: %+v", code, in)
		}
	}
}

func TestCalleeBefore(t *testing.T) {
	for code, want := range map[string]string{
		"stat.Mean(":                 "stat.Mean",
		"stat.Mean(xs, ":             "stat.Mean",
		"f(g(1), ":                   "f",
		"f(g(1, ":                    "g",
		"f(\"(\", ":                  "f",
		"f(')', ":                    "f",
		"x := 1":                     "",
		"f(1)":                       "",
		"m.At(i, j) + mat.NewDense(": "mat.NewDense",
	} {
		if got := calleeBefore(code); got != want {
			t.Errorf("calleeBefore(%q) = %q, want %q", code, got, want)
		}
	}
}
