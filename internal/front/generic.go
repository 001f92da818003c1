package front

import (
	"errors"
	"fmt"
	"go/ast"
	"go/build"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// Pass generic: the generic functions of the standard library and of
// packages interpreted from source, by monomorphisation of their source.
//
// The interpreter's tables of a compiled package cannot hold a generic
// function. A call of one (slices.Sort(xs), maps.Keys(m)) becomes a call
// of a compiled instantiation of the runtime when the session has one for
// the type arguments (Config.StdGeneric), and otherwise of a non-generic
// copy of the function made from the package's own source in the Go
// toolchain's GOROOT:
//
//   - The package is parsed and type-checked once per session, lazily,
//     against the session's importer (so that its imports are the types
//     cells see).
//   - The copy is the function's declaration with its type parameters
//     bound to the type arguments (a type name of the package scope per
//     parameter, $t<n>, aliasing the argument), type-checked again into
//     the package, and lowered by the passes that lower a cell: range
//     over functions, loop variables, defers, … are Go's.
//   - What the copy reaches of its package is copied the same way, on
//     demand, while it is lowered: a generic function by the type
//     arguments of the call, an unexported function, type (with its
//     methods) as it is. Exported non-generic names are the compiled
//     package's. Constants are folded by the consts pass. An unexported
//     package variable is not copied (it is the compiled package's state):
//     a function that uses one is Unsupported, as is one whose source the
//     importer's types cannot check (internal packages, linknames).
//   - In a generic function of the session, whose type parameters are
//     known only when the interpreter instantiates it, the copy keeps its
//     type parameters (and so does what it calls with them), and the
//     interpreter instantiates it; constraints such as cmp.Ordered are
//     written as their type sets.
//   - iter.Seq[V] and iter.Seq2[K, V] are written as their underlying
//     func types; an instance of another generic type of a compiled
//     package is a compiled instantiation of the runtime
//     (Config.StdGeneric: unique.Handle of basic types) or a copy of the
//     type's source with its methods, for the type arguments
//     (atomic.Pointer[T]), named and kept as a function's copy.
//
// Copies are named $g<n>_<package>_<name>, declared in the file of the
// cell that first needs them and kept, by package, name and type
// arguments (written with the interpreter's names of session types),
// once the cell is committed. A type argument declared inside a function
// cannot be named at package level: Unsupported.
//
// A package of a module, interpreted from source (Config.Interpreted),
// is copied from in the same way: the interpreter instantiates a generic
// function or type only inside the package that declares it (from
// another, yaegi v0.16.1 fails with "undefined type" for its type
// parameters). Its source is the files the interpreter reads
// (Config.Source), type-checked against the session's importer with its
// module's language version; a use from a cell or from another package
// (LowerPackage, where the copies go into the file of the package that
// uses them) is a copy as above. Its exported names are the interpreted
// package's; its unexported variables cannot be reached from the copy:
// Unsupported.

// A srcPkg is a package type-checked from its source: of the standard
// library, or of a module.
type srcPkg struct {
	pkg   *types.Package
	info  *types.Info
	files []*ast.File
	// decls are the package-level function declarations and type specs
	// by their objects; methods of each type name.
	funcs   map[types.Object]*ast.FuncDecl
	types   map[types.Object]*ast.TypeSpec
	methods map[types.Object][]*ast.FuncDecl
	// interpreted is set for a package read from source (a module's),
	// whose files are those the interpreter reads; goVersion is its
	// module's language version ("" for the standard library).
	interpreted bool
	goVersion   string
	err         error
}

// goroot returns the GOROOT of the Go toolchain: $GOROOT, the one gomx
// was built with, or `go env GOROOT`, the first with sources.
var goroot = sync.OnceValues(func() (string, error) {
	has := func(root string) bool {
		fi, err := os.Stat(filepath.Join(root, "src", "slices"))
		return root != "" && err == nil && fi.IsDir()
	}
	if r := os.Getenv("GOROOT"); has(r) {
		return r, nil
	}
	//lint:ignore SA1019 the toolchain that built gomx is the one wanted
	if r := runtime.GOROOT(); has(r) {
		return r, nil
	}
	if out, err := exec.Command("go", "env", "GOROOT").Output(); err == nil {
		if r := strings.TrimSpace(string(out)); has(r) {
			return r, nil
		}
	}
	return "", errors.New("gomx compiles the generic functions of the standard library from the Go toolchain's sources, and found none: install Go (https://go.dev/dl) or set GOROOT")
})

// source returns package path type-checked from its GOROOT source.
func (f *Front) source(path string) (*srcPkg, error) {
	if sp, ok := f.srcs[path]; ok {
		return sp, sp.err
	}
	sp := &srcPkg{funcs: map[types.Object]*ast.FuncDecl{}, types: map[types.Object]*ast.TypeSpec{}, methods: map[types.Object][]*ast.FuncDecl{}}
	f.srcs[path] = sp
	sp.err = sp.load(f, path)
	return sp, sp.err
}

func (sp *srcPkg) load(f *Front, path string) error {
	var names []string
	if f.cfg.Interpreted != nil && f.cfg.Interpreted(path) {
		// a module's package read from source, whose copies are made
		// from the files the interpreter reads
		ok := false
		if f.cfg.Source != nil {
			names, sp.goVersion, ok = f.cfg.Source(path)
		}
		if !ok {
			return fmt.Errorf("gomx has not read package %s from source, and instantiates its generic functions and types from there", path)
		}
		sp.interpreted = true
	} else {
		if first, _, _ := strings.Cut(path, "/"); strings.Contains(first, ".") {
			// a package compiled into gomx (gonum, a gomx build --with
			// package): its table has no generic symbols
			return fmt.Errorf("gomx instantiates the generic functions and types of the standard library and of packages read from source only; those of the compiled package %s are not in its table: import it from source, or call a non-generic function", path)
		}
		root, err := goroot()
		if err != nil {
			return err
		}
		ctx := build.Default
		ctx.GOROOT = root
		ctx.CgoEnabled = false
		bp, err := ctx.ImportDir(filepath.Join(root, "src", filepath.FromSlash(path)), 0)
		if err != nil {
			return fmt.Errorf("reading the source of package %s in %s: %v", path, root, err)
		}
		for _, name := range bp.GoFiles {
			names = append(names, filepath.Join(bp.Dir, name))
		}
	}
	for _, name := range names {
		file, err := parser.ParseFile(f.cfg.Fset, name, nil, parser.SkipObjectResolution)
		if err != nil {
			return fmt.Errorf("parsing the source of package %s: %v", path, err)
		}
		sp.files = append(sp.files, file)
	}
	sp.info = NewInfo()
	conf := types.Config{Importer: f.cfg.Importer, Sizes: gcSizes, GoVersion: sp.goVersion, Error: func(error) {}}
	// errors are those of declarations that use what the importer
	// lacks (internal packages): a copy that reaches one fails to check
	sp.pkg, _ = conf.Check(path, f.cfg.Fset, sp.files, sp.info)
	for _, file := range sp.files {
		for _, d := range file.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if d.Recv == nil {
					if obj := sp.info.Defs[d.Name]; obj != nil {
						sp.funcs[obj] = d
					}
					continue
				}
				if obj, ok := sp.info.Defs[d.Name].(*types.Func); ok {
					if recv := obj.Type().(*types.Signature).Recv(); recv != nil {
						t := recv.Type()
						if p, ok := t.(*types.Pointer); ok {
							t = p.Elem()
						}
						if n, ok := types.Unalias(t).(*types.Named); ok {
							o := n.Origin().Obj()
							sp.methods[o] = append(sp.methods[o], d)
						}
					}
				}
			case *ast.GenDecl:
				for _, s := range d.Specs {
					if ts, ok := s.(*ast.TypeSpec); ok {
						if obj := sp.info.Defs[ts.Name]; obj != nil {
							sp.types[obj] = ts
						}
					}
				}
			}
		}
	}
	return nil
}

