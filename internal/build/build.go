// Package build builds gomx workers with more packages compiled in: `gomx
// build --with github.com/x/y`.
//
// A package a cell imports from a module's source (internal/modules) runs
// at the interpreter's speed. Build makes it run compiled instead: in a copy
// of gomx's module source (Source) it adds the packages' modules (`go get`),
// generates the packages' symbol tables, type information and
// documentation next to the preloaded ones (`go run
// ./internal/stdlib/internal/gen -add`, which leaves the standard library's
// tables as they are) and builds cmd/gomx into the cache,
// os.UserCacheDir()/gomx/build/<key>/gomx-worker. The key hashes the
// executable that builds (engine.ExecutableID), the Go version, the source
// files and the requested packages, so that a second build of the same set
// is a cache hit that runs no go command. Build then records the binary with
// engine.WriteBuiltWorker, and the next sessions of this gomx executable
// (kernel, REPL, gomx run) run it as their worker (engine.WorkerInUse).
// A build removes the workers no session has used for 30 days (Prune);
// `gomx build --clean` removes all but the one in use.
//
// yaegi's extraction leaves out generic functions and types: a cell cannot
// call those of a compiled package (it can import the package from source
// instead).
package build

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/gomx-dev/gomx/engine"
	"github.com/gomx-dev/gomx/internal/stdlib"
	"golang.org/x/mod/modfile"
)

// Options configure Build.
type Options struct {
	// Packages are the import paths to compile in, each with an optional
	// @version (a module query of go get: v1.2.3, latest, a branch).
	Packages []string
	// Src is gomx's module source; empty means Source().
	Src string
	// Log receives progress lines and the go command's output; nil
	// discards them.
	Log io.Writer
}

// Result describes a built worker.
type Result struct {
	engine.BuiltWorker
	// Cached is true when the worker was in the cache already.
	Cached bool
}

// binaryName is the worker binary's name in its cache directory, and
// recordName the name of its record there.
const (
	binaryName = "gomx-worker"
	recordName = "worker.json"
)

// Build builds (or finds in the cache) a worker with opts.Packages compiled
// in and records it as the worker of new sessions.
func Build(opts Options) (*Result, error) {
	log := opts.Log
	if log == nil {
		log = io.Discard
	}
	pkgs, err := parsePackages(opts.Packages)
	if err != nil {
		return nil, err
	}
	src := opts.Src
	if src == "" {
		if src, err = Source(); err != nil {
			return nil, err
		}
	} else if err := isGomx(src); err != nil {
		return nil, fmt.Errorf("--src: %w", err)
	}
	self, err := engine.ExecutableID()
	if err != nil {
		return nil, fmt.Errorf("identifying the gomx executable: %w", err)
	}
	goenv, err := goOutput("", nil, "env", "GOVERSION", "GOROOT")
	if err != nil {
		return nil, err
	}
	goVersion, goroot, _ := strings.Cut(strings.TrimSpace(goenv), "\n")
	files, err := sourceFiles(src)
	if err != nil {
		return nil, fmt.Errorf("reading gomx's source in %s: %w", src, err)
	}
	srcHash, err := hashFiles(src, files)
	if err != nil {
		return nil, fmt.Errorf("reading gomx's source in %s: %w", src, err)
	}
	h := sha256.New()
	fmt.Fprintf(h, "gomx build 1\n%s\n%s\n%s\n", self, goVersion, srcHash)
	reqs := slices.Sorted(slices.Values(opts.Packages))
	for _, r := range reqs {
		fmt.Fprintf(h, "%s\n", r)
	}
	key := hex.EncodeToString(h.Sum(nil))[:20]
	cache, err := os.UserCacheDir()
	if err != nil {
		return nil, fmt.Errorf("the cache directory: %w", err)
	}
	dir := filepath.Join(cache, "gomx", "build", key)
	if w, err := readRecord(dir); err == nil {
		fmt.Fprintf(log, "gomx build: %s is in the cache\n", w.Binary)
		if err := engine.WriteBuiltWorker(w); err != nil {
			return nil, err
		}
		return &Result{BuiltWorker: *w, Cached: true}, nil
	}
	// built in a directory of its own, then renamed: a build interrupted
	// leaves no partial entry, and of two builds of one set at once the
	// first to finish is kept
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), key+".tmp-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	w, err := buildWorker(tmp, src, files, opts.Packages, pkgs, goEnv(goroot), log)
	if err != nil {
		return nil, err
	}
	w.Binary = filepath.Join(dir, binaryName)
	w.BuildID = self
	w.Gomx = engine.Version()
	js, err := json.MarshalIndent(w, "", "\t")
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(tmp, recordName), append(js, '\n'), 0o644); err != nil {
		return nil, err
	}
	if err := os.Rename(tmp, dir); err != nil {
		other, rerr := readRecord(dir)
		if rerr != nil {
			// an entry without a record: a build of an older gomx that stopped
			if err := os.RemoveAll(dir); err != nil {
				return nil, err
			}
			if err := os.Rename(tmp, dir); err != nil {
				return nil, err
			}
		} else {
			w = other
		}
	}
	if err := engine.WriteBuiltWorker(w); err != nil {
		return nil, err
	}
	if removed, err := Prune(Unused); err != nil {
		fmt.Fprintf(log, "gomx build: cleaning the cache: %v\n", err)
	} else if len(removed) > 0 {
		fmt.Fprintf(log, "gomx build: removed %d workers unused for %d days from the cache\n", len(removed), Unused/(24*time.Hour))
	}
	return &Result{BuiltWorker: *w}, nil
}

