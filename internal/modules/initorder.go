package modules

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"maps"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// initFile is the name of the file that initOrder adds to a package: it
// sorts after the package's own files, so its variables initialise after
// theirs in the interpreter's order, and its file name cannot be a Go
// file of the package (go list would have listed it).
const initFile = "zzgomxinit.go"

// A moved package-level variable: the interpreter initialises it at the
// place of its text in initFile.
type moved struct {
	file     *ast.File
	spec     *ast.ValueSpec
	off, end int // the spec's bytes in its file
	// blank is where the spec is blanked out in its file: the spec, or
	// its whole declaration when that has no parentheses
	blank int
}

// initOrder returns, when the interpreter would initialise the package's
// variables in another order than Go, the specs to move into initFile, in
// Go's order (go/types' InitOrder), and initFile's text (without the
// specs' lowering, which the caller applies); nil when the orders agree.
//
// Go initialises a variable after every variable its initialiser refers
// to, through the functions it calls too; yaegi v0.16.1 looks only at the
// variables the initialiser names itself, in the order of the files
// (github.com/google/uuid's NameSpaceURL = Must(Parse(…)), whose Parse
// reads the table xvalues of another file, is all zeros in the
// interpreter). Moving the initialised declarations into one file, in
// Go's order, with //line directives at their own lines, makes the
// interpreter's order Go's.
func initOrder(fset *token.FileSet, files []*ast.File, info *types.Info) ([]moved, error) {
	type specInfo struct {
		file *ast.File
		spec *ast.ValueSpec
		deps []*ast.ValueSpec
	}
	byVar := map[types.Object]*ast.ValueSpec{}
	var specs []*specInfo
	fileOf := map[*ast.ValueSpec]*ast.File{}
	declOf := map[*ast.ValueSpec]*ast.GenDecl{}
	for _, f := range files {
		for _, d := range f.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.VAR {
				continue
			}
			for _, s := range g.Specs {
				vs := s.(*ast.ValueSpec)
				specs = append(specs, &specInfo{file: f, spec: vs})
				fileOf[vs] = f
				declOf[vs] = g
				for _, n := range vs.Names {
					if o := info.Defs[n]; o != nil {
						byVar[o] = vs
					}
				}
			}
		}
	}
	// the interpreter's order: rounds over the specs in file order, each
	// initialised once the variables it names are
	for _, si := range specs {
		ast.Inspect(si.spec, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok {
				if dep, ok := byVar[info.Uses[id]]; ok && dep != si.spec && !slices.Contains(si.deps, dep) {
					si.deps = append(si.deps, dep)
				}
			}
			return true
		})
	}
	var yaegi []*ast.ValueSpec
	inited := map[*ast.ValueSpec]bool{}
	for todo := specs; len(todo) > 0; {
		var next []*specInfo
		for _, si := range todo {
			ok := true
			for _, d := range si.deps {
				ok = ok && inited[d]
			}
			if !ok {
				next = append(next, si)
				continue
			}
			inited[si.spec] = true
			if len(si.spec.Values) > 0 {
				yaegi = append(yaegi, si.spec)
			}
		}
		if len(next) == len(todo) {
			break // a loop the interpreter reports itself
		}
		todo = next
	}
	// Go's order
	var goOrder []*ast.ValueSpec
	for _, in := range info.InitOrder {
		vs := byVar[in.Lhs[0]]
		if vs != nil && (len(goOrder) == 0 || goOrder[len(goOrder)-1] != vs) {
			goOrder = append(goOrder, vs)
		}
	}
	if slices.Equal(yaegi, goOrder) {
		return nil, nil
	}
	var out []moved
	seen := map[*ast.ValueSpec]bool{}
	for _, vs := range goOrder {
		if seen[vs] {
			p := fset.Position(vs.Pos())
			return nil, fmt.Errorf("%s:%d:%d: the variables of one declaration initialise apart from each other in Go's order, which the interpreter cannot follow", filepath.Base(p.Filename), p.Line, p.Column)
		}
		seen[vs] = true
		tf := fset.File(vs.Pos())
		m := moved{file: fileOf[vs], spec: vs, off: tf.Offset(vs.Pos()), end: tf.Offset(vs.End())}
		m.blank = m.off
		if d := declOf[vs]; !d.Lparen.IsValid() {
			m.blank = tf.Offset(d.Pos())
		}
		out = append(out, m)
	}
	return out, nil
}

// initFileText writes initFile: the package clause, the imports the moved
// specs use, and each spec's text (lowered) after a //line directive
// giving its place in its own file, named as the interpreter reads it
// (under GoPath).
func initFileText(fset *token.FileSet, pkg *types.Package, info *types.Info, ms []moved, texts []string, gopathDir string) (string, error) {
	imports := map[string]string{} // name → path
	dots := map[string]bool{}      // paths imported with .
	for _, m := range ms {
		for _, imp := range m.file.Imports {
			if imp.Name != nil && imp.Name.Name == "." {
				p, _ := strconv.Unquote(imp.Path.Value)
				dots[p] = true
			}
		}
		var err error
		ast.Inspect(m.spec, func(n ast.Node) bool {
			id, ok := n.(*ast.Ident)
			if !ok {
				return true
			}
			pn, ok := info.Uses[id].(*types.PkgName)
			if !ok {
				return true
			}
			if p, ok := imports[id.Name]; ok && p != pn.Imported().Path() {
				err = fmt.Errorf("the name %s means %s and %s in two files whose variables must initialise in Go's order", id.Name, p, pn.Imported().Path())
			}
			imports[id.Name] = pn.Imported().Path()
			return true
		})
		if err != nil {
			return "", err
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "package %s\n\n", pkg.Name())
	names := make([]string, 0, len(imports))
	for n := range imports {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(&b, "import %s %s\n", n, strconv.Quote(imports[n]))
	}
	for _, p := range slices.Sorted(maps.Keys(dots)) {
		fmt.Fprintf(&b, "import . %s\n", strconv.Quote(p))
	}
	for i, m := range ms {
		p := fset.Position(m.spec.Pos())
		fmt.Fprintf(&b, "\nvar /*line %s:%d:%d*/%s\n", path.Join(gopathDir, filepath.Base(p.Filename)), p.Line, p.Column, texts[i])
	}
	return b.String(), nil
}
