package front

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Passes typeargs, methods and builtins: calls.
//
// typeargs: every use of a generic function gets its type arguments
// written out, from go/types' inference (the interpreter infers them
// weakly: from func literal arguments, through ~ constraints, for
// variadic parameters).
//
// methods: a method expression T.M or (*T).M becomes a function literal;
// a method value x.M binds its receiver when it is evaluated, as in Go
// (the interpreter reads the receiver when the method is called).
//
// builtins: print and println write to standard error in the format of
// Go's runtime; min, max and clear, which the interpreter lacks, call
// compiled helpers; new(expr) (Go 1.26) makes a variable holding expr.

// call lowers a call expression.
func (l *lowerer) call(x *ast.CallExpr) ast.Expr {
	// a conversion
	if l.isType(x.Fun) {
		to := l.typeOf(x.Fun)
		x.Fun = l.typeExpr(x.Fun)
		for i, a := range x.Args {
			from := l.typeOf(a)
			x.Args[i] = l.expr(a)
			if len(x.Args) == 1 {
				if c := l.asError(x.Args[i], to, from); c != x.Args[i] {
					return c // error(v): the function's result
				}
			}
		}
		return x
	}
	fun := unparen(x.Fun)
	if id, ok := fun.(*ast.Ident); ok {
		if b, ok := l.info.Uses[id].(*types.Builtin); ok {
			return l.builtin(x, b)
		}
	}
	if sel, ok := fun.(*ast.SelectorExpr); ok {
		if b, ok := l.info.Uses[sel.Sel].(*types.Builtin); ok {
			return l.unsafeCall(x, b)
		}
	}
	// a method expression called at once: T.M(t, args) is t.M(args)
	if sel, ok := fun.(*ast.SelectorExpr); ok {
		if s, ok := l.info.Selections[sel]; ok && s.Kind() == types.MethodExpr && len(x.Args) > 0 && !x.Ellipsis.IsValid() {
			recv := l.expr(x.Args[0])
			args := x.Args[1:]
			for i, a := range args {
				args[i] = l.expr(a)
			}
			return &ast.CallExpr{Fun: &ast.SelectorExpr{X: recv, Sel: sel.Sel}, Lparen: x.Lparen, Args: args, Rparen: x.Rparen}
		}
		if s, ok := l.info.Selections[sel]; ok && s.Kind() == types.MethodVal {
			// a method called at once: no method value
			l.args(x, x.Fun)
			sel.X = l.expr(sel.X)
			return x
		}
	}
	if e, ok := l.errorsAs(x); ok {
		return e
	}
	if e, ok := l.errorsIs(x); ok {
		return e
	}
	fun = x.Fun
	l.args(x, fun)
	x.Fun = l.calleeExpr(fun)
	return x
}

// boxedStruct reports whether t is a struct type (not a pointer to one)
// of the session or of a package read from source: the interpreter keeps
// a value of it in a compiled interface such as error as a wrapper that
// its assertions back to t do not see through (in `func f(e error) {
// _, ok := e.(T) }`, f(T{1}) sees ok false), so that errors.As and
// errors.AsType to it would answer false.
func (l *lowerer) boxedStruct(t types.Type) bool {
	n, ok := types.Unalias(t).(*types.Named)
	if !ok || n.Obj().Pkg() == nil || n.Obj().Pkg() != l.f.sessionPkg(l) && !l.interpreted(n.Obj().Pkg()) {
		return false
	}
	_, isStruct := n.Underlying().(*types.Struct)
	return isStruct
}

// boxedStructWhy is the reason of the Unsupported errors.As or AsType to
// struct type t (see boxedStruct).
func boxedStructWhy(t string) string {
	return fmt.Sprintf("gomx cannot find a %s in an error: the interpreter keeps a struct value of a type declared in a cell or a package read from source in an error as a wrapper that its assertions back to %s do not see through (declare the Error method on *%s and use a pointer)", t, t, t)
}

// errorsAs lowers errors.As(err, target) with target a pointer to an
// error type of the session or of a package read from source, which the
// compiled errors.As refuses (its reflect sees no Error method: "errors:
// *target must be interface or implement error"), into a call of
// errors.AsType's copy for that type (generic.go), which asserts as the
// interpreter does (a struct type is Unsupported, see boxedStruct):
//
//	func($e error, $t *E) bool {
//		if $e == nil { return false }
//		if $t == nil { panic("errors: target must be a non-nil pointer") }
//		v, ok := <errors.AsType[E]>($e)
//		if ok { *$t = v }
//		return ok
//	}(err, target)
func (l *lowerer) errorsAs(x *ast.CallExpr) (ast.Expr, bool) {
	fn := l.callee(unparen(x.Fun))
	if fn == nil || fn.Pkg() == nil || fn.Pkg().Path() != "errors" || fn.Name() != "As" || len(x.Args) != 2 {
		return nil, false
	}
	ptr, ok := l.typeOf(x.Args[1]).(*types.Pointer)
	if !ok || types.IsInterface(ptr.Elem()) {
		return nil, false
	}
	base := ptr.Elem()
	if p, ok := base.(*types.Pointer); ok {
		base = p.Elem()
	}
	n, ok := types.Unalias(base).(*types.Named)
	if !ok || n.Obj().Pkg() == nil || n.Obj().Pkg() != l.f.sessionPkg(l) && !l.interpreted(n.Obj().Pkg()) ||
		!types.Implements(ptr.Elem(), types.Universe.Lookup("error").Type().Underlying().(*types.Interface)) {
		return nil, false
	}
	asType, ok := fn.Pkg().Scope().Lookup("AsType").(*types.Func)
	if !ok {
		return nil, false
	}
	if l.boxedStruct(ptr.Elem()) {
		if r := l.refusal(x, fmt.Sprintf("errors.As to a %s: %s", l.typeString(ptr.Elem()), boxedStructWhy(l.typeString(ptr.Elem()))), predeclared("bool")); r != nil {
			return r, true
		}
		return x, true
	}
	copyFn, ok := l.genericCall(x, asType, []types.Type{ptr.Elem()})
	if !ok {
		return x, true
	}
	e, t := l.temp("e"), l.temp("t")
	id := func(v *ast.Ident) *ast.Ident { return ast.NewIdent(v.Name) }
	ret := func(r ast.Expr) ast.Stmt { return &ast.ReturnStmt{Results: []ast.Expr{r}} }
	lit := &ast.FuncLit{
		Type: &ast.FuncType{
			Params: &ast.FieldList{List: []*ast.Field{
				{Names: []*ast.Ident{e}, Type: predeclared("error")},
				{Names: []*ast.Ident{t}, Type: l.w.expr(ptr)},
			}},
			Results: &ast.FieldList{List: []*ast.Field{{Type: predeclared("bool")}}},
		},
		Body: &ast.BlockStmt{List: []ast.Stmt{
			&ast.IfStmt{Cond: &ast.BinaryExpr{X: id(e), Op: token.EQL, Y: ast.NewIdent("nil")},
				Body: &ast.BlockStmt{List: []ast.Stmt{ret(predeclared("false"))}}},
			&ast.IfStmt{Cond: &ast.BinaryExpr{X: id(t), Op: token.EQL, Y: ast.NewIdent("nil")},
				Body: &ast.BlockStmt{List: []ast.Stmt{&ast.ExprStmt{X: &ast.CallExpr{Fun: l.rt("Panic"), Args: []ast.Expr{stringLit("errors: target must be a non-nil pointer")}}}}}},
			define([]*ast.Ident{ast.NewIdent("v"), ast.NewIdent("ok")}, &ast.CallExpr{Fun: copyFn, Args: []ast.Expr{id(e)}}),
			&ast.IfStmt{Cond: ast.NewIdent("ok"), Body: &ast.BlockStmt{List: []ast.Stmt{
				assignTo(&ast.StarExpr{X: id(t)}, ast.NewIdent("v"))}}},
			ret(ast.NewIdent("ok")),
		}},
	}
	out := &ast.CallExpr{Fun: lit, Lparen: x.Lparen, Args: []ast.Expr{l.expr(x.Args[0]), l.expr(x.Args[1])}, Rparen: x.Rparen}
	setPos(out, x.Pos())
	return out, true
}

