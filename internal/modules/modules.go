package modules

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/gomx-dev/gomx/internal/front"
	"golang.org/x/mod/semver"
)

// Config is what the resolution needs from the session.
type Config struct {
	// Compiled reports whether a package is compiled into gomx
	// (preloaded): such a package is never read from source.
	Compiled func(path string) bool
	// Versions are the versions of the modules compiled into gomx, by
	// module path: a module that needs a newer one is refused.
	Versions map[string]string
	// Progress receives the state of the go command's downloads as each
	// begins, and once more when the command ends; nil drops it.
	Progress func(Progress)
	// Context gives the context of the running cell, which stops the go
	// command when the cell is interrupted; nil means none.
	Context func() context.Context
	// Env is the go command's environment; nil means os.Environ().
	Env []string
	// Check compiles and initialises the packages paths with the
	// interpreter in another process, from a GOPATH directory that holds
	// the packages as the interpreter gets them: the interpreter cannot
	// retry an import, and on some packages its compiler ends the process
	// (a fatal stack overflow), which would end the session. nil checks
	// nothing.
	Check func(ctx context.Context, gopath string, paths []string) error
	// Front is the configuration of the front end that lowers a
	// package's source (front.LowerPackage) as the session's cells:
	// its runtime, available symbols and generic instantiations. Fset
	// and Importer are the importer's.
	Front front.Config
}

// Modules is the module state of one session: its scratch module and the
// packages imported so far. It is safe for concurrent use.
type Modules struct {
	cfg Config

	mu sync.Mutex
	// dir is the scratch module's directory, "" until the first import.
	dir string
	// modules are the modules of the build list the scratch module has
	// given packages of, path → the version cells use.
	modules map[string]string
	// pending are versions that %go get chose for modules already
	// imported, used after Reset.
	pending map[string]string
	// gen is the state of the current interpreter.
	gen *generation
}

// A Package is a package of a module read from source.
type Package struct {
	ImportPath string
	Name       string
	Dir        string // in the module cache
	Module     string
	Version    string
	GoVersion  string // the module's go directive
	Files      []string
	Imports    []string
}

// Progress is the state of the downloads of one go command.
type Progress struct {
	// Modules are the modules downloaded so far, "path version", in the
	// order the go command began them.
	Modules []string
	// Done is set when the command has ended, after Elapsed.
	Done    bool
	Elapsed time.Duration
}

// goPackage is what go list -json says of a package.
type goPackage struct {
	ImportPath     string
	Name           string
	Dir            string
	Standard       bool
	GoFiles        []string
	CgoFiles       []string
	SFiles         []string
	IgnoredGoFiles []string
	Imports        []string
	Module         *struct {
		Path, Version, GoVersion string
		Replace                  *struct{ Path, Version string }
	}
	Error *struct{ Err string }
}

// New returns the module state of a new session; it runs nothing.
func New(cfg Config) *Modules {
	m := &Modules{cfg: cfg, modules: map[string]string{}, pending: map[string]string{}}
	m.gen = newGeneration()
	return m
}

// Close removes the scratch module.
func (m *Modules) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.dir == "" {
		return nil
	}
	err := os.RemoveAll(m.dir)
	m.dir = ""
	return err
}

// ErrNoGo is the error of an import that needs the go command when there
// is none on PATH.
var ErrNoGo = errors.New("importing a package that is not preloaded needs the go command, which is not on PATH: install Go from https://go.dev/dl/ (or your system's package manager), put its bin directory on PATH and restart gomx")

// ctx returns the running cell's context.
func (m *Modules) ctx() context.Context {
	if m.cfg.Context != nil {
		if c := m.cfg.Context(); c != nil {
			return c
		}
	}
	return context.Background()
}

// goCmd runs the go command in the scratch module and returns its
// standard output; with progress its standard error lines go to
// Config.Progress as they come. An error carries the command's message.
func (m *Modules) goCmd(progress bool, args ...string) ([]byte, error) {
	bin, err := exec.LookPath("go")
	if err != nil {
		return nil, ErrNoGo
	}
	ctx := m.ctx()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = m.dir
	env := m.cfg.Env
	if env == nil {
		env = os.Environ()
	}
	cmd.Env = append(env[:len(env):len(env)], "GOTOOLCHAIN=local", "GOWORK=off", "CGO_ENABLED=0")
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	pr, pw := io.Pipe()
	cmd.Stderr = pw
	var stderr, downloads []string
	start := time.Now()
	done := make(chan struct{})
	go func() {
		defer close(done)
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			line := sc.Text()
			stderr = append(stderr, line)
			if mod, ok := strings.CutPrefix(line, "go: downloading "); ok && progress && m.cfg.Progress != nil {
				downloads = append(downloads, mod)
				m.cfg.Progress(Progress{Modules: slices.Clone(downloads), Elapsed: time.Since(start)})
			}
		}
		io.Copy(io.Discard, pr)
	}()
	err = cmd.Run()
	pw.Close()
	<-done
	if len(downloads) > 0 {
		m.cfg.Progress(Progress{Modules: downloads, Done: true, Elapsed: time.Since(start)})
	}
	if ctx.Err() != nil {
		return nil, fmt.Errorf("go %s: interrupted", args[0])
	}
	if err != nil {
		msg := strings.TrimSpace(strings.Join(goErrors(stderr), "\n"))
		if msg == "" {
			msg = err.Error()
		}
		return stdout.Bytes(), errors.New(msg)
	}
	return stdout.Bytes(), nil
}

