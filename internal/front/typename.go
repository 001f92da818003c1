package front

import (
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"sort"
	"strconv"
	"strings"
)

// Pass typename: %T of a value whose type the interpreter names wrong.
//
// The interpreter builds a type of the session with reflect, which gives
// it no name: fmt's %T of a Celsius printed float64, of a Pair[string,V]
// struct { K string; V struct { X int } }. When the argument's static
// type is not an interface, it is the dynamic type fmt would name, so the
// front end writes the name as Go's reflect spells it and prints it with
// %s (the same width and flags): the argument becomes
// func(_ $any) $string { return "main.Celsius" }(x), which still
// evaluates x.

// printedType returns the name %T prints for a value of static type t, and
// whether the lowering must write it: t is not an interface, has no type
// parameters and names a type of the session or of a package read from
// source, or has a struct or interface in it (which the interpreter also
// spells its own way).
func (l *lowerer) printedType(t types.Type) (string, bool) {
	if t == nil || types.IsInterface(t) {
		return "", false
	}
	if _, tuple := t.(*types.Tuple); tuple {
		return "", false
	}
	w := &typeNamer{l: l}
	name := w.name(t, false)
	return name, w.needed && !w.bad
}

// typeNameArg lowers argument e of a %T verb whose type is named name.
func (l *lowerer) typeNameArg(e ast.Expr, name string) ast.Expr {
	pos := e.Pos()
	lit := &ast.FuncLit{
		Type: &ast.FuncType{
			Params:  &ast.FieldList{List: []*ast.Field{{Names: []*ast.Ident{ast.NewIdent("_")}, Type: predeclared("any")}}},
			Results: &ast.FieldList{List: []*ast.Field{{Type: predeclared("string")}}},
		},
		Body: &ast.BlockStmt{List: []ast.Stmt{&ast.ReturnStmt{Results: []ast.Expr{
			&ast.BasicLit{Kind: token.STRING, Value: strconv.Quote(name)}}}}},
	}
	setPos(lit, pos)
	return &ast.CallExpr{Fun: lit, Lparen: pos, Args: []ast.Expr{e}, Rparen: pos}
}

// typeVerbsToS rewrites the constant format of call x (the argument
// format, before lowering) with %s for the %T verbs of the arguments in
// args.
func (l *lowerer) typeVerbsToS(x *ast.CallExpr, sig *types.Signature, format ast.Expr, args map[int]bool) {
	k := formatParam(sig)
	text := ""
	if tv, ok := l.info.Types[format]; ok && tv.Value != nil {
		text = constant.StringVal(tv.Value)
	}
	verbs, offs, ok := formatVerbOffsets(text)
	if !ok {
		panic("front: a %T verb of a format without verbs")
	}
	b := []byte(text)
	for i := range args {
		j := i - k - 1
		if j < 0 || j >= len(verbs) || verbs[j] != 'T' {
			panic("front: the %T verbs of a format moved")
		}
		b[offs[j]] = 's'
	}
	x.Args[k] = &ast.BasicLit{ValuePos: format.Pos(), Kind: token.STRING, Value: strconv.Quote(string(b))}
}

// typeNamer spells types as reflect's Type.String does.
type typeNamer struct {
	l *lowerer
	// needed: the interpreter would spell the type otherwise; bad: it
	// cannot be spelled (a type parameter is in it)
	needed, bad bool
}

