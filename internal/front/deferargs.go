package front

import (
	"go/ast"
	"go/token"
	"go/types"
)

// Pass deferargs: defer and go statements.
//
// Go evaluates the function value and the arguments of a deferred call
// (and of a go statement) when the statement runs. The interpreter keeps
// references to their variables and reads them when the call runs, so
// `x := 1; defer fmt.Println(x); x = 2` prints 2. Each value is
// therefore copied into a new variable and the call becomes a function
// literal called with them: a variable declared where the statement is
// is new each time the statement runs, and a function literal written in
// the defer statement itself is bound when the statement runs.
//
// Two more interpreter bugs shape this pass. A function value created in
// a function's own frame deadlocks when it is called while that function
// runs its deferred calls (the closure takes the frame's lock, which the
// deferred calls hold), so in a function with defer statements every
// function literal is created by a function literal called at once,
// which gives it a frame of its own. And a go statement's goroutine gets
// a recover that reports its panic on the cell (runtime GoStart/GoDone),
// since a panic in a goroutine would end the whole process.

// A defer statement inside the body of a range over a function defers
// the call to the end of the enclosing function, but the body is lowered
// into a yield function (see rangefunc). A function with such defer
// statements keeps a stack of its deferred calls, which it runs when it
// ends, and all its defer statements push onto it, in Go's order:
//
//	$ds := rt.NewDefers()
//	defer $ds.Run()
//	…
//	$ds.Push(func() { f(a1, a2) })   // defer f(x, y), a1, a2 bound
//
// A function deferred there runs from the stack, not from the
// interpreter's defer: it cannot recover, so a deferred function literal
// that calls recover in such a function is Unsupported.

// defersInRangeFunc reports whether the function body defers a call
// inside the body of a range over a function.
func (l *lowerer) defersInRangeFunc(body *ast.BlockStmt) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.RangeStmt:
			if t := l.typeOf(x.X); t != nil {
				if _, ok := t.Underlying().(*types.Signature); ok && hasDefer(x.Body) {
					found = true
				}
			}
		}
		return !found
	})
	return found
}

// deferStackDecl starts the current function's statements with its
// defer stack, if it has one.
func (l *lowerer) deferStackDecl(list []ast.Stmt) []ast.Stmt {
	ds := l.fn.deferStack
	if ds == "" {
		return list
	}
	return append([]ast.Stmt{
		define([]*ast.Ident{ast.NewIdent(ds)}, &ast.CallExpr{Fun: l.rt("NewDefers")}),
		&ast.DeferStmt{Call: &ast.CallExpr{Fun: &ast.SelectorExpr{X: ast.NewIdent(ds), Sel: ast.NewIdent("Run")}}},
	}, list...)
}

// deferStackOf returns the defer stack of the real function enclosing
// the current (maybe yield) function, "" for none.
func (l *lowerer) deferStackOf() string {
	fn := l.fn
	for fn != nil && fn.rangeFunc != nil && fn.outer != nil {
		fn = fn.outer
	}
	if fn == nil {
		return ""
	}
	return fn.deferStack
}

// hasDefer reports whether body has a defer statement of its own (not in
// a nested function literal).
func hasDefer(body *ast.BlockStmt) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		switch n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.DeferStmt:
			found = true
		}
		return !found
	})
	return found
}

// ownFrame wraps a function literal of a function that has defer
// statements: func() T { return lit }().
func (l *lowerer) ownFrame(lit *ast.FuncLit, t types.Type) ast.Expr {
	wrapper := &ast.FuncLit{
		Type: &ast.FuncType{Func: lit.Pos(), Params: &ast.FieldList{}, Results: &ast.FieldList{List: []*ast.Field{{Type: l.w.expr(t)}}}},
		Body: &ast.BlockStmt{Lbrace: lit.Pos(), List: []ast.Stmt{&ast.ReturnStmt{Return: lit.Pos(), Results: []ast.Expr{lit}}}},
	}
	setPos(wrapper, lit.Pos())
	return &ast.CallExpr{Fun: wrapper, Lparen: lit.Pos()}
}

