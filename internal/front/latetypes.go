package front

import (
	"go/ast"
	"go/token"
	"go/types"
	"strings"
)

// Pass latetypes: the types of later cells in the assertions of earlier
// ones.
//
// An assertion function (asserts.go) tries the session's types that
// implement its interface, as the cell that made it knew them: errors.Is
// in a function of cell 1 did not see the Unwrap method of a wrapper type
// that cell 2 declares, and answered false. So each assertion function of
// a cell also tries the functions in a variable of its own,
//
//	var $hooks3_1 []func(v error) (interface{ Unwrap() error }, bool)
//
// and every later cell that declares a type implementing the interface
// (or gives one the missing methods) appends one for it, first thing when
// it runs:
//
//	$hooks3_1 = append($hooks3_1, func(v error) (interface{ Unwrap() error }, bool) {
//		if c, ok := v.(*W); ok { return c, true }
//		var zero interface{ Unwrap() error }; return zero, false
//	})
//
// The functions of packages read from source have no such variable: no
// cell declares types in them.
//
// errors.Is and errors.Unwrap are Unsupported in a session with some
// error types (indistinctErrors, structUnwrapper), which a cell declared
// after a call of them was lowered: each call made in a cell therefore
// also asks the runtime whether a later cell has found them unable to
// answer (refusedLater), and a cell that finds it tells the runtime
// (rt.Refuse), or that it no longer holds.

// inCell reports whether l lowers a cell or a copy of generic code made
// for one, not a package read from source.
func (l *lowerer) inCell() bool {
	if l.gen != nil {
		return !l.gen.cell.whole
	}
	return !l.whole
}

// An assertHook is the variable of an assertion function of an earlier
// cell.
type assertHook struct {
	name string
	// methods are the interface's, by name, and from's, the methods a
	// type must have to be asserted from the helper's parameter
	methods, from map[string]string
	// the interface asserted to and the parameter's type (nil: any)
	ht, param types.Type
}

// hookLoop declares the hook variable of the assertion function named as,
// from (nil: any) to ht, and returns the statement of the function that
// tries its functions on v:
//
//	for _, h := range $hooks3_1 { if r, ok := h(v); ok { return r, true } }
func (l *lowerer) hookLoop(as string, ht, from types.Type, iface *types.Interface, v func() *ast.Ident) ast.Stmt {
	name := "$hooks" + strings.TrimPrefix(as, "$as")
	l.helpers = append(l.helpers, &ast.GenDecl{Tok: token.VAR, Specs: []ast.Spec{&ast.ValueSpec{
		Names: []*ast.Ident{ast.NewIdent(name)},
		Type:  &ast.ArrayType{Elt: l.hookType(ht, from)},
	}}})
	h := &assertHook{name: name, methods: methodKeys(iface), ht: ht, param: from}
	if from != nil {
		h.from = methodKeys(from.Underlying().(*types.Interface))
	}
	l.f.newHooks = append(l.f.newHooks, h)
	return &ast.RangeStmt{Key: ast.NewIdent("_"), Value: ast.NewIdent("h"), Tok: token.DEFINE, X: ast.NewIdent(name), Body: &ast.BlockStmt{List: []ast.Stmt{
		&ast.IfStmt{
			Init: &ast.AssignStmt{Lhs: []ast.Expr{ast.NewIdent("r"), ast.NewIdent("ok")}, Tok: token.DEFINE, Rhs: []ast.Expr{call(ast.NewIdent("h"), v())}},
			Cond: ast.NewIdent("ok"),
			Body: &ast.BlockStmt{List: []ast.Stmt{&ast.ReturnStmt{Results: []ast.Expr{ast.NewIdent("r"), predeclared("true")}}}},
		},
	}}}
}

// hookType is the type func(v from) (ht, bool) of a hook's functions.
func (l *lowerer) hookType(ht, from types.Type) *ast.FuncType {
	var param ast.Expr = &ast.InterfaceType{Methods: &ast.FieldList{}}
	if from != nil {
		param = l.w.expr(from)
	}
	return &ast.FuncType{
		Params:  &ast.FieldList{List: []*ast.Field{{Names: []*ast.Ident{ast.NewIdent("v")}, Type: param}}},
		Results: &ast.FieldList{List: []*ast.Field{{Type: l.w.expr(ht)}, {Type: predeclared("bool")}}},
	}
}

