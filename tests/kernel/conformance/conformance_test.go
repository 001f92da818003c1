// Package conformance runs the gomx kernel through Debian's
// jupyter_kernel_test suite, jupyter console and nbconvert.
package conformance

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gomx-dev/gomx/internal/longtest"
	"github.com/gomx-dev/gomx/internal/notebook"
	"github.com/gomx-dev/gomx/tests/kernel/harness"
)

func TestMain(m *testing.M) { harness.Main(m) }

// TestJupyterKernelTest runs Debian's jupyter_kernel_test conformance
// suite with every sample filled in (test_gokernel.py).
func TestJupyterKernelTest(t *testing.T) {
	t.Parallel()
	harness.Unittest(t, "test_gokernel")
}

// TestConsole runs jupyter console non-interactively.
func TestConsole(t *testing.T) {
	out, err := harness.Run(t, 5*time.Minute, "x := 6\nfmt.Println(x*7)\nfunc f() int { return 5 }\nf()+1\n",
		"jupyter", "console", "--kernel", "gomx", "--simple-prompt")
	if err != nil {
		t.Fatalf("jupyter console: %v\n%s", err, out)
	}
	for _, want := range []string{"gomx", "In [2]: 42\n", "Out[4]: 6", "Shutting down kernel"} {
		if !strings.Contains(out, want) {
			t.Errorf("jupyter console output lacks %q:\n%s", want, out)
		}
	}
}

// TestNbconvertExecute runs a small notebook with nbconvert --execute.
func TestNbconvertExecute(t *testing.T) {
	dir := t.TempDir()
	out, err := harness.Run(t, 5*time.Minute, "", "jupyter", "nbconvert", "--to", "notebook", "--execute",
		"--output-dir", dir, filepath.Join("testdata", "small.ipynb"))
	if err != nil {
		t.Fatalf("nbconvert: %v\n%s", err, out)
	}
	data, err := os.ReadFile(filepath.Join(dir, "small.ipynb"))
	if err != nil {
		t.Fatal(err)
	}
	var nb struct {
		Cells []struct {
			CellType string `json:"cell_type"`
			Outputs  []struct {
				OutputType string         `json:"output_type"`
				Text       any            `json:"text"`
				Data       map[string]any `json:"data"`
				Metadata   map[string]any `json:"metadata"`
			} `json:"outputs"`
		} `json:"cells"`
	}
	if err := json.Unmarshal(data, &nb); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range nb.Cells {
		if c.CellType != "code" {
			continue
		}
		var desc []string
		for _, o := range c.Outputs {
			switch o.OutputType {
			case "stream":
				desc = append(desc, "stream "+joinText(o.Text))
			case "execute_result":
				desc = append(desc, "result "+joinText(o.Data["text/plain"]))
			case "display_data":
				_, png := o.Data["image/png"]
				_, html := o.Data["text/html"]
				desc = append(desc, fmt.Sprintf("display png=%v html=%v", png, html))
			default:
				desc = append(desc, o.OutputType)
			}
		}
		got = append(got, strings.Join(desc, "; "))
	}
	want := []string{"stream hello from gomx\n", "result 42", "display png=true html=false", "display png=false html=true"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("executed notebook outputs:\n%q\nwant\n%q", got, want)
	}
}

// joinText joins a notebook's multiline string (a string or a list of
// lines).
func joinText(v any) string {
	if l, ok := v.([]any); ok {
		var b strings.Builder
		for _, s := range l {
			fmt.Fprint(&b, s)
		}
		return b.String()
	}
	return fmt.Sprint(v)
}

// TestNbconvertTeachingNotebooks runs 00-tour and 02-sinkhorn (every
// teaching notebook under make conformance, see internal/longtest) with
// nbconvert --execute through the installed kernelspec: no cell fails and
// every cell tagged "plot" shows a picture.
func TestNbconvertTeachingNotebooks(t *testing.T) {
	names := []string{"00-tour", "02-sinkhorn"}
	if longtest.Enabled() {
		all, _ := filepath.Glob(filepath.Join("..", "..", "..", "notebooks", "*.ipynb"))
		if len(all) == 0 {
			t.Fatal("no teaching notebooks")
		}
		names = names[:0]
		for _, p := range all {
			names = append(names, strings.TrimSuffix(filepath.Base(p), ".ipynb"))
		}
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			out, err := harness.Run(t, 5*time.Minute, "", "jupyter", "nbconvert", "--to", "notebook", "--execute",
				"--ExecutePreprocessor.timeout=120", "--output-dir", dir, filepath.Join("..", "..", "notebooks", name+".ipynb"))
			if err != nil {
				t.Fatalf("nbconvert: %v\n%s", err, out)
			}
			nb, err := notebook.ReadFile(filepath.Join(dir, name+".ipynb"))
			if err != nil {
				t.Fatal(err)
			}
			plots := 0
			for i, c := range nb.Cells {
				pictures := 0
				for _, o := range c.Outputs {
					if o["output_type"] == "error" {
						t.Errorf("cell %d failed: %v: %v", i, o["ename"], o["evalue"])
					}
					if d, ok := o["data"].(map[string]any); ok && (d["image/png"] != nil || d["image/gif"] != nil) {
						pictures++
					}
				}
				if slices.Contains(c.Tags(), "plot") {
					plots++
					if pictures == 0 {
						t.Errorf("cell %d is tagged plot but shows no picture", i)
					}
				}
			}
			if plots == 0 {
				t.Fatal("no cell tagged plot")
			}
		})
	}
}
