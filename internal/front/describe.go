package front

import (
	"go/ast"
	"go/token"
	"go/types"
	"strings"

	"golang.org/x/tools/go/ast/astutil"
)

// describe returns the session declarations that the cell makes: its
// package-level types, funcs, methods, vars and consts, and the variables
// its top-level statements define.
func (f *Front) describe(c *cell, ck *checked) []*decl {
	var out []*decl
	qual := func(p *types.Package) string {
		if p == ck.pkg {
			return ""
		}
		return p.Name()
	}
	add := func(obj types.Object, node ast.Node, doc *ast.CommentGroup, src string) {
		d := &decl{name: obj.Name(), obj: obj, cell: c.n, src: src, pkgs: map[string]bool{}}
		if fn, ok := obj.(*types.Func); ok {
			if recv := fn.Type().(*types.Signature).Recv(); recv != nil {
				rt := recv.Type()
				if p, ok := rt.(*types.Pointer); ok {
					rt = p.Elem()
				}
				if named, ok := rt.(*types.Named); ok {
					d.name = named.Obj().Name() + "." + obj.Name()
					d.method = true
				}
			}
		}
		d.sig = types.ObjectString(obj, qual)
		switch n := node.(type) {
		case *ast.FuncDecl:
			d.sig = nodeText(f.cfg.Fset, &ast.FuncDecl{Recv: n.Recv, Name: n.Name, Type: n.Type})
			d.exposes = exposesResults(ck.info, ck.pkg, n)
		case *ast.TypeSpec:
			d.sig = "type " + src
		}
		if doc != nil {
			d.doc = doc.Text()
		}
		d.node = f.preludeDecl(obj, d.pkgs)
		// go/types needs valid positions for some checks of declarations
		// (a receiver's base type is looked up in its file)
		setPos(d.node, f.preludePos())
		d.uses = map[string]bool{}
		if node != nil {
			ast.Inspect(node, func(n ast.Node) bool {
				if id, ok := n.(*ast.Ident); ok {
					if o := ck.info.Uses[id]; o != nil && o.Pkg() == ck.pkg && o.Parent() == ck.pkg.Scope() && o != obj {
						d.uses[o.Name()] = true
					}
				}
				return true
			})
		}
		typeUses(obj.Type(), ck.pkg, d.uses, map[types.Type]bool{})
		delete(d.uses, obj.Name())
		out = append(out, d)
	}
	for _, dl := range c.file.Decls {
		switch dl := dl.(type) {
		case *ast.FuncDecl:
			if dl == c.body || dl.Name.Name == "init" || dl.Name.Name == "_" {
				continue
			}
			if obj := ck.info.Defs[dl.Name]; obj != nil {
				add(obj, dl, dl.Doc, "")
			}
		case *ast.GenDecl:
			for _, s := range dl.Specs {
				switch s := s.(type) {
				case *ast.TypeSpec:
					if obj := ck.info.Defs[s.Name]; obj != nil {
						doc := s.Doc
						if doc == nil {
							doc = dl.Doc
						}
						add(obj, s, doc, nodeText(f.cfg.Fset, s))
					}
				case *ast.ValueSpec:
					doc := s.Doc
					if doc == nil {
						doc = dl.Doc
					}
					for _, n := range s.Names {
						if obj := ck.info.Defs[n]; obj != nil && n.Name != "_" {
							add(obj, s, doc, "")
						}
					}
				}
			}
		}
	}
	for _, v := range ck.topVars {
		add(v, nil, nil, "")
	}
	return out
}

// typeUses adds to uses the names of the session types that t mentions.
func typeUses(t types.Type, pkg *types.Package, uses map[string]bool, seen map[types.Type]bool) {
	if t == nil || seen[t] {
		return
	}
	seen[t] = true
	switch t := t.(type) {
	case *types.Named:
		if t.Obj().Pkg() == pkg && t.Obj().Parent() == pkg.Scope() {
			uses[t.Obj().Name()] = true
		}
		if args := t.TypeArgs(); args != nil {
			for i := 0; i < args.Len(); i++ {
				typeUses(args.At(i), pkg, uses, seen)
			}
		}
	case *types.Alias:
		if t.Obj().Pkg() == pkg && t.Obj().Parent() == pkg.Scope() {
			uses[t.Obj().Name()] = true
		}
	case *types.Pointer:
		typeUses(t.Elem(), pkg, uses, seen)
	case *types.Slice:
		typeUses(t.Elem(), pkg, uses, seen)
	case *types.Array:
		typeUses(t.Elem(), pkg, uses, seen)
	case *types.Map:
		typeUses(t.Key(), pkg, uses, seen)
		typeUses(t.Elem(), pkg, uses, seen)
	case *types.Chan:
		typeUses(t.Elem(), pkg, uses, seen)
	case *types.Signature:
		for _, tu := range []*types.Tuple{t.Params(), t.Results()} {
			for i := 0; i < tu.Len(); i++ {
				typeUses(tu.At(i).Type(), pkg, uses, seen)
			}
		}
	case *types.Struct:
		for i := 0; i < t.NumFields(); i++ {
			typeUses(t.Field(i).Type(), pkg, uses, seen)
		}
	case *types.Interface:
		for i := 0; i < t.NumExplicitMethods(); i++ {
			typeUses(t.ExplicitMethod(i).Type(), pkg, uses, seen)
		}
		for i := 0; i < t.NumEmbeddeds(); i++ {
			typeUses(t.EmbeddedType(i), pkg, uses, seen)
		}
	}
}

// replaceLits replaces the function literals of body's own frame (not
// those inside other function literals, nor those called at once) by
// what repl returns, when it returns non-nil.
func replaceLits(body *ast.BlockStmt, repl func(*ast.FuncLit) ast.Expr) {
	astutil.Apply(body, func(cur *astutil.Cursor) bool {
		fl, ok := cur.Node().(*ast.FuncLit)
		if !ok {
			return true
		}
		if _, isCall := cur.Parent().(*ast.CallExpr); isCall && cur.Name() == "Fun" {
			return false
		}
		if r := repl(fl); r != nil {
			cur.Replace(r)
		}
		return false
	}, nil)
}

// funcLitType returns the type of a function literal of the user's code,
// nil for generated ones.
func (l *lowerer) funcLitType(fl *ast.FuncLit) types.Type {
	if t, ok := l.info.Types[fl]; ok {
		return t.Type
	}
	return nil
}

// isInternal reports whether name is one that only the front end writes.
func isInternal(name string) bool { return strings.HasPrefix(name, "$") }

// preludePos is the position of every prelude declaration: a valid
// position in a file of its own.
func (f *Front) preludePos() token.Pos {
	if !f.prelude.IsValid() {
		f.prelude = token.Pos(f.cfg.Fset.AddFile("gomx-session", -1, 1).Base())
	}
	return f.prelude
}
