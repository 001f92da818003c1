//go:build linux && amd64

package stdlib

import (
	"bufio"
	"encoding/json"
	"fmt"
	"go/token"
	"go/types"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/gomx-dev/gomx/internal/stdlib/internal/scan"
	"golang.org/x/tools/go/gcexportdata"
)

// stdExceptions is the committed list of exported symbols of the standard
// library that a cell cannot use, "path.Name: reason" per line.
const stdExceptions = "testdata/std_exceptions.txt"

// TestStdSymbols lists every exported symbol of every standard package
// from the gc compiler's own export data (go list -export, independent of
// yaegi's extraction), and checks that each non-generic one is in the
// package's table, or listed in testdata/std_exceptions.txt with a reason.
// Constants need no table entry (the front end writes each as a literal)
// and generic functions and types none either (the front end instantiates
// them, see internal/front), but they must have a type. Then it compiles,
// for each package, a program that refers to every function, variable and
// type of the table: an entry the interpreter cannot use fails here.
func TestStdSymbols(t *testing.T) {
	if testing.Short() {
		t.Skip("lists and compiles the whole standard library")
	}
	std, err := scan.StdPackages()
	if err != nil {
		t.Fatal(err)
	}
	exceptions := readExceptions(t)
	cmd := exec.Command("go", append([]string{"list", "-export", "-json=ImportPath,Export"}, std...)...)
	cmd.Env = append(os.Environ(), scan.Platform...)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list -export: %v", err)
	}
	exports := map[string]string{}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for dec.More() {
		var p struct{ ImportPath, Export string }
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		exports[p.ImportPath] = p.Export
	}
	fset := token.NewFileSet()
	imports := map[string]*types.Package{}
	listed := map[string]bool{}
	for _, path := range std {
		pkg, err := readExport(fset, imports, path, exports[path])
		if err != nil {
			t.Errorf("%s: %v", path, err)
			continue
		}
		table, ok := Symbols[path+"/"+pkg.Name()]
		if !ok {
			t.Errorf("%s: no table", path)
			continue
		}
		var refs []string
		for _, name := range pkg.Scope().Names() {
			obj := pkg.Scope().Lookup(name)
			if !obj.Exported() {
				continue
			}
			key := path + "." + name
			if _, ok := exceptions[key]; ok {
				listed[key] = true
				if _, has := table[name]; has {
					t.Errorf("%s is listed in %s but the table has it", key, stdExceptions)
				}
				continue
			}
			if isGeneric(obj) {
				continue
			}
			if _, ok := obj.(*types.Const); ok {
				continue
			}
			if _, ok := table[name]; !ok {
				t.Errorf("%s is not in the table", key)
				continue
			}
			switch obj.(type) {
			case *types.TypeName:
				refs = append(refs, fmt.Sprintf("var _ *%s.%s", pkg.Name(), name))
			default:
				refs = append(refs, fmt.Sprintf("var _ = %s.%s", pkg.Name(), name))
			}
		}
		if len(refs) == 0 {
			continue
		}
		src := fmt.Sprintf("package main\n\nimport %q\n\n%s\n", path, strings.Join(refs, "\n"))
		i := newInterp(t)
		if _, err := i.Eval(src); err != nil {
			t.Errorf("%s: the interpreter cannot use its table: %v", path, err)
		}
	}
	for key := range exceptions {
		if !listed[key] {
			t.Errorf("%s is listed in %s but is no exported symbol", key, stdExceptions)
		}
	}
}

// readExport reads the gc export data of path from file.
func readExport(fset *token.FileSet, imports map[string]*types.Package, path, file string) (*types.Package, error) {
	if file == "" {
		return nil, fmt.Errorf("no export data")
	}
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r, err := gcexportdata.NewReader(bufio.NewReader(f))
	if err != nil {
		return nil, err
	}
	return gcexportdata.Read(r, fset, imports, path)
}

// readExceptions reads stdExceptions: "path.Name: reason" lines, # comments.
func readExceptions(t *testing.T) map[string]string {
	t.Helper()
	b, err := os.ReadFile(stdExceptions)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	for n, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		key, reason, ok := strings.Cut(line, ": ")
		if !ok || strings.TrimSpace(reason) == "" {
			t.Fatalf("%s:%d: want `path.Name: reason`", stdExceptions, n+1)
		}
		m[key] = reason
	}
	return m
}
