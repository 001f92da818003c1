package front

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"sort"
	"strings"
)

// maxErrors is how many errors a cell reports at most, as go build does.
const maxErrors = 10

// ErrorKind tells apart the ways the front end rejects a cell.
type ErrorKind int

// Error kinds.
const (
	SyntaxError ErrorKind = iota // the cell does not parse
	TypeError                    // go/types rejects it: Go's own message
	Unsupported                  // valid Go that gomx cannot run exactly
	Internal                     // a bug of the front end
)

// An Error is a problem of a cell at a position in the cell as typed:
// Line and Col are 1-based, Col counts runes; 0 when unknown.
type Error struct {
	Kind      ErrorKind
	Line, Col int
	Msg       string
}

func (e Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%d:%d: %s", e.Line, e.Col, e.Msg)
	}
	return e.Msg
}

// Config is what the front end needs from the session.
type Config struct {
	// Fset is the interpreter's FileSet: yaegi's CompileAST requires
	// nodes parsed into it.
	Fset *token.FileSet
	// Importer gives the type information of preloaded packages.
	Importer types.Importer
	// Available reports whether the exported package-level symbol name
	// of package path can be used in a cell (the interpreter's tables of
	// a preloaded package may lack symbols its type information has).
	// Nil means every symbol is available.
	Available func(path, name string) bool
	// AutoImports are package names a cell may use without importing
	// them, with their import paths.
	AutoImports map[string]string
	// Runtime is the import path of the compiled helpers that lowered
	// code calls: Show, ShowTuple, ShowRich, Rich, Base64, Print,
	// Println, Min_<T>, Max_<T>, Clear, GoStart, GoDone and the
	// overrides of methods that end the process (LogFatal, …).
	Runtime string
	// StdGeneric gives the compiled instantiation, in the runtime
	// package, of generic function name of compiled package path for
	// type arguments targs (the interpreter's tables cannot hold a
	// generic function); ok is false when there is none, and the front
	// end copies the function from its source (see generic.go). With no
	// type arguments, it is the compiled replacement of a function of
	// that source that has no body (a link into the runtime, as
	// maps.clone).
	StdGeneric func(path, name string, targs []types.Type) (repl string, ok bool)
	// Interpreted reports whether the package path is interpreted from
	// source (a package of a module a cell imported): its types' methods
	// are as hidden from compiled code as the session's. Nil means none.
	Interpreted func(path string) bool
	// Source gives the Go files (paths) of package path, interpreted
	// from source, and its module's language version ("go1.22"), from
	// which the front end copies its generic functions and types for
	// another package (see generic.go); ok is false when it has none.
	Source func(path string) (files []string, goVersion string, ok bool)
	// TagVar is the name of the session's int variable that the lowered
	// code sets before each statement that can panic (see tags.go); ""
	// for none.
	TagVar string
}

// Front is the front end of one session: it holds the declarations of
// the cells compiled so far. It is not safe for concurrent use.
type Front struct {
	cfg   Config
	cells []string // cell sources by number-1

	decls   map[string]*decl // live package-level declarations by user name; methods "T.m"
	order   int              // declaration counter, for the prelude's order
	imports map[string]string
	// aliases are the internal import names of packages, by path.
	aliases map[string]string
	// typeNames counts definitions of each type name, for internal names
	// of redefined types.
	typeNames map[string]int
	temps     int
	// prelude is the position given to prelude declarations.
	prelude token.Pos
	// tags are the positions of the statements tags name, by tag-1.
	tags []Position
	// nests are the positions of the function literals nestdefers made,
	// as the interpreter reports a frame of them (nestdefers.go).
	nests map[Position]bool
	// srcs are the standard packages type-checked from their source, by
	// path; generics the copies of their functions and types the
	// interpreter has, by key (see generic.go), and genSeq numbers them.
	srcs     map[string]*srcPkg
	generics map[string]string
	genSeq   int
	// typeAliases are the aliases a package read from source declares
	// for its types whose names local declarations hide (see
	// shadowedType).
	typeAliases map[string]*types.TypeName
	// hooks are the assertion functions of earlier cells, which later
	// cells' types join (latetypes.go); newHooks those of the cell being
	// compiled.
	hooks, newHooks []*assertHook
	// refused says why errors.Is and errors.Unwrap cannot answer, as the
	// runtime was last told (latetypes.go); newRefused what the cell
	// being compiled tells it.
	refused, newRefused map[string]string
}

