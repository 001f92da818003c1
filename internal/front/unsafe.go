package front

import (
	"go/ast"
	"go/types"
)

// unsafeCall lowers a call of a function of package unsafe. Sizeof,
// Alignof and Offsetof are constants (consts.go writes them as literals);
// the interpreter's table has Add, taking an int; String, StringData,
// Slice and SliceData, whose types depend on their arguments', call the
// runtime's UnsafeString, UnsafeStringData, UnsafeSlice and
// UnsafeSliceData, the last two with the result asserted to its type.
// Lengths go to the runtime as int64, which holds every length Go
// accepts, so that it checks them as Go does.
func (l *lowerer) unsafeCall(x *ast.CallExpr, b *types.Builtin) ast.Expr {
	for i, a := range x.Args {
		x.Args[i] = l.expr(a)
	}
	pos := x.Pos()
	call := func(fn string, args ...ast.Expr) *ast.CallExpr {
		return &ast.CallExpr{Fun: l.rtAt(fn, pos), Lparen: x.Lparen, Args: args, Rparen: x.Rparen}
	}
	assert := func(e ast.Expr) ast.Expr {
		t := l.w.expr(l.typeOf(x))
		setPos(t, pos)
		return &ast.TypeAssertExpr{X: e, Lparen: pos, Type: t, Rparen: pos}
	}
	switch b.Name() {
	case "Add":
		x.Args[1] = l.convert(x.Args[1], types.Typ[types.Int], pos)
		x.Fun = l.expr(x.Fun)
		return x
	case "String":
		return call("UnsafeString", x.Args[0], l.convert(x.Args[1], types.Typ[types.Int64], pos))
	case "StringData":
		return call("UnsafeStringData", x.Args[0])
	case "Slice":
		return assert(call("UnsafeSlice", x.Args[0], l.convert(x.Args[1], types.Typ[types.Int64], pos)))
	case "SliceData":
		return assert(call("UnsafeSliceData", x.Args[0]))
	}
	l.unsupported(x, "unsafe.%s", b.Name())
	return x
}