// Reset makes new sessions run the gomx executable itself as their worker
// again. The built workers stay in the cache (Prune removes them).
func Reset() error { return engine.WriteBuiltWorker(nil) }

// parsePackages checks the requested packages and returns their import
// paths, versions stripped.
func parsePackages(reqs []string) ([]string, error) {
	if len(reqs) == 0 {
		return nil, errors.New("no package to compile in: name one with --with (github.com/x/y or github.com/x/y@v1.2.3)")
	}
	preloaded := stdlib.Packages()
	var pkgs []string
	for _, r := range reqs {
		p, _, _ := strings.Cut(r, "@")
		first, _, _ := strings.Cut(p, "/")
		switch {
		case p == "" || strings.ContainsAny(p, " \t"):
			return nil, fmt.Errorf("%q is not an import path", r)
		case !strings.Contains(first, "."):
			return nil, fmt.Errorf("%s: a package of the standard library is compiled into gomx already", p)
		case slices.Contains(preloaded, p):
			return nil, fmt.Errorf("%s is compiled into gomx already", p)
		case slices.Contains(pkgs, p):
			return nil, fmt.Errorf("%s is named twice", p)
		}
		pkgs = append(pkgs, p)
	}
	return pkgs, nil
}

// readRecord returns the record of the worker built in dir, if it is
// complete.
func readRecord(dir string) (*engine.BuiltWorker, error) {
	b, err := os.ReadFile(filepath.Join(dir, recordName))
	if err != nil {
		return nil, err
	}
	var w engine.BuiltWorker
	if err := json.Unmarshal(b, &w); err != nil {
		return nil, err
	}
	if _, err := os.Stat(w.Binary); err != nil {
		return nil, err
	}
	return &w, nil
}

// buildWorker copies gomx's source into dir/src, adds the requested
// packages and builds dir/gomx-worker. It returns the record with the
// packages only.
func buildWorker(dir, src string, files, reqs, pkgs, env []string, log io.Writer) (*engine.BuiltWorker, error) {
	work := filepath.Join(dir, "src")
	if err := copyFiles(src, work, files); err != nil {
		return nil, fmt.Errorf("copying gomx's source: %w", err)
	}
	fmt.Fprintf(log, "gomx build: building a worker with %s from %s in %s\n", strings.Join(reqs, ", "), src, dir)
	steps := []struct {
		what, dir string
		args      []string
	}{
		{"adding the modules", work, append([]string{"get"}, reqs...)},
		{"generating the symbol tables", filepath.Join(work, "internal", "stdlib"),
			[]string{"run", "-trimpath", "-buildvcs=false", "./internal/gen", "-add", strings.Join(pkgs, ",")}},
		// -buildvcs=false: the cache directory may be inside a repository
		// (a home directory under version control)
		{"compiling", work, []string{"build", "-trimpath", "-buildvcs=false", "-o", filepath.Join(dir, binaryName), "./cmd/gomx"}},
	}
	before, err := requirements(work)
	if err != nil {
		return nil, err
	}
	for i, s := range steps {
		if i == 1 {
			if err := checkRequirements(work, before, log); err != nil {
				return nil, err
			}
		}
		start := time.Now()
		fmt.Fprintf(log, "gomx build: %s: go %s\n", s.what, strings.Join(s.args, " "))
		cmd := exec.Command("go", s.args...)
		cmd.Dir, cmd.Env = s.dir, env
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = io.MultiWriter(&out, log), io.MultiWriter(&out, log)
		if err := cmd.Run(); err != nil {
			return nil, fmt.Errorf("%s: go %s: %v\n%s", s.what, strings.Join(s.args, " "), err, strings.TrimSpace(out.String()))
		}
		fmt.Fprintf(log, "gomx build: %s took %.1fs\n", s.what, time.Since(start).Seconds())
	}
	listed, err := goOutput(work, env, append([]string{"list", "-f", "{{.ImportPath}} ({{with .Module}}{{.Path}} {{.Version}}{{end}})"}, pkgs...)...)
	if err != nil {
		return nil, err
	}
	w := &engine.BuiltWorker{Packages: strings.Split(strings.TrimSpace(listed), "\n")}
	sort.Strings(w.Packages)
	// the go build cache keeps what a next build can reuse
	if err := os.RemoveAll(work); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	return w, nil
}