// goErrors keeps the go command's error lines (not its progress).
func goErrors(lines []string) []string {
	var out []string
	for _, l := range lines {
		if strings.HasPrefix(l, "go: downloading ") || strings.HasPrefix(l, "go: finding ") || strings.HasPrefix(l, "go: found ") {
			continue
		}
		out = append(out, strings.TrimPrefix(l, "go: "))
	}
	return out
}

// scratch creates the scratch module on first use (m.mu held).
func (m *Modules) scratch() error {
	if m.dir != "" {
		return nil
	}
	if _, err := exec.LookPath("go"); err != nil {
		return ErrNoGo
	}
	sweep()
	dir, err := os.MkdirTemp("", fmt.Sprintf("%s%d-", scratchPrefix, os.Getpid()))
	if err != nil {
		return fmt.Errorf("creating the session's scratch module: %w", err)
	}
	m.dir = dir
	if _, err := m.goCmd(false, "mod", "init", "gomx.local/session"); err != nil {
		os.RemoveAll(dir)
		m.dir = ""
		return fmt.Errorf("creating the session's scratch module: %w", err)
	}
	return nil
}

// scratchPrefix begins the name of a scratch module's directory, which
// goes on with the process id of its session's worker.
const scratchPrefix = "gomx-modules-"

// sweep removes the scratch modules of workers that have ended: a worker
// ends by exiting, with no chance to remove its own.
func sweep() {
	if runtime.GOOS == "windows" {
		return // no signal 0 to tell a live process
	}
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), scratchPrefix+"*-*"))
	for _, dir := range dirs {
		pid, _, _ := strings.Cut(strings.TrimPrefix(filepath.Base(dir), scratchPrefix), "-")
		n, err := strconv.Atoi(pid)
		if err != nil || n == os.Getpid() {
			continue
		}
		if p, err := os.FindProcess(n); err == nil {
			if err := p.Signal(syscall.Signal(0)); err == nil || errors.Is(err, syscall.EPERM) {
				continue // alive
			}
		}
		os.RemoveAll(dir)
	}
}

// knownModule returns the module of the build list that provides path,
// if the scratch module has given a package of it before (m.mu held).
func (m *Modules) knownModule(path string) bool {
	for mod := range m.modules {
		if path == mod || strings.HasPrefix(path, mod+"/") {
			return true
		}
	}
	return false
}

// resolve runs the go command for the import path: go get when its module
// is not in the scratch module yet, then go list -deps. It returns the
// packages, dependencies first (m.mu held).
func (m *Modules) resolve(path string) ([]goPackage, error) {
	if err := m.scratch(); err != nil {
		return nil, err
	}
	if !m.knownModule(path) {
		arg := path
		for mod, v := range m.cfg.Versions {
			if path == mod || strings.HasPrefix(path, mod+"/") {
				arg += "@" + v // a package of a module compiled into gomx: gomx's version
			}
		}
		if _, err := m.goCmd(true, "get", arg); err != nil {
			return nil, fmt.Errorf("cannot get %s: %v", path, err)
		}
	}
	out, err := m.goCmd(false, "list", "-e", "-deps", "-tags=purego",
		"-json=ImportPath,Name,Dir,Standard,GoFiles,CgoFiles,SFiles,IgnoredGoFiles,Imports,Module,Error", path)
	if err != nil {
		return nil, fmt.Errorf("cannot list %s: %v", path, err)
	}
	var pkgs []goPackage
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p goPackage
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			return nil, fmt.Errorf("cannot list %s: reading go list's output: %v", path, err)
		}
		pkgs = append(pkgs, p)
	}
	for _, p := range pkgs {
		if p.Module != nil && p.Module.Path != "" && !p.Standard {
			if _, ok := m.modules[p.Module.Path]; !ok {
				m.modules[p.Module.Path] = p.Module.Version
			}
		}
	}
	return pkgs, nil
}

