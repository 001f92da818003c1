package front

import (
	"fmt"
	"go/ast"
	"go/printer"
	"go/token"
	"go/types"
	"os"
	"sort"
	"strconv"
	"strings"
)

// Compile parses, type-checks and lowers one cell. On success the unit's
// Decls must be compiled by the interpreter, then Commit called, then Run
// executed. Errors are Go's (syntax and type errors with go/types'
// wording) or Unsupported ones, at most maxErrors, at positions in src.
func (f *Front) Compile(src string) (*Unit, []Error) {
	n := len(f.cells) + 1
	f.cells = append(f.cells, src)
	f.newHooks, f.newRefused = nil, map[string]string{}
	c, errs := parseCell(f.cfg.Fset, n, src)
	if errs != nil {
		return nil, errs
	}

	// what the cell redeclares, and types it redefines
	declared := declaredNames(c.file)
	redeclared := map[string]bool{}
	redefTypes := map[string]bool{}
	for name, node := range declared {
		old, ok := f.decls[name]
		if !ok {
			continue
		}
		spec, isType := node.(*ast.TypeSpec)
		_, wasType := old.obj.(*types.TypeName)
		if isType && wasType && old.src == nodeText(f.cfg.Fset, spec) {
			// the same type again (a cell run twice): keep the old one
			removeTypeSpec(c.file, spec)
			continue
		}
		redeclared[name] = true
		if wasType {
			redefTypes[name] = true
			var users []string
			for un, ud := range f.decls {
				if ud.uses[name] && !strings.HasPrefix(un, name+".") {
					if _, again := declared[un]; !again {
						users = append(users, un)
					}
				}
			}
			if len(users) > 0 {
				sort.Strings(users)
				p := f.cfg.Fset.Position(node.Pos())
				return nil, []Error{c.errorAt(p, TypeError, fmt.Sprintf("cannot redefine type %s: %s still use%s it (redefine them in the same cell, or run %%reset)",
					name, strings.Join(users, ", "), plural(len(users) == 1)))}
			}
		}
	}
	// methods of redefined types go with them
	for name := range f.decls {
		if t, _, ok := strings.Cut(name, "."); ok && redefTypes[t] {
			redeclared[name] = true
		}
	}

	ck, errs := f.check(c, redeclared, redefTypes)
	if len(errs) > 0 {
		return nil, errs
	}
	u := &Unit{front: f, imps: map[string]string{}}
	for name, path := range ck.imports {
		if strings.Contains(strings.Join(c.usedNames(ck), " "), name) {
			u.imps[name] = path
		}
	}
	for _, imp := range c.file.Imports {
		if imp.Pos().IsValid() {
			p, _ := strconv.Unquote(imp.Path.Value)
			name := f.importName(imp)
			if pn, ok := ck.info.Defs[imp.Name].(*types.PkgName); ok && imp.Name != nil {
				name = pn.Name()
			} else if pn, ok := ck.info.Implicits[imp].(*types.PkgName); ok {
				name = pn.Name()
			}
			if name != "_" && name != "." {
				u.imps[name] = p
			}
		}
	}

	l := newLowerer(f, c, ck)
	l.renameLocalPredeclared(c.file)
	// internal names of redefined types, main and init
	var inits []string
	var mainObj types.Object
	for _, d := range c.file.Decls {
		switch d := d.(type) {
		case *ast.GenDecl:
			for _, s := range d.Specs {
				if ts, ok := s.(*ast.TypeSpec); ok {
					obj := ck.info.Defs[ts.Name]
					if obj == nil {
						continue
					}
					k := f.typeNames[ts.Name.Name]
					if k > 0 {
						l.names[obj] = fmt.Sprintf("%s$%d", ts.Name.Name, k+1)
					}
				}
			}
		case *ast.FuncDecl:
			if d.Recv != nil || d == c.body {
				continue
			}
			switch d.Name.Name {
			case "init":
				name := l.temp("init").Name
				inits = append(inits, name)
				d.Name = &ast.Ident{NamePos: d.Name.Pos(), Name: name}
			case "main":
				mainObj = ck.info.Defs[d.Name]
				l.names[mainObj] = "$main"
			}
		}
	}

	// session declarations made by this cell, described before lowering
	// rewrites their nodes
	var commit []*decl
	commit = append(commit, f.describe(c, ck)...)
	for _, d := range commit {
		l.exposes[d.name] = d.exposes
	}

	// lower declarations
	var out []ast.Decl
	var varSpecs []ast.Spec
	initOf := map[*types.Var]bool{}
	for _, in := range ck.info.InitOrder {
		for _, v := range in.Lhs {
			initOf[v] = true
		}
	}
	for _, d := range c.file.Decls {
		switch d := d.(type) {
		case *ast.GenDecl:
			switch d.Tok {
			case token.IMPORT:
				continue // packages are imported under internal names
			case token.VAR:
				for _, s := range d.Specs {
					vs := s.(*ast.ValueSpec)
					for _, name := range vs.Names {
						v, ok := ck.info.Defs[name].(*types.Var)
						if !ok || name.Name == "_" {
							continue
						}
						varSpecs = append(varSpecs, &ast.ValueSpec{Names: []*ast.Ident{l.declName(name)}, Type: l.w.expr(v.Type())})
					}
				}
				continue
			case token.CONST:
				for _, s := range d.Specs {
					l.constSpec(s.(*ast.ValueSpec))
				}
			case token.TYPE:
				for _, s := range d.Specs {
					ts := s.(*ast.TypeSpec)
					l.typeSpecObj[ts] = ck.info.Defs[ts.Name]
					l.typeSpec(ts)
				}
			}
			if len(d.Specs) > 0 {
				out = append(out, d)
			}
		case *ast.FuncDecl:
			if d == c.body {
				continue
			}
			l.funcDecl(d)
			out = append(out, d)
		}
	}

	// the cell's function: package variables' initialisers in Go's
	// order, init functions, the statements, then main
	var body []ast.Stmt
	l.fn = &funcCtx{sig: types.NewSignatureType(nil, nil, nil, nil, nil, false)}
	if l.defersInRangeFunc(c.body.Body) {
		l.fn.deferStack = l.temp("ds").Name
	}
	cellStmts := c.stmts
	if len(c.stmts) == 0 {
		// a cell of declarations is a Go file: variables initialise in
		// dependency order
		for _, in := range ck.info.InitOrder {
			body = append(body, l.stmt(initAssign(in, l.info))...)
		}
	} else {
		// in a cell with statements, declarations initialise where they
		// are written, among the statements
		merged, errs := f.textualInits(c, ck)
		if len(errs) > 0 {
			return nil, errs
		}
		cellStmts = merged
	}
	body = append(l.lateTypes(c, ck), body...)
	for _, name := range inits {
		body = append(body, &ast.ExprStmt{X: &ast.CallExpr{Fun: ast.NewIdent(name), Lparen: c.body.Pos()}})
	}
	var lastX ast.Expr // the cell's last expression, before lowering
	if k := len(c.stmts); k > 0 {
		if es, ok := c.stmts[k-1].(*ast.ExprStmt); ok && cellStmts[len(cellStmts)-1] == c.stmts[k-1] {
			lastX = es.X
		}
	}
	l.top = true
	stmts := l.block(cellStmts)
	l.top = false
	stmts = l.deferStackDecl(l.stashDecls(stmts))
	stmts, u.Shows = l.showLast(stmts, lastX)
	if len(l.bounds) > 0 {
		k := l.temp("k")
		diag := &ast.FuncLit{
			Type: &ast.FuncType{Params: &ast.FieldList{List: []*ast.Field{{Names: []*ast.Ident{k}, Type: predeclared("int")}}},
				Results: &ast.FieldList{List: []*ast.Field{{Type: &ast.ArrayType{Elt: predeclared("int")}}}}},
			Body: &ast.BlockStmt{List: []ast.Stmt{
				&ast.SwitchStmt{Tag: ast.NewIdent(k.Name), Body: &ast.BlockStmt{List: caseStmts(l.bounds)}},
				&ast.ReturnStmt{Results: []ast.Expr{ast.NewIdent("nil")}},
			}},
		}
		body = append(body, &ast.ExprStmt{X: &ast.CallExpr{Fun: l.rt("Diag"), Args: []ast.Expr{diag}}})
	}
	body = append(body, stmts...)
	if mainObj != nil {
		u.DefinesMain = true
		if !c.calls(ck, mainObj) {
			p := mainObj.Pos() // the call is where main is declared
			body = append(body, &ast.ExprStmt{X: &ast.CallExpr{Fun: &ast.Ident{NamePos: p, Name: "$main"}, Lparen: p}})
		}
	}
	for _, tv := range l.newVars {
		varSpecs = append(varSpecs, &ast.ValueSpec{Names: []*ast.Ident{{NamePos: tv.id.Pos(), Name: l.objName(tv.v)}}, Type: l.w.expr(tv.v.Type())})
	}
	if len(l.errs) > 0 {
		sort.SliceStable(l.errs, func(i, j int) bool { return l.errs[i].Line < l.errs[j].Line })
		if len(l.errs) > maxErrors {
			l.errs = l.errs[:maxErrors]
		}
		return nil, l.errs
	}
	cellFn := fmt.Sprintf("$cell%d", n)
	c.body.Name = &ast.Ident{NamePos: c.body.Name.Pos(), Name: cellFn}
	run := l.rtAt("Run", c.body.Pos()) // before the imports are written
	c.body.Body.List = body
	if hasDefer(c.body.Body) {
		l.frameClosures(c.body.Body)
	}

	file := &ast.File{Package: c.file.Package, Name: c.file.Name}
	if len(l.pkgs) > 0 {
		imp := &ast.GenDecl{TokPos: c.file.Package, Tok: token.IMPORT, Lparen: c.file.Package}
		paths := make([]string, 0, len(l.pkgs))
		for p := range l.pkgs {
			paths = append(paths, p)
		}
		sort.Strings(paths)
		for _, p := range paths {
			imp.Specs = append(imp.Specs, &ast.ImportSpec{Name: &ast.Ident{NamePos: c.file.Package, Name: f.alias(p)}, Path: &ast.BasicLit{ValuePos: c.file.Package, Kind: token.STRING, Value: strconv.Quote(p)}})
		}
		file.Decls = append(file.Decls, imp)
	}
	// types first, each after the types it uses, then constants,
	// functions and variables: the interpreter resolves a type name used
	// before its declaration to whatever it has of that name (its own
	// generic sources' type parameter T, for one)
	typeDecls, others := l.orderTypes(out)
	genTypes, genFuncs := l.generatedDecls()
	file.Decls = append(file.Decls, genTypes...)
	file.Decls = append(file.Decls, typeDecls...)
	var consts, funcs []ast.Decl
	for _, d := range others {
		if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.CONST {
			consts = append(consts, d)
		} else {
			funcs = append(funcs, d)
		}
	}
	file.Decls = append(file.Decls, consts...)
	file.Decls = append(file.Decls, funcs...)
	file.Decls = append(file.Decls, l.helpers...)
	file.Decls = append(file.Decls, genFuncs...)
	// variables after the methods: a generic type instantiated for a
	// variable's type before its methods are known has none
	if len(varSpecs) > 0 {
		file.Decls = append(file.Decls, &ast.GenDecl{TokPos: c.file.Package, Tok: token.VAR, Lparen: c.file.Package, Specs: varSpecs})
	}
	file.Decls = append(file.Decls, c.body)
	// one program per cell, not a second one that calls the cell: a
	// block compiled at the top level would add its temporaries to the
	// interpreter's global frame, which yaegi copies whole each time it
	// has grown
	file.Decls = append(file.Decls, &ast.FuncDecl{Name: ast.NewIdent("init"), Type: &ast.FuncType{Params: &ast.FieldList{}},
		Body: &ast.BlockStmt{List: []ast.Stmt{&ast.ExprStmt{X: &ast.CallExpr{Fun: run, Args: []ast.Expr{ast.NewIdent(cellFn)}}}}}})
	fillPositions(file, c.body.Pos())
	u.File = file
	if os.Getenv("GOMX_DEBUG_LOWER") != "" {
		fmt.Fprintf(os.Stderr, "--- cell %d lowered:\n%s\n", n, nodeText(f.cfg.Fset, file))
	}

	// internal names of redefined types
	for _, d := range commit {
		if n, ok := l.names[d.obj]; ok {
			d.internal = n
		}
	}
	u.commit = commit
	if l.gen != nil {
		u.generics = l.gen.made
	}
	u.hooks, f.newHooks = f.newHooks, nil
	u.refused, f.newRefused = f.newRefused, nil
	for name := range redeclared {
		if _, again := declared[name]; !again {
			u.drop = append(u.drop, name)
		}
	}
	for _, d := range commit {
		if _, isType := d.obj.(*types.TypeName); isType && !d.method {
			f.typeNames[d.name]++
		}
	}
	return u, nil
}

