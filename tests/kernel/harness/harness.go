// Package harness builds gomx, installs its kernelspec into temporary
// Jupyter directories and runs the Python test scripts of tests/kernel
// against it, for the end-to-end test packages beside it.
package harness

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// Gomx returns the path of the gomx binary under test.
func Gomx() string { return gomxBin }

// Python is Debian's interpreter, which has the Jupyter packages.
const Python = "/usr/bin/python3"

// Env returns the environment in which Jupyter finds the kernelspec of
// the gomx under test (and keeps its files in temporary directories).
func Env() []string { return append([]string(nil), env...) }

var (
	dir     string   // tests/kernel, where the Python scripts are
	gomxBin string   // the gomx binary under test
	env     []string // the environment with the temporary Jupyter dirs
	tmpRoot string
)

// Main is the TestMain of a package of end-to-end tests: it builds gomx,
// installs the kernelspec, runs the tests and cleans up.
func Main(m *testing.M) {
	code, err := setup()
	if err != nil {
		fmt.Fprintln(os.Stderr, "tests/kernel:", err)
		code = 1
	} else {
		code = m.Run()
	}
	if tmpRoot != "" {
		os.RemoveAll(tmpRoot)
	}
	os.Exit(code)
}

// setup builds gomx and installs its kernelspec where the clients below,
// and only they, find it.
func setup() (int, error) {
	var err error
	if dir, err = filepath.Abs(".."); err != nil {
		return 1, err
	}
	tmpRoot, err = os.MkdirTemp("", "gomx-kerneltest-")
	if err != nil {
		return 1, err
	}
	gomxBin = filepath.Join(tmpRoot, "bin", "gomx")
	goTool := filepath.Join(runtime.GOROOT(), "bin", "go")
	build := exec.Command(goTool, "build", "-o", gomxBin, "github.com/gomx-dev/gomx/cmd/gomx")
	if out, err := build.CombinedOutput(); err != nil {
		return 1, fmt.Errorf("building gomx: %v\n%s", err, out)
	}
	env = append(os.Environ(),
		"JUPYTER_DATA_DIR="+filepath.Join(tmpRoot, "data"),
		"JUPYTER_RUNTIME_DIR="+filepath.Join(tmpRoot, "runtime"),
		"JUPYTER_CONFIG_DIR="+filepath.Join(tmpRoot, "config"),
		"JUPYTER_PATH=",
		"PYTHONDONTWRITEBYTECODE=1",
		"GOMX_WORKER_BIN=",
	)
	inst := exec.Command(gomxBin, "install")
	inst.Env = env
	if out, err := inst.CombinedOutput(); err != nil {
		return 1, fmt.Errorf("gomx install: %v\n%s", err, out)
	}
	if _, err := os.Stat(Python); err != nil {
		return 1, fmt.Errorf("%s is missing: make deps installs the Debian Jupyter packages", Python)
	}
	return 0, nil
}

// Run runs a command in this directory with the test environment and a
// hang-catching time limit, and returns its combined output.
func Run(t *testing.T, limit time.Duration, stdin string, name string, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = env
	cmd.Dir = dir
	cmd.Stdin = strings.NewReader(stdin)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if ctx.Err() != nil {
		err = fmt.Errorf("%s did not finish within %v", name, limit)
	}
	return out.String(), err
}

// Unittest runs a Python unittest module of tests/kernel and fails on any failure, error
// or skipped test.
func Unittest(t *testing.T, module string) {
	t.Helper()
	out, err := Run(t, 10*time.Minute, "", Python, "-m", "unittest", "-v", module)
	if err != nil {
		t.Fatalf("%s: %v\n%s", module, err, out)
	}
	if strings.Contains(out, "skipped") {
		t.Fatalf("%s skipped tests:\n%s", module, out)
	}
	t.Logf("%s:\n%s", module, lastLines(out, 20))
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
