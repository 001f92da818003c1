package front

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
)

// Passes loopvar, rangeint and rangeassign: loops with Go 1.22's
// per-iteration variables, range over integers, range into existing
// variables.
//
// The interpreter shares one variable across all iterations of a loop
// (closures made in the body all see its last value), but a variable
// declared inside the body is new in each iteration. A loop variable that
// a closure captures or whose address is taken is therefore copied into a
// variable of the body at its start; when the body may change it, the
// copy goes back before the post statement (at the end of the body and
// before each continue of the loop). The interpreter cannot range over
// integers; such a loop counts with a hidden variable. A range that
// assigns existing variables (for i = range …) leaves them unassigned in
// the interpreter; it ranges into hidden variables and assigns from them.

// forStmt lowers a three-clause (or condition-only) for loop.
func (l *lowerer) forStmt(s *ast.ForStmt) []ast.Stmt {
	pre, loop := l.forLoop(s, nil)
	return wrap(pre, loop)
}

// labeled lowers a labelled statement; a loop keeps its label when it is
// lowered into several statements.
func (l *lowerer) labeled(s *ast.LabeledStmt) []ast.Stmt {
	switch inner := s.Stmt.(type) {
	case *ast.ForStmt:
		pre, loop := l.forLoop(inner, s.Label)
		s.Stmt = loop
		return wrap(pre, s)
	case *ast.RangeStmt:
		pre, loop := l.rangeLoop(inner, s.Label)
		if loop == nil {
			return pre // a range over a function: nothing refers to the label now
		}
		s.Stmt = loop
		return wrap(pre, s)
	}
	out := l.stmt(s.Stmt)
	switch s.Stmt.(type) {
	case *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.SelectStmt:
		// lowered into statements in a block ending with the switch or
		// select: the label goes on that, for break L
		if b, ok := out[0].(*ast.BlockStmt); ok && len(out) == 1 && len(b.List) > 0 {
			switch last := b.List[len(b.List)-1].(type) {
			case *ast.SwitchStmt, *ast.SelectStmt:
				s.Stmt = last
				b.List[len(b.List)-1] = s
				return out
			}
		}
	}
	if len(out) == 1 {
		s.Stmt = out[0]
		return []ast.Stmt{s}
	}
	s.Stmt = &ast.BlockStmt{List: out}
	return []ast.Stmt{s}
}

func (l *lowerer) forLoop(s *ast.ForStmt, label *ast.Ident) (pre []ast.Stmt, loop ast.Stmt) {
	// loop variables: those the init statement defines
	var vars []*types.Var
	var ids []*ast.Ident
	if as, ok := s.Init.(*ast.AssignStmt); ok && as.Tok == token.DEFINE {
		for _, lhs := range as.Lhs {
			if id, ok := lhs.(*ast.Ident); ok {
				if v, ok := l.info.Defs[id].(*types.Var); ok {
					vars = append(vars, v)
					ids = append(ids, id)
				}
			}
		}
	}
	var captured []*types.Var
	writes := false
	for _, v := range vars {
		if l.captured(v, s.Body, s.Cond, s.Post) {
			captured = append(captured, v)
			if l.mayWrite(v, s.Body) {
				writes = true
			}
		}
	}
	if len(captured) > 0 && writes {
		// rename the loop's own variables, copy in and out of the body
		outer := map[*types.Var]*ast.Ident{}
		for i, v := range vars {
			t := l.temp("i")
			outer[v] = t
			ids[i].Name = t.Name
		}
		rename := func(n ast.Node) {
			if n == nil {
				return // no condition or post statement
			}
			ast.Inspect(n, func(n ast.Node) bool {
				if id, ok := n.(*ast.Ident); ok {
					if v, ok := l.info.Uses[id].(*types.Var); ok && outer[v] != nil {
						id.Name = outer[v].Name
					}
				}
				return true
			})
		}
		rename(s.Cond)
		rename(s.Post)
		var in, back []ast.Stmt
		for _, v := range vars {
			in = append(in, define([]*ast.Ident{ast.NewIdent(v.Name())}, ast.NewIdent(outer[v].Name)))
			back = append(back, assignTo(ast.NewIdent(outer[v].Name), ast.NewIdent(v.Name())))
		}
		l.copyBackOnContinue(s.Body, label, back)
		s.Body.List = append(append(in, s.Body.List...), back...)
	} else if len(captured) > 0 {
		var in []ast.Stmt
		for _, v := range captured {
			in = append(in, define([]*ast.Ident{ast.NewIdent(v.Name())}, ast.NewIdent(v.Name())))
		}
		s.Body.List = append(in, s.Body.List...)
	}
	init, p := l.initStmt(s.Init)
	s.Init = init
	s.Cond = l.expr(s.Cond)
	s.Post = l.single(s.Post)
	l.loopBody(s.Body)
	return p, s
}

