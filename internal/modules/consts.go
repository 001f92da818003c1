package modules

import (
	"go/ast"
	"go/token"
	"go/types"
	"strings"
)

// foreignConsts replaces each constant expression outside constant
// declarations that uses a constant of another package (math.MaxFloat64)
// by a literal of its value and type: the interpreter's tables give a
// compiled package's constants types of their own, on which its constant
// arithmetic goes wrong (0.0 - math.MaxFloat64: "mismatched types untyped
// float and untyped float64"). Constant declarations keep their text (a
// later spec repeats it implicitly, with iota); a value that has no exact
// literal (math.Pi) or a type that cannot be named stays as it is. The
// literal keeps the expression's line breaks, after its opening
// parenthesis.
func foreignConsts(tf *token.File, f *ast.File, info *types.Info, pkg *types.Package) []edit {
	var edits []edit
	ast.Inspect(f, func(n ast.Node) bool {
		if g, ok := n.(*ast.GenDecl); ok && g.Tok == token.CONST {
			return false
		}
		e, ok := n.(ast.Expr)
		if !ok {
			return true
		}
		tv, ok := info.Types[e]
		if !ok || tv.Value == nil || !usesForeignConst(info, e, pkg) {
			return true
		}
		text, ok := constText(tv)
		if !ok {
			return true
		}
		if basic, isBasic := tv.Type.(*types.Basic); !isBasic || basic.Info()&types.IsUntyped == 0 {
			name, ok := typeName(tv.Type, pkg, f, e.Pos())
			if !ok {
				return true
			}
			text = name + "(" + text + ")"
		}
		lines := tf.Line(e.End()) - tf.Line(e.Pos())
		edits = append(edits, edit{tf.Offset(e.Pos()), tf.Offset(e.End()), "(" + strings.Repeat("\n", lines) + text + ")"})
		return false
	})
	return edits
}

// usesForeignConst reports whether e names a constant of another package.
func usesForeignConst(info *types.Info, e ast.Expr, pkg *types.Package) bool {
	found := false
	ast.Inspect(e, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok {
			if c, ok := info.Uses[id].(*types.Const); ok && c.Pkg() != nil && c.Pkg() != pkg {
				found = true
			}
		}
		return !found
	})
	return found
}
