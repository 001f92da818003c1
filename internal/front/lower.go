package front

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"strconv"
	"strings"
)

// A lowerer rewrites one type-checked cell into the subset of Go that the
// interpreter runs correctly. It walks statements and expressions once;
// each construct that needs it is handed to its pass (the files named
// after the passes: consts, loopvar, deferargs, assign, selectvar,
// typeargs, methods, rangeint, rangefunc, builtins, show, labels).
// Passes look up type information on the original nodes, so a node's
// facts are read before its children are replaced.
type lowerer struct {
	f    *Front
	c    *cell
	ck   *checked
	info *types.Info
	pkg  *types.Package
	w    *typeWriter
	// pkgs are the import paths the lowered file uses.
	pkgs map[string]bool
	// names are the interpreter's names of this cell's package-level
	// objects where they differ from the user's (a redefined type).
	names map[types.Object]string
	errs  []Error
	// fn is the function being lowered.
	fn *funcCtx
	// top is set while lowering the cell's own top-level statements.
	top bool
	// newVars are the session variables the cell's top-level statements
	// define.
	newVars []topVarDecl
	// typeSpecObj are the cell's type declarations' objects (typeSpec
	// renames their names).
	typeSpecObj map[*ast.TypeSpec]types.Object
	// bounds are the cases of the cell's diagnostic function (see
	// tags.go).
	bounds []*ast.CaseClause
	// exposes are the decl.exposes of the cell's functions and methods,
	// by declaration name.
	exposes map[string]bool
	// asserts are the assertion functions of interface types (by type
	// string; see asserts.go), helpers their declarations.
	asserts map[string][2]string
	helpers []ast.Decl
	// toError names the cell's function that returns its argument as an
	// error, once asError has declared it
	toError string
	// gen holds the copies of generic functions of the standard library
	// made for the cell; src is the source package whose code this
	// lowerer lowers, nil for a cell (see generic.go).
	gen *genState
	src *srcPkg
	// whole is set when the lowerer lowers a file of a package read from
	// source (see package.go).
	whole bool
}

// funcCtx is the state of the function being lowered.
type funcCtx struct {
	sig   *types.Signature
	outer *funcCtx
	// rangeFunc is set inside the body of a range-over-func loop, whose
	// body is lowered into a yield function.
	rangeFunc *rangeFuncCtx
	// ret holds the results of a return inside such bodies (on the real
	// function).
	ret *retStash
	// deferStack is the variable that holds the calls the function
	// defers, when it defers inside the body of a range over a function
	// (see deferargs); "" otherwise.
	deferStack string
}

func (l *lowerer) errorf(n ast.Node, kind ErrorKind, format string, args ...any) {
	p := l.f.cfg.Fset.Position(n.Pos())
	msg := fmt.Sprintf(format, args...)
	if p.IsValid() && (l.src != nil || p.Filename != l.c.name) {
		// outside the cell or file lowered: a copy of a package's source,
		// a package's variable that another file initialises
		msg += " (at " + p.String() + ")"
	}
	l.errs = append(l.errs, l.c.errorAt(p, kind, msg))
}

// unsupported records that construct n cannot be run exactly.
func (l *lowerer) unsupported(n ast.Node, format string, args ...any) {
	l.errorf(n, Unsupported, format, args...)
}

// temp returns a fresh internal name $<hint><n>, which no user name can
// equal. The hint must not be p, whose names the imports take ($p0, …).
func (l *lowerer) temp(hint string) *ast.Ident {
	l.f.temps++
	return ast.NewIdent(fmt.Sprintf("$%s%d", hint, l.f.temps))
}

// rt returns the expression for a helper of the runtime package.
func (l *lowerer) rt(name string) ast.Expr {
	l.pkgs[l.f.cfg.Runtime] = true
	return &ast.SelectorExpr{X: ast.NewIdent(l.f.alias(l.f.cfg.Runtime)), Sel: ast.NewIdent(name)}
}

// pkgIdent returns the internal import name of package p, recording the
// import.
func (l *lowerer) pkgIdent(p *types.Package) string {
	l.pkgs[p.Path()] = true
	return l.f.alias(p.Path())
}

// funcValue lowers the name of a session function used as a value (not
// called) into a conversion to its own type, f → (func(…) …)(f). The
// interpreter gives a function's name turned into an interface (return f
// from a function returning any, append(xs, f) to a []any) its internal
// node instead of a func value: compiled code and type switches see
// *interp.node, and later uses of f as a value in other functions panic.
// A converted name is a func value.
func (l *lowerer) funcValue(id *ast.Ident, fn *types.Func) ast.Expr {
	c := &ast.CallExpr{Fun: &ast.ParenExpr{X: l.w.funcType(fn.Type().(*types.Signature))}, Args: []ast.Expr{l.ident(id)}}
	setPos(c, id.Pos())
	return c
}

// calleeExpr lowers the function of a call: a session function's name
// stays a name.
func (l *lowerer) calleeExpr(fun ast.Expr) ast.Expr {
	if id, ok := fun.(*ast.Ident); ok {
		if _, ok := l.info.Uses[id].(*types.Func); ok {
			if _, inst := l.instance(id); !inst {
				return l.ident(id)
			}
		}
	}
	return l.expr(fun)
}

// typeOf returns the type of expression e (on the original node).
func (l *lowerer) typeOf(e ast.Expr) types.Type {
	if tv, ok := l.info.Types[e]; ok {
		return tv.Type
	}
	if id, ok := e.(*ast.Ident); ok {
		if obj := l.info.Uses[id]; obj != nil {
			return obj.Type()
		}
		if obj := l.info.Defs[id]; obj != nil {
			return obj.Type()
		}
	}
	return nil
}

// isSessionLevel reports whether obj is a package-level object of the
// session package.
func (l *lowerer) isSessionLevel(obj types.Object) bool {
	return obj != nil && obj.Pkg() == l.pkg && obj.Parent() == l.pkg.Scope()
}

// objName returns the interpreter's name of a session object (see
// shadowsPredeclared for $u_ names).
func (l *lowerer) objName(obj types.Object) string {
	name := obj.Name()
	if n, ok := l.names[obj]; ok {
		name = n
	} else if l.isSessionLevel(obj) {
		if d, ok := l.f.decls[obj.Name()]; ok && d.internal != "" {
			if _, isType := obj.(*types.TypeName); isType {
				name = d.internal
			}
		}
	}
	if l.shadowsPredeclared(obj) {
		return "$u_" + name
	}
	return name
}