func plural(one bool) string {
	if one {
		return "s"
	}
	return ""
}

// funcDecl lowers a function or method declaration.
func (l *lowerer) funcDecl(d *ast.FuncDecl) {
	if d.Recv == nil {
		d.Name = l.declName(d.Name)
	}
	if d.Recv != nil {
		l.fieldTypes(d.Recv)
	}
	l.typeParams(d.Type.TypeParams)
	l.fieldTypes(d.Type.Params)
	l.fieldTypes(d.Type.Results)
	var sig *types.Signature
	if obj := l.info.Defs[d.Name]; obj != nil {
		sig, _ = obj.Type().(*types.Signature)
	}
	d.Body = l.funcBody(d.Body, sig)
	if d.Body != nil && hasDefer(d.Body) {
		l.frameClosures(d.Body)
		l.nestDefers(d.Body, d.Type, sig)
	}
	d.Doc = nil
}

// frameClosures gives the function literals created in the frame of a
// function with defer statements frames of their own (see deferargs).
func (l *lowerer) frameClosures(body *ast.BlockStmt) {
	replaceLits(body, func(fl *ast.FuncLit) ast.Expr {
		if t := l.funcLitType(fl); t != nil {
			return l.ownFrame(fl, t)
		}
		return nil
	})
}

// nodeText prints a node as Go source.
func nodeText(fset *token.FileSet, n ast.Node) string {
	var b strings.Builder
	printer.Fprint(&b, fset, n)
	return b.String()
}

