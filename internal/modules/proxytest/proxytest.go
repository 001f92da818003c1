// Package proxytest writes a Go module proxy into a directory, for tests
// that import modules without the network: GOPROXY=file://<dir> serves it
// (the layout of the GOPROXY protocol: <module>/@v/list, <version>.info,
// .mod and .zip).
package proxytest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"golang.org/x/mod/module"
	modzip "golang.org/x/mod/zip"
)

// A Module is one version of a module: its files by slash-separated name,
// go.mod among them.
type Module struct {
	Path, Version string
	Files         map[string]string
}

// Write writes the modules into the proxy directory dir.
func Write(dir string, mods []Module) error {
	versions := map[string][]string{}
	for _, m := range mods {
		esc, err := module.EscapePath(m.Path)
		if err != nil {
			return err
		}
		vdir := filepath.Join(dir, esc, "@v")
		if err := os.MkdirAll(vdir, 0o755); err != nil {
			return err
		}
		gomod, ok := m.Files["go.mod"]
		if !ok {
			return fmt.Errorf("module %s %s has no go.mod", m.Path, m.Version)
		}
		info, _ := json.Marshal(struct {
			Version string
			Time    time.Time
		}{m.Version, time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)})
		var files []modzip.File
		for name, text := range m.Files {
			files = append(files, file{name, text})
		}
		var zb bytes.Buffer
		if err := modzip.Create(&zb, module.Version{Path: m.Path, Version: m.Version}, files); err != nil {
			return fmt.Errorf("module %s %s: %w", m.Path, m.Version, err)
		}
		for ext, b := range map[string][]byte{".info": info, ".mod": []byte(gomod), ".zip": zb.Bytes()} {
			if err := os.WriteFile(filepath.Join(vdir, m.Version+ext), b, 0o644); err != nil {
				return err
			}
		}
		versions[vdir] = append(versions[vdir], m.Version)
	}
	for vdir, vs := range versions {
		sort.Strings(vs)
		if err := os.WriteFile(filepath.Join(vdir, "list"), []byte(strings.Join(vs, "\n")+"\n"), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// URL returns the GOPROXY value that serves dir.
func URL(dir string) string { return "file://" + filepath.ToSlash(dir) }

// Env sets, with setenv (testing.T.Setenv), an environment in which the go
// command takes modules only from the proxy at dir, into a module cache
// under cache, and checks no sums against the network.
func Env(setenv func(k, v string), dir, cache string) {
	setenv("GOPROXY", URL(dir))
	setenv("GOFLAGS", "-mod=mod -modcacherw")
	setenv("GONOSUMDB", "*")
	setenv("GONOSUMCHECK", "1")
	setenv("GOSUMDB", "off")
	setenv("GOPRIVATE", "")
	setenv("GOMODCACHE", cache)
}

// file is a module zip file from memory.
type file struct{ name, text string }

func (f file) Path() string { return f.name }
func (f file) Lstat() (os.FileInfo, error) {
	return fileInfo{f}, nil
}
func (f file) Open() (io.ReadCloser, error) {
	return io.NopCloser(strings.NewReader(f.text)), nil
}

type fileInfo struct{ f file }

func (i fileInfo) Name() string       { return filepath.Base(i.f.name) }
func (i fileInfo) Size() int64        { return int64(len(i.f.text)) }
func (i fileInfo) Mode() os.FileMode  { return 0o644 }
func (i fileInfo) ModTime() time.Time { return time.Time{} }
func (i fileInfo) IsDir() bool        { return false }
func (i fileInfo) Sys() any           { return nil }
