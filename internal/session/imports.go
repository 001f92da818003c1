package session

import (
	"fmt"
	"sort"
	"strings"

	"github.com/gomx-dev/gomx/internal/stdlib"
)

// symbols are the compiled packages a session preloads, keyed
// "importpath/name" as yaegi wants them.
var symbols = stdlib.Symbols

// sourcePackages are the packages of generic functions, which the
// interpreter's tables lack: the session provides some of them (see
// stdGeneric).
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
	"lasso": "github.com/gomx-dev/gomx/mathx/lasso", "nn": "github.com/gomx-dev/gomx/mathx/nn",
	"curvature": "github.com/gomx-dev/gomx/mathx/curvature", "collab": "github.com/gomx-dev/gomx/mathx/collab",
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

// available reports whether a cell can use the exported symbol name of
// the preloaded package path: the interpreter's tables of a package may
// lack symbols that its type information has (yaegi's standard-library
// tables are Go 1.22's), and generic functions are not in tables.
func available(path, name string) bool {
	if sourcePackages[path] {
		return true
	}
	_, ok := symbols[path+"/"+pkgName(path)][name]
	return ok
}
