package stdlib

import (
	"bytes"
	"compress/gzip"
	"embed"
	"fmt"
	"go/token"
	"go/types"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/gomx-dev/gomx/internal/stdlib/internal/scan"
	"golang.org/x/tools/go/gcexportdata"
)

// typesFiles holds, written by internal/gen, the type information of every
// preloaded package: its export data (gcexportdata's indexed format),
// gzip-compressed, in types/<docName of the import path>.gz. Each file holds
// the package's exported declarations and what they reference in other
// packages, so importing a package reads its file only.
//
//go:embed types
var typesFiles embed.FS

// NewImporter returns an importer of the type information of the preloaded
// packages (those of Symbols), for type-checking cells with go/types
// against the packages the interpreter can import.
//
// The type information is that of the Go toolchain and module versions the
// tables were generated with (Go 1.26 API, where yaegi's standard-library
// tables have Go 1.22's: a symbol may have a type and no table entry), for
// linux/amd64: constants such as runtime.GOOS have that platform's values.
// The main module's packages (display, mathx, viz) carry no positions.
//
// A package's type information is decoded on its first import and cached.
// All packages imported through one importer share their dependencies, so
// that io.Writer is the same type whether reached through fmt or io. The
// importer is safe for concurrent use. It returns types.Unsafe for
// "unsafe", and an error for a package that is not preloaded (with the
// reason for a standard package gomx leaves out: embed, runtime/cgo). Positions are
// recorded in fset, or in a new file set when fset is nil.
func NewImporter(fset *token.FileSet) types.ImporterFrom {
	if fset == nil {
		fset = token.NewFileSet()
	}
	return &typeImporter{fset: fset, imports: map[string]*types.Package{}, read: map[string]*types.Package{}}
}

type typeImporter struct {
	fset *token.FileSet

	mu      sync.Mutex
	imports map[string]*types.Package // gcexportdata's packages map, shared by all reads
	read    map[string]*types.Package // packages whose own file was read
}

// Import returns the type information of the preloaded package path.
func (im *typeImporter) Import(path string) (*types.Package, error) {
	return im.ImportFrom(path, "", 0)
}

// ImportFrom returns the type information of the preloaded package path;
// dir and mode are ignored (preloaded packages are not vendored).
func (im *typeImporter) ImportFrom(path, dir string, mode types.ImportMode) (*types.Package, error) {
	if path == "unsafe" {
		return types.Unsafe, nil
	}
	im.mu.Lock()
	defer im.mu.Unlock()
	if p, ok := im.read[path]; ok {
		return p, nil
	}
	if _, ok := slices.BinarySearch(preloaded(), path); !ok {
		if why := scan.StdExcluded[path]; why != "" {
			return nil, fmt.Errorf("package %s is not available in gomx: %s", path, why)
		}
		return nil, fmt.Errorf("package %q is not preloaded in gomx", path)
	}
	p, err := readTypes(im.fset, im.imports, path)
	if err != nil {
		return nil, err
	}
	im.read[path] = p
	return p, nil
}

// readTypes decodes the type information of the preloaded package path into
// imports.
func readTypes(fset *token.FileSet, imports map[string]*types.Package, path string) (*types.Package, error) {
	gz, err := typesFiles.ReadFile(typesFile(path))
	if err != nil {
		return nil, fmt.Errorf("package %q: no type information (run go generate ./internal/stdlib): %w", path, err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, fmt.Errorf("package %q: type information: %w", path, err)
	}
	p, err := gcexportdata.Read(zr, fset, imports, path)
	if err != nil {
		return nil, fmt.Errorf("package %q: type information: %w", path, err)
	}
	return p, nil
}

// preloaded returns the sorted import paths of the preloaded packages whose
// type information typesFiles holds: the packages of Symbols, yaegi's own
// and unsafe (types.Unsafe) excepted. It is computed once.
var preloaded = sync.OnceValue(func() []string {
	var ps []string
	for k := range Symbols {
		if i := strings.LastIndex(k, "/"); i > 0 && !strings.HasPrefix(k, "github.com/traefik/yaegi/") && k[:i] != "unsafe" {
			ps = append(ps, k[:i])
		}
	}
	sort.Strings(ps)
	return ps
})

// typesFile is the file in typesFiles of the package path.
func typesFile(path string) string {
	return "types/" + docName.Replace(path) + ".gz"
}