// removeTypeSpec drops spec from the file's declarations.
func removeTypeSpec(file *ast.File, spec *ast.TypeSpec) {
	for i, d := range file.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.TYPE {
			continue
		}
		for j, s := range g.Specs {
			if s == spec {
				g.Specs = append(g.Specs[:j], g.Specs[j+1:]...)
				if len(g.Specs) == 0 {
					file.Decls = append(file.Decls[:i], file.Decls[i+1:]...)
				}
				return
			}
		}
	}
}

// usedNames returns the identifiers the cell's file uses as package names.
func (c *cell) usedNames(ck *checked) []string {
	var out []string
	for id, obj := range ck.info.Uses {
		if _, ok := obj.(*types.PkgName); ok {
			out = append(out, id.Name)
		}
	}
	return out
}

// calls reports whether the cell refers to obj anywhere but its
// declaration.
func (c *cell) calls(ck *checked, obj types.Object) bool {
	for _, o := range ck.info.Uses {
		if o == obj {
			return true
		}
	}
	return false
}

// initAssign is the assignment that initialises package variables.
func initAssign(in *types.Initializer, info *types.Info) *ast.AssignStmt {
	var lhs []ast.Expr
	for _, v := range in.Lhs {
		id := &ast.Ident{NamePos: v.Pos(), Name: v.Name()}
		info.Uses[id] = v // lowered as any use of v
		lhs = append(lhs, id)
	}
	return &ast.AssignStmt{Lhs: lhs, TokPos: in.Rhs.Pos(), Tok: token.ASSIGN, Rhs: []ast.Expr{in.Rhs}}
}

