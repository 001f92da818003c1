package modules

import (
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
		for _, f := range l.files {
			if f.Doc != nil {
				return "package " + l.Name, f.Doc.Text(), true
			}
		}
		return "package " + l.Name, "", true
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
	return sig, l.docOf(obj), true
}

// docOf returns the doc comment of obj's declaration in the package's
// files.
func (l *loaded) docOf(obj types.Object) string {
	pos := obj.Pos()
	for _, f := range l.files {
		if pos < f.Pos() || pos > f.End() {
			continue
		}
		var text string
		ast.Inspect(f, func(n ast.Node) bool {
			if text != "" || n == nil || pos < n.Pos() || pos > n.End() {
				return false
			}
			switch d := n.(type) {
			case *ast.FuncDecl:
				if d.Name.Pos() == pos && d.Doc != nil {
					text = d.Doc.Text()
				}
			case *ast.GenDecl:
				for _, s := range d.Specs {
					var sdoc *ast.CommentGroup
					var names []*ast.Ident
					switch s := s.(type) {
					case *ast.TypeSpec:
						sdoc, names = s.Doc, []*ast.Ident{s.Name}
					case *ast.ValueSpec:
						sdoc, names = s.Doc, s.Names
					}
					for _, id := range names {
						if id.Pos() == pos {
							if sdoc == nil {
								sdoc = d.Doc
							}
							if sdoc != nil {
								text = sdoc.Text()
							}
						}
					}
				}
			}
			return true
		})
		return strings.TrimSpace(text)
	}
	return ""
}
