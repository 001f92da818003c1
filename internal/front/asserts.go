package front

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"slices"
	"sort"
)

// Pass asserts: type assertions to interfaces with methods.
//
// The interpreter finds the methods of a value of a session type in an
// interface only when the value came with its interpreter type, which a
// value kept in an `any` variable has lost: `var v any = Rect{2, 3}`, then
// v.(Shape) fails although Rect has Shape's methods (comma-ok false, or a
// panic), and its type switch's case error matches no error at all.
// Assertions to an interface with methods therefore go through functions
// of the cell that try the session's types that implement it one by one,
// as concrete types (which the interpreter asserts correctly), then, for
// a compiled value whose methods (as reflect sees them) include the
// interface's, the interpreter's own assertion:
//
//	func $as3_1(v any) (Shape, bool) {
//		if v == nil { var zero Shape; return zero, false }
//		if c, ok := v.(Rect); ok { return c, true }
//		if c, ok := v.(*Circle); ok { return c, true }
//		if rt.HasMethods(v, []string{"Area"}) {
//			if r, ok := v.(Shape); ok { return r, true }
//			panic(rt.CannotAssert(v, "main.Shape"))
//		}
//		var zero Shape; return zero, false
//	}
//
// The interpreter cannot put a compiled value in an interface type that a
// cell declares (or writes as a literal) through an assertion: that is a
// runtime error saying so, not false.
//
// x.(Shape) calls $must3_1, which panics as Go does when the assertion
// fails (rt.AssertFailed: "interface conversion: int is not main.Shape:
// missing method Area"). Only package-level types can have methods, so
// the session's types are all there are.

