package session

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/parser"
	"go/scanner"
	"go/token"
	"reflect"
	"strconv"
	"strings"
)

// A part is one piece of a cell ready for the interpreter.
type part struct {
	Kind       chunkKind
	Start, End int       // offsets of the part in the cell
	Text       string    // rewritten text, without padding
	Map        offsetMap // rewritten offsets → offsets in the cell from Start
	// Display is set on the statement part that is the cell's last
	// expression, to be shown as the cell's value.
	Display bool
	// NoValue is set when Display is set but the expression has no value
	// to show (a call of a function without results, fmt.Println, …) or is
	// a call whose result count is unknown.
	NoValue bool
	// Results is the number of values of the displayed call when it is
	// known to be more than one.
	Results int
	// Recv and Method name the variable and method of a displayed call
	// recv.Method(…) whose result count is told only when the statements
	// before it have run (recv is declared in the cell); Method is empty
	// for the call of a func-valued variable, recv(…).
	Recv, Method string
	// Direct is set when the displayed expression is a call of a generic
	// function, whose value is taken from yaegi's result.
	Direct bool
}

// A userSym is a func, type, var or const a cell declared, for completion
// and inspection.
type userSym struct {
	Kind string // "function", "type", "variable", "constant"
	Sig  string // its declaration's first line, as written
	Doc  string // its doc comment
	Off  int    // offset of its declaration in its cell
}

// A plan is a cell cut into parts and rewritten, with what the cell
// declares.
type plan struct {
	Parts   []part
	Imports []importSpec
	Syms    map[string]userSym
	Types   map[string]string // type name → its spec as written
	// Idents are the identifiers the cell uses (not after a period nor
	// before a colon), and Declared the names it declares: for telling
	// which name is undefined when yaegi's message does not.
	Idents   []rangeNote
	Declared map[string]bool
	// VarTypes are the types of the cell's globals where told.
	VarTypes map[string]string
	// Ranges are range statements whose operand's type could not be told:
	// yaegi cannot range over ints or funcs and fails on them.
	Ranges []rangeNote
}

type importSpec struct {
	Name, Path string
	Pos        int // offset in the cell
}

type rangeNote struct {
	Line, Col int
	Expr      string
}

// planner holds what rewriting a cell needs to know about the session.
type planner struct {
	// global returns the value of an interpreter global, if there is one.
	global func(name string) (reflect.Value, bool)
	// defined reports whether name is a user func, type, var or const of
	// an earlier cell (so builtins such as min may be shadowed).
	defined func(name string) bool
	// isPkg reports whether name is an imported or auto-importable
	// package name.
	isPkg     func(name string) bool
	userFuncs map[string]int // result counts of user funcs known so far
	// userMethods holds the result counts of user methods by name, -1
	// when methods of that name differ.
	userMethods map[string]int
	// rich holds the methods of user types, among them the rich ones
	// (HTML, PNG, …) that display uses: type
	// name → method → whether its receiver is a pointer.
	rich map[string]map[string]bool
	// varTypes holds the types of the globals of earlier cells, where the
	// rewriter could tell them (see typeOf).
	varTypes map[string]string
	// isType reports whether name is a user type of an earlier cell.
	isType func(name string) bool
	// generic holds the names of user generic funcs.
	generic map[string]bool
	// userResults holds the simple result types of user funcs.
	userResults map[string]string
	// pkgSymbol returns the compiled symbol pkg.name.
	pkgSymbol func(pkg, name string) (reflect.Value, bool)
	// types holds the specs of the types of earlier cells, as written.
	types map[string]string
}

// cellError is a failure found before evaluation.
type cellError struct {
	Kind    string
	Off     int
	Message string
}

func (e *cellError) Error() string { return e.Message }

const (
	declPrefix = "package main\n"
	stmtPrefix = "package main\nfunc _(){"
)

// mask returns src with every byte outside [start, end) blanked, except
// comments (doc comments are kept for their declarations) and newlines, so
// that offsets and lines stay those of the cell.
func mask(src string, start, end int) string {
	keep := make([]bool, len(src))
	fset := token.NewFileSet()
	file := fset.AddFile("cell.go", -1, len(src))
	var sc scanner.Scanner
	sc.Init(file, []byte(src), nil, scanner.ScanComments)
	for {
		pos, t, lit := sc.Scan()
		if t == token.EOF {
			break
		}
		if t == token.COMMENT {
			off := file.Offset(pos)
			for i := off; i < off+len(lit) && i < len(src); i++ {
				keep[i] = true
			}
		}
	}
	b := []byte(src)
	for i := range b {
		if (i < start || i >= end) && b[i] != '\n' && !keep[i] {
			b[i] = ' '
		}
	}
	return string(b)
}

