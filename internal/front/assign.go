package front

import (
	"go/ast"
	"go/token"
	"go/types"
)

// Pass assign: tuple assignment and the cell's top-level definitions.
//
// The interpreter loses the values of a parallel assignment whose
// right-hand side has a call (`want, got = 5+2, g(5)` leaves want 0): the
// right-hand values are evaluated into temporaries first, one by one,
// and assigned from there.
//
// A top-level `x := e` of a cell defines a session variable: x is declared
// at package level (with its type from go/types) and the statement
// becomes `x = e`.

// assign lowers an assignment or definition.
func (l *lowerer) assign(s *ast.AssignStmt, top bool) []ast.Stmt {
	if top && s.Tok == token.DEFINE {
		for _, lhs := range s.Lhs {
			id := lhs.(*ast.Ident)
			if v, ok := l.info.Defs[id].(*types.Var); ok {
				l.topVar(id, v)
			}
		}
		s.Tok = token.ASSIGN
	}
	for i, r := range s.Rhs {
		s.Rhs[i] = l.expr(r)
	}
	for i, lhs := range s.Lhs {
		if id, ok := lhs.(*ast.Ident); ok && (id.Name == "_" || l.info.Defs[id] != nil) {
			continue
		}
		s.Lhs[i] = l.expr(lhs)
	}
	if len(s.Lhs) > 1 && len(s.Rhs) == len(s.Lhs) && hasCall(s.Rhs) {
		return append(l.intoTemps(s.Rhs), s)
	}
	return []ast.Stmt{s}
}

// intoTemps evaluates the (lowered) expressions of a parallel assignment
// or return one by one into temporaries, which replace them in exprs.
func (l *lowerer) intoTemps(exprs []ast.Expr) []ast.Stmt {
	var pre []ast.Stmt
	for i, r := range exprs {
		if isSimple(r) {
			continue
		}
		t := l.temp("t")
		t.NamePos = r.Pos()
		pre = append(pre, define([]*ast.Ident{t}, r))
		exprs[i] = ast.NewIdent(t.Name)
	}
	return pre
}

// hasCall reports whether any of exprs contains a call or a receive.
func hasCall(exprs []ast.Expr) bool {
	found := false
	for _, e := range exprs {
		ast.Inspect(e, func(n ast.Node) bool {
			switch x := n.(type) {
			case *ast.CallExpr:
				found = true
			case *ast.UnaryExpr:
				if x.Op == token.ARROW {
					found = true
				}
			case *ast.FuncLit:
				return false
			}
			return !found
		})
	}
	return found
}

// isSimple reports whether e is a name or a literal: it needs no
// temporary.
func isSimple(e ast.Expr) bool {
	switch e.(type) {
	case *ast.Ident, *ast.BasicLit:
		return true
	}
	return false
}

// topVar records a variable that a top-level statement of the cell
// defines: it is declared at package level in the lowered file.
func (l *lowerer) topVar(id *ast.Ident, v *types.Var) {
	for _, tv := range l.ck.topVars {
		if tv == v {
			l.newVars = append(l.newVars, topVarDecl{id: id, v: v})
			return
		}
	}
}

// topVarDecl is a session variable defined by a top-level statement.
type topVarDecl struct {
	id *ast.Ident
	v  *types.Var
}