// New returns a front end for a new session.
func New(cfg Config) *Front {
	f := &Front{cfg: cfg, srcs: map[string]*srcPkg{}, generics: map[string]string{}, typeAliases: map[string]*types.TypeName{}}
	f.Reset()
	return f
}

// Reset forgets every declaration and import (%reset).
func (f *Front) Reset() {
	f.decls = map[string]*decl{}
	f.imports = map[string]string{}
	f.aliases = map[string]string{}
	f.typeNames = map[string]int{}
	f.order = 0
	f.tags = nil
	f.nests = nil
	f.refused = map[string]string{}
}

// alias returns the internal import name of package path.
func (f *Front) alias(path string) string {
	a, ok := f.aliases[path]
	if !ok {
		a = fmt.Sprintf("$p%d", len(f.aliases))
		f.aliases[path] = a
	}
	return a
}

// Position maps a position the interpreter reports (file name, line and
// byte column in the synthetic file, which line directives make the
// cell's own line and column) to the cell and its line and rune column.
// ok is false for a file that is not a cell.
func (f *Front) Position(file string, line, col int) (cellNo, l, c int, ok bool) {
	n := 0
	if _, err := fmt.Sscanf(file, "cell%d", &n); err != nil || n < 1 || n > len(f.cells) {
		return 0, 0, 0, false
	}
	return n, line, runeCol(f.cells[n-1], line, col), true
}

// Nested reports whether the interpreter's frame at file, line and byte
// column col (as Position takes them) is a function literal the front end
// made to nest a function's deferred calls, which a traceback leaves out:
// the function it belongs to is the next frame.
func (f *Front) Nested(file string, line, col int) bool {
	n, l, c, ok := f.Position(file, line, col)
	return ok && f.nests[Position{Cell: n, Line: l, Col: c}]
}

// Cells returns the number of cells compiled so far.
func (f *Front) Cells() int { return len(f.cells) }

// A Symbol is a package-level declaration of the session, for completion
// and inspection.
type Symbol struct {
	Name string
	Kind string // "function", "type", "variable", "constant"
	Sig  string // its declaration without body, as go/types prints it
	Doc  string
	Cell int
}

