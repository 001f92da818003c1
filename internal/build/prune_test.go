package build

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/gomx-dev/gomx/engine"
)

// TestPrune checks which entries of the cache Prune removes: workers
// unused for longer than the limit (all with 0), entries without a binary
// and builds abandoned a day ago, but never the worker new sessions use
// nor a build that may still run.
func TestPrune(t *testing.T) {
	cache := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", cache)
	t.Setenv("HOME", cache)
	root := filepath.Join(cache, "gomx", "build")
	now := time.Now()
	entry := func(name string, age time.Duration, binary bool) string {
		dir := filepath.Join(root, name)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		at := now.Add(-age)
		path := dir
		if binary {
			path = filepath.Join(dir, binaryName)
			if err := os.WriteFile(path, []byte("worker"), 0o755); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.Chtimes(path, at, at); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	day := 24 * time.Hour
	old := entry("old", 40*day, true)
	recent := entry("recent", day, true)
	inUse := entry("inuse", 90*day, true)
	stopped := entry("stopped", 0, false)
	abandonedBuild := entry("k.tmp-1", 2*day, false)
	running := entry("k.tmp-2", time.Minute, false)
	if err := engine.WriteBuiltWorker(&engine.BuiltWorker{Binary: filepath.Join(inUse, binaryName)}); err != nil {
		t.Fatal(err)
	}
	check := func(unused time.Duration, want []string) {
		t.Helper()
		removed, err := Prune(unused)
		if err != nil {
			t.Fatal(err)
		}
		slices.Sort(removed)
		slices.Sort(want)
		if !slices.Equal(removed, want) {
			t.Errorf("Prune(%v) removed %v, want %v", unused, removed, want)
		}
		for _, dir := range want {
			if _, err := os.Stat(dir); !os.IsNotExist(err) {
				t.Errorf("%s is still there (%v)", dir, err)
			}
		}
	}
	check(Unused, []string{old, stopped, abandonedBuild})
	check(Unused, nil)
	check(0, []string{recent})
	for _, dir := range []string{inUse, running} {
		if _, err := os.Stat(dir); err != nil {
			t.Errorf("%s was removed: %v", dir, err)
		}
	}
}
