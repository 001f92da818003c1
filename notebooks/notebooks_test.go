package notebooks

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gomx-dev/gomx/internal/longtest"
	"github.com/gomx-dev/gomx/internal/notebook"
)

var gomxBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "gomx-notebooks")
	if err != nil {
		panic(err)
	}
	gomxBin = filepath.Join(dir, "gomx")
	if out, err := exec.Command("go", "build", "-o", gomxBin, "../cmd/gomx").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building gomx: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func sources(t *testing.T) []string {
	srcs, _ := filepath.Glob("*.gomx")
	if len(srcs) == 0 {
		t.Fatal("no notebook sources")
	}
	return srcs
}

// TestGenerated fails when a .ipynb is not what `go generate ./notebooks`
// makes of its .gomx source.
func TestGenerated(t *testing.T) {
	for _, src := range sources(t) {
		data, _ := os.ReadFile(src)
		nb, err := notebook.FromPercent(string(data))
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		want, _ := nb.Marshal()
		got, err := os.ReadFile(strings.TrimSuffix(src, ".gomx") + ".ipynb")
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s: the .ipynb is stale or missing: run go generate ./notebooks", src)
		}
	}
}

// expectation is a number the notebook prints: the first submatch of
// Pattern in its text outputs must lie in [Lo, Hi].
type expectation struct {
	Pattern string
	Lo, Hi  float64
}

// expected lists, per notebook, the key numbers it must print.
var expected = map[string][]expectation{
	"00-tour": {{`sample mean (\S+),`, -0.1, 0.1}, {`sample mean \S+, std (\S+)`, 0.95, 1.05}},
	"01-prox": {
		{`max difference (\S+) \(grid step`, 0, 0.005},
		{`relative objective difference FISTA vs CD GSL (\S+)`, 0, 2e-8},
		{`IHT from the lasso: max error (\S+)`, 0, 1e-6},
		{`max relative \|SEF_1\(x\) − ½‖x‖₁²\| over 200 random x: (\S+)`, 0, 1e-12},
	},
	"02-sinkhorn": {
		{`largest \(⟨P_ε,M⟩ − EMD\) / \(ε log nm\) (\S+)`, 0, 1},
		{`smallest relative gap \(⟨P_ε,M⟩ − EMD\) / EMD (\S+)`, -1e-8, 0.0037},
		{`EMD between the disk and its copy shifted by \(3, 2\): (\S+)`, 13 - 1e-7, 13 + 1e-7},
		{`SNS +Converged: +\d+ passes, final marginal error (\S+)`, 0, 1e-9},
		{`largest difference between the plans: (\S+)`, 0, 1e-8},
		{`SNS: Converged after \d+ passes, marginal error (\S+)`, 0, 1e-9},
	},
	"03-cbo": {
		{`Converged after \d+ steps: consensus .*, f = (\S+)`, 0, 1e-4},
		{`success rate at α = 0.1: ([0-9.]+)`, 0, 0.1},
		{`success rate at α = 0.1: \S+, at α = 1e4: ([0-9.]+)`, 0.8, 1},
		{`largest \|sampled cosine − closed form\| where the effective sample size is ≥ 10%: (\S+)`, 0, 0.01},
		{`mean cosine of the drift with −∇\(bowl\) (\S+),`, 0.7, 1},
	},
	"04-bandits": {
		{`UCB1 mean regret / UCB1 bound ([0-9.]+)`, 0, 1},
		{`UCB1 regret / T ([0-9.]+)`, 0.5, 1},
		{`EXP3 mean regret / EXP3 bound (\S+)`, -1, 1},
		{`largest regret / certified bound (\S+)`, -1, 1},
		{`learned hint weight, M_t = −g_t: (\S+)`, 0, 0.1},
		{`learned-hint regret / plain regret, M_t = −g_t: (\S+)`, 0, 2},
	},
	"05-sae": {
		{`final NMSE ([0-9.]+)`, 0.1, 0.17},
		{`recovered fraction \(\|cos\| > 0.9\) ([0-9.]+)`, 0.97, 1},
	},
	// The thresholds of mathx/nn's TestNotebook06* tests, which run the
	// same experiments.
	"06-training-dynamics": {
		{`⊥Grad test accuracy (\S+) \(train`, 0.85, 1},
		{`AdamW baseline train accuracy (\S+),`, 1, 1},
		{`AdamW baseline train accuracy \S+, test accuracy (\S+),`, 0, 0.199},
		{`collapsed fraction (\S+)`, 0.4, 1},
		{`StableMax train accuracy (\S+) and test accuracy \S+ at step 800`, 1, 1},
		{`StableMax train accuracy \S+ and test accuracy (\S+) at step 800`, 0, 0.199},
		{`test accuracy at step 1600 (\S+)`, 0.25, 1},
		{`dense − ERK at 90 % sparsity: width 32 (\S+),`, 0.1001, 1},
		{`dense − ERK at 90 % sparsity: width 32 \S+, width 128 (\S+)`, -1, 0.03},
		{`best of 8 over densities \S+ \(best − baseline (\S+)\)`, -0.03, 0.03},
		{`soup − best ingredient (\S+)\)`, 0.0005, 1},
		{`soup density (\S+);`, 0.199, 0.201},
		{`loss barrier at k = 0 (\S+),`, 0.3, 100},
		{`at k = 100 (\S+),`, 0, 0.03},
		{`at k = 300 (\S+)`, 0, 0.01},
		{`(\d+) spikes with 5 % outliers`, 5, 400},
		{`\(fraction (\S+)\) with outliers and majority moving in opposite directions`, 0.8, 1},
		{`(\d+) spikes without outliers`, 0, 1},
	},
}