// plan splits and rewrites a cell.
func (p *planner) plan(src string) (*plan, error) {
	items, err := splitItems(src)
	if err != nil {
		if el, ok := err.(scanner.ErrorList); ok && len(el) > 0 {
			return nil, &cellError{Kind: "syntax", Off: el[0].Pos.Offset, Message: el[0].Msg}
		}
		return nil, err
	}
	pl := &plan{Syms: map[string]userSym{}, Types: map[string]string{}}
	es := &edits{src: src}
	r := &rewriter{p: p, es: es, src: src, pl: pl, vars: map[string]string{}, displays: map[string]bool{}}
	type parsed struct {
		ch    chunk
		decls []ast.Decl
		stmts []ast.Stmt
		base  int
	}
	var chunks []parsed
	for _, ch := range groupChunks(items) {
		pc := parsed{ch: ch}
		fset := token.NewFileSet() // one per chunk: positions are offsets + 1
		if ch.Kind == declChunk {
			pc.base = len(declPrefix)
			f, err := parser.ParseFile(fset, "cell.go", declPrefix+mask(src, ch.Start, ch.End), parser.ParseComments)
			if err != nil {
				return nil, syntaxError(err, pc.base)
			}
			pc.decls = f.Decls
			r.collectDecls(f, fset, pc.base)
		} else {
			pc.base = len(stmtPrefix)
			f, err := parser.ParseFile(fset, "cell.go", stmtPrefix+mask(src, ch.Start, ch.End)+"\n}", parser.ParseComments)
			if err != nil {
				return nil, syntaxError(err, pc.base)
			}
			pc.stmts = f.Decls[0].(*ast.FuncDecl).Body.List
			r.collectStmts(pc.stmts, fset, pc.base)
		}
		chunks = append(chunks, pc)
	}
	for _, pc := range chunks {
		r.base = pc.base
		for _, d := range pc.decls {
			r.walk(d)
		}
		for _, s := range pc.stmts {
			wrap := needsFuncWrap(s)
			if wrap {
				r.es.add(edit{Start: r.off(s.Pos()), End: r.off(s.Pos()), Text: "func() { "})
			}
			r.walk(s)
			if wrap {
				r.es.add(edit{Start: r.off(s.End()), End: r.off(s.End()), Text: " }()"})
			}
		}
	}
	if r.err != nil {
		return nil, r.err
	}
	pl.Declared = map[string]bool{}
	for name := range r.vars {
		pl.Declared[name] = true
	}
	for name := range pl.Syms {
		pl.Declared[name] = true
	}
	pl.Idents = idents(src)
	pl.VarTypes = map[string]string{}
	for name, sym := range pl.Syms {
		if t := r.vars[name]; t != "" && (sym.Kind == "variable" || sym.Kind == "constant") {
			pl.VarTypes[name] = t
		}
	}

	for ci, pc := range chunks {
		if pc.ch.Kind == declChunk {
			t, m := r.es.chunkText(pc.ch.Start, pc.ch.End, true)
			if strings.TrimSpace(t) != "" {
				pl.Parts = append(pl.Parts, part{Kind: declChunk, Start: pc.ch.Start, End: pc.ch.End, Text: t, Map: m})
			}
			continue
		}
		// one part per top-level statement, so that a panic in a top-level
		// statement is placed on its line
		r.base = pc.base
		for i, st := range pc.stmts {
			start, end := r.off(st.Pos()), pc.ch.End
			if i == 0 {
				start = pc.ch.Start
			}
			last := i+1 == len(pc.stmts)
			if !last {
				end = r.off(pc.stmts[i+1].Pos())
			}
			t, m := r.es.chunkText(start, end, last)
			pt := part{Kind: stmtChunk, Start: start, End: end, Text: t, Map: m}
			if es, ok := st.(*ast.ExprStmt); ok && ci == len(chunks)-1 && i == len(pc.stmts)-1 {
				n := r.valueCount(es.X)
				pt.Display, pt.NoValue = true, n < 1
				pt.Direct = r.genericCall(es.X)
				if call, ok := es.X.(*ast.CallExpr); ok && n < 0 {
					if sel, ok := call.Fun.(*ast.SelectorExpr); ok {
						if x, ok := sel.X.(*ast.Ident); ok {
							pt.Recv, pt.Method = x.Name, sel.Sel.Name
						}
					} else if id, ok := call.Fun.(*ast.Ident); ok {
						pt.Recv = id.Name // a func value of this cell: f()
					}
				}
				if n > 1 {
					pt.Results = n
				}
			}
			pl.Parts = append(pl.Parts, pt)
		}
	}
	return pl, nil
}

// syntaxError turns a parse error into a cellError at the cell offset.
func syntaxError(err error, base int) error {
	if el, ok := err.(scanner.ErrorList); ok && len(el) > 0 {
		off := el[0].Pos.Offset - base
		if off < 0 {
			off = 0
		}
		return &cellError{Kind: "syntax", Off: off, Message: el[0].Msg}
	}
	return err
}

// rewriter walks a cell's syntax trees and records edits.
type rewriter struct {
	p    *planner
	es   *edits
	src  string
	pl   *plan
	base int
	err  *cellError

	vars     map[string]string // names declared in the cell → their type as far as told ("" unknown)
	displays map[string]bool   // names assigned viz.NewDisplay() in the cell
	labels   []labelled        // enclosing labelled statements
	selects  int               // depth of select statements inside the innermost labelled statement
	gotos    map[string]bool   // labels a break out of a select was rewritten for
	tmp      int
}

type labelled struct {
	name         string
	selects      int // select depth when the label was entered
	start, colon int
	end          int
	used         bool
}

func (r *rewriter) off(p token.Pos) int { return int(p) - 1 - r.base }

func (r *rewriter) text(n ast.Node) string { return r.es.text(r.off(n.Pos()), r.off(n.End())) }

func (r *rewriter) raw(n ast.Node) string { return r.src[r.off(n.Pos()):r.off(n.End())] }

func (r *rewriter) fail(n ast.Node, format string, a ...any) {
	if r.err == nil {
		r.err = &cellError{Kind: "unsupported", Off: r.off(n.Pos()), Message: fmt.Sprintf(format, a...)}
	}
}

