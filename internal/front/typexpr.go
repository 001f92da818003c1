package front

import (
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"strconv"
	"strings"
)

// A typeWriter turns go/types types and constants back into AST
// expressions for the interpreter: packages by their internal import
// aliases, session types by their internal names.
type typeWriter struct {
	// pkg returns the identifier under which package p is imported; it
	// is not called for the session's own package.
	pkg func(p *types.Package) string
	// local returns the interpreter's name of a type of the session
	// package declared at package level.
	local func(obj *types.TypeName) string
	// session is the package being checked.
	session *types.Package
	// universe returns the identifier for a predeclared name (a user may
	// shadow int, true, len, …).
	universe func(name string) ast.Expr
	// named, when set, writes a named type or alias its own way (see
	// namedType); nil leaves it to the writer.
	named func(t types.Type) ast.Expr
}

func (w *typeWriter) ident(name string) ast.Expr {
	if w.universe != nil {
		return w.universe(name)
	}
	return ast.NewIdent(name)
}

// typeName returns the expression that names obj, a type name or alias.
func (w *typeWriter) typeName(obj *types.TypeName) ast.Expr {
	p := obj.Pkg()
	switch {
	case p == nil: // error, comparable, any
		return w.ident(obj.Name())
	case p == w.session || p.Path() == w.session.Path():
		if w.local != nil {
			return ast.NewIdent(w.local(obj))
		}
		return ast.NewIdent(obj.Name())
	}
	return &ast.SelectorExpr{X: ast.NewIdent(w.pkg(p)), Sel: ast.NewIdent(obj.Name())}
}

func (w *typeWriter) withArgs(x ast.Expr, args *types.TypeList) ast.Expr {
	if args == nil || args.Len() == 0 {
		return x
	}
	var idx []ast.Expr
	for i := 0; i < args.Len(); i++ {
		idx = append(idx, w.expr(args.At(i)))
	}
	if len(idx) == 1 {
		return &ast.IndexExpr{X: x, Index: idx[0]}
	}
	return &ast.IndexListExpr{X: x, Indices: idx}
}

