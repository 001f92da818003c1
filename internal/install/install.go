// Package install writes and removes gomx's Jupyter kernelspec: the
// kernels/<name> directory with kernel.json and the logos, in the places
// where Jupyter looks for kernelspecs (the same places `jupyter kernelspec
// install` uses), without needing Python.
package install

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
)

// DefaultName is the kernelspec name notebooks refer to.
const DefaultName = "gomx"

// DisplayName is what front ends show in their kernel menus.
const DisplayName = "Go (gomx)"

// Scope says which Jupyter data directory receives the kernelspec.
type Scope int

// Scopes, as the flags of `jupyter kernelspec install`.
const (
	User      Scope = iota // the user's Jupyter data directory (default)
	SysPrefix              // {sys.prefix}/share/jupyter of the active Python environment
	Prefix                 // {Options.Prefix}/share/jupyter
)

// Options say what to install and where.
type Options struct {
	Name   string // kernelspec name; DefaultName when empty
	Binary string // absolute path of the gomx binary the kernel runs
	Scope  Scope
	Prefix string // for Scope Prefix
}

// KernelSpec is the content of kernel.json. It has no
// kernel_protocol_version: Debian's jupyter_client 7.4 warns that the key
// will become an error, and clients learn the version from
// kernel_info_reply anyway.
type KernelSpec struct {
	Argv          []string          `json:"argv"`
	DisplayName   string            `json:"display_name"`
	Language      string            `json:"language"`
	InterruptMode string            `json:"interrupt_mode"`
	Env           map[string]string `json:"env"`
	Metadata      map[string]any    `json:"metadata"`
}

// Spec returns the kernelspec that runs binary.
func Spec(binary string) KernelSpec {
	return KernelSpec{
		Argv:          []string{binary, "kernel", "{connection_file}"},
		DisplayName:   DisplayName,
		Language:      "go",
		InterruptMode: "message",
		Env:           map[string]string{},
		Metadata:      map[string]any{},
	}
}

var validName = regexp.MustCompile(`^[A-Za-z0-9._-]+$`)

// CheckBinary returns an error when path cannot be the kernel's binary:
// not absolute, missing, or a temporary binary made by `go run`, which is
// deleted when go run exits.
func CheckBinary(path string) error {
	if !filepath.IsAbs(path) {
		return fmt.Errorf("the gomx binary path %q is not absolute", path)
	}
	for _, el := range strings.Split(filepath.ToSlash(path), "/") {
		if strings.HasPrefix(el, "go-build") {
			return fmt.Errorf("%s is a temporary binary made by `go run`, which is deleted when it exits; "+
				"install gomx first (go install github.com/gomx-dev/gomx/cmd/gomx@latest, or go build -o DIR/gomx ./cmd/gomx) "+
				"and run `gomx install` with that binary", path)
		}
	}
	if fi, err := os.Stat(path); err != nil {
		return err
	} else if fi.IsDir() {
		return fmt.Errorf("%s is a directory", path)
	}
	return nil
}

// UserDataDir returns the user's Jupyter data directory as jupyter_core
// computes it: $JUPYTER_DATA_DIR, else ~/Library/Jupyter (macOS),
// %APPDATA%\jupyter (Windows) or $XDG_DATA_HOME/jupyter, defaulting to
// ~/.local/share/jupyter.
func UserDataDir() (string, error) {
	if d := os.Getenv("JUPYTER_DATA_DIR"); d != "" {
		return d, nil
	}
	home, err := os.UserHomeDir()
	switch runtime.GOOS {
	case "darwin":
		if err != nil {
			return "", err
		}
		return filepath.Join(home, "Library", "Jupyter"), nil
	case "windows":
		if a := os.Getenv("APPDATA"); a != "" {
			return filepath.Join(a, "jupyter"), nil
		}
		if err != nil {
			return "", err
		}
		return filepath.Join(home, ".jupyter", "data"), nil
	}
	if x := os.Getenv("XDG_DATA_HOME"); x != "" {
		return filepath.Join(x, "jupyter"), nil
	}
	if err != nil {
		return "", err
	}
	return filepath.Join(home, ".local", "share", "jupyter"), nil
}

// sysPrefix returns the prefix of the active Python environment: a
// virtualenv or conda environment, else the prefix of python3 itself.
func sysPrefix() (string, error) {
	for _, v := range []string{"VIRTUAL_ENV", "CONDA_PREFIX"} {
		if p := os.Getenv(v); p != "" {
			return p, nil
		}
	}
	for _, py := range []string{"python3", "python"} {
		if out, err := exec.Command(py, "-c", "import sys; print(sys.prefix)").Output(); err == nil {
			if p := strings.TrimSpace(string(out)); p != "" {
				return p, nil
			}
		}
	}
	return "", errors.New("--sys-prefix: no Python environment found (no VIRTUAL_ENV, CONDA_PREFIX or python3); use --prefix DIR instead")
}