// stdCopy returns the name of the copy of function name of package path
// of the standard library (see generic.go), for a call at at.
func (l *lowerer) stdCopy(at ast.Node, path, name string) (ast.Expr, error) {
	sp, err := l.f.source(path)
	if err != nil {
		return nil, err
	}
	obj := sp.pkg.Scope().Lookup(name)
	if obj == nil {
		return nil, fmt.Errorf("package %s has no %s in the source of this Go", path, name)
	}
	if l.src == nil {
		l.genState().pos = at.Pos()
	}
	cp, err := l.genState().item(sp, obj, nil)
	if err != nil {
		return nil, err
	}
	return &ast.Ident{NamePos: at.Pos(), Name: cp}, nil
}

// errorsIs lowers errors.Is(err, target) and errors.Unwrap(err), whose
// compiled versions see no method of a session's type (Unwrap, Is: its
// reflect shows none), into calls of copies of their source, which
// assert as the interpreter does (their assertions of compiled values
// such as *fmt.wrapError to interface{ Unwrap() error } call the value's
// methods through reflect, see asserts.go):
//
//	func($e, $t error) bool {
//		if $e == nil || $t == nil { return $e == $t }
//		return <errors.is>($e, $t, rt.Comparable($t))
//	}(err, target)
//
// errors.Is's own copy cannot be made (reflectlite is internal); the
// copies compare interfaces with rt.Equal (see expr), which sees
// through the interpreter's wrappers of its values in a compiled
// interface (interp._error). An argument of a struct type of the session
// with value methods is Unsupported (see boxedStruct): the interpreter
// keeps such a value in an error as a wrapper holding one of its fields.
func (l *lowerer) errorsIs(x *ast.CallExpr) (ast.Expr, bool) {
	fn := l.callee(unparen(x.Fun))
	if fn == nil || fn.Pkg() == nil || fn.Pkg().Path() != "errors" || x.Ellipsis.IsValid() {
		return nil, false
	}
	var result ast.Expr // the call's result type, for a refusal
	switch {
	case fn.Name() == "Is" && len(x.Args) == 2:
		result = predeclared("bool")
	case fn.Name() == "Unwrap" && len(x.Args) == 1:
		result = predeclared("error")
	default:
		return nil, false
	}
	for _, a := range x.Args {
		if t := l.typeOf(a); t != nil && l.boxedStruct(t) {
			if r := l.refusal(a, fmt.Sprintf("errors.%s with a %s: gomx cannot compare or unwrap it in an error: the interpreter keeps a struct value of a type declared in a cell or a package read from source in an error as a wrapper holding one of its fields (declare the methods of %s on *%s and use a pointer)", fn.Name(), l.typeString(t), l.typeString(t), l.typeString(t)), result); r != nil {
				return r, true
			}
			return x, true
		}
	}
	name := fn.Name()
	if name == "Is" {
		name = "is"
		if why := l.indistinctErrors(); why != "" {
			if r := l.refusal(x, "errors.Is in a session with "+why, result); r != nil {
				return r, true
			}
			return x, true
		}
	}
	if name == "Unwrap" {
		if why := l.structUnwrapperWhy(); why != "" {
			if r := l.refusal(x, "errors.Unwrap in a session with "+why, result); r != nil {
				return r, true
			}
			return x, true
		}
	}
	copyFn, err := l.stdCopy(x, "errors", name)
	if err != nil {
		l.unsupported(x, "errors.%s: gomx runs a copy of its source for the error types of cells, and cannot: %v", fn.Name(), err)
		return x, true
	}
	var out *ast.CallExpr
	if fn.Name() == "Unwrap" {
		arg := l.expr(x.Args[0])
		out = &ast.CallExpr{Fun: copyFn, Lparen: x.Lparen, Args: []ast.Expr{arg}, Rparen: x.Rparen}
		if l.inCell() {
			// func($e error) error { <refused>; return <errors.Unwrap>($e) }(err)
			e := l.temp("e")
			lit := &ast.FuncLit{
				Type: &ast.FuncType{
					Params:  &ast.FieldList{List: []*ast.Field{{Names: []*ast.Ident{e}, Type: predeclared("error")}}},
					Results: &ast.FieldList{List: []*ast.Field{{Type: predeclared("error")}}},
				},
				Body: &ast.BlockStmt{List: []ast.Stmt{
					l.refusedLater("errors.Unwrap"),
					&ast.ReturnStmt{Results: []ast.Expr{&ast.CallExpr{Fun: copyFn, Args: []ast.Expr{ast.NewIdent(e.Name)}}}},
				}},
			}
			setPos(lit, x.Pos())
			out.Fun = lit
		}
	} else {
		e, t := l.temp("e"), l.temp("t")
		id := func(v *ast.Ident) *ast.Ident { return ast.NewIdent(v.Name) }
		ret := func(r ast.Expr) ast.Stmt { return &ast.ReturnStmt{Results: []ast.Expr{r}} }
		var refused []ast.Stmt
		if l.inCell() {
			refused = append(refused, l.refusedLater("errors.Is"))
		}
		lit := &ast.FuncLit{
			Type: &ast.FuncType{
				Params:  &ast.FieldList{List: []*ast.Field{{Names: []*ast.Ident{e, t}, Type: predeclared("error")}}},
				Results: &ast.FieldList{List: []*ast.Field{{Type: predeclared("bool")}}},
			},
			Body: &ast.BlockStmt{List: append(refused,
				&ast.IfStmt{
					Cond: &ast.BinaryExpr{
						X:  &ast.BinaryExpr{X: id(e), Op: token.EQL, Y: ast.NewIdent("nil")},
						Op: token.LOR,
						Y:  &ast.BinaryExpr{X: id(t), Op: token.EQL, Y: ast.NewIdent("nil")},
					},
					Body: &ast.BlockStmt{List: []ast.Stmt{ret(&ast.BinaryExpr{X: id(e), Op: token.EQL, Y: id(t)})}},
				},
				ret(&ast.CallExpr{Fun: copyFn, Args: []ast.Expr{id(e), id(t), &ast.CallExpr{Fun: l.rt("Comparable"), Args: []ast.Expr{id(t)}}}}),
			)},
		}
		setPos(lit, x.Pos())
		out = &ast.CallExpr{Fun: lit, Lparen: x.Lparen, Args: []ast.Expr{l.expr(x.Args[0]), l.expr(x.Args[1])}, Rparen: x.Rparen}
	}
	return out, true
}

