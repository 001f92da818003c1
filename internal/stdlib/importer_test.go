package stdlib

import (
	"go/ast"
	goimporter "go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
)

// TestImporterAll imports every preloaded package and checks its type
// information against its table: every symbol of the table (yaegi's
// wrapper types "_Name" aside) is declared, with the same kind. It lists
// the exported declarations without a table entry: generic ones and
// constraints (yaegi cannot extract them) and the others, standard-library API newer than
// yaegi's Go 1.22 tables, which the front end rejects at check time.
func TestImporterAll(t *testing.T) {
	imp := NewImporter(token.NewFileSet())
	var newer, generic []string
	for _, p := range preloaded() {
		pkg, err := imp.Import(p)
		if err != nil {
			t.Errorf("Import(%q): %v", p, err)
			continue
		}
		if pkg.Path() != p || !pkg.Complete() {
			t.Errorf("Import(%q) = %s, complete %v", p, pkg.Path(), pkg.Complete())
		}
		key := p + "/" + pkg.Name()
		syms, ok := Symbols[key]
		if !ok {
			t.Errorf("%s: package name %s, but no table %s", p, pkg.Name(), key)
			continue
		}
		scope := pkg.Scope()
		for name, v := range syms {
			if strings.HasPrefix(name, "_") {
				continue
			}
			obj := scope.Lookup(name)
			if obj == nil {
				t.Errorf("%s.%s: in the table, not in the type information", p, name)
				continue
			}
			if msg := kindMismatch(obj, v); msg != "" {
				t.Errorf("%s.%s: %s", p, name, msg)
			}
		}
		for _, name := range scope.Names() {
			obj := scope.Lookup(name)
			if !obj.Exported() {
				continue
			}
			if _, ok := syms[name]; ok {
				continue
			}
			if isGeneric(obj) {
				generic = append(generic, p+"."+name)
			} else {
				newer = append(newer, p+"."+name)
			}
		}
	}
	t.Logf("%d exported declarations have type information and no table entry: %d generic or constraints, %d newer than the tables",
		len(newer)+len(generic), len(generic), len(newer))
	if testing.Verbose() {
		t.Logf("newer than the tables:\n%s", strings.Join(newer, "\n"))
		t.Logf("generic or constraints:\n%s", strings.Join(generic, "\n"))
	}
}

// kindMismatch describes how the table entry v does not fit obj: a
// function is a function value, a type a nil pointer to it, a variable
// addressable (reflect.ValueOf(&v).Elem()), a constant neither (a
// constant.Value or a typed value).
func kindMismatch(obj types.Object, v reflect.Value) string {
	switch obj.(type) {
	case *types.Func:
		if v.Kind() != reflect.Func {
			return "a function with a table entry of kind " + v.Kind().String()
		}
	case *types.TypeName:
		if v.Kind() != reflect.Pointer || !v.IsNil() {
			return "a type with a table entry that is no nil pointer"
		}
	case *types.Var:
		if !v.CanAddr() {
			return "a variable with a table entry that is not addressable"
		}
	case *types.Const:
		if v.Kind() == reflect.Func || v.CanAddr() {
			return "a constant with a table entry that is a function or a variable"
		}
	}
	return ""
}

// isGeneric reports whether obj is a generic function or type, or a
// constraint (an interface that is not a method set, as cmp.Ordered).
func isGeneric(obj types.Object) bool {
	switch o := obj.(type) {
	case *types.Func:
		return o.Type().(*types.Signature).TypeParams().Len() > 0
	case *types.TypeName:
		if it, ok := o.Type().Underlying().(*types.Interface); ok && !it.IsMethodSet() {
			return true
		}
		switch t := o.Type().(type) {
		case *types.Named:
			return t.TypeParams().Len() > 0
		case *types.Alias:
			return t.TypeParams().Len() > 0
		}
	}
	return false
}

