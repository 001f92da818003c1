package front

import (
	"go/ast"
	"go/token"
	"go/types"
)

// Pass consts: every constant expression becomes a literal of its type,
// computed exactly by go/types. This fixes what the interpreter gets wrong
// about constants: untyped float arithmetic (1.5 * math.Pi), typed iota
// blocks, huge untyped intermediates, shifts of untyped constants whose
// type comes from context (x << (1. << s)).

// constant replaces constant expression e, whose type and value are tv.
func (l *lowerer) constant(e ast.Expr, tv types.TypeAndValue) ast.Expr {
	t := tv.Type
	if b, ok := t.(*types.Basic); ok && b.Info()&types.IsUntyped != 0 {
		// a constant left untyped by its context (an expression
		// statement, a shift count) has its default type's value
		t = types.Default(t)
	}
	lit := l.w.constExpr(tv.Value, t)
	if alias := l.shadowedType(t, e.Pos()); alias != "" {
		// its type's name is a local name here (for i, index := range
		// indexes { … index < runeSkipStart }): converted through an
		// alias the package declares
		lit = &ast.CallExpr{Fun: ast.NewIdent(alias), Args: []ast.Expr{l.w.constExpr(tv.Value, underlyingBasic(t))}}
	}
	setPos(lit, e.Pos())
	return lit
}

// shadowedType returns, in a package read from source, the name of an
// alias of t when t is a type of the package whose name another
// declaration hides at pos; "" otherwise.
func (l *lowerer) shadowedType(t types.Type, pos token.Pos) string {
	n, ok := types.Unalias(t).(*types.Named)
	if !l.whole || !ok || n.Obj().Pkg() != l.pkg || n.Obj().Parent() != l.pkg.Scope() {
		return ""
	}
	inner := l.pkg.Scope().Innermost(pos)
	if inner == nil {
		return ""
	}
	if _, obj := inner.LookupParent(n.Obj().Name(), pos); obj == n.Obj() {
		return ""
	}
	name := "$T_" + n.Obj().Name()
	l.f.typeAliases[name] = n.Obj()
	return name
}

// setPos gives the nodes of a generated expression that have no position
// the position p, so that the interpreter's messages about them point at
// the user's code.
func setPos(n ast.Node, p token.Pos) {
	if !p.IsValid() {
		return
	}
	ast.Inspect(n, func(n ast.Node) bool {
		setOwnPos(n, p)
		return true
	})
}

// fillPositions gives every node under root that lacks a position the
// position of its nearest ancestor that has one (fallback at the top). The
// interpreter needs them: it finds a name's file, and so the file's
// imports, from the name's position.
func fillPositions(root ast.Node, fallback token.Pos) {
	stack := []token.Pos{fallback}
	ast.Inspect(root, func(n ast.Node) bool {
		if n == nil {
			stack = stack[:len(stack)-1]
			return true
		}
		top := stack[len(stack)-1]
		setOwnPos(n, top)
		p := n.Pos()
		if !p.IsValid() {
			p = top
		}
		stack = append(stack, p)
		return true
	})
}

