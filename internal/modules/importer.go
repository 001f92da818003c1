package modules

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"

	"github.com/gomx-dev/gomx/internal/front"
)

// A generation is the module state of one interpreter: the packages
// type-checked and served to it, and the imports refused.
type generation struct {
	pkgs   map[string]*loaded
	failed map[string]error
}

func newGeneration() *generation {
	return &generation{pkgs: map[string]*loaded{}, failed: map[string]error{}}
}

// A loaded package has been type-checked from source and is served
// lowered.
type loaded struct {
	Package
	types *types.Package
	// docs are the doc comments of its declarations, pkgDoc the
	// package's (for Doc)
	docs   map[types.Object]string
	pkgDoc string
	src    map[string][]byte // lowered sources by file name
	// compiled is set once the interpreter has compiled a cell that
	// imported the package (Settle)
	compiled bool
}

// importedOf returns the sorted packages of module mod that this
// generation has loaded.
func (g *generation) importedOf(mod string) []string {
	var ps []string
	for path, p := range g.pkgs {
		if p.Module == mod {
			ps = append(ps, path)
		}
	}
	sort.Strings(ps)
	return ps
}

// Reset starts the module state of a new interpreter (%reset): no package
// is loaded, and versions that %go get chose for imported modules apply.
func (m *Modules) Reset() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.gen = newGeneration()
	for mod, v := range m.pending {
		m.modules[mod] = v
	}
	m.pending = map[string]string{}
}

// Importer returns the importer of a session's cells: std (the
// importer of the preloaded packages) for the standard library and the
// preloaded packages, and the packages of modules, resolved with the go
// command and type-checked from source, for the others. Positions are
// recorded in fset, the interpreter's file set.
func (m *Modules) Importer(fset *token.FileSet, std types.Importer) types.ImporterFrom {
	return &importer{m: m, fset: fset, std: std}
}

type importer struct {
	m    *Modules
	fset *token.FileSet
	std  types.Importer
}

func (im *importer) Import(path string) (*types.Package, error) {
	return im.ImportFrom(path, "", 0)
}

func (im *importer) ImportFrom(path, dir string, mode types.ImportMode) (*types.Package, error) {
	if !im.fromSource(path) {
		return im.std.Import(path)
	}
	return im.m.load(im, path)
}

// fromSource reports whether path is a package of a module, not
// preloaded: its first element has a dot.
func (im *importer) fromSource(path string) bool {
	if im.m.cfg.Compiled != nil && im.m.cfg.Compiled(path) {
		return false
	}
	first, _, _ := strings.Cut(path, "/")
	return strings.Contains(first, ".")
}

// load returns the type information of the module package path, resolving
// and type-checking it and its dependencies on first use.
func (m *Modules) load(im *importer, path string) (*types.Package, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	g := m.gen
	if p, ok := g.pkgs[path]; ok {
		return p.types, nil
	}
	if err, ok := g.failed[path]; ok {
		return nil, err
	}
	err := m.loadNew(im, g, path)
	if err != nil {
		if m.ctx().Err() == nil { // an interrupted download may be tried again
			g.failed[path] = err
		}
		return nil, err
	}
	return g.pkgs[path].types, nil
}

func (m *Modules) loadNew(im *importer, g *generation, path string) error {
	pkgs, err := m.resolve(path)
	if err != nil {
		return err
	}
	for _, p := range pkgs {
		if err := m.check(p); err != nil {
			return err
		}
		if p.Standard || p.Module == nil {
			continue
		}
		mod := p.Module.Path
		if v := m.modules[mod]; v != p.Module.Version {
			if imported := g.importedOf(mod); len(imported) > 0 {
				return fmt.Errorf("it needs %s %s, but %s %s is imported in this session (%s): %%reset (or restart the kernel) to change its version", mod, p.Module.Version, mod, v, strings.Join(imported, ", "))
			}
			m.modules[mod] = p.Module.Version
		}
	}
	var added []string
	for _, p := range pkgs {
		if p.Standard || !im.fromSource(p.ImportPath) {
			continue
		}
		if _, ok := g.pkgs[p.ImportPath]; ok {
			continue
		}
		if err, ok := g.failed[p.ImportPath]; ok {
			return err
		}
		l, err := im.typeCheck(g, p)
		if err != nil {
			g.failed[p.ImportPath] = err
			return err
		}
		g.pkgs[p.ImportPath] = l
		added = append(added, p.ImportPath)
	}
	if _, ok := g.pkgs[path]; !ok {
		return fmt.Errorf("package %s: go list did not list it", path)
	}
	if err := m.checkCompile(g, path, added); err != nil {
		for _, p := range added {
			delete(g.pkgs, p)
			if m.ctx().Err() == nil {
				g.failed[p] = err
			}
		}
		return err
	}
	return nil
}