// fileOf returns the file of the package that holds n.
func (sp *srcPkg) fileOf(n ast.Node) *ast.File {
	for _, file := range sp.files {
		if file.FileStart <= n.Pos() && n.Pos() < file.FileEnd {
			return file
		}
	}
	return nil
}

// NewInfo returns a types.Info that records every fact the lowering passes
// read.
func NewInfo() *types.Info {
	return &types.Info{
		Types:        map[ast.Expr]types.TypeAndValue{},
		Instances:    map[*ast.Ident]types.Instance{},
		Defs:         map[*ast.Ident]types.Object{},
		Uses:         map[*ast.Ident]types.Object{},
		Implicits:    map[ast.Node]types.Object{},
		Selections:   map[*ast.SelectorExpr]*types.Selection{},
		Scopes:       map[ast.Node]*types.Scope{},
		FileVersions: map[*ast.File]string{},
	}
}

// A genState is what the copies made for one cell share: the cell's
// lowerer (whose type writer names the session's types and whose file
// gets the declarations) and the copies made so far.
type genState struct {
	cell *lowerer
	// made are the copies this cell made, key → name (see genKey);
	// they join the session's (Front.generics) when it is committed.
	made map[string]string
	// types and funcs are the lowered declarations of the copies.
	types, funcs []ast.Decl
	// pos is the position in the cell of the call that needed them: the
	// interpreter finds a name's file, and so its imports, by position,
	// so the copies are positioned in the cell's file.
	pos token.Pos
}

// gen returns the cell's genState.
func (l *lowerer) genState() *genState {
	if l.gen == nil {
		l.gen = &genState{cell: l, made: map[string]string{}}
	}
	return l.gen
}

// isTypeArgName reports whether obj is a type name that binds a type
// parameter of a copy to its argument.
func isTypeArgName(obj types.Object) bool {
	tn, ok := obj.(*types.TypeName)
	return ok && tn.Pkg() == nil && strings.HasPrefix(tn.Name(), "$t")
}

// genericCall returns the name of the function that runs generic
// function fn of another package (a compiled one, or the source package l
// lowers a copy of) with type arguments targs: a compiled instantiation of
// the runtime or a copy of fn's source.
func (l *lowerer) genericCall(at ast.Node, fn *types.Func, targs []types.Type) (ast.Expr, bool) {
	path := fn.Pkg().Path()
	if l.src == nil && l.f.cfg.StdGeneric != nil {
		if repl, ok := l.f.cfg.StdGeneric(path, fn.Name(), targs); ok {
			return l.rtAt(repl, at.Pos()), true
		}
	}
	what := fn.Pkg().Name() + "." + fn.Name() + typeArgList(targs)
	if path == "errors" && fn.Name() == "AsType" && len(targs) == 1 && l.boxedStruct(targs[0]) {
		l.unsupported(at, "%s: %s", what, boxedStructWhy(l.typeString(targs[0])))
		return nil, false
	}
	// in a generic function (of the session, or a generic copy), with
	// its type parameters: a generic copy, which the interpreter
	// instantiates
	generic := false
	for _, t := range targs {
		generic = generic || typeParamIn(t) != nil
	}
	if l.src == nil && !generic {
		for _, t := range targs {
			if local := localType(t, l.pkg); local != nil {
				l.unsupported(at, "%s: the type argument %s is declared inside a function; gomx compiles %s.%s for it at package level, where it cannot be named (declare %s at the top level of a cell)", what, local.Name(), fn.Pkg().Name(), fn.Name(), local.Name())
				return nil, false
			}
		}
	}
	sp, err := l.f.source(path)
	if err == nil && sp.pkg.Scope().Lookup(fn.Name()) == nil {
		err = fmt.Errorf("package %s has no %s in the source of this Go", path, fn.Name())
	}
	var name string
	if err == nil {
		if l.src == nil {
			l.genState().pos = at.Pos()
		}
		if generic {
			name, targs, err = l.genState().genericItem(sp, sp.pkg.Scope().Lookup(fn.Name()), targs)
		} else {
			name, err = l.genState().item(sp, sp.pkg.Scope().Lookup(fn.Name()), targs)
		}
	}
	if err != nil {
		l.unsupported(at, "%s: gomx cannot run this generic function for these type arguments: %v", what, err)
		return nil, false
	}
	id := &ast.Ident{NamePos: at.Pos(), Name: name}
	if !generic {
		return id, true
	}
	var idx []ast.Expr
	for _, t := range targs {
		te := l.w.expr(t)
		setPos(te, at.Pos())
		idx = append(idx, te)
	}
	if len(idx) == 1 {
		return &ast.IndexExpr{X: id, Lbrack: at.Pos(), Index: idx[0], Rbrack: at.Pos()}, true
	}
	return &ast.IndexListExpr{X: id, Lbrack: at.Pos(), Indices: idx, Rbrack: at.Pos()}, true
}

