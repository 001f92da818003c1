package front

import (
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"strconv"
)

// Pass tags: where a runtime panic happened.
//
// The interpreter reports a panic at the first statement of the function
// it happened in (yaegi v0.16.1 loses the failing node). So the lowering
// puts `$at = K` before each statement that can panic, K numbering the
// statement's position in the session: after a panic, the tag variable
// names the last such statement that ran. Statements that cannot panic
// (arithmetic without division, assignments of names) get no tag, which
// keeps tight loops as fast as before. Statements that can block (a
// channel receive or send, a select, a range over a channel; calls are
// tagged already) are tagged too: when a cell deadlocks, the tag names the
// statement at which the last goroutine to block stopped (the session's
// deadlock.go).

// A Position is a place in a cell as typed.
type Position struct {
	Cell, Line, Col int
}

// Tag returns the position of tag k, as the tag variable holds it after a
// panic; ok is false for a value no statement set.
func (f *Front) Tag(k int) (Position, bool) {
	if k <= 0 || k > len(f.tags) {
		return Position{}, false
	}
	return f.tags[k-1], true
}

// tag returns the statement that records s's position, or nil when s
// cannot panic (or the session has no tag variable).
func (l *lowerer) tag(s ast.Stmt) ast.Stmt {
	if l.f.cfg.TagVar == "" || !l.canPanic(s) {
		return nil
	}
	p := l.f.cfg.Fset.Position(s.Pos())
	if p.Filename != l.c.name {
		return nil
	}
	l.f.tags = append(l.f.tags, Position{Cell: l.c.n, Line: p.Line, Col: runeCol(l.c.src, p.Line, p.Column)})
	k := len(l.f.tags)
	if l.top {
		if cc := l.boundsCase(s, k); cc != nil {
			l.bounds = append(l.bounds, cc)
		}
	}
	a := assignTo(&ast.Ident{NamePos: s.Pos(), Name: l.f.cfg.TagVar}, &ast.BasicLit{ValuePos: s.Pos(), Kind: token.INT, Value: strconv.Itoa(k)})
	a.TokPos = s.Pos()
	return a
}

// canPanic reports whether statement s itself (not the blocks nested in
// it) may panic at run time.
func (l *lowerer) canPanic(s ast.Stmt) bool {
	var exprs []ast.Node
	switch s := s.(type) {
	case *ast.IfStmt:
		exprs = []ast.Node{s.Init, s.Cond}
	case *ast.ForStmt:
		exprs = []ast.Node{s.Init, s.Cond, s.Post}
	case *ast.RangeStmt:
		if t := l.typeOf(s.X); t != nil {
			if _, isChan := t.Underlying().(*types.Chan); isChan {
				return true // it blocks
			}
		}
		exprs = []ast.Node{s.X}
	case *ast.SwitchStmt:
		exprs = []ast.Node{s.Init, s.Tag}
	case *ast.TypeSwitchStmt:
		exprs = []ast.Node{s.Init, s.Assign}
	case *ast.LabeledStmt:
		return l.canPanic(s.Stmt)
	case *ast.BlockStmt, *ast.BranchStmt, *ast.EmptyStmt:
		return false
	case *ast.SendStmt, *ast.SelectStmt:
		return true // a send can panic; both block
	case *ast.AssignStmt:
		for _, lhs := range s.Lhs {
			if ix, ok := unparen(lhs).(*ast.IndexExpr); ok {
				if t := l.typeOf(ix.X); t != nil {
					if _, isMap := t.Underlying().(*types.Map); isMap {
						return true // a write into a nil map
					}
				}
			}
		}
		if len(s.Lhs) == 2 && len(s.Rhs) == 1 {
			if _, ok := unparen(s.Rhs[0]).(*ast.TypeAssertExpr); ok {
				// v, ok := x.(T) does not panic; its operands might
				return l.exprCanPanic(s.Rhs[0].(*ast.TypeAssertExpr).X) || l.exprsCanPanic(s.Lhs)
			}
		}
		exprs = []ast.Node{s}
	default:
		exprs = []ast.Node{s}
	}
	for _, e := range exprs {
		if e != nil && l.exprCanPanic(e) {
			return true
		}
	}
	return false
}

func (l *lowerer) exprsCanPanic(es []ast.Expr) bool {
	for _, e := range es {
		if l.exprCanPanic(e) {
			return true
		}
	}
	return false
}