// lateTypes returns the statements that tell the runtime whether
// errors.Is and errors.Unwrap can answer, when that changed, and that
// append, to the hook variables of earlier cells, a function for each
// type cell c declares or gives methods, or pointer to one, that
// implements the hook's interface.
func (l *lowerer) lateTypes(c *cell, ck *checked) []ast.Stmt {
	var named []*types.Named
	seen := map[*types.Named]bool{}
	add := func(t types.Type) {
		if p, ok := t.(*types.Pointer); ok {
			t = p.Elem()
		}
		n, ok := t.(*types.Named)
		if !ok || seen[n] || n.TypeParams().Len() > 0 || types.IsInterface(n) || n.Obj().Parent() != n.Obj().Pkg().Scope() {
			return
		}
		seen[n] = true
		named = append(named, n)
	}
	for _, d := range c.file.Decls {
		switch d := d.(type) {
		case *ast.GenDecl:
			if d.Tok != token.TYPE {
				continue
			}
			for _, s := range d.Specs {
				if tn, ok := ck.info.Defs[s.(*ast.TypeSpec).Name].(*types.TypeName); ok && !tn.IsAlias() {
					add(tn.Type())
				}
			}
		case *ast.FuncDecl:
			if d.Recv != nil && len(d.Recv.List) == 1 {
				if t := ck.info.TypeOf(d.Recv.List[0].Type); t != nil {
					add(t)
				}
			}
		}
	}
	if len(named) == 0 {
		return nil // nothing the runtime was told can have changed
	}
	var out []ast.Stmt
	for _, r := range []struct{ name, why string }{{"errors.Is", l.indistinctErrors()}, {"errors.Unwrap", l.structUnwrapperWhy()}} {
		if r.why == l.f.refused[r.name] {
			continue
		}
		l.f.newRefused[r.name] = r.why
		why := r.why
		if why != "" {
			why = "gomx: " + r.name + " in a session with " + why
		}
		out = append(out, &ast.ExprStmt{X: call(l.rt("Refuse"), stringLit(r.name), stringLit(why))})
	}
	for _, h := range l.f.hooks {
		for _, n := range named {
			for _, t := range []types.Type{n, types.NewPointer(n)} {
				if !hasMethods(t, n.Obj().Pkg(), h.methods) || !hasMethods(t, n.Obj().Pkg(), h.from) {
					continue
				}
				fn := &ast.FuncLit{Type: l.hookType(h.ht, h.param), Body: &ast.BlockStmt{List: []ast.Stmt{
					&ast.IfStmt{
						Init: &ast.AssignStmt{Lhs: []ast.Expr{ast.NewIdent("c"), ast.NewIdent("ok")}, Tok: token.DEFINE, Rhs: []ast.Expr{&ast.TypeAssertExpr{X: ast.NewIdent("v"), Type: l.w.expr(t)}}},
						Cond: ast.NewIdent("ok"),
						Body: &ast.BlockStmt{List: []ast.Stmt{&ast.ReturnStmt{Results: []ast.Expr{ast.NewIdent("c"), predeclared("true")}}}},
					},
					&ast.DeclStmt{Decl: &ast.GenDecl{Tok: token.VAR, Specs: []ast.Spec{&ast.ValueSpec{Names: []*ast.Ident{ast.NewIdent("zero")}, Type: l.w.expr(h.ht)}}}},
					&ast.ReturnStmt{Results: []ast.Expr{ast.NewIdent("zero"), predeclared("false")}},
				}}}
				out = append(out, assignTo(ast.NewIdent(h.name), call(ast.NewIdent("append"), ast.NewIdent(h.name), fn)))
			}
		}
	}
	return out
}

// methodKeys returns iface's methods as name → signature, types named by
// package path, so that the methods of types checked with another cell
// compare.
func methodKeys(iface *types.Interface) map[string]string {
	m := map[string]string{}
	for i := range iface.NumMethods() {
		f := iface.Method(i)
		m[f.Name()] = sigKey(f.Type().(*types.Signature))
	}
	return m
}

// hasMethods reports whether the method set of t (declared in pkg) has
// each method of want with its signature.
func hasMethods(t types.Type, pkg *types.Package, want map[string]string) bool {
	ms := types.NewMethodSet(t)
	for name, sig := range want {
		sel := ms.Lookup(pkg, name)
		if sel == nil || sigKey(sel.Obj().Type().(*types.Signature)) != sig {
			return false
		}
	}
	return true
}

// sigKey writes sig without its receiver, types qualified by path.
func sigKey(sig *types.Signature) string {
	plain := types.NewSignatureType(nil, nil, nil, sig.Params(), sig.Results(), sig.Variadic())
	return types.TypeString(plain, func(p *types.Package) string { return p.Path() })
}

// refusedLater is the statement of a lowered call of errors.Is or
// errors.Unwrap (name) that panics when a later cell has made it
// Unsupported:
//
//	if $r := rt.Refused("errors.Is"); $r != "" { panic($r) }
func (l *lowerer) refusedLater(name string) ast.Stmt {
	r := l.temp("r")
	return &ast.IfStmt{
		Init: define([]*ast.Ident{r}, call(l.rt("Refused"), stringLit(name))),
		Cond: &ast.BinaryExpr{X: ast.NewIdent(r.Name), Op: token.NEQ, Y: stringLit("")},
		Body: &ast.BlockStmt{List: []ast.Stmt{&ast.ExprStmt{X: call(ast.NewIdent("panic"), ast.NewIdent(r.Name))}}},
	}
}
