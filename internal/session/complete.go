package session

import (
	"fmt"
	"go/scanner"
	"go/token"
	"go/types"
	"reflect"
	"runtime"
	"sort"
	"strings"
	"unicode"

	"github.com/gomx-dev/gomx/engine"
	"github.com/gomx-dev/gomx/internal/front"
	"github.com/gomx-dev/gomx/internal/stdlib"
	"github.com/gomx-dev/gomx/viz"
)

// Version is the gomx version the session reports.
const Version = "0.1.0"

func goVersion() string { return strings.TrimPrefix(runtime.Version(), "go") }

var keywords = []string{"break", "case", "chan", "const", "continue", "default", "defer", "else",
	"fallthrough", "for", "func", "go", "goto", "if", "import", "interface", "map", "package",
	"range", "return", "select", "struct", "switch", "type", "var"}

var builtins = []string{"append", "cap", "clear", "close", "complex", "copy", "delete", "imag",
	"len", "make", "max", "min", "new", "panic", "print", "println", "real", "recover",
	"bool", "byte", "complex128", "complex64", "error", "float32", "float64", "int", "int16",
	"int32", "int64", "int8", "rune", "string", "uint", "uint16", "uint32", "uint64", "uint8",
	"uintptr", "any", "true", "false", "nil", "iota"}

var builtinNames = func() map[string]bool {
	m := map[string]bool{}
	for _, b := range builtins {
		m[b] = true
	}
	return m
}()

var magicNames = []string{"%time", "%timeit", "%who", "%reset", "%help", "%load", "%save"}

func isIdentRune(r rune) bool { return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) }

// byteOffset converts a cursor in code points to a byte offset in code.
func byteOffset(code string, cursor int) int {
	if cursor < 0 {
		return 0
	}
	n := 0
	for i := range code {
		if n == cursor {
			return i
		}
		n++
	}
	return len(code)
}

// runeCount converts a byte offset to code points.
func runeCount(code string, off int) int { return len([]rune(code[:off])) }

// Complete returns the completions at cursor (in code points).
// While a cell runs, the session's state is in use and Complete offers
// nothing.
func (s *Session) Complete(code string, cursor int) engine.Completion {
	if !s.mu.TryLock() {
		return engine.Completion{CursorStart: cursor, CursorEnd: cursor}
	}
	defer s.mu.Unlock()
	end := byteOffset(code, cursor)
	start := end
	for start > 0 {
		r := []rune(code[:start])
		if !isIdentRune(r[len(r)-1]) {
			break
		}
		start -= len(string(r[len(r)-1]))
	}
	prefix := code[start:end]
	c := engine.Completion{CursorStart: runeCount(code, start), CursorEnd: cursor}
	add := func(name, kind string) {
		if strings.HasPrefix(name, prefix) && name != "_" {
			c.Matches = append(c.Matches, name)
			c.Types = append(c.Types, kind)
		}
	}
	if start > 0 && code[start-1] == '%' && strings.TrimSpace(code[:start-1]) == "" {
		c.CursorStart--
		prefix = "%" + prefix
		for _, m := range magicNames {
			add(m, "magic")
		}
		return c
	}
	if start > 0 && code[start-1] == '.' {
		x := start - 1
		xs := x
		for xs > 0 && isIdentRune(rune(code[xs-1])) {
			xs--
		}
		s.members(code[xs:x], add)
		sortCompletion(&c)
		return c
	}
	seen := map[string]bool{}
	addOnce := func(name, kind string) {
		if !seen[name] {
			seen[name] = true
			add(name, kind)
		}
	}
	for _, sym := range s.front.Symbols() {
		addOnce(sym.Name, sym.Kind)
	}
	for name := range s.globals() {
		if !strings.HasPrefix(name, "$") {
			addOnce(name, "variable")
		}
	}
	for name := range s.front.Imports() {
		addOnce(name, "package")
	}
	for name := range autoImports {
		addOnce(name, "package")
	}
	for _, k := range keywords {
		addOnce(k, "keyword")
	}
	for _, b := range builtins {
		addOnce(b, "function")
	}
	sortCompletion(&c)
	return c
}

