package session

import (
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"reflect"
	"strings"

	"github.com/gomx-dev/gomx/engine"
)

// yaegi v0.16.1 cannot type some top-level `x := e` statements that work
// inside functions: when e indexes a slice, array or map of compiled type
// (`toy.Batches[0]`, `g[0]` for a g from a compiled function) its global
// type analysis finds no element type and fails with "constant definition
// loop"; when e calls a generic function it fails with "not a generic
// type" (`f[T](…)`), or its compiler crashes (`f(…)`, type arguments
// inferred), also in `a, b := f(…)`. `x := v.(T)` with an explicit type
// works. So when such a statement fails to compile, typedDefine evaluates
// the right-hand sides once inside a function literal, reads their types
// from the values, and declares the names with those types (a nil value
// has no type: unless it goes to _, the first error then stands, saying
// that the right-hand side ran). Nothing of the statement has run when it
// failed to compile, so it still runs once.

// typedDefine retries the statement part pt after the compile error e.
// ok is false when the retry does not apply; the caller then reports e.
func (s *Session) typedDefine(ctx context.Context, code string, pt part, e *engine.Error) (v reflect.Value, err *engine.Error, ok bool) {
	if pt.Kind != stmtChunk || e == nil || !retryTyped(e) {
		return reflect.Value{}, nil, false
	}
	const wrap = "package p; func _() {\n"
	f, perr := parser.ParseFile(token.NewFileSet(), "", wrap+pt.Text+"\n}", 0)
	if perr != nil {
		return reflect.Value{}, nil, false
	}
	body := f.Decls[0].(*ast.FuncDecl).Body.List
	if len(body) != 1 {
		return reflect.Value{}, nil, false
	}
	as, isAssign := body[0].(*ast.AssignStmt)
	if !isAssign || as.Tok != token.DEFINE || (len(as.Lhs) != len(as.Rhs) && len(as.Rhs) != 1) {
		return reflect.Value{}, nil, false
	}
	text := func(n ast.Node) string { return pt.Text[int(n.Pos())-1-len(wrap) : int(n.End())-1-len(wrap)] }
	var names []string
	for _, l := range as.Lhs {
		id, isIdent := l.(*ast.Ident)
		if !isIdent {
			return reflect.Value{}, nil, false
		}
		names = append(names, id.Name)
	}
	// Errors of the retry are placed on the statement's first line.
	line, col := offsetLineCol(code, pt.Start+pt.Map.old(int(as.Pos())-1-len(wrap)))
	at := func(int, int) (int, int) { return line, col }
	run := func(src string) (reflect.Value, *engine.Error) {
		prog, e := s.compile(src, at, &plan{})
		if e != nil {
			return reflect.Value{}, e
		}
		return s.execute(ctx, prog, at)
	}
	// Evaluate the right-hand sides once, in order, as the statement would:
	// the statement itself, inside a function literal that returns the
	// values as one []any.
	const tmp = "__gomxR"
	var vals []string
	for i := range names {
		vals = append(vals, fmt.Sprintf("__gomxV%d", i))
	}
	var exprs []string
	for _, r := range as.Rhs {
		exprs = append(exprs, text(r))
	}
	eval := fmt.Sprintf("%s := func() []any {\n%s := %s\nreturn []any{%s}\n}()",
		tmp, strings.Join(vals, ", "), strings.Join(exprs, ", "), strings.Join(vals, ", "))
	if _, e := run(eval); e != nil {
		if e.Line == 0 {
			e.Line, e.Col = line, col
			e.Traceback = append(e.Traceback, fmt.Sprintf("  in the cell, line %d", line))
		}
		return reflect.Value{}, e, true
	}
	defer run(tmp + " = nil")
	// From here on the right-hand side has run: an error says so.
	untyped := func(why string) (reflect.Value, *engine.Error, bool) {
		e2 := *e
		e2.Value += fmt.Sprintf(" (the right-hand side was run once to read its types, but %s)", why)
		e2.Traceback = append(append([]string(nil), e.Traceback...), "  "+why)
		return reflect.Value{}, &e2, true
	}
	got, found := s.global(tmp)
	if found && got.Kind() == reflect.Interface {
		got = got.Elem()
	}
	if !found || got.Kind() != reflect.Slice || got.Len() != len(names) {
		return untyped("its values could not be read")
	}
	var typed []string
	for i, name := range names {
		if name == "_" {
			typed = append(typed, fmt.Sprintf("%s[%d]", tmp, i)) // needs no type
			continue
		}
		gv := got.Index(i)
		if gv.Kind() == reflect.Interface {
			gv = gv.Elem()
		}
		if !gv.IsValid() {
			return untyped(name + " is nil, which has no type")
		}
		tt, terr := s.typeExpr(code, gv.Type())
		if terr != nil {
			return untyped(terr.Error())
		}
		typed = append(typed, fmt.Sprintf("%s[%d].(%s)", tmp, i, tt))
	}
	v, err = run(strings.Join(names, ", ") + " := " + strings.Join(typed, ", "))
	return v, err, true
}

