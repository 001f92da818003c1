// Package stdlib holds the symbol tables the gomx interpreter preloads:
// the Go standard library of the toolchain that builds gomx (every package
// but those scan.StdExcluded names, for linux/amd64; other platforms get
// yaegi's tables of Go 1.22, see std_other.go), the gonum and gonum/plot
// packages a numerical user reaches for, and every package of this module
// under display/, mathx/ and viz/. It also holds the documentation of
// those packages' exported symbols, for Inspect, and their type
// information, for the front end's type checker.
//
// The tables (one generated file per package) and the docs/ directory are
// written by `go generate ./internal/stdlib`, which finds new display, mathx
// and viz packages by itself. Regenerate after changing the exported API of
// any of them; TestTablesFresh fails when the tables are stale.
package stdlib

//go:generate go run ./internal/gen

import (
	"reflect"
	"sort"
	"strings"
	"sync"

	yaegiunsafe "github.com/traefik/yaegi/stdlib/unsafe"
)

// Symbols maps "importpath/name" (yaegi's key format, e.g. "fmt/fmt" or
// "gonum.org/v1/gonum/mat/mat") to the package's exported symbols. It has the
// type of interp.Exports: pass it to (*interp.Interpreter).Use. The
// generated tables' init functions fill it.
var Symbols = map[string]map[string]reflect.Value{}

func init() {
	// unsafe is yaegi's: with Add, Sizeof, Alignof and Offsetof, and the
	// interpreter's hook for conversions of unsafe.Pointer
	for k, v := range yaegiunsafe.Symbols {
		Symbols[k] = v
	}
}

var (
	pkgsOnce sync.Once
	pkgs     []string
)

// Packages returns the sorted import paths of the preloaded packages.
func Packages() []string {
	pkgsOnce.Do(func() {
		for k := range Symbols {
			if i := strings.LastIndex(k, "/"); i > 0 && !strings.HasPrefix(k, "github.com/traefik/yaegi/") {
				pkgs = append(pkgs, k[:i])
			}
		}
		sort.Strings(pkgs)
	})
	return append([]string(nil), pkgs...)
}