// loopBody lowers a loop's body.
func (l *lowerer) loopBody(b *ast.BlockStmt) {
	b.List = l.block(b.List)
}

// copyBackOnContinue puts the copies back before each continue of the
// loop whose body is body (and whose label is label).
func (l *lowerer) copyBackOnContinue(body *ast.BlockStmt, label *ast.Ident, back []ast.Stmt) {
	var visit func(list []ast.Stmt, depth int) []ast.Stmt
	var inStmt func(s ast.Stmt, depth int) ast.Stmt
	visit = func(list []ast.Stmt, depth int) []ast.Stmt {
		for i, s := range list {
			list[i] = inStmt(s, depth)
		}
		return list
	}
	inStmt = func(s ast.Stmt, depth int) ast.Stmt {
		switch s := s.(type) {
		case *ast.BranchStmt:
			if s.Tok == token.CONTINUE && (s.Label == nil && depth == 0 || s.Label != nil && label != nil && s.Label.Name == label.Name) {
				list := append(append([]ast.Stmt{}, cloneStmts(back)...), s)
				return &ast.BlockStmt{Lbrace: s.Pos(), List: list}
			}
		case *ast.BlockStmt:
			visit(s.List, depth)
		case *ast.IfStmt:
			visit(s.Body.List, depth)
			if s.Else != nil {
				s.Else = inStmt(s.Else, depth)
			}
		case *ast.LabeledStmt:
			s.Stmt = inStmt(s.Stmt, depth)
		case *ast.SwitchStmt:
			for _, cc := range s.Body.List {
				visit(cc.(*ast.CaseClause).Body, depth)
			}
		case *ast.TypeSwitchStmt:
			for _, cc := range s.Body.List {
				visit(cc.(*ast.CaseClause).Body, depth)
			}
		case *ast.SelectStmt:
			for _, cc := range s.Body.List {
				visit(cc.(*ast.CommClause).Body, depth)
			}
		case *ast.ForStmt:
			visit(s.Body.List, depth+1)
		case *ast.RangeStmt:
			visit(s.Body.List, depth+1)
		}
		return s
	}
	visit(body.List, 0)
}

// cloneStmts copies simple assignment statements of identifiers.
func cloneStmts(list []ast.Stmt) []ast.Stmt {
	out := make([]ast.Stmt, len(list))
	for i, s := range list {
		a := s.(*ast.AssignStmt)
		out[i] = assignTo(ast.NewIdent(a.Lhs[0].(*ast.Ident).Name), ast.NewIdent(a.Rhs[0].(*ast.Ident).Name))
	}
	return out
}

// captured reports whether v is used inside a function literal or has its
// address taken in any of nodes.
func (l *lowerer) captured(v *types.Var, nodes ...ast.Node) bool {
	for _, n := range nodes {
		if n != nil && (l.inClosure(v, n) || l.addrTaken(v, n)) {
			return true
		}
	}
	return false
}