// indistinctErrors says why errors.Is cannot compare the session's
// errors, "" when it can: two error types of the session that are not
// pointers and that the interpreter keeps in an interface as the same
// type (see interpRep: type A int and type B int), or a struct error type
// with fields and value methods, which it keeps in an error as one of its
// fields (see boxedStruct: MyErr{7, 1} would equal MyErr{8, 1}).
func (l *lowerer) indistinctErrors() string {
	errIface := types.Universe.Lookup("error").Type().Underlying().(*types.Interface)
	seen := map[string]types.Type{}
	for _, t := range l.implementers(errIface) {
		if _, ok := t.(*types.Pointer); ok {
			continue
		}
		if st, ok := t.Underlying().(*types.Struct); ok && st.NumFields() > 0 {
			n := l.typeString(t)
			return fmt.Sprintf("the error type %s, a struct with value methods: the interpreter keeps a value of it in an error as a wrapper holding one of its fields, which errors.Is would compare (declare the methods of %s on *%s and use a pointer)", n, n, n)
		}
		rep := l.interpRep(t, map[*types.Named]bool{})
		if u, ok := seen[rep]; ok {
			return fmt.Sprintf("the error types %s and %s: the interpreter keeps a value of either in an error as its underlying type, so that errors.Is cannot tell them apart", l.typeString(u), l.typeString(t))
		}
		seen[rep] = t
	}
	return ""
}

// structUnwrapperWhy says why errors.Unwrap cannot unwrap the session's
// errors, "" when it can (see structUnwrapper).
func (l *lowerer) structUnwrapperWhy() string {
	t := l.structUnwrapper()
	if t == nil {
		return ""
	}
	n := l.typeString(t)
	return fmt.Sprintf("the error type %s, a struct with a value method Unwrap: the interpreter keeps a value of it in an error as a wrapper holding one of its fields, whose Unwrap gomx cannot find (declare the methods of %s on *%s and use a pointer)", n, n, n)
}

// structUnwrapper returns a struct type of the session with fields and a
// value method Unwrap() error, nil if there is none (see indistinctErrors).
func (l *lowerer) structUnwrapper() types.Type {
	errT := types.Universe.Lookup("error").Type()
	unwrap := types.NewInterfaceType([]*types.Func{types.NewFunc(token.NoPos, nil, "Unwrap", types.NewSignatureType(nil, nil, nil, nil, types.NewTuple(types.NewVar(token.NoPos, nil, "", errT)), false))}, nil).Complete()
	for _, t := range l.implementers(unwrap) {
		if st, ok := t.Underlying().(*types.Struct); ok && st.NumFields() > 0 && types.Implements(t, errT.Underlying().(*types.Interface)) {
			return t
		}
	}
	return nil
}

// vizPath is the package whose functions show values.
const vizPath = "github.com/gomx-dev/gomx/viz"

// args lowers the arguments of a call of fun (not yet lowered). A value of a session type with
// rich methods passed to viz (viz.Show, (*viz.Display).Update, …) is
// passed as its bundle: compiled code cannot call its methods. A value of
// a session type with an Error or String method passed to fmt or log is
// passed as fmt would see it (printedArg).
func (l *lowerer) args(x *ast.CallExpr, fun ast.Expr) {
	var sig *types.Signature
	fromViz := false
	if t := l.typeOf(fun); t != nil {
		sig, _ = t.Underlying().(*types.Signature)
	}
	printing := false
	if f := l.callee(fun); f != nil && f.Pkg() != nil {
		fromViz = f.Pkg().Path() == vizPath
		printing = f.Pkg().Path() == "fmt" || f.Pkg().Path() == "log"
	}
	var verbOf func(i int) (rune, bool)
	if printing && sig != nil && !x.Ellipsis.IsValid() {
		verbOf = l.printVerbs(x, sig)
	}
	// the variadic interface parameter (with methods) of a compiled
	// function: the interpreter passes a value of a session type in it
	// as its underlying value (errors.Join(codeErr(404)) panics,
	// "reflect: cannot use int as type error in Call"), but converts it
	// to the interface type in its wrapper when asked to
	var variadic types.Type
	if f := l.callee(fun); f != nil && f.Pkg() != nil && sig != nil && sig.Variadic() && !x.Ellipsis.IsValid() &&
		f.Pkg() != l.f.sessionPkg(l) && !l.interpreted(f.Pkg()) && (l.src == nil || f.Pkg() != l.src.pkg) {
		if pt := paramType(sig, sig.Params().Len()-1); pt != nil && types.IsInterface(pt) && pt.Underlying().(*types.Interface).NumMethods() > 0 && typeParamIn(pt) == nil {
			variadic = pt
		}
	}
	var typeNames map[int]bool // the %T verbs printedType lowered
	var format ast.Expr
	if verbOf != nil {
		if k := formatParam(sig); k >= 0 && k < len(x.Args) {
			format = x.Args[k]
		}
	}
	for i, a := range x.Args {
		at := l.typeOf(a)
		if verbOf != nil && at != nil {
			if verb, ok := verbOf(i); ok && verb == 'T' {
				if pt := paramType(sig, i); pt != nil && types.IsInterface(pt) {
					if name, ok := l.printedType(at); ok {
						if typeNames == nil {
							typeNames = map[int]bool{}
						}
						typeNames[i] = true
						x.Args[i] = l.typeNameArg(l.expr(a), name)
						continue
					}
				}
			}
		}
		e := l.expr(a)
		if variadic != nil && i >= sig.Params().Len()-1 && at != nil && !types.IsInterface(at) && l.sessionValue(at) {
			// func(v I) I { return v }(e): an argument of an interpreted
			// function gets the wrapper (a conversion does not)
			v := l.temp("v")
			lit := &ast.FuncLit{
				Type: &ast.FuncType{
					Params:  &ast.FieldList{List: []*ast.Field{{Names: []*ast.Ident{v}, Type: l.w.expr(variadic)}}},
					Results: &ast.FieldList{List: []*ast.Field{{Type: l.w.expr(variadic)}}},
				},
				Body: &ast.BlockStmt{List: []ast.Stmt{&ast.ReturnStmt{Results: []ast.Expr{ast.NewIdent(v.Name)}}}},
			}
			setPos(lit, e.Pos())
			e = &ast.CallExpr{Fun: lit, Lparen: e.Pos(), Args: []ast.Expr{e}, Rparen: e.Pos()}
		}
		if verbOf != nil && at != nil {
			if pt := paramType(sig, i); pt != nil && types.IsInterface(pt) {
				e = l.printedArg(e, at, verbOf, i)
			}
		}
		if fromViz && sig != nil && at != nil && !x.Ellipsis.IsValid() {
			if pt := paramType(sig, i); pt != nil && types.IsInterface(pt) {
				if ms := l.richMethods(at); len(ms) > 0 {
					e = l.richBundle(e, at, ms)
				}
			}
		}
		x.Args[i] = e
	}
	if typeNames != nil {
		l.typeVerbsToS(x, sig, format, typeNames)
	}
}

