package modules

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"math"
	"sort"
	"strconv"
	"strings"
)

// builtinFile is the name of the file of the helper functions lowered
// module code calls: those that replace the builtins min and max (Go
// 1.21), which the interpreter lacks, and those of type assertions
// (asserts.go).
const builtinFile = "zzgomxbuiltins.go"

// minMax replaces the calls of the builtins min and max in f: a constant
// call by its value, another by a call of a function of builtinFile for
// its type, recorded in helpers (type name → its kind). A call of a type
// that cannot be named in the package (another package's, a function's
// own) is left as it is: the interpreter then fails on it, naming the
// package.
func minMax(tf *token.File, f *ast.File, info *types.Info, pkg *types.Package, helpers map[string]*types.Basic) []edit {
	var edits []edit
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		id, ok := ast.Unparen(call.Fun).(*ast.Ident)
		if !ok {
			return true
		}
		b, ok := info.Uses[id].(*types.Builtin)
		if !ok || (b.Name() != "min" && b.Name() != "max") {
			return true
		}
		tv := info.Types[call]
		if tv.Value != nil {
			// a constant: its value, of its type
			text, ok := constText(tv)
			if !ok {
				return true
			}
			if basic, ok := tv.Type.(*types.Basic); !ok || basic.Info()&types.IsUntyped == 0 {
				name, ok := typeName(tv.Type, pkg, f, call.Pos())
				if !ok {
					return true
				}
				text = name + "(" + text + ")"
			}
			edits = append(edits, edit{tf.Offset(call.Pos()), tf.Offset(call.End()), "(" + text + ")"})
			return false
		}
		name, ok := typeName(tv.Type, pkg, f, call.Pos())
		if !ok {
			return true
		}
		basic, _ := tv.Type.Underlying().(*types.Basic)
		helpers[name] = basic
		edits = append(edits, edit{tf.Offset(id.Pos()), tf.Offset(id.End()), fmt.Sprintf("gomx%s_%s", b.Name(), name)})
		return true
	})
	return edits
}

// constText writes the constant value of tv as a literal of its kind
// (an untyped float keeps a decimal point); ok is false for a rune, a
// complex number, or a float that float64 does not hold exactly.
func constText(tv types.TypeAndValue) (string, bool) {
	text := tv.Value.ExactString()
	basic, _ := tv.Type.Underlying().(*types.Basic)
	switch {
	case basic == nil:
		return "", false
	case basic.Info()&(types.IsInteger|types.IsString) != 0 && basic.Kind() != types.UntypedRune:
		return text, true
	case basic.Info()&types.IsFloat != 0:
		f, exact := constant.Float64Val(tv.Value)
		if !exact {
			return "", false
		}
		text = strconv.FormatFloat(f, 'g', -1, 64)
		if !strings.ContainsAny(text, ".eIN") {
			text += ".0"
		}
		return text, !math.IsInf(f, 0) && !math.IsNaN(f)
	}
	return "", false
}

// typeName returns how the package's files (and builtinFile) name t at
// pos: a basic type whose name is not redeclared there, or a type of the
// package scope.
func typeName(t types.Type, pkg *types.Package, f *ast.File, pos token.Pos) (string, bool) {
	switch t := t.(type) {
	case *types.Basic:
		if t.Info()&types.IsUntyped != 0 {
			return "", false
		}
		name := t.Name()
		if o := pkg.Scope().Lookup(name); o != nil {
			return "", false // the package redeclares it
		}
		if inner := pkg.Scope().Innermost(pos); inner != nil {
			if _, o := inner.LookupParent(name, pos); o != types.Universe.Lookup(name) {
				return "", false
			}
		}
		return name, true
	case *types.Named:
		o := t.Obj()
		if o.Pkg() == pkg && o.Parent() == pkg.Scope() && t.TypeArgs() == nil {
			return o.Name(), true
		}
	}
	return "", false
}

// builtinsText is builtinFile with the functions helpers need: for each
// type, gomxmin_T and gomxmax_T with Go's rules (a NaN wins, max(-0, +0)
// is +0 and min is -0).
func builtinsText(pkgName string, helpers map[string]*types.Basic) string {
	var b strings.Builder
	fmt.Fprintf(&b, "package %s\n", pkgName)
	names := make([]string, 0, len(helpers))
	for n := range helpers {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		float := helpers[n] != nil && helpers[n].Info()&types.IsFloat != 0
		for _, fn := range []struct{ name, op string }{{"min", "<"}, {"max", ">"}} {
			fmt.Fprintf(&b, "\nfunc gomx%s_%s(x %s, ys ...%s) %s {\n\tfor _, y := range ys {\n", fn.name, n, n, n, n)
			if float {
				// NaN wins; of two zeros, min takes the negative one
				// and max the positive one (1/x < 0 for -0)
				fmt.Fprintf(&b, "\t\tswitch {\n\t\tcase x != x:\n\t\tcase y != y:\n\t\t\tx = y\n")
				fmt.Fprintf(&b, "\t\tcase x == 0 && y == 0:\n\t\t\tif 1/y %s 0 {\n\t\t\t\tx = y\n\t\t\t}\n", fn.op)
				fmt.Fprintf(&b, "\t\tcase y %s x:\n\t\t\tx = y\n\t\t}\n", fn.op)
			} else {
				fmt.Fprintf(&b, "\t\tif y %s x {\n\t\t\tx = y\n\t\t}\n", fn.op)
			}
			b.WriteString("\t}\n\treturn x\n}\n")
		}
	}
	return b.String()
}
