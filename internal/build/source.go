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
	"runtime"
	"runtime/debug"
	"sort"
	"strings"

	"golang.org/x/mod/modfile"
)

// ModulePath is gomx's module path.
const ModulePath = "github.com/gomx-dev/gomx"

// Source returns the directory of gomx's module source to build a worker
// from: the module this package was compiled from when its directory still
// exists (a development build: go build, go run, go install in a clone),
// else the module of the running executable's version, downloaded with `go
// mod download` (go install github.com/gomx-dev/gomx/cmd/gomx@vX.Y.Z).
func Source() (string, error) {
	var tried []string
	if _, file, _, ok := runtime.Caller(0); ok && filepath.IsAbs(file) {
		dir := filepath.Dir(filepath.Dir(filepath.Dir(file)))
		err := isGomx(dir)
		if err == nil {
			return dir, nil
		}
		tried = append(tried, err.Error())
	} else {
		tried = append(tried, "the executable records no source directory (built with -trimpath)")
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok || bi.Main.Path != ModulePath {
		tried = append(tried, "the executable records no gomx module version")
	} else if v := bi.Main.Version; v == "" || v == "(devel)" || strings.HasSuffix(v, "+dirty") {
		tried = append(tried, fmt.Sprintf("gomx version %q cannot be downloaded", v))
	} else {
		dir, err := download(ModulePath + "@" + v)
		if err == nil {
			return dir, nil
		}
		tried = append(tried, err.Error())
	}
	return "", fmt.Errorf("cannot find gomx's source to build a worker (%s); name a clone of %s with --src", strings.Join(tried, "; "), ModulePath)
}

// isGomx checks that dir holds gomx's module.
func isGomx(dir string) error {
	b, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		return err
	}
	if p := modfile.ModulePath(b); p != ModulePath {
		return fmt.Errorf("%s is module %q, not %s", dir, p, ModulePath)
	}
	return nil
}

// download fetches module@version into the module cache and returns its
// directory.
func download(mv string) (string, error) {
	cmd := exec.Command("go", "mod", "download", "-json", mv)
	cmd.Env = append(os.Environ(), "GOTOOLCHAIN=local")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	var r struct{ Dir, Error string }
	if json.Unmarshal(out, &r) == nil && r.Error != "" {
		return "", fmt.Errorf("go mod download %s: %s", mv, r.Error)
	}
	if err != nil {
		return "", fmt.Errorf("go mod download %s: %v %s", mv, err, strings.TrimSpace(stderr.String()))
	}
	if r.Dir == "" {
		return "", fmt.Errorf("go mod download %s: no directory", mv)
	}
	return r.Dir, nil
}

// sourceFiles lists, sorted, the files of the module in dir that building
// gomx needs: everything but version-control and hidden directories,
// testdata, nested modules, tests and executables (build outputs such as
// ./gomx or a test binary).
func sourceFiles(dir string) ([]string, error) {
	var files []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if path == dir {
				return nil
			}
			if strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || name == "testdata" {
				return filepath.SkipDir
			}
			if _, err := os.Stat(filepath.Join(path, "go.mod")); err == nil {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() || strings.HasSuffix(name, "_test.go") || strings.HasPrefix(name, ".") {
			return nil
		}
		exe, err := isExecutable(path)
		if err != nil || exe {
			return err
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		files = append(files, rel)
		return nil
	})
	sort.Strings(files)
	return files, err
}

// isExecutable reports whether the file at path is a compiled program
// (ELF, Mach-O or PE).
func isExecutable(path string) (bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return false, err
	}
	defer f.Close()
	magic := make([]byte, 4)
	if _, err := io.ReadFull(f, magic); err != nil {
		return false, nil // shorter than any executable
	}
	switch string(magic) {
	case "\x7fELF", "\xcf\xfa\xed\xfe", "\xce\xfa\xed\xfe", "\xfe\xed\xfa\xcf", "\xfe\xed\xfa\xce":
		return true, nil
	}
	return string(magic[:2]) == "MZ", nil
}

// hashFiles returns the SHA-256 of the names and contents of files under dir.
func hashFiles(dir string, files []string) (string, error) {
	h := sha256.New()
	for _, rel := range files {
		b, err := os.ReadFile(filepath.Join(dir, rel))
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "%s %d\n", filepath.ToSlash(rel), len(b))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// copyFiles copies files from src to dst, writable whatever their mode in
// src (the module cache's are read-only).
func copyFiles(src, dst string, files []string) error {
	for _, rel := range files {
		b, err := os.ReadFile(filepath.Join(src, rel))
		if err != nil {
			return err
		}
		to := filepath.Join(dst, rel)
		if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(to, b, 0o644); err != nil {
			return err
		}
	}
	if len(files) == 0 {
		return errors.New("no source files")
	}
	return nil
}