// members lists the members of x after "x.": a package's symbols, or the
// fields and methods of a variable's value.
func (s *Session) members(x string, add func(name, kind string)) {
	if path, ok := s.pkgPath(x); ok {
		for name, v := range symbols[path+"/"+pkgName(path)] {
			add(name, symbolKind(v))
		}
		for _, m := range s.mods.Members(path) { // a module's package (modules.go)
			add(m.Name, m.Kind)
		}
		for _, obj := range genericMembers(path) {
			kind := "function"
			if _, ok := obj.(*types.TypeName); ok {
				kind = "type"
			}
			add(obj.Name(), kind)
		}
		return
	}
	// fields and methods of a session variable, from its static type
	if ms, ok := s.front.Members(x); ok {
		for _, m := range ms {
			add(m.Name, m.Kind)
		}
		return
	}
	v, ok := s.globals()[x]
	if !ok || !v.IsValid() {
		return
	}
	t := v.Type()
	for i := 0; i < t.NumMethod(); i++ {
		add(t.Method(i).Name, "method")
	}
	if t.Kind() != reflect.Pointer && reflect.PointerTo(t).NumMethod() > t.NumMethod() {
		pt := reflect.PointerTo(t)
		for i := 0; i < pt.NumMethod(); i++ {
			if _, ok := t.MethodByName(pt.Method(i).Name); !ok {
				add(pt.Method(i).Name, "method")
			}
		}
	}
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() == reflect.Struct {
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			name := f.Name
			// yaegi exports unexported fields of interpreted structs as X<name>
			if !f.Anonymous && strings.HasPrefix(name, "X") && len(name) > 1 && unicode.IsLower(rune(name[1])) {
				name = name[1:]
			}
			add(name, "field")
		}
	}
}

// pkgPath returns the import path of a package name in the session.
func (s *Session) pkgPath(name string) (string, bool) {
	if p, ok := s.front.Imports()[name]; ok {
		return p, true
	}
	if _, ok := s.sym(name); ok {
		return "", false
	}
	if _, ok := s.globals()[name]; ok {
		return "", false
	}
	p, ok := autoImports[name]
	return p, ok
}

// symbolKind tells the kind of a symbol table entry.
func symbolKind(v reflect.Value) string {
	switch {
	case v.Kind() == reflect.Func:
		return "function"
	case v.Kind() == reflect.Pointer && v.IsNil():
		return "type"
	case v.CanAddr():
		return "variable"
	}
	return "constant"
}

func sortCompletion(c *engine.Completion) {
	idx := make([]int, len(c.Matches))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return c.Matches[idx[a]] < c.Matches[idx[b]] })
	m := make([]string, len(idx))
	t := make([]string, len(idx))
	for i, j := range idx {
		m[i], t[i] = c.Matches[j], c.Types[j]
	}
	c.Matches, c.Types = m, t
}

// Inspect returns the signature and documentation of the name at cursor.
// While a cell runs, Inspect finds nothing.
func (s *Session) Inspect(code string, cursor int, detail int) engine.Inspection {
	if !s.mu.TryLock() {
		return engine.Inspection{}
	}
	defer s.mu.Unlock()
	off := byteOffset(code, cursor)
	start, end := off, off
	for start > 0 && (isIdentRune(rune(code[start-1])) || code[start-1] == '.') {
		start--
	}
	for end < len(code) && isIdentRune(rune(code[end])) {
		end++
	}
	// the name at the cursor, or else the function whose call the
	// cursor is in (Shift-Tab after "stat.Mean(" or among its arguments)
	for _, name := range []string{strings.Trim(code[start:end], "."), calleeBefore(code[:off])} {
		if name == "" {
			continue
		}
		if text := s.help(name); !strings.HasPrefix(text, "no documentation") {
			return engine.Inspection{Found: true, Data: viz.Bundle{Data: map[string]string{viz.MIMEText: text}}}
		}
	}
	return engine.Inspection{}
}

// calleeBefore returns the (dotted) name called by the innermost call
// still open at the end of code, "" when there is none: "stat.Mean" for
// `x := stat.Mean(xs, ` (parentheses in strings and runes are skipped).
func calleeBefore(code string) string {
	var open []int // positions of the parentheses still open
	var quote rune
	for i, r := range code {
		switch {
		case quote != 0:
			if r == quote && (quote == '`' || code[i-1] != '\\') {
				quote = 0
			}
		case r == '"' || r == '\'' || r == '`':
			quote = r
		case r == '(':
			open = append(open, i)
		case r == ')' && len(open) > 0:
			open = open[:len(open)-1]
		}
	}
	if len(open) == 0 {
		return ""
	}
	i := open[len(open)-1]
	j := i
	for j > 0 && (isIdentRune(rune(code[j-1])) || code[j-1] == '.') {
		j--
	}
	return strings.Trim(code[j:i], ".")
}

// preloadedDoc returns the signature and documentation of a preloaded
// package's symbol ("Type.Method" for methods, "" for the package).
var preloadedDoc = stdlib.Doc

