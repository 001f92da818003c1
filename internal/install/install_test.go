package install

import (
	"bytes"
	"encoding/json"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// fakeBinary makes an executable file to stand for gomx.
func fakeBinary(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "bin", "gomx")
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestInstallUserIdempotentAndUninstall(t *testing.T) {
	data := t.TempDir()
	t.Setenv("JUPYTER_DATA_DIR", data)
	bin := fakeBinary(t)
	for range 2 {
		dir, err := Install(Options{Binary: bin})
		if err != nil {
			t.Fatal(err)
		}
		if want := filepath.Join(data, "kernels", "gomx"); dir != want {
			t.Fatalf("installed in %s, want %s", dir, want)
		}
	}
	dir := filepath.Join(data, "kernels", "gomx")
	var spec map[string]any
	b, err := os.ReadFile(filepath.Join(dir, "kernel.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &spec); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"argv": []any{bin, "kernel", "{connection_file}"}, "display_name": "Go (gomx)", "language": "go",
		"interrupt_mode": "message", "env": map[string]any{}, "metadata": map[string]any{},
	}
	if !reflect.DeepEqual(spec, want) {
		t.Errorf("kernel.json %v, want %v", spec, want)
	}
	for _, size := range []int{32, 64} {
		f, err := os.ReadFile(filepath.Join(dir, "logo-"+itoa(size)+"x"+itoa(size)+".png"))
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(f))
		if err != nil {
			t.Fatal(err)
		}
		if b := img.Bounds(); b.Dx() != size || b.Dy() != size {
			t.Errorf("logo %d is %v", size, b)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 3 {
		t.Errorf("kernelspec dir holds %d files, want 3", len(entries))
	}
	if _, err := Uninstall(Options{}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("kernelspec still there: %v", err)
	}
	if _, err := Uninstall(Options{}); err == nil {
		t.Error("second uninstall succeeded")
	}
}

func itoa(n int) string { return map[int]string{32: "32", 64: "64"}[n] }

func TestKernelDirScopes(t *testing.T) {
	t.Setenv("JUPYTER_DATA_DIR", "/data/jup")
	t.Setenv("VIRTUAL_ENV", "/venv")
	tests := []struct {
		o       Options
		want    string
		errPart string
	}{
		{Options{}, "/data/jup/kernels/gomx", ""},
		{Options{Name: "GoMX-2.x_y"}, "/data/jup/kernels/gomx-2.x_y", ""},
		{Options{Scope: SysPrefix}, "/venv/share/jupyter/kernels/gomx", ""},
		{Options{Scope: Prefix, Prefix: "/opt/p"}, "/opt/p/share/jupyter/kernels/gomx", ""},
		{Options{Scope: Prefix}, "", "--prefix"},
		{Options{Name: "bad name"}, "", "kernelspec name"},
		{Options{Name: "../x"}, "", "kernelspec name"},
	}
	for _, tc := range tests {
		got, err := KernelDir(tc.o)
		if tc.errPart != "" {
			if err == nil || !strings.Contains(err.Error(), tc.errPart) {
				t.Errorf("%+v: error %v, want %q", tc.o, err, tc.errPart)
			}
			continue
		}
		if err != nil || got != filepath.FromSlash(tc.want) {
			t.Errorf("%+v: %s, %v; want %s", tc.o, got, err, tc.want)
		}
	}
}

func TestUserDataDirDefaults(t *testing.T) {
	t.Setenv("JUPYTER_DATA_DIR", "")
	t.Setenv("XDG_DATA_HOME", "/xdg")
	t.Setenv("HOME", "/home/u")
	got, err := UserDataDir()
	if err != nil || got != "/xdg/jupyter" {
		t.Errorf("with XDG_DATA_HOME: %s %v", got, err)
	}
	t.Setenv("XDG_DATA_HOME", "")
	if got, _ := UserDataDir(); got != "/home/u/.local/share/jupyter" {
		t.Errorf("default: %s", got)
	}
}

func TestCheckBinaryRefusesGoRun(t *testing.T) {
	tmp := filepath.Join(t.TempDir(), "go-build123456", "b001", "exe", "gomx")
	if err := os.MkdirAll(filepath.Dir(tmp), 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(tmp, []byte("x"), 0o755)
	tests := []struct{ path, errPart string }{
		{tmp, "go run"},
		{"gomx", "not absolute"},
		{filepath.Join(t.TempDir(), "missing"), "no such file"},
		{fakeBinary(t), ""},
	}
	for _, tc := range tests {
		err := CheckBinary(tc.path)
		if (tc.errPart == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tc.errPart)) {
			t.Errorf("CheckBinary(%s) = %v, want error containing %q", tc.path, err, tc.errPart)
		}
	}
	t.Setenv("JUPYTER_DATA_DIR", t.TempDir())
	if _, err := Install(Options{Binary: tmp}); err == nil {
		t.Error("Install accepted a go run binary")
	}
}

// TestJupyterFindsIt asks the real `jupyter kernelspec list` (Debian's
// jupyter-client) where the kernelspec is, for each scope.
func TestJupyterFindsIt(t *testing.T) {
	jup, err := exec.LookPath("jupyter")
	if err != nil {
		t.Fatal("jupyter is not installed (make deps installs python3-jupyter-client)")
	}
	bin := fakeBinary(t)
	data, prefix := t.TempDir(), t.TempDir()
	t.Setenv("JUPYTER_DATA_DIR", data)
	t.Setenv("JUPYTER_PATH", filepath.Join(prefix, "share", "jupyter"))
	for _, o := range []Options{{Binary: bin, Name: "gomx-user-test"}, {Binary: bin, Name: "gomx-prefix-test", Scope: Prefix, Prefix: prefix}} {
		dir, err := Install(o)
		if err != nil {
			t.Fatal(err)
		}
		if s := Shadowing(dir); s != "" {
			t.Errorf("%s is shadowed by %s", dir, s)
		}
		out, err := exec.Command(jup, "kernelspec", "list", "--json").Output()
		if err != nil {
			t.Fatal(err)
		}
		var list struct {
			Kernelspecs map[string]struct {
				ResourceDir string         `json:"resource_dir"`
				Spec        map[string]any `json:"spec"`
			} `json:"kernelspecs"`
		}
		if err := json.Unmarshal(out, &list); err != nil {
			t.Fatal(err)
		}
		ks, ok := list.Kernelspecs[o.Name]
		if !ok || ks.ResourceDir != dir || ks.Spec["display_name"] != "Go (gomx)" || ks.Spec["interrupt_mode"] != "message" {
			t.Errorf("jupyter kernelspec list: %s = %+v, want resource_dir %s", o.Name, ks, dir)
		}
	}
}
