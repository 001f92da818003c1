package stdlib

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"encoding/json"
	"io"
	"sync"
)

//go:embed docs.json.gz
var docsGz []byte

// docFile is the layout of docs.json.gz, written by internal/gen.
type docFile struct {
	Versions map[string]string               `json:"versions"`
	Docs     map[string]map[string][2]string `json:"docs"`
}

var (
	docsOnce sync.Once
	docs     docFile
	docsErr  error
)

// loadDocs decodes the embedded documentation once, on first use.
func loadDocs() (docFile, error) {
	docsOnce.Do(func() {
		zr, err := gzip.NewReader(bytes.NewReader(docsGz))
		if err != nil {
			docsErr = err
			return
		}
		js, err := io.ReadAll(zr)
		if err != nil {
			docsErr = err
			return
		}
		docsErr = json.Unmarshal(js, &docs)
	})
	return docs, docsErr
}

// Doc returns the signature and doc comment of the exported symbol name of
// the preloaded package pkgPath (an import path such as "fmt" or
// "gonum.org/v1/gonum/mat"). Methods are named "Type.Method", as in
// Doc("gonum.org/v1/gonum/mat", "Dense.Mul"); the empty name gives the
// package clause and the package doc. ok is false when the symbol is not
// documented.
func Doc(pkgPath, name string) (signature, doc string, ok bool) {
	d, err := loadDocs()
	if err != nil {
		return "", "", false
	}
	e, ok := d.Docs[pkgPath][name]
	return e[0], e[1], ok
}