// checkCompile has Config.Check compile the package path, from a
// temporary GOPATH directory with the generation's packages. When it
// fails, the packages added for it (dependencies first) are compiled by
// bisection to name the first that fails: the interpreter's fatal errors
// (a stack overflow of its compiler) name none.
func (m *Modules) checkCompile(g *generation, path string, added []string) error {
	if m.cfg.Check == nil {
		return nil
	}
	dir, err := os.MkdirTemp("", "gomx-check-")
	if err != nil {
		return fmt.Errorf("checking package %s: %v", path, err)
	}
	defer os.RemoveAll(dir)
	for p, l := range g.pkgs {
		pdir := filepath.Join(dir, "src", filepath.FromSlash(p))
		if err := os.MkdirAll(pdir, 0o755); err != nil {
			return fmt.Errorf("checking package %s: %v", path, err)
		}
		for name, src := range l.src {
			if err := os.WriteFile(filepath.Join(pdir, name), src, 0o644); err != nil {
				return fmt.Errorf("checking package %s: %v", path, err)
			}
		}
	}
	err = m.cfg.Check(m.ctx(), dir, []string{path})
	if err == nil {
		return nil
	}
	// the first of added (in go list's order, dependencies first) that
	// fails with those before it
	bad := path
	if lo, hi := 0, len(added)-1; hi > 0 && added[hi] == path {
		for lo < hi && m.ctx().Err() == nil {
			mid := (lo + hi) / 2
			if e := m.cfg.Check(m.ctx(), dir, added[:mid+1]); e != nil {
				hi, err = mid, e
			} else {
				lo = mid + 1
			}
		}
		bad = added[hi]
	}
	msg := err.Error()
	for p, l := range g.pkgs {
		for _, root := range []string{filepath.Join(dir, "src", filepath.FromSlash(p)), GoPath + "/src/" + p} {
			msg = strings.ReplaceAll(msg, root+string(filepath.Separator), l.Dir+string(filepath.Separator))
		}
	}
	if bad != path {
		return fmt.Errorf("the interpreter cannot compile package %s, which %s imports: %s", bad, path, msg)
	}
	return fmt.Errorf("the interpreter cannot compile package %s: %s", path, msg)
}

// depImporter imports, while a package is type-checked, its dependencies:
// the module packages loaded before it (go list lists dependencies
// first), and the standard library and preloaded packages from std.
type depImporter struct {
	im *importer
	g  *generation
}

func (d depImporter) Import(path string) (*types.Package, error) {
	if !d.im.fromSource(path) {
		return d.im.std.Import(path)
	}
	if p, ok := d.g.pkgs[path]; ok {
		return p.types, nil
	}
	return nil, fmt.Errorf("package %s is not loaded", path)
}

// maxErrors is how many type errors of a module package an import error
// shows.
const maxErrors = 3

// typeCheck parses and type-checks the package p from its source in the
// module cache, and lowers its files for the interpreter.
func (im *importer) typeCheck(g *generation, p goPackage) (*loaded, error) {
	var files []*ast.File
	for _, name := range p.GoFiles {
		file := filepath.Join(p.Dir, name)
		src, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("package %s: %v", p.ImportPath, err)
		}
		f, err := parser.ParseFile(im.fset, file, src, parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			return nil, fmt.Errorf("package %s does not parse: %v", p.ImportPath, err)
		}
		files = append(files, f)
	}
	goVersion := "1.16" // the go command's assumption for a module without a go directive
	if p.Module != nil && p.Module.GoVersion != "" {
		goVersion = p.Module.GoVersion
	}
	info := front.NewInfo()
	var errs []string
	conf := types.Config{
		GoVersion: "go" + goVersion,
		Importer:  depImporter{im, g},
		Sizes:     types.SizesFor("gc", runtime.GOARCH),
		Error: func(err error) {
			var te types.Error
			if errors.As(err, &te) && !te.Soft || len(errs) == 0 {
				errs = append(errs, relError(err, p.Dir))
			}
		},
	}
	pkg, _ := conf.Check(p.ImportPath, im.fset, files, info)
	if len(errs) > 0 {
		if len(errs) > maxErrors {
			errs = append(errs[:maxErrors], fmt.Sprintf("and %d more", len(errs)-maxErrors))
		}
		return nil, fmt.Errorf("package %s does not type-check: %s", p.ImportPath, strings.Join(errs, "; "))
	}
	docs, pkgDoc := docs(files, info)
	cfg := im.m.cfg.Front
	cfg.Fset, cfg.Importer, cfg.Source = im.fset, depImporter{im, g}, g.source
	src, err := front.LowerPackage(cfg, pkg, files, info)
	if err != nil {
		return nil, fmt.Errorf("package %s: %v", p.ImportPath, err)
	}
	l := &loaded{types: pkg, docs: docs, pkgDoc: pkgDoc, src: src, Package: Package{
		ImportPath: p.ImportPath, Name: p.Name, Dir: p.Dir, GoVersion: goVersion,
		Files: p.GoFiles, Imports: p.Imports,
	}}
	if p.Module != nil {
		l.Module, l.Version = p.Module.Path, p.Module.Version
	}
	return l, nil
}