// typesFresh checks, for TestTablesFresh, that types/ holds a file for each
// preloaded package and no other, and that the type information of the
// module's own packages declares the exported functions, types, variables
// and constants their documentation (checked fresh before) lists. The exact
// check, regenerating and comparing every byte, is `make stdlib-fresh`.
func typesFresh(t *testing.T, modPath string) {
	t.Helper()
	var want, have []string
	for _, p := range preloaded() {
		want = append(want, typesFile(p))
	}
	err := fs.WalkDir(typesFiles, "types", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			have = append(have, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(want)
	if !slices.Equal(have, want) {
		for _, f := range want {
			if !slices.Contains(have, f) {
				t.Errorf("%s missing", f)
			}
		}
		for _, f := range have {
			if !slices.Contains(want, f) {
				t.Errorf("%s is no preloaded package's", f)
			}
		}
		t.Fatalf("%s: type information", stale)
	}
	imp := NewImporter(nil)
	for _, p := range preloaded() {
		if !strings.HasPrefix(p, modPath+"/") {
			continue
		}
		pkg, err := imp.Import(p)
		if err != nil {
			t.Fatalf("%s: %v", stale, err)
		}
		var got, doc []string
		for _, name := range pkg.Scope().Names() {
			if token.IsExported(name) {
				got = append(got, name)
			}
		}
		for name := range packageDocs(p) {
			if name != "" && !strings.Contains(name, ".") {
				doc = append(doc, name)
			}
		}
		sort.Strings(doc)
		if !slices.Equal(got, doc) {
			t.Fatalf("%s: type information of %s declares %v, the sources %v", stale, p, got, doc)
		}
	}
}

func TestImporterErrors(t *testing.T) {
	imp := NewImporter(nil)
	if p, err := imp.Import("unsafe"); p != types.Unsafe || err != nil {
		t.Errorf(`Import("unsafe") = %v, %v`, p, err)
	}
	// internal/fmtsort is in fmt's export data; gonum_org/… has mat's file
	// name.
	for _, p := range []string{"no/such", "internal/fmtsort", "gonum_org/v1/gonum/mat", "golang.org/x/tools/go/packages", ""} {
		if p == "internal/fmtsort" {
			if _, err := imp.Import("fmt"); err != nil {
				t.Fatal(err)
			}
		}
		_, err := imp.Import(p)
		if want := `package "` + p + `" is not preloaded in gomx`; err == nil || err.Error() != want {
			t.Errorf("Import(%q) error %v, want %s", p, err, want)
		}
	}
	// the standard packages left out say why
	for p, want := range map[string]string{
		"embed":       "package embed is not available in gomx: a cell has no files to embed",
		"runtime/cgo": "package runtime/cgo is not available in gomx: cgo: gomx is built without it, and a cell cannot call C",
	} {
		if _, err := imp.Import(p); err == nil || err.Error() != want {
			t.Errorf("Import(%q) error %v, want %s", p, err, want)
		}
	}
}

// TestImporterShared checks that packages imported through one importer
// share their dependencies, whatever the order, and that a package first
// reached as a dependency is complete once imported.
func TestImporterShared(t *testing.T) {
	imp := NewImporter(token.NewFileSet())
	mustImport := func(p string) *types.Package {
		t.Helper()
		pkg, err := imp.Import(p)
		if err != nil {
			t.Fatal(err)
		}
		return pkg
	}
	fmtPkg := mustImport("fmt")
	fprintln := fmtPkg.Scope().Lookup("Fprintln").Type().(*types.Signature)
	w := fprintln.Params().At(0).Type()
	ioPkg := mustImport("io")
	if ioPkg.Scope().Lookup("Writer").Type() != w {
		t.Errorf("io.Writer (%v) is not fmt.Fprintln's %v", ioPkg.Scope().Lookup("Writer").Type(), w)
	}
	if !ioPkg.Complete() || ioPkg.Scope().Lookup("Pipe") == nil {
		t.Error("io is incomplete after fmt")
	}
	if again := mustImport("fmt"); again != fmtPkg {
		t.Error("second import of fmt returned another package")
	}
	// mat.Dense implements mat.Matrix, and viz's and display's Bundle are
	// one type.
	mat := mustImport("gonum.org/v1/gonum/mat")
	dense := types.NewPointer(mat.Scope().Lookup("Dense").Type())
	matrix := mat.Scope().Lookup("Matrix").Type().Underlying().(*types.Interface)
	if !types.Implements(dense, matrix) {
		t.Error("*mat.Dense does not implement mat.Matrix")
	}
	viz := mustImport("github.com/gomx-dev/gomx/viz")
	display := mustImport("github.com/gomx-dev/gomx/display")
	if vb, db := viz.Scope().Lookup("Bundle"), display.Scope().Lookup("Bundle"); vb == nil || db == nil || !types.Identical(vb.Type(), db.Type()) {
		t.Errorf("viz.Bundle %v, display.Bundle %v", vb, db)
	}
}

// TestImporterCheck type-checks cells as the front end does.
func TestImporterCheck(t *testing.T) {
	tests := []struct {
		src, err string
	}{
		{`package p
import (
	"fmt"
	"io"
	"os"
	"slices"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"github.com/gomx-dev/gomx/viz"
)
var _ io.Writer = os.Stdout
func f() {
	a := mat.NewDense(2, 2, []float64{1, 2, 3, 4})
	var c mat.Dense
	c.Mul(a, a.T())
	fmt.Println(mat.Formatted(&c), slices.Max([]int{1, 3}))
	p := plot.New()
	l, _ := plotter.NewLine(plotter.XYs{{X: 1, Y: 2}})
	p.Add(l)
	viz.Show(p)
	for i := range 3 { _ = i }
	_ = new(1.5)
}`, ""},
		{`package p
import "gonum.org/v1/gonum/mat"
var _ mat.Matrix = mat.Dense{}`, "does not implement"},
		{`package p
import "gonum.org/v1/gonum/nosuch"`, `package "gonum.org/v1/gonum/nosuch" is not preloaded in gomx`},
	}
	for _, tt := range tests {
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, "cell.go", tt.src, 0)
		if err != nil {
			t.Fatal(err)
		}
		conf := types.Config{Importer: NewImporter(fset), GoVersion: "go1.26"}
		_, err = conf.Check("p", fset, []*ast.File{f}, nil)
		if (err == nil) != (tt.err == "") || err != nil && !strings.Contains(err.Error(), tt.err) {
			t.Errorf("%s\nerror %v, want %q", tt.src, err, tt.err)
		}
	}
}

// TestImporterConcurrent imports packages from several goroutines through
// one importer (go test -race finds the races).
func TestImporterConcurrent(t *testing.T) {
	imp := NewImporter(nil)
	ps := []string{"fmt", "io", "gonum.org/v1/gonum/mat", "gonum.org/v1/plot", "github.com/gomx-dev/gomx/viz", "net/http", "os"}
	got := make([][]*types.Package, 4)
	var wg sync.WaitGroup
	for g := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range ps {
				p := ps[(i+g)%len(ps)]
				pkg, err := imp.Import(p)
				if err != nil {
					t.Error(err)
					return
				}
				got[g] = append(got[g], pkg)
			}
		}()
	}
	wg.Wait()
	for g := range got {
		for _, pkg := range got[g] {
			if again, _ := imp.Import(pkg.Path()); again != pkg {
				t.Errorf("%s imported twice as different packages", pkg.Path())
			}
		}
	}
}

