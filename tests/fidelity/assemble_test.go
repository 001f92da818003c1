package fidelity

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// A corpusCase is one corpus/*.txtar file.
type corpusCase struct {
	name    string // file name without .txtar
	comment string // the txtar comment: what the case checks
	cells   []string
	expect  []expectation // nil without an expect file
}

// An expectation is one line of a case's expect file: how Go fails in a
// cell.
type expectation struct {
	cell int    // 1-based
	kind string // "compile", "panic", "fatal", "exit"
	text string // the message (a substring), or the exit status
}

// parseTxtar splits a txtar archive into its comment and files, in order.
// A file starts at a line "-- NAME --".
func parseTxtar(data []byte) (comment string, names, files []string) {
	lines := strings.SplitAfter(string(data), "\n")
	cur := -1
	var b strings.Builder
	flush := func() {
		if cur < 0 {
			comment = b.String()
		} else {
			files[cur] = b.String()
		}
		b.Reset()
	}
	for _, l := range lines {
		t := strings.TrimRight(l, "\r\n")
		if strings.HasPrefix(t, "-- ") && strings.HasSuffix(t, " --") && len(t) > 6 {
			flush()
			names = append(names, strings.TrimSpace(t[3:len(t)-3]))
			files = append(files, "")
			cur = len(files) - 1
			continue
		}
		b.WriteString(l)
	}
	flush()
	return comment, names, files
}

var expectLine = regexp.MustCompile(`^cell(\d+): (compile|panic|fatal|exit):? (.*)$`)

// loadCase reads one case file.
func loadCase(path string) (*corpusCase, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	c := &corpusCase{name: strings.TrimSuffix(filepath.Base(path), ".txtar")}
	if !regexp.MustCompile(`^[a-z0-9][a-z0-9_]*$`).MatchString(c.name) {
		return nil, fmt.Errorf("%s: a case name is lower case letters, digits and _", path)
	}
	comment, names, files := parseTxtar(data)
	c.comment = strings.TrimSpace(comment)
	if c.comment == "" {
		return nil, fmt.Errorf("%s: no comment saying what the case checks", path)
	}
	for i, n := range names {
		switch {
		case n == "expect":
			c.expect = []expectation{}
			for _, l := range strings.Split(strings.TrimSpace(files[i]), "\n") {
				m := expectLine.FindStringSubmatch(strings.TrimSpace(l))
				if m == nil {
					return nil, fmt.Errorf("%s: expect line %q is not `cellN: compile|panic|fatal|exit TEXT`", path, l)
				}
				k, _ := strconv.Atoi(m[1])
				c.expect = append(c.expect, expectation{cell: k, kind: m[2], text: strings.TrimSpace(m[3])})
			}
		case n == fmt.Sprintf("cell%d", len(c.cells)+1):
			c.cells = append(c.cells, files[i])
		default:
			return nil, fmt.Errorf("%s: file %q: want cell%d or expect", path, n, len(c.cells)+1)
		}
	}
	if len(c.cells) == 0 {
		return nil, fmt.Errorf("%s: no cells", path)
	}
	for _, e := range c.expect {
		if e.cell < 1 || e.cell > len(c.cells) {
			return nil, fmt.Errorf("%s: expect names cell%d of %d", path, e.cell, len(c.cells))
		}
	}
	return c, nil
}

// Chunk kinds.
const (
	chunkStmt = iota
	chunkDecl
	chunkImport
	chunkPackage
)

// A chunk is one top-level declaration or statement of a cell.
type chunk struct {
	cell       int // 1-based
	start, end int // byte offsets in the cell
	kind       int
	defines    []string // names a statement chunk defines with :=
}

type tok struct {
	pos int // byte offset
	tok token.Token
	lit string
}

// scanCell returns the tokens of a cell, automatic semicolons included
// (their lit is "\n"). Scan errors are ignored: the compiler reports them.
func scanCell(src string) []tok {
	fset := token.NewFileSet()
	f := fset.AddFile("cell", -1, len(src))
	var s scanner.Scanner
	s.Init(f, []byte(src), nil, 0)
	var ts []tok
	for {
		pos, t, lit := s.Scan()
		if t == token.EOF {
			return ts
		}
		ts = append(ts, tok{f.Offset(pos), t, lit})
	}
}

