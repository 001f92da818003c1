package session

import (
	"crypto/hkdf"
	"crypto/pbkdf2"
	"fmt"
	"go/types"
	"hash"
	"hash/maphash"
	"iter"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"time"
	"unique"
)

// stdGeneric is the front end's StdGeneric: a generic function of package
// slices called with a slice of a basic type is one of the runtime's
// compiled instantiations (slicesFuncs), faster than the copy of its
// source that the front end makes for other type arguments (see
// internal/front/generic.go); unique.Make and unique.Handle, iter.Pull and
// Pull2 of basic types and rand.N of integer types and time.Duration are
// compiled (their source needs the runtime's internals or the compiled
// package's generator), and so is maps.clone, which maps.Clone's source
// calls and the runtime implements.
func stdGeneric(path, name string, targs []types.Type) (string, bool) {
	var key string
	switch {
	case path == "maps" && name == "clone" && len(targs) == 0:
		key = "Maps_clone"
	case path == "math/rand/v2" && name == "N" && len(targs) == 1:
		// rand.N uses the package's generator, a variable of the
		// compiled package
		key = "Rand_N_" + strings.ReplaceAll(types.TypeString(targs[0], func(p *types.Package) string { return p.Name() }), ".", "_")
	case path == "crypto/hkdf" || path == "crypto/pbkdf2":
		// [H hash.Hash]: the constructors of package crypto/... return
		// hash.Hash itself (sha256.New), so that H is hash.Hash
		if len(targs) != 1 || !isHashHash(targs[0]) {
			return "", false
		}
		key = pathKey(path[len("crypto/"):]) + "_" + name + "_hash_Hash"
	case path == "unique" && len(targs) == 1, path == "iter" && (name == "Pull" || name == "Pull2"),
		path == "hash/maphash" && len(targs) == 1, path == "reflect" && len(targs) == 1:
		key = pathKey(path[strings.LastIndex(path, "/")+1:]) + "_" + name
		for _, t := range targs {
			b, ok := t.(*types.Basic)
			if !ok {
				return "", false
			}
			key += "_" + types.Typ[b.Kind()].Name()
		}
	case path == "slices" && len(targs) > 0:
		// [S ~[]E, E]: S must be []E itself
		e := targs[len(targs)-1]
		if !types.Identical(targs[0], types.NewSlice(e)) {
			return "", false
		}
		b, ok := e.(*types.Basic)
		if !ok {
			return "", false
		}
		key = "Slices_" + name + "_" + types.Typ[b.Kind()].Name()
	default:
		return "", false
	}
	if _, ok := slicesFuncs[key]; ok {
		return key, true
	}
	if _, ok := stdInstances[key]; ok {
		return key, true
	}
	return "", false
}

// isHashHash reports whether t is hash.Hash.
func isHashHash(t types.Type) bool {
	n, ok := t.(*types.Named)
	return ok && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == "hash" && n.Obj().Name() == "Hash"
}

// stdInstances are the runtime's compiled instantiations of packages
// unique, iter (Pull, Pull2), math/rand/v2 (N), crypto/hkdf and
// crypto/pbkdf2 (for hash.Hash), hash/maphash (Comparable and
// WriteComparable) and reflect (TypeFor and TypeAssert) of basic types,
// whose sources need the runtime's internals, its replacement of maps.clone (see stdGeneric) and the
// comparison of min and max of a type parameter (minMaxSecond).
var stdInstances = func() map[string]reflect.Value {
	m := map[string]reflect.Value{"Maps_clone": reflect.ValueOf(mapsClone), "MinMaxSecond": reflect.ValueOf(minMaxSecond)}
	addBasic[bool](m, "bool")
	addBasic[string](m, "string")
	addBasic[int](m, "int")
	addBasic[int8](m, "int8")
	addBasic[int16](m, "int16")
	addBasic[int32](m, "int32")
	addBasic[int64](m, "int64")
	addBasic[uint](m, "uint")
	addBasic[uint8](m, "uint8")
	addBasic[uint16](m, "uint16")
	addBasic[uint32](m, "uint32")
	addBasic[uint64](m, "uint64")
	addBasic[uintptr](m, "uintptr")
	addBasic[float32](m, "float32")
	addBasic[float64](m, "float64")
	addBasic[complex64](m, "complex64")
	addBasic[complex128](m, "complex128")
	m["Hkdf_Key_hash_Hash"] = reflect.ValueOf(hkdf.Key[hash.Hash])
	m["Hkdf_Expand_hash_Hash"] = reflect.ValueOf(hkdf.Expand[hash.Hash])
	m["Hkdf_Extract_hash_Hash"] = reflect.ValueOf(hkdf.Extract[hash.Hash])
	m["Pbkdf2_Key_hash_Hash"] = reflect.ValueOf(pbkdf2.Key[hash.Hash])
	m["Rand_N_int"] = reflect.ValueOf(rand.N[int])
	m["Rand_N_int64"] = reflect.ValueOf(rand.N[int64])
	m["Rand_N_int32"] = reflect.ValueOf(rand.N[int32])
	m["Rand_N_uint"] = reflect.ValueOf(rand.N[uint])
	m["Rand_N_uint64"] = reflect.ValueOf(rand.N[uint64])
	m["Rand_N_uint32"] = reflect.ValueOf(rand.N[uint32])
	m["Rand_N_time_Duration"] = reflect.ValueOf(rand.N[time.Duration])
	addPull[bool](m, "bool")
	addPull[string](m, "string")
	addPull[int](m, "int")
	addPull[int64](m, "int64")
	addPull[int32](m, "int32")
	addPull[uint8](m, "uint8")
	addPull[float64](m, "float64")
	addPull2[int, int](m, "int", "int")
	addPull2[int, string](m, "int", "string")
	addPull2[string, int](m, "string", "int")
	addPull2[string, string](m, "string", "string")
	addPull2[int, float64](m, "int", "float64")
	addPull2[string, float64](m, "string", "float64")
	return m
}()

