package install_test

import (
	"encoding/json"
	"fmt"

	"github.com/gomx-dev/gomx/internal/install"
)

func ExampleSpec() {
	b, _ := json.MarshalIndent(install.Spec("/usr/local/bin/gomx"), "", "  ")
	fmt.Println(string(b))
	// Output:
	// {
	//   "argv": [
	//     "/usr/local/bin/gomx",
	//     "kernel",
	//     "{connection_file}"
	//   ],
	//   "display_name": "Go (gomx)",
	//   "language": "go",
	//   "interrupt_mode": "message",
	//   "env": {},
	//   "metadata": {}
	// }
}