// genericItem returns the interpreter's name of the generic copy of
// generic function obj of sp for type arguments targs that use type
// parameters (of a generic function of the session, or of a generic
// copy), making it when the session has none, and the type arguments it
// takes. The copy keeps the type parameters for the interpreter to
// instantiate, but one whose argument is its constraint's core type (S
// of [S ~[]E, E] called with []T, T) is replaced by that type ([]E): the
// interpreter's generics fail on such parameters.
func (g *genState) genericItem(sp *srcPkg, obj types.Object, targs []types.Type) (string, []types.Type, error) {
	f := g.cell.f
	fn, ok := obj.(*types.Func)
	fd := sp.funcs[obj]
	if !ok || fd == nil || fd.Body == nil {
		return "", nil, fmt.Errorf("%s.%s has no body in Go", sp.pkg.Path(), obj.Name())
	}
	tps := fn.Type().(*types.Signature).TypeParams()
	if tps.Len() != len(targs) {
		return "", nil, fmt.Errorf("%d type arguments for %d type parameters", len(targs), tps.Len())
	}
	// the type parameters replaced by their core types, from the
	// constraints as written
	cores := map[types.Object]ast.Expr{}
	var kept []types.Type
	mask := ""
	for _, fld := range fd.Type.TypeParams.List {
		u, ok := fld.Type.(*ast.UnaryExpr)
		for _, nm := range fld.Names {
			tp, _ := sp.info.Defs[nm].(*types.TypeName)
			i := typeParamIndex(tps, tp)
			if ok && u.Op == token.TILDE && i >= 0 {
				if core := coreOf(tps.At(i)); core != nil {
					if t, ok := substTypeParams(core, tps, targs); ok && types.Identical(t, targs[i]) {
						cores[tp] = u.X
						mask += "c"
						continue
					}
				}
			}
			mask += "p"
			if i >= 0 {
				kept = append(kept, targs[i])
			}
		}
	}
	key := obj.Pkg().Path() + "." + obj.Name() + "[generic " + mask + "]"
	if name, ok := f.generics[key]; ok {
		return name, kept, nil
	}
	if name, ok := g.made[key]; ok {
		return name, kept, nil
	}
	f.genSeq++
	name := fmt.Sprintf("$g%d_%s_%s", f.genSeq, sp.pkg.Name(), obj.Name())
	g.made[key] = name
	var err error
	if len(cores) == 0 {
		err = g.plainFunc(sp, fd, name)
	} else {
		err = g.coreFunc(sp, fd, cores, name)
	}
	if err != nil {
		delete(g.made, key)
		return "", nil, err
	}
	return name, kept, nil
}

// coreFunc makes the copy of generic function fd with the type parameters
// of cores replaced by their core types, named name.
func (g *genState) coreFunc(sp *srcPkg, fd *ast.FuncDecl, cores map[types.Object]ast.Expr, name string) error {
	cp := cloneReplace(fd, func(id *ast.Ident) ast.Expr {
		if x, ok := cores[sp.info.Uses[id]]; ok {
			return x
		}
		return nil
	}).(*ast.FuncDecl)
	cp.Name = &ast.Ident{NamePos: fd.Name.Pos(), Name: name}
	cp.Doc = nil
	var params []*ast.Field
	for i, fld := range cp.Type.TypeParams.List {
		var names []*ast.Ident
		for j, nm := range fld.Names {
			if _, core := cores[sp.info.Defs[fd.Type.TypeParams.List[i].Names[j]]]; !core {
				names = append(names, nm)
			}
		}
		if len(names) > 0 {
			fld.Names = names
			params = append(params, fld)
		}
	}
	cp.Type.TypeParams.List = params
	return g.checkAndLower(sp, fd, cp)
}

// typeParamIndex returns the index of tp in tps, -1 if absent.
func typeParamIndex(tps *types.TypeParamList, tp *types.TypeName) int {
	for i := range tps.Len() {
		if tps.At(i).Obj() == tp {
			return i
		}
	}
	return -1
}

// coreOf returns T of a type parameter constrained by ~T, for a slice or
// map type T.
func coreOf(tp *types.TypeParam) types.Type {
	iface, ok := tp.Constraint().Underlying().(*types.Interface)
	if !ok || iface.NumEmbeddeds() != 1 {
		return nil
	}
	u, ok := iface.EmbeddedType(0).(*types.Union)
	if !ok || u.Len() != 1 || !u.Term(0).Tilde() {
		return nil
	}
	switch u.Term(0).Type().(type) {
	case *types.Slice, *types.Map:
		return u.Term(0).Type()
	}
	return nil
}

// substTypeParams returns t, made of the type parameters tps, slices and
// maps, with the type parameters replaced by targs.
func substTypeParams(t types.Type, tps *types.TypeParamList, targs []types.Type) (types.Type, bool) {
	switch t := t.(type) {
	case *types.TypeParam:
		if i := typeParamIndex(tps, t.Obj()); i >= 0 {
			return targs[i], true
		}
	case *types.Slice:
		if e, ok := substTypeParams(t.Elem(), tps, targs); ok {
			return types.NewSlice(e), true
		}
	case *types.Map:
		k, ok1 := substTypeParams(t.Key(), tps, targs)
		v, ok2 := substTypeParams(t.Elem(), tps, targs)
		if ok1 && ok2 {
			return types.NewMap(k, v), true
		}
	}
	return nil, false
}

// localType returns a named type that t uses and that is declared inside
// a function of package pkg, if any.
func localType(t types.Type, pkg *types.Package) *types.TypeName {
	found := findType(t, func(t types.Type) bool {
		n, ok := t.(*types.Named)
		return ok && n.Obj().Pkg() == pkg && n.Obj().Parent() != pkg.Scope()
	})
	if found == nil {
		return nil
	}
	return found.(*types.Named).Obj()
}

// typeParamIn returns a type parameter that t uses, if any.
func typeParamIn(t types.Type) *types.TypeParam {
	found, _ := findType(t, func(t types.Type) bool {
		_, ok := t.(*types.TypeParam)
		return ok
	}).(*types.TypeParam)
	return found
}

