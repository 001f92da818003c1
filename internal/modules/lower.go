package modules

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"go/version"
	"path/filepath"
	"slices"
	"sort"
	"strings"
)

// An edit replaces the bytes [off, end) of a file with text.
type edit struct {
	off, end int
	text     string
}

// lower returns the sources of a type-checked package as the interpreter
// gets them, by file name: build constraints blanked, per-iteration copies
// of captured loop variables, and, where the interpreter's order of
// initialisation differs from Go's, the initialised variables moved into
// one more file in Go's order (see the package documentation and
// initorder.go). Every edit keeps the lines where they are, and moved
// declarations carry line directives, so that the interpreter's positions
// are the module's. gopathDir is the package's directory as the
// interpreter reads it.
func lower(fset *token.FileSet, files []*ast.File, info *types.Info, raw map[string][]byte, pkg *types.Package, gopathDir string) (map[string][]byte, error) {
	moves, err := initOrder(fset, files, info)
	if err != nil {
		return nil, err
	}
	texts := make([]string, len(moves))
	out := map[string][]byte{}
	helpers := map[string]*types.Basic{}
	var assertHelpers []*assertHelper
	for _, f := range files {
		tf := fset.File(f.Pos())
		name := filepath.Base(tf.Name())
		src := raw[name]
		var edits []edit
		for _, g := range f.Comments {
			if g.Pos() > f.Package {
				break
			}
			for _, c := range g.List {
				if t := c.Text; strings.HasPrefix(t, "//go:build") || strings.HasPrefix(t, "// +build") || strings.HasPrefix(t, "//+build") {
					edits = append(edits, edit{tf.Offset(c.Pos()), tf.Offset(c.End()), strings.Repeat(" ", len(t))})
				}
			}
		}
		// a constant expression replaced as a whole takes the place of
		// the constant calls of min and max in it
		consts := foreignConsts(tf, f, info, pkg)
		edits = append(edits, consts...)
		for _, e := range minMax(tf, f, info, pkg, helpers) {
			if !slices.ContainsFunc(consts, func(c edit) bool { return c.off <= e.off && e.end <= c.end }) {
				edits = append(edits, e)
			}
		}
		// an assertion keeps its operand's text: one with other edits in
		// it is left as it is
		for _, a := range asserts(tf, f, info, pkg, src, &assertHelpers) {
			if !slices.ContainsFunc(edits, func(e edit) bool { return a.off <= e.off && e.end <= a.end }) {
				edits = append(edits, a)
			}
		}
		if v := info.FileVersions[f]; v == "" || version.Compare(v, "go1.22") >= 0 {
			loops, err := loopCopies(fset, tf, f, info)
			if err != nil {
				return nil, err
			}
			edits = append(edits, loops...)
		}
		for i, m := range moves {
			if m.file != f {
				continue
			}
			// the spec's own edits go with it; its place is blanked,
			// keeping the line breaks
			var inner, rest []edit
			for _, e := range edits {
				if e.off >= m.off && e.end <= m.end {
					e.off, e.end = e.off-m.off, e.end-m.off
					inner = append(inner, e)
				} else {
					rest = append(rest, e)
				}
			}
			texts[i] = string(apply(src[m.off:m.end], inner))
			blank := []byte(string(src[m.blank:m.end]))
			for j, c := range blank {
				if c != '\n' {
					blank[j] = ' '
				}
			}
			edits = append(rest, edit{m.blank, m.end, string(blank)})
		}
		out[name] = apply(src, edits)
	}
	if len(helpers) > 0 || len(assertHelpers) > 0 {
		if _, ok := raw[builtinFile]; ok {
			return nil, fmt.Errorf("the package has a file named %s, the name gomx gives the file of its helper functions", builtinFile)
		}
		out[builtinFile] = []byte(builtinsText(pkg.Name(), helpers) + assertsText(assertHelpers))
	}
	if len(moves) > 0 {
		if _, ok := raw[initFile]; ok {
			return nil, fmt.Errorf("the package has a file named %s, the name gomx gives the file of its variables in Go's order", initFile)
		}
		text, err := initFileText(fset, pkg, info, moves, texts, gopathDir)
		if err != nil {
			return nil, err
		}
		out[initFile] = []byte(text)
	}
	return out, nil
}