// check refuses what the interpreter cannot run among the listed
// packages: errors, compiled packages at another version, cgo and
// assembly.
func (m *Modules) check(p goPackage) error {
	if !p.Standard && len(p.GoFiles) == 0 && len(p.CgoFiles)+len(cgoFiles(p)) > 0 {
		return fmt.Errorf("package %s needs cgo (its Go files import \"C\"), which the interpreter cannot run", p.ImportPath)
	}
	if p.Error != nil {
		return errors.New(strings.TrimSpace(p.Error.Err))
	}
	if p.Standard {
		return nil
	}
	if m.cfg.Compiled != nil && m.cfg.Compiled(p.ImportPath) {
		if p.Module == nil {
			return nil
		}
		have := m.cfg.Versions[p.Module.Path]
		if have != "" && semver.Compare(p.Module.Version, have) > 0 {
			return fmt.Errorf("package %s is compiled into gomx at %s %s and keeps that version, but the modules imported need %s (pin an older version of the importing module with %%go get module@version)", p.ImportPath, p.Module.Path, have, p.Module.Version)
		}
		return nil
	}
	if len(p.SFiles) > 0 {
		return fmt.Errorf("package %s has assembly (%s), which the interpreter cannot run", p.ImportPath, strings.Join(p.SFiles, ", "))
	}
	return nil
}

// cgoFiles returns the ignored files of p that import "C".
func cgoFiles(p goPackage) []string {
	var out []string
	for _, f := range p.IgnoredGoFiles {
		b, err := os.ReadFile(filepath.Join(p.Dir, f))
		if err == nil && bytes.Contains(b, []byte(`import "C"`)) {
			out = append(out, f)
		}
	}
	return out
}

// Get runs `go get` with the arguments of %go get in the scratch module.
// It returns what to tell the user: the go command's lines, and for each
// package already imported whose module changed version, that the new
// version is used after %reset.
func (m *Modules) Get(args []string) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(args) == 0 {
		return "", errors.New("%go get needs a module: %go get github.com/google/uuid@v1.6.0")
	}
	if err := m.scratch(); err != nil {
		return "", err
	}
	if _, err := m.goCmd(true, append([]string{"get"}, args...)...); err != nil {
		return "", fmt.Errorf("go get %s: %v", strings.Join(args, " "), err)
	}
	now, err := m.buildList()
	if err != nil {
		return "", err
	}
	m.gen.failed = map[string]error{} // a new version may import where the old failed
	var b strings.Builder
	var changed []string
	for path, v := range now {
		if old, ok := m.modules[path]; ok && old != v {
			changed = append(changed, path)
		}
	}
	sort.Strings(changed)
	for _, mod := range changed {
		if pkgs := m.gen.importedOf(mod); len(pkgs) > 0 {
			fmt.Fprintf(&b, "%s %s is already imported in this session (%s): %s is used after %%reset (or a restart of the kernel); until then cells keep %s\n",
				mod, m.modules[mod], strings.Join(pkgs, ", "), now[mod], m.modules[mod])
			m.pending[mod] = now[mod]
			continue
		}
		m.modules[mod] = now[mod]
	}
	for _, a := range args {
		mod, _, _ := strings.Cut(a, "@")
		if v, ok := now[mod]; ok {
			if _, seen := m.modules[mod]; !seen {
				m.modules[mod] = v
			}
			fmt.Fprintf(&b, "%s %s\n", mod, v)
		}
	}
	return b.String(), nil
}

// buildList returns the scratch module's build list, path → version
// (m.mu held).
func (m *Modules) buildList() (map[string]string, error) {
	out, err := m.goCmd(false, "list", "-m", "-f", "{{.Path}} {{.Version}}", "all")
	if err != nil {
		return nil, fmt.Errorf("go list -m all: %v", err)
	}
	mods := map[string]string{}
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if path, v, ok := strings.Cut(l, " "); ok && v != "" {
			mods[path] = v
		}
	}
	return mods, nil
}

// List describes what the session uses, for %go list: each module of the
// scratch module's build list with its version and the packages of it
// imported so far.
func (m *Modules) List() (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.dir == "" {
		return "no modules: a cell has imported only preloaded packages (import a module's package, or pin a version with %go get module@version)\n", nil
	}
	mods, err := m.buildList()
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for _, path := range sortedKeys(mods) {
		fmt.Fprintf(&b, "%s %s", path, mods[path])
		if v, ok := m.modules[path]; ok && v != mods[path] {
			fmt.Fprintf(&b, " (cells use %s until %%reset)", v)
		}
		if pkgs := m.gen.importedOf(path); len(pkgs) > 0 {
			fmt.Fprintf(&b, ": imported %s", strings.Join(pkgs, ", "))
		}
		b.WriteByte('\n')
	}
	return b.String(), nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