// Symbols returns the session's declarations, sorted by name (methods
// are left out).
func (f *Front) Symbols() []Symbol {
	var out []Symbol
	for _, d := range f.decls {
		if d.method {
			continue
		}
		out = append(out, Symbol{Name: d.name, Kind: d.kind(), Sig: d.sig, Doc: d.doc, Cell: d.cell})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Imports returns the session's imports: package name → import path.
func (f *Front) Imports() map[string]string {
	m := make(map[string]string, len(f.imports))
	for k, v := range f.imports {
		m[k] = v
	}
	return m
}

// Methods returns the methods of the session type named typeName, with
// their signatures, sorted by name.
func (f *Front) Methods(typeName string) []Symbol {
	var out []Symbol
	for _, d := range f.decls {
		if d.method && strings.HasPrefix(d.name, typeName+".") {
			out = append(out, Symbol{Name: strings.TrimPrefix(d.name, typeName+"."), Kind: "method", Sig: d.sig, Doc: d.doc, Cell: d.cell})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// A Unit is a lowered cell, ready for the interpreter: compile File, then
// call Commit, then execute it.
type Unit struct {
	// File is a file of package main: the cell's imports (internal
	// names), types, funcs, methods, consts, its package-level vars
	// without initializers, the cell's function and an init function
	// that runs it through the runtime's Run, which records when it has
	// ended. The interpreter runs the cell by running this file.
	File *ast.File
	// Shows reports whether the cell's last statement is an expression
	// whose value is shown.
	Shows bool
	// DefinesMain is set when the cell defines func main (run by Run).
	DefinesMain bool

	front  *Front
	commit []*decl
	drop   []string
	imps   map[string]string
	// generics are the copies of generic functions the unit declares
	// (see generic.go).
	generics map[string]string
	// hooks are the assertion functions the unit declares; refused what
	// it tells the runtime of errors.Is and errors.Unwrap.
	hooks   []*assertHook
	refused map[string]string
}

// Commit records the unit's declarations as the session's, once the
// interpreter compiled File.
func (u *Unit) Commit() {
	f := u.front
	for _, name := range u.drop {
		delete(f.decls, name)
	}
	for name, path := range u.imps {
		f.imports[name] = path
	}
	for key, name := range u.generics {
		f.generics[key] = name
	}
	f.hooks = append(f.hooks, u.hooks...)
	for name, why := range u.refused {
		f.refused[name] = why
	}
	for _, d := range u.commit {
		if old, ok := f.decls[d.name]; ok && old.obj != nil {
			if _, isType := old.obj.(*types.TypeName); isType {
				f.dropMethods(d.name)
			}
		}
		f.order++
		d.seq = f.order
		f.decls[d.name] = d
		if !d.method {
			delete(f.imports, d.name)
		}
	}
}

// dropMethods forgets the methods of the type named t.
func (f *Front) dropMethods(t string) {
	for name, d := range f.decls {
		if d.method && strings.HasPrefix(name, t+".") {
			delete(f.decls, name)
		}
	}
}

// Members returns the fields and methods of the session variable name,
// from its static type; ok is false when name is not a session variable.
func (f *Front) Members(name string) (members []Symbol, ok bool) {
	d, found := f.decls[name]
	if !found {
		return nil, false
	}
	v, isVar := d.obj.(*types.Var)
	if !isVar {
		return nil, false
	}
	t := v.Type()
	// what a cell may use: exported members, and the unexported ones of
	// the session's own types (those of a package's types panic)
	usable := func(o types.Object) bool {
		return o.Exported() || o.Pkg() != nil && v.Pkg() != nil && o.Pkg().Path() == v.Pkg().Path()
	}
	seen := map[string]bool{}
	ms := types.NewMethodSet(t)
	if _, isPtr := t.Underlying().(*types.Pointer); !isPtr && !types.IsInterface(t) {
		ms = types.NewMethodSet(types.NewPointer(t))
	}
	for i := 0; i < ms.Len(); i++ {
		m := ms.At(i).Obj()
		if !seen[m.Name()] && usable(m) {
			seen[m.Name()] = true
			members = append(members, Symbol{Name: m.Name(), Kind: "method", Sig: types.ObjectString(m, nil)})
		}
	}
	// fields, with those promoted from embedded structs (the shallower
	// first, as Go selects them)
	level := []types.Type{t}
	for depth := 0; depth < 8 && len(level) > 0; depth++ {
		var next []types.Type
		for _, st := range level {
			if p, isPtr := st.Underlying().(*types.Pointer); isPtr {
				st = p.Elem()
			}
			s, isStruct := st.Underlying().(*types.Struct)
			if !isStruct {
				continue
			}
			for i := 0; i < s.NumFields(); i++ {
				fld := s.Field(i)
				if fld.Embedded() {
					next = append(next, fld.Type())
				}
				if !seen[fld.Name()] && usable(fld) {
					seen[fld.Name()] = true
					members = append(members, Symbol{Name: fld.Name(), Kind: "field", Sig: types.ObjectString(fld, nil)})
				}
			}
		}
		level = next
	}
	return members, true
}

// CheckSyntax returns the first syntax error of src as a cell, nil when it
// parses.
func CheckSyntax(src string) error {
	_, errs := parseCell(token.NewFileSet(), 1, src)
	if len(errs) > 0 {
		return errs[0]
	}
	return nil
}
