package front

import (
	"go/ast"
	"go/token"
	"go/types"
	"slices"
	"strings"
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
//
// The interpreter makes the result variables of a function it calls in
// `x = f()` the destination itself: f's named results, set early or by
// its deferred calls, show in x while f runs and even when f panics
// (`x = h()` with `func h() (n int) { n = 10; return x + 1 }` gives x 11,
// Go 2), and a deferred call sees x already set. Results of such calls
// are therefore received in new variables and assigned from there: calls
// of function values and of functions and methods with named results, a
// defer statement or a `return g()` of an interpreted g. (The results of
// other functions are written by their return statement as they end.)

// target lowers the target of an assignment or of ++ and --. A variable
// of a compiled package, pkg.V, is written through its address, *(&pkg.V):
// the interpreter drops an assignment to it without a word (os.Args = …)
// or refuses it as one to a constant (runtime.MemProfileRate = 1).
func (l *lowerer) target(lhs ast.Expr) ast.Expr {
	e := l.expr(lhs)
	sel, ok := unparen(lhs).(*ast.SelectorExpr)
	if !ok {
		return e
	}
	v, ok := l.info.Uses[sel.Sel].(*types.Var)
	if !ok || v.Pkg() == nil || v.Pkg() == l.pkg || l.interpreted(v.Pkg()) || v.Parent() != v.Pkg().Scope() {
		return e
	}
	pos := lhs.Pos()
	return &ast.StarExpr{Star: pos, X: &ast.ParenExpr{Lparen: pos, X: &ast.UnaryExpr{OpPos: pos, Op: token.AND, X: e}, Rparen: pos}}
}

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
	origLhs, origRhs := append([]ast.Expr(nil), s.Lhs...), append([]ast.Expr(nil), s.Rhs...)
	viaTemps := s.Tok == token.ASSIGN && len(s.Rhs) == 1 && l.exposingCall(s.Rhs[0])
	recv := len(s.Rhs) == 1 && isRecv(s.Rhs[0])
	viaTemps = viaTemps || recv && s.Tok == token.ASSIGN || l.funcIntoElement(s)
	lowered := false
	if len(s.Lhs) == 2 && len(s.Rhs) == 1 {
		if c, ok := l.commaOk(s.Rhs[0]); ok {
			s.Rhs[0], lowered = c, true
		}
	}
	for i, r := range s.Rhs {
		if !lowered {
			s.Rhs[i] = l.expr(r)
			if s.Tok == token.ASSIGN && len(s.Lhs) == len(s.Rhs) {
				s.Rhs[i] = l.asError(s.Rhs[i], l.typeOf(origLhs[i]), l.typeOf(r))
			}
		}
	}
	for i, lhs := range s.Lhs {
		if id, ok := lhs.(*ast.Ident); ok && (id.Name == "_" || l.info.Defs[id] != nil) {
			if id.Name != "_" && l.isSessionLevel(l.info.Defs[id]) {
				s.Lhs[i] = l.declName(id)
			}
			continue
		}
		s.Lhs[i] = l.target(lhs)
	}
	if len(s.Lhs) > 1 && len(s.Rhs) == len(s.Lhs) && hasCall(s.Rhs) {
		return l.oneByOne(append(l.intoTemps(s.Rhs), s), origLhs, origRhs)
	}
	if recv && s.Tok == token.DEFINE {
		// v := <-c: v :=  $t, after $t := <-c
		temps := make([]*ast.Ident, len(s.Lhs))
		rhs := make([]ast.Expr, len(s.Lhs))
		for i, e := range s.Lhs {
			temps[i], rhs[i] = ast.NewIdent("_"), ast.NewIdent("_")
			if !isBlank(e) {
				temps[i] = l.temp("t")
				temps[i].NamePos = e.Pos()
				rhs[i] = ast.NewIdent(temps[i].Name)
			}
		}
		def := define(temps, s.Rhs[0])
		def.TokPos = s.TokPos
		s.Rhs = rhs
		return []ast.Stmt{def, s}
	}
	if viaTemps {
		if recv && !lhsOperandsFirst(s.Lhs) {
			l.unsupported(s, "assignment of a receive to a left-hand side whose operands call functions (receive into a variable first)")
		}
		return l.oneByOne(l.resultsViaTemps(s), origLhs, origRhs)
	}
	return l.oneByOne([]ast.Stmt{s}, origLhs, origRhs)
}