// expr returns a type expression for t.
func (w *typeWriter) expr(t types.Type) ast.Expr {
	switch t := t.(type) {
	case *types.Basic:
		if t.Kind() == types.UnsafePointer {
			return &ast.SelectorExpr{X: ast.NewIdent(w.pkg(types.Unsafe)), Sel: ast.NewIdent("Pointer")}
		}
		name := t.Name()
		if t.Info()&types.IsUntyped != 0 {
			name = types.Default(t).(*types.Basic).Name()
		}
		return w.ident(name)
	case *types.Named:
		if w.named != nil {
			if e := w.named(t); e != nil {
				return e
			}
		}
		return w.withArgs(w.typeName(t.Obj()), t.TypeArgs())
	case *types.Alias:
		if w.named != nil {
			if e := w.named(t); e != nil {
				return e
			}
		}
		if o := t.Obj(); o.Pkg() == w.session && o.Parent() != o.Pkg().Scope() {
			return w.expr(types.Unalias(t)) // a local alias: not declared (see localDecl)
		}
		return w.withArgs(w.typeName(t.Obj()), t.TypeArgs())
	case *types.TypeParam:
		if w.local != nil {
			return ast.NewIdent(typeParamName(t.Obj().Name()))
		}
		return ast.NewIdent(t.Obj().Name())
	case *types.Pointer:
		return &ast.StarExpr{X: w.expr(t.Elem())}
	case *types.Slice:
		return &ast.ArrayType{Elt: w.expr(t.Elem())}
	case *types.Array:
		return &ast.ArrayType{Len: intLit(strconv.FormatInt(t.Len(), 10)), Elt: w.expr(t.Elem())}
	case *types.Map:
		return &ast.MapType{Key: w.expr(t.Key()), Value: w.expr(t.Elem())}
	case *types.Chan:
		dir := ast.SEND | ast.RECV
		switch t.Dir() {
		case types.SendOnly:
			dir = ast.SEND
		case types.RecvOnly:
			dir = ast.RECV
		}
		return &ast.ChanType{Dir: dir, Value: w.expr(t.Elem())}
	case *types.Signature:
		return w.funcType(t)
	case *types.Struct:
		fields := &ast.FieldList{}
		for i := 0; i < t.NumFields(); i++ {
			f := t.Field(i)
			fd := &ast.Field{Type: w.expr(f.Type())}
			if !f.Embedded() {
				fd.Names = []*ast.Ident{ast.NewIdent(f.Name())}
			}
			tag := t.Tag(i)
			if !f.Embedded() && !f.Exported() {
				tag = unexportedTag(tag)
			}
			if tag != "" {
				fd.Tag = &ast.BasicLit{Kind: token.STRING, Value: strconv.Quote(tag)}
			}
			fields.List = append(fields.List, fd)
		}
		return &ast.StructType{Fields: fields}
	case *types.Interface:
		methods := &ast.FieldList{}
		for i := 0; i < t.NumEmbeddeds(); i++ {
			methods.List = append(methods.List, &ast.Field{Type: w.expr(t.EmbeddedType(i))})
		}
		for i := 0; i < t.NumExplicitMethods(); i++ {
			m := t.ExplicitMethod(i)
			methods.List = append(methods.List, &ast.Field{
				Names: []*ast.Ident{ast.NewIdent(m.Name())},
				Type:  w.funcType(m.Type().(*types.Signature)),
			})
		}
		return &ast.InterfaceType{Methods: methods}
	case *types.Union:
		var x ast.Expr
		for i := 0; i < t.Len(); i++ {
			term := t.Term(i)
			var e ast.Expr = w.expr(term.Type())
			if term.Tilde() {
				e = &ast.UnaryExpr{Op: token.TILDE, X: e}
			}
			if x == nil {
				x = e
			} else {
				x = &ast.BinaryExpr{X: x, Op: token.OR, Y: e}
			}
		}
		return x
	case *types.Tuple:
		panic("front: a tuple is not a type expression")
	}
	panic("front: unexpected type " + t.String())
}

// funcType returns the type of a signature, without receiver and type
// parameters.
func (w *typeWriter) funcType(sig *types.Signature) *ast.FuncType {
	ft := &ast.FuncType{Params: w.fields(sig.Params(), sig.Variadic()), Results: w.fields(sig.Results(), false)}
	if ft.Results != nil && len(ft.Results.List) == 0 {
		ft.Results = nil
	}
	return ft
}

func (w *typeWriter) fields(t *types.Tuple, variadic bool) *ast.FieldList {
	fl := &ast.FieldList{}
	for i := 0; i < t.Len(); i++ {
		v := t.At(i)
		var te ast.Expr
		if variadic && i == t.Len()-1 {
			te = &ast.Ellipsis{Elt: w.expr(v.Type().(*types.Slice).Elem())}
		} else {
			te = w.expr(v.Type())
		}
		fl.List = append(fl.List, &ast.Field{Type: te})
	}
	return fl
}

// typeParams returns the type parameter list of a generic declaration.
func (w *typeWriter) typeParams(tps *types.TypeParamList) *ast.FieldList {
	if tps == nil || tps.Len() == 0 {
		return nil
	}
	fl := &ast.FieldList{}
	for i := 0; i < tps.Len(); i++ {
		tp := tps.At(i)
		name := tp.Obj().Name()
		if w.local != nil {
			name = typeParamName(name)
		}
		fl.List = append(fl.List, &ast.Field{Names: []*ast.Ident{ast.NewIdent(name)}, Type: w.constraint(tp.Constraint())})
	}
	return fl
}

// constraint writes a constraint: an implicit interface (~int | ~float64)
// as its type set.
func (w *typeWriter) constraint(t types.Type) ast.Expr {
	if it, ok := t.(*types.Interface); ok && it.IsImplicit() && it.NumEmbeddeds() == 1 {
		return w.expr(it.EmbeddedType(0))
	}
	return w.expr(t)
}