// renameLocalPredeclared gives the local variables, constants and types
// of the cell that take a predeclared name (bool := 1, type string =
// float64 in a function) their internal name (see shadowsPredeclared),
// in place. Package-level ones are renamed where they are written (see
// objName).
func (l *lowerer) renameLocalPredeclared(file *ast.File) {
	ast.Inspect(file, func(n ast.Node) bool {
		id, ok := n.(*ast.Ident)
		if !ok {
			return true
		}
		obj := l.info.Defs[id]
		if obj == nil {
			obj = l.info.Uses[id]
		}
		if obj != nil && !l.isSessionLevel(obj) && l.shadowsPredeclared(obj) {
			id.Name = "$u_" + obj.Name()
		}
		return true
	})
}

// shadowsPredeclared reports whether obj is a variable, constant, type
// or function of the cell's package named as a predeclared identifier
// (a constant len, a function append, a local bool): the interpreter takes
// such names for the predeclared ones, so they get internal names ($u_len).
// Fields, methods and type parameters keep their names.
func (l *lowerer) shadowsPredeclared(obj types.Object) bool {
	if obj.Pkg() != l.pkg || types.Universe.Lookup(obj.Name()) == nil {
		return false
	}
	switch o := obj.(type) {
	case *types.Var:
		return !o.IsField()
	case *types.Const:
		return true
	case *types.TypeName:
		_, isParam := o.Type().(*types.TypeParam)
		return !isParam
	case *types.Func:
		return o.Type().(*types.Signature).Recv() == nil
	}
	return false
}

// declName renames a declaring identifier of a session object to the
// object's interpreter name, when that differs.
func (l *lowerer) declName(id *ast.Ident) *ast.Ident {
	if obj := l.info.Defs[id]; obj != nil {
		if n := l.objName(obj); n != id.Name {
			return &ast.Ident{NamePos: id.Pos(), Name: n}
		}
	}
	return id
}

// ident lowers an identifier used as an expression or type.
func (l *lowerer) ident(id *ast.Ident) ast.Expr {
	obj := l.info.Uses[id]
	if l.src != nil && obj != nil {
		if e, ok := l.genIdent(id, obj); ok {
			return e
		}
	}
	if obj == nil {
		// a receiver's type parameter is declared where it is written
		if tn, ok := l.info.Defs[id].(*types.TypeName); ok {
			if _, ok := tn.Type().(*types.TypeParam); ok {
				return &ast.Ident{NamePos: id.Pos(), Name: typeParamName(id.Name)}
			}
		}
		return id
	}
	switch o := obj.(type) {
	case *types.PkgName:
		return id // only as the X of a selector, handled there
	case *types.Builtin, *types.Nil:
		return id
	case *types.TypeName:
		if _, ok := o.Type().(*types.TypeParam); ok {
			return &ast.Ident{NamePos: id.Pos(), Name: typeParamName(o.Name())}
		}
		if a, ok := o.Type().(*types.Alias); ok && o.Pkg() == l.pkg && !l.isSessionLevel(o) {
			// a local alias: the aliased type (see localDecl)
			e := l.w.expr(types.Unalias(a))
			setPos(e, id.Pos())
			return e
		}
		if l.isSessionLevel(o) {
			if n := l.objName(o); n != id.Name {
				return &ast.Ident{NamePos: id.Pos(), Name: n}
			}
		}
		if p := o.Pkg(); p != nil && p != l.pkg && o.Parent() == p.Scope() {
			// a dot-imported type
			l.checkAvailable(id, p, o.Name())
			return &ast.SelectorExpr{X: &ast.Ident{NamePos: id.Pos(), Name: l.pkgIdent(p)}, Sel: id}
		}
	default:
		if p := o.Pkg(); p != nil && p != l.pkg && o.Parent() == p.Scope() {
			// a dot-imported name
			l.checkAvailable(id, p, o.Name())
			return &ast.SelectorExpr{X: &ast.Ident{NamePos: id.Pos(), Name: l.pkgIdent(p)}, Sel: id}
		}
		if l.isSessionLevel(o) {
			if n := l.objName(o); n != id.Name {
				return &ast.Ident{NamePos: id.Pos(), Name: n}
			}
		}
	}
	return id
}

// checkAvailable reports a use of a package symbol the interpreter lacks.
func (l *lowerer) checkAvailable(n ast.Node, p *types.Package, name string) {
	if l.f.cfg.Available == nil {
		return
	}
	if !l.f.cfg.Available(p.Path(), name) {
		l.unsupported(n, "%s.%s is not available in gomx (the interpreter's table of package %s lacks it)", p.Name(), name, p.Path())
	}
}

// block lowers a list of statements.
func (l *lowerer) block(list []ast.Stmt) []ast.Stmt {
	out := make([]ast.Stmt, 0, len(list))
	for _, s := range list {
		if t := l.tag(s); t != nil {
			out = append(out, t)
		}
		out = append(out, l.stmt(s)...)
	}
	return out
}

// single lowers a statement that must stay one statement (a for loop's
// post statement): several are wrapped in a function literal called at
// once.
func (l *lowerer) single(s ast.Stmt) ast.Stmt {
	if s == nil {
		return nil
	}
	out := l.stmt(s)
	if len(out) == 1 {
		return out[0]
	}
	return &ast.ExprStmt{X: &ast.CallExpr{Fun: &ast.FuncLit{Type: &ast.FuncType{Params: &ast.FieldList{}}, Body: &ast.BlockStmt{List: out}}, Lparen: s.Pos()}}
}

// initStmt lowers the init statement of an if, switch or for: several
// statements are returned as pre, to run before the statement in a new
// block.
func (l *lowerer) initStmt(s ast.Stmt) (init ast.Stmt, pre []ast.Stmt) {
	if s == nil {
		return nil, nil
	}
	out := l.stmt(s)
	if len(out) == 1 {
		return out[0], nil
	}
	return nil, out
}

// wrap puts pre before s in a block, when there is a pre.
func wrap(pre []ast.Stmt, s ast.Stmt) []ast.Stmt {
	if len(pre) == 0 {
		return []ast.Stmt{s}
	}
	return []ast.Stmt{&ast.BlockStmt{Lbrace: s.Pos(), List: append(pre, s)}}
}