// inClosure reports whether a function literal in n refers to v.
func (l *lowerer) inClosure(v *types.Var, n ast.Node) bool {
	found := false
	ast.Inspect(n, func(n ast.Node) bool {
		if fl, ok := n.(*ast.FuncLit); ok && !found {
			found = l.uses(v, fl)
			return false
		}
		return !found
	})
	return found
}

// addrTaken reports whether n takes v's address: &v, a method with a
// pointer receiver called on v, or a slice of v when v is an array.
func (l *lowerer) addrTaken(v *types.Var, n ast.Node) bool {
	found := false
	ast.Inspect(n, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.UnaryExpr:
			if x.Op == token.AND && l.isVar(x.X, v) {
				found = true
			}
		case *ast.SelectorExpr:
			if sel, ok := l.info.Selections[x]; ok && sel.Kind() == types.MethodVal && l.isVar(x.X, v) {
				if _, isPtr := v.Type().Underlying().(*types.Pointer); !isPtr {
					if recv := sel.Obj().(*types.Func).Type().(*types.Signature).Recv(); recv != nil {
						if _, ptrRecv := recv.Type().(*types.Pointer); ptrRecv {
							found = true
						}
					}
				}
			}
		case *ast.SliceExpr:
			if _, isArr := v.Type().Underlying().(*types.Array); isArr && l.isVar(x.X, v) {
				found = true
			}
		}
		return !found
	})
	return found
}

// isVar reports whether e is the variable v.
func (l *lowerer) isVar(e ast.Expr, v *types.Var) bool {
	for {
		p, ok := e.(*ast.ParenExpr)
		if !ok {
			break
		}
		e = p.X
	}
	id, ok := e.(*ast.Ident)
	return ok && l.info.Uses[id] == v
}

// uses reports whether n refers to v.
func (l *lowerer) uses(v *types.Var, n ast.Node) bool {
	found := false
	ast.Inspect(n, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && l.info.Uses[id] == v {
			found = true
		}
		return !found
	})
	return found
}

// mayWrite reports whether n may change v: it assigns or increments it
// (closures included) or takes its address.
func (l *lowerer) mayWrite(v *types.Var, n ast.Node) bool {
	found := false
	ast.Inspect(n, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.AssignStmt:
			for _, lhs := range x.Lhs {
				if l.isVar(lhs, v) {
					found = true
				}
			}
		case *ast.IncDecStmt:
			if l.isVar(x.X, v) {
				found = true
			}
		case *ast.RangeStmt:
			if x.Tok == token.ASSIGN && (x.Key != nil && l.isVar(x.Key, v) || x.Value != nil && l.isVar(x.Value, v)) {
				found = true
			}
		}
		return !found
	})
	return found || l.addrTaken(v, n)
}

// rangeStmt lowers a range loop.
func (l *lowerer) rangeStmt(s *ast.RangeStmt) []ast.Stmt {
	pre, loop := l.rangeLoop(s, nil)
	if loop == nil {
		return pre
	}
	return wrap(pre, loop)
}

