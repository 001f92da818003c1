// Package scan decides which packages stdlib preloads and extracts their
// documentation. It is shared by the generator (internal/stdlib/internal/gen) and by
// the staleness test of package stdlib, so both see the same package list
// and the same documentation.
package scan

import (
	"fmt"
	"go/ast"
	"go/build"
	"go/doc"
	"go/parser"
	"go/printer"
	"go/token"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// ExtraPackages are the third-party packages preloaded besides the module's
// own packages under ScannedDirs.
var ExtraPackages = []string{
	"gonum.org/v1/gonum/diff/fd",
	"gonum.org/v1/gonum/floats",
	"gonum.org/v1/gonum/floats/scalar",
	"gonum.org/v1/gonum/integrate",
	"gonum.org/v1/gonum/interp",
	"gonum.org/v1/gonum/mat",
	"gonum.org/v1/gonum/optimize",
	"gonum.org/v1/gonum/stat",
	"gonum.org/v1/gonum/stat/combin",
	"gonum.org/v1/gonum/stat/distuv",
	"gonum.org/v1/plot",
	"gonum.org/v1/plot/plotter",
	"gonum.org/v1/plot/plotutil",
	"gonum.org/v1/plot/vg",
	"gonum.org/v1/plot/vg/draw",
	"gonum.org/v1/plot/vg/vgimg",
	"gonum.org/v1/plot/vg/vgsvg",
	// system calls and terminals, which the interpreter cannot run from
	// source (assembly, cgo-free syscalls): compiled in, so that modules
	// imported from a cell that depend on them (colour output, tables)
	// work
	"golang.org/x/sys/unix",
	"golang.org/x/term",
	"github.com/mattn/go-isatty",
}

// PlatformPackages are the ExtraPackages whose API and constants differ
// between platforms: like the standard library's, their tables hold
// Platform's and are built there only.
var PlatformPackages = []string{"golang.org/x/sys/unix"}

// Modules are the modules whose versions the tables depend on, besides Go
// itself; their versions are recorded in the documentation file.
var Modules = []string{
	"github.com/mattn/go-isatty",
	"github.com/traefik/yaegi",
	"golang.org/x/sys",
	"golang.org/x/term",
	"gonum.org/v1/gonum",
	"gonum.org/v1/plot",
}

// Platform is the GOOS/GOARCH whose standard library the generated tables
// hold, built without cgo as gomx is: constants such as os.DevNull and the
// API of syscall differ between platforms. The tables of the standard
// library are built on this platform only; elsewhere stdlib falls back to
// yaegi's tables (Go 1.22's API, see std_other.go).
var Platform = []string{"GOOS=linux", "GOARCH=amd64", "CGO_ENABLED=0"}

// StdExcluded are the standard packages that get no generated table, with
// the reason. unsafe is yaegi's own table (its conversions need the
// interpreter's hook); the others cannot be part of a cgo-free binary or
// mean nothing in a cell.
var StdExcluded = map[string]string{
	"unsafe":      "yaegi's stdlib/unsafe table, which adds the interpreter's conversion hook",
	"runtime/cgo": "cgo: gomx is built without it, and a cell cannot call C",
	"embed":       "a cell has no files to embed",
}

// StdPackages returns the sorted importable packages of the standard
// library of the go command on PATH for Platform: internal, vendored and
// command packages excepted, and StdExcluded.
func StdPackages() ([]string, error) {
	cmd := exec.Command("go", "list", "std")
	cmd.Env = append(os.Environ(), Platform...)
	b, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go list std: %w", err)
	}
	var ps []string
	for _, p := range strings.Fields(string(b)) {
		if p == "internal" || strings.HasPrefix(p, "internal/") || strings.Contains(p, "/internal/") || strings.HasSuffix(p, "/internal") ||
			strings.HasPrefix(p, "vendor/") || strings.HasPrefix(p, "cmd/") || StdExcluded[p] != "" {
			continue
		}
		ps = append(ps, p)
	}
	sort.Strings(ps)
	return ps, nil
}

// GoMinor returns the major.minor part of a Go version, "go1.26" of
// "go1.26.8" or "go1.26rc1": the tables hold a Go release's API, which
// patch releases do not change.
func GoMinor(v string) string {
	if i := strings.IndexAny(v, "br"); i > 0 && strings.Count(v, ".") == 1 {
		v = v[:i]
	}
	if maj, rest, ok := strings.Cut(v, "."); ok {
		minor, _, _ := strings.Cut(rest, ".")
		return maj + "." + minor
	}
	return v
}

// ScannedDirs are the module directories searched for packages to preload.
// display is among them because viz.Bundle and viz.Sink are aliases of its
// types: values of those types carry display's package path, and a session
// that names their type (a typed retry, Inspect of a method) needs display
// preloaded.
var ScannedDirs = []string{"display", "mathx", "viz"}