// exprCanPanic reports whether evaluating n may panic: a call, an index
// or slice of a slice, array or string, a pointer dereference, a type
// assertion, an integer division; or block: a channel receive.
func (l *lowerer) exprCanPanic(n ast.Node) bool {
	found := false
	ast.Inspect(n, func(n ast.Node) bool {
		if found {
			return false
		}
		switch x := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.CallExpr:
			if l.isType(x.Fun) {
				return true
			}
			if id, ok := unparen(x.Fun).(*ast.Ident); ok {
				if b, ok := l.info.Uses[id].(*types.Builtin); ok {
					switch b.Name() {
					case "panic", "close", "make":
						found = true
					}
					return true
				}
			}
			if tv, ok := l.info.Types[x]; ok && tv.Value != nil {
				return false // a constant
			}
			found = true
		case *ast.IndexExpr:
			if tv, ok := l.info.Types[x]; ok && tv.Value != nil {
				return false
			}
			if t := l.typeOf(x.X); t != nil {
				switch t.Underlying().(type) {
				case *types.Map, *types.Signature:
				default:
					found = true
				}
			}
		case *ast.SliceExpr, *ast.StarExpr:
			if !l.isType(x.(ast.Expr)) {
				found = true
			}
		case *ast.SelectorExpr:
			if sel, ok := l.info.Selections[x]; ok && sel.Indirect() {
				found = true
			}
		case *ast.TypeAssertExpr:
			if x.Type != nil {
				found = true
			}
		case *ast.UnaryExpr:
			if x.Op == token.ARROW {
				found = true // a receive blocks
			}
		case *ast.BinaryExpr:
			if (x.Op == token.QUO || x.Op == token.REM) && l.isInteger(x) {
				if tv, ok := l.info.Types[x.Y]; !ok || tv.Value == nil {
					found = true
				}
			}
		}
		return !found
	})
	return found
}

func (l *lowerer) isInteger(e ast.Expr) bool {
	t := l.typeOf(e)
	if t == nil {
		return false
	}
	b, ok := t.Underlying().(*types.Basic)
	return ok && b.Info()&types.IsInteger != 0
}

// Pass bounds (with tags): the numbers of Go's index-out-of-range message
// ("index out of range [5] with length 3"), which the interpreter's panic
// lacks, for the cell's own top-level statements. The cell's function
// starts by handing the runtime's Diag a function literal that, given the
// tag of the statement that panicked, evaluates that statement's index and
// the indexed value's length again. It can only refer to what is in scope
// at the function's start, so it covers indexes made of session variables,
// constants and len of them (s[5], s[i], s[len(s)] at the top level of a
// cell); elsewhere the message has Go's words without the numbers.

// boundsCase returns, for a top-level statement with tag k, the case of
// the diagnostic function: []int{index, length} of its first index
// expression whose parts are session variables, constants or len of
// them.
func (l *lowerer) boundsCase(s ast.Stmt, k int) *ast.CaseClause {
	var out *ast.CaseClause
	ast.Inspect(s, func(n ast.Node) bool {
		if out != nil {
			return false
		}
		switch x := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.IndexExpr:
			t := l.typeOf(x.X)
			if t == nil {
				return true
			}
			switch t.Underlying().(type) {
			case *types.Slice, *types.Array, *types.Basic:
			default:
				return true
			}
			if tv, ok := l.info.Types[x]; ok && tv.Value != nil {
				return true
			}
			idx, ok1 := l.pure(x.Index)
			val, ok2 := l.pure(x.X)
			if ok1 && ok2 {
				out = &ast.CaseClause{List: []ast.Expr{intLit(strconv.Itoa(k))}, Body: []ast.Stmt{&ast.ReturnStmt{Results: []ast.Expr{
					&ast.CompositeLit{Type: &ast.ArrayType{Elt: predeclared("int")}, Elts: []ast.Expr{
						&ast.CallExpr{Fun: predeclared("int"), Args: []ast.Expr{idx}},
						&ast.CallExpr{Fun: l.rt("Len"), Args: []ast.Expr{val}},
					}},
				}}}}
			}
		}
		return true
	})
	return out
}

// pure returns a copy of e when it is a session variable or constant, an
// integer constant, or len of such: an expression the diagnostic function
// can evaluate again without side effects.
func (l *lowerer) pure(e ast.Expr) (ast.Expr, bool) {
	e = unparen(e)
	if tv, ok := l.info.Types[e]; ok && tv.Value != nil {
		if v, ok := constant.Int64Val(constant.ToInt(tv.Value)); ok {
			return intLit(strconv.FormatInt(v, 10)), true
		}
		return nil, false
	}
	switch x := e.(type) {
	case *ast.Ident:
		if v, ok := l.info.Uses[x].(*types.Var); ok && (l.isSessionLevel(v) || l.isTopVar(v)) {
			return ast.NewIdent(x.Name), true
		}
	case *ast.CallExpr:
		if l.isBuiltin(x.Fun) && x.Fun.(*ast.Ident).Name == "len" && len(x.Args) == 1 {
			if a, ok := l.pure(x.Args[0]); ok {
				return &ast.CallExpr{Fun: l.rt("Len"), Args: []ast.Expr{a}}, true
			}
		}
	}
	return nil, false
}

// isTopVar reports whether v is a variable the cell's top-level statements
// define (a session variable once lowered).
func (l *lowerer) isTopVar(v *types.Var) bool {
	for _, tv := range l.ck.topVars {
		if tv == v {
			return true
		}
	}
	return false
}
