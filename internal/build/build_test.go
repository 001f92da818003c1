package build

import (
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
)

// TestSourceFiles checks which files of a module tree a build copies.
func TestSourceFiles(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"go.mod":                           "module " + ModulePath + "\n",
		"cmd/gomx/main.go":                 "package main\n",
		"cmd/gomx/main_test.go":            "package main\n",
		"internal/stdlib/types/fmt.gz":     "gz",
		"internal/stdlib/docs/fmt.json.gz": "gz",
		"README.md":                        "# gomx\n",
		".git/HEAD":                        "ref\n",
		".ci/run.sh":                       "#!/bin/sh\n",
		"viz/testdata/golden.png":          "png",
		"tests/other/go.mod":               "module other\n",
		"tests/other/x.go":                 "package other\n",
		"gomx":                             "\x7fELF binary",
		"internal/session/session.test":    "\x7fELF test binary",
		"scripts/tool.sh":                  "#!/bin/sh\n",
	}
	for name, text := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	got, err := sourceFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	for i := range got {
		got[i] = filepath.ToSlash(got[i])
	}
	want := []string{"README.md", "cmd/gomx/main.go", "go.mod", "internal/stdlib/docs/fmt.json.gz", "internal/stdlib/types/fmt.gz", "scripts/tool.sh"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("sourceFiles = %q, want %q", got, want)
	}
	h1, err := hashFiles(dir, got)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "README.md"), []byte("# gomx!\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if h2, _ := hashFiles(dir, got); h2 == h1 {
		t.Error("hashFiles did not change with a file's contents")
	}
	dst := t.TempDir()
	if err := copyFiles(dir, dst, got); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(dst, "cmd", "gomx", "main.go")); err != nil || string(b) != "package main\n" {
		t.Errorf("copy of main.go: %q, %v", b, err)
	}
}

// TestSource finds this module's directory, which the test binary records.
func TestSource(t *testing.T) {
	dir, err := Source()
	if err != nil {
		t.Fatal(err)
	}
	_, file, _, _ := runtime.Caller(0)
	if want := filepath.Dir(filepath.Dir(filepath.Dir(file))); dir != want {
		t.Errorf("Source() = %s, want %s", dir, want)
	}
	if err := isGomx(t.TempDir()); err == nil {
		t.Error("isGomx accepted an empty directory")
	}
}

// TestParsePackages checks the requests Build refuses before any work.
func TestParsePackages(t *testing.T) {
	got, err := parsePackages([]string{"github.com/x/y@v1.2.0", "example.com/z/sub"})
	if err != nil || !reflect.DeepEqual(got, []string{"github.com/x/y", "example.com/z/sub"}) {
		t.Errorf("parsePackages = %q, %v", got, err)
	}
	for _, tt := range []struct {
		reqs []string
		want string
	}{
		{nil, "no package to compile in"},
		{[]string{"strings"}, "standard library"},
		{[]string{"gonum.org/v1/gonum/mat@v0.16.0"}, "compiled into gomx already"},
		{[]string{"github.com/gomx-dev/gomx/mathx/lasso"}, "compiled into gomx already"},
		{[]string{"example.com/a", "example.com/a@v1.0.0"}, "named twice"},
		{[]string{"@v1.0.0"}, "not an import path"},
	} {
		if _, err := parsePackages(tt.reqs); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("parsePackages(%q): %v, want %q", tt.reqs, err, tt.want)
		}
	}
}

// TestCheckRequirements refuses a go get that changed the version of a
// module compiled into gomx and notes another module's.
func TestCheckRequirements(t *testing.T) {
	dir := t.TempDir()
	gomod := "module " + ModulePath + "\n\ngo 1.26\n\nrequire (\n\tgonum.org/v1/gonum v0.18.0\n\tgithub.com/traefik/yaegi v0.16.1\n\tgolang.org/x/text v0.29.0 // indirect\n)\n"
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(gomod), 0o644); err != nil {
		t.Fatal(err)
	}
	var log strings.Builder
	err := checkRequirements(dir, map[string]string{"gonum.org/v1/gonum": "v0.17.0", "github.com/traefik/yaegi": "v0.16.1"}, &log)
	if err == nil || !strings.Contains(err.Error(), "need gonum.org/v1/gonum v0.18.0, and gomx has gonum.org/v1/gonum v0.17.0 compiled in") {
		t.Errorf("gonum upgraded: %v", err)
	}
	err = checkRequirements(dir, map[string]string{"gonum.org/v1/gonum": "v0.18.0", "github.com/traefik/yaegi": "v0.16.0"}, &log)
	if err == nil || !strings.Contains(err.Error(), "github.com/traefik/yaegi v0.16.1") {
		t.Errorf("yaegi upgraded: %v", err)
	}
	if err := checkRequirements(dir, map[string]string{"golang.org/x/text": "v0.28.0"}, &log); err != nil {
		t.Errorf("x/text upgraded: %v", err)
	}
	if want := "go get changed golang.org/x/text from v0.28.0 to v0.29.0"; !strings.Contains(log.String(), want) {
		t.Errorf("log %q lacks %q", log.String(), want)
	}
}
