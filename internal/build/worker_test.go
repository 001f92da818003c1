//go:build unix

package build

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/gomx-dev/gomx/engine"
	"github.com/gomx-dev/gomx/internal/longtest"
	"github.com/gomx-dev/gomx/internal/modules/proxytest"
	"github.com/gomx-dev/gomx/internal/worker/workertest"
)

// fibModule is the module the test compiles in. Where tells compiled code
// from interpreted: compiled, the runtime names the function itself.
var fibModule = proxytest.Module{Path: "example.com/fib", Version: "v1.0.0", Files: map[string]string{
	"go.mod": "module example.com/fib\n\ngo 1.22\n",
	"fib.go": `// Package fib computes Fibonacci numbers.
package fib

import "runtime"

// Fib returns the nth Fibonacci number.
func Fib(n int) int {
	if n < 2 {
		return n
	}
	return Fib(n-1) + Fib(n-2)
}

// Where returns the name of the function the runtime sees running.
func Where() string {
	pc, _, _, _ := runtime.Caller(0)
	return runtime.FuncForPC(pc).Name()
}
`,
}}

// logWriter writes a build's progress into the test log.
type logWriter struct{ t *testing.T }

func (w logWriter) Write(b []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(b), "\n"))
	return len(b), nil
}

// TestBuildWorker builds a worker with a module of a local proxy compiled
// in, from a snapshot of this module's source, and runs cells on it
// through an engine client; a second build of the same set comes from the
// cache; Reset goes back to the test binary as the worker.
func TestBuildWorker(t *testing.T) {
	longtest.Skip(t, "builds a gomx worker: a minute or more")
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command on PATH")
	}
	// the build cache stays the user's (a cold build of gomx takes minutes);
	// the module cache is the test's, filled from the user's
	gocache, err := goOutput("", nil, "env", "GOCACHE", "GOMODCACHE")
	if err != nil {
		t.Fatal(err)
	}
	goDirs := strings.Fields(gocache)
	proxy := t.TempDir()
	if err := proxytest.Write(proxy, []proxytest.Module{fibModule}); err != nil {
		t.Fatal(err)
	}
	proxytest.Env(t.Setenv, proxy, t.TempDir())
	t.Setenv("GOPROXY", proxytest.URL(proxy)+","+proxytest.URL(filepath.Join(goDirs[1], "cache", "download")))
	t.Setenv("GOCACHE", goDirs[0])
	cache := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", cache)
	t.Setenv("HOME", cache)
	t.Setenv(engine.WorkerBinEnv, "")

	// a snapshot, so that edits in the checkout during the test change
	// nothing
	root, err := Source()
	if err != nil {
		t.Fatal(err)
	}
	files, err := sourceFiles(root)
	if err != nil {
		t.Fatal(err)
	}
	src := t.TempDir()
	if err := copyFiles(root, src, files); err != nil {
		t.Fatal(err)
	}

	opts := Options{Packages: []string{"example.com/fib@v1.0.0"}, Src: src, Log: logWriter{t}}
	start := time.Now()
	r, err := Build(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("built in %v", time.Since(start))
	if want := []string{"example.com/fib (example.com/fib v1.0.0)"}; r.Cached || !reflect.DeepEqual(r.Packages, want) {
		t.Errorf("Build: cached %v, packages %q, want %q", r.Cached, r.Packages, want)
	}
	if !strings.HasPrefix(r.Binary, filepath.Join(cache, "gomx", "build")) {
		t.Errorf("worker %s is not in the cache %s", r.Binary, cache)
	}
	if ents, err := os.ReadDir(filepath.Dir(filepath.Dir(r.Binary))); err != nil || len(ents) != 1 {
		t.Errorf("the build left %v in the cache (%v), want the worker's directory only", ents, err)
	}
	if ents, err := os.ReadDir(filepath.Dir(r.Binary)); err != nil || len(ents) != 2 {
		t.Errorf("the worker's directory holds %v (%v), want the binary and its record", ents, err)
	}
	bin, built, warning, err := engine.WorkerInUse()
	if err != nil || bin != r.Binary || built == nil || warning != "" {
		t.Fatalf("WorkerInUse() = %q, %v, %q, %v; want %s", bin, built, warning, err, r.Binary)
	}

	c, err := engine.NewClient(engine.ClientOptions{MemoryLimit: "1GiB"})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for _, cell := range []struct{ code, want string }{
		{`import "example.com/fib"`, ""},
		{"fib.Fib(20)", "6765"},
		{"fib.Where()", `"example.com/fib.Where"`},
	} {
		var out workertest.Recorder
		res := c.Execute(context.Background(), cell.code, engine.ExecOptions{}, &out)
		if res.Error != nil {
			t.Fatalf("%s: %v %s", cell.code, res.Error, res.Error.Traceback)
		}
		got := ""
		if res.Value != nil {
			got = res.Value.Text()
		}
		if got != cell.want {
			t.Errorf("%s = %q, want %q (output %q)", cell.code, got, cell.want, out.Got())
		}
	}

	start = time.Now()
	again, err := Build(opts)
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); !again.Cached || again.Binary != r.Binary || d > 10*time.Second {
		t.Errorf("second build: cached %v in %v, worker %s (first %s)", again.Cached, d, again.Binary, r.Binary)
	}
	if err := Reset(); err != nil {
		t.Fatal(err)
	}
	exe, _ := os.Executable()
	if bin, built, _, _ := engine.WorkerInUse(); bin != exe || built != nil {
		t.Errorf("after Reset, WorkerInUse() = %s, %v; want %s", bin, built, exe)
	}
}