// collectDecls records the imports, funcs and types of a declaration chunk.
func (r *rewriter) collectDecls(f *ast.File, fset *token.FileSet, base int) {
	r.base = base
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.GenDecl:
			for _, s := range d.Specs {
				switch s := s.(type) {
				case *ast.ImportSpec:
					path, _ := strconv.Unquote(s.Path.Value)
					name := ""
					if s.Name != nil {
						name = s.Name.Name
					}
					r.pl.Imports = append(r.pl.Imports, importSpec{Name: name, Path: path, Pos: r.off(s.Pos())})
				case *ast.TypeSpec:
					doc := d.Doc.Text()
					if s.Doc != nil {
						doc = s.Doc.Text()
					}
					if old, ok := r.p.types[s.Name.Name]; ok {
						if old != r.raw(s) {
							if r.err == nil {
								r.err = &cellError{Kind: "redefined", Off: r.off(s.Pos()), Message: fmt.Sprintf("type %s is already defined by an earlier cell and the interpreter cannot redefine types: give the new type another name, or run %%reset to start a fresh session", s.Name.Name)}
							}
							continue
						}
						// the same type again (a cell run twice): keep the old one
						var n ast.Node = s
						if !d.Lparen.IsValid() {
							n = d
						}
						r.es.add(edit{Start: r.off(n.Pos()), End: r.off(n.End()), Text: blankKeepLines(r.raw(n))})
					}
					r.pl.Types[s.Name.Name] = r.raw(s)
					r.pl.Syms[s.Name.Name] = userSym{Kind: "type", Sig: "type " + firstLine(r.raw(s)), Doc: doc}
				}
			}
			if d.Tok == token.IMPORT {
				r.es.add(edit{Start: r.off(d.Pos()), End: r.off(d.End()), Text: blankKeepLines(r.raw(d))})
			}
		case *ast.FuncDecl:
			ast.Inspect(d, r.noteTypes)
			sig := r.src[r.off(d.Pos()):r.off(d.Type.End())]
			n := 0
			if d.Type.Results != nil {
				n = d.Type.Results.NumFields()
			}
			if d.Recv != nil && len(d.Recv.List) == 1 {
				rt, ptr := d.Recv.List[0].Type, false
				if st, ok := rt.(*ast.StarExpr); ok {
					rt, ptr = st.X, true
				}
				if id, ok := rt.(*ast.Ident); ok {
					if r.p.rich[id.Name] == nil {
						r.p.rich[id.Name] = map[string]bool{}
					}
					r.p.rich[id.Name][d.Name.Name] = ptr
				}
			}
			if d.Recv != nil {
				if old, ok := r.p.userMethods[d.Name.Name]; ok && old != n {
					n = -1
				}
				r.p.userMethods[d.Name.Name] = n
			}
			if d.Recv == nil {
				r.pl.Syms[d.Name.Name] = userSym{Kind: "function", Sig: sig, Doc: d.Doc.Text(), Off: r.off(d.Pos())}
				r.p.generic[d.Name.Name] = d.Type.TypeParams != nil
				r.p.userFuncs[d.Name.Name] = n
				if n == 1 {
					r.p.userResults[d.Name.Name] = r.typeText(d.Type.Results.List[0].Type)
				}
			}
		}
	}
}

// collectStmts records the top-level vars and consts of a statement chunk
// and the integer-typed names of the cell.
func (r *rewriter) collectStmts(stmts []ast.Stmt, fset *token.FileSet, base int) {
	r.base = base
	for _, s := range stmts {
		switch s := s.(type) {
		case *ast.DeclStmt:
			if g, ok := s.Decl.(*ast.GenDecl); ok {
				kind := "variable"
				if g.Tok == token.CONST {
					kind = "constant"
				}
				for _, sp := range g.Specs {
					if vs, ok := sp.(*ast.ValueSpec); ok {
						for _, n := range vs.Names {
							r.pl.Syms[n.Name] = userSym{Kind: kind, Sig: g.Tok.String() + " " + firstLine(r.raw(vs)), Doc: g.Doc.Text()}
						}
					}
				}
			}
		case *ast.AssignStmt:
			if s.Tok == token.DEFINE {
				for _, l := range s.Lhs {
					if id, ok := l.(*ast.Ident); ok && id.Name != "_" {
						r.pl.Syms[id.Name] = userSym{Kind: "variable", Sig: firstLine(r.raw(s))}
					}
				}
			}
		}
	}
	for _, s := range stmts {
		ast.Inspect(s, r.noteTypes)
	}
}