// boundCall evaluates the function and arguments of call now: it returns
// statements that copy them into new variables and the call made from
// those variables. A named function (of a package or the session) needs
// no copy, which keeps recover working in a function deferred directly.
func (l *lowerer) boundCall(c *ast.CallExpr) (pre []ast.Stmt, call *ast.CallExpr) {
	pos := c.Pos()
	bind := func(e ast.Expr, t types.Type) ast.Expr {
		if tv, ok := l.info.Types[e]; ok && tv.Value != nil {
			return l.expr(e) // a constant: nothing to evaluate
		}
		if id, ok := e.(*ast.Ident); ok && id.Name == "nil" {
			if _, isNil := l.info.Uses[id].(*types.Nil); isNil {
				return e
			}
		}
		a := l.temp("a")
		a.NamePos = e.Pos()
		v := l.expr(e)
		if t != nil && !types.Identical(t, l.typeOf(e)) {
			// the parameter's type (an interface, a named type of an
			// untyped value)
			v = &ast.CallExpr{Fun: l.w.expr(t), Args: []ast.Expr{v}}
		}
		pre = append(pre, define([]*ast.Ident{a}, v))
		return ast.NewIdent(a.Name)
	}
	fun := unparen(c.Fun)
	var callee ast.Expr
	switch {
	case l.isType(fun):
		callee = l.typeExpr(c.Fun)
	case l.isBuiltin(fun), l.isPackageFunc(fun):
		callee = nil // lowered with the call below
	default:
		if sel, ok := fun.(*ast.SelectorExpr); ok {
			if s, ok := l.info.Selections[sel]; ok && s.Kind() == types.MethodVal {
				// the receiver is evaluated now, the method is called later
				recv, rt := sel.X, l.typeOf(sel.X)
				msig := s.Obj().(*types.Func).Type().(*types.Signature)
				_, ptrRecv := msig.Recv().Type().(*types.Pointer)
				_, isPtr := rt.Underlying().(*types.Pointer)
				_, isIface := rt.Underlying().(*types.Interface)
				if ptrRecv && !isPtr && !isIface && len(s.Index()) == 1 {
					r := l.temp("a")
					pre = append(pre, define([]*ast.Ident{r}, &ast.UnaryExpr{Op: token.AND, X: l.expr(recv)}))
					callee = &ast.SelectorExpr{X: ast.NewIdent(r.Name), Sel: sel.Sel}
				} else {
					callee = &ast.SelectorExpr{X: bind(recv, nil), Sel: sel.Sel}
				}
				break
			}
		}
		if fl, ok := fun.(*ast.FuncLit); ok {
			// made now, in a frame of its own (see ownFrame)
			t := l.typeOf(fl)
			f := l.temp("a")
			pre = append(pre, define([]*ast.Ident{f}, l.ownFrame(l.expr(fl).(*ast.FuncLit), t)))
			callee = ast.NewIdent(f.Name)
			break
		}
		callee = bind(c.Fun, nil)
	}
	var sig *types.Signature
	if t := l.typeOf(c.Fun); t != nil {
		sig, _ = t.Underlying().(*types.Signature)
	}
	out := &ast.CallExpr{Fun: callee, Lparen: c.Lparen, Ellipsis: c.Ellipsis, Rparen: c.Rparen}
	for i, a := range c.Args {
		if tv, ok := l.info.Types[a]; ok && tv.IsType() {
			out.Args = append(out.Args, l.typeExpr(a))
			continue
		}
		var pt types.Type
		if sig != nil && !c.Ellipsis.IsValid() && !l.isBuiltin(fun) {
			pt = paramType(sig, i)
		}
		out.Args = append(out.Args, bind(a, pt))
	}
	if callee == nil {
		// a builtin or a named function: lower the call itself
		orig := &ast.CallExpr{Fun: c.Fun, Lparen: c.Lparen, Args: out.Args, Ellipsis: c.Ellipsis, Rparen: c.Rparen}
		if l.isBuiltin(fun) {
			out = l.builtin(orig, l.info.Uses[fun.(*ast.Ident)].(*types.Builtin)).(*ast.CallExpr)
		} else {
			orig.Fun = l.calleeExpr(c.Fun)
			out = orig
		}
	}
	for _, s := range pre {
		setPos(s, pos)
	}
	return pre, out
}