// source gives the files of the loaded package path and its module's
// language version, for the front end's copies of its generic functions
// and types (front.Config.Source).
func (g *generation) source(path string) (files []string, goVersion string, ok bool) {
	p, ok := g.pkgs[path]
	if !ok {
		return nil, "", false
	}
	for _, name := range p.Files {
		files = append(files, filepath.Join(p.Dir, name))
	}
	return files, "go" + p.GoVersion, true
}

// Source is the front end's Source for the session's cells: the files of
// the loaded package path and its module's language version.
func (m *Modules) Source(path string) (files []string, goVersion string, ok bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.gen.source(path)
}

// relError writes a type error with its file relative to the package's
// directory.
func relError(err error, dir string) string {
	return strings.ReplaceAll(err.Error(), dir+string(filepath.Separator), "")
}

// Blame finds the module package in the interpreter's error message msg
// (a position in one of its files, in the module cache as the lowered
// files' line directives give them, or under GoPath) and refuses it, and
// the loaded packages that import it, for the rest of the interpreter's
// life: yaegi cannot import a package again after it failed. It returns
// the error to report, naming the package, or nil when msg names no
// module package.
func (m *Modules) Blame(msg string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	g := m.gen
	var path, where string
	for _, p := range sortedKeys(g.pkgs) {
		l := g.pkgs[p]
		for _, dir := range []string{l.Dir, GoPath + "/src/" + p} {
			if i := strings.Index(msg, dir+"/"); i >= 0 {
				rest := msg[i+len(dir)+1:]
				if file, tail, _ := strings.Cut(rest, ":"); !strings.Contains(file, "/") {
					path, where = p, filepath.Join(l.Dir, file)+":"+tail
				}
			}
		}
	}
	if path == "" {
		return nil
	}
	l := g.pkgs[path]
	err := fmt.Errorf("the interpreter cannot run package %s (%s %s): %s", path, l.Module, l.Version, where)
	bad := map[string]bool{path: true}
	for changed := true; changed; {
		changed = false
		for p, lp := range g.pkgs {
			if bad[p] {
				continue
			}
			for _, imp := range lp.Imports {
				if bad[imp] {
					bad[p], changed = true, true
					break
				}
			}
		}
	}
	for p := range bad {
		delete(g.pkgs, p)
		if p == path {
			g.failed[p] = err
		} else {
			g.failed[p] = fmt.Errorf("package %s imports %s, which the interpreter cannot run: %s", p, path, where)
		}
	}
	return err
}

// Settle records the end of the interpreter's compilation of a cell: of
// the loaded packages not compiled yet, those that has(path) reports the
// interpreter has are compiled; when the compilation failed with the
// message msg (not ""), the others failed with it (a package that imports
// a failed one has failed too), else they stay as they are (a cell that
// failed to type-check never reached the interpreter). It returns the
// error to report for the failed ones, or nil when none failed.
func (m *Modules) Settle(has func(path string) bool, msg string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	g := m.gen
	var bad []string
	for _, path := range sortedKeys(g.pkgs) {
		l := g.pkgs[path]
		if l.compiled {
			continue
		}
		if has(path) {
			l.compiled = true
			continue
		}
		if msg != "" {
			bad = append(bad, path)
		}
	}
	if len(bad) == 0 {
		return nil
	}
	err := fmt.Errorf("the interpreter cannot run package %s: %s", strings.Join(bad, ", "), msg)
	for _, p := range bad {
		delete(g.pkgs, p)
		g.failed[p] = err
	}
	return err
}

// Loaded returns the packages loaded from source for the current
// interpreter, sorted by import path.
func (m *Modules) Loaded() []Package {
	m.mu.Lock()
	defer m.mu.Unlock()
	var ps []Package
	for _, path := range sortedKeys(m.gen.pkgs) {
		ps = append(ps, m.gen.pkgs[path].Package)
	}
	return ps
}
