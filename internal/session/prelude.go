package session

import (
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
)

// stdSources are what the session runs of the generic functions of
// slices, maps and cmp for type arguments that have no compiled
// instantiation (see slicesFuncs): generic functions written for the
// interpreter (explicit type arguments, no ~ constraints on the container
// type), declared in the session's package under internal names,
// $<package>_<Name>, which the front end calls with the element types as
// type arguments (see stdGeneric).
var stdSources = map[string]string{
	"slices": `package main

import "sort"

type ordered interface {
	~int | ~int8 | ~int16 | ~int32 | ~int64 | ~uint | ~uint8 | ~uint16 | ~uint32 | ~uint64 | ~uintptr | ~float32 | ~float64 | ~string
}

func Sort[E ordered](x []E) {
	sort.Slice(x, func(i, j int) bool { return x[i] < x[j] || x[i] != x[i] && x[j] == x[j] })
}

func SortFunc[E any](x []E, c func(a, b E) int) {
	sort.Slice(x, func(i, j int) bool { return c(x[i], x[j]) < 0 })
}

func SortStableFunc[E any](x []E, c func(a, b E) int) {
	sort.SliceStable(x, func(i, j int) bool { return c(x[i], x[j]) < 0 })
}

func IsSortedFunc[E any](x []E, c func(a, b E) int) bool {
	for i := len(x) - 1; i > 0; i-- {
		if c(x[i], x[i-1]) < 0 {
			return false
		}
	}
	return true
}

func Max[E ordered](x []E) E {
	if len(x) < 1 {
		panic("slices.Max: empty list")
	}
	m := x[0]
	for i := 1; i < len(x); i++ {
		if x[i] > m {
			m = x[i]
		}
	}
	return m
}

func Min[E ordered](x []E) E {
	if len(x) < 1 {
		panic("slices.Min: empty list")
	}
	m := x[0]
	for i := 1; i < len(x); i++ {
		if x[i] < m {
			m = x[i]
		}
	}
	return m
}

func Contains[E comparable](x []E, v E) bool {
	for i := range x {
		if x[i] == v {
			return true
		}
	}
	return false
}

func Index[E comparable](x []E, v E) int {
	for i := range x {
		if x[i] == v {
			return i
		}
	}
	return -1
}

func IndexFunc[E any](x []E, f func(E) bool) int {
	for i := range x {
		if f(x[i]) {
			return i
		}
	}
	return -1
}

func ContainsFunc[E any](x []E, f func(E) bool) bool {
	return IndexFunc[E](x, f) >= 0
}

func Reverse[E any](x []E) {
	for i, j := 0, len(x)-1; i < j; i, j = i+1, j-1 {
		x[i], x[j] = x[j], x[i]
	}
}

func Clone[E any](x []E) []E {
	if x == nil {
		return nil
	}
	return append([]E{}, x...)
}

func Equal[E comparable](a, b []E) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
`,
	"maps": `package main

func Clone[K comparable, V any](m map[K]V) map[K]V {
	if m == nil {
		return nil
	}
	r := make(map[K]V, len(m))
	for k, v := range m {
		r[k] = v
	}
	return r
}

func Copy[K comparable, V any](dst, src map[K]V) {
	for k, v := range src {
		dst[k] = v
	}
}

func Equal[K, V comparable](m1, m2 map[K]V) bool {
	if len(m1) != len(m2) {
		return false
	}
	for k, v1 := range m1 {
		if v2, ok := m2[k]; !ok || v1 != v2 {
			return false
		}
	}
	return true
}

func EqualFunc[K comparable, V1, V2 any](m1 map[K]V1, m2 map[K]V2, eq func(V1, V2) bool) bool {
	if len(m1) != len(m2) {
		return false
	}
	for k, v1 := range m1 {
		if v2, ok := m2[k]; !ok || !eq(v1, v2) {
			return false
		}
	}
	return true
}

func DeleteFunc[K comparable, V any](m map[K]V, del func(K, V) bool) {
	for k, v := range m {
		if del(k, v) {
			delete(m, k)
		}
	}
}
`,
	"cmp": `package main

type ordered interface {
	~int | ~int8 | ~int16 | ~int32 | ~int64 | ~uint | ~uint8 | ~uint16 | ~uint32 | ~uint64 | ~uintptr | ~float32 | ~float64 | ~string
}

func Less[T ordered](x, y T) bool {
	return (x != x && y == y) || x < y
}

func Compare[T ordered](x, y T) int {
	xNaN := x != x
	yNaN := y != y
	if xNaN {
		if yNaN {
			return 0
		}
		return -1
	}
	if yNaN {
		return +1
	}
	if x < y {
		return -1
	}
	if x > y {
		return +1
	}
	return 0
}
`,
}

// stdGeneric is the front end's StdGeneric: a generic function of the
// standard library becomes a compiled instantiation of the runtime
// (slicesFuncs, for slices of basic types) or the session's interpreted
// version (stdSources), called with the element types.
func stdGeneric(path, name string, targs []types.Type) (string, bool, []types.Type, bool) {
	if !stdSourceNames[path][name] && path != "slices" || len(targs) == 0 {
		return "", false, nil, false
	}
	var elems []types.Type
	switch path {
	case "slices":
		// [S ~[]E, E]: S must be []E itself
		e := targs[len(targs)-1]
		if !types.Identical(targs[0], types.NewSlice(e)) {
			return "", false, nil, false
		}
		if b, ok := e.(*types.Basic); ok {
			key := "Slices_" + name + "_" + types.Typ[b.Kind()].Name()
			if _, ok := slicesFuncs[key]; ok {
				return key, false, nil, true
			}
		}
		elems = []types.Type{e}
	case "maps":
		// [M ~map[K]V, K, V]: M must be map[K]V itself
		if len(targs) < 3 || !types.Identical(targs[0], types.NewMap(targs[1], targs[2])) {
			return "", false, nil, false
		}
		elems = targs[1:]
		if name == "EqualFunc" {
			// [M1, M2, K, V1, V2]
			if len(targs) != 5 || !types.Identical(targs[0], types.NewMap(targs[2], targs[3])) || !types.Identical(targs[1], types.NewMap(targs[2], targs[4])) {
				return "", false, nil, false
			}
			elems = targs[2:]
		}
	default:
		elems = targs
	}
	if !stdSourceNames[path][name] {
		return "", false, nil, false
	}
	return "$" + path + "_" + name, true, elems, true
}

// stdSourceNames are the functions stdSources declares, by package.
var stdSourceNames = func() map[string]map[string]bool {
	m := map[string]map[string]bool{}
	for path, src := range stdSources {
		m[path] = map[string]bool{}
		f, err := parser.ParseFile(token.NewFileSet(), "", src, parser.SkipObjectResolution)
		if err != nil {
			panic(err)
		}
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok {
				m[path][fd.Name.Name] = true
			}
		}
	}
	return m
}()

// typeParamNames are the type parameters stdSources uses.
var typeParamNames = map[string]bool{"T": true, "E": true, "K": true, "V": true, "V1": true, "V2": true}

// renameStdSource gives the declarations of the parsed source of package
// path their internal names.
func renameStdSource(path string, f *ast.File) {
	names := stdSourceNames[path]
	ast.Inspect(f, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok {
			switch {
			case id.Name == "ordered":
				id.Name = "$" + path + "_ordered"
			case names[id.Name]:
				id.Name = "$" + path + "_" + id.Name
			case typeParamNames[id.Name]:
				// yaegi leaves a generic function's type parameters in the
				// package scope, where they would shadow a user's type T
				id.Name = "$" + id.Name
			}
		}
		return true
	})
}
