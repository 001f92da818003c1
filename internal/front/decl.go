package front

import (
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"strconv"
)

// A decl is a package-level declaration of the session: what later cells
// see of it when they are type-checked (node, in the prelude), what the
// interpreter calls it (internal), and what it depends on.
type decl struct {
	name     string // user name; a method is "T.m"
	method   bool
	obj      types.Object
	internal string // the interpreter's name (differs from name for a redefined type)
	cell     int
	seq      int
	src      string // the declaration as written (types: for re-runs)
	sig      string
	doc      string
	// node is the declaration in the prelude: without body, with types
	// written out and packages imported under internal names (pkgs).
	node ast.Decl
	pkgs map[string]bool
	// uses are the names of other session declarations it refers to.
	uses map[string]bool
	// exposes is set for a function or method whose results can show
	// in a call's destination before it returns (see assign).
	exposes bool
}

func (d *decl) kind() string {
	switch d.obj.(type) {
	case *types.Func:
		return "function"
	case *types.TypeName:
		return "type"
	case *types.Const:
		return "constant"
	}
	return "variable"
}

// preludeWriter is the typeWriter for prelude declarations: session types
// by their user names, packages by internal alias (recorded in pkgs).
func (f *Front) preludeWriter(session *types.Package, pkgs map[string]bool) *typeWriter {
	return &typeWriter{
		session: session,
		pkg: func(p *types.Package) string {
			pkgs[p.Path()] = true
			return f.alias(p.Path())
		},
	}
}

// preludeDecl builds the prelude declaration of obj, a package-level
// object of the session package.
func (f *Front) preludeDecl(obj types.Object, pkgs map[string]bool) ast.Decl {
	w := f.preludeWriter(obj.Pkg(), pkgs)
	name := ast.NewIdent(obj.Name())
	switch o := obj.(type) {
	case *types.Var:
		return &ast.GenDecl{Tok: token.VAR, Specs: []ast.Spec{&ast.ValueSpec{Names: []*ast.Ident{name}, Type: w.expr(o.Type())}}}
	case *types.Const:
		spec := &ast.ValueSpec{Names: []*ast.Ident{name}}
		t := o.Type()
		if b, ok := t.(*types.Basic); ok && b.Info()&types.IsUntyped != 0 {
			spec.Values = []ast.Expr{untypedConst(o.Val(), b, w)}
		} else {
			spec.Type = w.expr(t)
			spec.Values = []ast.Expr{w.constExpr(o.Val(), t)}
		}
		return &ast.GenDecl{Tok: token.CONST, Specs: []ast.Spec{spec}}
	case *types.TypeName:
		spec := &ast.TypeSpec{Name: name}
		if o.IsAlias() {
			spec.Assign = 1
			spec.Type = w.expr(types.Unalias(o.Type()))
			if a, ok := o.Type().(*types.Alias); ok {
				spec.TypeParams = w.typeParams(a.TypeParams())
				if spec.TypeParams != nil {
					spec.Type = w.expr(a.Rhs())
				}
			}
		} else {
			named := o.Type().(*types.Named)
			spec.TypeParams = w.typeParams(named.TypeParams())
			spec.Type = w.expr(named.Underlying())
		}
		return &ast.GenDecl{Tok: token.TYPE, Specs: []ast.Spec{spec}}
	case *types.Func:
		sig := o.Type().(*types.Signature)
		fd := &ast.FuncDecl{Name: name, Type: w.funcType(sig)}
		fd.Type.TypeParams = w.typeParams(sig.TypeParams())
		if fd.Type.TypeParams != nil || sig.RecvTypeParams() != nil {
			// go/types wants the bodies of generic functions; an endless
			// loop is a terminating statement that names nothing
			fd.Body = &ast.BlockStmt{List: []ast.Stmt{&ast.ForStmt{Body: &ast.BlockStmt{}}}}
		}
		if recv := sig.Recv(); recv != nil {
			rt := recv.Type()
			var rx ast.Expr
			ptr := false
			if p, ok := rt.(*types.Pointer); ok {
				rt, ptr = p.Elem(), true
			}
			named := rt.(*types.Named)
			rx = w.typeName(named.Obj())
			if rtp := sig.RecvTypeParams(); rtp != nil && rtp.Len() > 0 {
				var idx []ast.Expr
				for i := 0; i < rtp.Len(); i++ {
					idx = append(idx, ast.NewIdent(rtp.At(i).Obj().Name()))
				}
				if len(idx) == 1 {
					rx = &ast.IndexExpr{X: rx, Index: idx[0]}
				} else {
					rx = &ast.IndexListExpr{X: rx, Indices: idx}
				}
			}
			if ptr {
				rx = &ast.StarExpr{X: rx}
			}
			fd.Recv = &ast.FieldList{List: []*ast.Field{{Type: rx}}}
		}
		return fd
	}
	panic("front: unexpected object " + obj.String())
}

// untypedConst writes an untyped constant so that it stays untyped and
// exact.
func untypedConst(v constant.Value, b *types.Basic, w *typeWriter) ast.Expr {
	switch b.Kind() {
	case types.UntypedRune:
		if r, ok := constant.Int64Val(v); ok && r >= 0 && r <= 0x10FFFF && !(r >= 0xD800 && r < 0xE000) {
			return &ast.BasicLit{Kind: token.CHAR, Value: strconv.QuoteRune(rune(r))}
		}
	case types.UntypedFloat:
		return w.floatLit(v, b)
	case types.UntypedComplex:
		re := w.floatLit(constant.Real(v), types.Typ[types.UntypedFloat])
		im := w.floatLit(constant.Imag(v), types.Typ[types.UntypedFloat])
		return &ast.BinaryExpr{X: re, Op: token.ADD, Y: &ast.BinaryExpr{X: im, Op: token.MUL, Y: &ast.BasicLit{Kind: token.IMAG, Value: "1i"}}}
	}
	return w.constExpr(v, b)
}
