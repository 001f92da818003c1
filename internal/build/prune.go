package build

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/gomx-dev/gomx/engine"
)

// Unused is how long a built worker may go unused before a build removes
// it from the cache. A session that runs a built worker marks it used
// (engine.WorkerInUse sets the binary's modification time).
const Unused = 30 * 24 * time.Hour

// abandoned is the age after which the directory of a build that never
// finished (killed, power lost) is removed.
const abandoned = 24 * time.Hour

// Prune removes from the cache the built workers not used for unused, or
// all of them when unused is 0, and the directories of builds abandoned a
// day ago; the worker recorded for new sessions stays. It returns the
// directories removed. Build prunes with Unused after each build.
func Prune(unused time.Duration) ([]string, error) {
	cache, err := os.UserCacheDir()
	if err != nil {
		return nil, err
	}
	root := filepath.Join(cache, "gomx", "build")
	entries, err := os.ReadDir(root)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	keep := ""
	if w, err := engine.ReadBuiltWorker(); err == nil && w != nil {
		keep = filepath.Dir(w.Binary)
	}
	now := time.Now()
	var removed []string
	var errs []error
	for _, e := range entries {
		dir := filepath.Join(root, e.Name())
		if !e.IsDir() || dir == keep {
			continue
		}
		if strings.Contains(e.Name(), ".tmp-") {
			if info, err := e.Info(); err == nil && now.Sub(info.ModTime()) > abandoned {
				errs = append(errs, remove(dir, &removed))
			}
			continue
		}
		// the binary's time is its last use; an entry without one is a
		// build that stopped
		last := time.Time{}
		if info, err := os.Stat(filepath.Join(dir, binaryName)); err == nil {
			last = info.ModTime()
		}
		if unused == 0 || now.Sub(last) > unused {
			errs = append(errs, remove(dir, &removed))
		}
	}
	return removed, errors.Join(errs...)
}

func remove(dir string, removed *[]string) error {
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	*removed = append(*removed, dir)
	return nil
}