func intLit(s string) *ast.BasicLit { return &ast.BasicLit{Kind: token.INT, Value: s} }

// constExpr returns an expression of constant value v of type t: a
// literal, converted to t where the literal's own default type is not t.
func (w *typeWriter) constExpr(v constant.Value, t types.Type) ast.Expr {
	var lit ast.Expr
	def := ""
	switch v.Kind() {
	case constant.Bool:
		lit, def = w.ident(strconv.FormatBool(constant.BoolVal(v))), "bool"
	case constant.String:
		lit, def = &ast.BasicLit{Kind: token.STRING, Value: strconv.Quote(constant.StringVal(v))}, "string"
	case constant.Int:
		lit, def = signed(v.ExactString(), token.INT), "int"
	case constant.Float:
		lit, def = w.floatLit(v, t), "float64"
	case constant.Complex:
		re, im := constant.Real(v), constant.Imag(v)
		ft := types.Typ[types.Float64]
		if b, ok := t.Underlying().(*types.Basic); ok && b.Kind() == types.Complex64 {
			ft = types.Typ[types.Float32]
		}
		lit = &ast.CallExpr{Fun: w.ident("complex"), Args: []ast.Expr{w.floatLit(re, ft), w.floatLit(im, ft)}}
		def = "complex128"
		if ft.Kind() == types.Float32 {
			def = "complex64"
		}
	default:
		panic("front: unknown constant " + v.String())
	}
	if b, ok := t.(*types.Basic); ok && (b.Name() == def && def != "complex64" || b.Info()&types.IsUntyped != 0) {
		if b.Kind() == types.UntypedRune {
			return &ast.CallExpr{Fun: w.ident("rune"), Args: []ast.Expr{lit}}
		}
		return lit
	}
	return &ast.CallExpr{Fun: w.expr(t), Args: []ast.Expr{lit}}
}

// floatLit writes a float constant: exactly as a rational for untyped and
// wide values, else as the shortest decimal that reads back as the
// float64 or float32 value.
func (w *typeWriter) floatLit(v constant.Value, t types.Type) ast.Expr {
	if v.Kind() == constant.Int {
		v = constant.ToFloat(v)
	}
	if b, ok := t.Underlying().(*types.Basic); ok {
		switch b.Kind() {
		case types.Float64, types.Complex128:
			f, _ := constant.Float64Val(v)
			return floatText(strconv.FormatFloat(f, 'g', -1, 64))
		case types.Float32, types.Complex64:
			f, _ := constant.Float32Val(v)
			return floatText(strconv.FormatFloat(float64(f), 'g', -1, 32))
		}
	}
	num, den := constant.Num(v), constant.Denom(v)
	if num.Kind() == constant.Int && den.Kind() == constant.Int {
		if constant.Compare(den, token.EQL, constant.MakeInt64(1)) {
			return floatText(num.ExactString())
		}
		return &ast.ParenExpr{X: &ast.BinaryExpr{X: floatText(num.ExactString()), Op: token.QUO, Y: floatText(den.ExactString())}}
	}
	f, _ := constant.Float64Val(v)
	return floatText(strconv.FormatFloat(f, 'g', -1, 64))
}

// floatText is a float literal for s, a decimal that may lack a period.
func floatText(s string) ast.Expr {
	if !strings.ContainsAny(s, ".eEn") { // n: NaN, Inf never occur in constants
		s += ".0"
	}
	return signed(s, token.FLOAT)
}

// signed returns a literal, negated when s starts with a minus sign.
func signed(s string, kind token.Token) ast.Expr {
	if strings.HasPrefix(s, "-") {
		return &ast.UnaryExpr{Op: token.SUB, X: &ast.BasicLit{Kind: kind, Value: s[1:]}}
	}
	return &ast.BasicLit{Kind: kind, Value: s}
}