// help returns the documentation of name (x or pkg.X).
func (s *Session) help(name string) string {
	if pkg, sel, ok := strings.Cut(name, "."); ok {
		if i := strings.LastIndexByte(sel, '.'); i >= 0 {
			pkg, sel = name[:strings.LastIndexByte(name, '.')], sel[i+1:]
			pkg = pkg[strings.LastIndexByte(pkg, '.')+1:]
		}
		if path, ok := s.pkgPath(pkg); ok {
			if reason, no := uncallable[path+"."+sel]; no {
				return fmt.Sprintf("%s.%s cannot be used in gomx: %s", pkg, sel, reason)
			}
			if sig, doc, ok := preloadedDoc(path, sel); ok {
				return strings.TrimSpace(sig + "\n\n" + doc)
			}
			if sig, doc, ok := s.mods.Doc(path, sel); ok { // a module's package (modules.go)
				return strings.TrimSpace(sig + "\n\n" + doc)
			}
			if v, ok := symbols[path+"/"+pkgName(path)][sel]; ok {
				return describe(pkg+"."+sel, v)
			}
		}
		if v, ok := s.globals()[pkg]; ok && v.IsValid() {
			t := v.Type()
			if t.Kind() == reflect.Pointer {
				t = t.Elem()
			}
			if sig, doc, ok := preloadedDoc(t.PkgPath(), t.Name()+"."+sel); ok && t.PkgPath() != "" {
				return strings.TrimSpace(sig + "\n\n" + doc)
			}
			if m, ok := v.Type().MethodByName(sel); ok {
				return fmt.Sprintf("method %s.%s\n\n%s", pkg, sel, m.Type.String())
			}
		}
		return "no documentation for " + name
	}
	if sym, ok := s.sym(name); ok {
		text := sym.Sig // with the type it is declared with
		if sym.Doc != "" {
			text += "\n\n" + strings.TrimSpace(sym.Doc)
		}
		return text
	}
	if v, ok := s.globals()[name]; ok && v.IsValid() {
		return fmt.Sprintf("var %s %s", name, v.Type())
	}
	if path, ok := s.pkgPath(name); ok {
		if _, doc, ok := preloadedDoc(path, ""); ok {
			return fmt.Sprintf("package %s // import %q\n\n%s", pkgName(path), path, doc)
		}
		if sig, doc, ok := s.mods.Doc(path, ""); ok {
			return strings.TrimSpace(fmt.Sprintf("%s // import %q\n\n%s", sig, path, doc))
		}
		return fmt.Sprintf("package %s // import %q", pkgName(path), path)
	}
	return "no documentation for " + name
}

// describe is the fallback help of a preloaded symbol: its kind and type.
func describe(name string, v reflect.Value) string {
	switch symbolKind(v) {
	case "function":
		return "func " + name + strings.TrimPrefix(v.Type().String(), "func")
	case "type":
		return "type " + name + " " + v.Type().Elem().Kind().String()
	case "variable":
		return "var " + name + " " + v.Type().String()
	}
	return fmt.Sprintf("const %s = %v", name, v)
}

// IsComplete reports whether code is a complete cell, code to continue
// (with the indent of the next line), or invalid.
func (s *Session) IsComplete(code string) (status, indent string) {
	t := strings.TrimSpace(code)
	if t == "" || strings.HasPrefix(t, "%") {
		return "complete", ""
	}
	if _, ok := helpRequest(t); ok {
		return "complete", ""
	}
	fset := token.NewFileSet()
	file := fset.AddFile("cell.go", -1, len(code))
	var sc scanner.Scanner
	var scanErr string
	sc.Init(file, []byte(code), func(_ token.Position, msg string) { scanErr = msg }, 0)
	depth := 0
	last := token.ILLEGAL
	for {
		_, tok, lit := sc.Scan()
		if tok == token.EOF {
			break
		}
		switch tok {
		case token.LPAREN, token.LBRACK, token.LBRACE:
			depth++
		case token.RPAREN, token.RBRACK, token.RBRACE:
			depth--
			if depth < 0 {
				return "invalid", ""
			}
		}
		if !(tok == token.SEMICOLON && lit == "\n") {
			last = tok
		}
	}
	if strings.Contains(scanErr, "not terminated") {
		return "incomplete", ""
	}
	if scanErr != "" {
		return "invalid", ""
	}
	if depth > 0 {
		return "incomplete", strings.Repeat("\t", depth)
	}
	switch last {
	case token.ADD, token.SUB, token.MUL, token.QUO, token.REM, token.AND, token.OR, token.XOR,
		token.LAND, token.LOR, token.ASSIGN, token.DEFINE, token.COMMA, token.PERIOD, token.EQL,
		token.NEQ, token.LSS, token.GTR, token.LEQ, token.GEQ, token.ARROW:
		return "incomplete", ""
	}
	if front.CheckSyntax(code) != nil {
		return "invalid", ""
	}
	return "complete", ""
}

// sym returns the session declaration named name.
func (s *Session) sym(name string) (front.Symbol, bool) {
	for _, sym := range s.front.Symbols() {
		if sym.Name == name {
			return sym, true
		}
	}
	return front.Symbol{}, false
}