// apply makes the edits, which do not overlap, on a copy of src.
func apply(src []byte, edits []edit) []byte {
	sort.SliceStable(edits, func(i, j int) bool { return edits[i].off < edits[j].off })
	var b []byte
	at := 0
	for _, e := range edits {
		b = append(b, src[at:e.off]...)
		b = append(b, e.text...)
		at = e.end
	}
	return append(b, src[at:]...)
}

// loopCopies gives each loop variable that a closure captures or whose
// address is taken a copy per iteration, as Go 1.22 does: the body
// { … } becomes { v := v; { … }}.
func loopCopies(fset *token.FileSet, tf *token.File, f *ast.File, info *types.Info) ([]edit, error) {
	var edits []edit
	var err error
	copyIn := func(vars []*ast.Ident, body *ast.BlockStmt) {
		names := make([]string, len(vars))
		for i, v := range vars {
			names[i] = v.Name
		}
		list := strings.Join(names, ", ")
		edits = append(edits,
			edit{tf.Offset(body.Lbrace) + 1, tf.Offset(body.Lbrace) + 1, " " + list + " := " + list + "; {"},
			edit{tf.Offset(body.Rbrace), tf.Offset(body.Rbrace), "}"})
	}
	ast.Inspect(f, func(n ast.Node) bool {
		if err != nil {
			return false
		}
		switch s := n.(type) {
		case *ast.RangeStmt:
			if _, ok := info.TypeOf(s.X).Underlying().(*types.Signature); ok {
				p := fset.Position(s.For)
				err = fmt.Errorf("%s:%d:%d: a range over a function, which the interpreter cannot run", filepath.Base(p.Filename), p.Line, p.Column)
				return false
			}
			if isInteger(info.TypeOf(s.X)) {
				var e []edit
				if e, err = rangeInt(fset, tf, s, info); err == nil {
					edits = append(edits, e...)
				}
				return true
			}
			if s.Tok != token.DEFINE {
				return true
			}
			var vars []*ast.Ident
			for _, e := range []ast.Expr{s.Key, s.Value} {
				if id, ok := e.(*ast.Ident); ok && id.Name != "_" && captured(info, info.Defs[id], s.Body) {
					vars = append(vars, id)
				}
			}
			if len(vars) > 0 {
				copyIn(vars, s.Body)
			}
		case *ast.ForStmt:
			init, ok := s.Init.(*ast.AssignStmt)
			if !ok || init.Tok != token.DEFINE {
				return true
			}
			var vars []*ast.Ident
			for _, e := range init.Lhs {
				id, ok := e.(*ast.Ident)
				if !ok || id.Name == "_" {
					continue
				}
				obj := info.Defs[id]
				if !captured(info, obj, s.Body) {
					continue
				}
				if assigned(info, obj, s.Body) {
					p := fset.Position(s.For)
					err = fmt.Errorf("%s:%d:%d: the loop variable %s is captured by a closure or its address is taken, and the body changes it: the interpreter cannot give it Go 1.22's per-iteration semantics",
						filepath.Base(p.Filename), p.Line, p.Column, id.Name)
					return false
				}
				vars = append(vars, id)
			}
			if len(vars) > 0 {
				copyIn(vars, s.Body)
			}
		}
		return true
	})
	return edits, err
}

// isInteger reports whether t is an integer type.
func isInteger(t types.Type) bool {
	if t == nil {
		return false
	}
	b, ok := t.Underlying().(*types.Basic)
	return ok && b.Info()&types.IsInteger != 0
}

// rangeInt lowers a range over an integer n, which the interpreter cannot
// run: for k := range n { body } becomes
//
//	for $i, $n := n-n, n; $i < $n; $i++ { k := $i; { body }}
//
// with names of its own for $i and $n (n-n is a zero of n's type, and
// of type int for an untyped constant, as Go gives k), on the header's own
// line. n is evaluated twice: it must have no effects, and the header must
// be on one line; a loop that is not is reported.
func rangeInt(fset *token.FileSet, tf *token.File, s *ast.RangeStmt, info *types.Info) ([]edit, error) {
	p := fset.Position(s.For)
	if !pure(info, s.X) || tf.Line(s.Body.Lbrace) != p.Line {
		return nil, fmt.Errorf("%s:%d:%d: a range over an integer expression with effects, or over several lines, which gomx cannot lower for the interpreter", filepath.Base(p.Filename), p.Line, p.Column)
	}
	src := tf.Offset(s.For)
	x := types.ExprString(s.X)
	iv, nv := fmt.Sprintf("gomxI%d", src), fmt.Sprintf("gomxN%d", src)
	head := fmt.Sprintf("for %s, %s := (%s)-(%s), %s; %s < %s; %s++ {", iv, nv, x, x, x, iv, nv, iv)
	if s.Key != nil {
		if id, ok := s.Key.(*ast.Ident); !ok || id.Name != "_" {
			head += fmt.Sprintf(" %s %s %s; {", types.ExprString(s.Key), s.Tok, iv)
			return []edit{{src, tf.Offset(s.Body.Lbrace) + 1, head}, {tf.Offset(s.Body.Rbrace), tf.Offset(s.Body.Rbrace), "}"}}, nil
		}
	}
	return []edit{{src, tf.Offset(s.Body.Lbrace) + 1, head}}, nil
}