func (l *lowerer) rangeLoop(s *ast.RangeStmt, label *ast.Ident) (pre []ast.Stmt, loop ast.Stmt) {
	xt := l.typeOf(s.X)
	if xt == nil {
		l.unsupported(s, "range over an expression of unknown type")
		return nil, s
	}
	under := xt.Underlying()
	if b, ok := under.(*types.Basic); ok && b.Info()&types.IsInteger != 0 {
		return l.rangeInt(s, label)
	}
	if _, ok := under.(*types.Signature); ok {
		return l.rangeFunc(s, label)
	}
	if b, ok := under.(*types.Basic); ok && b.Info()&types.IsString != 0 {
		return l.rangeString(s, label)
	}
	if l.isArrayPointer(s.X) {
		if s.Value == nil || isBlank(s.Value) {
			// only the index: len(p) is a constant and p is not
			// dereferenced (it may be nil); it is evaluated once when it
			// has calls or receives
			if hasCall([]ast.Expr{s.X}) {
				pre = append(pre, assignTo(ast.NewIdent("_"), l.expr(s.X)))
			}
			n := xt.Underlying().(*types.Pointer).Elem().Underlying().(*types.Array).Len()
			s.X = &ast.BasicLit{ValuePos: s.X.Pos(), Kind: token.INT, Value: fmt.Sprint(n)}
			l.info.Types[s.X] = types.TypeAndValue{Type: types.Typ[types.Int], Value: constant.MakeInt64(n)}
			s.Value = nil
			p, loop := l.rangeInt(s, label)
			return append(pre, p...), loop
		}
	}
	if s.Value != nil && !isBlank(s.Value) && (l.isArrayPointer(s.X) || chanElems(under)) {
		return l.rangeIndexed(s, label)
	}
	// range into existing variables: hidden variables, assigned each
	// iteration
	if s.Tok == token.ASSIGN {
		var assign *ast.AssignStmt
		var lhs, rhs []ast.Expr
		if s.Key != nil && !isBlank(s.Key) {
			k := l.temp("k")
			lhs, rhs = append(lhs, s.Key), append(rhs, ast.NewIdent(k.Name))
			s.Key = k
		} else if s.Key != nil {
			s.Key = ast.NewIdent("_")
		}
		if s.Value != nil && !isBlank(s.Value) {
			v := l.temp("v")
			lhs, rhs = append(lhs, s.Value), append(rhs, ast.NewIdent(v.Name))
			s.Value = v
		} else if s.Value != nil {
			s.Value = nil
		}
		for i, e := range lhs {
			lhs[i] = l.expr(e)
		}
		if s.Key != nil || s.Value != nil {
			s.Tok = token.DEFINE
		} else {
			s.Tok = token.ILLEGAL
		}
		ptrArray := l.isArrayPointer(s.X)
		s.X = l.expr(s.X)
		if ptrArray {
			s.X = &ast.StarExpr{Star: s.X.Pos(), X: s.X}
		}
		l.loopBody(s.Body)
		if len(lhs) > 0 {
			assign = &ast.AssignStmt{Lhs: lhs, Tok: token.ASSIGN, Rhs: rhs, TokPos: s.For}
			s.Body.List = append([]ast.Stmt{assign}, s.Body.List...)
		}
		return nil, s
	}
	// per-iteration copies of captured range variables
	var in []ast.Stmt
	for _, e := range []ast.Expr{s.Key, s.Value} {
		if id, ok := e.(*ast.Ident); ok && id.Name != "_" {
			if v, ok := l.info.Defs[id].(*types.Var); ok && l.captured(v, s.Body) {
				in = append(in, define([]*ast.Ident{ast.NewIdent(id.Name)}, ast.NewIdent(id.Name)))
			}
		}
	}
	ptrArray := l.isArrayPointer(s.X)
	s.X = l.expr(s.X)
	if ptrArray {
		s.X = &ast.StarExpr{Star: s.X.Pos(), X: s.X}
	}
	l.loopBody(s.Body)
	s.Body.List = append(in, s.Body.List...)
	return nil, s
}

// chanElems reports whether the elements of an array, slice or map of
// underlying type t are channels.
func chanElems(t types.Type) bool {
	var elem types.Type
	switch t := t.(type) {
	case *types.Array:
		elem = t.Elem()
	case *types.Slice:
		elem = t.Elem()
	case *types.Map:
		elem = t.Elem()
	default:
		return false
	}
	_, ok := elem.Underlying().(*types.Chan)
	return ok
}