// oneByOne rewrites the parallel assignment that ends out, the lowering
// of `origLhs = origRhs`, when one of its values is of an empty interface
// type or a target is a map's element: the interpreter's parallel
// assignment panics on the first (`x, err = t1, t2` with x and t1 of type
// any: reflect.Set of an interface {} to its interp.valueInterface) and
// evaluates a map element's key after the earlier targets are assigned
// (`k, m[k] = "b", 1` set m["b"]). As Go's first phase, the
// targets' operands (the address of an addressable target, the map and
// key of a map element) and the values not yet in temporaries are
// evaluated into new variables in order, then each is assigned alone.
func (l *lowerer) oneByOne(out []ast.Stmt, origLhs, origRhs []ast.Expr) []ast.Stmt {
	s, ok := out[len(out)-1].(*ast.AssignStmt)
	if !ok || s.Tok != token.ASSIGN || len(s.Lhs) < 2 || len(s.Lhs) != len(s.Rhs) {
		return out
	}
	var srcs []types.Type
	if len(origRhs) == 1 {
		if tup, ok := l.typeOf(origRhs[0]).(*types.Tuple); ok {
			for i := range tup.Len() {
				srcs = append(srcs, tup.At(i).Type())
			}
		}
	} else {
		for _, r := range origRhs {
			srcs = append(srcs, l.typeOf(r))
		}
	}
	if !slices.ContainsFunc(srcs, isEmptyInterface) && !slices.ContainsFunc(origLhs, l.isMapIndex) {
		return out
	}
	// the original targets and values of the lowered ones (resultsViaTemps
	// leaves out the blank targets of a call's results)
	type pair struct {
		lhs, rhs ast.Expr
		val      types.TypeAndValue
	}
	var pairs []pair
	for i, lhs := range origLhs {
		if len(origRhs) == 1 && isBlank(lhs) && len(s.Lhs) < len(origLhs) {
			continue
		}
		p := pair{lhs: lhs}
		if len(origRhs) > 1 {
			p.rhs, p.val = origRhs[i], l.info.Types[origRhs[i]]
		}
		pairs = append(pairs, p)
	}
	if len(pairs) != len(s.Lhs) {
		l.unsupported(s, "parallel assignment of a value of an empty interface type, which the interpreter cannot run (assign one by one)")
		return out
	}
	pre := out[:len(out)-1]
	take := func(e ast.Expr) ast.Expr {
		t := l.temp("t")
		t.NamePos = e.Pos()
		pre = append(pre, define([]*ast.Ident{t}, e))
		return ast.NewIdent(t.Name)
	}
	lhs := make([]ast.Expr, len(s.Lhs))
	for i, e := range s.Lhs {
		if id, ok := unparen(e).(*ast.Ident); ok {
			lhs[i] = id
			continue
		}
		if x, ok := unparen(e).(*ast.IndexExpr); ok && l.isMapIndex(pairs[i].lhs) {
			lhs[i] = &ast.IndexExpr{X: take(x.X), Lbrack: x.Lbrack, Index: take(x.Index), Rbrack: x.Rbrack}
			continue
		}
		lhs[i] = &ast.StarExpr{Star: e.Pos(), X: take(&ast.UnaryExpr{OpPos: e.Pos(), Op: token.AND, X: e})}
	}
	for i, r := range s.Rhs {
		p := pairs[i]
		if id, ok := r.(*ast.Ident); ok && strings.HasPrefix(id.Name, "$") || p.val.Value != nil || p.val.IsNil() {
			continue // a temporary, a constant or nil: no assignment changes them
		}
		if isBlank(lhs[i]) {
			pre = append(pre, assignTo(lhs[i], r))
			s.Rhs[i] = nil
			continue
		}
		// typed as the target, for an untyped value (a comparison)
		t := l.temp("t")
		t.NamePos = r.Pos()
		typ := l.w.expr(l.typeOf(p.lhs))
		setPos(typ, r.Pos())
		pre = append(pre, &ast.DeclStmt{Decl: &ast.GenDecl{TokPos: r.Pos(), Tok: token.VAR, Specs: []ast.Spec{
			&ast.ValueSpec{Names: []*ast.Ident{t}, Type: typ, Values: []ast.Expr{r}}}}})
		s.Rhs[i] = ast.NewIdent(t.Name)
	}
	for i := range lhs {
		if s.Rhs[i] != nil && !isBlank(lhs[i]) {
			a := assignTo(lhs[i], s.Rhs[i])
			a.TokPos = s.TokPos
			pre = append(pre, a)
		}
	}
	return pre
}