// findType returns the first type for which match holds among t and the
// types it is made of (type arguments, elements, keys, parameters and
// results, fields, embedded interfaces and methods), nil if none.
func findType(t types.Type, match func(types.Type) bool) types.Type {
	var found types.Type
	seen := map[types.Type]bool{}
	var walk func(t types.Type)
	walk = func(t types.Type) {
		if found != nil || t == nil || seen[t] {
			return
		}
		seen[t] = true
		if match(t) {
			found = t
			return
		}
		switch t := t.(type) {
		case *types.Named:
			for i := range t.TypeArgs().Len() {
				walk(t.TypeArgs().At(i))
			}
		case *types.Alias:
			walk(types.Unalias(t))
		case *types.Pointer:
			walk(t.Elem())
		case *types.Slice:
			walk(t.Elem())
		case *types.Array:
			walk(t.Elem())
		case *types.Chan:
			walk(t.Elem())
		case *types.Map:
			walk(t.Key())
			walk(t.Elem())
		case *types.Signature:
			for i := range t.Params().Len() {
				walk(t.Params().At(i).Type())
			}
			for i := range t.Results().Len() {
				walk(t.Results().At(i).Type())
			}
		case *types.Struct:
			for i := range t.NumFields() {
				walk(t.Field(i).Type())
			}
		case *types.Interface:
			for i := range t.NumEmbeddeds() {
				walk(t.EmbeddedType(i))
			}
			for i := range t.NumExplicitMethods() {
				walk(t.ExplicitMethod(i).Type())
			}
		}
	}
	walk(t)
	return found
}

// genKey identifies the copy of obj for targs: its package, name and
// type arguments as the interpreter names them.
func (g *genState) genKey(obj types.Object, targs []types.Type) string {
	w := &typeWriter{
		session: g.cell.pkg,
		pkg:     func(p *types.Package) string { return strconv.Quote(p.Path()) },
		local:   func(obj *types.TypeName) string { return g.cell.objName(obj) },
	}
	var b strings.Builder
	b.WriteString(obj.Pkg().Path() + "." + obj.Name())
	for i, t := range targs {
		if i == 0 {
			b.WriteByte('[')
		} else {
			b.WriteString(", ")
		}
		b.WriteString(nodeText(token.NewFileSet(), w.expr(t)))
	}
	if len(targs) > 0 {
		b.WriteByte(']')
	}
	if obj.Pkg().Path() == "errors" {
		// the copies of package errors assert to interfaces (Unwrap()
		// error, Is(error) bool, …) through helpers that try the
		// session's types that implement them, as they are when the copy
		// is made: a later cell's types need another copy
		b.WriteString(g.errorsImplementers(w))
	}
	return b.String()
}

// errorsImplementers lists the session's types that implement the
// interfaces the copies of package errors assert to, written by w.
func (g *genState) errorsImplementers(w *typeWriter) string {
	errT := types.Universe.Lookup("error").Type()
	anyT := types.Universe.Lookup("any").Type()
	method := func(name string, param, result types.Type) *types.Interface {
		var params *types.Tuple
		if param != nil {
			params = types.NewTuple(types.NewVar(token.NoPos, nil, "", param))
		}
		sig := types.NewSignatureType(nil, nil, nil, params, types.NewTuple(types.NewVar(token.NoPos, nil, "", result)), false)
		return types.NewInterfaceType([]*types.Func{types.NewFunc(token.NoPos, nil, name, sig)}, nil).Complete()
	}
	var names []string
	for _, iface := range []*types.Interface{
		method("Unwrap", nil, errT),
		method("Unwrap", nil, types.NewSlice(errT)),
		method("Is", errT, types.Typ[types.Bool]),
		method("As", anyT, types.Typ[types.Bool]),
	} {
		for _, t := range g.cell.implementers(iface) {
			names = append(names, nodeText(token.NewFileSet(), w.expr(t)))
		}
	}
	if len(names) == 0 {
		return ""
	}
	slices.Sort(names)
	return "{" + strings.Join(slices.Compact(names), ", ") + "}"
}

// item returns the interpreter's name of the copy of obj, a package-level
// function or type of sp, for type arguments targs (none for a non-generic
// one), making it when the session has none.
func (g *genState) item(sp *srcPkg, obj types.Object, targs []types.Type) (string, error) {
	f := g.cell.f
	key := g.genKey(obj, targs)
	if name, ok := f.generics[key]; ok {
		return name, nil
	}
	if name, ok := g.made[key]; ok {
		return name, nil
	}
	f.genSeq++
	name := fmt.Sprintf("$g%d_%s_%s", f.genSeq, sp.pkg.Name(), obj.Name())
	g.made[key] = name // before the body: a recursive call finds it
	var err error
	switch o := obj.(type) {
	case *types.Func:
		fd := sp.funcs[o]
		switch {
		case fd == nil:
			err = fmt.Errorf("%s.%s has no declaration in the source", sp.pkg.Path(), o.Name())
		case fd.Body == nil:
			err = fmt.Errorf("%s.%s has no body in Go (it is implemented in the runtime or assembly)", sp.pkg.Path(), o.Name())
		case len(targs) > 0:
			err = g.genericFunc(sp, o, fd, targs, name)
		default:
			err = g.plainFunc(sp, fd, name)
		}
	case *types.TypeName:
		ts := sp.types[o]
		switch {
		case ts == nil:
			err = fmt.Errorf("%s.%s has no declaration in the source", sp.pkg.Path(), o.Name())
		case len(targs) > 0:
			err = g.genericType(sp, o, ts, targs, name)
		default:
			err = g.plainType(sp, o, ts, name)
		}
	case *types.Var:
		if sp.interpreted {
			err = fmt.Errorf("it uses %s's unexported package variable %s, which the copy that gomx makes of it in the package that uses it cannot reach", sp.pkg.Path(), o.Name())
			break
		}
		err = fmt.Errorf("it uses %s's package variable %s, which is the compiled package's state", sp.pkg.Path(), o.Name())
	default:
		err = fmt.Errorf("it uses %s.%s", sp.pkg.Path(), obj.Name())
	}
	if err != nil {
		delete(g.made, key)
		return "", err
	}
	return name, nil
}

