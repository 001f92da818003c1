package session

import (
	"fmt"
	"go/scanner"
	"go/token"
	"sort"
	"strings"

	"github.com/gomx-dev/gomx/engine"
	"github.com/gomx-dev/gomx/internal/stdlib"
)

// symbols are the compiled packages a session preloads, keyed
// "importpath/name" as yaegi wants them.
var symbols = stdlib.Symbols

// sourcePackages are the packages yaegi provides as interpreted generic
// source, completed by slicesExtra.
var sourcePackages = map[string]bool{"slices": true, "maps": true, "cmp": true}

var pkgNames = func() map[string]string {
	m := map[string]string{}
	for k := range symbols {
		if i := strings.LastIndexByte(k, '/'); i > 0 {
			m[k[:i]] = k[i+1:]
		}
	}
	for p := range sourcePackages {
		m[p] = p
	}
	return m
}()

// pkgName returns the package name of a preloaded import path.
func pkgName(path string) string {
	if n, ok := pkgNames[path]; ok {
		return n
	}
	return path[strings.LastIndexByte(path, '/')+1:]
}

// preloaded reports whether path can be imported in a cell.
func preloaded(path string) bool {
	_, ok := pkgNames[path]
	return ok && !strings.HasPrefix(path, "github.com/traefik/yaegi")
}

// Preloaded returns the sorted import paths a cell can import.
func Preloaded() []string {
	var ps []string
	for p := range pkgNames {
		if preloaded(p) {
			ps = append(ps, p)
		}
	}
	sort.Strings(ps)
	return ps
}

// preloadedList describes the preloaded packages: the standard library
// by count, the others by path.
func preloadedList() string {
	std, other := 0, []string{}
	for _, p := range Preloaded() {
		if first, _, _ := strings.Cut(p, "/"); strings.Contains(first, ".") {
			other = append(other, p)
		} else {
			std++
		}
	}
	return fmt.Sprintf("the Go standard library (%d packages) and %s", std, strings.Join(other, ", "))
}

// autoImportTable is the documented table of package names a cell may use
// without importing them: on first use of the name, the session imports
// the package. Each name means one package. Names that several preloaded
// packages share are resolved here (rand is math/rand) or left to an
// explicit import (path, draw, interp, template, scanner, …).
var autoImportTable = map[string]string{
	// Go standard library
	"fmt": "fmt", "math": "math", "strings": "strings", "strconv": "strconv",
	"time": "time", "sort": "sort", "errors": "errors", "os": "os", "io": "io",
	"bufio": "bufio", "bytes": "bytes", "unicode": "unicode", "utf8": "unicode/utf8",
	"regexp": "regexp", "sync": "sync", "atomic": "sync/atomic", "context": "context",
	"json": "encoding/json", "csv": "encoding/csv", "base64": "encoding/base64",
	"filepath": "path/filepath", "cmplx": "math/cmplx", "bits": "math/bits",
	"rand": "math/rand", "image": "image", "color": "image/color", "png": "image/png",
	"heap": "container/heap", "list": "container/list", "reflect": "reflect",
	"runtime": "runtime", "log": "log", "slices": "slices", "maps": "maps", "cmp": "cmp",
	"url": "net/url", "http": "net/http", "hex": "encoding/hex", "binary": "encoding/binary",
	"big": "math/big", "gzip": "compress/gzip", "tabwriter": "text/tabwriter",
	// gonum
	"mat": "gonum.org/v1/gonum/mat", "floats": "gonum.org/v1/gonum/floats",
	"scalar": "gonum.org/v1/gonum/floats/scalar", "stat": "gonum.org/v1/gonum/stat",
	"distuv": "gonum.org/v1/gonum/stat/distuv", "combin": "gonum.org/v1/gonum/stat/combin",
	"optimize": "gonum.org/v1/gonum/optimize", "integrate": "gonum.org/v1/gonum/integrate",
	"fd": "gonum.org/v1/gonum/diff/fd",
	// gonum/plot
	"plot": "gonum.org/v1/plot", "plotter": "gonum.org/v1/plot/plotter",
	"plotutil": "gonum.org/v1/plot/plotutil", "vg": "gonum.org/v1/plot/vg",
	"vgimg": "gonum.org/v1/plot/vg/vgimg", "vgsvg": "gonum.org/v1/plot/vg/vgsvg",
	// gomx
	"viz": "github.com/gomx-dev/gomx/viz", "interrupt": "github.com/gomx-dev/gomx/mathx/interrupt",
	"ot": "github.com/gomx-dev/gomx/mathx/ot", "prox": "github.com/gomx-dev/gomx/mathx/prox",
	"cbo": "github.com/gomx-dev/gomx/mathx/cbo", "bandit": "github.com/gomx-dev/gomx/mathx/bandit",
	"online": "github.com/gomx-dev/gomx/mathx/online", "sae": "github.com/gomx-dev/gomx/mathx/sae",
	"lasso": "github.com/gomx-dev/gomx/mathx/lasso",
}