// splitCell cuts a cell into its top-level declarations and statements:
// at the ends of lines outside brackets.
func splitCell(cell int, src string) []chunk {
	ts := scanCell(src)
	var out []chunk
	depth := 0
	first := -1
	end := func(i int) { // the chunk is ts[first:i]
		if first < 0 {
			return
		}
		c := chunk{cell: cell, start: ts[first].pos, end: tokEnd(ts[i-1]), kind: classify(ts[first:i])}
		if c.kind == chunkStmt {
			c.defines = defines(ts[first:i])
		}
		out = append(out, c)
		first = -1
	}
	for i, t := range ts {
		switch t.tok {
		case token.LPAREN, token.LBRACK, token.LBRACE:
			depth++
		case token.RPAREN, token.RBRACK, token.RBRACE:
			depth--
		case token.SEMICOLON:
			// Only a line end splits: an explicit ; may be in a for
			// clause (`a := 1; b := 2` on one line stays one chunk).
			if depth <= 0 && t.lit == "\n" {
				end(i)
				continue
			}
		}
		if first < 0 {
			first = i
		}
	}
	end(len(ts))
	return out
}

// tokEnd is the offset just after a token.
func tokEnd(t tok) int {
	switch {
	case t.tok == token.SEMICOLON:
		return t.pos + 1
	case t.lit != "":
		return t.pos + len(t.lit)
	default:
		return t.pos + len(t.tok.String())
	}
}

// classify tells a declaration from a statement by its first tokens: a
// func keyword followed by a name, or by a receiver and a name, declares;
// func( … ) followed by anything else is a function literal.
func classify(ts []tok) int {
	switch ts[0].tok {
	case token.PACKAGE:
		return chunkPackage
	case token.IMPORT:
		return chunkImport
	case token.TYPE, token.CONST, token.VAR:
		return chunkDecl
	case token.FUNC:
		if len(ts) > 1 && ts[1].tok == token.IDENT {
			return chunkDecl
		}
		if len(ts) > 1 && ts[1].tok == token.LPAREN {
			d := 0
			for i := 1; i < len(ts); i++ {
				switch ts[i].tok {
				case token.LPAREN:
					d++
				case token.RPAREN:
					d--
					if d == 0 {
						if i+1 < len(ts) && ts[i+1].tok == token.IDENT {
							return chunkDecl
						}
						return chunkStmt
					}
				}
			}
		}
	}
	return chunkStmt
}

// defines returns the names of `a, b := …`.
func defines(ts []tok) []string {
	var names []string
	for i, t := range ts {
		switch {
		case t.tok == token.DEFINE && i > 0:
			return names
		case t.tok == token.IDENT && i%2 == 0:
			if t.lit != "_" {
				names = append(names, t.lit)
			}
		case t.tok == token.COMMA && i%2 == 1:
		default:
			return nil
		}
	}
	return nil
}

// pkgRefs returns the identifiers used as X in X.Sel across the cells.
func pkgRefs(cells []string) map[string]bool {
	refs := map[string]bool{}
	for _, src := range cells {
		ts := scanCell(src)
		for i := 0; i+1 < len(ts); i++ {
			if ts[i].tok == token.IDENT && ts[i+1].tok == token.PERIOD && (i == 0 || ts[i-1].tok != token.PERIOD) {
				refs[ts[i].lit] = true
			}
		}
	}
	return refs
}

// lineCol returns the 1-based line and byte column of off in src.
func lineCol(src string, off int) (int, int) {
	line := 1 + strings.Count(src[:off], "\n")
	col := off - strings.LastIndexByte(src[:off], '\n')
	return line, col
}

// Marker is the text the assembled program writes to stdout and stderr
// at the start of every cell (%d: the cell, 1-based) and at its end
// (cell 0). A program cannot print it by accident.
const markerFormat = "\x00gomx-fidelity-cell-%d\x00"

var markerRE = regexp.MustCompile("\x00gomx-fidelity-cell-(\\d+)\x00")

const harnessFile = "fidelity-harness.go"