// hasRecover reports whether the function literal calls recover itself.
func hasRecover(fl *ast.FuncLit) bool {
	found := false
	ast.Inspect(fl.Body, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.CallExpr:
			if id, ok := unparen(x.Fun).(*ast.Ident); ok && id.Name == "recover" && len(x.Args) == 0 {
				found = true
			}
		}
		return !found
	})
	return found
}

func (l *lowerer) isBuiltin(e ast.Expr) bool {
	id, ok := e.(*ast.Ident)
	if !ok {
		return false
	}
	_, ok = l.info.Uses[id].(*types.Builtin)
	return ok
}

// isPackageFunc reports whether e names a package-level function (of the
// session or a package), which needs no evaluation.
func (l *lowerer) isPackageFunc(e ast.Expr) bool {
	var id *ast.Ident
	switch x := e.(type) {
	case *ast.Ident:
		id = x
	case *ast.SelectorExpr:
		if p, ok := x.X.(*ast.Ident); ok {
			if _, ok := l.info.Uses[p].(*types.PkgName); ok {
				id = x.Sel
			}
		}
	case *ast.IndexExpr, *ast.IndexListExpr:
		_, ok := l.instance(e)
		return ok
	}
	if id == nil {
		return false
	}
	f, ok := l.info.Uses[id].(*types.Func)
	return ok && f.Parent() != nil && f.Parent() == f.Pkg().Scope()
}

// deferStmt lowers a defer statement.
func (l *lowerer) deferStmt(s *ast.DeferStmt) []ast.Stmt {
	if ds := l.deferStackOf(); ds != "" {
		if fl, ok := unparen(s.Call.Fun).(*ast.FuncLit); ok && hasRecover(fl) {
			l.unsupported(s, "recover in a function deferred by a function that defers inside the body of a range over a function")
			return []ast.Stmt{s}
		}
		pre, c := l.boundCall(s.Call)
		pos := s.Pos()
		call := &ast.FuncLit{Type: &ast.FuncType{Func: pos, Params: &ast.FieldList{}}, Body: &ast.BlockStmt{List: []ast.Stmt{&ast.ExprStmt{X: c}}}}
		push := &ast.ExprStmt{X: &ast.CallExpr{
			Fun:  &ast.SelectorExpr{X: ast.NewIdent(ds), Sel: ast.NewIdent("Push")},
			Args: []ast.Expr{l.ownFrame(call, types.NewSignatureType(nil, nil, nil, nil, nil, false))},
		}}
		setPos(push, pos)
		return append(pre, push)
	}
	if fl, ok := unparen(s.Call.Fun).(*ast.FuncLit); ok && hasRecover(fl) {
		// a deferred function that recovers must be the one called
		return l.deferRecovering(s, fl)
	}
	pre, c := l.boundCall(s.Call)
	s.Call = c
	return append(pre, s)
}

