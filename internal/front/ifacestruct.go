package front

import (
	"fmt"
	"go/ast"
	"go/types"
)

// The interpreter keeps a value of a struct type declared in the session
// (or in a package it runs from source) that is put in an interface type
// of a compiled package, such as error or fmt.Stringer, as a wrapper that
// calls the struct's methods but holds, as its value, one of the struct's
// fields instead of the struct: its methods work, an assertion back to the
// struct type answers false, and a type switch misses the case (a struct
// without fields, and other named types, are kept whole). Such an
// assertion in a cell is Unsupported rather than wrong. In a package read
// from source, whose other functions may well be all a cell uses
// (github.com/google/uuid's IsInvalidLengthError), it panics with the
// reason when it runs instead.

// structAssert returns why an assertion of a value of interface type from
// to type to cannot be done (see above); "" when it can.
func (l *lowerer) structAssert(from, to types.Type) string {
	if l.src != nil || from == nil || to == nil {
		return "" // a copy of a generic function's source: its caller is checked
	}
	iface, ok := from.Underlying().(*types.Interface)
	if !ok || iface.NumMethods() == 0 {
		return ""
	}
	in, ok := types.Unalias(from).(*types.Named)
	if !ok {
		return "" // an interface literal: the interpreter's own
	}
	if p := in.Obj().Pkg(); p != nil && (p == l.f.sessionPkg(l) || l.interpreted(p)) {
		return "" // an interface of the session's: the interpreter's own
	}
	if !l.boxedStruct(to) || to.Underlying().(*types.Struct).NumFields() == 0 {
		return "" // a struct without fields is kept whole
	}
	t := types.Unalias(to).(*types.Named).Obj().Name()
	name := l.goTypeString(from)
	return fmt.Sprintf("a type assertion of a value of type %s to %s: gomx keeps a value of a struct type of yours in an interface of a compiled package (%s) only through its methods, and cannot give it back (the interpreter would answer false); use a pointer (*%s, with the methods on *%s) or an interface type declared in a cell",
		name, t, name, t, t)
}

// refusedAssert returns, for assertion x.(to) of a value of type from
// (comma-ok when commaOk is set) that the interpreter would answer
// wrongly, what replaces it (see refusal); refused is false when the
// assertion can be done.
func (l *lowerer) refusedAssert(at ast.Node, from, to types.Type, commaOk bool) (r ast.Expr, refused bool) {
	why := l.structAssert(from, to)
	if why == "" {
		return nil, false
	}
	results := []ast.Expr{l.w.expr(to)}
	if commaOk {
		results = append(results, predeclared("bool"))
	}
	return l.refusal(at, why, results...), true
}

// refusal reports that gomx cannot run the construct at at, for reason
// why: in a cell it is Unsupported, and refusal returns nil; in a package
// read from source, whose other functions may well be all a cell uses, it
// returns what replaces the construct, a call that panics with the reason
// when it runs, of the construct's result types:
//
//	func() (T, bool) { panic("gomx: a type assertion …") }()
func (l *lowerer) refusal(at ast.Node, why string, results ...ast.Expr) ast.Expr {
	if !l.whole {
		l.unsupported(at, "%s", why)
		return nil
	}
	fields := &ast.FieldList{}
	for _, r := range results {
		fields.List = append(fields.List, &ast.Field{Type: r})
	}
	body := &ast.BlockStmt{List: []ast.Stmt{&ast.ExprStmt{X: &ast.CallExpr{Fun: ast.NewIdent("panic"), Args: []ast.Expr{stringLit("gomx: " + why)}}}}}
	c := &ast.CallExpr{Fun: &ast.FuncLit{Type: &ast.FuncType{Results: fields}, Body: body}}
	setPos(c, at.Pos())
	return c
}

// asError returns e, the lowered value of a value of type from assigned
// to a variable of type to, as a call of an interpreted function that
// returns it as an error when to is error and from is a type of the
// session's (or of a package interpreted from source), or a pointer to
// one: assigned straight to a variable of type error, the interpreter
// keeps a struct of the session's without the wrapper that gives compiled
// code its methods (fmt printed the struct's fields, e.Error() panicked),
// while an argument of type error gets it.
//
//	func $toError3(e error) error { return e }
func (l *lowerer) asError(e ast.Expr, to, from types.Type) ast.Expr {
	if to == nil || from == nil || !types.Identical(to, types.Universe.Lookup("error").Type()) || types.IsInterface(from) {
		return e
	}
	base := from
	if p, ok := from.(*types.Pointer); ok {
		base = p.Elem()
	}
	n, ok := types.Unalias(base).(*types.Named)
	if !ok || n.Obj().Pkg() == nil || n.Obj().Pkg() != l.f.sessionPkg(l) && !l.interpreted(n.Obj().Pkg()) {
		return e
	}
	if l.toError == "" {
		l.toError = fmt.Sprintf("$toError%d", l.c.n)
		errT := func() ast.Expr { return predeclared("error") }
		l.helpers = append(l.helpers, &ast.FuncDecl{
			Name: ast.NewIdent(l.toError),
			Type: &ast.FuncType{
				Params:  &ast.FieldList{List: []*ast.Field{{Names: []*ast.Ident{ast.NewIdent("e")}, Type: errT()}}},
				Results: &ast.FieldList{List: []*ast.Field{{Type: errT()}}},
			},
			Body: &ast.BlockStmt{List: []ast.Stmt{&ast.ReturnStmt{Results: []ast.Expr{ast.NewIdent("e")}}}},
		})
	}
	c := &ast.CallExpr{Fun: ast.NewIdent(l.toError), Lparen: e.Pos(), Args: []ast.Expr{e}}
	setPos(c, e.Pos())
	return c
}