// importName returns the name an import path declares by default: its
// last element, or the one before a major version suffix (math/rand/v2).
func importName(path string) string {
	elems := strings.Split(path, "/")
	last := elems[len(elems)-1]
	if len(elems) > 1 && regexp.MustCompile(`^v[0-9]+$`).MatchString(last) {
		return elems[len(elems)-2]
	}
	return last
}

// varDecl returns the names a var declaration declares and the
// identifiers its initialisers use, or ok false when it does not parse.
func varDecl(text string) (names, uses []string, ok bool) {
	f, err := parser.ParseFile(token.NewFileSet(), "", "package p;"+text, 0)
	if err != nil || len(f.Decls) != 1 {
		return nil, nil, false
	}
	gd, isGen := f.Decls[0].(*ast.GenDecl)
	if !isGen || gd.Tok != token.VAR {
		return nil, nil, false
	}
	for _, sp := range gd.Specs {
		vs := sp.(*ast.ValueSpec)
		for _, n := range vs.Names {
			if n.Name != "_" {
				names = append(names, n.Name)
			}
		}
		for _, v := range vs.Values {
			ast.Inspect(v, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.SelectorExpr:
					ast.Inspect(n.X, func(m ast.Node) bool {
						if id, isID := m.(*ast.Ident); isID {
							uses = append(uses, id.Name)
						}
						return true
					})
					return false
				case *ast.Ident:
					uses = append(uses, n.Name)
				}
				return true
			})
		}
	}
	return names, uses, true
}

// assemble builds the Go program equivalent to cells. Declarations go to
// package level, except a var declaration whose initialiser uses a
// variable that a cell's statements define (`x := 1` then
// `var y = x + 1`): that one stays a statement of main, where x is.
func assemble(cells []string) string {
	chunks := make([][]chunk, len(cells))
	local := map[string]bool{} // names that are locals of main
	type varInfo struct{ names, uses []string }
	vars := map[[2]int]varInfo{}
	for i, src := range cells {
		chunks[i] = splitCell(i+1, src)
		for j, ch := range chunks[i] {
			for _, n := range ch.defines {
				local[n] = true
			}
			if ch.kind == chunkDecl {
				if names, uses, ok := varDecl(src[ch.start:ch.end]); ok {
					vars[[2]int{i, j}] = varInfo{names, uses}
				}
			}
		}
	}
	for changed := true; changed; {
		changed = false
		for at, v := range vars {
			for _, u := range v.uses {
				if local[u] {
					ch := &chunks[at[0]][at[1]]
					ch.kind, ch.defines = chunkStmt, v.names
					for _, n := range v.names {
						local[n] = true
					}
					delete(vars, at)
					changed = true
					break
				}
			}
		}
	}

	var decls, stmts bytes.Buffer
	type imp struct{ name, path string }
	var imps []imp
	seen := map[imp]bool{}
	refs := pkgRefs(cells)
	at := func(b *bytes.Buffer, cell, off int) {
		l, c := lineCol(cells[cell-1], off)
		fmt.Fprintf(b, "/*line cell%d:%d:%d*/", cell, l, c)
	}
	harness := func(b *bytes.Buffer) { fmt.Fprintf(b, "/*line %s:1:1*/", harnessFile) }
	for i, src := range cells {
		cell := i + 1
		fmt.Fprintf(&stmts, "\t__fidelity_mark(%d)\n", cell)
		for _, ch := range chunks[i] {
			text := src[ch.start:ch.end]
			switch ch.kind {
			case chunkPackage:
			case chunkImport:
				f, err := parser.ParseFile(token.NewFileSet(), "", "package p;"+text, parser.ImportsOnly)
				if err != nil {
					at(&decls, cell, ch.start)
					decls.WriteString(text + "\n") // the compiler reports it
					continue
				}
				for _, s := range f.Imports {
					path, _ := strconv.Unquote(s.Path.Value)
					name := importName(path)
					if s.Name != nil {
						name = s.Name.Name
					}
					im := imp{name, path}
					if seen[im] {
						continue
					}
					seen[im] = true
					imps = append(imps, im)
				}
			case chunkDecl:
				at(&decls, cell, ch.start)
				decls.WriteString(text + "\n")
			case chunkStmt:
				at(&stmts, cell, ch.start)
				stmts.WriteString(text + "\n")
				if len(ch.defines) > 0 {
					harness(&stmts)
					blanks := strings.TrimSuffix(strings.Repeat("_, ", len(ch.defines)), ", ")
					fmt.Fprintf(&stmts, "%s = %s\n", blanks, strings.Join(ch.defines, ", "))
				}
			}
			harness(&stmts)
			stmts.WriteString("\n")
		}
	}
	var b bytes.Buffer
	b.WriteString("package main\n\nimport (\n\t__fidelity_os \"os\"\n\t__fidelity_fmt \"fmt\"\n")
	for _, im := range imps {
		name := im.name
		if name != "_" && name != "." && !refs[name] {
			name = "_"
		}
		fmt.Fprintf(&b, "\t%s %q\n", name, im.path)
	}
	b.WriteString(")\n\n")
	b.Write(decls.Bytes())
	harness(&b)
	fmt.Fprintf(&b, `
func __fidelity_mark(cell int) {
	m := __fidelity_fmt.Sprintf(%q, cell)
	__fidelity_os.Stdout.WriteString(m)
	__fidelity_os.Stderr.WriteString(m)
}

func main() {
`, markerFormat)
	b.Write(stmts.Bytes())
	b.WriteString("\t__fidelity_mark(0)\n}\n")
	return b.String()
}