// stmt lowers one statement into one or more.
func (l *lowerer) stmt(s ast.Stmt) []ast.Stmt {
	// only the cell's own statements are top-level, not those nested in
	// them
	top := l.top
	l.top = false
	defer func() { l.top = top }()
	if rf := l.fn.rangeFunc; rf != nil {
		// what an unlabelled break or continue in the body refers to
		inner := s
		if ls, ok := s.(*ast.LabeledStmt); ok {
			inner = ls.Stmt
		}
		switch inner.(type) {
		case *ast.ForStmt, *ast.RangeStmt:
			rf.breakDepth++
			rf.contDepth++
			defer func() { rf.breakDepth--; rf.contDepth-- }()
		case *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.SelectStmt:
			rf.breakDepth++
			defer func() { rf.breakDepth-- }()
		}
	}
	switch s := s.(type) {
	case *ast.ExprStmt:
		if b := l.panicText(s); b != nil {
			return b
		}
		s.X = l.expr(s.X)
	case *ast.AssignStmt:
		return l.assign(s, top)
	case *ast.IncDecStmt:
		s.X = l.target(s.X)
	case *ast.SendStmt:
		s.Chan, s.Value = l.expr(s.Chan), l.expr(s.Value)
	case *ast.DeclStmt:
		g := s.Decl.(*ast.GenDecl)
		pre := l.localDecl(g)
		if len(g.Specs) == 0 {
			return pre // only local aliases, which are expanded
		}
		return append(pre, s)
	case *ast.GoStmt:
		return l.goStmt(s)
	case *ast.DeferStmt:
		return l.deferStmt(s)
	case *ast.ReturnStmt:
		return l.returnStmt(s)
	case *ast.BranchStmt:
		return l.branch(s)
	case *ast.BlockStmt:
		s.List = l.block(s.List)
	case *ast.LabeledStmt:
		return l.labeled(s)
	case *ast.IfStmt:
		init, pre := l.initStmt(s.Init)
		s.Init = init
		s.Cond = l.expr(s.Cond)
		s.Body.List = l.block(s.Body.List)
		if s.Else != nil {
			e := l.stmt(s.Else)
			if len(e) == 1 {
				s.Else = e[0]
			} else {
				s.Else = &ast.BlockStmt{List: e}
			}
		}
		return wrap(pre, s)
	case *ast.SwitchStmt:
		init, pre := l.initStmt(s.Init)
		s.Init = init
		// a switch on an interface value whose cases have concrete types:
		// the interpreter converts the value to each case's type and
		// panics; compare instead (switch t := x; { case t == 1: … })
		var tagVar *ast.Ident
		var tagType types.Type
		if s.Tag != nil {
			if tt := l.typeOf(s.Tag); tt != nil && types.IsInterface(tt) && l.concreteCases(s) {
				tagVar, tagType = l.temp("tag"), tt
			}
		}
		s.Tag = l.expr(s.Tag)
		if tagVar != nil {
			tagInit := define([]*ast.Ident{tagVar}, s.Tag)
			if s.Init != nil {
				pre = append(pre, s.Init)
			}
			s.Init, s.Tag = tagInit, nil
		}
		tagless := s.Tag == nil
		if tagVar != nil {
			var cases []ast.Expr
			for _, cc := range s.Body.List {
				cases = append(cases, cc.(*ast.CaseClause).List...)
			}
			if l.indistinctTypes(cases, "switch on an interface value") && l.whole {
				l.unsupported(s, "switch on an interface value with cases of types that gomx cannot tell apart in an interface (a value of a type declared in the package may be kept as its underlying type)")
			}
		}
		for _, cc := range s.Body.List {
			cc := cc.(*ast.CaseClause)
			for i, e := range cc.List {
				et := l.typeOf(e)
				cc.List[i] = l.expr(e)
				if tagless && tagVar == nil && et != nil && types.IsInterface(et) {
					// an interface value as a case of switch true: compared
					// with true (the interpreter takes it for a bool)
					t := &ast.CallExpr{Fun: l.w.expr(et), Lparen: e.Pos(), Args: []ast.Expr{predeclared("true")}}
					cc.List[i] = &ast.BinaryExpr{X: cc.List[i], OpPos: e.Pos(), Op: token.EQL, Y: t}
				}
				if tagVar != nil {
					y := cc.List[i]
					if et != nil && !types.IsInterface(et) {
						// both sides interfaces: the interpreter's == of an
						// interface and a concrete value is not a bool
						y = &ast.CallExpr{Fun: l.w.expr(tagType), Lparen: e.Pos(), Args: []ast.Expr{y}}
					}
					cc.List[i] = &ast.BinaryExpr{X: ast.NewIdent(tagVar.Name), OpPos: e.Pos(), Op: token.EQL, Y: y}
				}
			}
			cc.Body = l.block(cc.Body)
		}
		return wrap(pre, s)
	case *ast.TypeSwitchStmt:
		init, pre := l.initStmt(s.Init)
		s.Init = init
		var from types.Type // the subject's type, before it is lowered
		switch a := s.Assign.(type) {
		case *ast.AssignStmt:
			from = l.typeOf(a.Rhs[0].(*ast.TypeAssertExpr).X)
			a.Rhs[0].(*ast.TypeAssertExpr).X = l.expr(a.Rhs[0].(*ast.TypeAssertExpr).X)
		case *ast.ExprStmt:
			from = l.typeOf(a.X.(*ast.TypeAssertExpr).X)
			a.X.(*ast.TypeAssertExpr).X = l.expr(a.X.(*ast.TypeAssertExpr).X)
		}
		var cases []ast.Expr
		for _, cc := range s.Body.List {
			cases = append(cases, cc.(*ast.CaseClause).List...)
		}
		for _, e := range cases {
			// Unsupported in a cell, and where the interpreter's own type
			// switch runs below; otherwise the chain's case panics
			if why := l.structAssert(from, l.typeOf(e)); why != "" && (!l.whole || l.indistinctTypes(cases, "type switch")) {
				l.unsupported(e, "%s", why)
			}
		}
		if l.indistinctTypes(cases, "type switch") && l.whole {
			// the interpreter's own type switch, which compares its
			// types of the package exactly (the assertions would not),
			// and misses cases of interface types
			for _, cc := range s.Body.List {
				cc := cc.(*ast.CaseClause)
				for i, e := range cc.List {
					cc.List[i] = l.typeExpr(e)
				}
				cc.Body = l.block(cc.Body)
			}
			return wrap(pre, s)
		}
		return []ast.Stmt{&ast.BlockStmt{Lbrace: s.Pos(), List: append(pre, l.typeSwitchChain(s, from)...)}}
	case *ast.SelectStmt:
		return l.selectStmt(s)
	case *ast.ForStmt:
		return l.forStmt(s)
	case *ast.RangeStmt:
		return l.rangeStmt(s)
	case *ast.EmptyStmt:
	default:
		l.unsupported(s, "statement %T", s)
	}
	return []ast.Stmt{s}
}

