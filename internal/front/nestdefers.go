package front

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
)

// Pass nestdefers: a panic raised by a deferred call.
//
// In Go, when a deferred call panics, the function's other deferred calls
// still run, and a recover in one of them returns the new panic. The
// interpreter runs a function's deferred calls in one loop, which the new
// panic leaves: the calls deferred earlier never run and the panic goes
// on. A function whose body defers two or more calls, all as statements
// of the body itself, is therefore nested, each defer after the first
// starting a function literal that holds the rest of the body and is
// called at once:
//
//	func f() (r T) {             func f() (r T) {
//		s1                           s1
//		defer d1()                   defer d1()
//		s2                           s2
//		defer d2()         →         func() {
//		s3                               defer d2()
//		return e                         s3
//	}                                    { t := e; r = t; return }
//	                                 }()
//	                                 return
//	                             }
//
// A panic of d2 ends the literal, and f runs d1 with it, as Go does;
// returns in the literal set f's results (named $res0, $res1, … when the
// function has unnamed ones) and leave it, and f returns them. Functions
// with defer statements elsewhere (in a loop or a branch) or with labels
// keep their body.

// nestDefers nests the lowered body of a function of type ft and
// signature sig at its defer statements after the first.
func (l *lowerer) nestDefers(body *ast.BlockStmt, ft *ast.FuncType, sig *types.Signature) {
	if body == nil || sig == nil {
		return
	}
	top := 0
	for _, s := range body.List {
		if _, ok := s.(*ast.DeferStmt); ok {
			top++
		}
	}
	if top < 2 || countDefers(body) != top || hasLabels(body) {
		return
	}
	var results []string
	if sig.Results().Len() > 0 {
		results = l.namedResults(ft)
	}
	body.List = l.nest(body.List, results, sig, true)
}

// nest returns list with the statements from its second defer statement
// on moved into a function literal called at once.
func (l *lowerer) nest(list []ast.Stmt, results []string, sig *types.Signature, outer bool) []ast.Stmt {
	second := -1
	n := 0
	for i, s := range list {
		if _, ok := s.(*ast.DeferStmt); ok {
			if n++; n == 2 {
				second = i
				break
			}
		}
	}
	if !outer {
		l.resultReturns(list, results, sig)
	}
	if second < 0 {
		return list
	}
	pos := list[second].Pos()
	// the interpreter reports a frame of the literal at the start of its
	// first statement, the defer statement's call
	for _, at := range []token.Pos{pos, list[second].(*ast.DeferStmt).Call.Pos()} {
		if p := l.f.cfg.Fset.Position(at); p.Filename == l.c.name {
			if l.f.nests == nil {
				l.f.nests = map[Position]bool{}
			}
			l.f.nests[Position{Cell: l.c.n, Line: p.Line, Col: runeCol(l.c.src, p.Line, p.Column)}] = true
		}
	}
	inner := &ast.FuncLit{
		Type: &ast.FuncType{Func: pos, Params: &ast.FieldList{}},
		Body: &ast.BlockStmt{Lbrace: pos, List: l.nest(list[second:], results, sig, false)},
	}
	out := append(list[:second:second], &ast.ExprStmt{X: &ast.CallExpr{Fun: inner, Lparen: pos}})
	if len(results) > 0 {
		out = append(out, &ast.ReturnStmt{Return: pos})
	}
	setPos(out[second], pos)
	return out
}

// namedResults names the results of ft, those unnamed or blank $res0, $res1,
// …, and returns the names.
func (l *lowerer) namedResults(ft *ast.FuncType) []string {
	var names []string
	for _, f := range ft.Results.List {
		if len(f.Names) == 0 {
			f.Names = []*ast.Ident{ast.NewIdent(fmt.Sprint("$res", len(names)))}
		}
		for i, n := range f.Names {
			if n.Name == "_" {
				f.Names[i] = ast.NewIdent(fmt.Sprint("$res", len(names)))
			}
			names = append(names, f.Names[i].Name)
		}
	}
	return names
}

// resultReturns rewrites the return statements with values in list (not
// in function literals) into assignments to the results and a bare
// return: { t0, t1 := e0, e1; r0, r1 = t0, t1; return }.
func (l *lowerer) resultReturns(list []ast.Stmt, results []string, sig *types.Signature) {
	// the block shares list's array: its statements are replaced in place
	ast.Inspect(&ast.BlockStmt{List: list}, func(n ast.Node) bool {
		if _, ok := n.(*ast.FuncLit); ok {
			return false
		}
		var stmts []ast.Stmt
		switch b := n.(type) {
		case *ast.BlockStmt:
			stmts = b.List
		case *ast.CaseClause:
			stmts = b.Body
		case *ast.CommClause:
			stmts = b.Body
		}
		for i, st := range stmts {
			r, ok := st.(*ast.ReturnStmt)
			if !ok || len(r.Results) == 0 {
				continue
			}
			temps := make([]*ast.Ident, len(results))
			lhs := make([]ast.Expr, len(results))
			rhs := make([]ast.Expr, len(results))
			for k := range results {
				temps[k] = l.temp("t")
				lhs[k], rhs[k] = ast.NewIdent(results[k]), ast.NewIdent(temps[k].Name)
			}
			var list []ast.Stmt
			if len(r.Results) == len(results) {
				// typed: a value may be an untyped nil or constant
				for k, e := range r.Results {
					spec := &ast.ValueSpec{Names: []*ast.Ident{temps[k]}, Type: l.w.expr(sig.Results().At(k).Type()), Values: []ast.Expr{e}}
					list = append(list, &ast.DeclStmt{Decl: &ast.GenDecl{Tok: token.VAR, Specs: []ast.Spec{spec}}})
				}
			} else {
				list = append(list, define(temps, r.Results...)) // return g()
			}
			b := &ast.BlockStmt{Lbrace: r.Pos(), List: append(list,
				&ast.AssignStmt{Lhs: lhs, Tok: token.ASSIGN, Rhs: rhs},
				&ast.ReturnStmt{Return: r.Pos()},
			)}
			setPos(b, r.Pos())
			stmts[i] = b
		}
		return true
	})
}

// countDefers counts the defer statements of a body, not those of the
// function literals in it.
func countDefers(body *ast.BlockStmt) int {
	n := 0
	ast.Inspect(body, func(x ast.Node) bool {
		switch x.(type) {
		case *ast.FuncLit:
			return false
		case *ast.DeferStmt:
			n++
		}
		return true
	})
	return n
}

// hasLabels reports whether a body has labelled statements (a goto or a
// labelled branch could cross the nesting).
func hasLabels(body *ast.BlockStmt) bool {
	found := false
	ast.Inspect(body, func(x ast.Node) bool {
		switch x.(type) {
		case *ast.FuncLit:
			return false
		case *ast.LabeledStmt:
			found = true
		}
		return !found
	})
	return found
}