// deferRecovering lowers the defer of a function literal that calls
// recover. The interpreter's recover sees the panic only in the function
// the defer statement itself made, so the literal is not bound into a
// variable like other deferred functions: its arguments are evaluated now
// into new variables, and the literal, without parameters, starts by
// declaring them from those:
//
//	defer func(x T) { … recover() … }(e)  →  a := e; defer func() { var x T = a; … }()
func (l *lowerer) deferRecovering(s *ast.DeferStmt, fl *ast.FuncLit) []ast.Stmt {
	sig, _ := l.typeOf(fl).(*types.Signature)
	call := s.Call
	if len(call.Args) == 0 || sig == nil {
		call.Fun = l.expr(call.Fun)
		return []ast.Stmt{s}
	}
	pos := s.Pos()
	var pre []ast.Stmt
	bind := func(e ast.Expr, t types.Type) ast.Expr {
		a := l.temp("a")
		a.NamePos = e.Pos()
		v := l.expr(e)
		if !types.Identical(t, l.typeOf(e)) {
			v = &ast.CallExpr{Fun: l.w.expr(t), Args: []ast.Expr{v}}
		}
		pre = append(pre, define([]*ast.Ident{a}, v))
		return ast.NewIdent(a.Name)
	}
	// the value of each parameter, in order
	n := sig.Params().Len()
	var vals []ast.Expr
	for i := 0; i < n; i++ {
		pt := sig.Params().At(i).Type()
		switch {
		case sig.Variadic() && i == n-1 && call.Ellipsis.IsValid():
			vals = append(vals, bind(call.Args[i], pt))
		case sig.Variadic() && i == n-1:
			elem := pt.(*types.Slice).Elem()
			var elems []ast.Expr
			for _, a := range call.Args[i:] {
				elems = append(elems, bind(a, elem))
			}
			var v ast.Expr = &ast.CompositeLit{Type: l.w.expr(pt), Elts: elems}
			if len(elems) == 0 {
				v = &ast.CallExpr{Fun: l.w.expr(pt), Args: []ast.Expr{ast.NewIdent("nil")}}
			}
			vals = append(vals, v)
		default:
			vals = append(vals, bind(call.Args[i], pt))
		}
	}
	lit := l.expr(fl).(*ast.FuncLit)
	var head []ast.Stmt
	i := 0
	for _, f := range lit.Type.Params.List {
		names := f.Names
		if len(names) == 0 {
			i++
			continue
		}
		for _, name := range names {
			if name.Name != "_" {
				spec := &ast.ValueSpec{Names: []*ast.Ident{ast.NewIdent(name.Name)}, Type: l.w.expr(sig.Params().At(i).Type()), Values: []ast.Expr{vals[i]}}
				head = append(head, &ast.DeclStmt{Decl: &ast.GenDecl{Tok: token.VAR, Specs: []ast.Spec{spec}}})
			}
			i++
		}
	}
	for _, h := range head {
		setPos(h, lit.Body.Lbrace)
	}
	lit.Type.Params = &ast.FieldList{}
	lit.Body.List = append(head, lit.Body.List...)
	s.Call = &ast.CallExpr{Fun: lit, Lparen: call.Lparen, Rparen: call.Rparen}
	for _, p := range pre {
		setPos(p, pos)
	}
	return append(pre, s)
}

// goStmt lowers a go statement: function and arguments bound now, and the
// goroutine runs through the runtime's Go, which reports its panic to the
// cell instead of ending the process.
func (l *lowerer) goStmt(s *ast.GoStmt) []ast.Stmt {
	pre, c := l.boundCall(s.Call)
	pos := s.Pos()
	g := l.temp("g")
	pre = append(pre, define([]*ast.Ident{g}, &ast.CallExpr{Fun: l.rtAt("GoStart", pos), Lparen: pos}))
	// the goroutine's function is made now, by a function literal called
	// at once: a literal passed straight to Go would see the variables as
	// they are when it runs (and must not take this frame's lock while its
	// deferred calls, say wg.Wait, wait for it)
	body := &ast.FuncLit{Type: &ast.FuncType{Func: pos, Params: &ast.FieldList{}}, Body: &ast.BlockStmt{List: []ast.Stmt{&ast.ExprStmt{X: c}}}}
	f := l.temp("f")
	pre = append(pre, define([]*ast.Ident{f}, l.ownFrame(body, types.NewSignatureType(nil, nil, nil, nil, nil, false))))
	s.Call = &ast.CallExpr{Fun: l.rtAt("Go", pos), Lparen: pos, Args: []ast.Expr{ast.NewIdent(g.Name), ast.NewIdent(f.Name)}}
	setPos(s, pos)
	return append(pre, s)
}