// textualInits orders the initialisations of the cell's package
// variables and its statements. Initialisers that read nothing the cell's
// statements set run first, in Go's order, as in a Go file. Those that do
// (var res = grid[0] after grid := …), directly, through the cell's
// functions or through other such variables, run where they are written,
// among the statements; one that reads (that way) a variable the cell sets
// only later is an error, since the order written would give it the zero
// value.
func (f *Front) textualInits(c *cell, ck *checked) ([]ast.Stmt, []Error) {
	offset := func(p token.Pos) int {
		pp := f.cfg.Fset.Position(p)
		return lineColOffset(c.src, pp.Line, pp.Column)
	}
	funcs := map[types.Object]*ast.FuncDecl{}
	for _, d := range c.file.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd != c.body {
			if obj := ck.info.Defs[fd.Name]; obj != nil {
				funcs[obj] = fd
			}
		}
	}
	// reads returns the variables n reads, directly or through the cell's
	// functions
	reads := func(n ast.Node) map[*types.Var]bool {
		vars := map[*types.Var]bool{}
		seen := map[types.Object]bool{}
		var visit func(n ast.Node)
		visit = func(n ast.Node) {
			ast.Inspect(n, func(n ast.Node) bool {
				if id, ok := n.(*ast.Ident); ok {
					switch o := ck.info.Uses[id].(type) {
					case *types.Var:
						vars[o] = true
					case *types.Func:
						if fd := funcs[o]; fd != nil && !seen[o] {
							seen[o] = true
							visit(fd.Body)
						}
					}
				}
				return true
			})
		}
		visit(n)
		return vars
	}
	top := map[*types.Var]bool{}
	for _, v := range ck.topVars {
		top[v] = true
	}
	isTop := func(v *types.Var) bool {
		// in the second check the declarations see a statement's variable
		// as a package variable of the same name
		return top[v] || ck.injected[v.Name()] && v.Parent() == ck.pkg.Scope()
	}
	setBy := map[*types.Var]*types.Initializer{}
	deps := map[*types.Initializer]map[*types.Var]bool{}
	for _, in := range ck.info.InitOrder {
		deps[in] = reads(in.Rhs)
		for _, v := range in.Lhs {
			setBy[v] = in
		}
	}
	// initialisers that depend on the statements, to a fixpoint
	dependent := map[*types.Initializer]bool{}
	for changed := true; changed; {
		changed = false
		for _, in := range ck.info.InitOrder {
			if dependent[in] {
				continue
			}
			for v := range deps[in] {
				if isTop(v) || setBy[v] != nil && dependent[setBy[v]] {
					dependent[in], changed = true, true
					break
				}
			}
		}
	}
	type entry struct {
		off int
		s   ast.Stmt
	}
	var first, list []entry
	setAt := map[*types.Var]int{} // where the statements set each variable
	for _, in := range ck.info.InitOrder {
		if !dependent[in] {
			first = append(first, entry{0, initAssign(in, ck.info)})
			continue
		}
		off := offset(in.Rhs.Pos())
		list = append(list, entry{off, initAssign(in, ck.info)})
		for _, v := range in.Lhs {
			setAt[v] = off
		}
	}
	for _, v := range ck.topVars {
		if _, ok := setAt[v]; !ok {
			setAt[v] = offset(v.Pos())
		}
		if ck.injected[v.Name()] {
			if pv, ok := ck.pkg.Scope().Lookup(v.Name()).(*types.Var); ok {
				setAt[pv] = offset(v.Pos())
			}
		}
	}
	for _, s := range c.stmts {
		list = append(list, entry{offset(s.Pos()), s})
	}
	sort.SliceStable(list, func(i, j int) bool { return list[i].off < list[j].off })
	var errs []Error
	for _, in := range ck.info.InitOrder {
		if !dependent[in] {
			continue
		}
		at := offset(in.Rhs.Pos())
		for v := range deps[in] {
			if when, ok := setAt[v]; ok && when > at {
				p := f.cfg.Fset.Position(in.Rhs.Pos())
				lp := f.cfg.Fset.Position(v.Pos())
				errs = append(errs, c.errorAt(p, TypeError, fmt.Sprintf("the initialiser of %s uses %s, which this cell sets later (line %d): a declaration that depends on the cell's statements initialises where it is written", in.Lhs[0].Name(), v.Name(), lp.Line)))
				break
			}
		}
	}
	out := make([]ast.Stmt, 0, len(first)+len(list))
	for _, e := range first {
		out = append(out, e.s)
	}
	for _, e := range list {
		out = append(out, e.s)
	}
	return out, errs
}