// rangeIndexed lowers a range with a value variable over a pointer to an
// array, or over a container of channels, into a loop over the index that
// reads the element at the start of each iteration:
//
//	{ r := x; for k' := range r { k, v := k', r[k']; body } }
//	{ p := x; for k' := 0; k' < N; k'++ { k, v := k', p[k']; body } }
//
// The interpreter ranges over a copy of a pointed-to array (Go reads the
// elements as it goes, so the body sees its own changes), and takes a
// range whose value variable is a channel for a range over a channel.
func (l *lowerer) rangeIndexed(s *ast.RangeStmt, label *ast.Ident) (pre []ast.Stmt, loop ast.Stmt) {
	pos := s.For
	ptrArray := l.isArrayPointer(s.X)
	r, k := l.temp("r"), l.temp("k")
	pre = append(pre, define([]*ast.Ident{r}, l.expr(s.X)))
	var elem ast.Expr = &ast.IndexExpr{X: ast.NewIdent(r.Name), Index: ast.NewIdent(k.Name)}
	if ptrArray {
		elem.(*ast.IndexExpr).X = &ast.ParenExpr{X: &ast.StarExpr{X: ast.NewIdent(r.Name)}}
	}
	lhs, rhs := []ast.Expr{s.Value}, []ast.Expr{elem}
	if s.Key != nil && !isBlank(s.Key) {
		lhs, rhs = append([]ast.Expr{s.Key}, lhs...), append([]ast.Expr{ast.NewIdent(k.Name)}, rhs...)
	}
	var head ast.Stmt
	if s.Tok == token.DEFINE {
		for i, e := range lhs {
			lhs[i] = ast.NewIdent(e.(*ast.Ident).Name)
		}
		head = &ast.AssignStmt{Lhs: lhs, Tok: token.DEFINE, Rhs: rhs}
	} else {
		for i, e := range lhs {
			lhs[i] = l.expr(e)
		}
		head = &ast.AssignStmt{Lhs: lhs, Tok: token.ASSIGN, Rhs: rhs}
	}
	setPos(head, pos)
	l.loopBody(s.Body)
	s.Body.List = append([]ast.Stmt{head}, s.Body.List...)
	if ptrArray {
		n := l.typeOf(s.X).Underlying().(*types.Pointer).Elem().Underlying().(*types.Array).Len()
		loop = &ast.ForStmt{
			For:  pos,
			Init: define([]*ast.Ident{k}, intLit("0")),
			Cond: &ast.BinaryExpr{X: ast.NewIdent(k.Name), Op: token.LSS, Y: intLit(fmt.Sprint(n))},
			Post: &ast.IncDecStmt{X: ast.NewIdent(k.Name), Tok: token.INC},
			Body: s.Body,
		}
	} else {
		loop = &ast.RangeStmt{For: pos, Key: k, Tok: token.DEFINE, X: ast.NewIdent(r.Name), Body: s.Body}
	}
	setPos(loop, pos)
	for _, p := range pre {
		setPos(p, pos)
	}
	return pre, loop
}

func isBlank(e ast.Expr) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == "_"
}

// rangeInt lowers `for i := range n` into a counting loop on a hidden
// variable; i is a new variable in each iteration, as in Go.
func (l *lowerer) rangeInt(s *ast.RangeStmt, label *ast.Ident) (pre []ast.Stmt, loop ast.Stmt) {
	var kt types.Type = types.Typ[types.Int]
	if tv, ok := l.info.Types[s.X]; ok {
		kt = tv.Type
		if b, ok := kt.(*types.Basic); ok && b.Info()&types.IsUntyped != 0 {
			kt = types.Default(kt)
		}
	}
	if s.Key != nil {
		if t := l.typeOf(s.Key); t != nil {
			kt = t
		}
	}
	var bound ast.Expr
	if tv, ok := l.info.Types[s.X]; ok && tv.Value != nil {
		bound = l.constant(s.X, types.TypeAndValue{Type: kt, Value: tv.Value})
	} else {
		n := l.temp("n")
		pre = append(pre, define([]*ast.Ident{n}, l.expr(s.X)))
		bound = ast.NewIdent(n.Name)
	}
	c := l.temp("c")
	zero := l.w.constExpr(constant.MakeInt64(0), kt)
	fs := &ast.ForStmt{
		For:  s.For,
		Init: define([]*ast.Ident{c}, zero),
		Cond: &ast.BinaryExpr{X: ast.NewIdent(c.Name), Op: token.LSS, Y: bound},
		Post: &ast.IncDecStmt{X: ast.NewIdent(c.Name), Tok: token.INC},
		Body: s.Body,
	}
	l.loopBody(s.Body)
	if s.Key != nil && !isBlank(s.Key) {
		var st ast.Stmt
		if s.Tok == token.DEFINE {
			st = define([]*ast.Ident{ast.NewIdent(s.Key.(*ast.Ident).Name)}, ast.NewIdent(c.Name))
		} else {
			st = assignTo(l.expr(s.Key), ast.NewIdent(c.Name))
		}
		s.Body.List = append([]ast.Stmt{st}, s.Body.List...)
	}
	setPos(fs, s.For)
	return pre, fs
}

