package session

import (
	"fmt"
	"reflect"
	"regexp"
	"strings"
)

// goPanic returns what Go would have panicked with where the interpreter
// panicked with v: a runtime error with Go's message where yaegi or
// package reflect raised their own (an index out of range is reflect's
// "slice index out of range" to yaegi), and the value itself where yaegi
// wraps it in a reflect.Value. The index and length of Go's message are
// not known here: the class of the error is Go's, the numbers are left
// out.
func goPanic(v any) any {
	if rv, ok := v.(reflect.Value); ok && rv.IsValid() && rv.CanInterface() {
		v = rv.Interface()
	}
	var msg string
	switch x := v.(type) {
	case string:
		msg = x
	case *reflect.ValueError:
		msg = x.Error()
	case error:
		msg = x.Error()
	default:
		return v
	}
	for _, m := range reflectPanics {
		if m.re.MatchString(msg) {
			return runtimeError(m.msg)
		}
	}
	if m := sliceToArray.FindStringSubmatch(msg); m != nil {
		return runtimeError("cannot convert slice with length " + m[1] + " to array or pointer to array with length " + m[2])
	}
	// yaegi prefixes its own errors with a position (7:14: interface
	// conversion: …)
	if m := yaegiPos.FindStringSubmatch(msg); m != nil && strings.HasPrefix(m[1], "interface conversion: ") {
		return typeAssertionError(m[1])
	}
	return v
}

// reflectPanics map the panics of package reflect that stand for a Go
// runtime error to that error's message.
var reflectPanics = []struct {
	re  *regexp.Regexp
	msg string
}{
	{regexp.MustCompile(`^reflect: (slice|string|array) index out of range$`), "index out of range"},
	{regexp.MustCompile(`^reflect(\.Value)?\.Slice3?: (slice |string )*(index|bounds) out of (range|bounds)`), "slice bounds out of range"},
	{regexp.MustCompile(`^reflect: call of reflect\.Value\.\w+ on zero Value$`), "invalid memory address or nil pointer dereference"},
	{regexp.MustCompile(`^reflect(\.Value\.Call)?: call of nil function$`), "invalid memory address or nil pointer dereference"},
	{regexp.MustCompile(`^reflect: indirection through nil pointer`), "invalid memory address or nil pointer dereference"},
	{regexp.MustCompile(`^reflect\.MakeSlice: (negative len|len > cap)`), "makeslice: len out of range"},
	{regexp.MustCompile(`^reflect\.MakeSlice: negative cap`), "makeslice: cap out of range"},
	{regexp.MustCompile(`^reflect\.MakeChan: negative buffer size`), "makechan: size out of range"},
	// yaegi makes slices with reflect.MakeSlice, whose allocation fails so
	// where Go's make checks the length first
	{regexp.MustCompile(`^runtime(?: error)?: allocation size out of range$`), "makeslice: len out of range"},
}

var yaegiPos = regexp.MustCompile(`^\S*?\d+:\d+: (.*)$`)

// sliceToArray is reflect's failed conversion of a slice to an array (or
// a pointer to one), which Go reports in the same words.
var sliceToArray = regexp.MustCompile(`^reflect: cannot convert slice with length (\d+) to (?:array or pointer to array|pointer to array|array) with length (\d+)$`)

// typeAssertionError is a failed type assertion, as Go's runtime reports
// it (a runtime.Error).
type typeAssertionError string

func (e typeAssertionError) Error() string { return string(e) }

// RuntimeError marks it a runtime.Error.
func (e typeAssertionError) RuntimeError() {}

// assertFailed is the runtime error of a failed assertion of v to the
// interface type named iface, whose methods are methods (sorted), in Go's
// words. The dynamic type is as reflect sees it (an interpreted type has
// no name there, nor methods, so its first method is named missing).
func assertFailed(v any, iface string, methods []string) error {
	if v == nil {
		return typeAssertionError("interface conversion: interface is nil, not " + iface)
	}
	t := reflect.TypeOf(v)
	missing := ""
	for _, m := range methods {
		if _, ok := t.MethodByName(m); !ok {
			missing = m
			break
		}
	}
	msg := "interface conversion: " + t.String() + " is not " + iface
	if missing != "" {
		msg += ": missing method " + missing
	}
	return typeAssertionError(msg)
}