// lowerer returns a lowerer of code of source package sp typed by info,
// which writes the session's types as the cell does.
func (g *genState) lowerer(sp *srcPkg, info *types.Info) *lowerer {
	cl := g.cell
	gl := &lowerer{f: cl.f, c: cl.c, ck: &checked{pkg: sp.pkg, info: info}, info: info, pkg: sp.pkg, pkgs: cl.pkgs,
		names: map[types.Object]string{}, typeSpecObj: map[*ast.TypeSpec]types.Object{},
		exposes: map[string]bool{}, asserts: cl.asserts, gen: g, src: sp}
	gl.w = &typeWriter{
		session:  cl.pkg,
		pkg:      gl.pkgIdent,
		local:    cl.w.local,
		universe: cl.w.universe,
	}
	gl.w.named = gl.namedType
	return gl
}

// done collects what lowerer gl made: its errors as one, its helpers.
func (g *genState) done(gl *lowerer) error {
	g.funcs = append(g.funcs, gl.helpers...)
	for _, d := range g.types {
		movePositions(d, g.pos)
	}
	for _, d := range g.funcs {
		movePositions(d, g.pos)
	}
	switch n := len(gl.errs); {
	case n == 1:
		return errors.New(gl.errs[0].Msg)
	case n > 1:
		return fmt.Errorf("%s (and %d more)", gl.errs[0].Msg, n-1)
	}
	return nil
}

// genericFunc makes the copy of generic function fn for targs, named name.
func (g *genState) genericFunc(sp *srcPkg, fn *types.Func, fd *ast.FuncDecl, targs []types.Type, name string) error {
	f := g.cell.f
	tps := fn.Type().(*types.Signature).TypeParams()
	if tps.Len() != len(targs) {
		return fmt.Errorf("%d type arguments for %d type parameters", len(targs), tps.Len())
	}
	bind := map[types.Object]string{}
	for i := range tps.Len() {
		f.genSeq++
		tn := types.NewTypeName(token.NoPos, nil, fmt.Sprintf("$t%d", f.genSeq), targs[i])
		sp.pkg.Scope().Insert(tn)
		bind[tps.At(i).Obj()] = tn.Name()
	}
	cp, _ := cloneNode(fd, func(id *ast.Ident) string { return bind[sp.info.Uses[id]] }).(*ast.FuncDecl)
	cp.Name = &ast.Ident{NamePos: fd.Name.Pos(), Name: name}
	cp.Type.TypeParams = nil
	cp.Doc = nil
	return g.checkAndLower(sp, fd, cp)
}

// checkAndLower type-checks cp, a copy of fd with its type parameters
// substituted, into sp's package (see check) and lowers it.
func (g *genState) checkAndLower(sp *srcPkg, fd, cp *ast.FuncDecl) error {
	info, err := g.check(sp, []ast.Node{fd}, []ast.Decl{cp})
	if err != nil {
		return err
	}
	gl := g.lowerer(sp, info)
	gl.funcDecl(cp)
	g.funcs = append(g.funcs, cp)
	return g.done(gl)
}

// check type-checks decls, copies of origs with their type parameters
// substituted, as one more file of sp's package: the copies see its
// unexported names and the names that bind the type arguments. The file
// imports what the originals use of their files' imports (another may be
// one the importer lacks).
func (g *genState) check(sp *srcPkg, origs []ast.Node, decls []ast.Decl) (*types.Info, error) {
	f := g.cell.f
	first := sp.fileOf(origs[0])
	file := &ast.File{Package: first.Package, Name: &ast.Ident{NamePos: first.Name.Pos(), Name: first.Name.Name}, FileStart: first.FileStart, FileEnd: first.FileEnd}
	imports := &ast.GenDecl{TokPos: first.Package, Tok: token.IMPORT, Lparen: first.Package}
	seen := map[string]bool{}
	for _, orig := range origs {
		used := map[types.Object]bool{}
		ast.Inspect(orig, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok {
				if pn, ok := sp.info.Uses[id].(*types.PkgName); ok {
					used[pn] = true
				}
			}
			return true
		})
		for _, spec := range sp.fileOf(orig).Imports {
			obj := sp.info.Defs[spec.Name]
			if obj == nil {
				obj = sp.info.Implicits[spec]
			}
			if used[obj] && !seen[obj.Name()] {
				seen[obj.Name()] = true
				imports.Specs = append(imports.Specs, cloneNode(spec, nil).(*ast.ImportSpec))
			}
		}
	}
	if len(imports.Specs) > 0 {
		file.Decls = append(file.Decls, imports)
	}
	file.Decls = append(file.Decls, decls...)
	info := NewInfo()
	var errs []string
	conf := types.Config{Importer: f.cfg.Importer, Sizes: gcSizes, GoVersion: sp.goVersion, Error: func(err error) {
		te, ok := err.(types.Error)
		if !ok || te.Soft {
			return
		}
		if rest, ok := strings.CutPrefix(te.Msg, "could not import "); ok {
			path, _, _ := strings.Cut(rest, " ")
			errs = append(errs, fmt.Sprintf("it imports %s, which gomx cannot import", path))
			return
		}
		errs = append(errs, err.Error())
	}}
	_ = types.NewChecker(&conf, f.cfg.Fset, sp.pkg, info).Files([]*ast.File{file})
	if len(errs) > 0 {
		return nil, fmt.Errorf("its source in %s does not type-check in gomx: %s", f.cfg.Fset.Position(origs[0].Pos()).Filename, errs[0])
	}
	return info, nil
}

// blankFields names the blank fields of the struct types in type
// expression x _1, _2, … (names no other field has): the interpreter
// fails on a struct with two (atomic.Pointer's _ [0]*T and _ noCopy),
// and no code can use them. A field name must be an identifier of Go's
// for reflect.
func blankFields(x ast.Expr) ast.Expr {
	ast.Inspect(x, func(n ast.Node) bool {
		st, ok := n.(*ast.StructType)
		if !ok {
			return true
		}
		taken := map[string]bool{}
		for _, f := range st.Fields.List {
			for _, nm := range f.Names {
				taken[nm.Name] = true
			}
		}
		k := 0
		for _, f := range st.Fields.List {
			for i, nm := range f.Names {
				if nm.Name != "_" {
					continue
				}
				name := ""
				for name == "" || taken[name] {
					k++
					name = fmt.Sprintf("_%d", k)
				}
				f.Names[i] = &ast.Ident{NamePos: nm.Pos(), Name: name}
			}
		}
		return true
	})
	return x
}