// printedArg lowers argument i, e of type t, of a fmt or log function
// whose verbs verbOf gives. The interpreter passes a value of a session
// type without its methods, or, to some functions, in a wrapper that
// prints as a struct; fmt prints it as Go would only when told how:
//
//   - for a verb that calls the Error or String method (v, s, q, x, X, and
//     w for an error), it goes through the runtime's Error or Stringer, a
//     compiled func(error) any or func(fmt.Stringer) any, to which the
//     interpreter passes a wrapper whose method fmt calls;
//   - for another verb (d, f, …), which prints the value itself, and for
//     a value whose method is its pointer's, which fmt does not call, it
//     is converted to its underlying type (a pointer to a pointer to it),
//     which has no methods to wrap;
//   - a slice, array or map of such values, for a verb that calls the
//     method, goes through printedElems;
//   - %#v, which calls neither method, prints the value itself;
//   - %T, %p, and the verbs of a format that is not a constant are left
//     as the interpreter does them.
func (l *lowerer) printedArg(e ast.Expr, t types.Type, verbOf func(int) (rune, bool), i int) ast.Expr {
	isErr := l.sessionError(t)
	verb, ok := verbOf(i)
	if !ok || verb == 'T' || verb == 'p' || verb == '*' {
		return e
	}
	pos := e.Pos()
	if !isErr && !l.sessionMethod(t, "String") {
		if strings.ContainsRune("vsqxX", verb) {
			if c := l.printedElems(e, t, verb, pos); c != nil {
				return c
			}
		}
		if _, isPtr := t.Underlying().(*types.Pointer); isPtr || !l.ownType(t) || !l.sessionMethod(types.NewPointer(t), "String") && !l.sessionError(types.NewPointer(t)) {
			return e
		}
		// the method is its pointer's: fmt does not call it on the
		// value, the interpreter's wrapper would
		return l.plainArg(e, t, pos)
	}
	if strings.ContainsRune("vsqxX", verb) || verb == 'w' && isErr {
		wrap := "Stringer"
		if isErr {
			wrap = "Error"
		}
		if _, isCall := unparen(e).(*ast.CallExpr); isCall {
			// the interpreter hands a call's result to compiled code
			// as its underlying type, without methods, unless
			// converted to its type first
			e = l.convert(e, t, pos)
		}
		return &ast.CallExpr{Fun: l.rtAt(wrap, pos), Lparen: pos, Args: []ast.Expr{e}, Rparen: pos}
	}
	if verb == 'w' || !l.ownType(t) {
		// a package's type may have fields the cell cannot write
		return e
	}
	return l.plainArg(e, t, pos)
}

// printedElems lowers e, a slice, array or map of type t printed with
// verb (v, s, q, x or X), whose elements are of a session type with an
// Error or String method, which fmt calls on each element: to a []any or
// a map[K]any of the elements as printedArg hands them over, nil
// pointers as they are (fmt prints a nil pointer whose method is its
// value's as <nil>). It returns nil when no element needs it (nor the
// elements of elements), when the keys of a map would (fmt's order of
// the keys would change), and for the bytes that s, q, x and X print as
// a string.
//
//	func($xs T) []$any { $r := []$any{}; for _, $x := range $xs { $r = append($r, rt.Stringer($x)) }; return $r }(e)
func (l *lowerer) printedElems(e ast.Expr, t types.Type, verb rune, pos token.Pos) ast.Expr {
	var elem, key types.Type
	switch u := t.Underlying().(type) {
	case *types.Slice:
		elem = u.Elem()
	case *types.Array:
		elem = u.Elem()
	case *types.Map:
		key, elem = u.Key(), u.Elem()
	default:
		return nil
	}
	if b, ok := elem.Underlying().(*types.Basic); ok && b.Kind() == types.Uint8 && key == nil && verb != 'v' {
		return nil
	}
	// each element goes through func($y E) $any { return w }($x), w
	// rt.Stringer($y), rt.Error($y) or printedElems of $y: a wrapper holds
	// the variable it was given, and a call's parameter is new (and
	// yaegi's append spreads a []any given as one element of a []any)
	x, y := l.temp("x"), l.temp("y")
	var w ast.Expr
	nilAsIs := false
	switch {
	case l.sessionError(elem) || l.sessionMethod(elem, "String"):
		wrap := "Stringer"
		if l.sessionError(elem) {
			wrap = "Error"
		}
		w = &ast.CallExpr{Fun: l.rtAt(wrap, pos), Lparen: pos, Args: []ast.Expr{ast.NewIdent(y.Name)}, Rparen: pos}
		if p, ok := elem.Underlying().(*types.Pointer); ok {
			nilAsIs = l.sessionError(p.Elem()) || l.sessionMethod(p.Elem(), "String")
		}
	default:
		w = l.printedElems(ast.NewIdent(y.Name), elem, verb, pos)
	}
	if w == nil || key != nil && (l.sessionError(key) || l.sessionMethod(key, "String") || l.printedElems(ast.NewIdent("_"), key, verb, pos) != nil) {
		return nil
	}
	conv := &ast.CallExpr{
		Fun: &ast.FuncLit{
			Type: &ast.FuncType{
				Params:  &ast.FieldList{List: []*ast.Field{{Names: []*ast.Ident{y}, Type: l.w.expr(elem)}}},
				Results: &ast.FieldList{List: []*ast.Field{{Type: predeclared("any")}}},
			},
			Body: &ast.BlockStmt{List: []ast.Stmt{&ast.ReturnStmt{Results: []ast.Expr{w}}}},
		},
		Args: []ast.Expr{ast.NewIdent(x.Name)},
	}
	xs, r, k := l.temp("xs"), l.temp("r"), ast.NewIdent("_")
	result := func() ast.Expr { return &ast.ArrayType{Elt: predeclared("any")} }
	var put ast.Stmt = assignTo(ast.NewIdent(r.Name), call(ast.NewIdent("append"), ast.NewIdent(r.Name), conv))
	var keep ast.Stmt = assignTo(ast.NewIdent(r.Name), call(ast.NewIdent("append"), ast.NewIdent(r.Name), ast.NewIdent(x.Name)))
	if key != nil {
		k = l.temp("k")
		result = func() ast.Expr { return &ast.MapType{Key: l.w.expr(key), Value: predeclared("any")} }
		put = assignTo(&ast.IndexExpr{X: ast.NewIdent(r.Name), Index: ast.NewIdent(k.Name)}, conv)
		keep = assignTo(&ast.IndexExpr{X: ast.NewIdent(r.Name), Index: ast.NewIdent(k.Name)}, ast.NewIdent(x.Name))
	}
	if nilAsIs {
		put = &ast.IfStmt{
			Cond: &ast.BinaryExpr{X: ast.NewIdent(x.Name), Op: token.EQL, Y: ast.NewIdent("nil")},
			Body: &ast.BlockStmt{List: []ast.Stmt{keep}},
			Else: &ast.BlockStmt{List: []ast.Stmt{put}},
		}
	}
	lit := &ast.FuncLit{
		Type: &ast.FuncType{
			Params:  &ast.FieldList{List: []*ast.Field{{Names: []*ast.Ident{xs}, Type: l.w.expr(t)}}},
			Results: &ast.FieldList{List: []*ast.Field{{Type: result()}}},
		},
		Body: &ast.BlockStmt{List: []ast.Stmt{
			define([]*ast.Ident{r}, &ast.CompositeLit{Type: result()}),
			&ast.RangeStmt{Key: k, Value: x, Tok: token.DEFINE, X: ast.NewIdent(xs.Name), Body: &ast.BlockStmt{List: []ast.Stmt{put}}},
			&ast.ReturnStmt{Results: []ast.Expr{ast.NewIdent(r.Name)}},
		}},
	}
	setPos(lit, pos)
	return &ast.CallExpr{Fun: lit, Lparen: pos, Args: []ast.Expr{e}, Rparen: pos}
}