// long lists the notebooks that take long to run, with why: they run in
// make conformance only (internal/longtest); make test runs the others,
// which cover gomx run's behaviours as well.
var long = map[string]string{
	"05-sae": "trains sparse autoencoders, 16 s on 2 cores",
}

// TestRunNotebooks runs every notebook with `gomx run` and checks that it
// finishes, validates as nbformat, shows a picture in every cell tagged
// "plot", and prints its key numbers within tolerance.
func TestRunNotebooks(t *testing.T) {
	for _, src := range sources(t) {
		name := strings.TrimSuffix(src, ".gomx")
		t.Run(name, func(t *testing.T) {
			if why, ok := long[name]; ok {
				longtest.Skip(t, why)
			}
			out := filepath.Join(t.TempDir(), name+".ipynb")
			start := time.Now()
			cmd := exec.Command(gomxBin, "run", "--timeout", "120s", "-o", out, name+".ipynb")
			if b, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("gomx run: %v\n%s", err, b)
			}
			el := time.Since(start)
			t.Logf("%s ran in %v", name, el.Round(time.Millisecond))
			validate(t, out)
			nb, err := notebook.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			var text strings.Builder
			for i, c := range nb.Cells {
				if c.Type != "code" {
					continue
				}
				pictures := 0
				for _, o := range c.Outputs {
					if o["output_type"] == "stream" {
						text.WriteString(o["text"].(string))
					}
					if d, ok := o["data"].(map[string]any); ok {
						for _, mime := range []string{"image/png", "image/gif", "image/svg+xml"} {
							if d[mime] != nil {
								pictures++
							}
						}
						if tp, ok := d["text/plain"].([]any); ok {
							for _, l := range tp {
								text.WriteString(l.(string))
							}
							text.WriteString("\n")
						}
					}
				}
				for _, tag := range c.Tags() {
					if tag == "plot" && pictures == 0 {
						t.Errorf("cell %d is tagged plot but shows no picture:\n%s", i, c.Source)
					}
				}
			}
			for _, e := range expected[name] {
				m := regexp.MustCompile(e.Pattern).FindStringSubmatch(text.String())
				if m == nil {
					t.Errorf("output lacks %q", e.Pattern)
					continue
				}
				v, err := strconv.ParseFloat(m[1], 64)
				if err != nil || v < e.Lo || v > e.Hi {
					t.Errorf("%q gave %s, want a number in [%g, %g]", e.Pattern, m[1], e.Lo, e.Hi)
				}
			}
		})
	}
}

// validate checks a notebook file against the nbformat schema with
// Debian's python3-nbformat.
func validate(t *testing.T, path string) {
	t.Helper()
	cmd := exec.Command("/usr/bin/python3", "-c", "import sys, nbformat; nbformat.validate(nbformat.read(sys.argv[1], as_version=4))", path)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s is not valid nbformat: %v\n%s", path, err, out)
	}
}