// retryTyped reports whether a define that failed to compile with e may
// work typed from its values: e is one of the failures described above.
func retryTyped(e *engine.Error) bool {
	switch e.Kind {
	case engine.CompileError:
		return strings.Contains(e.Value, "definition loop") || strings.Contains(e.Value, "not a generic type")
	case engine.InternalError:
		return true
	case engine.Unsupported:
		return strings.Contains(e.Value, "generic function")
	}
	return false
}

// typeExpr writes t as a type expression of the session, importing the
// preloaded packages it names under reserved names when the cells have
// not imported them.
func (s *Session) typeExpr(code string, t reflect.Type) (string, error) {
	if t.Name() != "" {
		if t.PkgPath() == "" {
			return t.Name(), nil
		}
		for name, path := range s.imports {
			if path == t.PkgPath() && name != "." && name != "_" {
				return name + "." + t.Name(), nil
			}
		}
		if !preloaded(t.PkgPath()) {
			return "", fmt.Errorf("type %v is from a package that is not preloaded", t)
		}
		alias := "__gomxPkg" + strings.NewReplacer("/", "_", ".", "_", "-", "_").Replace(t.PkgPath())
		if e := s.importPkg(code, 0, alias, t.PkgPath()); e != nil {
			return "", e
		}
		return alias + "." + t.Name(), nil
	}
	elem := func(prefix string) (string, error) {
		x, err := s.typeExpr(code, t.Elem())
		return prefix + x, err
	}
	switch t.Kind() {
	case reflect.Pointer:
		return elem("*")
	case reflect.Slice:
		return elem("[]")
	case reflect.Array:
		return elem(fmt.Sprintf("[%d]", t.Len()))
	case reflect.Chan:
		switch t.ChanDir() {
		case reflect.RecvDir:
			return elem("<-chan ")
		case reflect.SendDir:
			return elem("chan<- ")
		}
		return elem("chan ")
	case reflect.Map:
		k, err := s.typeExpr(code, t.Key())
		if err != nil {
			return "", err
		}
		return elem("map[" + k + "]")
	case reflect.Interface:
		if t.NumMethod() == 0 {
			return "any", nil
		}
	case reflect.Func:
		var in, out []string
		for i := 0; i < t.NumIn(); i++ {
			x, err := s.typeExpr(code, t.In(i))
			if err != nil {
				return "", err
			}
			if t.IsVariadic() && i == t.NumIn()-1 {
				x = "..." + strings.TrimPrefix(x, "[]")
			}
			in = append(in, x)
		}
		for i := 0; i < t.NumOut(); i++ {
			x, err := s.typeExpr(code, t.Out(i))
			if err != nil {
				return "", err
			}
			out = append(out, x)
		}
		return "func(" + strings.Join(in, ", ") + ") (" + strings.Join(out, ", ") + ")", nil
	}
	return "", fmt.Errorf("cannot write type %v", t)
}