// plainArg converts e, of type t, to its underlying type (a pointer to
// a pointer to it), which has no methods.
func (l *lowerer) plainArg(e ast.Expr, t types.Type, pos token.Pos) ast.Expr {
	if p, ok := t.Underlying().(*types.Pointer); ok {
		return l.convert(e, types.NewPointer(p.Elem().Underlying()), pos)
	}
	return l.convert(e, t.Underlying(), pos)
}

// convert writes the conversion (t)(e) at pos.
func (l *lowerer) convert(e ast.Expr, t types.Type, pos token.Pos) ast.Expr {
	te := l.w.expr(t)
	setPos(te, pos)
	return &ast.CallExpr{Fun: &ast.ParenExpr{Lparen: pos, X: te, Rparen: pos}, Lparen: pos, Args: []ast.Expr{e}, Rparen: pos}
}

// printVerbs returns, for a call of a fmt or log function of signature
// sig, the verb that prints argument i: v for every argument of the Print
// functions; that of the format for a Printf function whose format is a
// constant; ok is false otherwise (fmt prints a %d of an error as the
// value, a %v by its Error method).
func (l *lowerer) printVerbs(x *ast.CallExpr, sig *types.Signature) func(int) (rune, bool) {
	format := formatParam(sig)
	if format < 0 {
		return func(int) (rune, bool) { return 'v', true }
	}
	none := func(int) (rune, bool) { return 0, false }
	if format >= len(x.Args) {
		return none
	}
	tv, ok := l.info.Types[x.Args[format]]
	if !ok || tv.Value == nil || tv.Value.Kind() != constant.String {
		return none
	}
	verbs, ok := formatVerbs(constant.StringVal(tv.Value))
	if !ok {
		return none
	}
	return func(i int) (rune, bool) {
		k := i - format - 1
		if k < 0 || k >= len(verbs) {
			return 0, false
		}
		return verbs[k], true
	}
}

// formatParam returns the index of the format parameter of a fmt or log
// function of signature sig, or -1.
func formatParam(sig *types.Signature) int {
	for i := 0; i < sig.Params().Len(); i++ {
		if sig.Params().At(i).Name() == "format" {
			return i
		}
	}
	return -1
}

// formatVerbs returns the verb of each argument a Printf format takes, in
// order ('*' for a width or precision, '#' for %#v); ok is false for explicit argument
// indexes, which it does not follow.
func formatVerbs(f string) (verbs []rune, ok bool) {
	verbs, _, ok = formatVerbOffsets(f)
	return verbs, ok
}

// formatVerbOffsets is formatVerbs with the offset in f of each verb (-1
// for a '*').
func formatVerbOffsets(f string) (verbs []rune, offs []int, ok bool) {
	for i := 0; i < len(f); i++ {
		if f[i] != '%' {
			continue
		}
		i++
		sharp := false
		for i < len(f) && strings.IndexByte("+-# 0", f[i]) >= 0 {
			sharp = sharp || f[i] == '#'
			i++
		}
		for i < len(f) && (f[i] == '*' || f[i] == '.' || f[i] >= '0' && f[i] <= '9' || f[i] == '[') {
			switch f[i] {
			case '[':
				return nil, nil, false
			case '*':
				verbs = append(verbs, '*')
				offs = append(offs, -1)
			}
			i++
		}
		if i >= len(f) {
			break
		}
		if f[i] == '%' {
			continue
		}
		r, n := utf8.DecodeRuneInString(f[i:])
		if r == 'v' && sharp {
			r = '#' // %#v: Go syntax, by GoString, never String or Error
		}
		verbs = append(verbs, r)
		offs = append(offs, i)
		i += n - 1
	}
	return verbs, offs, true
}

// panicText lowers panic(x) of a value of a session type with an Error
// or String method, which the runtime prints by that method (Go's
// printpanicval): the session cannot call it on the value the panic
// carries, so the statement first hands the runtime the value and the
// method's wrapper (see sessionError), and the value itself is what the
// panic carries and recover returns:
//
//	{ p := x; at := $at; rt.PanicText(p, rt.Error(p)); $at = at; panic(p) }
func (l *lowerer) panicText(s *ast.ExprStmt) []ast.Stmt {
	c, ok := unparen(s.X).(*ast.CallExpr)
	if !ok || len(c.Args) != 1 || !l.isBuiltin(unparen(c.Fun)) || unparen(c.Fun).(*ast.Ident).Name != "panic" {
		return nil
	}
	at := l.typeOf(c.Args[0])
	wrap := ""
	switch {
	case l.sessionError(at):
		wrap = "Error"
	case l.sessionMethod(at, "String"):
		wrap = "Stringer"
	default:
		return nil
	}
	pos := c.Pos()
	p := l.temp("pv") // not "p": $p0, $p1, … name the imports
	text := &ast.CallExpr{Fun: l.rtAt("PanicText", pos), Args: []ast.Expr{
		ast.NewIdent(p.Name),
		&ast.CallExpr{Fun: l.rtAt(wrap, pos), Args: []ast.Expr{ast.NewIdent(p.Name)}},
	}}
	value := l.expr(c.Args[0])
	c.Args[0] = ast.NewIdent(p.Name)
	list := []ast.Stmt{define([]*ast.Ident{p}, value), &ast.ExprStmt{X: text}, s}
	if tv := l.f.cfg.TagVar; tv != "" {
		// the method's statements set the tag: the panic's is kept
		saved := l.temp("at")
		list = []ast.Stmt{list[0], define([]*ast.Ident{saved}, ast.NewIdent(tv)), list[1], assignTo(ast.NewIdent(tv), ast.NewIdent(saved.Name)), s}
	}
	b := &ast.BlockStmt{Lbrace: pos, List: list}
	setPos(b, pos)
	return []ast.Stmt{b}
}

