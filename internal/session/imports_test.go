package session

import "testing"

// TestAutoImportTable checks the documented table: each name is the
// package's own name, each package is preloaded, and a cell can use each
// name without importing it.
func TestAutoImportTable(t *testing.T) {
	s := newSession(t)
	for name, path := range autoImports {
		if got := pkgName(path); got != name {
			t.Errorf("%s → %s: the package's name is %s", name, path, got)
		}
		if !preloaded(path) {
			t.Errorf("%s → %s is not preloaded", name, path)
		}
		if c := s.Complete(name+".", len(name)+1); len(c.Matches) == 0 {
			t.Errorf("%s.: no members offered", name)
		}
	}
	for _, want := range []string{"mat", "floats", "stat", "distuv", "plot", "plotter", "viz", "fmt", "math", "strings", "time", "ot", "prox"} {
		if _, ok := autoImports[want]; !ok {
			t.Errorf("%s is not auto-imported", want)
		}
	}
	for _, ambiguous := range []string{"path", "draw", "interp", "template", "scanner"} {
		if _, ok := autoImports[ambiguous]; ok {
			t.Errorf("ambiguous name %s is auto-imported", ambiguous)
		}
	}
	res, _ := exec(t, s, "mat.NewVecDense(2, nil).Len()")
	if res.Error != nil || res.Value.Text() != "2" {
		t.Fatalf("auto-imported mat: %+v", res)
	}
	if res, _ := exec(t, s, "mat := 3\nmat + 1"); res.Error != nil || res.Value.Text() != "4" {
		t.Fatalf("a variable named like a package: %+v", res)
	}
}