// noteTypes records the types of the names the cell declares, where the
// declaration tells them.
func (r *rewriter) noteTypes(n ast.Node) bool {
	set := func(name, typ string) {
		if old, ok := r.vars[name]; ok && old != typ {
			typ = ""
		}
		r.vars[name] = typ
	}
	switch n := n.(type) {
	case *ast.AssignStmt:
		if n.Tok == token.DEFINE && len(n.Lhs) == len(n.Rhs) {
			for i, l := range n.Lhs {
				if id, ok := l.(*ast.Ident); ok {
					set(id.Name, defaultType(r.typeOf(n.Rhs[i])))
					if c, ok := n.Rhs[i].(*ast.CallExpr); ok {
						if sel, ok := c.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "NewDisplay" {
							if x, ok := sel.X.(*ast.Ident); ok && x.Name == "viz" {
								r.displays[id.Name] = true
							}
						}
					}
				}
			}
		} else if n.Tok == token.DEFINE {
			for _, l := range n.Lhs {
				if id, ok := l.(*ast.Ident); ok {
					set(id.Name, "")
				}
			}
		}
	case *ast.ValueSpec:
		for i, id := range n.Names {
			switch {
			case n.Type != nil:
				set(id.Name, r.typeText(n.Type))
			case i < len(n.Values):
				set(id.Name, defaultType(r.typeOf(n.Values[i])))
			default:
				set(id.Name, "")
			}
		}
	case *ast.Field:
		for _, id := range n.Names {
			set(id.Name, r.typeText(n.Type))
		}
	case *ast.RangeStmt:
		if n.Tok == token.DEFINE {
			xt := r.typeOf(n.X)
			key, val := "", ""
			switch {
			case isIntType(xt):
				key = defaultType(xt)
			case strings.HasPrefix(xt, "[]"), strings.HasPrefix(xt, "["):
				key, val = "int", elemType(xt)
			case xt == "string" || xt == "untyped string":
				key, val = "int", "rune"
			}
			if id, ok := n.Key.(*ast.Ident); ok {
				set(id.Name, key)
			}
			if id, ok := n.Value.(*ast.Ident); ok {
				set(id.Name, val)
			}
		}
	}
	return true
}

var basicTypes = map[string]bool{"int": true, "int8": true, "int16": true, "int32": true, "int64": true,
	"uint": true, "uint8": true, "uint16": true, "uint32": true, "uint64": true, "uintptr": true,
	"byte": true, "rune": true, "float32": true, "float64": true, "string": true, "bool": true}

// typeText returns the text of a type expression for the types the
// rewriter reasons about (basic types, slices and arrays of them, user
// types and pointers to them), else "".
func (r *rewriter) typeText(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.Ident:
		if basicTypes[e.Name] {
			return canonical(e.Name)
		}
		if r.userType(e.Name) {
			return e.Name
		}
	case *ast.StarExpr:
		if id, ok := e.X.(*ast.Ident); ok && r.userType(id.Name) {
			return "*" + id.Name
		}
	case *ast.ArrayType:
		if el := r.typeText(e.Elt); el != "" && !strings.HasPrefix(el, "*") && basicTypes[el] {
			return "[]" + el
		}
	}
	return ""
}

// userType reports whether name is a type of the cell or of an earlier
// cell.
func (r *rewriter) userType(name string) bool {
	if sym, ok := r.pl.Syms[name]; ok {
		return sym.Kind == "type"
	}
	return r.p.isType(name)
}

// richFor returns the rich methods of values of type t (a user type or a
// pointer to one).
func (r *rewriter) richFor(t string) []string {
	name, ptr := strings.CutPrefix(t, "*")
	var ms []string
	for m, ptrRecv := range r.p.rich[name] {
		if _, ok := richMethods[m]; ok && (ptr || !ptrRecv) {
			ms = append(ms, m)
		}
	}
	return ms
}

func canonical(t string) string {
	switch t {
	case "byte":
		return "uint8"
	case "rune":
		return "int32"
	}
	return t
}

// isIntType reports whether t is an integer type, typed or untyped.
func isIntType(t string) bool {
	switch t {
	case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64", "uintptr", "untyped int", "untyped rune":
		return true
	}
	return false
}

// defaultType is the type a := gives to a value of type t.
func defaultType(t string) string {
	switch t {
	case "untyped int":
		return "int"
	case "untyped rune":
		return "int32"
	case "untyped float":
		return "float64"
	case "untyped string":
		return "string"
	}
	return t
}

func elemType(t string) string {
	if i := strings.IndexByte(t, ']'); strings.HasPrefix(t, "[") && i >= 0 {
		return t[i+1:]
	}
	return ""
}

// reflectType is typeText for a type of a compiled or global value.
func reflectType(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Slice, reflect.Array:
		if el := reflectType(t.Elem()); el != "" {
			return "[]" + el
		}
		return ""
	case reflect.Struct, reflect.Map, reflect.Pointer, reflect.Interface, reflect.Func, reflect.Chan:
		return ""
	}
	if t.String() != t.Kind().String() {
		return "" // a named type
	}
	return t.String()
}