// sessionMethod reports whether t is a type of the session's or of a
// package interpreted from source (or a pointer to one), not an
// interface, whose method set has a method name() string: compiled code
// cannot call it on the interpreter's value.
func (l *lowerer) sessionMethod(t types.Type, name string) bool {
	if t == nil || types.IsInterface(t) {
		return false
	}
	base := t
	if p, ok := t.(*types.Pointer); ok {
		base = p.Elem()
	}
	n, ok := types.Unalias(base).(*types.Named)
	if !ok || n.Obj().Pkg() == nil || n.Obj().Pkg() != l.pkg && !l.interpreted(n.Obj().Pkg()) {
		return false
	}
	sel := types.NewMethodSet(t).Lookup(l.pkg, name)
	if sel == nil {
		return false
	}
	sig := sel.Obj().Type().(*types.Signature)
	return sig.Params().Len() == 0 && sig.Results().Len() == 1 && types.Identical(sig.Results().At(0).Type(), types.Typ[types.String])
}

// sessionError reports whether t is a type of the session's or of a
// package interpreted from source (or a pointer to one), not an
// interface, that is an error.
func (l *lowerer) sessionError(t types.Type) bool { return l.sessionMethod(t, "Error") }

// interpreted reports whether p is a package the interpreter runs from
// source (Config.Interpreted).
func (l *lowerer) interpreted(p *types.Package) bool {
	return l.f.cfg.Interpreted != nil && l.f.cfg.Interpreted(p.Path())
}

// sessionValue reports whether t, or the type it points to, is a named
// type of the session or of a package read from source.
func (l *lowerer) sessionValue(t types.Type) bool {
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	n, ok := types.Unalias(t).(*types.Named)
	return ok && n.Obj().Pkg() != nil && (n.Obj().Pkg() == l.f.sessionPkg(l) || l.interpreted(n.Obj().Pkg()))
}

// ownType reports whether t, or the type it points to, is declared in the
// session: the lowered code can write its underlying type.
func (l *lowerer) ownType(t types.Type) bool {
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	n, ok := types.Unalias(t).(*types.Named)
	return ok && n.Obj().Pkg() == l.pkg
}

// callee returns the function or method a call calls, if it is one.
func (l *lowerer) callee(fun ast.Expr) *types.Func { return calleeFunc(l.info, fun) }

// calleeFunc is the function or method that fun names, if any.
func calleeFunc(info *types.Info, fun ast.Expr) *types.Func {
	switch f := unparen(fun).(type) {
	case *ast.Ident:
		fn, _ := info.Uses[f].(*types.Func)
		return fn
	case *ast.SelectorExpr:
		fn, _ := info.Uses[f.Sel].(*types.Func)
		return fn
	}
	return nil
}

// paramType returns the type of the parameter that argument i fills.
func paramType(sig *types.Signature, i int) types.Type {
	n := sig.Params().Len()
	switch {
	case sig.Variadic() && i >= n-1:
		return sig.Params().At(n - 1).Type().(*types.Slice).Elem()
	case i < n:
		return sig.Params().At(i).Type()
	}
	return nil
}

// richBundle returns the bundle of value e of type t, made by its rich
// methods ms: func(v T) Bundle { return Rich(v, …) }(e).
func (l *lowerer) richBundle(e ast.Expr, t types.Type, ms []string) ast.Expr {
	bundle := l.bundleType()
	if bundle == nil {
		return e
	}
	pos := e.Pos()
	v := l.temp("v")
	fl := &ast.FuncLit{
		Type: &ast.FuncType{
			Params:  &ast.FieldList{List: []*ast.Field{{Names: []*ast.Ident{v}, Type: l.w.expr(t)}}},
			Results: &ast.FieldList{List: []*ast.Field{{Type: l.w.expr(bundle)}}},
		},
		Body: &ast.BlockStmt{List: []ast.Stmt{&ast.ReturnStmt{Results: []ast.Expr{l.richCall(ast.NewIdent(v.Name), ms, pos, "Rich")}}}},
	}
	out := &ast.CallExpr{Fun: fl, Args: []ast.Expr{e}}
	setPos(out, pos)
	return out
}

// bundleType returns display.Bundle.
func (l *lowerer) bundleType() types.Type {
	p, err := l.f.cfg.Importer.Import("github.com/gomx-dev/gomx/display")
	if err != nil {
		return nil
	}
	tn, ok := p.Scope().Lookup("Bundle").(*types.TypeName)
	if !ok {
		return nil
	}
	return tn.Type()
}

func unparen(e ast.Expr) ast.Expr {
	for {
		p, ok := e.(*ast.ParenExpr)
		if !ok {
			return e
		}
		e = p.X
	}
}

// instance returns the instantiation of the generic function that fun
// (a name, a qualified name, or an explicit instantiation of either)
// refers to.
func (l *lowerer) instance(fun ast.Expr) (types.Instance, bool) {
	var id *ast.Ident
	switch f := unparen(fun).(type) {
	case *ast.Ident:
		id = f
	case *ast.SelectorExpr:
		id = f.Sel
	case *ast.IndexExpr:
		return l.instance(f.X)
	case *ast.IndexListExpr:
		return l.instance(f.X)
	default:
		return types.Instance{}, false
	}
	inst, ok := l.info.Instances[id]
	if !ok {
		return inst, false
	}
	if _, isFunc := l.info.Uses[id].(*types.Func); !isFunc {
		return inst, false
	}
	return inst, true
}

// instantiate writes the generic function fun with all its type
// arguments.
func (l *lowerer) instantiate(fun ast.Expr, inst types.Instance) ast.Expr {
	base := unparen(fun)
	for {
		switch b := base.(type) {
		case *ast.IndexExpr:
			base = unparen(b.X)
			continue
		case *ast.IndexListExpr:
			base = unparen(b.X)
			continue
		}
		break
	}
	pos := base.Pos()
	var x ast.Expr
	if fn := l.callee(base); fn != nil && fn.Pkg() != nil && (fn.Pkg() != l.pkg || l.src != nil) {
		// a generic function of a compiled package, or of the source
		// package a copy is made of (see generic.go)
		var targs []types.Type
		for i := 0; i < inst.TypeArgs.Len(); i++ {
			targs = append(targs, inst.TypeArgs.At(i))
		}
		if e, ok := l.genericCall(base, fn, targs); ok {
			return e
		}
		return fun
	}
	switch b := base.(type) {
	case *ast.Ident:
		x = l.identNoInst(b)
	case *ast.SelectorExpr:
		x = l.selector(b)
	}
	var idx []ast.Expr
	for i := 0; i < inst.TypeArgs.Len(); i++ {
		t := l.w.expr(inst.TypeArgs.At(i))
		setPos(t, pos)
		idx = append(idx, t)
	}
	if len(idx) == 1 {
		return &ast.IndexExpr{X: x, Lbrack: pos, Index: idx[0], Rbrack: pos}
	}
	return &ast.IndexListExpr{X: x, Lbrack: pos, Indices: idx, Rbrack: pos}
}