// autoImports is autoImportTable restricted to the packages this build
// preloads.
var autoImports = func() map[string]string {
	m := map[string]string{}
	for name, path := range autoImportTable {
		if preloaded(path) {
			m[name] = path
		}
	}
	return m
}()

// importAll evaluates the cell's explicit imports and the automatic
// imports of the package names it uses.
func (s *Session) importAll(code string, pl *plan) *engine.Error {
	for _, im := range pl.Imports {
		if im.Name == "_" {
			continue
		}
		if !preloaded(im.Path) {
			line, col := offsetLineCol(code, im.Pos)
			msg := fmt.Sprintf("%d:%d: package %q is not preloaded in gomx (the interpreter cannot load other packages yet); preloaded: %s", line, col, im.Path, preloadedList())
			return &engine.Error{Kind: engine.CompileError, Name: "ImportError", Value: msg, Line: line, Col: col, Traceback: []string{"ImportError: " + msg}}
		}
		name := im.Name
		if name == "" {
			name = pkgName(im.Path)
		}
		if e := s.importPkg(code, im.Pos, name, im.Path); e != nil {
			return e
		}
	}
	for _, name := range usedPackages(code) {
		path, ok := autoImports[name]
		if !ok {
			continue
		}
		if _, done := s.imports[name]; done || s.defined(name) {
			continue
		}
		if _, own := pl.Syms[name]; own {
			continue
		}
		if e := s.importPkg(code, 0, name, path); e != nil {
			return e
		}
	}
	return nil
}

// importPkg imports path as name unless it is imported already.
func (s *Session) importPkg(code string, pos int, name, path string) *engine.Error {
	if old, ok := s.imports[name]; ok {
		if old == path {
			return nil
		}
		line, col := offsetLineCol(code, pos)
		msg := fmt.Sprintf("%d:%d: %s is already the package %q in this session; import %q under another name", line, col, name, old, path)
		return &engine.Error{Kind: engine.CompileError, Name: "ImportError", Value: msg, Line: line, Col: col, Traceback: []string{"ImportError: " + msg}}
	}
	src := fmt.Sprintf("import %s %q", name, path)
	if name == "." {
		src = fmt.Sprintf("import . %q", path)
	}
	if _, err := s.in.Eval(src); err != nil {
		line, col := offsetLineCol(code, pos)
		msg := fmt.Sprintf("%d:%d: importing %q: %v", line, col, path, err)
		return &engine.Error{Kind: engine.CompileError, Name: "ImportError", Value: msg, Line: line, Col: col, Traceback: []string{"ImportError: " + msg}}
	}
	s.imports[name] = path
	return nil
}

// usedPackages returns the identifiers of a cell used as X in X.Sel.
func usedPackages(code string) []string {
	fset := token.NewFileSet()
	file := fset.AddFile("cell.go", -1, len(code))
	var sc scanner.Scanner
	sc.Init(file, []byte(code), nil, 0)
	seen := map[string]bool{}
	var out []string
	prev, prevLit := token.ILLEGAL, ""
	before := token.ILLEGAL
	for {
		_, t, lit := sc.Scan()
		if t == token.EOF {
			break
		}
		if t == token.PERIOD && prev == token.IDENT && before != token.PERIOD && !seen[prevLit] {
			seen[prevLit] = true
			out = append(out, prevLit)
		}
		before, prev, prevLit = prev, t, lit
	}
	return out
}
