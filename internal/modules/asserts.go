package modules

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"strings"
)

// An assertHelper is a function of builtinFile that asserts a value of
// static type from to the interface to, trying first each type of the
// package that implements it.
type assertHelper struct {
	name, from, to string
	concrete       []string
}

// asserts lowers the type assertions x.(I) of f to an interface I with
// methods from an interface-typed x: the interpreter gives a value that
// went through an interface of the package's (error, any, …) to an
// assertion without its methods, so that err.(causer) fails for a type
// with a Cause method (github.com/pkg/errors' Cause), while an assertion
// to the concrete type succeeds. Each such assertion becomes a call of a
// helper of builtinFile that tries the package's types implementing I
// (T and *T) and then x.(I) itself; the single-value form returns x.(I)'s
// own failure. An assertion whose types cannot be written in the package
// without imports (another package's types) is left as it is, as are
// type switches.
func asserts(tf *token.File, f *ast.File, info *types.Info, pkg *types.Package, src []byte, helpers *[]*assertHelper) []edit {
	var edits []edit
	commaOk := map[*ast.TypeAssertExpr]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		switch s := n.(type) {
		case *ast.AssignStmt:
			if len(s.Lhs) == 2 && len(s.Rhs) == 1 {
				if ta, ok := ast.Unparen(s.Rhs[0]).(*ast.TypeAssertExpr); ok {
					commaOk[ta] = true
				}
			}
		case *ast.ValueSpec:
			if len(s.Names) == 2 && len(s.Values) == 1 {
				if ta, ok := ast.Unparen(s.Values[0]).(*ast.TypeAssertExpr); ok {
					commaOk[ta] = true
				}
			}
		}
		return true
	})
	ast.Inspect(f, func(n ast.Node) bool {
		ta, ok := n.(*ast.TypeAssertExpr)
		if !ok || ta.Type == nil { // x.(type) of a type switch
			return true
		}
		to := info.TypeOf(ta.Type)
		iface, ok := to.Underlying().(*types.Interface)
		if !ok || iface.NumMethods() == 0 {
			return true
		}
		from := info.TypeOf(ta.X)
		if !types.IsInterface(from) {
			return true
		}
		var concrete []string
		for _, name := range pkg.Scope().Names() {
			tn, ok := pkg.Scope().Lookup(name).(*types.TypeName)
			if !ok || tn.IsAlias() || types.IsInterface(tn.Type()) {
				continue
			}
			if named, ok := tn.Type().(*types.Named); ok && named.TypeParams() != nil {
				continue
			}
			if types.AssignableTo(tn.Type(), from) && types.Implements(tn.Type(), iface) {
				concrete = append(concrete, name)
			}
			if pt := types.NewPointer(tn.Type()); types.AssignableTo(pt, from) && types.Implements(pt, iface) {
				concrete = append(concrete, "*"+name)
			}
		}
		if len(concrete) == 0 {
			return true
		}
		fromText, ok1 := typeNameOrLit(from, pkg)
		toText, ok2 := typeNameOrLit(to, pkg)
		if !ok2 {
			// an interface declared in a function (pkg/errors' causer):
			// its literal, to which the helper's result is assignable
			toText, ok2 = typeNameOrLit(iface, pkg)
		}
		if !ok1 || !ok2 {
			return true
		}
		h := &assertHelper{name: fmt.Sprintf("gomxassert%d", len(*helpers)), from: fromText, to: toText, concrete: concrete}
		*helpers = append(*helpers, h)
		call := h.name
		if !commaOk[ta] {
			call = h.name + "must"
		}
		x := string(src[tf.Offset(ta.X.Pos()):tf.Offset(ta.X.End())])
		edits = append(edits, edit{tf.Offset(ta.Pos()), tf.Offset(ta.End()), call + "(" + x + ")"})
		return true
	})
	return edits
}

// typeNameOrLit writes t as the package's files can at package level: ok
// is false when t uses a type of another package or one declared inside a
// function.
func typeNameOrLit(t types.Type, pkg *types.Package) (string, bool) {
	if !nameable(t, pkg, map[types.Type]bool{}) {
		return "", false
	}
	return types.TypeString(t, func(*types.Package) string { return "" }), true
}

// nameable reports whether every named type in t is a universe type or
// one of the package scope of pkg.
func nameable(t types.Type, pkg *types.Package, seen map[types.Type]bool) bool {
	if seen[t] {
		return true
	}
	seen[t] = true
	switch t := t.(type) {
	case *types.Basic:
		return true
	case *types.Named:
		o := t.Obj()
		if o.Pkg() == nil {
			return true // error, comparable
		}
		return o.Pkg() == pkg && o.Parent() == pkg.Scope() && t.TypeArgs() == nil
	case *types.Alias:
		o := t.Obj()
		return o.Pkg() == nil || o.Pkg() == pkg && o.Parent() == pkg.Scope() && t.TypeArgs() == nil
	case *types.Pointer:
		return nameable(t.Elem(), pkg, seen)
	case *types.Slice:
		return nameable(t.Elem(), pkg, seen)
	case *types.Array:
		return nameable(t.Elem(), pkg, seen)
	case *types.Chan:
		return nameable(t.Elem(), pkg, seen)
	case *types.Map:
		return nameable(t.Key(), pkg, seen) && nameable(t.Elem(), pkg, seen)
	case *types.Signature:
		return nameable(t.Params(), pkg, seen) && nameable(t.Results(), pkg, seen)
	case *types.Tuple:
		for i := 0; i < t.Len(); i++ {
			if !nameable(t.At(i).Type(), pkg, seen) {
				return false
			}
		}
		return true
	case *types.Struct:
		for i := 0; i < t.NumFields(); i++ {
			if f := t.Field(i); !f.Exported() && f.Pkg() != pkg || !nameable(f.Type(), pkg, seen) {
				return false
			}
		}
		return true
	case *types.Interface:
		for i := 0; i < t.NumExplicitMethods(); i++ {
			if m := t.ExplicitMethod(i); !m.Exported() && m.Pkg() != pkg || !nameable(m.Type(), pkg, seen) {
				return false
			}
		}
		for i := 0; i < t.NumEmbeddeds(); i++ {
			if !nameable(t.EmbeddedType(i), pkg, seen) {
				return false
			}
		}
		return true
	}
	return false
}

// assertsText writes the helpers into builtinFile.
func assertsText(hs []*assertHelper) string {
	var b strings.Builder
	for _, h := range hs {
		fmt.Fprintf(&b, "\nfunc %s(x %s) (%s, bool) {\n", h.name, h.from, h.to)
		for _, c := range h.concrete {
			fmt.Fprintf(&b, "\tif v, ok := x.(%s); ok {\n\t\treturn v, true\n\t}\n", c)
		}
		fmt.Fprintf(&b, "\tv, ok := x.(%s)\n\treturn v, ok\n}\n", h.to)
		fmt.Fprintf(&b, "\nfunc %smust(x %s) %s {\n\tif v, ok := %s(x); ok {\n\t\treturn v\n\t}\n\treturn x.(%s)\n}\n", h.name, h.from, h.to, h.name, h.to)
	}
	return b.String()
}
