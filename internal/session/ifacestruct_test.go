package session

import (
	"testing"

	"github.com/gomx-dev/gomx/engine"
)

// TestStructInCompiledInterface: the interpreter cannot give back a value
// of a struct type of the session's from an interface of a compiled
// package (error, fmt.Stringer): assertions to it, comma-ok or not, and
// type switch cases are Unsupported at the assertion, not false. Pointer
// types, structs without fields, other named types and interfaces
// declared in a cell keep working.
func TestStructInCompiledInterface(t *testing.T) {
	const why = "cannot give it back"
	runCells(t, []cellCase{
		{code: "type T struct{ C int }\nfunc (t T) Error() string { return fmt.Sprint(\"t\", t.C) }\nfunc g() error { return T{1} }\n" +
			"type P struct{ C int }\nfunc (p *P) Error() string { return \"p\" }\n" +
			"type Z struct{}\nfunc (Z) Error() string { return \"z\" }\n" +
			"type E int\nfunc (e E) Error() string { return \"e\" }\n" +
			"type Shape interface{ Area() float64 }\ntype Sq struct{ S float64 }\nfunc (q Sq) Area() float64 { return q.S * q.S }"},
		{code: "fmt.Println(g())", stdout: "t1"},
		// assigned to a variable of type error: through the cell's
		// function that returns it (asError)
		{code: "var e error = T{2}\nvar e3 error\ne3 = T{3}\nfmt.Println(e, e.Error(), e3, error(T{4}))", stdout: "t2 t2 t3 t4"},
		{code: "func local() string {\n\tvar e error = T{5}\n\treturn e.Error()\n}\nfmt.Println(local())", stdout: "t5"},
		{code: "_, ok := g().(T)\nfmt.Println(ok)", kind: engine.Unsupported, errHas: why, line: 1, col: 10},
		{code: "x := 1\nv := g().(T)\n_, _ = x, v", kind: engine.Unsupported, errHas: why, line: 2},
		{code: "switch g().(type) {\ncase T:\n\tfmt.Println(1)\n}", kind: engine.Unsupported, errHas: why, line: 2},
		{code: "var s fmt.Stringer\n_, ok := s.(interface{ Area() float64 })\nfmt.Println(ok)", stdout: "false"},
		{code: "var e error = &P{2}\np, ok := e.(*P)\nfmt.Println(p.C, ok)", stdout: "2 true"},
		{code: "var z error = Z{}\n_, ok := z.(Z)\nfmt.Println(ok)", stdout: "true"},
		{code: "var ee error = E(3)\nv, ok := ee.(E)\nfmt.Println(int(v), ok)", stdout: "3 true"},
		{code: "var sh Shape = Sq{2}\nq, ok := sh.(Sq)\nfmt.Println(q.S, ok)", stdout: "2 true"},
		{code: "var a any = T{4}\nt, ok := a.(T)\nfmt.Println(t.C, ok)", stdout: "4 true"},
	})
}