// localDecl lowers a var, const or type declaration inside a function.
func (l *lowerer) localDecl(g *ast.GenDecl) (pre []ast.Stmt) {
	// the interpreter cannot declare a type alias in a function: uses of
	// a local alias are written as the aliased type (localAlias) and the
	// declaration goes
	specs := g.Specs[:0]
	for _, sp := range g.Specs {
		if ts, ok := sp.(*ast.TypeSpec); ok && ts.Assign.IsValid() && ts.TypeParams == nil {
			continue
		}
		specs = append(specs, sp)
	}
	g.Specs = specs
	for _, sp := range g.Specs {
		switch sp := sp.(type) {
		case *ast.ValueSpec:
			if g.Tok == token.CONST {
				// constants are folded where used; the declaration keeps
				// its folded values and explicit types
				l.constSpec(sp)
				continue
			}
			if sp.Type != nil {
				sp.Type = l.typeExpr(sp.Type)
			}
			if p, ok := l.recvValues(sp); ok {
				pre = append(pre, p...)
				continue
			}
			if len(sp.Names) == 2 && len(sp.Values) == 1 {
				if c, ok := l.commaOk(sp.Values[0]); ok {
					sp.Values[0] = c
					continue
				}
			}
			for i, v := range sp.Values {
				from := l.typeOf(v)
				sp.Values[i] = l.expr(v)
				if sp.Type != nil && len(sp.Values) == len(sp.Names) {
					sp.Values[i] = l.asError(sp.Values[i], l.typeOf(sp.Names[i]), from)
				}
			}
		case *ast.TypeSpec:
			l.typeSpec(sp)
		}
	}
	return pre
}

// recvValues lowers a var spec with a receive among its values (see
// isRecv): the values are evaluated in order into temporaries, which
// become the spec's values.
func (l *lowerer) recvValues(sp *ast.ValueSpec) (pre []ast.Stmt, ok bool) {
	for _, v := range sp.Values {
		ok = ok || isRecv(v)
	}
	if !ok {
		return nil, false
	}
	if len(sp.Values) == 1 && len(sp.Names) == 2 {
		v, okv := l.temp("t"), l.temp("t")
		pre = append(pre, define([]*ast.Ident{v, okv}, l.expr(sp.Values[0])))
		sp.Values = []ast.Expr{ast.NewIdent(v.Name), ast.NewIdent(okv.Name)}
		return pre, true
	}
	for i, v := range sp.Values {
		t := l.temp("t")
		pre = append(pre, define([]*ast.Ident{t}, l.expr(v)))
		sp.Values[i] = ast.NewIdent(t.Name)
	}
	return pre, true
}

// constSpec writes a constant declaration with each constant's value
// folded and its type explicit (iota and implicit repetition gone).
func (l *lowerer) constSpec(sp *ast.ValueSpec) {
	var vals []ast.Expr
	var typ ast.Expr
	uniform := true
	var first types.Type
	for i, n := range sp.Names {
		c, ok := l.info.Defs[n].(*types.Const)
		if !ok {
			continue
		}
		if i == 0 {
			first = c.Type()
		} else if !types.Identical(first, c.Type()) {
			uniform = false
		}
		if b, ok := c.Type().(*types.Basic); ok && b.Info()&types.IsUntyped != 0 {
			vals = append(vals, untypedConst(c.Val(), b, l.w))
		} else {
			vals = append(vals, l.w.constExpr(c.Val(), c.Type()))
		}
	}
	// a package read from source (see package.go) gets each value typed:
	// the interpreter checks `const d time.Duration = int64(1)` there
	if first != nil && uniform && !l.whole {
		if b, ok := first.(*types.Basic); !ok || b.Info()&types.IsUntyped == 0 {
			typ = l.w.expr(first)
			// values need no conversion when the type is given
			for i, n := range sp.Names {
				if c, ok := l.info.Defs[n].(*types.Const); ok {
					vals[i] = l.w.constExpr(c.Val(), underlyingBasic(c.Type()))
				}
			}
		}
	}
	sp.Type, sp.Values = typ, vals
	for i, n := range sp.Names {
		sp.Names[i] = l.declName(n)
	}
}

// underlyingBasic returns t's underlying basic type (constants have one).
func underlyingBasic(t types.Type) types.Type {
	if b, ok := t.Underlying().(*types.Basic); ok {
		return b
	}
	return t
}

// typeSpec lowers a type declaration.
func (l *lowerer) typeSpec(sp *ast.TypeSpec) {
	if obj := l.info.Defs[sp.Name]; obj != nil {
		if n, ok := obj.Type().(*types.Named); ok {
			if sig, ok := n.Underlying().(*types.Signature); ok && findType(sig, func(t types.Type) bool { return t == n }) != nil {
				l.unsupported(sp, "type %s %s refers to itself: the interpreter cannot compile a function type with itself among its parameters or results (its compiler panics: reflect.Type is nil)", obj.Name(), types.TypeString(sig, types.RelativeTo(obj.Pkg())))
			}
		}
		if n := l.objName(obj); n != sp.Name.Name {
			sp.Name = &ast.Ident{NamePos: sp.Name.Pos(), Name: n}
		}
	}
	l.typeParams(sp.TypeParams)
	sp.Type = l.typeExpr(sp.Type)
}