// genericType makes the copy of generic type tn, declared by ts, with its
// methods, for type arguments targs, named name.
func (g *genState) genericType(sp *srcPkg, tn *types.TypeName, ts *ast.TypeSpec, targs []types.Type, name string) error {
	f := g.cell.f
	tps := tn.Type().(*types.Named).TypeParams()
	if tps.Len() != len(targs) {
		return fmt.Errorf("%d type arguments for %d type parameters", len(targs), tps.Len())
	}
	bind := map[types.Object]string{}
	var names []string
	for i := range tps.Len() {
		f.genSeq++
		t := types.NewTypeName(token.NoPos, nil, fmt.Sprintf("$t%d", f.genSeq), targs[i])
		sp.pkg.Scope().Insert(t)
		bind[tps.At(i).Obj()] = t.Name()
		names = append(names, t.Name())
	}
	spec := cloneNode(ts, func(id *ast.Ident) string { return bind[sp.info.Uses[id]] }).(*ast.TypeSpec)
	spec.Name = &ast.Ident{NamePos: ts.Name.Pos(), Name: name}
	spec.TypeParams = nil
	origs := []ast.Node{ts}
	decls := []ast.Decl{&ast.GenDecl{TokPos: ts.Pos(), Tok: token.TYPE, Specs: []ast.Spec{spec}}}
	var methods []*ast.FuncDecl
	for _, md := range sp.methods[tn] {
		if md.Body == nil {
			return fmt.Errorf("the method %s.%s has no body in Go", tn.Name(), md.Name.Name)
		}
		// the receiver's own type parameters, by position
		recv := md.Recv.List[0].Type
		rbind := map[types.Object]string{}
		base := recv
		if st, ok := base.(*ast.StarExpr); ok {
			base = st.X
		}
		var idx []ast.Expr
		switch b := base.(type) {
		case *ast.IndexExpr:
			idx = []ast.Expr{b.Index}
		case *ast.IndexListExpr:
			idx = b.Indices
		}
		for i, x := range idx {
			if id, ok := x.(*ast.Ident); ok && i < len(names) {
				if o := sp.info.Defs[id]; o != nil {
					rbind[o] = names[i]
				}
			}
		}
		cp := cloneNode(md, func(id *ast.Ident) string {
			if n := bind[sp.info.Uses[id]]; n != "" {
				return n
			}
			return rbind[sp.info.Uses[id]]
		}).(*ast.FuncDecl)
		cp.Doc = nil
		var rt ast.Expr = &ast.Ident{NamePos: base.Pos(), Name: name}
		if _, ptr := recv.(*ast.StarExpr); ptr {
			rt = &ast.StarExpr{Star: recv.Pos(), X: rt}
		}
		cp.Recv.List[0].Type = rt
		origs = append(origs, md)
		decls = append(decls, cp)
		methods = append(methods, cp)
	}
	info, err := g.check(sp, origs, decls)
	if err != nil {
		return err
	}
	gl := g.lowerer(sp, info)
	obj := info.Defs[spec.Name]
	out := &ast.TypeSpec{Name: spec.Name, Type: blankFields(gl.w.expr(obj.Type().Underlying()))}
	setPos(out.Type, ts.Pos())
	g.types = append(g.types, &ast.GenDecl{TokPos: ts.Pos(), Tok: token.TYPE, Specs: []ast.Spec{out}})
	for _, m := range methods {
		gl.funcDecl(m)
		g.funcs = append(g.funcs, m)
	}
	return g.done(gl)
}

// plainFunc makes the copy of non-generic function fd, named name.
func (g *genState) plainFunc(sp *srcPkg, fd *ast.FuncDecl, name string) error {
	cp, info := cloneTyped(fd, sp.info)
	d := cp.(*ast.FuncDecl)
	gl := g.lowerer(sp, info)
	gl.funcDecl(d)
	d.Name = &ast.Ident{NamePos: fd.Name.Pos(), Name: name}
	g.funcs = append(g.funcs, d)
	return g.done(gl)
}

// plainType makes the copy of non-generic type tn, with its methods,
// named name.
func (g *genState) plainType(sp *srcPkg, tn *types.TypeName, ts *ast.TypeSpec, name string) error {
	if n, ok := tn.Type().(*types.Named); ok && n.TypeParams().Len() > 0 {
		return fmt.Errorf("it uses the generic type %s.%s, which gomx does not instantiate", sp.pkg.Name(), tn.Name())
	}
	if tn.IsAlias() {
		return fmt.Errorf("it uses the alias %s.%s", sp.pkg.Name(), tn.Name())
	}
	gl := g.lowerer(sp, sp.info)
	spec := &ast.TypeSpec{Name: &ast.Ident{NamePos: ts.Name.Pos(), Name: name}, Type: blankFields(gl.w.expr(tn.Type().Underlying()))}
	setPos(spec.Type, ts.Pos())
	g.types = append(g.types, &ast.GenDecl{TokPos: ts.Pos(), Tok: token.TYPE, Specs: []ast.Spec{spec}})
	if err := g.done(gl); err != nil {
		return err
	}
	for _, md := range sp.methods[tn] {
		if md.Body == nil {
			return fmt.Errorf("the method %s.%s has no body in Go", tn.Name(), md.Name.Name)
		}
		cp, info := cloneTyped(md, sp.info)
		gl := g.lowerer(sp, info)
		gl.funcDecl(cp.(*ast.FuncDecl))
		g.funcs = append(g.funcs, cp.(*ast.FuncDecl))
		if err := g.done(gl); err != nil {
			return err
		}
	}
	return nil
}