// Module returns the path and directory of the main module of the working
// directory.
func Module() (modPath, modDir string, err error) {
	b, err := exec.Command("go", "list", "-m", "-f", "{{.Path}}\t{{.Dir}}").Output()
	if err != nil {
		return "", "", fmt.Errorf("go list -m: %w", err)
	}
	f := strings.Split(strings.TrimSpace(string(b)), "\t")
	if len(f) != 2 {
		return "", "", fmt.Errorf("go list -m: unexpected output %q", b)
	}
	return f[0], f[1], nil
}

// LocalPackages walks ScannedDirs of the module at modDir for importable
// packages, skipping internal, testdata, hidden and main packages, and
// returns their sorted import paths.
func LocalPackages(modPath, modDir string) ([]string, error) {
	var pkgs []string
	for _, d := range ScannedDirs {
		root := filepath.Join(modDir, d)
		err := filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !e.IsDir() {
				return nil
			}
			n := e.Name()
			if p != root && (n == "internal" || n == "testdata" || strings.HasPrefix(n, ".") || strings.HasPrefix(n, "_")) {
				return filepath.SkipDir
			}
			bp, err := build.ImportDir(p, 0)
			if err != nil {
				if _, ok := err.(*build.NoGoError); ok {
					return nil
				}
				return fmt.Errorf("%s: %w", p, err)
			}
			if bp.Name == "main" {
				return nil
			}
			rel, err := filepath.Rel(modDir, p)
			if err != nil {
				return err
			}
			pkgs = append(pkgs, path.Join(modPath, filepath.ToSlash(rel)))
			return nil
		})
		if err != nil && !os.IsNotExist(err) {
			return nil, err
		}
	}
	sort.Strings(pkgs)
	return pkgs, nil
}

// An Entry is the documentation of one symbol: its signature (the
// declaration without body) and its doc comment.
type Entry [2]string

// Docs is the documentation of packages: import path → symbol name →
// entry. Methods are named "Type.Method"; the empty name holds the package
// clause and package doc.
type Docs map[string]map[string]Entry

// Collect extracts the documentation of pkgs, which must all be found.
func Collect(pkgs []string) (Docs, error) {
	args := append([]string{"list", "-e", "-f", "{{.ImportPath}}\t{{.Dir}}\t{{join .GoFiles \",\"}}"}, pkgs...)
	cmd := exec.Command("go", args...)
	cmd.Env = append(os.Environ(), Platform...)
	b, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go list: %w", err)
	}
	all := Docs{}
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		f := strings.Split(line, "\t")
		if len(f) != 3 || f[1] == "" || f[2] == "" {
			continue
		}
		d, err := packageDocs(f[0], f[1], strings.Split(f[2], ","))
		if err != nil {
			return nil, err
		}
		all[f[0]] = d
	}
	for _, p := range pkgs {
		if all[p] == nil {
			return nil, fmt.Errorf("no documentation found for %s", p)
		}
	}
	return all, nil
}

// packageDocs extracts the exported symbols' documentation of one package.
func packageDocs(importPath, dir string, files []string) (map[string]Entry, error) {
	fset := token.NewFileSet()
	var asts []*ast.File
	for _, f := range files {
		af, err := parser.ParseFile(fset, filepath.Join(dir, f), nil, parser.ParseComments)
		if err != nil {
			return nil, err
		}
		asts = append(asts, af)
	}
	p, err := doc.NewFromFiles(fset, asts, importPath)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", importPath, err)
	}
	m := map[string]Entry{"": {"package " + p.Name, p.Doc}}
	values := func(vs []*doc.Value, kw string) {
		for _, v := range vs {
			for _, s := range v.Decl.Specs {
				vs := s.(*ast.ValueSpec)
				d := v.Doc
				if vs.Doc != nil {
					d = vs.Doc.Text()
				}
				for _, n := range vs.Names {
					if n.IsExported() {
						m[n.Name] = Entry{kw + " " + node(fset, vs), d}
					}
				}
			}
		}
	}
	funcs := func(fs []*doc.Func, prefix string) {
		for _, f := range fs {
			f.Decl.Body = nil
			f.Decl.Doc = nil
			m[prefix+f.Name] = Entry{node(fset, f.Decl), f.Doc}
		}
	}
	values(p.Consts, "const")
	values(p.Vars, "var")
	funcs(p.Funcs, "")
	for _, t := range p.Types {
		spec := t.Decl.Specs[0].(*ast.TypeSpec)
		spec.Doc, spec.Comment = nil, nil
		m[t.Name] = Entry{"type " + node(fset, spec), t.Doc}
		values(t.Consts, "const")
		values(t.Vars, "var")
		funcs(t.Funcs, "")
		funcs(t.Methods, t.Name+".")
	}
	return m, nil
}

func node(fset *token.FileSet, n any) string {
	var b strings.Builder
	cfg := printer.Config{Mode: printer.UseSpaces | printer.TabIndent, Tabwidth: 8}
	if err := cfg.Fprint(&b, fset, n); err != nil {
		return ""
	}
	return b.String()
}