// hasMethods reports whether the dynamic type of v has the methods named
// methods, as reflect sees it (a compiled type: reflect sees no methods
// of interpreted types).
func hasMethods(v any, methods []string) bool {
	if v == nil {
		return false
	}
	t := reflect.TypeOf(v)
	for _, m := range methods {
		if _, ok := t.MethodByName(m); !ok {
			return false
		}
	}
	return true
}

// hasSignatures reports whether compiled value v has the methods sigs
// gives as "name signature", the signature as reflect writes the type of
// a method value, with any for interface {} (the front end's wrappers,
// internal/front/asserts.go: joinError's Unwrap() []error is no Unwrap()
// error).
func hasSignatures(v any, sigs []string) bool {
	if v == nil {
		return false
	}
	rv := reflect.ValueOf(v)
	for _, s := range sigs {
		name, sig, _ := strings.Cut(s, " ")
		m := rv.MethodByName(name)
		if !m.IsValid() || strings.ReplaceAll(m.Type().String(), "interface {}", "any") != sig {
			return false
		}
	}
	return true
}

// callMethod calls the method name of compiled value v with args and
// returns its results, for the front end's wrappers of compiled values in
// interface types that lowered code writes (internal/front/asserts.go):
// a nil argument is the parameter's zero value.
func callMethod(v any, name string, args ...any) []any {
	m := reflect.ValueOf(v).MethodByName(name)
	in := make([]reflect.Value, len(args))
	for i, a := range args {
		if a == nil {
			in[i] = reflect.Zero(m.Type().In(i))
			continue
		}
		in[i] = reflect.ValueOf(a)
	}
	out := m.Call(in)
	res := make([]any, len(out))
	for i, o := range out {
		res[i] = o.Interface()
	}
	return res
}

// interpValue returns what v holds when it is one of the interpreter's
// wrappers of its values in a compiled interface (interp._error, and the
// _pkg_Iface structs of the symbol tables: a first field IValue holding
// the value), v itself otherwise.
func interpValue(v any) any {
	for v != nil {
		rv := reflect.ValueOf(v)
		t := rv.Type()
		if rv.Kind() != reflect.Struct || !strings.HasPrefix(t.Name(), "_") || t.NumField() == 0 || t.Field(0).Name != "IValue" || t.Field(0).Type.Kind() != reflect.Interface {
			return v
		}
		v = rv.Field(0).Interface()
	}
	return v
}

// equalIface is Go's == of two interface values for the front end's
// copies of the standard library (errors.is's err == target): the values
// the interpreter's wrappers hold are compared, not the wrappers (whose
// func fields make == panic). A struct without methods in an interface
// is a value of a session type, which the interpreter may keep as one of
// its fields: comparing it is an error, not an answer.
func equalIface(a, b any) bool {
	a, b = interpValue(a), interpValue(b)
	for _, v := range []any{a, b} {
		if v != nil && reflect.TypeOf(v).Kind() == reflect.Struct && reflect.TypeOf(v).NumMethod() == 0 {
			panic(fmt.Errorf("gomx cannot compare an error holding a struct value of a type declared in a cell (%v): the interpreter keeps such a value in an error as a wrapper of one of its fields; declare its methods on a pointer and use a pointer (Unsupported)", v))
		}
	}
	return a == b
}

// comparableIface reports whether the dynamic type of v is comparable, as
// reflect sees the value the interpreter's wrapper holds (errors.Is's
// reflectlite.TypeOf(target).Comparable()).
func comparableIface(v any) bool {
	v = interpValue(v)
	return v == nil || reflect.TypeOf(v).Comparable()
}

// cannotAssert is the error of an assertion of compiled value v to
// interface type iface that Go makes and the interpreter cannot: iface is
// declared by a cell (or a literal), which the interpreter represents
// apart from compiled types.
func cannotAssert(v any, iface string) error {
	return fmt.Errorf("gomx cannot run this type assertion: a value of compiled type %T has the methods of %s, but the interpreter cannot convert a compiled value to an interface type written in a cell (Unsupported)", v, iface)
}