// typeOf returns the type of e where the cell and the session tell it:
// a basic type, "untyped int|float|rune|string" for constants, a slice of
// a basic type, or "" when unknown.
func (r *rewriter) typeOf(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.BasicLit:
		switch e.Kind {
		case token.INT:
			return "untyped int"
		case token.FLOAT:
			return "untyped float"
		case token.CHAR:
			return "untyped rune"
		case token.STRING:
			return "untyped string"
		}
	case *ast.ParenExpr:
		return r.typeOf(e.X)
	case *ast.UnaryExpr:
		if e.Op == token.NOT {
			return "bool"
		}
		if e.Op == token.ADD || e.Op == token.SUB || e.Op == token.XOR {
			return r.typeOf(e.X)
		}
		if e.Op == token.AND {
			if t := r.typeOf(e.X); t != "" && r.userType(t) {
				return "*" + t
			}
		}
	case *ast.BinaryExpr:
		switch e.Op {
		case token.EQL, token.NEQ, token.LSS, token.GTR, token.LEQ, token.GEQ, token.LAND, token.LOR:
			return "bool"
		case token.SHL, token.SHR:
			return r.typeOf(e.X)
		}
		x, y := r.typeOf(e.X), r.typeOf(e.Y)
		switch {
		case x == "" || y == "":
			return ""
		case !strings.HasPrefix(x, "untyped"):
			return x
		case !strings.HasPrefix(y, "untyped"):
			return y
		case x == "untyped float" || y == "untyped float":
			return "untyped float"
		}
		return x
	case *ast.CallExpr:
		switch fun := e.Fun.(type) {
		case *ast.Ident:
			if basicTypes[fun.Name] {
				return canonical(fun.Name)
			}
			if r.userType(fun.Name) {
				return fun.Name
			}
			switch fun.Name {
			case "len", "cap":
				return "int"
			case "min", "max":
				return r.commonType(e.Args)
			}
			if t, ok := r.p.userResults[fun.Name]; ok {
				return t
			}
		case *ast.SelectorExpr:
			if x, ok := fun.X.(*ast.Ident); ok && r.isPkg(x.Name) {
				if v, ok := r.pkgSymbol(x.Name, fun.Sel.Name); ok && v.Kind() == reflect.Func && v.Type().NumOut() > 0 {
					return reflectType(v.Type().Out(0))
				}
			}
		case *ast.ArrayType:
			return r.typeText(fun)
		}
	case *ast.CompositeLit:
		return r.typeText(e.Type)
	case *ast.IndexExpr:
		return elemType(r.typeOf(e.X))
	case *ast.SliceExpr:
		return r.typeOf(e.X)
	case *ast.SelectorExpr:
		if x, ok := e.X.(*ast.Ident); ok {
			if r.isPkg(x.Name) {
				if v, ok := r.pkgSymbol(x.Name, e.Sel.Name); ok && v.IsValid() {
					if _, isConst := v.Interface().(constant.Value); isConst {
						switch v.Interface().(constant.Value).Kind() {
						case constant.Int:
							return "untyped int"
						case constant.Float:
							return "untyped float"
						case constant.String:
							return "untyped string"
						}
						return ""
					}
					if v.Kind() != reflect.Func && v.Kind() != reflect.Pointer || !v.IsNil() {
						return reflectType(v.Type())
					}
				}
				return ""
			}
			if v, ok := r.p.global(x.Name); ok && v.IsValid() {
				t := v.Type()
				if t.Kind() == reflect.Pointer {
					t = t.Elem()
				}
				if t.Kind() == reflect.Struct {
					if f, ok := t.FieldByName(e.Sel.Name); ok {
						return reflectType(f.Type)
					}
				}
			}
		}
	case *ast.Ident:
		if t, ok := r.vars[e.Name]; ok {
			return t
		}
		if t, ok := r.p.varTypes[e.Name]; ok {
			return t
		}
		if e.Name == "true" || e.Name == "false" {
			return "bool"
		}
		if v, ok := r.p.global(e.Name); ok && v.IsValid() {
			return reflectType(v.Type())
		}
	}
	return ""
}

// commonType is the type of min or max of args, "" when unknown.
func (r *rewriter) commonType(args []ast.Expr) string {
	typ := ""
	for _, a := range args {
		t := r.typeOf(a)
		switch {
		case t == "":
			return ""
		case !strings.HasPrefix(t, "untyped"):
			if typ != "" && !strings.HasPrefix(typ, "untyped") && typ != t {
				return ""
			}
			typ = t
		case typ == "" || typ == "untyped int" || typ == "untyped rune":
			typ = t
		}
	}
	return typ
}

// importPath returns the import path of a package name the cell imports.
func (r *rewriter) importPath(name string) (string, bool) {
	for _, im := range r.pl.Imports {
		n := im.Name
		if n == "" {
			n = pkgName(im.Path)
		}
		if n == name {
			return im.Path, true
		}
	}
	return "", false
}

// isPkg reports whether name is a package in the cell.
func (r *rewriter) isPkg(name string) bool {
	if _, ok := r.importPath(name); ok {
		return true
	}
	return r.p.isPkg(name)
}

// pkgSymbol returns the compiled symbol pkg.name, or for the slices
// package the compiled instantiation a call was rewritten to.
func (r *rewriter) pkgSymbol(pkg, name string) (reflect.Value, bool) {
	if path, ok := r.importPath(pkg); ok {
		v, ok := symbols[path+"/"+pkgName(path)][name]
		return v, ok
	}
	return r.p.pkgSymbol(pkg, name)
}

// isConst reports whether e is built from literals only.
func isConst(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.BasicLit:
		return true
	case *ast.ParenExpr:
		return isConst(e.X)
	case *ast.UnaryExpr:
		return isConst(e.X)
	case *ast.BinaryExpr:
		return isConst(e.X) && isConst(e.Y)
	}
	return false
}

// builtin reports whether the identifier refers to the builtin name: it is
// neither declared in the cell nor by an earlier cell.
func (r *rewriter) builtin(id *ast.Ident) bool {
	if _, ok := r.pl.Syms[id.Name]; ok {
		return false
	}
	_, local := r.vars[id.Name]
	return !local && !r.p.defined(id.Name)
}

