package session

import (
	"errors"
	"strings"
	"testing"
)

// _wrapper stands for the interpreter's wrappers of its values in a
// compiled interface (interp._error): a name starting with _, a first
// field IValue.
type _wrapper struct {
	IValue any
	WError func() string
}

func (w _wrapper) Error() string { return w.WError() }

// TestEqualIface checks rt.Equal and rt.Comparable, with which the copy
// of errors.is compares errors (internal/front/calls.go, errorsIs).
func TestEqualIface(t *testing.T) {
	type cell struct{ N int } // a cell's struct, as reflect sees it: no methods
	p, q := &cell{1}, &cell{1}
	sentinel := errors.New("s")
	wrap := func(v any) any { return _wrapper{IValue: v, WError: func() string { return "w" }} }
	for _, c := range []struct {
		a, b any
		want bool
	}{
		{wrap(p), wrap(p), true},
		{wrap(p), wrap(q), false},
		{wrap(p), p, true},
		{wrap(404), wrap(404), true},
		{wrap(404), wrap(500), false},
		{wrap(p), sentinel, false},
		{sentinel, sentinel, true},
		{nil, wrap(p), false},
		{nil, nil, true},
		{wrap([]error{sentinel}), sentinel, false},
	} {
		if got := equalIface(c.a, c.b); got != c.want {
			t.Errorf("equalIface(%#v, %#v) = %v, want %v", c.a, c.b, got, c.want)
		}
	}
	if !comparableIface(wrap(p)) || comparableIface(wrap([]error{sentinel})) || !comparableIface(sentinel) {
		t.Error("comparableIface: a wrapped pointer and an error are comparable, a wrapped slice is not")
	}
	func() {
		defer func() {
			err, _ := recover().(error)
			if err == nil || !strings.Contains(err.Error(), "Unsupported") {
				t.Errorf("equalIface of a struct without methods: recovered %v, want an Unsupported error", err)
			}
		}()
		equalIface(cell{1}, cell{1})
	}()
}
