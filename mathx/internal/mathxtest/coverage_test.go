package mathxtest

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// propertyFiles are the test files that hold a package's bad-input
// property tests (issue 18).
var propertyFiles = map[string]bool{"property_test.go": true, "badinput_test.go": true, "fuzz_test.go": true}

// pending lists mathx packages whose property test is still to be
// written, with the reason; the coverage test skips them and says so.
var pending = map[string]string{}

// indirect lists routines that the property tests call only through
// another library, with where.
var indirect = map[string]string{
	"cbo.Method.Run": "gonum's optimize.Minimize calls it in cbo's TestPropertyBadInput (the Method case)",
}

// TestPropertyCoverage enforces issue 18's "the property test covers every
// exported routine of every mathx package": it parses each package under
// mathx/ and fails for every exported function, and every exported method
// (promoted ones of unexported embedded types included), that its
// property_test.go, badinput_test.go and fuzz_test.go never name (nor
// the test helpers they call). A
// method counts when its name and its receiver's type (or the type's
// constructor, New+type) are named there (the check is by name; it does
// not type-check).
func TestPropertyCoverage(t *testing.T) {
	root := filepath.Join("..", "..")
	dirs, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, d := range dirs {
		if !d.IsDir() || d.Name() == "internal" {
			continue
		}
		pkg := d.Name()
		routines, used, err := scanPackage(filepath.Join(root, pkg))
		if err != nil {
			t.Fatal(err)
		}
		if len(routines) == 0 {
			continue
		}
		if why, ok := pending[pkg]; ok {
			t.Logf("mathx/%s: %d exported routines not checked: %s", pkg, len(routines), why)
			continue
		}
		checked++
		var missing []string
		for _, r := range routines {
			if _, ok := indirect[pkg+"."+r.String()]; ok {
				continue
			}
			if !used[r.name] || r.recv != "" && !used[r.recv] && !used["New"+r.recv] {
				missing = append(missing, r.String())
			}
		}
		sort.Strings(missing)
		if len(missing) > 0 {
			t.Errorf("mathx/%s: %d of %d exported routines are not in its property tests (property_test.go, badinput_test.go, fuzz_test.go): %s; test them on issue 18's bad inputs, or list the package in pending (coverage_test.go) with the reason", pkg, len(missing), len(routines), strings.Join(missing, ", "))
		}
	}
	if checked < 9 {
		t.Errorf("checked %d mathx packages, want at least 9 (bandit, cbo, interrupt, lasso, online, ot, prox, sae, status)", checked)
	}
}

type routine struct{ recv, name string }

func (r routine) String() string {
	if r.recv == "" {
		return r.name
	}
	return r.recv + "." + r.name
}

// scanPackage returns the exported functions and methods of the package
// in dir and the identifiers its property test files use, directly or
// through the helper functions of its other test files that they call
// (convexFuncs in prox's props_test.go, say), followed transitively.
func scanPackage(dir string) ([]routine, map[string]bool, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, nil, err
	}
	fset := token.NewFileSet()
	var routines []routine
	used := map[string]bool{}
	helpers := map[string]map[string]bool{} // test helper → identifiers in it
	idents := func(n ast.Node) map[string]bool {
		m := map[string]bool{}
		ast.Inspect(n, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok {
				m[id.Name] = true
			}
			return true
		})
		return m
	}
	for _, f := range files {
		base := filepath.Base(f)
		test := strings.HasSuffix(base, "_test.go")
		af, err := parser.ParseFile(fset, f, nil, parser.SkipObjectResolution)
		if err != nil {
			return nil, nil, err
		}
		if test {
			if propertyFiles[base] {
				for k := range idents(af) {
					used[k] = true
				}
			}
			for _, decl := range af.Decls {
				if fd, ok := decl.(*ast.FuncDecl); ok && fd.Recv == nil && !strings.HasPrefix(fd.Name.Name, "Test") {
					helpers[fd.Name.Name] = idents(fd)
				}
			}
			continue
		}
		for _, decl := range af.Decls {
			fd, ok := decl.(*ast.FuncDecl)
			if !ok || !fd.Name.IsExported() {
				continue
			}
			r := routine{name: fd.Name.Name}
			if fd.Recv != nil {
				typ := fd.Recv.List[0].Type
				if s, ok := typ.(*ast.StarExpr); ok {
					typ = s.X
				}
				if id, ok := typ.(*ast.Ident); ok {
					r.recv = id.Name
				}
				if !ast.IsExported(r.recv) {
					// A method of an unexported type is reachable only when
					// the type is embedded in an exported one: its name
					// alone is checked.
					r.recv = ""
				}
			}
			routines = append(routines, r)
		}
	}
	for grew := true; grew; {
		grew = false
		for h, ids := range helpers {
			if !used[h] {
				continue
			}
			for k := range ids {
				if !used[k] {
					used[k], grew = true, true
				}
			}
			delete(helpers, h)
		}
	}
	return routines, used, nil
}