// walk rewrites n and its children (children first, so that the edit of an
// outer construct is built from its rewritten parts).
func (r *rewriter) walk(n ast.Node) {
	if n == nil || r.err != nil {
		return
	}
	switch n := n.(type) {
	case *ast.LabeledStmt:
		r.labels = append(r.labels, labelled{name: n.Label.Name, selects: r.selects, start: r.off(n.Pos()), colon: r.off(n.Colon), end: r.off(n.End())})
		r.children(n)
		l := r.labels[len(r.labels)-1]
		r.labels = r.labels[:len(r.labels)-1]
		if l.used {
			r.es.add(edit{Start: l.end, End: l.end, Text: "; " + gotoLabel(l.name) + ": ;"})
		}
		return
	case *ast.SelectStmt:
		r.selects++
		r.children(n)
		r.selects--
		return
	case *ast.FuncLit:
		saved, savedSel := r.labels, r.selects
		r.labels, r.selects = nil, 0
		r.children(n)
		r.labels, r.selects = saved, savedSel
		return
	}
	r.children(n)
	switch n := n.(type) {
	case *ast.BranchStmt:
		if n.Tok == token.BREAK && n.Label != nil {
			for i := len(r.labels) - 1; i >= 0; i-- {
				if r.labels[i].name == n.Label.Name {
					if r.selects > r.labels[i].selects {
						r.labels[i].used = true
						r.es.add(edit{Start: r.off(n.Pos()), End: r.off(n.End()), Text: "goto " + gotoLabel(n.Label.Name)})
					}
					break
				}
			}
		}
	case *ast.RangeStmt:
		r.rangeStmt(n)
	case *ast.CallExpr:
		r.call(n)
	case *ast.GoStmt:
		r.goStmt(n)
	}
}

func gotoLabel(name string) string { return "__gomxBreak_" + name }

// needsFuncWrap reports whether a top-level statement declares names in
// blocks of its own (`a, err := f()`, `v, ok := m[k]`, `x := 2` in a loop,
// `for i := range xs`). yaegi v0.16.1 runs top-level statements as the
// body of main and gets such declarations wrong there but not inside
// functions: it fails on several names from one value ("undefined: a"),
// and a name that shadows a global writes the global instead. So such a
// statement runs as `func() { … }()`: the names it declares are local to
// its blocks anyway, and globals are still reached through the closure.
func needsFuncWrap(s ast.Stmt) bool {
	switch s.(type) {
	case *ast.IfStmt, *ast.ForStmt, *ast.RangeStmt, *ast.SwitchStmt, *ast.TypeSwitchStmt,
		*ast.SelectStmt, *ast.BlockStmt, *ast.LabeledStmt:
	default:
		return false
	}
	found := false
	ast.Inspect(s, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.AssignStmt:
			found = found || n.Tok == token.DEFINE
		case *ast.RangeStmt:
			found = found || n.Tok == token.DEFINE
		case *ast.DeclStmt:
			found = true
		}
		return !found
	})
	return found
}

// children walks the direct children of n.
func (r *rewriter) children(n ast.Node) {
	first := true
	ast.Inspect(n, func(c ast.Node) bool {
		if first {
			first = false
			return true
		}
		if c != nil {
			r.walk(c)
		}
		return false
	})
}

// rangeStmt rewrites a range over an integer into a three-clause loop and
// notes ranges it cannot classify.
func (r *rewriter) rangeStmt(n *ast.RangeStmt) {
	if _, ok := n.X.(*ast.FuncLit); ok {
		r.fail(n, "range over a function (iterator) is not supported by the interpreter: call the function with a yield callback instead")
		return
	}
	if !isIntType(r.typeOf(n.X)) {
		switch n.X.(type) {
		case *ast.CompositeLit:
		case *ast.BasicLit: // a string
		default:
			line, col := offsetLineCol(r.src, r.off(n.Pos()))
			r.pl.Ranges = append(r.pl.Ranges, rangeNote{Line: line, Col: col, Expr: r.raw(n.X)})
		}
		return
	}
	if n.Value != nil {
		r.fail(n, "range over an integer permits only one iteration variable")
		return
	}
	r.tmp++
	lim := fmt.Sprintf("__gomxN%d", r.tmp)
	key := fmt.Sprintf("__gomxI%d", r.tmp)
	tok := ":="
	if n.Key != nil {
		key = r.text(n.Key)
		if n.Tok == token.ASSIGN {
			tok = "="
		}
	}
	start := r.off(n.Pos())
	label := ""
	if k := len(r.labels) - 1; k >= 0 && r.labels[k].end == r.off(n.End()) {
		// the label moves inside the block, onto the loop
		l := r.labels[k]
		r.es.add(edit{Start: l.start, End: l.colon + 1, Text: ""})
		label = l.name + ": "
	}
	header := fmt.Sprintf("{%s := %s; %sfor %s %s %s - %s; %s < %s; %s++ ", lim, r.text(n.X), label, key, tok, lim, lim, key, lim, key)
	r.es.add(edit{Start: start, End: r.off(n.Body.Lbrace), Text: header})
	r.es.add(edit{Start: r.off(n.End()), End: r.off(n.End()), Text: "}"})
}