// pure reports whether evaluating e twice is evaluating it once: e has no
// calls but conversions, len and cap, and no receives.
func pure(info *types.Info, e ast.Expr) bool {
	ok := true
	ast.Inspect(e, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.CallExpr:
			if tv, found := info.Types[x.Fun]; found && tv.IsType() {
				return ok
			}
			if id, isID := ast.Unparen(x.Fun).(*ast.Ident); isID {
				if b, isB := info.Uses[id].(*types.Builtin); isB && (b.Name() == "len" || b.Name() == "cap") {
					return ok
				}
			}
			ok = false
		case *ast.UnaryExpr:
			if x.Op == token.ARROW {
				ok = false
			}
		case *ast.FuncLit:
			ok = false
		}
		return ok
	})
	return ok
}

// captured reports whether body captures the variable obj: a function
// literal uses it, or its address is taken (&v, v[:] of an array, a method
// with a pointer receiver called on it).
func captured(info *types.Info, obj types.Object, body ast.Node) bool {
	if obj == nil {
		return false
	}
	found := false
	var walk func(n ast.Node, inLit bool)
	walk = func(n ast.Node, inLit bool) {
		ast.Inspect(n, func(n ast.Node) bool {
			if found {
				return false
			}
			switch x := n.(type) {
			case *ast.FuncLit:
				walk(x.Body, true)
				return false
			case *ast.Ident:
				if inLit && info.Uses[x] == obj {
					found = true
				}
			case *ast.UnaryExpr:
				if x.Op == token.AND && root(info, x.X) == obj {
					found = true
				}
			case *ast.SliceExpr:
				if _, ok := info.TypeOf(x.X).Underlying().(*types.Array); ok && root(info, x.X) == obj {
					found = true
				}
			case *ast.SelectorExpr:
				if sel, ok := info.Selections[x]; ok && sel.Kind() == types.MethodVal {
					if sig, ok := sel.Obj().Type().(*types.Signature); ok && sig.Recv() != nil {
						if _, ptr := sig.Recv().Type().(*types.Pointer); ptr {
							if _, isPtr := info.TypeOf(x.X).Underlying().(*types.Pointer); !isPtr && root(info, x.X) == obj {
								found = true
							}
						}
					}
				}
			}
			return true
		})
	}
	walk(body, false)
	return found
}

// root returns the variable whose storage the addressable expression e
// is part of (through fields and array elements), or nil.
func root(info *types.Info, e ast.Expr) types.Object {
	for {
		switch x := e.(type) {
		case *ast.ParenExpr:
			e = x.X
		case *ast.Ident:
			return info.Uses[x]
		case *ast.SelectorExpr:
			sel, ok := info.Selections[x]
			if !ok || sel.Kind() != types.FieldVal || sel.Indirect() {
				return nil
			}
			if _, ptr := info.TypeOf(x.X).Underlying().(*types.Pointer); ptr {
				return nil
			}
			e = x.X
		case *ast.IndexExpr:
			if _, ok := info.TypeOf(x.X).Underlying().(*types.Array); !ok {
				return nil
			}
			e = x.X
		default:
			return nil
		}
	}
}

// assigned reports whether body may change the variable obj: it is
// assigned, incremented, or its address is taken.
func assigned(info *types.Info, obj types.Object, body ast.Node) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.AssignStmt:
			for _, l := range x.Lhs {
				if root(info, l) == obj {
					found = true
				}
			}
		case *ast.IncDecStmt:
			if root(info, x.X) == obj {
				found = true
			}
		case *ast.UnaryExpr:
			if x.Op == token.AND && root(info, x.X) == obj {
				found = true
			}
		}
		return !found
	})
	return found
}
