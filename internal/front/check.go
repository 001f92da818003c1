package front

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"runtime"
	"sort"
	"strconv"
	"strings"
)

// gcSizes are the sizes of types as the gc compiler lays them out.
var gcSizes = types.SizesFor("gc", runtime.GOARCH)

// checked is a type-checked cell.
type checked struct {
	pkg     *types.Package
	info    *types.Info
	prelude *ast.File
	// topVars are the variables the cell's top-level statements define
	// (they become session variables), in order.
	topVars []*types.Var
	// imports are the imports the cell file gained beyond its own: the
	// session's and auto-imports, name → path.
	imports map[string]string
	// injected are the names of the cell's top-level variables that the
	// second check declared at package level for its declarations.
	injected map[string]bool
}

// declaredNames returns the package-level names the cell declares: funcs,
// types, vars, consts, and methods as "T.m".
func declaredNames(file *ast.File) map[string]ast.Node {
	names := map[string]ast.Node{}
	for _, d := range file.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Name.Name == cellFuncPlaceholder && d.Recv == nil {
				continue
			}
			if d.Recv != nil {
				if t := recvTypeName(d.Recv); t != "" {
					names[t+"."+d.Name.Name] = d
				}
				continue
			}
			if d.Name.Name == "init" || d.Name.Name == "_" {
				continue
			}
			names[d.Name.Name] = d
		case *ast.GenDecl:
			for _, s := range d.Specs {
				switch s := s.(type) {
				case *ast.TypeSpec:
					names[s.Name.Name] = s
				case *ast.ValueSpec:
					for _, n := range s.Names {
						if n.Name != "_" {
							names[n.Name] = n
						}
					}
				}
			}
		}
	}
	return names
}

// recvTypeName returns the base type name of a method's receiver.
func recvTypeName(recv *ast.FieldList) string {
	if recv == nil || len(recv.List) != 1 {
		return ""
	}
	t := recv.List[0].Type
	for {
		switch x := t.(type) {
		case *ast.StarExpr:
			t = x.X
		case *ast.ParenExpr:
			t = x.X
		case *ast.IndexExpr:
			t = x.X
		case *ast.IndexListExpr:
			t = x.X
		case *ast.Ident:
			return x.Name
		default:
			return ""
		}
	}
}

// topDefines returns the identifiers defined by the cell's top-level
// statements (x in `x := …`), which become session variables.
func (c *cell) topDefines() []*ast.Ident {
	var ids []*ast.Ident
	for _, s := range c.stmts {
		if as, ok := s.(*ast.AssignStmt); ok && as.Tok == token.DEFINE {
			for _, l := range as.Lhs {
				if id, ok := l.(*ast.Ident); ok && id.Name != "_" {
					ids = append(ids, id)
				}
			}
		}
	}
	return ids
}

// buildPrelude returns the file of the session's declarations that the
// cell does not redeclare, plus vars for the cell's own top-level
// variables that its declarations use.
func (f *Front) buildPrelude(redeclared map[string]bool, redefTypes map[string]bool, extra []*ast.GenDecl, extraPkgs map[string]bool) *ast.File {
	var ds []*decl
	pkgs := map[string]bool{}
	for name, d := range f.decls {
		if redeclared[name] {
			continue
		}
		if d.method {
			t, _, _ := strings.Cut(name, ".")
			if redefTypes[t] {
				continue
			}
		}
		ds = append(ds, d)
		for p := range d.pkgs {
			pkgs[p] = true
		}
	}
	for p := range extraPkgs {
		pkgs[p] = true
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i].seq < ds[j].seq })
	pf := &ast.File{Name: ast.NewIdent("main")}
	if len(pkgs) > 0 {
		imp := &ast.GenDecl{Tok: token.IMPORT, Lparen: 1}
		paths := make([]string, 0, len(pkgs))
		for p := range pkgs {
			paths = append(paths, p)
		}
		sort.Strings(paths)
		for _, p := range paths {
			imp.Specs = append(imp.Specs, &ast.ImportSpec{Name: ast.NewIdent(f.alias(p)), Path: &ast.BasicLit{Kind: token.STRING, Value: strconv.Quote(p)}})
		}
		pf.Decls = append(pf.Decls, imp)
	}
	for _, d := range ds {
		pf.Decls = append(pf.Decls, d.node)
	}
	for _, g := range extra {
		pf.Decls = append(pf.Decls, g)
	}
	return pf
}

