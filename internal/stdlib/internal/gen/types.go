package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"

	"golang.org/x/tools/go/gcexportdata"
)

// typesDir is the directory, next to docs, of the preloaded packages' type
// information.
const typesDir = "types"

// The type information describes this platform whatever the generating
// machine's, so that every machine writes the same bytes. It is the platform
// of yaegi's standard-library tables, whose constants (math.MaxInt,
// strconv.IntSize) are amd64's.
const (
	typesGOOS   = "linux"
	typesGOARCH = "amd64"
)

// A listedPackage is the part of `go list -json` the type checking uses.
type listedPackage struct {
	ImportPath string
	Name       string
	Dir        string
	GoFiles    []string
	Imports    []string          // resolved import paths (vendor/… in std)
	ImportMap  map[string]string // import path in the source → resolved
	Standard   bool
	Module     *struct {
		Path, Version, GoVersion string
		Main                     bool
	}
	Error      *struct{ Err string }
	DepsErrors []*struct{ Err string }
}

// writeTypes writes into dir the type information of pkgs: for each, its
// export data as gcexportdata.Write writes it (the indexed format, which
// holds the exported declarations and everything they reference in other
// packages, so one file is enough to import a package), gzip-compressed, in
// a file named like its documentation. With prune, it removes the files of
// packages no longer preloaded.
//
// The packages and their dependencies are type-checked from source
// (function bodies ignored) for typesGOOS/typesGOARCH with cgo disabled.
// Positions name files as -trimpath does ("fmt/print.go",
// "gonum.org/v1/gonum@v0.17.0/mat/dense.go"), so the bytes do not depend on
// where GOROOT or the module cache are; declarations of the main module's
// own packages carry no position, so that editing a function body there
// does not change the type information.
func writeTypes(dir string, pkgs []string, prune bool) error {
	listed, err := listDeps(pkgs)
	if err != nil {
		return err
	}
	fset := token.NewFileSet()
	checked, local, err := checkAll(fset, listed)
	if err != nil {
		return err
	}
	view := exportFileSet(fset, local)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	names := make([]string, len(pkgs))
	errs := make([]error, len(pkgs))
	sem := make(chan struct{}, runtime.NumCPU())
	var wg sync.WaitGroup
	for i, p := range pkgs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			names[i], errs[i] = writeExport(dir, view, p, checked[p])
		}()
	}
	wg.Wait()
	written := map[string]bool{}
	for i := range pkgs {
		if errs[i] != nil {
			return errs[i]
		}
		written[names[i]] = true
	}
	if !prune {
		return nil
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range ents {
		if n := e.Name(); !written[n] && strings.HasSuffix(n, ".gz") {
			if err := os.Remove(filepath.Join(dir, n)); err != nil {
				return err
			}
		}
	}
	return nil
}

// writeExport writes the compressed export data of pkg, preloaded as path,
// into dir and returns the file name.
func writeExport(dir string, fset *token.FileSet, path string, pkg *types.Package) (string, error) {
	if pkg == nil {
		return "", fmt.Errorf("types of %s: not type-checked", path)
	}
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return "", err
	}
	if err := gcexportdata.Write(zw, fset, pkg); err != nil {
		return "", fmt.Errorf("types of %s: %w", path, err)
	}
	if err := zw.Close(); err != nil {
		return "", err
	}
	name := fileName.Replace(path) + ".gz"
	return name, os.WriteFile(filepath.Join(dir, name), buf.Bytes(), 0o644)
}

// listDeps lists pkgs and their dependencies for typesGOOS/typesGOARCH.
func listDeps(pkgs []string) ([]*listedPackage, error) {
	args := append([]string{"list", "-e", "-deps",
		"-json=ImportPath,Name,Dir,GoFiles,Imports,ImportMap,Standard,Module,Error,DepsErrors"}, pkgs...)
	cmd := exec.Command("go", args...)
	cmd.Env = append(os.Environ(), "GOOS="+typesGOOS, "GOARCH="+typesGOARCH, "CGO_ENABLED=0")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go list -deps: %w\n%s", err, stderr.Bytes())
	}
	var listed []*listedPackage
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p listedPackage
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			return nil, fmt.Errorf("go list -deps: %w", err)
		}
		if p.Error != nil {
			return nil, fmt.Errorf("go list %s: %s", p.ImportPath, p.Error.Err)
		}
		for _, e := range p.DepsErrors {
			return nil, fmt.Errorf("go list %s: %s", p.ImportPath, e.Err)
		}
		listed = append(listed, &p)
	}
	return listed, nil
}