// typeExpr lowers a type expression as written: package names become
// internal import names, session types their interpreter names, array
// lengths literals.
func (l *lowerer) typeExpr(e ast.Expr) ast.Expr {
	switch e.(type) {
	case *ast.IndexExpr, *ast.IndexListExpr, *ast.SelectorExpr:
		// an instance of a generic type or a constraint of another
		// package: as the type writer writes it (see namedType)
		if tv, ok := l.info.Types[e]; ok && tv.IsType() {
			if n, ok := tv.Type.(*types.Named); ok && n.Obj().Pkg() != l.f.sessionPkg(l) && (n.TypeArgs().Len() > 0 || isConstraint(n)) {
				te := l.w.expr(tv.Type)
				setPos(te, e.Pos())
				return te
			}
		}
	}
	switch x := e.(type) {
	case nil:
		return nil
	case *ast.Ident:
		return l.ident(x)
	case *ast.SelectorExpr:
		if id, ok := x.X.(*ast.Ident); ok {
			if pn, ok := l.info.Uses[id].(*types.PkgName); ok {
				l.checkAvailable(x, pn.Imported(), x.Sel.Name)
				return &ast.SelectorExpr{X: &ast.Ident{NamePos: id.Pos(), Name: l.pkgIdent(pn.Imported())}, Sel: x.Sel}
			}
		}
		return l.expr(x)
	case *ast.ParenExpr:
		x.X = l.typeExpr(x.X)
	case *ast.StarExpr:
		x.X = l.typeExpr(x.X)
	case *ast.ArrayType:
		if x.Len != nil {
			if _, ok := x.Len.(*ast.Ellipsis); !ok {
				if tv, ok := l.info.Types[x.Len]; ok && tv.Value != nil {
					x.Len = l.w.constExpr(tv.Value, types.Typ[types.UntypedInt])
				} else {
					x.Len = l.expr(x.Len)
				}
			}
		}
		x.Elt = l.typeExpr(x.Elt)
	case *ast.MapType:
		x.Key, x.Value = l.typeExpr(x.Key), l.typeExpr(x.Value)
	case *ast.ChanType:
		x.Value = l.typeExpr(x.Value)
	case *ast.Ellipsis:
		x.Elt = l.typeExpr(x.Elt)
	case *ast.FuncType:
		l.fieldTypes(x.TypeParams)
		l.fieldTypes(x.Params)
		l.fieldTypes(x.Results)
	case *ast.StructType:
		l.fieldTypes(x.Fields)
		hideUnexported(x)
	case *ast.InterfaceType:
		l.fieldTypes(x.Methods)
	case *ast.IndexExpr:
		x.X = l.typeExpr(x.X)
		x.Index = l.typeExpr(x.Index)
	case *ast.IndexListExpr:
		x.X = l.typeExpr(x.X)
		for i, ix := range x.Indices {
			x.Indices[i] = l.typeExpr(ix)
		}
	case *ast.UnaryExpr: // ~T in a constraint
		x.X = l.typeExpr(x.X)
	case *ast.BinaryExpr: // A | B in a constraint
		x.X, x.Y = l.typeExpr(x.X), l.typeExpr(x.Y)
	default:
		return l.expr(e)
	}
	return e
}

// isConstraint reports whether t is an interface with a type set, usable
// only as a constraint.
func isConstraint(t types.Type) bool {
	iface, ok := t.Underlying().(*types.Interface)
	return ok && !iface.IsMethodSet()
}

func (l *lowerer) fieldTypes(fl *ast.FieldList) {
	if fl == nil {
		return
	}
	for _, f := range fl.List {
		f.Type = l.typeExpr(f.Type)
	}
}

// isType reports whether e denotes a type.
func (l *lowerer) isType(e ast.Expr) bool {
	if tv, ok := l.info.Types[e]; ok {
		return tv.IsType()
	}
	if id, ok := e.(*ast.Ident); ok {
		_, ok := l.info.Uses[id].(*types.TypeName)
		return ok
	}
	return false
}

// expr lowers an expression and returns what replaces it.
func (l *lowerer) expr(e ast.Expr) ast.Expr {
	if e == nil {
		return nil
	}
	if tv, ok := l.info.Types[e]; ok {
		if tv.IsType() {
			return l.typeExpr(e)
		}
		if tv.Value != nil {
			return l.constant(e, tv)
		}
	}
	switch x := e.(type) {
	case *ast.Ident:
		if inst, ok := l.instance(x); ok {
			return l.instantiate(x, inst)
		}
		if fn, ok := l.info.Uses[x].(*types.Func); ok && fn.Pkg() == l.pkg && fn.Parent() == l.pkg.Scope() {
			return l.funcValue(x, fn)
		}
		return l.ident(x)
	case *ast.BasicLit:
	case *ast.CompositeLit:
		l.compositeLit(x)
	case *ast.FuncLit:
		l.fieldTypes(x.Type.Params)
		l.fieldTypes(x.Type.Results)
		sig, _ := l.typeOf(x).(*types.Signature)
		x.Body = l.funcBody(x.Body, sig)
		l.nestDefers(x.Body, x.Type, sig)
	case *ast.ParenExpr:
		x.X = l.expr(x.X)
	case *ast.SelectorExpr:
		if inst, ok := l.instance(x); ok {
			return l.instantiate(x, inst)
		}
		return l.selector(x)
	case *ast.IndexExpr:
		if inst, ok := l.instance(x.X); ok {
			return l.instantiate(x.X, inst)
		}
		ptrArray := l.isArrayPointer(x.X)
		x.X, x.Index = l.expr(x.X), l.expr(x.Index)
		if ptrArray {
			// p[i] on a pointer to an array is (*p)[i]
			x.X = &ast.ParenExpr{Lparen: x.X.Pos(), X: &ast.StarExpr{Star: x.X.Pos(), X: x.X}}
		}
	case *ast.IndexListExpr:
		if inst, ok := l.instance(x.X); ok {
			return l.instantiate(x.X, inst)
		}
		l.unsupported(x, "index list expression")
	case *ast.SliceExpr:
		ptrArray := l.isArrayPointer(x.X)
		x.X, x.Low, x.High, x.Max = l.expr(x.X), l.expr(x.Low), l.expr(x.High), l.expr(x.Max)
		if ptrArray {
			x.X = &ast.ParenExpr{Lparen: x.X.Pos(), X: &ast.StarExpr{Star: x.X.Pos(), X: x.X}}
		}
	case *ast.TypeAssertExpr:
		if x.Type != nil {
			if r, refused := l.refusedAssert(x, l.typeOf(x.X), l.typeOf(x.Type), false); refused {
				if r == nil {
					return x
				}
				return r
			}
			if _, must, ok := l.assertHelper(l.typeOf(x.X), l.typeOf(x.Type)); ok {
				c := &ast.CallExpr{Fun: ast.NewIdent(must), Lparen: x.Pos(), Args: []ast.Expr{l.expr(x.X)}}
				setPos(c, x.Pos())
				return c
			}
		}
		x.X = l.expr(x.X)
		x.Type = l.typeExpr(x.Type)
	case *ast.CallExpr:
		return l.call(x)
	case *ast.StarExpr:
		x.X = l.expr(x.X)
	case *ast.UnaryExpr:
		x.X = l.expr(x.X)
	case *ast.BinaryExpr:
		if x.Op == token.SHL || x.Op == token.SHR {
			if tv, ok := l.info.Types[x.X]; ok && tv.Value != nil {
				// the constant left operand of a non-constant shift has the
				// type of the shift ((1+0i) << n, 1. << n)
				// (left untyped, it is a shift count: a uint)
				t := types.Type(types.Typ[types.Uint])
				if st, ok := l.info.Types[x]; ok && st.Type != nil {
					if b, ok := st.Type.Underlying().(*types.Basic); !ok || b.Info()&types.IsUntyped == 0 {
						t = st.Type
					}
				}
				lit := l.w.constExpr(constant.ToInt(tv.Value), t)
				setPos(lit, x.X.Pos())
				x.X, x.Y = lit, l.expr(x.Y)
				return x
			}
			if tv, ok := l.info.Types[x.Y]; ok && tv.Value != nil {
				// a constant shift count is a uint, whatever its kind
				// (x << 1.)
				lit := l.w.constExpr(constant.ToInt(tv.Value), types.Typ[types.Uint])
				setPos(lit, x.Y.Pos())
				x.X, x.Y = l.expr(x.X), lit
				return x
			}
		}
		if e, ok := l.ifaceCompare(x); ok {
			return e
		}
		x.X, x.Y = l.expr(x.X), l.expr(x.Y)
	case *ast.KeyValueExpr:
		x.Key, x.Value = l.expr(x.Key), l.expr(x.Value)
	default:
		l.unsupported(e, "expression %T", e)
	}
	return e
}