// yaegiModule is the interpreter's module, which a build must not change.
const yaegiModule = "github.com/traefik/yaegi"

// requirements returns the module requirements of go.mod in dir, by path.
func requirements(dir string) (map[string]string, error) {
	file := filepath.Join(dir, "go.mod")
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	f, err := modfile.ParseLax(file, b, nil)
	if err != nil {
		return nil, err
	}
	reqs := map[string]string{}
	for _, r := range f.Require {
		reqs[r.Mod.Path] = r.Mod.Version
	}
	return reqs, nil
}

// checkRequirements compares gomx's requirements after go get with before:
// a module whose packages are compiled into gomx (their tables hold its
// version's API) or the interpreter's must keep its version; another
// module's new version is noted in the log.
func checkRequirements(dir string, before map[string]string, log io.Writer) error {
	after, err := requirements(dir)
	if err != nil {
		return err
	}
	preloaded := stdlib.Packages()
	var paths []string
	for path := range before {
		paths = append(paths, path)
	}
	sort.Strings(paths)
	for _, path := range paths {
		old, now := before[path], after[path]
		if now == old {
			continue
		}
		compiled := path == yaegiModule || slices.ContainsFunc(preloaded, func(p string) bool {
			return p == path || strings.HasPrefix(p, path+"/")
		})
		if compiled {
			return fmt.Errorf("the packages need %s %s, and gomx has %s %s compiled in: a build keeps the versions of gomx's own packages (pin an older version of the packages with @version)", path, now, path, old)
		}
		fmt.Fprintf(log, "gomx build: go get changed %s from %s to %s\n", path, old, now)
	}
	return nil
}

// goEnv is the environment of the go commands of a build: the user's
// (GOPROXY, GOPRIVATE, GOFLAGS …) with the local toolchain, no workspace,
// no cgo (gomx is built without it) and go.mod writable. GOROOT is set
// because the generator runs built with -trimpath (so that the build cache
// serves it whatever the copy's directory), which leaves go/build without
// a GOROOT of its own.
func goEnv(goroot string) []string {
	var flags []string
	for _, f := range strings.Fields(os.Getenv("GOFLAGS")) {
		if !strings.HasPrefix(f, "-mod=") && !strings.HasPrefix(f, "--mod=") {
			flags = append(flags, f)
		}
	}
	flags = append(flags, "-mod=mod")
	return append(os.Environ(), "GOTOOLCHAIN=local", "GOWORK=off", "CGO_ENABLED=0", "GOFLAGS="+strings.Join(flags, " "), "GOROOT="+goroot)
}

// goOutput runs the go command in dir and returns its standard output.
func goOutput(dir string, env []string, args ...string) (string, error) {
	cmd := exec.Command("go", args...)
	cmd.Dir, cmd.Env = dir, env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if errors.Is(err, exec.ErrNotFound) {
		return "", errors.New("gomx build needs the go command, which is not on PATH: install Go from https://go.dev/dl/")
	}
	if err != nil {
		return "", fmt.Errorf("go %s: %v %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return string(out), nil
}