// isMapIndex reports whether e is an element of a map.
func (l *lowerer) isMapIndex(e ast.Expr) bool {
	x, ok := unparen(e).(*ast.IndexExpr)
	if !ok {
		return false
	}
	t := l.typeOf(x.X)
	if t == nil {
		return false
	}
	_, isMap := t.Underlying().(*types.Map)
	return isMap
}

// isEmptyInterface reports whether t is an interface type without
// methods (any), not a type parameter.
func isEmptyInterface(t types.Type) bool {
	if t == nil {
		return false
	}
	if _, ok := t.(*types.TypeParam); ok {
		return false
	}
	i, ok := t.Underlying().(*types.Interface)
	return ok && i.Empty()
}

// isRecv reports whether e is a receive operation. The interpreter drops
// the value of `xs[i] = <-c` (and of a receive assigned to a field or
// through a pointer), and a variable defined by `v := <-c` holds an
// unaddressable value that a later `v = f()` cannot set: the value is
// received into a new variable and assigned from there.
func isRecv(e ast.Expr) bool {
	u, ok := unparen(e).(*ast.UnaryExpr)
	return ok && u.Op == token.ARROW
}

// resultsViaTemps lowers lhs… = f() (lowered) into $t… := f(); lhs… = $t….
// Calls in the operands of the left-hand side's index expressions and
// indirections come first, as in Go: m[k()] = f() becomes $i := k();
// $t := f(); m[$i] = $t. Where they cannot be taken out (a call deeper in
// an operand whose value must not be copied) the assignment stays.
func (l *lowerer) resultsViaTemps(s *ast.AssignStmt) []ast.Stmt {
	var pre []ast.Stmt
	if !lhsOperandsFirst(s.Lhs) {
		return []ast.Stmt{s}
	}
	take := func(e ast.Expr) ast.Expr {
		t := l.temp("t")
		t.NamePos = e.Pos()
		pre = append(pre, define([]*ast.Ident{t}, e))
		return ast.NewIdent(t.Name)
	}
	for _, e := range s.Lhs {
		switch x := e.(type) {
		case *ast.IndexExpr:
			if hasCall([]ast.Expr{x.X}) {
				x.X = take(x.X)
			}
			if hasCall([]ast.Expr{x.Index}) {
				x.Index = take(x.Index)
			}
		case *ast.StarExpr:
			if hasCall([]ast.Expr{x.X}) {
				x.X = take(x.X)
			}
		case *ast.SelectorExpr:
			if hasCall([]ast.Expr{x.X}) {
				x.X = take(x.X)
			}
		}
	}
	var temps []*ast.Ident
	var lhs, rhs []ast.Expr
	for _, e := range s.Lhs {
		if id, ok := e.(*ast.Ident); ok && id.Name == "_" {
			temps = append(temps, ast.NewIdent("_"))
			continue
		}
		t := l.temp("t")
		t.NamePos = e.Pos()
		temps = append(temps, t)
		lhs, rhs = append(lhs, e), append(rhs, ast.NewIdent(t.Name))
	}
	if len(lhs) == 0 {
		return append(pre, s)
	}
	def := define(temps, s.Rhs[0])
	def.TokPos = s.TokPos
	return append(pre, def, &ast.AssignStmt{Lhs: lhs, TokPos: s.TokPos, Tok: token.ASSIGN, Rhs: rhs})
}

// funcIntoElement reports whether s assigns the result of a call, a
// function, to an element of a slice or array: the interpreter stores a
// nil function there when the call is compiled (fs[0] =
// sync.OnceFunc(f) left fs[0] == nil), and the right one through a
// variable, so the result goes through a temporary (resultsViaTemps).
func (l *lowerer) funcIntoElement(s *ast.AssignStmt) bool {
	if s.Tok != token.ASSIGN || len(s.Lhs) != 1 || len(s.Rhs) != 1 {
		return false
	}
	ix, ok := unparen(s.Lhs[0]).(*ast.IndexExpr)
	if !ok {
		return false
	}
	if _, isMap := typeUnder(l.typeOf(ix.X)).(*types.Map); isMap {
		return false
	}
	if _, ok := unparen(s.Rhs[0]).(*ast.CallExpr); !ok {
		return false
	}
	_, isFunc := typeUnder(l.typeOf(s.Rhs[0])).(*types.Signature)
	return isFunc
}