// compositeLit lowers a composite literal; struct literal keys are field
// names and stay.
func (l *lowerer) compositeLit(x *ast.CompositeLit) {
	t := l.typeOf(x)
	x.Type = l.typeExpr(x.Type)
	isStruct := false
	if t != nil {
		u := t.Underlying()
		if p, ok := u.(*types.Pointer); ok {
			u = p.Elem().Underlying()
		}
		_, isStruct = u.(*types.Struct)
	}
	for i, el := range x.Elts {
		if kv, ok := el.(*ast.KeyValueExpr); ok {
			if !isStruct {
				kv.Key = l.expr(kv.Key)
			}
			kv.Value = l.expr(kv.Value)
			continue
		}
		x.Elts[i] = l.expr(el)
	}
}

// selector lowers x.Sel: a qualified identifier, a field, a method value
// or a method expression.
func (l *lowerer) selector(x *ast.SelectorExpr) ast.Expr {
	if id, ok := x.X.(*ast.Ident); ok {
		if pn, ok := l.info.Uses[id].(*types.PkgName); ok {
			l.checkAvailable(x, pn.Imported(), x.Sel.Name)
			return &ast.SelectorExpr{X: &ast.Ident{NamePos: id.Pos(), Name: l.pkgIdent(pn.Imported())}, Sel: x.Sel}
		}
	}
	if sel, ok := l.info.Selections[x]; ok {
		switch sel.Kind() {
		case types.MethodExpr:
			return l.methodExpr(x, sel)
		case types.MethodVal:
			return l.methodValue(x, sel)
		}
	}
	x.X = l.expr(x.X)
	return x
}

// funcBody lowers the body of a function or function literal.
func (l *lowerer) funcBody(body *ast.BlockStmt, sig *types.Signature) *ast.BlockStmt {
	if body == nil {
		return nil
	}
	outer, top := l.fn, l.top
	l.fn, l.top = &funcCtx{sig: sig, outer: outer}, false
	if l.defersInRangeFunc(body) {
		l.fn.deferStack = l.temp("ds").Name
	}
	body.List = l.deferStackDecl(l.stashDecls(l.block(body.List)))
	l.fn, l.top = outer, top
	return body
}

// stringLit is a string literal.
func stringLit(s string) *ast.BasicLit {
	return &ast.BasicLit{Kind: token.STRING, Value: strconv.Quote(s)}
}

// call returns a call expression of fun with args.
func call(fun ast.Expr, args ...ast.Expr) *ast.CallExpr {
	return &ast.CallExpr{Fun: fun, Args: args}
}

// define returns `names := values`.
func define(names []*ast.Ident, values ...ast.Expr) *ast.AssignStmt {
	lhs := make([]ast.Expr, len(names))
	for i, n := range names {
		lhs[i] = n
	}
	return &ast.AssignStmt{Lhs: lhs, Tok: token.DEFINE, Rhs: values}
}

// assignTo returns `lhs = rhs`.
func assignTo(lhs, rhs ast.Expr) *ast.AssignStmt {
	return &ast.AssignStmt{Lhs: []ast.Expr{lhs}, Tok: token.ASSIGN, Rhs: []ast.Expr{rhs}}
}

// stashDecls declares the current function's return stash, if a
// range-over-func body in it returns, before its statements.
func (l *lowerer) stashDecls(list []ast.Stmt) []ast.Stmt {
	st := l.fn.ret
	if st == nil || !st.used {
		return list
	}
	specs := []ast.Spec{&ast.ValueSpec{Names: []*ast.Ident{ast.NewIdent(st.flag)}, Type: predeclared("bool")}}
	for i, v := range st.vals {
		specs = append(specs, &ast.ValueSpec{Names: []*ast.Ident{ast.NewIdent(v)}, Type: l.w.expr(st.sig.Results().At(i).Type())})
	}
	return append([]ast.Stmt{&ast.DeclStmt{Decl: &ast.GenDecl{Tok: token.VAR, Specs: specs}}}, list...)
}

// typeParamName is the interpreter's name of a type parameter: yaegi
// leaves generic functions' type parameters in the package scope, where
// T would shadow a user's type T.
func typeParamName(name string) string { return "$" + name }