// splitOutput cuts a program's output at the markers: out[k] is what cell
// k wrote (1-based; out[0] what came before the first marker), last the
// last cell that started (0 when the program reached its end).
func splitOutput(s string) (out map[int]string, last int) {
	out = map[int]string{}
	idx := markerRE.FindAllStringSubmatchIndex(s, -1)
	prev, cur := 0, 0
	for _, m := range idx {
		out[cur] += s[prev:m[0]]
		cur, _ = strconv.Atoi(s[m[2]:m[3]])
		prev = m[1]
	}
	out[cur] += s[prev:]
	return out, cur
}

// sortedKeys returns the keys of m in order.
func sortedKeys[V any](m map[int]V) []int {
	var ks []int
	for k := range m {
		ks = append(ks, k)
	}
	sort.Ints(ks)
	return ks
}

// TestSplitCell checks how cells are cut and placed in the program.
func TestSplitCell(t *testing.T) {
	src := "package main\nimport \"fmt\"\nfunc f() int { return 1 }\nfunc (t T) M() {}\nfunc() { fmt.Println(1) }()\n" +
		"x, y := 1, 2\nfor i := 0; i < 2; i++ {\n}\nvar v = 3\ntype T int\na := 1; b := 2\n"
	var kinds []int
	var defs [][]string
	for _, c := range splitCell(1, src) {
		kinds = append(kinds, c.kind)
		defs = append(defs, c.defines)
	}
	want := []int{chunkPackage, chunkImport, chunkDecl, chunkDecl, chunkStmt, chunkStmt, chunkStmt, chunkDecl, chunkDecl, chunkStmt}
	if fmt.Sprint(kinds) != fmt.Sprint(want) {
		t.Errorf("kinds %v, want %v", kinds, want)
	}
	if fmt.Sprint(defs[5]) != "[x y]" || fmt.Sprint(defs[9]) != "[a]" {
		t.Errorf("defines %q", defs)
	}

	prog := assemble([]string{"import \"strings\"\nn := 2\nvar m = n + 1\nvar k = 5\n", "fmt.Println(m, k)\n"})
	for _, s := range []string{"\t_ \"strings\"\n", "/*line cell1:3:1*/var m = n + 1\n", "/*line cell1:4:1*/var k = 5\n", "_ = m\n"} {
		if !strings.Contains(prog, s) {
			t.Errorf("program lacks %q:\n%s", s, prog)
		}
	}
	if i, j := strings.Index(prog, "var k"), strings.Index(prog, "func main"); i > j {
		t.Errorf("var k is not at package level:\n%s", prog)
	}

	out, last := splitOutput("pre" + fmt.Sprintf(markerFormat, 1) + "a" + fmt.Sprintf(markerFormat, 2) + "b\n")
	if out[0] != "pre" || out[1] != "a" || out[2] != "b\n" || last != 2 {
		t.Errorf("splitOutput: %v, last %d", out, last)
	}
	if importName("math/rand/v2") != "rand" || importName("fmt") != "fmt" {
		t.Error("importName")
	}
}