// call rewrites the builtins yaegi lacks (min, max, clear) and display
// call sites of user values.
func (r *rewriter) call(n *ast.CallExpr) {
	switch fun := n.Fun.(type) {
	case *ast.Ident:
		switch {
		case (fun.Name == "min" || fun.Name == "max") && r.builtin(fun) && len(n.Args) > 0:
			typ := defaultType(r.commonType(n.Args))
			args := make([]string, len(n.Args))
			for i, a := range n.Args {
				args[i] = r.text(a)
			}
			name := strings.ToUpper(fun.Name[:1]) + fun.Name[1:]
			if orderedTypes[typ] {
				name = rtName + "." + name + "_" + typ
			} else {
				// a generic helper: works as an argument or after =, not in :=
				name = "__gomx" + name
				if isConst(n.Args[0]) {
					for i, a := range n.Args {
						if !isConst(a) {
							args[0], args[i] = args[i], args[0]
							break
						}
					}
				}
			}
			r.es.add(edit{Start: r.off(n.Pos()), End: r.off(n.End()), Text: name + "(" + strings.Join(args, ", ") + ")"})
		case fun.Name == "clear" && r.builtin(fun) && len(n.Args) == 1:
			r.es.add(edit{Start: r.off(fun.Pos()), End: r.off(fun.End()), Text: rtName + ".Clear"})
		}
	case *ast.SelectorExpr:
		x, ok := fun.X.(*ast.Ident)
		if !ok || len(n.Args) == 0 {
			return
		}
		if x.Name == "slices" && r.builtin(x) && r.isPkg("slices") {
			name := "Slices_" + fun.Sel.Name + "_" + canonical(elemType(r.typeOf(n.Args[0])))
			if _, ok := slicesFuncs[name]; ok {
				r.es.add(edit{Start: r.off(fun.Pos()), End: r.off(fun.End()), Text: rtName + "." + name})
			}
			return
		}
		if len(n.Args) != 1 {
			return
		}
		rich := false
		switch fun.Sel.Name {
		case "Show":
			rich = x.Name == "viz" && r.isPkg("viz") || r.isDisplay(x.Name)
		case "Update":
			rich = r.isDisplay(x.Name)
		}
		if !rich {
			return
		}
		a := n.Args[0]
		switch a.(type) {
		case *ast.Ident, *ast.CompositeLit, *ast.SelectorExpr, *ast.UnaryExpr:
			// evaluated once per representation: only for expressions
			// without side effects
			if ms := r.richFor(r.typeOf(a)); len(ms) > 0 {
				r.es.add(edit{Start: r.off(a.Pos()), End: r.off(a.End()), Text: richCall(r.text(a), ms)})
			}
		}
	}
}

// isDisplay reports whether name holds a *viz.Display.
func (r *rewriter) isDisplay(name string) bool {
	if r.displays[name] {
		return true
	}
	if v, ok := r.p.global(name); ok && v.IsValid() {
		return v.Type().String() == "*viz.Display"
	}
	return false
}

// goStmt makes a panic in the goroutine an error on the cell: the
// goroutine reports its end and any panic to the session.
func (r *rewriter) goStmt(n *ast.GoStmt) {
	r.tmp++
	tracker := fmt.Sprintf("__gomxT%d", r.tmp)
	deferText := fmt.Sprintf("defer func() { %s.GoDone(%s, recover()) }(); ", rtName, tracker)
	startText := fmt.Sprintf("%s := %s.GoStart(); ", tracker, rtName)
	if lit, ok := n.Call.Fun.(*ast.FuncLit); ok {
		r.es.add(edit{Start: r.off(n.Pos()), End: r.off(n.Pos()), Text: "{ " + startText})
		at := r.off(lit.Body.Lbrace) + 1
		r.es.add(edit{Start: at, End: at, Text: deferText})
		r.es.add(edit{Start: r.off(n.End()), End: r.off(n.End()), Text: " }"})
		return
	}
	var names, vals, args []string
	for i, a := range n.Call.Args {
		if isConst(a) {
			args = append(args, r.text(a))
			continue
		}
		v := fmt.Sprintf("__gomxA%d_%d", r.tmp, i)
		names = append(names, v)
		vals = append(vals, r.text(a))
		args = append(args, v)
	}
	ell := ""
	if n.Call.Ellipsis.IsValid() {
		ell = "..."
	}
	var b strings.Builder
	b.WriteString("{ ")
	if len(names) > 0 {
		fmt.Fprintf(&b, "%s := %s; ", strings.Join(names, ", "), strings.Join(vals, ", "))
	}
	fmt.Fprintf(&b, "%sgo func() { %s%s(%s%s) }() }", startText, deferText, r.text(n.Call.Fun), strings.Join(args, ", "), ell)
	r.es.add(edit{Start: r.off(n.Pos()), End: r.off(n.End()), Text: b.String()})
}

// compiledType returns the type of e when it is a call of a compiled
// function or a compiled package's variable; nil otherwise.
func (r *rewriter) compiledType(e ast.Expr) reflect.Type {
	switch e := e.(type) {
	case *ast.ParenExpr:
		return r.compiledType(e.X)
	case *ast.CallExpr:
		if sel, ok := e.Fun.(*ast.SelectorExpr); ok {
			if x, ok := sel.X.(*ast.Ident); ok && r.isPkg(x.Name) {
				if v, ok := r.pkgSymbol(x.Name, sel.Sel.Name); ok && v.Kind() == reflect.Func && v.Type().NumOut() > 0 {
					return v.Type().Out(0)
				}
				return nil
			}
			if t := r.compiledType(sel.X); t != nil {
				if m, ok := t.MethodByName(sel.Sel.Name); ok && m.Type.NumOut() > 0 {
					return m.Type.Out(0)
				}
			}
		}
	case *ast.SelectorExpr:
		if x, ok := e.X.(*ast.Ident); ok && r.isPkg(x.Name) {
			if v, ok := r.pkgSymbol(x.Name, e.Sel.Name); ok && v.IsValid() && v.Kind() != reflect.Func && !(v.Kind() == reflect.Pointer && v.IsNil()) {
				return v.Type()
			}
		}
	}
	return nil
}