// check type-checks the cell as the next file of the session's package.
func (f *Front) check(c *cell, redeclared, redefTypes map[string]bool) (*checked, []Error) {
	// the cell's file sees the session's imports and the auto-imports it
	// uses, unless it imports or declares those names itself
	own := map[string]bool{}
	for _, imp := range c.file.Imports {
		own[f.importName(imp)] = true
	}
	cellDecls := declaredNames(c.file)
	added := map[string]string{}
	addImport := func(name, path string) {
		if own[name] || added[name] != "" {
			return
		}
		if _, ok := cellDecls[name]; ok {
			return
		}
		if d, ok := f.decls[name]; ok && !redeclared[name] && !d.method {
			return
		}
		added[name] = path
	}
	for name, path := range f.imports {
		addImport(name, path)
	}
	if len(f.cfg.AutoImports) > 0 {
		ast.Inspect(c.file, func(n ast.Node) bool {
			if sel, ok := n.(*ast.SelectorExpr); ok {
				if id, ok := sel.X.(*ast.Ident); ok {
					if p, ok := f.cfg.AutoImports[id.Name]; ok {
						addImport(id.Name, p)
					}
				}
			}
			return true
		})
	}
	if len(added) > 0 {
		imp := &ast.GenDecl{Tok: token.IMPORT, Lparen: 1}
		names := make([]string, 0, len(added))
		for n := range added {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			imp.Specs = append(imp.Specs, &ast.ImportSpec{Name: ast.NewIdent(n), Path: &ast.BasicLit{Kind: token.STRING, Value: strconv.Quote(added[n])}})
		}
		c.file.Decls = append([]ast.Decl{imp}, c.file.Decls...)
	}

	ck, errs := f.checkOnce(c, f.buildPrelude(redeclared, redefTypes, nil, nil))
	// Declarations that use the cell's top-level variables: check again
	// with those variables declared at package level too.
	if need := f.undefinedTopVars(c, ck, errs); len(need) > 0 {
		pkgs := map[string]bool{}
		var extra []*ast.GenDecl
		for _, v := range need {
			w := f.preludeWriter(ck.pkg, pkgs)
			extra = append(extra, &ast.GenDecl{Tok: token.VAR, Specs: []ast.Spec{&ast.ValueSpec{Names: []*ast.Ident{ast.NewIdent(v.Name())}, Type: w.expr(v.Type())}}})
		}
		ck, errs = f.checkOnce(c, f.buildPrelude(redeclared, redefTypes, extra, pkgs))
		ck.injected = map[string]bool{}
		for _, v := range need {
			ck.injected[v.Name()] = true
		}
	}
	ck.imports = added
	return ck, errs
}

// undefinedTopVars returns the cell's top-level variables that its
// package-level declarations use (as undefined names in the first check).
func (f *Front) undefinedTopVars(c *cell, ck *checked, errs []Error) []*types.Var {
	if len(errs) == 0 {
		return nil
	}
	byName := map[string]*types.Var{}
	for _, v := range ck.topVars {
		byName[v.Name()] = v
	}
	var need []*types.Var
	seen := map[string]bool{}
	for _, e := range errs {
		name, ok := strings.CutPrefix(e.Msg, "undefined: ")
		if !ok {
			continue
		}
		if v := byName[name]; v != nil && !seen[name] && isValid(v.Type()) {
			seen[name] = true
			need = append(need, v)
		}
	}
	return need
}

func isValid(t types.Type) bool {
	return t != nil && t != types.Typ[types.Invalid]
}