// KernelDir returns the directory the kernelspec of o goes to.
func KernelDir(o Options) (string, error) {
	name := o.Name
	if name == "" {
		name = DefaultName
	}
	if !validName.MatchString(name) {
		return "", fmt.Errorf("kernelspec name %q: use only ASCII letters, digits, '.', '_' and '-'", name)
	}
	var data string
	switch o.Scope {
	case User:
		d, err := UserDataDir()
		if err != nil {
			return "", err
		}
		data = d
	case SysPrefix:
		p, err := sysPrefix()
		if err != nil {
			return "", err
		}
		data = filepath.Join(p, "share", "jupyter")
	case Prefix:
		if o.Prefix == "" {
			return "", errors.New("--prefix needs a directory")
		}
		p, err := filepath.Abs(o.Prefix)
		if err != nil {
			return "", err
		}
		data = filepath.Join(p, "share", "jupyter")
	default:
		return "", fmt.Errorf("unknown scope %d", o.Scope)
	}
	// Jupyter matches kernelspec names case-insensitively and lists them
	// in lower case.
	return filepath.Join(data, "kernels", strings.ToLower(name)), nil
}

// Install writes kernel.json and the logos into the kernelspec directory
// of o, replacing an earlier install, and returns the directory.
func Install(o Options) (string, error) {
	if err := CheckBinary(o.Binary); err != nil {
		return "", err
	}
	dir, err := KernelDir(o)
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	spec, err := json.MarshalIndent(Spec(o.Binary), "", "  ")
	if err != nil {
		return "", err
	}
	files := map[string][]byte{"kernel.json": append(spec, '\n')}
	for _, size := range []int{32, 64} {
		png, err := Logo(size)
		if err != nil {
			return "", err
		}
		files[fmt.Sprintf("logo-%dx%d.png", size, size)] = png
	}
	for name, data := range files {
		if err := writeFileAtomic(filepath.Join(dir, name), data); err != nil {
			return "", err
		}
	}
	return dir, nil
}

// writeFileAtomic replaces path with data, so that a reader never sees a
// half-written kernel.json.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-"+filepath.Base(path))
	if err != nil {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// Uninstall removes the kernelspec directory of o and returns it. It is
// an error when no kernelspec is there.
func Uninstall(o Options) (string, error) {
	dir, err := KernelDir(o)
	if err != nil {
		return "", err
	}
	if _, err := os.Stat(filepath.Join(dir, "kernel.json")); err != nil {
		return dir, fmt.Errorf("no kernelspec in %s", dir)
	}
	return dir, os.RemoveAll(dir)
}

// SearchPath returns the kernelspec directories Jupyter searches, in
// order of priority as jupyter_core's jupyter_path lists them, leaving out
// the Python environment's own directory: $JUPYTER_PATH, the user data
// directory, then the system directories.
func SearchPath() []string {
	var dirs []string
	if jp := os.Getenv("JUPYTER_PATH"); jp != "" {
		for _, p := range filepath.SplitList(jp) {
			if p != "" {
				dirs = append(dirs, filepath.Join(p, "kernels"))
			}
		}
	}
	if u, err := UserDataDir(); err == nil {
		dirs = append(dirs, filepath.Join(u, "kernels"))
	}
	switch runtime.GOOS {
	case "windows":
		if pd := os.Getenv("PROGRAMDATA"); pd != "" {
			dirs = append(dirs, filepath.Join(pd, "jupyter", "kernels"))
		}
	default:
		dirs = append(dirs, "/usr/local/share/jupyter/kernels", "/usr/share/jupyter/kernels")
	}
	return dirs
}

// Shadowing returns the kernelspec directory of the same name that
// Jupyter would pick instead of dir, or "" when dir wins (or is not on
// the search path at all).
func Shadowing(dir string) string {
	name := filepath.Base(dir)
	for _, d := range SearchPath() {
		cand := filepath.Join(d, name)
		if sameDir(cand, dir) {
			return ""
		}
		if _, err := os.Stat(filepath.Join(cand, "kernel.json")); err == nil {
			return cand
		}
	}
	return ""
}

func sameDir(a, b string) bool {
	ia, errA := os.Stat(a)
	ib, errB := os.Stat(b)
	if errA == nil && errB == nil {
		return os.SameFile(ia, ib)
	}
	return filepath.Clean(a) == filepath.Clean(b)
}