// genericCall reports whether e is a call of a user generic function or
// of the generic helpers that stand for min and max.
func (r *rewriter) genericCall(e ast.Expr) bool {
	call, ok := e.(*ast.CallExpr)
	if !ok {
		return false
	}
	fun := call.Fun
	if ix, ok := fun.(*ast.IndexExpr); ok {
		fun = ix.X
	}
	if ix, ok := fun.(*ast.IndexListExpr); ok {
		fun = ix.X
	}
	switch f := fun.(type) {
	case *ast.Ident:
		if (f.Name == "min" || f.Name == "max") && r.builtin(f) {
			return !orderedTypes[defaultType(r.commonType(call.Args))]
		}
		return r.p.generic[f.Name]
	case *ast.SelectorExpr:
		if x, ok := f.X.(*ast.Ident); ok && (x.Name == "slices" || x.Name == "maps") && r.isPkg(x.Name) {
			return !strings.HasPrefix(r.text(call), rtName+".")
		}
	}
	return false
}

// valueCount returns how many values the expression statement e has: 1
// for an expression that is not a call, and for a call the number of
// results when the cell and the session tell it, else -1. A call is shown
// only when its result count is known: yaegi cannot say, and evaluating a
// call of a function without results into a variable runs it and fails.
func (r *rewriter) valueCount(e ast.Expr) int {
	if p, ok := e.(*ast.ParenExpr); ok {
		return r.valueCount(p.X)
	}
	call, ok := e.(*ast.CallExpr)
	if !ok {
		return 1
	}
	fun := call.Fun
	if ix, ok := fun.(*ast.IndexExpr); ok {
		fun = ix.X // explicit type arguments
	}
	if ix, ok := fun.(*ast.IndexListExpr); ok {
		fun = ix.X
	}
	switch f := fun.(type) {
	case *ast.FuncLit:
		if f.Type.Results == nil {
			return 0
		}
		return f.Type.Results.NumFields()
	case *ast.ArrayType, *ast.MapType, *ast.ChanType, *ast.InterfaceType, *ast.StructType:
		return 1
	case *ast.Ident:
		if r.builtin(f) {
			switch f.Name {
			case "print", "println", "panic", "close", "delete", "clear", "copy":
				return 0
			case "len", "cap", "append", "make", "new", "complex", "real", "imag", "min", "max", "recover":
				return 1
			}
			if basicTypes[f.Name] || f.Name == "any" || f.Name == "error" {
				return 1
			}
		}
		if n, ok := r.p.userFuncs[f.Name]; ok {
			return n
		}
		if sym, ok := r.pl.Syms[f.Name]; ok && sym.Kind == "type" || r.p.isType(f.Name) {
			return 1
		}
		if v, ok := r.p.global(f.Name); ok && v.IsValid() && v.Kind() == reflect.Func {
			return v.Type().NumOut()
		}
	case *ast.SelectorExpr:
		if t := r.compiledType(f.X); t != nil {
			if m, ok := t.MethodByName(f.Sel.Name); ok {
				return m.Type.NumOut()
			}
			if t.Kind() != reflect.Pointer && t.Kind() != reflect.Interface {
				if m, ok := reflect.PointerTo(t).MethodByName(f.Sel.Name); ok {
					return m.Type.NumOut()
				}
			}
		}
		x, ok := f.X.(*ast.Ident)
		if !ok {
			break
		}
		if r.isPkg(x.Name) {
			if x.Name == "fmt" && (strings.HasPrefix(f.Sel.Name, "Print") || strings.HasPrefix(f.Sel.Name, "Fprint") || strings.HasPrefix(f.Sel.Name, "Scan")) {
				return 0
			}
			if v, ok := r.pkgSymbol(x.Name, f.Sel.Name); ok {
				if v.Kind() == reflect.Func {
					return v.Type().NumOut()
				}
				return 1 // a conversion to a package's type
			}
			if x.Name == "slices" {
				switch f.Sel.Name {
				case "Sort", "SortFunc", "SortStableFunc", "Reverse":
					return 0
				case "BinarySearch", "BinarySearchFunc":
					return 2
				}
				return 1
			}
			return -1
		}
		if v, ok := r.p.global(x.Name); ok && v.IsValid() {
			t := v.Type()
			if m, ok := t.MethodByName(f.Sel.Name); ok {
				return m.Type.NumOut()
			}
			if m, ok := reflect.PointerTo(t).MethodByName(f.Sel.Name); ok {
				return m.Type.NumOut()
			}
		}
		if n, ok := r.p.userMethods[f.Sel.Name]; ok && n >= 0 {
			return n
		}
	}
	return -1
}

// idents returns the identifiers of src that are neither after a period
// nor before a colon, with their positions.
func idents(src string) []rangeNote {
	fset := token.NewFileSet()
	file := fset.AddFile("cell.go", -1, len(src))
	var sc scanner.Scanner
	sc.Init(file, []byte(src), nil, 0)
	var out []rangeNote
	var pending *rangeNote
	prev := token.ILLEGAL
	for {
		pos, t, lit := sc.Scan()
		if pending != nil {
			if t != token.COLON {
				out = append(out, *pending)
			}
			pending = nil
		}
		if t == token.EOF {
			break
		}
		if t == token.IDENT && prev != token.PERIOD {
			line, col := offsetLineCol(src, file.Offset(pos))
			pending = &rangeNote{Line: line, Col: col, Expr: lit}
		}
		prev = t
	}
	return out
}

// firstLine returns the first line of s.
func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return strings.TrimRight(s[:i], " {")
	}
	return s
}

// blankKeepLines returns s with everything but newlines made spaces.
func blankKeepLines(s string) string {
	b := []byte(s)
	for i := range b {
		if b[i] != '\n' {
			b[i] = ' '
		}
	}
	return string(b)
}