// name returns t as reflect spells it; inArgs for a type argument, which
// reflect spells with package paths, unexported field names too.
func (w *typeNamer) name(t types.Type, inArgs bool) string {
	switch t := types.Unalias(t).(type) {
	case *types.Basic:
		switch t.Kind() {
		case types.Uint8:
			return "uint8"
		case types.Int32:
			return "int32"
		case types.UnsafePointer:
			return "unsafe.Pointer"
		}
		if t.Info()&types.IsUntyped != 0 {
			return w.name(types.Default(t), inArgs)
		}
		return t.Name()
	case *types.Named:
		obj := t.Obj()
		s := obj.Name()
		if p := obj.Pkg(); p != nil {
			if p == w.l.f.sessionPkg(w.l) || w.l.interpreted(p) {
				w.needed = true
			}
			q := p.Name()
			if inArgs {
				q = p.Path()
			}
			s = q + "." + s
		}
		if args := t.TypeArgs(); args.Len() > 0 {
			var as []string
			for i := 0; i < args.Len(); i++ {
				as = append(as, w.name(args.At(i), true))
			}
			s += "[" + strings.Join(as, ",") + "]"
		}
		return s
	case *types.Pointer:
		return "*" + w.name(t.Elem(), inArgs)
	case *types.Slice:
		return "[]" + w.name(t.Elem(), inArgs)
	case *types.Array:
		return "[" + strconv.FormatInt(t.Len(), 10) + "]" + w.name(t.Elem(), inArgs)
	case *types.Map:
		return "map[" + w.name(t.Key(), inArgs) + "]" + w.name(t.Elem(), inArgs)
	case *types.Chan:
		elem := w.name(t.Elem(), inArgs)
		switch t.Dir() {
		case types.SendOnly:
			return "chan<- " + elem
		case types.RecvOnly:
			return "<-chan " + elem
		}
		if c, ok := t.Elem().Underlying().(*types.Chan); ok && c.Dir() == types.RecvOnly {
			if _, named := types.Unalias(t.Elem()).(*types.Named); !named {
				return "chan (" + elem + ")"
			}
		}
		return "chan " + elem
	case *types.Signature:
		return "func" + w.signature(t, inArgs)
	case *types.Struct:
		w.needed = true
		if t.NumFields() == 0 {
			return "struct {}"
		}
		var fs []string
		for i := 0; i < t.NumFields(); i++ {
			f := t.Field(i)
			s := w.name(f.Type(), inArgs)
			if !f.Embedded() {
				n := f.Name()
				if inArgs && !f.Exported() && f.Pkg() != nil {
					n = f.Pkg().Path() + "." + n
				}
				s = n + " " + s
			}
			if tag := t.Tag(i); tag != "" {
				s += " " + strconv.Quote(tag)
			}
			fs = append(fs, s)
		}
		return "struct { " + strings.Join(fs, "; ") + " }"
	case *types.Interface:
		if t.NumMethods() == 0 {
			return "interface {}"
		}
		w.needed = true
		var ms []string
		for i := 0; i < t.NumMethods(); i++ {
			m := t.Method(i)
			ms = append(ms, m.Name()+w.signature(m.Type().(*types.Signature), inArgs))
		}
		sort.Strings(ms)
		return "interface { " + strings.Join(ms, "; ") + " }"
	}
	// a type parameter, a tuple: not a type fmt sees
	w.bad = true
	return "?"
}

// signature spells sig without "func", as reflect does: (int, ...string) error.
func (w *typeNamer) signature(sig *types.Signature, inArgs bool) string {
	var ps []string
	for i := 0; i < sig.Params().Len(); i++ {
		pt := sig.Params().At(i).Type()
		if sig.Variadic() && i == sig.Params().Len()-1 {
			ps = append(ps, "..."+w.name(pt.(*types.Slice).Elem(), inArgs))
			continue
		}
		ps = append(ps, w.name(pt, inArgs))
	}
	s := "(" + strings.Join(ps, ", ") + ")"
	switch n := sig.Results().Len(); {
	case n == 1:
		s += " " + w.name(sig.Results().At(0).Type(), inArgs)
	case n > 1:
		var rs []string
		for i := 0; i < n; i++ {
			rs = append(rs, w.name(sig.Results().At(i).Type(), inArgs))
		}
		s += " (" + strings.Join(rs, ", ") + ")"
	}
	return s
}
