package modules

import (
	"cmp"
	"go/ast"
	"go/types"
	"sort"
	"strings"
)

// A Member is an exported package-level name of a module package.
type Member struct {
	Name, Kind string // Kind is "function", "type", "variable" or "constant"
}

// Members returns the exported names of the module package path loaded
// for the current interpreter, sorted; nil for another package.
func (m *Modules) Members(path string) []Member {
	m.mu.Lock()
	defer m.mu.Unlock()
	l, ok := m.gen.pkgs[path]
	if !ok {
		return nil
	}
	var ms []Member
	for _, name := range l.types.Scope().Names() {
		o := l.types.Scope().Lookup(name)
		if !o.Exported() {
			continue
		}
		kind := "variable"
		switch o.(type) {
		case *types.Func:
			kind = "function"
		case *types.TypeName:
			kind = "type"
		case *types.Const:
			kind = "constant"
		}
		ms = append(ms, Member{name, kind})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].Name < ms[j].Name })
	return ms
}

// Doc returns the declaration and doc comment of the exported name of the
// module package path ("Type.Method" for a method, "" for the package
// clause and its doc), from its source; ok is false when there is none.
func (m *Modules) Doc(path, name string) (sig, text string, ok bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	l, found := m.gen.pkgs[path]
	if !found {
		return "", "", false
	}
	qual := types.RelativeTo(l.types)
	if name == "" {
		return "package " + l.Name, l.pkgDoc, true
	}
	tname, mname, isMethod := strings.Cut(name, ".")
	obj := l.types.Scope().Lookup(tname)
	if obj == nil || !obj.Exported() {
		return "", "", false
	}
	if isMethod {
		ms, _, _ := types.LookupFieldOrMethod(types.NewPointer(obj.Type()), true, l.types, mname)
		fn, isFn := ms.(*types.Func)
		if !isFn || !fn.Exported() {
			return "", "", false
		}
		obj = fn
	}
	sig = types.ObjectString(obj, qual)
	if tn, isType := obj.(*types.TypeName); isType {
		sig = "type " + tn.Name() + " " + types.TypeString(tn.Type().Underlying(), qual)
	}
	return sig, l.docs[obj], true
}

// docs returns the doc comments of the package-level declarations of
// files, methods included, by object, and the package's doc comment
// (the files are lowered for the interpreter afterwards, which drops
// comments).
func docs(files []*ast.File, info *types.Info) (map[types.Object]string, string) {
	out := map[types.Object]string{}
	pkgDoc := ""
	add := func(id *ast.Ident, doc *ast.CommentGroup) {
		if obj := info.Defs[id]; obj != nil && doc != nil {
			out[obj] = strings.TrimSpace(doc.Text())
		}
	}
	for _, f := range files {
		if f.Doc != nil && pkgDoc == "" {
			pkgDoc = f.Doc.Text()
		}
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				add(d.Name, d.Doc)
			case *ast.GenDecl:
				for _, s := range d.Specs {
					switch s := s.(type) {
					case *ast.TypeSpec:
						add(s.Name, cmp.Or(s.Doc, d.Doc))
					case *ast.ValueSpec:
						for _, id := range s.Names {
							add(id, cmp.Or(s.Doc, d.Doc))
						}
					}
				}
			}
		}
	}
	return out, pkgDoc
}
