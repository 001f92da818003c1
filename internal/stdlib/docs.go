package stdlib

import (
	"bytes"
	"compress/gzip"
	"embed"
	"encoding/json"
	"io"
	"strings"
	"sync"
)

// docs holds, written by internal/gen, versions.json (the Go and module
// versions the tables were extracted with) and one gzip-compressed JSON file
// per preloaded package: symbol name → [signature, doc comment].
//
//go:embed docs
var docs embed.FS

// docName maps an import path to its file in docs, as internal/gen names it.
var docName = strings.NewReplacer("/", "-", ".", "_", "~", "_")

var (
	docsMu    sync.Mutex
	docsCache = map[string]map[string][2]string{}
)

// packageDocs decodes the documentation of one package on first use; nil
// when the package is not documented.
func packageDocs(pkgPath string) map[string][2]string {
	docsMu.Lock()
	defer docsMu.Unlock()
	if d, ok := docsCache[pkgPath]; ok {
		return d
	}
	var d map[string][2]string
	if gz, err := docs.ReadFile("docs/" + docName.Replace(pkgPath) + ".json.gz"); err == nil {
		if zr, err := gzip.NewReader(bytes.NewReader(gz)); err == nil {
			if js, err := io.ReadAll(zr); err == nil {
				if json.Unmarshal(js, &d) != nil {
					d = nil
				}
			}
		}
	}
	docsCache[pkgPath] = d
	return d
}

// docVersions returns the versions the tables were extracted with.
func docVersions() (map[string]string, error) {
	js, err := docs.ReadFile("docs/versions.json")
	if err != nil {
		return nil, err
	}
	var vs map[string]string
	err = json.Unmarshal(js, &vs)
	return vs, err
}

// Doc returns the signature and doc comment of the exported symbol name of
// the preloaded package pkgPath (an import path such as "fmt" or
// "gonum.org/v1/gonum/mat"). Methods are named "Type.Method", as in
// Doc("gonum.org/v1/gonum/mat", "Dense.Mul"); the empty name gives the
// package clause and the package doc. ok is false when the symbol is not
// documented. Each package's documentation is decoded on its first use.
func Doc(pkgPath, name string) (signature, doc string, ok bool) {
	e, ok := packageDocs(pkgPath)[name]
	return e[0], e[1], ok
}
