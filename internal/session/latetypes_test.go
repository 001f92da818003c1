package session

import (
	"testing"

	"github.com/gomx-dev/gomx/engine"
)

// TestErrorsRefusedLater: errors.Is and errors.Unwrap in a function of an
// earlier cell stop with the reason, instead of answering wrongly, once a
// later cell declares an error type they cannot handle (the front end's
// latetypes.go), and answer again when the type is redeclared with
// pointer methods; a call written after the declaration is Unsupported.
func TestErrorsRefusedLater(t *testing.T) {
	runCells(t, []cellCase{
		{code: "import \"errors\"\nvar ErrX = errors.New(\"x\")\nfunc isX(err error) bool { return errors.Is(err, ErrX) }\nfunc unwrap(err error) error { return errors.Unwrap(err) }\nfmt.Println(isX(ErrX), isX(errors.New(\"y\")), unwrap(ErrX))", stdout: "true false <nil>"},
		{code: "type MyErr struct{ Code, N int }\nfunc (e MyErr) Error() string { return fmt.Sprint(\"code \", e.Code) }\nfmt.Println(isX(ErrX))",
			kind: engine.RuntimePanic, errHas: "gomx: errors.Is in a session with the error type MyErr, a struct with value methods"},
		{code: "fmt.Println(errors.Is(ErrX, ErrX))", kind: engine.Unsupported, errHas: "errors.Is in a session with the error type MyErr"},
		{code: "type MyErr struct{ Code, N int }\nfunc (e *MyErr) Error() string { return fmt.Sprint(\"code \", e.Code) }\nfmt.Println(isX(ErrX), isX(&MyErr{7, 1}), isX(fmt.Errorf(\"a: %w\", ErrX)))", stdout: "true false true"},
		{code: "type U struct {\n\terr error\n\tn   int\n}\nfunc (u U) Error() string { return \"u\" }\nfunc (u U) Unwrap() error { return u.err }\nfmt.Println(unwrap(ErrX))",
			kind: engine.RuntimePanic, errHas: "gomx: errors.Unwrap in a session with the error type U, a struct with a value method Unwrap"},
	})
}