// assertHelper returns the names of the functions that assert a value of
// interface type from to interface type it (ok false for interfaces
// without methods, which the interpreter asserts correctly). The helpers
// take the value as from when it can be written at package level, and
// as any otherwise (from nil): the interpreter's conversion of an error
// to any loses what an assertion to the package's own types needs
// (github.com/pkg/errors' Cause).
func (l *lowerer) assertHelper(from, it types.Type) (as, must string, ok bool) {
	iface, isIface := it.Underlying().(*types.Interface)
	if !isIface || iface.NumMethods() == 0 || hasTypeParam(it) || !iface.IsMethodSet() {
		return "", "", false
	}
	if from != nil && (hasTypeParam(from) || localType(from, l.f.sessionPkg(l)) != nil || !types.IsInterface(from)) {
		from = nil
	}
	key := types.TypeString(it, nil)
	if from != nil {
		key = types.TypeString(from, nil) + " to " + key
	}
	wrap := l.src != nil && !l.src.interpreted && l.wrappable(iface)
	if wrap {
		key = "wrapping " + key
	}
	if h, ok := l.asserts[key]; ok {
		return h[0], h[1], true
	}
	impls := l.implementers(iface)
	if from != nil {
		// the types a value of interface type from can have (go/types
		// and the interpreter refuse an impossible assertion)
		fi := from.Underlying().(*types.Interface)
		impls = slices.DeleteFunc(impls, func(t types.Type) bool { return !types.AssertableTo(fi, t) })
	}
	n := len(l.asserts) + 1
	// the helpers are declared at package level, where an interface
	// type declared in a function cannot be named: they assert to its
	// literal, which has its methods
	ht := it
	if localType(it, l.f.sessionPkg(l)) != nil {
		ht = iface
	}
	as, must = fmt.Sprintf("$as%d_%d", l.c.n, n), fmt.Sprintf("$must%d_%d", l.c.n, n)
	l.asserts[key] = [2]string{as, must}

	v := func() *ast.Ident { return ast.NewIdent("v") }
	zero := func() []ast.Stmt {
		return []ast.Stmt{
			&ast.DeclStmt{Decl: &ast.GenDecl{Tok: token.VAR, Specs: []ast.Spec{&ast.ValueSpec{Names: []*ast.Ident{ast.NewIdent("zero")}, Type: l.w.expr(ht)}}}},
			&ast.ReturnStmt{Results: []ast.Expr{ast.NewIdent("zero"), predeclared("false")}},
		}
	}
	commaOk := func(lhs ast.Expr, t ast.Expr, then []ast.Stmt) ast.Stmt {
		return &ast.IfStmt{
			Init: &ast.AssignStmt{Lhs: []ast.Expr{lhs, ast.NewIdent("ok")}, Tok: token.DEFINE, Rhs: []ast.Expr{&ast.TypeAssertExpr{X: v(), Type: t}}},
			Cond: ast.NewIdent("ok"),
			Body: &ast.BlockStmt{List: then},
		}
	}
	body := []ast.Stmt{&ast.IfStmt{Cond: &ast.BinaryExpr{X: v(), Op: token.EQL, Y: ast.NewIdent("nil")}, Body: &ast.BlockStmt{List: zero()}}}
	for _, t := range impls {
		body = append(body, commaOk(ast.NewIdent("c"), l.w.expr(t), []ast.Stmt{&ast.ReturnStmt{Results: []ast.Expr{ast.NewIdent("c"), predeclared("true")}}}))
	}
	names := fmt.Sprintf("$methods%d_%d", l.c.n, n)
	l.helpers = append(l.helpers, &ast.GenDecl{Tok: token.VAR, Specs: []ast.Spec{&ast.ValueSpec{Names: []*ast.Ident{ast.NewIdent(names)}, Values: []ast.Expr{methodNames(iface)}}}})
	// Go would assert it; the interpreter cannot
	var cannot ast.Stmt = &ast.ExprStmt{X: &ast.CallExpr{Fun: l.rt("Panic"), Args: []ast.Expr{&ast.CallExpr{Fun: l.rt("CannotAssert"), Args: []ast.Expr{v(), stringLit(l.goTypeString(it))}}}}}
	if wrap {
		// a compiled value with the methods' names and signatures
		sigs := fmt.Sprintf("$sigs%d_%d", l.c.n, n)
		l.helpers = append(l.helpers, &ast.GenDecl{Tok: token.VAR, Specs: []ast.Spec{&ast.ValueSpec{Names: []*ast.Ident{ast.NewIdent(sigs)}, Values: []ast.Expr{methodSigs(iface)}}}})
		cannot = &ast.IfStmt{
			Cond: &ast.CallExpr{Fun: l.rt("HasSignatures"), Args: []ast.Expr{v(), ast.NewIdent(sigs)}},
			Body: &ast.BlockStmt{List: []ast.Stmt{&ast.ReturnStmt{Results: []ast.Expr{&ast.CompositeLit{Type: ast.NewIdent(l.wrapper(iface, n)), Elts: []ast.Expr{v()}}, predeclared("true")}}}},
		}
	}
	if l.inCell() {
		// the types of later cells that implement it (latetypes.go)
		body = append(body, l.hookLoop(as, ht, from, iface, v))
	}
	body = append(body, &ast.IfStmt{
		Cond: &ast.CallExpr{Fun: l.rt("HasMethods"), Args: []ast.Expr{v(), ast.NewIdent(names)}},
		Body: &ast.BlockStmt{List: []ast.Stmt{
			commaOk(ast.NewIdent("r"), l.w.expr(ht), []ast.Stmt{&ast.ReturnStmt{Results: []ast.Expr{ast.NewIdent("r"), predeclared("true")}}}),
			cannot,
		}},
	})
	body = append(body, zero()...)
	param := func() *ast.FieldList {
		var t ast.Expr = &ast.InterfaceType{Methods: &ast.FieldList{}}
		if from != nil {
			t = l.w.expr(from)
		}
		return &ast.FieldList{List: []*ast.Field{{Names: []*ast.Ident{v()}, Type: t}}}
	}
	l.helpers = append(l.helpers, &ast.FuncDecl{
		Name: ast.NewIdent(as),
		Type: &ast.FuncType{Params: param(), Results: &ast.FieldList{List: []*ast.Field{{Type: l.w.expr(ht)}, {Type: predeclared("bool")}}}},
		Body: &ast.BlockStmt{List: body},
	}, &ast.FuncDecl{
		Name: ast.NewIdent(must),
		Type: &ast.FuncType{Params: param(), Results: &ast.FieldList{List: []*ast.Field{{Type: l.w.expr(ht)}}}},
		Body: &ast.BlockStmt{List: []ast.Stmt{
			&ast.IfStmt{
				Init: &ast.AssignStmt{Lhs: []ast.Expr{ast.NewIdent("s"), ast.NewIdent("ok")}, Tok: token.DEFINE, Rhs: []ast.Expr{&ast.CallExpr{Fun: ast.NewIdent(as), Args: []ast.Expr{v()}}}},
				Cond: ast.NewIdent("ok"),
				Body: &ast.BlockStmt{List: []ast.Stmt{&ast.ReturnStmt{Results: []ast.Expr{ast.NewIdent("s")}}}},
			},
			&ast.ExprStmt{X: &ast.CallExpr{Fun: l.rt("Panic"), Args: []ast.Expr{&ast.CallExpr{Fun: l.rt("AssertFailed"), Args: []ast.Expr{v(), stringLit(l.goTypeString(it)), ast.NewIdent(names)}}}}},
			&ast.DeclStmt{Decl: &ast.GenDecl{Tok: token.VAR, Specs: []ast.Spec{&ast.ValueSpec{Names: []*ast.Ident{ast.NewIdent("zero")}, Type: l.w.expr(ht)}}}},
			&ast.ReturnStmt{Results: []ast.Expr{ast.NewIdent("zero")}},
		}},
	})
	return as, must, true
}

