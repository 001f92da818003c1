// Command gen writes each notebooks/*.gomx source as a .ipynb notebook
// beside it (outputs stripped). Run it with `go generate ./notebooks`.
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/gomx-dev/gomx/internal/notebook"
)

func main() {
	srcs, err := filepath.Glob("*.gomx")
	if err != nil || len(srcs) == 0 {
		fmt.Fprintln(os.Stderr, "gen: no .gomx sources here (run it with go generate ./notebooks)")
		os.Exit(1)
	}
	for _, src := range srcs {
		data, err := os.ReadFile(src)
		if err != nil {
			fail(err)
		}
		nb, err := notebook.FromPercent(string(data))
		if err != nil {
			fail(fmt.Errorf("%s: %w", src, err))
		}
		if err := nb.WriteFile(strings.TrimSuffix(src, ".gomx") + ".ipynb"); err != nil {
			fail(err)
		}
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "gen:", err)
	os.Exit(1)
}