// pathKey is the prefix of the runtime's instantiations of the package
// of name: the name with an upper-case first letter.
func pathKey(path string) string {
	return strings.ToUpper(path[:1]) + path[1:]
}

// addPull and addPull2 add iter.Pull and Pull2 for basic types, taking
// the iterator as its func type, as lowered code writes iter.Seq.
func addPull[V any](m map[string]reflect.Value, name string) {
	m["Iter_Pull_"+name] = reflect.ValueOf(func(seq func(yield func(V) bool)) (func() (V, bool), func()) {
		return iter.Pull(iter.Seq[V](seq))
	})
}

func addPull2[K, V any](m map[string]reflect.Value, k, v string) {
	m["Iter_Pull2_"+k+"_"+v] = reflect.ValueOf(func(seq func(yield func(K, V) bool)) (func() (K, V, bool), func()) {
		return iter.Pull2(iter.Seq2[K, V](seq))
	})
}

// addBasic adds the instantiations for basic type T: unique.Make and
// Handle, maphash.Comparable and WriteComparable, reflect.TypeFor and
// TypeAssert.
func addBasic[T comparable](m map[string]reflect.Value, name string) {
	m["Unique_Make_"+name] = reflect.ValueOf(unique.Make[T])
	m["Unique_Handle_"+name] = reflect.ValueOf((*unique.Handle[T])(nil))
	m["Maphash_Comparable_"+name] = reflect.ValueOf(maphash.Comparable[T])
	m["Maphash_WriteComparable_"+name] = reflect.ValueOf(maphash.WriteComparable[T])
	m["Reflect_TypeFor_"+name] = reflect.ValueOf(reflect.TypeFor[T])
	m["Reflect_TypeAssert_"+name] = reflect.ValueOf(reflect.TypeAssert[T])
}

// mapsClone is the runtime's maps.clone: a copy of map m (NaN keys too:
// each is a new entry).
func mapsClone(m any) any {
	v := reflect.ValueOf(m)
	c := reflect.MakeMapWithSize(v.Type(), v.Len())
	for it := v.MapRange(); it.Next(); {
		c.SetMapIndex(it.Key(), it.Value())
	}
	return c.Interface()
}

// minMaxSecond is the runtime's MinMaxSecond: whether max (isMax) or min
// of x and y, two values of one ordered type (the type argument of a type
// parameter), is y, by Go's rules: a NaN wins, max(-0.0, +0.0) is +0.0 and
// min is -0.0; of equal values, x.
func minMaxSecond(x, y any, isMax bool) bool {
	vx, vy := reflect.ValueOf(x), reflect.ValueOf(y)
	if vx.Kind() != vy.Kind() {
		panic(fmt.Sprintf("gomx: min or max of %T and %T", x, y))
	}
	var less, greater bool
	switch vx.Kind() {
	case reflect.Float32, reflect.Float64:
		a, b := vx.Float(), vy.Float()
		switch {
		case a != a:
			return false
		case b != b:
			return true
		case a == b && a == 0:
			// zeros: max is +0 unless both are -0, min is -0 unless both
			// are +0
			if isMax {
				return math.Signbit(a) && !math.Signbit(b)
			}
			return !math.Signbit(a) && math.Signbit(b)
		}
		less, greater = b < a, b > a
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		less, greater = vy.Int() < vx.Int(), vy.Int() > vx.Int()
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		less, greater = vy.Uint() < vx.Uint(), vy.Uint() > vx.Uint()
	case reflect.String:
		less, greater = vy.String() < vx.String(), vy.String() > vx.String()
	default:
		panic(fmt.Sprintf("gomx: min or max of a value the interpreter passes as %T", x))
	}
	if isMax {
		return greater
	}
	return less
}
