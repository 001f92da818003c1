package front

import (
	"go/ast"
	"go/token"
	"go/types"
	"strconv"
)

// Pass rangefunc: range over functions (Go 1.23 iterators), which the
// interpreter cannot run. The loop becomes a call of the iterator with a
// yield function literal whose body is the loop's body, as the spec
// defines it:
//
//	for k, v := range seq { body }
//
// becomes, in a block of its own,
//
//	var done bool
//	seq(func(k' K, v' V) bool {
//		if done { panic(…continued iteration…) }
//		k, v := k', v'
//		body        // continue → return true; break → done = true; return false
//		return true
//	})
//	done = true
//	// exits requested by the body: break L, continue L, return
//
// A break or continue to a label outside the loop, and a return, set a
// code and end the iteration (return false); after the call the code is
// acted on. A return's values go to variables of the enclosing function
// first. Within nested range-over-func loops the codes pass outward from
// one yield function to the next.

// rangeFuncCtx is the state of the body of a range-over-func loop being
// lowered into a yield function.
type rangeFuncCtx struct {
	label string // the loop's label, "" for none
	done  string // set when the loop is over
	exit  string // code of the exit requested by the body, 0 for none
	// exits are the breaks and continues to outer labels, by code
	exits []ast.Stmt
	// breakDepth and contDepth count the statements nested in the body
	// that an unlabelled break or continue refers to.
	breakDepth, contDepth int
	// inner labels are those declared inside the body.
	inner map[string]bool
}

// retStash holds a return requested inside range-over-func bodies: a
// flag and the result values, in variables of the enclosing function.
type retStash struct {
	flag string
	vals []string
	sig  *types.Signature
	used bool
}

// stash returns the return stash of the real function enclosing the
// current (yield) function.
func (l *lowerer) stash() *retStash {
	fn := l.fn
	for fn.rangeFunc != nil && fn.outer != nil {
		fn = fn.outer
	}
	if fn.ret == nil {
		fn.ret = &retStash{flag: l.temp("ret").Name, sig: fn.sig}
		if fn.sig != nil {
			for i := 0; i < fn.sig.Results().Len(); i++ {
				fn.ret.vals = append(fn.ret.vals, l.temp("r").Name)
			}
		}
	}
	return fn.ret
}

// rangeFunc lowers a range over a function.
func (l *lowerer) rangeFunc(s *ast.RangeStmt, label *ast.Ident) (pre []ast.Stmt, loop ast.Stmt) {
	ft := l.typeOf(s.X).Underlying().(*types.Signature)
	yieldT := ft.Params().At(0).Type().Underlying().(*types.Signature)
	pos := s.For
	rf := &rangeFuncCtx{done: l.temp("done").Name, exit: l.temp("exit").Name, inner: map[string]bool{}}
	if label != nil {
		rf.label = label.Name
	}
	ast.Inspect(s.Body, func(n ast.Node) bool {
		if ls, ok := n.(*ast.LabeledStmt); ok {
			rf.inner[ls.Label.Name] = true
		}
		_, lit := n.(*ast.FuncLit)
		return !lit
	})
	for _, n := range []ast.Node{s.Body} {
		ast.Inspect(n, func(n ast.Node) bool {
			switch x := n.(type) {
			case *ast.FuncLit:
				return false
			case *ast.BranchStmt:
				if x.Tok == token.GOTO && !rf.inner[x.Label.Name] {
					l.unsupported(x, "goto out of the body of a range over a function")
				}
			}
			return true
		})
	}

	// the yield function's parameters and the loop variables
	var params []*ast.Field
	var lhs, rhs []ast.Expr
	for i, e := range []ast.Expr{s.Key, s.Value} {
		if i >= yieldT.Params().Len() {
			break
		}
		p := l.temp("y")
		params = append(params, &ast.Field{Names: []*ast.Ident{p}, Type: l.w.expr(yieldT.Params().At(i).Type())})
		if e != nil && !isBlank(e) {
			rhs = append(rhs, ast.NewIdent(p.Name))
			if s.Tok == token.DEFINE {
				lhs = append(lhs, ast.NewIdent(e.(*ast.Ident).Name))
			} else {
				lhs = append(lhs, l.expr(e))
			}
		}
	}
	x := l.expr(s.X)

	outer := l.fn
	l.fn = &funcCtx{sig: yieldT, outer: outer, rangeFunc: rf}
	body := l.block(s.Body.List)
	l.fn = outer

	var list []ast.Stmt
	list = append(list, &ast.IfStmt{If: pos, Cond: ast.NewIdent(rf.done), Body: &ast.BlockStmt{List: []ast.Stmt{
		&ast.ExprStmt{X: &ast.CallExpr{Fun: l.rt("Panic"), Args: []ast.Expr{l.runtimeError("range function continued iteration after function for loop body returned false")}}},
	}}})
	if len(lhs) > 0 {
		tok := token.ASSIGN
		if s.Tok == token.DEFINE {
			tok = token.DEFINE
		}
		list = append(list, &ast.AssignStmt{Lhs: lhs, Tok: tok, Rhs: rhs})
	}
	list = append(list, body...)
	list = append(list, &ast.ReturnStmt{Results: []ast.Expr{predeclared("true")}})
	yield := &ast.FuncLit{
		Type: &ast.FuncType{Params: &ast.FieldList{List: params}, Results: &ast.FieldList{List: []*ast.Field{{Type: predeclared("bool")}}}},
		Body: &ast.BlockStmt{List: list},
	}

	out := []ast.Stmt{
		&ast.DeclStmt{Decl: &ast.GenDecl{Tok: token.VAR, Specs: []ast.Spec{
			&ast.ValueSpec{Names: []*ast.Ident{ast.NewIdent(rf.done)}, Type: predeclared("bool")},
			&ast.ValueSpec{Names: []*ast.Ident{ast.NewIdent(rf.exit)}, Type: predeclared("int")},
		}}},
		&ast.ExprStmt{X: &ast.CallExpr{Fun: x, Args: []ast.Expr{yield}}},
		assignTo(ast.NewIdent(rf.done), predeclared("true")),
	}
	// exits to outer labels
	for i, e := range rf.exits {
		out = append(out, &ast.IfStmt{If: pos, Cond: &ast.BinaryExpr{X: ast.NewIdent(rf.exit), Op: token.EQL, Y: intLit(strconv.Itoa(i + 1))},
			Body: &ast.BlockStmt{List: l.exitStmt(e)}})
	}
	// a return requested by the body
	if st := l.stashOf(); st != nil && st.used {
		var then []ast.Stmt
		if l.fn.rangeFunc != nil {
			// inside another yield function: end it too
			then = []ast.Stmt{assignTo(ast.NewIdent(l.fn.rangeFunc.done), predeclared("true")), &ast.ReturnStmt{Results: []ast.Expr{predeclared("false")}}}
		} else {
			var vals []ast.Expr
			for _, v := range st.vals {
				vals = append(vals, ast.NewIdent(v))
			}
			then = []ast.Stmt{&ast.ReturnStmt{Results: vals}}
		}
		out = append(out, &ast.IfStmt{If: pos, Cond: ast.NewIdent(st.flag), Body: &ast.BlockStmt{List: then}})
	}
	block := &ast.BlockStmt{Lbrace: pos, List: out}
	setPos(block, pos)
	return []ast.Stmt{block}, nil
}