// builtin lowers a call of a builtin function.
func (l *lowerer) builtin(x *ast.CallExpr, b *types.Builtin) ast.Expr {
	switch b.Name() {
	case "new":
		if !l.isType(x.Args[0]) {
			return l.newExpr(x)
		}
		x.Args[0] = l.typeExpr(x.Args[0])
		return x
	case "make":
		return l.makeCall(x)
	case "print", "println":
		for i, a := range x.Args {
			x.Args[i] = l.expr(a)
		}
		name := "Print"
		if b.Name() == "println" {
			name = "Println"
		}
		return &ast.CallExpr{Fun: l.rtAt(name, x.Pos()), Lparen: x.Lparen, Args: x.Args, Rparen: x.Rparen}
	case "min", "max":
		return l.minMax(x, b.Name())
	case "clear":
		x.Args[0] = l.expr(x.Args[0])
		return &ast.CallExpr{Fun: l.rtAt("Clear", x.Pos()), Lparen: x.Lparen, Args: x.Args, Rparen: x.Rparen}
	case "len", "cap":
		// len and cap of a pointer to an array are the array's length,
		// without dereferencing (a nil pointer too); the pointer is
		// still evaluated (constant cases are literals already)
		if t := l.typeOf(x.Args[0]); t != nil {
			if pt, ok := t.Underlying().(*types.Pointer); ok {
				if at, ok := pt.Elem().Underlying().(*types.Array); ok {
					n := &ast.BasicLit{Kind: token.INT, Value: strconv.FormatInt(at.Len(), 10)}
					setPos(n, x.Pos())
					return &ast.CallExpr{Fun: l.rtAt("ArrayLen", x.Pos()), Lparen: x.Lparen, Args: []ast.Expr{l.expr(x.Args[0]), n}, Rparen: x.Rparen}
				}
			}
		}
	case "recover":
		// what the interpreter recovers, in Go's terms (runtime errors
		// with Go's messages, values unwrapped)
		return &ast.CallExpr{Fun: l.rtAt("Recovered", x.Pos()), Lparen: x.Lparen, Args: []ast.Expr{x}, Rparen: x.Rparen}
	}
	for i, a := range x.Args {
		x.Args[i] = l.expr(a)
	}
	return x
}

// makeCall lowers make. The interpreter makes a slice with
// reflect.MakeSlice, which cannot tell a length from a capacity out of
// range when the allocation is too large; make(T, n, m) and make(T, n) of
// a slice type check their arguments as Go's makeslice does first, and
// the memory limit's headroom, when n is a constant or a name (it is
// evaluated twice).
func (l *lowerer) makeCall(x *ast.CallExpr) ast.Expr {
	t := l.typeOf(x.Args[0])
	pure := len(x.Args) >= 2 && l.constOrVar(x.Args[1])
	x.Args[0] = l.typeExpr(x.Args[0])
	for i := 1; i < len(x.Args); i++ {
		x.Args[i] = l.expr(x.Args[i])
	}
	if st, ok := t.Underlying().(*types.Slice); ok && pure && !hasTypeParam(st.Elem()) {
		if n := copyExpr(x.Args[1]); n != nil {
			if len(x.Args) == 2 {
				// make([]E, n) is make([]E, n, n), so that the
				// runtime checks n and the memory limit first
				x.Args = append(x.Args, copyExpr(x.Args[1]))
			}
			m := x.Args[2]
			size := &ast.BasicLit{Kind: token.INT, Value: strconv.FormatInt(gcSizes.Sizeof(st.Elem()), 10)}
			setPos(size, m.Pos())
			x.Args[2] = &ast.CallExpr{Fun: l.rtAt("MakeCap", m.Pos()), Args: []ast.Expr{n, m, size}}
		}
	}
	return x
}

// hasTypeParam reports whether t's size depends on a type parameter.
func hasTypeParam(t types.Type) bool {
	switch t := t.(type) {
	case *types.TypeParam:
		return true
	case *types.Named:
		for i := range t.TypeArgs().Len() {
			if hasTypeParam(t.TypeArgs().At(i)) {
				return true
			}
		}
	case *types.Alias:
		return hasTypeParam(types.Unalias(t))
	case *types.Array:
		return hasTypeParam(t.Elem())
	case *types.Struct:
		for i := range t.NumFields() {
			if hasTypeParam(t.Field(i).Type()) {
				return true
			}
		}
	}
	return false
}

// constOrVar reports whether e is a constant or a variable's name.
func (l *lowerer) constOrVar(e ast.Expr) bool {
	if tv, ok := l.info.Types[e]; ok && tv.Value != nil {
		return true
	}
	id, ok := unparen(e).(*ast.Ident)
	if !ok {
		return false
	}
	_, ok = l.info.Uses[id].(*types.Var)
	return ok
}

// copyExpr returns a copy of the lowered form of a constant or a name: a
// name, a literal, or a conversion or selector of such (nil otherwise).
func copyExpr(e ast.Expr) ast.Expr {
	switch x := e.(type) {
	case *ast.Ident:
		c := *x
		return &c
	case *ast.BasicLit:
		c := *x
		return &c
	case *ast.SelectorExpr:
		if id, ok := x.X.(*ast.Ident); ok {
			c, cid, sel := *x, *id, *x.Sel
			c.X, c.Sel = &cid, &sel
			return &c
		}
	case *ast.CallExpr:
		if len(x.Args) != 1 {
			return nil
		}
		fun, arg := copyExpr(x.Fun), copyExpr(x.Args[0])
		if fun == nil || arg == nil {
			return nil
		}
		c := *x
		c.Fun, c.Args = fun, []ast.Expr{arg}
		return &c
	}
	return nil
}

// rtAt is rt(name) positioned at p.
func (l *lowerer) rtAt(name string, p token.Pos) ast.Expr {
	e := l.rt(name)
	setPos(e, p)
	return e
}

// minMax calls the runtime's min or max of the arguments' basic type,
// converting to and from a named type.
func (l *lowerer) minMax(x *ast.CallExpr, name string) ast.Expr {
	t := l.typeOf(x)
	if tp, ok := t.(*types.TypeParam); ok {
		return l.minMaxParam(x, name, tp)
	}
	basic, ok := t.Underlying().(*types.Basic)
	if !ok || basic.Info()&types.IsOrdered == 0 {
		l.unsupported(x, "%s of %s", name, t)
		return x
	}
	bt := types.Typ[basic.Kind()]
	if basic.Info()&types.IsUntyped != 0 {
		bt = types.Default(basic).(*types.Basic)
	}
	fn := "Min_"
	if name == "max" {
		fn = "Max_"
	}
	args := make([]ast.Expr, len(x.Args))
	for i, a := range x.Args {
		at := l.typeOf(a)
		e := l.expr(a)
		if at != nil && !types.Identical(at, bt) {
			e = &ast.CallExpr{Fun: l.w.expr(bt), Args: []ast.Expr{e}}
			setPos(e, a.Pos())
		}
		args[i] = e
	}
	var out ast.Expr = &ast.CallExpr{Fun: l.rtAt(fn+bt.Name(), x.Pos()), Lparen: x.Lparen, Args: args, Rparen: x.Rparen}
	if !types.Identical(t, bt) && basic.Info()&types.IsUntyped == 0 {
		out = &ast.CallExpr{Fun: l.w.expr(t), Args: []ast.Expr{out}}
		setPos(out, x.Pos())
	}
	return out
}