// lineColOffset returns the byte offset of 1-based line and byte column
// col in src.
func lineColOffset(src string, line, col int) int {
	off := 0
	for l := 1; l < line; l++ {
		i := strings.IndexByte(src[off:], '\n')
		if i < 0 {
			return len(src)
		}
		off += i + 1
	}
	return min(off+col-1, len(src))
}

// orderTypes returns the cell's type declarations, one spec each, each
// after the cell's types it uses (a recursive type after the others),
// and the other declarations.
func (l *lowerer) orderTypes(decls []ast.Decl) (typeDecls, others []ast.Decl) {
	type node struct {
		spec *ast.TypeSpec
		obj  types.Object
		deps []types.Object
	}
	var nodes []*node
	byObj := map[types.Object]*node{}
	for _, d := range decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.TYPE {
			others = append(others, d)
			continue
		}
		for _, sp := range g.Specs {
			ts := sp.(*ast.TypeSpec)
			if ts.Name.Name == "_" {
				// declares nothing (go/types checked it); the
				// interpreter cannot declare it
				continue
			}
			n := &node{spec: ts, obj: l.typeSpecObj[ts]}
			nodes = append(nodes, n)
			if n.obj != nil {
				byObj[n.obj] = n
			}
		}
	}
	for _, n := range nodes {
		if n.obj == nil {
			continue
		}
		seen := map[types.Type]bool{}
		uses := map[string]bool{}
		typeUses(n.obj.Type().Underlying(), l.pkg, uses, seen)
		if named, ok := n.obj.Type().(*types.Named); ok && named.TypeParams() != nil {
			for i := 0; i < named.TypeParams().Len(); i++ {
				typeUses(named.TypeParams().At(i).Constraint(), l.pkg, uses, seen)
			}
		}
		for name := range uses {
			if o := l.pkg.Scope().Lookup(name); o != nil && byObj[o] != nil && o != n.obj {
				n.deps = append(n.deps, o)
			}
		}
	}
	done := map[*node]bool{}
	visiting := map[*node]bool{}
	var visit func(n *node)
	visit = func(n *node) {
		if done[n] || visiting[n] {
			return
		}
		visiting[n] = true
		for _, d := range n.deps {
			visit(byObj[d])
		}
		visiting[n] = false
		done[n] = true
		typeDecls = append(typeDecls, &ast.GenDecl{TokPos: n.spec.Pos(), Tok: token.TYPE, Specs: []ast.Spec{n.spec}})
	}
	for _, n := range nodes {
		visit(n)
	}
	return typeDecls, others
}

func caseStmts(cs []*ast.CaseClause) []ast.Stmt {
	out := make([]ast.Stmt, len(cs))
	for i, c := range cs {
		out[i] = c
	}
	return out
}

// newLowerer returns a lowerer of code c of the package ck checked, which
// writes the package's types by its own names.
func newLowerer(f *Front, c *cell, ck *checked) *lowerer {
	l := &lowerer{f: f, c: c, ck: ck, info: ck.info, pkg: ck.pkg, pkgs: map[string]bool{},
		names: map[types.Object]string{}, typeSpecObj: map[*ast.TypeSpec]types.Object{},
		exposes: map[string]bool{}, asserts: map[string][2]string{}}
	l.w = &typeWriter{
		session:  ck.pkg,
		pkg:      l.pkgIdent,
		local:    func(obj *types.TypeName) string { return l.objName(obj) },
		universe: universeType,
	}
	l.w.named = l.namedType
	return l
}

// universeType writes predeclared type name: through its alias where a
// cell may shadow it.
func universeType(name string) ast.Expr {
	if predeclaredAlias[name] {
		return predeclared(name)
	}
	return ast.NewIdent(name)
}
