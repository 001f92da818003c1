package front

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
)

// Pass select: select statements.
//
// The interpreter keeps one list of cases per select statement and fills
// it on each execution, so goroutines running the same select at once
// wait on each other's channels; a variable a case defines (case v :=
// <-c) is one variable for every execution, so closures made in one case
// see a later value; and it hangs on a labelled break out of a select.
// A select is lowered into a call of the runtime's Select, which builds
// its cases on each call, and a switch on the index of the case chosen:
//
//	select {                      {
//	case v, ok := <-c:                c' := c; var v' T; var ok' bool
//		body1                         d' := d; var x' U = x
//	case d <- x:                      switch rt.Select(true, c', &v', &ok', d', &x', true) {
//		body2                         case 0: v, ok := v', ok'; body1
//	default:                          case 1: body2
//		body3                         case -1: body3
//	}                                 }
//	                              }
//
// The channels and the values sent are evaluated once, in source order,
// on entering the select, as the spec says; a case's variables are new
// in each execution; break and labelled break keep their meaning in the
// switch. A select with no cases is left to the interpreter.

// selectStmt lowers a select statement.
func (l *lowerer) selectStmt(s *ast.SelectStmt) []ast.Stmt {
	if len(s.Body.List) == 0 {
		return []ast.Stmt{s}
	}
	pos := s.Select
	var pre []ast.Stmt
	var ops []ast.Expr // the runtime's operands: channel, pointer, ok or true for a send
	n := 0             // cases other than default
	hasDefault := false
	sw := &ast.SwitchStmt{Switch: pos, Body: &ast.BlockStmt{Lbrace: s.Body.Lbrace, Rbrace: s.Body.Rbrace}}
	declare := func(name *ast.Ident, t types.Type, value ast.Expr) {
		spec := &ast.ValueSpec{Names: []*ast.Ident{name}, Type: l.w.expr(t)}
		if value != nil {
			spec.Values = []ast.Expr{value}
		}
		pre = append(pre, &ast.DeclStmt{Decl: &ast.GenDecl{Tok: token.VAR, Specs: []ast.Spec{spec}}})
	}
	addr := func(id *ast.Ident) ast.Expr {
		return &ast.UnaryExpr{Op: token.AND, X: ast.NewIdent(id.Name)}
	}
	// recv records a receive from ch, into fresh variables for the names
	// in lhs that are not blank; it returns them in lhs's order (nil for
	// a blank one)
	recv := func(ch ast.Expr, lhs []ast.Expr) []*ast.Ident {
		c := l.temp("c")
		pre = append(pre, define([]*ast.Ident{c}, l.expr(ch)))
		var v, ok *ast.Ident
		var vArg, okArg ast.Expr = ast.NewIdent("nil"), ast.NewIdent("nil")
		if len(lhs) > 0 && !isBlank(lhs[0]) {
			v = l.temp("v")
			declare(v, l.typeOf(ch).Underlying().(*types.Chan).Elem(), nil)
			vArg = addr(v)
		}
		if len(lhs) > 1 && !isBlank(lhs[1]) {
			ok = l.temp("ok")
			declare(ok, types.Typ[types.Bool], nil)
			okArg = addr(ok)
		}
		ops = append(ops, ast.NewIdent(c.Name), vArg, okArg)
		n++
		return []*ast.Ident{v, ok}
	}
	for _, cc := range s.Body.List {
		cc := cc.(*ast.CommClause)
		var head []ast.Stmt
		var label ast.Expr = intLit(fmt.Sprint(n))
		switch comm := cc.Comm.(type) {
		case nil:
			hasDefault = true
			label = &ast.UnaryExpr{Op: token.SUB, X: intLit("1")}
		case *ast.SendStmt:
			c, x := l.temp("c"), l.temp("x")
			pre = append(pre, define([]*ast.Ident{c}, l.expr(comm.Chan)))
			declare(x, l.typeOf(comm.Chan).Underlying().(*types.Chan).Elem(), l.expr(comm.Value))
			ops = append(ops, ast.NewIdent(c.Name), addr(x), predeclared("true"))
			n++
		case *ast.ExprStmt:
			recv(unparen(comm.X).(*ast.UnaryExpr).X, nil)
		case *ast.AssignStmt:
			got := recv(unparen(comm.Rhs[0]).(*ast.UnaryExpr).X, comm.Lhs)
			var lhs, rhs []ast.Expr
			for i, e := range comm.Lhs {
				if got[i] == nil {
					continue
				}
				if comm.Tok == token.DEFINE {
					e = ast.NewIdent(e.(*ast.Ident).Name)
				} else {
					e = l.expr(e)
				}
				lhs, rhs = append(lhs, e), append(rhs, ast.NewIdent(got[i].Name))
			}
			if len(lhs) > 0 {
				head = append(head, &ast.AssignStmt{Lhs: lhs, Tok: comm.Tok, TokPos: cc.Case, Rhs: rhs})
			}
		}
		body := l.block(cc.Body)
		sw.Body.List = append(sw.Body.List, &ast.CaseClause{Case: cc.Case, Colon: cc.Colon, List: []ast.Expr{label}, Body: append(head, body...)})
	}
	var def ast.Expr = predeclared("false")
	if hasDefault {
		def = predeclared("true")
	}
	sw.Tag = &ast.CallExpr{Fun: l.rtAt("Select", pos), Lparen: pos, Args: append([]ast.Expr{def}, ops...)}
	for _, p := range pre {
		setPos(p, pos)
	}
	setPos(sw, pos)
	return []ast.Stmt{&ast.BlockStmt{Lbrace: pos, List: append(pre, sw)}}
}

// branch lowers break, continue, goto and fallthrough (inside the body of
// a range-over-func loop they become returns of the yield function).
func (l *lowerer) branch(s *ast.BranchStmt) []ast.Stmt {
	if rf := l.fn.rangeFunc; rf != nil {
		return rf.branch(l, s)
	}
	return []ast.Stmt{s}
}

// returnStmt lowers a return statement.
func (l *lowerer) returnStmt(s *ast.ReturnStmt) []ast.Stmt {
	for i, r := range s.Results {
		s.Results[i] = l.expr(r)
	}
	if rf := l.fn.rangeFunc; rf != nil {
		return rf.ret(l, s)
	}
	recv := false
	for _, r := range s.Results {
		recv = recv || isRecv(r)
	}
	if len(s.Results) > 1 && hasCall(s.Results) || recv {
		// the interpreter's parallel assignment bug applies to results;
		// it panics on `return <-c` (an unaddressable reflect value)
		return append(l.intoTemps(s.Results), s)
	}
	return []ast.Stmt{s}
}