// newExpr lowers new(expr): a function literal that returns the address
// of its parameter, called with expr.
func (l *lowerer) newExpr(x *ast.CallExpr) ast.Expr {
	t := l.typeOf(x.Args[0])
	if b, ok := t.(*types.Basic); ok && b.Info()&types.IsUntyped != 0 {
		t = types.Default(t)
	}
	arg := l.expr(x.Args[0])
	p := l.temp("v")
	fl := &ast.FuncLit{
		Type: &ast.FuncType{
			Params:  &ast.FieldList{List: []*ast.Field{{Names: []*ast.Ident{p}, Type: l.w.expr(t)}}},
			Results: &ast.FieldList{List: []*ast.Field{{Type: &ast.StarExpr{X: l.w.expr(t)}}}},
		},
		Body: &ast.BlockStmt{List: []ast.Stmt{&ast.ReturnStmt{Results: []ast.Expr{&ast.UnaryExpr{Op: token.AND, X: ast.NewIdent(p.Name)}}}}},
	}
	out := &ast.CallExpr{Fun: fl, Args: []ast.Expr{arg}}
	setPos(out, x.Pos())
	return out
}

// identNoInst lowers an identifier without instantiating it.
func (l *lowerer) identNoInst(id *ast.Ident) ast.Expr {
	return l.ident(id)
}

// methodExpr lowers T.M used as a value: func(r T, args) results { return
// r.M(args) }.
func (l *lowerer) methodExpr(x *ast.SelectorExpr, sel *types.Selection) ast.Expr {
	sig := l.typeOf(x).(*types.Signature)
	fields, args := l.params(sig)
	recv, args := args[0], args[1:]
	c := &ast.CallExpr{Fun: &ast.SelectorExpr{X: recv, Sel: ast.NewIdent(x.Sel.Name)}, Args: args}
	if sig.Variadic() && len(args) > 0 {
		c.Ellipsis = x.Pos()
	}
	fl := &ast.FuncLit{Type: &ast.FuncType{Params: &ast.FieldList{List: fields}, Results: l.w.fields(sig.Results(), false)}, Body: &ast.BlockStmt{}}
	if sig.Results().Len() > 0 {
		fl.Body.List = []ast.Stmt{&ast.ReturnStmt{Results: []ast.Expr{c}}}
	} else {
		fl.Body.List = []ast.Stmt{&ast.ExprStmt{X: c}}
	}
	setPos(fl, x.Pos())
	return fl
}

// methodValue lowers x.M used as a value: the receiver is evaluated now
// and bound, func(r R) func(args) results { return func(args) results {
// return r.M(args) } }(x).
func (l *lowerer) methodValue(x *ast.SelectorExpr, sel *types.Selection) ast.Expr {
	sig := l.typeOf(x).(*types.Signature)
	m := sel.Obj().(*types.Func)
	msig := m.Type().(*types.Signature)
	rt := l.typeOf(x.X)
	recv := l.expr(x.X)
	// a method promoted from embedded fields: the fields are selected
	// now (a nil pointer on the way panics now, as in Go)
	path := sel.Index()
	for _, i := range path[:len(path)-1] {
		st := rt.Underlying()
		if p, ok := st.(*types.Pointer); ok {
			st = p.Elem().Underlying()
		}
		f := st.(*types.Struct).Field(i)
		recv = &ast.SelectorExpr{X: recv, Sel: ast.NewIdent(f.Name())}
		rt = f.Type()
	}
	if msig.Recv() != nil {
		_, ptrRecv := msig.Recv().Type().(*types.Pointer)
		_, isPtr := rt.Underlying().(*types.Pointer)
		_, isIface := rt.Underlying().(*types.Interface)
		switch {
		case isIface:
		case ptrRecv && !isPtr:
			recv = &ast.UnaryExpr{Op: token.AND, X: recv}
			rt = types.NewPointer(rt)
		case !ptrRecv && isPtr:
			// the value is copied when the method value is made: a nil
			// pointer panics then
			recv = &ast.CallExpr{Fun: l.rt("Deref"), Args: []ast.Expr{recv}}
			recv = &ast.TypeAssertExpr{X: recv, Type: l.w.expr(rt.Underlying().(*types.Pointer).Elem())}
			rt = rt.Underlying().(*types.Pointer).Elem()
		}
	}
	r := l.temp("r")
	fields, args := l.params(sig)
	c := &ast.CallExpr{Fun: &ast.SelectorExpr{X: ast.NewIdent(r.Name), Sel: ast.NewIdent(x.Sel.Name)}, Args: args}
	if sig.Variadic() {
		c.Ellipsis = x.Pos()
	}
	inner := &ast.FuncLit{Type: &ast.FuncType{Params: &ast.FieldList{List: fields}, Results: l.w.fields(sig.Results(), false)}, Body: &ast.BlockStmt{}}
	if sig.Results().Len() > 0 {
		inner.Body.List = []ast.Stmt{&ast.ReturnStmt{Results: []ast.Expr{c}}}
	} else {
		inner.Body.List = []ast.Stmt{&ast.ExprStmt{X: c}}
	}
	outer := &ast.FuncLit{
		Type: &ast.FuncType{
			Params:  &ast.FieldList{List: []*ast.Field{{Names: []*ast.Ident{r}, Type: l.w.expr(rt)}}},
			Results: &ast.FieldList{List: []*ast.Field{{Type: l.w.funcType(sig)}}},
		},
		Body: &ast.BlockStmt{List: []ast.Stmt{&ast.ReturnStmt{Results: []ast.Expr{inner}}}},
	}
	if types.IsInterface(rt) {
		// a method value of a nil interface panics when it is made
		outer.Body.List = append([]ast.Stmt{&ast.IfStmt{
			Cond: &ast.CallExpr{Fun: l.rt("IsNil"), Args: []ast.Expr{ast.NewIdent(r.Name)}},
			Body: &ast.BlockStmt{List: []ast.Stmt{&ast.ExprStmt{X: &ast.CallExpr{Fun: l.rt("Panic"), Args: []ast.Expr{l.runtimeError("invalid memory address or nil pointer dereference")}}}}},
		}}, outer.Body.List...)
	}
	out := &ast.CallExpr{Fun: outer, Args: []ast.Expr{recv}}
	setPos(out, x.Pos())
	return out
}

// typeArgList writes type arguments as [T1, T2].
func typeArgList(targs []types.Type) string {
	var b strings.Builder
	b.WriteByte('[')
	for i, t := range targs {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(types.TypeString(t, func(p *types.Package) string { return p.Name() }))
	}
	b.WriteByte(']')
	return b.String()
}

// params returns the parameter list of a function literal of signature
// sig, with fresh names, and those names as arguments.
func (l *lowerer) params(sig *types.Signature) (fields []*ast.Field, args []ast.Expr) {
	params := sig.Params()
	for i := 0; i < params.Len(); i++ {
		p := l.temp("a")
		var te ast.Expr
		if sig.Variadic() && i == params.Len()-1 {
			te = &ast.Ellipsis{Elt: l.w.expr(params.At(i).Type().(*types.Slice).Elem())}
		} else {
			te = l.w.expr(params.At(i).Type())
		}
		fields = append(fields, &ast.Field{Names: []*ast.Ident{p}, Type: te})
		args = append(args, ast.NewIdent(p.Name))
	}
	return fields, args
}
