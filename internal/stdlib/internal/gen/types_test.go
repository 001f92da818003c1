package main

import (
	"bytes"
	"compress/gzip"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"golang.org/x/tools/go/gcexportdata"
)

func TestTrimmedName(t *testing.T) {
	type mod = struct {
		Path, Version, GoVersion string
		Main                     bool
	}
	tests := []struct {
		p    listedPackage
		want string
	}{
		{listedPackage{ImportPath: "fmt", Standard: true}, "fmt/print.go"},
		{listedPackage{ImportPath: "vendor/golang.org/x/net/idna", Standard: true}, "vendor/golang.org/x/net/idna/print.go"},
		{listedPackage{ImportPath: "gonum.org/v1/gonum/mat", Module: &mod{Path: "gonum.org/v1/gonum", Version: "v0.17.0"}}, "gonum.org/v1/gonum@v0.17.0/mat/print.go"},
		{listedPackage{ImportPath: "gonum.org/v1/plot", Module: &mod{Path: "gonum.org/v1/plot", Version: "v0.17.0"}}, "gonum.org/v1/plot@v0.17.0/print.go"},
		{listedPackage{ImportPath: "github.com/gomx-dev/gomx/viz", Module: &mod{Path: "github.com/gomx-dev/gomx", Main: true}}, "github.com/gomx-dev/gomx/viz/print.go"},
	}
	for _, tt := range tests {
		if got := trimmedName(&tt.p, "print.go"); got != tt.want {
			t.Errorf("trimmedName(%s) = %q, want %q", tt.p.ImportPath, got, tt.want)
		}
	}
}

// TestWriteTypes writes the type information of a few packages twice, once
// pruning the files of other packages (the full generation) and once not
// (-add), and checks that only the first removed a stale file, that the bytes are the same, that they name no directory of this
// machine, that they read back, and that the main module's declarations
// carry no position while the others do.
func TestWriteTypes(t *testing.T) {
	const (
		intr   = "github.com/gomx-dev/gomx/mathx/interrupt"
		scalar = "gonum.org/v1/gonum/floats/scalar"
	)
	pkgs := []string{"fmt", scalar, intr}
	a, b := t.TempDir(), t.TempDir()
	for _, dir := range []string{a, b} {
		if err := os.WriteFile(filepath.Join(dir, "gone.gz"), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := writeTypes(dir, pkgs, dir == a); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := os.Stat(filepath.Join(a, "gone.gz")); err == nil {
		t.Error("writeTypes kept the file of a package no longer preloaded")
	}
	if _, err := os.Stat(filepath.Join(b, "gone.gz")); err != nil {
		t.Errorf("writeTypes without pruning removed another package's file: %v", err)
	}
	machine := []string{runtime.GOROOT(), goEnv(t, "GOMODCACHE"), goEnv(t, "GOPATH")}
	if wd, err := os.Getwd(); err == nil {
		machine = append(machine, filepath.Dir(filepath.Dir(filepath.Dir(filepath.Dir(wd)))))
	}
	fset := token.NewFileSet()
	imports := map[string]*types.Package{}
	for _, p := range pkgs {
		name := fileName.Replace(p) + ".gz"
		ga, err := os.ReadFile(filepath.Join(a, name))
		if err != nil {
			t.Fatal(err)
		}
		gb, _ := os.ReadFile(filepath.Join(b, name))
		if !bytes.Equal(ga, gb) {
			t.Errorf("%s: two runs wrote different bytes", name)
		}
		zr, err := gzip.NewReader(bytes.NewReader(ga))
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(zr)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range machine {
			if m != "" && m != "/" && bytes.Contains(data, []byte(m)) {
				t.Errorf("%s names %s", name, m)
			}
		}
		pkg, err := gcexportdata.Read(bytes.NewReader(data), fset, imports, p)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if pkg.Path() != p || !pkg.Complete() {
			t.Errorf("%s read back as %s (complete %v)", p, pkg.Path(), pkg.Complete())
		}
	}
	pos := func(path, name string) token.Position {
		o := imports[path].Scope().Lookup(name)
		if o == nil {
			t.Fatalf("%s.%s missing", path, name)
		}
		return fset.Position(o.Pos())
	}
	if p := pos("fmt", "Println"); p.Filename != "fmt/print.go" || p.Line == 0 {
		t.Errorf("fmt.Println at %v, want fmt/print.go:…", p)
	}
	if p := pos(scalar, "EqualWithinAbs"); !strings.HasPrefix(p.Filename, "gonum.org/v1/gonum@v") || !strings.HasSuffix(p.Filename, "/floats/scalar/scalar.go") {
		t.Errorf("scalar.EqualWithinAbs at %v", p)
	}
	if p := pos(intr, "Context"); p.IsValid() {
		t.Errorf("interrupt.Context at %v, want no position", p)
	}
	// fmt's export data holds the io.Writer its Fprintln takes.
	if imports["io"] == nil || imports["io"].Scope().Lookup("Writer") == nil {
		t.Error("fmt's export data lacks io.Writer")
	}
}

func goEnv(t *testing.T, key string) string {
	b, err := exec.Command("go", "env", key).Output()
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}