// typeParams lowers a type parameter list: internal names, lowered
// constraints.
func (l *lowerer) typeParams(fl *ast.FieldList) {
	if fl == nil {
		return
	}
	for _, f := range fl.List {
		for i, n := range f.Names {
			f.Names[i] = &ast.Ident{NamePos: n.Pos(), Name: typeParamName(n.Name)}
		}
		f.Type = l.typeExpr(f.Type)
	}
}

// isArrayPointer reports whether e is a pointer to an array (which Go
// indexes, slices and ranges over as the array; the interpreter cannot
// take the address of such an element).
func (l *lowerer) isArrayPointer(e ast.Expr) bool {
	t := l.typeOf(e)
	if t == nil {
		return false
	}
	p, ok := t.Underlying().(*types.Pointer)
	if !ok {
		return false
	}
	_, ok = p.Elem().Underlying().(*types.Array)
	return ok
}

// predeclared returns the name under which lowered code refers to a
// predeclared type or constant (bool, int, true, …): the session declares
// aliases named $bool, $int, $true, … (Predeclared), which a user's
// local variable named int or true cannot shadow.
func predeclared(name string) *ast.Ident { return ast.NewIdent("$" + name) }

// Predeclared are the predeclared types and constants that lowered code
// names through aliases: the session declares, once, `type $name = name`
// for each type and `const $true, $false = true, false`.
var Predeclared = []string{"bool", "string", "int", "int8", "int16", "int32", "int64",
	"uint", "uint8", "uint16", "uint32", "uint64", "uintptr", "byte", "rune",
	"float32", "float64", "complex64", "complex128", "error", "any", "true", "false"}

var predeclaredAlias = func() map[string]bool {
	m := map[string]bool{}
	for _, n := range Predeclared {
		m[n] = true
	}
	return m
}()

// concreteCases reports whether a case of the switch has a value of a
// type that is not an interface.
func (l *lowerer) concreteCases(s *ast.SwitchStmt) bool {
	for _, cc := range s.Body.List {
		for _, e := range cc.(*ast.CaseClause).List {
			if t := l.typeOf(e); t != nil && !types.IsInterface(t) {
				return true
			}
		}
	}
	return false
}

// indistinctTypes reports as Unsupported a type switch, or a switch on
// an interface value, with cases of two types that the interpreter cannot
// tell apart: it keeps a value of a session type in an interface as a
// value of the type's underlying type (F of `type F float64` as float64,
// structs with the same fields as one type), so the first of the two
// cases would take the other's values. In a package read from source,
// whose values of such types need not have been through an interface of
// compiled code, it only reports whether there are such cases (see the
// type switch in stmt).
func (l *lowerer) indistinctTypes(cases []ast.Expr, what string) bool {
	seen := map[string]types.Type{}
	for _, e := range cases {
		t := l.typeOf(e)
		if t == nil || types.IsInterface(t) {
			continue
		}
		if b, ok := t.(*types.Basic); ok && b.Info()&types.IsUntyped != 0 {
			t = types.Default(t)
		}
		rep := l.interpRep(t, map[*types.Named]bool{})
		if u, ok := seen[rep]; ok && !types.Identical(u, t) {
			if !l.whole {
				l.unsupported(e, "%s with cases of types %s and %s: in an interface gomx cannot tell them apart (a value of a type declared in the session is kept as its underlying type)", what, l.typeString(u), l.typeString(t))
			}
			return true
		}
		seen[rep] = t
	}
	return false
}

// typeString writes t as go/types does, session types by name.
func (l *lowerer) typeString(t types.Type) string {
	return types.TypeString(t, func(p *types.Package) string {
		if p == l.pkg {
			return ""
		}
		return p.Name()
	})
}

// interpRep describes the type the interpreter gives a value of type t in
// an interface: session types become their underlying types.
func (l *lowerer) interpRep(t types.Type, visiting map[*types.Named]bool) string {
	rep := func(t types.Type) string { return l.interpRep(t, visiting) }
	switch t := t.(type) {
	case *types.Alias:
		return rep(types.Unalias(t))
	case *types.Named:
		if t.Obj().Pkg() != l.pkg || types.IsInterface(t) || visiting[t] {
			return types.TypeString(t, nil)
		}
		visiting[t] = true
		defer delete(visiting, t)
		return rep(t.Underlying())
	case *types.Pointer:
		return "*" + rep(t.Elem())
	case *types.Slice:
		return "[]" + rep(t.Elem())
	case *types.Array:
		return "[" + strconv.FormatInt(t.Len(), 10) + "]" + rep(t.Elem())
	case *types.Map:
		return "map[" + rep(t.Key()) + "]" + rep(t.Elem())
	case *types.Chan:
		return "chan(" + strconv.Itoa(int(t.Dir())) + ") " + rep(t.Elem())
	case *types.Struct:
		var b strings.Builder
		b.WriteString("struct{")
		for i := range t.NumFields() {
			f := t.Field(i)
			b.WriteString(f.Name() + " " + rep(f.Type()) + " " + strconv.Quote(t.Tag(i)) + ";")
		}
		return b.String() + "}"
	case *types.Signature:
		var b strings.Builder
		b.WriteString("func(")
		for i := range t.Params().Len() {
			b.WriteString(rep(t.Params().At(i).Type()) + ",")
		}
		if t.Variadic() {
			b.WriteString("...")
		}
		b.WriteString(")(")
		for i := range t.Results().Len() {
			b.WriteString(rep(t.Results().At(i).Type()) + ",")
		}
		return b.String() + ")"
	}
	return types.TypeString(t, nil)
}

