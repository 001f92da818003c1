//go:build unix

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomx-dev/gomx/engine"
)

// TestGomxBuildCommand checks gomx build's arguments and what it says
// without building: the worker in use, a refused package, --reset. (The
// build itself is internal/build's TestBuildWorker.)
func TestGomxBuildCommand(t *testing.T) {
	cache := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", cache)
	t.Setenv("HOME", cache)
	t.Setenv("GOMX_WORKER_BIN", "")
	tests := []struct {
		args           []string
		stdout, stderr string // substrings
		code           int
	}{
		{[]string{"build"}, "worker ", "", 0},
		{[]string{"build", "github.com/x/y"}, "", "unexpected argument \"github.com/x/y\" (name packages with --with)", 2},
		{[]string{"build", "--reset", "--with", "github.com/x/y"}, "", "--reset and --clean cannot be given with --with", 2},
		{[]string{"build", "--clean", "--with", "github.com/x/y"}, "", "--reset and --clean cannot be given with --with", 2},
		{[]string{"build", "--clean"}, "removed 0 built workers from the cache", "", 0},
		{[]string{"build", "--with", "strings"}, "", "gomx build: strings: a package of the standard library is compiled into gomx already", 1},
		{[]string{"build", "--with", "example.com/a,gonum.org/v1/gonum/mat"}, "", "gonum.org/v1/gonum/mat is compiled into gomx already", 1},
		{[]string{"build", "--reset"}, "new sessions use gomx's own worker", "", 0},
	}
	for _, tt := range tests {
		stdout, stderr, code := gomx(t, "", tt.args...)
		if code != tt.code || !strings.Contains(stdout, tt.stdout) || !strings.Contains(stderr, tt.stderr) {
			t.Errorf("gomx %s: exit %d, stdout %q, stderr %q; want exit %d, %q, %q", strings.Join(tt.args, " "), code, stdout, stderr, tt.code, tt.stdout, tt.stderr)
		}
	}
}

// TestGomxVersionBuiltWorker checks that gomx version lists the packages of
// the built worker new sessions use, and warns about one another gomx
// executable built.
func TestGomxVersionBuiltWorker(t *testing.T) {
	cache := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", cache)
	t.Setenv("HOME", cache)
	t.Setenv("GOMX_WORKER_BIN", "")
	id, err := engine.ExecutableID()
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "gomx-worker")
	if err := os.WriteFile(bin, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	w := &engine.BuiltWorker{Binary: bin, Gomx: "1.2.3", BuildID: id, Packages: []string{"example.com/fib (example.com/fib v1.0.0)"}}
	if err := engine.WriteBuiltWorker(w); err != nil {
		t.Fatal(err)
	}
	stdout, _, code := gomx(t, "", "version")
	if want := "worker " + bin + " (gomx build), compiled in:\n  example.com/fib (example.com/fib v1.0.0)\n"; code != 0 || !strings.HasSuffix(stdout, want) {
		t.Errorf("gomx version: exit %d, %q; want it to end with %q", code, stdout, want)
	}
	w.BuildID = "other"
	if err := engine.WriteBuiltWorker(w); err != nil {
		t.Fatal(err)
	}
	stdout, _, _ = gomx(t, "", "version")
	if want := "it was built by another gomx executable (gomx 1.2.3)"; !strings.Contains(stdout, want) || strings.Contains(stdout, "example.com/fib") {
		t.Errorf("gomx version with another executable's worker: %q; want %q and no package", stdout, want)
	}
}
