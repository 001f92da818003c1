// Command pictures runs every notebook and saves one picture of each for
// the README: the first image of the cell tagged "readme", else of the
// first cell tagged "plot". From the repository root:
//
//	go build -o /tmp/gomx ./cmd/gomx && go run ./notebooks/internal/pictures -gomx /tmp/gomx
//
// writes docs/img/NN-name.png.
package main

import (
	"encoding/base64"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"github.com/gomx-dev/gomx/internal/notebook"
)

func main() {
	bin := flag.String("gomx", "gomx", "the gomx binary")
	out := flag.String("out", "docs/img", "folder for the pictures")
	flag.Parse()
	nbs, _ := filepath.Glob("notebooks/*.ipynb")
	if len(nbs) == 0 {
		fail(fmt.Errorf("no notebooks/*.ipynb here: run from the repository root"))
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		fail(err)
	}
	tmp, err := os.MkdirTemp("", "gomx-pictures")
	if err != nil {
		fail(err)
	}
	defer os.RemoveAll(tmp)
	for _, path := range nbs {
		name := strings.TrimSuffix(filepath.Base(path), ".ipynb")
		ran := filepath.Join(tmp, name+".ipynb")
		cmd := exec.Command(*bin, "run", "--timeout", "300s", "-o", ran, path)
		cmd.Stderr = os.Stderr
		if err := cmd.Run(); err != nil {
			fail(fmt.Errorf("%s: %v", path, err))
		}
		nb, err := notebook.ReadFile(ran)
		if err != nil {
			fail(err)
		}
		png := pick(nb, "readme")
		if png == nil {
			png = pick(nb, "plot")
		}
		if png == nil {
			fmt.Fprintf(os.Stderr, "%s: no picture\n", path)
			continue
		}
		dest := filepath.Join(*out, name+".png")
		if err := os.WriteFile(dest, png, 0o644); err != nil {
			fail(err)
		}
		fmt.Println(dest)
	}
}

// pick returns the first PNG among the outputs of the cells tagged tag.
func pick(nb *notebook.Notebook, tag string) []byte {
	for _, c := range nb.Cells {
		if !slices.Contains(c.Tags(), tag) {
			continue
		}
		for _, o := range c.Outputs {
			if d, ok := o["data"].(map[string]any); ok {
				if s, ok := d["image/png"].(string); ok {
					if b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(s)); err == nil {
						return b
					}
				}
			}
		}
	}
	return nil
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "pictures:", err)
	os.Exit(1)
}