// typeSwitchChain lowers a type switch (its init statement already
// lowered; from is the type of the value switched on) into comma-ok type
// assertions tried in the order of its cases, which pick the clause that
// a switch on its number then runs (so that break keeps its meaning and
// each body appears once). The
// interpreter's own type switch compares type names: a case of an
// interface type never matches (case error misses every error), nor a
// concrete case for a value that came out of a []any:
//
//	$v := e
//	$k := -1                    // the default clause
//	if $v == nil {
//		$k = 2                  // the clause that lists nil
//	} else if _, $ok := $v.(T1); $ok {
//		$k = 0
//	} else {
//		_, $o1 := $v.(T2); _, $o2 := $v.(T3)
//		if $o1 || $o2 { $k = 1 }
//	}
//	switch $k {
//	case 0: x := $v.(T1); …
//	case 1: x := $v; …
//	…
//	}
//
// A nil value is not asserted: the interpreter's comma-ok assertion of a
// nil interface panics.
func (l *lowerer) typeSwitchChain(s *ast.TypeSwitchStmt, from types.Type) []ast.Stmt {
	var bound string
	var subject ast.Expr
	switch a := s.Assign.(type) {
	case *ast.AssignStmt:
		bound = a.Lhs[0].(*ast.Ident).Name
		subject = a.Rhs[0].(*ast.TypeAssertExpr).X
	case *ast.ExprStmt:
		subject = a.X.(*ast.TypeAssertExpr).X
	}
	v, k := l.temp("v"), l.temp("k")
	v.NamePos, k.NamePos = subject.Pos(), subject.Pos()
	vRef := func() ast.Expr { return ast.NewIdent(v.Name) }
	setK := func(i int) []ast.Stmt {
		return []ast.Stmt{assignTo(ast.NewIdent(k.Name), intLit(strconv.Itoa(i)))}
	}
	isNil := func(e ast.Expr) bool { return types.Identical(l.typeOf(e), types.Typ[types.UntypedNil]) }

	// the chain that sets $k, built from the last case
	var chain []ast.Stmt
	nilCase := -1
	clauses := s.Body.List
	for i := len(clauses) - 1; i >= 0; i-- {
		cc := clauses[i].(*ast.CaseClause)
		var typs []ast.Expr
		for _, e := range cc.List {
			if isNil(e) {
				nilCase = i
			} else {
				typs = append(typs, e)
			}
		}
		if len(typs) == 0 {
			continue // default, case nil
		}
		var elseStmt ast.Stmt
		if len(chain) > 0 {
			elseStmt = &ast.BlockStmt{List: chain}
		}
		var pre []ast.Stmt
		var cond ast.Expr
		for _, e := range typs {
			ok := l.temp("ok")
			var check ast.Expr = &ast.TypeAssertExpr{X: vRef(), Type: l.typeExpr(e)}
			if l.whole && l.structAssert(from, l.typeOf(e)) != "" {
				check, _ = l.refusedAssert(e, from, l.typeOf(e), true) // a panic if it runs
			} else if as, _, found := l.assertHelper(from, l.typeOf(e)); found {
				check = &ast.CallExpr{Fun: ast.NewIdent(as), Args: []ast.Expr{vRef()}}
			}
			assert := &ast.AssignStmt{Lhs: []ast.Expr{ast.NewIdent("_"), ok}, Tok: token.DEFINE, Rhs: []ast.Expr{check}}
			pre = append(pre, assert)
			if cond == nil {
				cond = ast.NewIdent(ok.Name)
			} else {
				cond = &ast.BinaryExpr{X: cond, Op: token.LOR, Y: ast.NewIdent(ok.Name)}
			}
		}
		ifs := &ast.IfStmt{If: cc.Case, Cond: cond, Body: &ast.BlockStmt{List: setK(i)}, Else: elseStmt}
		if len(pre) == 1 {
			ifs.Init = pre[0]
			chain = []ast.Stmt{ifs}
		} else {
			chain = append(pre, ifs)
		}
	}
	top := &ast.IfStmt{If: s.Switch, Cond: &ast.BinaryExpr{X: vRef(), Op: token.EQL, Y: ast.NewIdent("nil")}, Body: &ast.BlockStmt{}}
	if nilCase >= 0 {
		top.Body.List = setK(nilCase)
	}
	if len(chain) > 0 {
		top.Else = &ast.BlockStmt{List: chain}
	}

	// the switch on $k: each clause binds x and runs its body
	sw := &ast.SwitchStmt{Switch: s.Switch, Tag: ast.NewIdent(k.Name), Body: &ast.BlockStmt{Lbrace: s.Body.Lbrace, Rbrace: s.Body.Rbrace}}
	for i, c := range clauses {
		cc := c.(*ast.CaseClause)
		out := &ast.CaseClause{Case: cc.Case, Colon: cc.Colon}
		if cc.List != nil {
			out.List = []ast.Expr{intLit(strconv.Itoa(i))}
		}
		if obj, ok := l.info.Implicits[cc].(*types.Var); ok && bound != "" && bound != "_" && l.uses(obj, cc) {
			var val ast.Expr = vRef()
			if len(cc.List) == 1 && !isNil(cc.List[0]) {
				val = &ast.TypeAssertExpr{X: vRef(), Type: l.typeExpr(cc.List[0])}
				if _, must, found := l.assertHelper(from, l.typeOf(cc.List[0])); found {
					val = &ast.CallExpr{Fun: ast.NewIdent(must), Args: []ast.Expr{vRef()}}
				}
			}
			out.Body = append(out.Body, define([]*ast.Ident{ast.NewIdent(bound)}, val))
		}
		out.Body = append(out.Body, l.block(cc.Body)...)
		sw.Body.List = append(sw.Body.List, out)
	}
	out := []ast.Stmt{
		define([]*ast.Ident{v}, l.expr(subject)),
		define([]*ast.Ident{k}, intLit("-1")),
		top,
		sw,
	}
	for _, st := range out {
		setPos(st, s.Switch)
	}
	return out
}

// ifaceCompare lowers x == y and x != y of two interface values in a copy
// of package errors' source (generic.go) into rt.Equal(x, y): the
// interpreter compares interfaces with Go's == on what they hold, which
// panics ("comparing uncomparable type interp._error") on its wrappers
// of its values in a compiled interface (an error holding a *T of a
// cell); rt.Equal compares the values they wrap (errors.is's err ==
// target, see errorsIs).
func (l *lowerer) ifaceCompare(x *ast.BinaryExpr) (ast.Expr, bool) {
	if l.src == nil || l.src.interpreted || l.src.pkg.Path() != "errors" || x.Op != token.EQL && x.Op != token.NEQ {
		return nil, false
	}
	for _, e := range []ast.Expr{x.X, x.Y} {
		tv, ok := l.info.Types[e]
		if !ok || tv.IsNil() || tv.Type == nil || !types.IsInterface(tv.Type) || typeParamIn(tv.Type) != nil {
			return nil, false
		}
	}
	var out ast.Expr = &ast.CallExpr{Fun: l.rt("Equal"), Lparen: x.OpPos, Args: []ast.Expr{l.expr(x.X), l.expr(x.Y)}, Rparen: x.OpPos}
	if x.Op == token.NEQ {
		out = &ast.UnaryExpr{OpPos: x.OpPos, Op: token.NOT, X: out}
	}
	return out, true
}