// wrappable reports whether the methods of iface can be called on a
// compiled value through reflect (see wrapper): not variadic, with
// parameters and results of basic types, any, and named types of
// compiled packages or the universe (error), or slices of them, which a
// compiled method takes and returns as they are and reflect writes as
// go/types does (see methodSigs).
func (l *lowerer) wrappable(iface *types.Interface) bool {
	var plain func(t types.Type) bool
	plain = func(t types.Type) bool {
		switch t := t.(type) {
		case *types.Basic:
			return t.Info()&types.IsUntyped == 0
		case *types.Slice:
			return plain(t.Elem())
		case *types.Alias:
			return t.Obj().Pkg() == nil && t.Obj().Name() == "any"
		case *types.Named:
			p := t.Obj().Pkg()
			return t.TypeArgs().Len() == 0 && (p == nil || p != l.f.sessionPkg(l) && !l.interpreted(p))
		}
		return false
	}
	for i := range iface.NumMethods() {
		sig := iface.Method(i).Type().(*types.Signature)
		if sig.Variadic() {
			return false
		}
		for _, tup := range []*types.Tuple{sig.Params(), sig.Results()} {
			for j := range tup.Len() {
				if !plain(tup.At(j).Type()) {
					return false
				}
			}
		}
	}
	return true
}

// methodSigs is a []string literal of iface's methods as "name
// signature", the signature as reflect writes a method value's type with
// any for interface {} (see wrappable).
func methodSigs(iface *types.Interface) ast.Expr {
	lit := &ast.CompositeLit{Type: &ast.ArrayType{Elt: predeclared("string")}}
	for i := range iface.NumMethods() {
		m := iface.Method(i)
		sig := m.Type().(*types.Signature)
		plain := types.NewSignatureType(nil, nil, nil, sig.Params(), sig.Results(), false)
		lit.Elts = append(lit.Elts, stringLit(m.Name()+" "+types.TypeString(plain, func(p *types.Package) string { return p.Name() })))
	}
	return lit
}

