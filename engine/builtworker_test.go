//go:build unix

package engine_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gomx-dev/gomx/engine"
	"github.com/gomx-dev/gomx/internal/worker/workertest"
)

// TestExecutableID compares the build ID read from the test binary with
// the go command's.
func TestExecutableID(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command on PATH")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("go", "tool", "buildid", exe).Output()
	if err != nil {
		t.Fatalf("go tool buildid: %v", err)
	}
	id, err := engine.ExecutableID()
	if err != nil {
		t.Fatal(err)
	}
	if want := strings.TrimSpace(string(out)); id != want {
		t.Errorf("ExecutableID() = %q, go tool buildid says %q", id, want)
	}
}

// TestWorkerInUse checks which worker binary new clients run: the built
// worker of the record when this executable built it and it exists, else
// the executable with a warning; GOMX_WORKER_BIN above both.
func TestWorkerInUse(t *testing.T) {
	cache := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", cache) // os.UserCacheDir on Linux and BSDs
	t.Setenv("HOME", cache)           // and on macOS
	t.Setenv(engine.WorkerBinEnv, "")
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	id, err := engine.ExecutableID()
	if err != nil {
		t.Fatal(err)
	}
	built := filepath.Join(t.TempDir(), "gomx-worker")
	if err := os.WriteFile(built, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	check := func(name, wantBin, wantWarning string) {
		t.Helper()
		bin, w, warning, err := engine.WorkerInUse()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if bin != wantBin || (w != nil) != (wantBin == built) {
			t.Errorf("%s: worker %q (record %v), want %q", name, bin, w, wantBin)
		}
		if wantWarning == "" && warning != "" || !strings.Contains(warning, wantWarning) {
			t.Errorf("%s: warning %q, want %q", name, warning, wantWarning)
		}
	}
	check("no record", exe, "")
	rec := &engine.BuiltWorker{Binary: built, Gomx: "devel", BuildID: id, Packages: []string{"example.com/x (example.com/x v1.0.0)"}}
	if err := engine.WriteBuiltWorker(rec); err != nil {
		t.Fatal(err)
	}
	if file, _ := engine.BuiltWorkerFile(); !strings.HasPrefix(file, cache) {
		t.Errorf("record %s is not in the cache directory %s", file, cache)
	}
	old := time.Now().Add(-48 * time.Hour)
	if err := os.Chtimes(built, old, old); err != nil {
		t.Fatal(err)
	}
	check("record of this executable", built, "")
	if info, err := os.Stat(built); err != nil || time.Since(info.ModTime()) > time.Hour {
		t.Errorf("the built worker's use is not marked: modified %v (%v)", info.ModTime(), err)
	}
	if got, err := engine.ReadBuiltWorker(); err != nil || got.Packages[0] != rec.Packages[0] {
		t.Errorf("ReadBuiltWorker() = %+v, %v", got, err)
	}
	t.Setenv(engine.WorkerBinEnv, "/bin/true")
	check(engine.WorkerBinEnv, "/bin/true", "")
	t.Setenv(engine.WorkerBinEnv, "")
	other := *rec
	other.BuildID = "another"
	if err := engine.WriteBuiltWorker(&other); err != nil {
		t.Fatal(err)
	}
	check("record of another executable", exe, "built by another gomx executable")
	gone := *rec
	gone.Binary = filepath.Join(t.TempDir(), "gone")
	if err := engine.WriteBuiltWorker(&gone); err != nil {
		t.Fatal(err)
	}
	check("binary removed", exe, "no such file")
	if err := engine.WriteBuiltWorker(nil); err != nil {
		t.Fatal(err)
	}
	check("record removed", exe, "")
	if err := engine.WriteBuiltWorker(nil); err != nil {
		t.Errorf("removing no record: %v", err)
	}
}

// lockedBuilder is a strings.Builder for writers in several goroutines.
type lockedBuilder struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuilder) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuilder) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestRestartPicksBuiltWorker checks that a client without a Binary
// chooses its worker again at a restart: a worker built meanwhile (here a
// link to the test binary, which serves the scripted engine) is used from
// then on.
func TestRestartPicksBuiltWorker(t *testing.T) {
	cache := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", cache)
	t.Setenv("HOME", cache)
	t.Setenv(engine.WorkerBinEnv, "")
	var log lockedBuilder
	c, err := engine.NewClient(engine.ClientOptions{Env: []string{workertest.EnvVar + "=1"}, Debug: &log})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	run := func() {
		t.Helper()
		var out workertest.Recorder
		if res := c.Execute(context.Background(), "stream hi", engine.ExecOptions{}, &out); res.Error != nil || out.Text("stdout") != "hi\n" {
			t.Fatalf("cell: %v, output %q", res.Error, out.Got())
		}
	}
	run()
	exe, _ := os.Executable()
	if !strings.Contains(log.String(), ": "+exe+" worker") {
		t.Fatalf("first worker is not %s:\n%s", exe, log.String())
	}
	id, err := engine.ExecutableID()
	if err != nil {
		t.Fatal(err)
	}
	built := filepath.Join(t.TempDir(), "gomx-worker")
	if err := os.Symlink(exe, built); err != nil {
		t.Fatal(err)
	}
	if err := engine.WriteBuiltWorker(&engine.BuiltWorker{Binary: built, BuildID: id}); err != nil {
		t.Fatal(err)
	}
	if err := c.Restart(); err != nil {
		t.Fatal(err)
	}
	run()
	if !strings.Contains(log.String(), ": "+built+" worker") {
		t.Errorf("the worker after the restart is not %s:\n%s", built, log.String())
	}
}
