package stdlib_test

import (
	"fmt"

	"github.com/gomx-dev/gomx/internal/stdlib"
)

func ExampleDoc() {
	sig, _, ok := stdlib.Doc("gonum.org/v1/gonum/mat", "Dense.Mul")
	fmt.Println(sig, ok)
	// Output: func (m *Dense) Mul(a, b Matrix) true
}