// stashOf returns the current real function's return stash, if any.
func (l *lowerer) stashOf() *retStash {
	fn := l.fn
	for fn != nil && fn.rangeFunc != nil && fn.outer != nil {
		fn = fn.outer
	}
	if fn == nil {
		return nil
	}
	return fn.ret
}

// exitStmt is what an exit code does after the loop: the break or
// continue itself, or, inside another yield function, the same request
// passed outward.
func (l *lowerer) exitStmt(s ast.Stmt) []ast.Stmt {
	if rf := l.fn.rangeFunc; rf != nil {
		return rf.branch(l, s.(*ast.BranchStmt))
	}
	return []ast.Stmt{s}
}

// runtimeError is the panic value of a runtime error with message msg.
func (l *lowerer) runtimeError(msg string) ast.Expr {
	return &ast.CallExpr{Fun: l.rt("RuntimeError"), Args: []ast.Expr{stringLit(msg)}}
}

// branch lowers a break or continue inside the body of the loop.
func (rf *rangeFuncCtx) branch(l *lowerer, s *ast.BranchStmt) []ast.Stmt {
	own := false
	switch {
	case s.Label != nil && rf.inner[s.Label.Name]:
		return []ast.Stmt{s}
	case s.Label != nil:
		own = s.Label.Name == rf.label
	case s.Tok == token.BREAK:
		if rf.breakDepth > 0 {
			return []ast.Stmt{s}
		}
		own = true
	case s.Tok == token.CONTINUE:
		if rf.contDepth > 0 {
			return []ast.Stmt{s}
		}
		own = true
	default:
		return []ast.Stmt{s} // goto, fallthrough: reported or inner
	}
	if own {
		if s.Tok == token.CONTINUE {
			return []ast.Stmt{&ast.ReturnStmt{Return: s.Pos(), Results: []ast.Expr{predeclared("true")}}}
		}
		return []ast.Stmt{assignTo(ast.NewIdent(rf.done), predeclared("true")), &ast.ReturnStmt{Return: s.Pos(), Results: []ast.Expr{predeclared("false")}}}
	}
	rf.exits = append(rf.exits, &ast.BranchStmt{TokPos: s.Pos(), Tok: s.Tok, Label: ast.NewIdent(s.Label.Name)})
	return []ast.Stmt{
		assignTo(ast.NewIdent(rf.exit), intLit(strconv.Itoa(len(rf.exits)))),
		assignTo(ast.NewIdent(rf.done), predeclared("true")),
		&ast.ReturnStmt{Return: s.Pos(), Results: []ast.Expr{predeclared("false")}},
	}
}

// ret lowers a return inside the body of the loop: the results go to the
// enclosing function's stash and the iteration ends.
func (rf *rangeFuncCtx) ret(l *lowerer, s *ast.ReturnStmt) []ast.Stmt {
	st := l.stash()
	st.used = true
	var out []ast.Stmt
	if len(s.Results) > 0 {
		var lhs []ast.Expr
		for _, v := range st.vals {
			lhs = append(lhs, ast.NewIdent(v))
		}
		out = append(out, &ast.AssignStmt{Lhs: lhs, Tok: token.ASSIGN, Rhs: s.Results, TokPos: s.Pos()})
	} else if st.sig != nil && st.sig.Results().Len() > 0 {
		// a bare return with named results returns their values
		var lhs, rhs []ast.Expr
		for i, v := range st.vals {
			lhs = append(lhs, ast.NewIdent(v))
			rhs = append(rhs, ast.NewIdent(st.sig.Results().At(i).Name()))
		}
		out = append(out, &ast.AssignStmt{Lhs: lhs, Tok: token.ASSIGN, Rhs: rhs, TokPos: s.Pos()})
	}
	out = append(out,
		assignTo(ast.NewIdent(st.flag), predeclared("true")),
		assignTo(ast.NewIdent(rf.done), predeclared("true")),
		&ast.ReturnStmt{Return: s.Pos(), Results: []ast.Expr{predeclared("false")}},
	)
	return out
}