// genIdent lowers, in a copy, an identifier that refers to a package-level
// name of the source package or binds a type parameter; ok is false for
// the others.
func (l *lowerer) genIdent(id *ast.Ident, obj types.Object) (ast.Expr, bool) {
	if isTypeArgName(obj) {
		e := l.w.expr(obj.Type())
		setPos(e, id.Pos())
		return e, true
	}
	sp := l.src
	if obj.Pkg() != sp.pkg || obj.Parent() != sp.pkg.Scope() {
		return nil, false
	}
	if strings.HasPrefix(obj.Name(), "$g") {
		return id, true // a copy's own name
	}
	switch o := obj.(type) {
	case *types.Const, *types.Nil, *types.Builtin:
		return nil, false
	case *types.TypeName:
		e := l.w.expr(o.Type())
		setPos(e, id.Pos())
		return e, true
	case *types.Func:
		if fd := sp.funcs[o]; fd != nil && fd.Body == nil && l.f.cfg.StdGeneric != nil {
			// a linkname into the runtime: the session may have a
			// compiled replacement
			if repl, ok := l.f.cfg.StdGeneric(sp.pkg.Path(), o.Name(), nil); ok {
				return l.rtAt(repl, id.Pos()), true
			}
		}
		if o.Exported() && o.Type().(*types.Signature).TypeParams() == nil {
			l.checkAvailable(id, sp.pkg, o.Name())
			return &ast.SelectorExpr{X: &ast.Ident{NamePos: id.Pos(), Name: l.pkgIdent(sp.pkg)}, Sel: &ast.Ident{NamePos: id.Pos(), Name: o.Name()}}, true
		}
	case *types.Var:
		if o.Exported() {
			l.checkAvailable(id, sp.pkg, o.Name())
			return &ast.SelectorExpr{X: &ast.Ident{NamePos: id.Pos(), Name: l.pkgIdent(sp.pkg)}, Sel: &ast.Ident{NamePos: id.Pos(), Name: o.Name()}}, true
		}
	}
	name, err := l.gen.item(sp, obj, nil)
	if err != nil {
		l.unsupported(id, "%v", err)
		return id, true
	}
	return &ast.Ident{NamePos: id.Pos(), Name: name}, true
}

// namedType is the type writer's hook for named types: the iterator
// types of package iter as their func types, the unexported types of the
// source package a copy is made of as their copies; nil for the others
// (written by name). An instance of another generic type of a compiled
// package cannot be written.
func (l *lowerer) namedType(t types.Type) ast.Expr {
	var obj *types.TypeName
	var args *types.TypeList
	switch t := t.(type) {
	case *types.Named:
		obj, args = t.Origin().Obj(), t.TypeArgs()
	case *types.Alias:
		obj, args = t.Origin().Obj(), t.TypeArgs()
	default:
		return nil
	}
	p := obj.Pkg()
	if p == nil || p == l.f.sessionPkg(l) {
		return nil
	}
	if strings.HasPrefix(obj.Name(), "$g") {
		return ast.NewIdent(obj.Name()) // a copy
	}
	if p.Path() == "iter" && (obj.Name() == "Seq" || obj.Name() == "Seq2") && args.Len() > 0 {
		return l.w.expr(t.Underlying())
	}
	if iface, ok := t.Underlying().(*types.Interface); ok && !iface.IsMethodSet() {
		// a constraint (cmp.Ordered): as its type set, which no table
		// can hold
		return l.w.expr(iface)
	}
	if args.Len() > 0 {
		return l.genericType(t, p, obj, args)
	}
	if l.src != nil && p == l.src.pkg && !obj.Exported() {
		name, err := l.gen.item(l.src, obj, nil)
		if err != nil {
			l.unsupported(l.c.body, "%v", err)
			return nil
		}
		return ast.NewIdent(name)
	}
	return nil
}

// genericType writes instance t of generic type obj of package p (not the
// session's): a compiled instantiation of the runtime, or a copy of its
// source.
func (l *lowerer) genericType(t types.Type, p *types.Package, obj *types.TypeName, args *types.TypeList) ast.Expr {
	var targs []types.Type
	for i := range args.Len() {
		targs = append(targs, args.At(i))
	}
	if l.f.cfg.StdGeneric != nil {
		if repl, ok := l.f.cfg.StdGeneric(p.Path(), obj.Name(), targs); ok {
			return l.rt(repl)
		}
	}
	what := types.TypeString(t, func(p *types.Package) string { return p.Name() })
	for _, a := range targs {
		if tp := typeParamIn(a); tp != nil {
			l.unsupported(l.c.body, "%s: gomx makes a generic type of another package for each type argument, and cannot for the type parameter %s", what, tp.Obj().Name())
			return nil
		}
		if local := localType(a, l.f.sessionPkg(l)); local != nil {
			l.unsupported(l.c.body, "%s: the type argument %s is declared inside a function; gomx makes %s.%s for it at package level, where it cannot be named (declare %s at the top level of a cell)", what, local.Name(), p.Name(), obj.Name(), local.Name())
			return nil
		}
	}
	sp, err := l.f.source(p.Path())
	var name string
	if err == nil {
		src := sp.pkg.Scope().Lookup(obj.Name())
		if src == nil {
			err = fmt.Errorf("package %s has no %s in the source of this Go", p.Path(), obj.Name())
		} else {
			g := l.genState()
			if !g.pos.IsValid() {
				g.pos = l.c.body.Pos()
			}
			name, err = g.item(sp, src, targs)
		}
	}
	if err != nil {
		l.unsupported(l.c.body, "%s: gomx cannot make this instance of a generic type of package %s: %v", what, p.Path(), err)
		return nil
	}
	return ast.NewIdent(name)
}

// sessionPkg returns the session's package as lowerer l sees it.
func (f *Front) sessionPkg(l *lowerer) *types.Package {
	if l.gen != nil {
		return l.gen.cell.pkg
	}
	return l.pkg
}

// generatedDecls returns the declarations of the copies the cell made,
// types first.
func (l *lowerer) generatedDecls() (typeDecls, funcs []ast.Decl) {
	if l.gen == nil {
		return nil, nil
	}
	return l.gen.types, l.gen.funcs
}

// cloneTyped returns a deep copy of n and the type information of info
// moved to the copy's nodes.
func cloneTyped(n ast.Node, info *types.Info) (ast.Node, *types.Info) {
	m := map[ast.Node]ast.Node{}
	cp := cloneFull(n, nil, nil, m)
	out := NewInfo()
	for old, nw := range m {
		if e, ok := old.(ast.Expr); ok {
			if tv, ok := info.Types[e]; ok {
				out.Types[nw.(ast.Expr)] = tv
			}
		}
		if id, ok := old.(*ast.Ident); ok {
			nid := nw.(*ast.Ident)
			if o, ok := info.Defs[id]; ok {
				out.Defs[nid] = o
			}
			if o, ok := info.Uses[id]; ok {
				out.Uses[nid] = o
			}
			if in, ok := info.Instances[id]; ok {
				out.Instances[nid] = in
			}
		}
		if o, ok := info.Implicits[old]; ok {
			out.Implicits[nw] = o
		}
		if s, ok := info.Scopes[old]; ok {
			out.Scopes[nw] = s
		}
		if se, ok := old.(*ast.SelectorExpr); ok {
			if s, ok := info.Selections[se]; ok {
				out.Selections[nw.(*ast.SelectorExpr)] = s
			}
		}
	}
	return cp, out
}