// trimmedName names a source file of p as -trimpath does: relative to
// GOROOT/src in the standard library, module@version/… in a dependency, and
// module-path/… in the main module.
func trimmedName(p *listedPackage, file string) string {
	switch {
	case p.Standard || p.Module == nil:
		return p.ImportPath + "/" + file
	case p.Module.Main || p.Module.Version == "":
		return p.ImportPath + "/" + file
	default:
		return p.Module.Path + "@" + p.Module.Version + strings.TrimPrefix(p.ImportPath, p.Module.Path) + "/" + file
	}
}

// checkAll type-checks the listed packages, function bodies ignored, each
// once its dependencies are, in parallel. It returns them by import path,
// and the files of the main module's packages.
func checkAll(fset *token.FileSet, listed []*listedPackage) (map[string]*types.Package, map[*token.File]bool, error) {
	sizes := types.SizesFor("gc", typesGOARCH)
	done := map[string]chan struct{}{}
	for _, p := range listed {
		done[p.ImportPath] = make(chan struct{})
	}
	var (
		mu      sync.Mutex
		checked = map[string]*types.Package{"unsafe": types.Unsafe}
		local   = map[*token.File]bool{}
		errs    []error
	)
	sem := make(chan struct{}, runtime.NumCPU())
	var wg sync.WaitGroup
	for _, p := range listed {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer close(done[p.ImportPath])
			for _, imp := range p.Imports {
				if ch, ok := done[imp]; ok {
					<-ch
				}
			}
			if p.ImportPath == "unsafe" {
				return
			}
			sem <- struct{}{}
			defer func() { <-sem }()
			mu.Lock()
			deps := map[string]*types.Package{}
			for _, imp := range p.Imports {
				deps[imp] = checked[imp]
			}
			mu.Unlock()
			pkg, files, err := checkOne(fset, sizes, p, deps)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err)
				return
			}
			checked[p.ImportPath] = pkg
			if p.Module != nil && p.Module.Main {
				for _, f := range files {
					local[fset.File(f.FileStart)] = true
				}
			}
		}()
	}
	wg.Wait()
	if len(errs) > 0 {
		sort.Slice(errs, func(i, j int) bool { return errs[i].Error() < errs[j].Error() })
		return nil, nil, errors.Join(errs...)
	}
	return checked, local, nil
}

// checkOne parses and type-checks one package against its type-checked
// dependencies deps (by resolved import path).
func checkOne(fset *token.FileSet, sizes types.Sizes, p *listedPackage, deps map[string]*types.Package) (*types.Package, []*ast.File, error) {
	var files []*ast.File
	for _, f := range p.GoFiles {
		src, err := os.ReadFile(filepath.Join(p.Dir, f))
		if err != nil {
			return nil, nil, err
		}
		af, err := parser.ParseFile(fset, trimmedName(p, f), src, parser.SkipObjectResolution)
		if err != nil {
			return nil, nil, err
		}
		files = append(files, af)
	}
	var typeErrs []error
	conf := types.Config{
		Importer: importerFunc(func(path string) (*types.Package, error) {
			if r, ok := p.ImportMap[path]; ok {
				path = r
			}
			if path == "unsafe" {
				return types.Unsafe, nil
			}
			if d := deps[path]; d != nil {
				return d, nil
			}
			return nil, fmt.Errorf("%s not type-checked", path)
		}),
		IgnoreFuncBodies: true,
		Sizes:            sizes,
		Error: func(err error) {
			if len(typeErrs) < 10 {
				typeErrs = append(typeErrs, err)
			}
		},
	}
	if p.Module != nil && p.Module.GoVersion != "" {
		conf.GoVersion = "go" + p.Module.GoVersion
	}
	pkg, _ := conf.Check(p.ImportPath, fset, files, nil)
	if len(typeErrs) > 0 {
		return nil, nil, fmt.Errorf("type-checking %s: %w", p.ImportPath, errors.Join(typeErrs...))
	}
	return pkg, files, nil
}

type importerFunc func(path string) (*types.Package, error)

func (f importerFunc) Import(path string) (*types.Package, error) { return f(path) }

// exportFileSet returns a copy of fset for writing export data: the same
// files at the same bases, so that positions keep their meaning, without
// the files in omit (positions there become unknown) and without //line
// adjustments.
func exportFileSet(fset *token.FileSet, omit map[*token.File]bool) *token.FileSet {
	view := token.NewFileSet()
	fset.Iterate(func(f *token.File) bool {
		if !omit[f] {
			view.AddFile(f.Name(), f.Base(), f.Size()).SetLines(f.Lines())
		}
		return true
	})
	return view
}