// wrapper declares the type $wrap<cell>_<n>, a struct holding a compiled
// value whose methods (as reflect sees them) include iface's, with
// iface's methods calling the value's through the runtime's CallMethod:
// the interpreter cannot put a compiled value in an interface type that
// lowered code writes, but can put this. Only the copies of the standard
// library's generic functions use it (errors.AsType's assertions of a
// *fmt.wrapError to interface{ Unwrap() error } …), which call the
// methods of what they assert and do not compare or print it.
//
//	type $wrap3_1 struct{ v any }
//	func (w $wrap3_1) Unwrap() error { r := rt.CallMethod(w.v, "Unwrap"); x0, _ := r[0].(error); return x0 }
func (l *lowerer) wrapper(iface *types.Interface, n int) string {
	name := fmt.Sprintf("$wrap%d_%d", l.c.n, n)
	l.helpers = append(l.helpers, &ast.GenDecl{Tok: token.TYPE, Specs: []ast.Spec{&ast.TypeSpec{Name: ast.NewIdent(name), Type: &ast.StructType{Fields: &ast.FieldList{List: []*ast.Field{
		{Names: []*ast.Ident{ast.NewIdent("v")}, Type: &ast.InterfaceType{Methods: &ast.FieldList{}}}}}}}}})
	for i := range iface.NumMethods() {
		m := iface.Method(i)
		sig := m.Type().(*types.Signature)
		call := &ast.CallExpr{Fun: l.rt("CallMethod"), Args: []ast.Expr{&ast.SelectorExpr{X: ast.NewIdent("w"), Sel: ast.NewIdent("v")}, stringLit(m.Name())}}
		params := &ast.FieldList{}
		for j := range sig.Params().Len() {
			a := ast.NewIdent(fmt.Sprintf("a%d", j))
			params.List = append(params.List, &ast.Field{Names: []*ast.Ident{a}, Type: l.w.expr(sig.Params().At(j).Type())})
			call.Args = append(call.Args, ast.NewIdent(a.Name))
		}
		results := &ast.FieldList{}
		body := []ast.Stmt{&ast.ExprStmt{X: call}}
		if sig.Results().Len() > 0 {
			body = []ast.Stmt{define([]*ast.Ident{ast.NewIdent("r")}, call)}
			ret := &ast.ReturnStmt{}
			for j := range sig.Results().Len() {
				t := sig.Results().At(j).Type()
				results.List = append(results.List, &ast.Field{Type: l.w.expr(t)})
				x := ast.NewIdent(fmt.Sprintf("x%d", j))
				body = append(body, define([]*ast.Ident{x, ast.NewIdent("_")}, &ast.TypeAssertExpr{
					X: &ast.IndexExpr{X: ast.NewIdent("r"), Index: &ast.BasicLit{Kind: token.INT, Value: fmt.Sprint(j)}}, Type: l.w.expr(t)}))
				ret.Results = append(ret.Results, ast.NewIdent(x.Name))
			}
			body = append(body, ret)
		}
		l.helpers = append(l.helpers, &ast.FuncDecl{
			Recv: &ast.FieldList{List: []*ast.Field{{Names: []*ast.Ident{ast.NewIdent("w")}, Type: ast.NewIdent(name)}}},
			Name: ast.NewIdent(m.Name()),
			Type: &ast.FuncType{Params: params, Results: results},
			Body: &ast.BlockStmt{List: body},
		})
	}
	return name
}

// implementers returns the session's package-level types T and *T that
// implement iface.
func (l *lowerer) implementers(iface *types.Interface) []types.Type {
	var out []types.Type
	scope := l.f.sessionPkg(l).Scope() // in a copy too: the session's types
	for _, name := range scope.Names() {
		tn, ok := scope.Lookup(name).(*types.TypeName)
		if !ok || tn.IsAlias() || isInternal(name) {
			continue
		}
		named, ok := tn.Type().(*types.Named)
		if !ok || named.TypeParams().Len() > 0 || types.IsInterface(named) {
			continue
		}
		if types.Implements(named, iface) {
			out = append(out, named)
		}
		if p := types.NewPointer(named); types.Implements(p, iface) {
			out = append(out, p)
		}
	}
	return out
}

// commaOk lowers the right-hand side x.(I) of a comma-ok assertion: a
// call of I's assertion function when it has one.
func (l *lowerer) commaOk(e ast.Expr) (ast.Expr, bool) {
	ta, ok := unparen(e).(*ast.TypeAssertExpr)
	if !ok || ta.Type == nil {
		return nil, false
	}
	if r, refused := l.refusedAssert(ta, l.typeOf(ta.X), l.typeOf(ta.Type), true); refused {
		return r, r != nil
	}
	as, _, ok := l.assertHelper(l.typeOf(ta.X), l.typeOf(ta.Type))
	if !ok {
		return nil, false
	}
	c := &ast.CallExpr{Fun: ast.NewIdent(as), Lparen: ta.Pos(), Args: []ast.Expr{l.expr(ta.X)}}
	setPos(c, ta.Pos())
	return c, true
}

// goTypeString writes t as Go's runtime names it: main.T for session
// types.
func (l *lowerer) goTypeString(t types.Type) string {
	return types.TypeString(t, func(p *types.Package) string {
		if p == l.pkg && !l.whole {
			return "main"
		}
		return p.Name()
	})
}

// methodNames is a []string literal of iface's method names, sorted.
func methodNames(iface *types.Interface) ast.Expr {
	lit := &ast.CompositeLit{Type: &ast.ArrayType{Elt: predeclared("string")}}
	var names []string
	for i := range iface.NumMethods() {
		names = append(names, iface.Method(i).Name())
	}
	sort.Strings(names)
	for _, n := range names {
		lit.Elts = append(lit.Elts, stringLit(n))
	}
	return lit
}