// setOwnPos sets the missing position fields of n itself to p.
func setOwnPos(n ast.Node, p token.Pos) {
	{
		switch x := n.(type) {
		case *ast.Ident:
			if !x.NamePos.IsValid() {
				x.NamePos = p
			}
		case *ast.BasicLit:
			if !x.ValuePos.IsValid() {
				x.ValuePos = p
			}
		case *ast.CallExpr:
			if !x.Lparen.IsValid() {
				x.Lparen = p
			}
			if !x.Rparen.IsValid() {
				x.Rparen = p
			}
		case *ast.SelectorExpr, *ast.ParenExpr:
		case *ast.UnaryExpr:
			if !x.OpPos.IsValid() {
				x.OpPos = p
			}
		case *ast.BinaryExpr:
			if !x.OpPos.IsValid() {
				x.OpPos = p
			}
		case *ast.StarExpr:
			if !x.Star.IsValid() {
				x.Star = p
			}
		case *ast.CompositeLit:
			if !x.Lbrace.IsValid() {
				x.Lbrace, x.Rbrace = p, p
			}
		case *ast.FuncLit:
			if !x.Type.Func.IsValid() {
				x.Type.Func = p
			}
		case *ast.BlockStmt:
			if !x.Lbrace.IsValid() {
				x.Lbrace, x.Rbrace = p, p
			}
		case *ast.AssignStmt:
			if !x.TokPos.IsValid() {
				x.TokPos = p
			}
		case *ast.ReturnStmt:
			if !x.Return.IsValid() {
				x.Return = p
			}
		case *ast.IfStmt:
			if !x.If.IsValid() {
				x.If = p
			}
		case *ast.ForStmt:
			if !x.For.IsValid() {
				x.For = p
			}
		case *ast.DeferStmt:
			if !x.Defer.IsValid() {
				x.Defer = p
			}
		case *ast.GoStmt:
			if !x.Go.IsValid() {
				x.Go = p
			}
		case *ast.BranchStmt:
			if !x.TokPos.IsValid() {
				x.TokPos = p
			}
		case *ast.IndexExpr:
			if !x.Lbrack.IsValid() {
				x.Lbrack, x.Rbrack = p, p
			}
		case *ast.IncDecStmt:
			if !x.TokPos.IsValid() {
				x.TokPos = p
			}
		case *ast.ArrayType:
			if !x.Lbrack.IsValid() {
				x.Lbrack = p
			}
		case *ast.FuncType:
			if !x.Func.IsValid() {
				x.Func = p
			}
		case *ast.FieldList:
			if !x.Opening.IsValid() {
				x.Opening, x.Closing = p, p
			}
		case *ast.GenDecl:
			if !x.TokPos.IsValid() {
				x.TokPos = p
			}
		case *ast.FuncDecl:
			if x.Type != nil && !x.Type.Func.IsValid() {
				x.Type.Func = p
			}
		case *ast.StructType:
			if !x.Struct.IsValid() {
				x.Struct = p
			}
		case *ast.InterfaceType:
			if !x.Interface.IsValid() {
				x.Interface = p
			}
		case *ast.MapType:
			if !x.Map.IsValid() {
				x.Map = p
			}
		case *ast.ChanType:
			if !x.Begin.IsValid() {
				x.Begin = p
			}
		case *ast.Ellipsis:
			if !x.Ellipsis.IsValid() {
				x.Ellipsis = p
			}
		case *ast.TypeSpec:
			if x.Assign != 0 && !x.Assign.IsValid() {
				x.Assign = p
			}
		case *ast.ExprStmt, *ast.KeyValueExpr, *ast.ValueSpec, *ast.Field, *ast.ImportSpec:
		case *ast.SliceExpr:
			if !x.Lbrack.IsValid() {
				x.Lbrack, x.Rbrack = p, p
			}
		case *ast.IndexListExpr:
			if !x.Lbrack.IsValid() {
				x.Lbrack, x.Rbrack = p, p
			}
		case *ast.TypeAssertExpr:
			if !x.Lparen.IsValid() {
				x.Lparen, x.Rparen = p, p
			}
		case *ast.LabeledStmt:
			if !x.Colon.IsValid() {
				x.Colon = p
			}
		case *ast.SwitchStmt:
			if !x.Switch.IsValid() {
				x.Switch = p
			}
		case *ast.TypeSwitchStmt:
			if !x.Switch.IsValid() {
				x.Switch = p
			}
		case *ast.SelectStmt:
			if !x.Select.IsValid() {
				x.Select = p
			}
		case *ast.CaseClause:
			if !x.Case.IsValid() {
				x.Case, x.Colon = p, p
			}
		case *ast.CommClause:
			if !x.Case.IsValid() {
				x.Case, x.Colon = p, p
			}
		case *ast.RangeStmt:
			if !x.For.IsValid() {
				x.For = p
			}
		case *ast.SendStmt:
			if !x.Arrow.IsValid() {
				x.Arrow = p
			}
		case *ast.DeclStmt, *ast.EmptyStmt:
		}
	}
}