// TestImporterMatchesCompiler compares the type information of a few
// packages with the compiler's export data (go list -export): the same
// exported names with identical types, as strings.
func TestImporterMatchesCompiler(t *testing.T) {
	if testing.Short() {
		t.Skip("builds export data")
	}
	imp := NewImporter(nil)
	gc := goimporter.ForCompiler(token.NewFileSet(), "gc", func(p string) (io.ReadCloser, error) {
		out, err := exec.Command("go", "list", "-export", "-f", "{{.Export}}", p).Output()
		if err != nil {
			return nil, err
		}
		return os.Open(strings.TrimSpace(string(out)))
	})
	for _, p := range []string{"fmt", "math", "strings", "gonum.org/v1/gonum/mat", "gonum.org/v1/plot/vg"} {
		ours, err := imp.Import(p)
		if err != nil {
			t.Fatal(err)
		}
		theirs, err := gc.Import(p)
		if err != nil {
			t.Skipf("compiler export data of %s: %v", p, err)
		}
		if a, b := exportedAPI(ours), exportedAPI(theirs); !slices.Equal(a, b) {
			t.Errorf("%s: type information differs from the compiler's:\nours:   %v\ntheirs: %v", p, diff(a, b), diff(b, a))
		}
	}
}

// exportedAPI lists the exported declarations of pkg with their types and
// methods.
func exportedAPI(pkg *types.Package) []string {
	var api []string
	q := types.RelativeTo(pkg)
	for _, name := range pkg.Scope().Names() {
		obj := pkg.Scope().Lookup(name)
		if !obj.Exported() {
			continue
		}
		api = append(api, types.ObjectString(obj, q))
		if tn, ok := obj.(*types.TypeName); ok && !tn.IsAlias() {
			ms := types.NewMethodSet(types.NewPointer(tn.Type()))
			for i := range ms.Len() {
				if m := ms.At(i).Obj(); m.Exported() {
					api = append(api, name+"."+types.ObjectString(m, q))
				}
			}
		}
	}
	return api
}

// diff returns the elements of a not in b.
func diff(a, b []string) []string {
	var d []string
	for _, s := range a {
		if !slices.Contains(b, s) {
			d = append(d, s)
		}
	}
	return d
}

// BenchmarkImportCold measures a fresh importer's first import of a
// package: reading and decoding its type information.
func BenchmarkImportCold(b *testing.B) {
	for _, p := range []string{"fmt", "gonum.org/v1/gonum/mat", "gonum.org/v1/plot", "net/http"} {
		b.Run(path.Base(p), func(b *testing.B) {
			for b.Loop() {
				if _, err := NewImporter(nil).Import(p); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