// rangeString lowers a range over a string into a loop that decodes it
// rune by rune (the interpreter's offsets are wrong after invalid UTF-8):
//
//	{ s' := s; for i', w := 0, 0; i' < len(s'); i' += w { var r' rune; r', w = DecodeRune(s'[i':]); k, v := i', r'; body } }
func (l *lowerer) rangeString(s *ast.RangeStmt, label *ast.Ident) (pre []ast.Stmt, loop ast.Stmt) {
	pos := s.For
	str, i, w, r := l.temp("s"), l.temp("i"), l.temp("w"), l.temp("r")
	pre = append(pre, define([]*ast.Ident{str}, l.expr(s.X)))
	var lhs, rhs []ast.Expr
	if s.Key != nil && !isBlank(s.Key) {
		lhs, rhs = append(lhs, s.Key), append(rhs, ast.NewIdent(i.Name))
	}
	if s.Value != nil && !isBlank(s.Value) {
		lhs, rhs = append(lhs, s.Value), append(rhs, ast.NewIdent(r.Name))
	}
	var head []ast.Stmt
	head = append(head,
		&ast.DeclStmt{Decl: &ast.GenDecl{Tok: token.VAR, Specs: []ast.Spec{&ast.ValueSpec{Names: []*ast.Ident{r}, Type: predeclared("rune")}}}},
		&ast.AssignStmt{Lhs: []ast.Expr{ast.NewIdent(r.Name), ast.NewIdent(w.Name)}, Tok: token.ASSIGN,
			Rhs: []ast.Expr{&ast.CallExpr{Fun: l.rtAt("DecodeRune", pos), Args: []ast.Expr{&ast.SliceExpr{X: ast.NewIdent(str.Name), Low: ast.NewIdent(i.Name)}}}}},
	)
	if len(lhs) > 0 {
		if s.Tok == token.DEFINE {
			for k, e := range lhs {
				lhs[k] = ast.NewIdent(e.(*ast.Ident).Name)
			}
			head = append(head, &ast.AssignStmt{Lhs: lhs, Tok: token.DEFINE, Rhs: rhs})
		} else {
			for k, e := range lhs {
				lhs[k] = l.expr(e)
			}
			head = append(head, &ast.AssignStmt{Lhs: lhs, Tok: token.ASSIGN, Rhs: rhs})
		}
	}
	l.loopBody(s.Body)
	s.Body.List = append(head, s.Body.List...)
	fs := &ast.ForStmt{
		For:  pos,
		Init: define([]*ast.Ident{i, w}, intLit("0"), intLit("0")),
		Cond: &ast.BinaryExpr{X: ast.NewIdent(i.Name), Op: token.LSS, Y: &ast.CallExpr{Fun: l.rt("StrLen"), Args: []ast.Expr{ast.NewIdent(str.Name)}}},
		Post: &ast.AssignStmt{Lhs: []ast.Expr{ast.NewIdent(i.Name)}, Tok: token.ADD_ASSIGN, Rhs: []ast.Expr{ast.NewIdent(w.Name)}},
		Body: s.Body,
	}
	setPos(fs, pos)
	for _, p := range pre {
		setPos(p, pos)
	}
	return pre, fs
}
