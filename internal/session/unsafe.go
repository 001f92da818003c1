package session

import (
	"reflect"
	"unsafe"
)

// unsafeFuncs are the runtime's versions of the functions of package
// unsafe whose types depend on their arguments' (the front end lowers
// unsafe.String, StringData, Slice and SliceData to them), with Go's
// checks (lengths past maxAlloc are out of range) and Go's runtime errors.
var unsafeFuncs = map[string]reflect.Value{
	"UnsafeString": reflect.ValueOf(func(p *byte, n int64) string {
		if n < 0 || n > maxAlloc {
			panic(runtimeError("unsafe.String: len out of range"))
		}
		if p == nil && n != 0 {
			panic(runtimeError("unsafe.String: ptr is nil and len is not zero"))
		}
		return unsafe.String(p, int(n))
	}),
	"UnsafeStringData": reflect.ValueOf(func(s string) *byte { return unsafe.StringData(s) }),
	"UnsafeSlice": reflect.ValueOf(func(p any, n int64) any {
		v := reflect.ValueOf(p)
		elem := v.Type().Elem()
		if n < 0 || elem.Size() > 0 && uint64(n) > maxAlloc/uint64(elem.Size()) {
			panic(runtimeError("unsafe.Slice: len out of range"))
		}
		if v.IsNil() {
			if n != 0 {
				panic(runtimeError("unsafe.Slice: ptr is nil and len is not zero"))
			}
			return reflect.Zero(reflect.SliceOf(elem)).Interface()
		}
		return reflect.SliceAt(elem, v.UnsafePointer(), int(n)).Interface()
	}),
	"UnsafeSliceData": reflect.ValueOf(func(s any) any {
		v := reflect.ValueOf(s)
		elem := v.Type().Elem()
		if v.IsNil() {
			return reflect.Zero(reflect.PointerTo(elem)).Interface()
		}
		return reflect.NewAt(elem, v.UnsafePointer()).Interface()
	}),
}
