// Package stdlib holds the symbol tables the gomx interpreter preloads:
// yaegi's tables of the Go standard library, the gonum and gonum/plot
// packages a numerical user reaches for, and every package of this module
// under display/, mathx/ and viz/, plus a small overlay (overlay.go). It
// also holds the documentation of those packages' exported symbols, for
// Inspect.
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

	yaegistd "github.com/traefik/yaegi/stdlib"
)

// Symbols maps "importpath/name" (yaegi's key format, e.g. "fmt/fmt" or
// "gonum.org/v1/gonum/mat/mat") to the package's exported symbols. It has the
// type of interp.Exports: pass it to (*interp.Interpreter).Use.
var Symbols = withOverlay(yaegistd.Symbols)

// withOverlay returns a copy of std with the overlay applied. It runs at
// variable initialisation, before the generated tables' init functions add
// theirs.
func withOverlay(std map[string]map[string]reflect.Value) map[string]map[string]reflect.Value {
	s := make(map[string]map[string]reflect.Value, len(std)+len(overlay))
	for k, v := range std {
		s[k] = v
	}
	for k, o := range overlay {
		m := make(map[string]reflect.Value, len(s[k])+len(o))
		for n, v := range s[k] {
			m[n] = v
		}
		for n, v := range o {
			m[n] = v
		}
		s[k] = m
	}
	return s
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