// cloneReplace returns a deep copy of n in which the identifiers that
// repl gives an expression for are copies of that expression.
func cloneReplace(n ast.Node, repl func(*ast.Ident) ast.Expr) ast.Node {
	return cloneFull(n, nil, repl, nil)
}

// cloneNode returns a deep copy of n; rename gives the new name of an
// identifier ("" to keep it).
func cloneNode(n ast.Node, rename func(*ast.Ident) string) ast.Node {
	return cloneFull(n, rename, nil, nil)
}

var posType = reflect.TypeFor[token.Pos]()

// movePositions gives every valid position under n the value p (an
// invalid one means something: f(x...) has a valid Ellipsis).
func movePositions(n ast.Node, p token.Pos) {
	ast.Inspect(n, func(n ast.Node) bool {
		if n == nil {
			return false
		}
		v := reflect.ValueOf(n)
		if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
			return true
		}
		e := v.Elem()
		for i := range e.NumField() {
			if fl := e.Field(i); fl.Type() == posType && fl.CanSet() && fl.Interface().(token.Pos).IsValid() {
				fl.Set(reflect.ValueOf(p))
			}
		}
		return true
	})
}

var (
	identType   = reflect.TypeFor[*ast.Ident]()
	objectType  = reflect.TypeFor[*ast.Object]()
	commentType = reflect.TypeFor[*ast.CommentGroup]()
	scopeType   = reflect.TypeFor[*ast.Scope]()
)

// cloneFull deep-copies n, renaming identifiers by rename and replacing
// them by repl (when not nil), recording each node's copy in m when m is
// not nil; comments and the parser's objects are left out.
func cloneFull(n ast.Node, rename func(*ast.Ident) string, repl func(*ast.Ident) ast.Expr, m map[ast.Node]ast.Node) ast.Node {
	var walk func(v reflect.Value) reflect.Value
	walk = func(v reflect.Value) reflect.Value {
		if repl != nil && v.Kind() == reflect.Interface && !v.IsNil() {
			if id, ok := v.Elem().Interface().(*ast.Ident); ok {
				if x := repl(id); x != nil {
					nv := reflect.New(v.Type()).Elem()
					nv.Set(reflect.ValueOf(cloneFull(x, nil, nil, nil)))
					return nv
				}
			}
		}
		switch v.Kind() {
		case reflect.Pointer:
			if v.IsNil() {
				return v
			}
			switch v.Type() {
			case objectType, commentType, scopeType:
				return reflect.Zero(v.Type())
			}
			nv := reflect.New(v.Type().Elem())
			nv.Elem().Set(v.Elem())
			if v.Elem().Kind() == reflect.Struct {
				e := nv.Elem()
				for i := range e.NumField() {
					if e.Field(i).CanSet() {
						e.Field(i).Set(walk(v.Elem().Field(i)))
					}
				}
			}
			if v.Type() == identType && rename != nil {
				if name := rename(v.Interface().(*ast.Ident)); name != "" {
					nv.Interface().(*ast.Ident).Name = name
				}
			}
			if m != nil {
				if old, ok := v.Interface().(ast.Node); ok {
					m[old] = nv.Interface().(ast.Node)
				}
			}
			return nv
		case reflect.Interface:
			if v.IsNil() {
				return v
			}
			nv := reflect.New(v.Type()).Elem()
			nv.Set(walk(v.Elem()))
			return nv
		case reflect.Slice:
			if v.IsNil() {
				return v
			}
			nv := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
			for i := range v.Len() {
				nv.Index(i).Set(walk(v.Index(i)))
			}
			return nv
		}
		return v
	}
	return walk(reflect.ValueOf(n)).Interface().(ast.Node)
}

// minMaxParam lowers min or max of operands of type parameter T (in a
// generic function of the session, or a generic copy such as slices.Max
// called with its type parameter): each operand after the first is
// compared with the result so far by a function literal that asks the
// runtime's MinMaxSecond, which knows Go's rules for the type the
// interpreter instantiates T with (a NaN wins, max(-0.0, +0.0) is +0.0):
//
//	func(x, y T) T { if rt.MinMaxSecond(x, y, isMax) { return y }; return x }(a, b)
func (l *lowerer) minMaxParam(x *ast.CallExpr, name string, tp *types.TypeParam) ast.Expr {
	pos := x.Pos()
	var out ast.Expr
	for i, a := range x.Args {
		e := l.expr(a)
		if i == 0 {
			out = e
			continue
		}
		xv, yv := l.temp("x"), l.temp("y")
		isMax := predeclared("false")
		if name == "max" {
			isMax = predeclared("true")
		}
		fl := &ast.FuncLit{
			Type: &ast.FuncType{
				Params:  &ast.FieldList{List: []*ast.Field{{Names: []*ast.Ident{xv, yv}, Type: l.w.expr(tp)}}},
				Results: &ast.FieldList{List: []*ast.Field{{Type: l.w.expr(tp)}}},
			},
			Body: &ast.BlockStmt{List: []ast.Stmt{
				&ast.IfStmt{
					Cond: &ast.CallExpr{Fun: l.rt("MinMaxSecond"), Args: []ast.Expr{ast.NewIdent(xv.Name), ast.NewIdent(yv.Name), isMax}},
					Body: &ast.BlockStmt{List: []ast.Stmt{&ast.ReturnStmt{Results: []ast.Expr{ast.NewIdent(yv.Name)}}}},
				},
				&ast.ReturnStmt{Results: []ast.Expr{ast.NewIdent(xv.Name)}},
			}},
		}
		out = &ast.CallExpr{Fun: fl, Args: []ast.Expr{out, e}}
		setPos(out, pos)
	}
	return out
}