// typeUnder is t's underlying type, nil for nil.
func typeUnder(t types.Type) types.Type {
	if t == nil {
		return nil
	}
	return t.Underlying()
}

// lhsOperandsFirst reports whether the calls in the (lowered) left-hand
// sides lhs can be evaluated first into temporaries: they are the index
// or the operand of an index expression, indirection or selector that is
// itself a call (a slice, map or pointer, which a copy does not change).
func lhsOperandsFirst(lhs []ast.Expr) bool {
	isCall := func(e ast.Expr) bool {
		switch x := unparen(e).(type) {
		case *ast.CallExpr:
			return true
		case *ast.UnaryExpr:
			return x.Op == token.ARROW
		}
		return false
	}
	for _, e := range lhs {
		if !hasCall([]ast.Expr{e}) {
			continue
		}
		switch x := e.(type) {
		case *ast.IndexExpr:
			if hasCall([]ast.Expr{x.X}) && !isCall(x.X) {
				return false
			}
		case *ast.StarExpr:
		case *ast.SelectorExpr:
			if !isCall(x.X) {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// exposingCall reports whether e is a call whose results can show in
// its destination before it returns (see the pass's doc).
func (l *lowerer) exposingCall(e ast.Expr) bool {
	if !interpretedCall(l.info, l.pkg, e) {
		return false
	}
	fn := calleeFunc(l.info, unparen(e).(*ast.CallExpr).Fun)
	if fn == nil || fn.Pkg() != l.pkg {
		return true // a function value, an interface's method, a generic
	}
	sig := fn.Type().(*types.Signature)
	if sig.Results().Len() == 0 {
		return false
	}
	if sig.Results().At(0).Name() != "" || sig.Recv() != nil && types.IsInterface(sig.Recv().Type()) {
		return true
	}
	name := fn.Name()
	if sig.Recv() != nil {
		if n, ok := types.Unalias(recvBase(sig)).(*types.Named); ok {
			name = n.Obj().Name() + "." + name
		}
	}
	if e, ok := l.exposes[name]; ok {
		return e
	}
	if d, ok := l.f.decls[name]; ok {
		return d.exposes
	}
	return true
}

// recvBase is the receiver's type of a method, without its pointer (nil
// for a function).
func recvBase(sig *types.Signature) types.Type {
	if sig.Recv() == nil {
		return nil
	}
	t := sig.Recv().Type()
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	return t
}

// exposesResults reports whether function declaration d (of the session
// package pkg) has results that can show in a call's destination before
// it returns: named results, a defer statement, or a return of a call of
// an interpreted function.
func exposesResults(info *types.Info, pkg *types.Package, d *ast.FuncDecl) bool {
	if d.Body == nil || d.Type.Results == nil || len(d.Type.Results.List) == 0 {
		return false
	}
	if len(d.Type.Results.List[0].Names) > 0 || hasDefer(d.Body) {
		return true
	}
	found := false
	ast.Inspect(d.Body, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.ReturnStmt:
			if len(x.Results) == 1 && interpretedCall(info, pkg, x.Results[0]) {
				found = true
			}
		}
		return !found
	})
	return found
}

// interpretedCall reports whether e is a call of a function that may be
// interpreted: not a builtin, a conversion, or a non-generic function or
// method of a compiled package (a method of an interface may be
// interpreted).
func interpretedCall(info *types.Info, pkg *types.Package, e ast.Expr) bool {
	c, ok := unparen(e).(*ast.CallExpr)
	if !ok {
		return false
	}
	if tv, ok := info.Types[c.Fun]; ok && (tv.IsType() || tv.IsBuiltin()) {
		return false
	}
	fn := calleeFunc(info, c.Fun)
	if fn == nil || fn.Pkg() == nil || fn.Pkg() == pkg {
		return true
	}
	sig := fn.Type().(*types.Signature)
	if sig.TypeParams().Len() > 0 || sig.RecvTypeParams().Len() > 0 {
		return true
	}
	return sig.Recv() != nil && types.IsInterface(sig.Recv().Type())
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