// checkOnce runs go/types over the prelude and the cell.
func (f *Front) checkOnce(c *cell, prelude *ast.File) (*checked, []Error) {
	info := &types.Info{
		Types:        map[ast.Expr]types.TypeAndValue{},
		Instances:    map[*ast.Ident]types.Instance{},
		Defs:         map[*ast.Ident]types.Object{},
		Uses:         map[*ast.Ident]types.Object{},
		Implicits:    map[ast.Node]types.Object{},
		Selections:   map[*ast.SelectorExpr]*types.Selection{},
		Scopes:       map[ast.Node]*types.Scope{},
		FileVersions: map[*ast.File]string{},
	}
	var terrs []types.Error
	conf := types.Config{
		GoVersion: "go1.26",
		Importer:  f.cfg.Importer,
		Sizes:     gcSizes,
		Error: func(err error) {
			if te, ok := err.(types.Error); ok {
				terrs = append(terrs, te)
			}
		},
	}
	pkg, _ := conf.Check("main", f.cfg.Fset, []*ast.File{prelude, c.file}, info)
	ck := &checked{pkg: pkg, info: info, prelude: prelude}
	top := map[token.Pos]bool{}
	for _, id := range c.topDefines() {
		top[id.Pos()] = true
		if v, ok := info.Defs[id].(*types.Var); ok {
			ck.topVars = append(ck.topVars, v)
		}
	}
	// the cell's last expression is shown, so it is used
	var shown token.Pos = token.NoPos
	if n := len(c.stmts); n > 0 {
		if es, ok := c.stmts[n-1].(*ast.ExprStmt); ok {
			shown = es.X.Pos()
		}
	}
	var errs []Error
	seen := map[string]bool{}
	for _, te := range terrs {
		if strings.HasPrefix(te.Msg, "declared and not used") && top[te.Pos] {
			continue
		}
		if te.Pos == shown && strings.HasSuffix(te.Msg, " is not used") {
			continue
		}
		if strings.Contains(te.Msg, " imported and not used") || strings.Contains(te.Msg, "\" imported as ") && strings.HasSuffix(te.Msg, " and not used") {
			continue
		}
		p := f.cfg.Fset.Position(te.Pos)
		if strings.HasPrefix(te.Msg, "\t") && len(errs) > 0 {
			// a continuation of the previous error, as go build prints it
			prev := &errs[len(errs)-1]
			if p.Filename == c.name {
				prev.Msg += fmt.Sprintf("\n\t%d:%d: %s", p.Line, runeCol(c.src, p.Line, p.Column), strings.TrimPrefix(te.Msg, "\t"))
			}
			continue
		}
		if m, ok := gcWording[te.Msg]; ok {
			te.Msg = m
		}
		var e Error
		if p.Filename != c.name {
			e = Error{Kind: Internal, Msg: "in the session's declarations: " + te.Msg}
		} else {
			e = c.errorAt(p, TypeError, te.Msg)
		}
		if key := e.Error(); !seen[key] {
			seen[key] = true
			errs = append(errs, e)
		}
	}
	sort.SliceStable(errs, func(i, j int) bool {
		if errs[i].Line != errs[j].Line {
			return errs[i].Line < errs[j].Line
		}
		return errs[i].Col < errs[j].Col
	})
	if len(errs) > maxErrors {
		errs = errs[:maxErrors]
	}
	return ck, errs
}

// importName is the name under which an import spec imports its package:
// its own name unless the spec gives one (math/rand/v2 is rand).
func (f *Front) importName(imp *ast.ImportSpec) string {
	if imp.Name != nil {
		return imp.Name.Name
	}
	p, _ := strconv.Unquote(imp.Path.Value)
	if pkg, err := f.cfg.Importer.Import(p); err == nil {
		return pkg.Name()
	}
	return p[strings.LastIndexByte(p, '/')+1:]
}

// gcWording maps go/types messages to the compiler's (go build's) where
// the two differ.
var gcWording = map[string]string{
	"break not in for, switch, or select statement": "break is not in a loop, switch, or select",
	"continue not in for statement":                 "continue is not in a loop",
	"fallthrough statement out of place":            "fallthrough statement out of place",
}
