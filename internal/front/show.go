package front

import (
	"go/ast"
	"go/token"
	"go/types"
	"sort"
)

// Pass show: the value of the cell's last statement, when it is an
// expression with a value, is handed to the runtime's Show (ShowTuple for
// a call with several results). A value of a session type with rich
// methods (HTML, Markdown, LaTeX, SVG, PNG, MIMEBundle) is shown through
// them: the front end knows the static type, which compiled code cannot
// see (it does not see the methods of interpreted types).

// RichMethods are the methods by which a value of a user type shows
// itself, with the MIME type of each; MIMEBundle returns a map of MIME
// type to content, PNG returns bytes.
var RichMethods = map[string]string{
	"HTML":       "text/html",
	"Markdown":   "text/markdown",
	"LaTeX":      "text/latex",
	"SVG":        "image/svg+xml",
	"PNG":        "image/png",
	"MIMEBundle": "",
}

// showLast replaces the last statement of the cell, if it is an
// expression with a value, by a call that shows the value. It reports
// whether it did.
func (l *lowerer) showLast(stmts []ast.Stmt, x ast.Expr) ([]ast.Stmt, bool) {
	if x == nil || len(stmts) == 0 {
		return stmts, false
	}
	if _, ok := stmts[len(stmts)-1].(*ast.ExprStmt); !ok {
		return stmts, false
	}
	tv, ok := l.info.Types[x]
	if !ok || tv.IsVoid() || tv.IsType() || !(tv.IsValue() || tv.Value != nil) {
		return stmts, false
	}
	last := stmts[len(stmts)-1].(*ast.ExprStmt)
	pos := x.Pos()
	if l.printCall(x) {
		return stmts, false
	}
	if tuple, ok := tv.Type.(*types.Tuple); ok {
		var names []*ast.Ident
		var args []ast.Expr
		for i := 0; i < tuple.Len(); i++ {
			t := l.temp("v")
			names = append(names, t)
			args = append(args, ast.NewIdent(t.Name))
		}
		d := define(names, last.X)
		show := &ast.ExprStmt{X: &ast.CallExpr{Fun: l.rtAt("ShowTuple", pos), Lparen: pos, Args: args}}
		setPos(d, pos)
		return append(stmts[:len(stmts)-1], d, show), true
	}
	t := tv.Type
	if b, ok := t.(*types.Basic); ok && b.Kind() == types.UntypedNil {
		return append(stmts[:len(stmts)-1], &ast.ExprStmt{X: &ast.CallExpr{Fun: l.rtAt("Show", pos), Lparen: pos, Args: []ast.Expr{last.X}}}), true
	}
	if ms := l.richMethods(t); len(ms) > 0 {
		v := l.temp("v")
		d := define([]*ast.Ident{v}, last.X)
		show := &ast.ExprStmt{X: l.richCall(ast.NewIdent(v.Name), ms, pos, "ShowRich")}
		setPos(d, pos)
		setPos(show, pos)
		return append(stmts[:len(stmts)-1], d, show), true
	}
	return append(stmts[:len(stmts)-1], &ast.ExprStmt{X: &ast.CallExpr{Fun: l.rtAt("Show", pos), Lparen: pos, Args: []ast.Expr{last.X}}}), true
}

// richMethods returns the rich methods, with the right signature, that
// values of type t have when t is a session type (or a pointer to one).
func (l *lowerer) richMethods(t types.Type) []string {
	base := t
	if p, ok := t.(*types.Pointer); ok {
		base = p.Elem()
	}
	named, ok := base.(*types.Named)
	if !ok || named.Obj().Pkg() != l.pkg {
		return nil
	}
	// the value is in a variable: methods of *T are callable too
	ms := types.NewMethodSet(types.NewPointer(named))
	var out []string
	for i := 0; i < ms.Len(); i++ {
		m := ms.At(i).Obj().(*types.Func)
		if _, ok := RichMethods[m.Name()]; !ok {
			continue
		}
		sig := m.Type().(*types.Signature)
		if sig.Params().Len() != 0 || sig.Results().Len() != 1 {
			continue
		}
		rt := sig.Results().At(0).Type().Underlying()
		switch {
		case m.Name() == "MIMEBundle":
			if mt, ok := rt.(*types.Map); !ok || !isString(mt.Key()) || !isString(mt.Elem()) {
				continue
			}
		case m.Name() == "PNG":
			if s, ok := rt.(*types.Slice); !ok || !isByte(s.Elem()) {
				continue
			}
		default:
			if !isString(rt) {
				continue
			}
		}
		out = append(out, m.Name())
	}
	sort.Strings(out)
	return out
}

func isString(t types.Type) bool {
	b, ok := t.Underlying().(*types.Basic)
	return ok && b.Kind() == types.String
}

func isByte(t types.Type) bool {
	b, ok := t.Underlying().(*types.Basic)
	return ok && b.Kind() == types.Byte
}

// printCall reports whether e calls one of fmt's print functions, whose
// results (bytes written, error) a cell does not show.
func (l *lowerer) printCall(e ast.Expr) bool {
	c, ok := unparen(e).(*ast.CallExpr)
	if !ok {
		return false
	}
	sel, ok := unparen(c.Fun).(*ast.SelectorExpr)
	if !ok {
		return false
	}
	f, ok := l.info.Uses[sel.Sel].(*types.Func)
	if !ok || f.Pkg() == nil || f.Pkg().Path() != "fmt" {
		return false
	}
	switch f.Name() {
	case "Print", "Printf", "Println", "Fprint", "Fprintf", "Fprintln":
		return true
	}
	return false
}

// richCall calls the runtime's fn (Rich or ShowRich) with value v and
// what its rich methods ms give: fn(v, v.MIMEBundle() or nil, mime,
// content, …).
func (l *lowerer) richCall(v *ast.Ident, ms []string, pos token.Pos, fn string) ast.Expr {
	mime := l.rt("NoMIME")
	args := []ast.Expr{v, nil}
	for _, m := range ms {
		c := &ast.CallExpr{Fun: &ast.SelectorExpr{X: ast.NewIdent(v.Name), Sel: ast.NewIdent(m)}}
		switch m {
		case "MIMEBundle":
			mime = c
		case "PNG":
			args = append(args, stringLit(RichMethods[m]), &ast.CallExpr{Fun: l.rtAt("Base64", pos), Args: []ast.Expr{c}})
		default:
			args = append(args, stringLit(RichMethods[m]), c)
		}
	}
	args[1] = mime
	out := &ast.CallExpr{Fun: l.rtAt(fn, pos), Lparen: pos, Args: args}
	setPos(out, pos)
	return out
}
