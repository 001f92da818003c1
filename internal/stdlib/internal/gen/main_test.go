package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestExtractOne checks that a package's table is written and that a
// package yaegi cannot extract is an error, not an empty success.
func TestExtractOne(t *testing.T) {
	tests := []struct {
		pkg, file string
		std, ok   bool
		has       []string
	}{
		{"gonum.org/v1/gonum/floats/scalar", "gonum_org-v1-gonum-floats-scalar.go", false, true,
			[]string{`Symbols["gonum.org/v1/gonum/floats/scalar/scalar"]`, `reflect.ValueOf(scalar.EqualWithinAbs),`}},
		// the standard library's tables are the platform's
		{"strings", "std_strings.go", true, true,
			[]string{`Symbols["strings/strings"]`, `reflect.ValueOf(strings.Lines),`, stdTag}},
		{"gonum.org/v1/gonum/nosuch", "", false, false, nil},
		{"example.com/not/in/gosum", "", false, false, nil},
	}
	for _, tt := range tests {
		dir := t.TempDir()
		name, err := extractOne(tt.pkg, tt.std, dir)
		if (err == nil) != tt.ok {
			t.Errorf("extractOne(%s) error %v, want ok=%v", tt.pkg, err, tt.ok)
			continue
		}
		if !tt.ok {
			if ents, _ := os.ReadDir(dir); len(ents) != 0 {
				t.Errorf("extractOne(%s) failed but wrote %v", tt.pkg, ents)
			}
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, name))
		if name != tt.file || err != nil {
			t.Errorf("extractOne(%s) wrote %s (%v)", tt.pkg, name, err)
		}
		for _, h := range tt.has {
			if !strings.Contains(string(b), h) {
				t.Errorf("extractOne(%s) wrote no %s:\n%s", tt.pkg, h, b)
			}
		}
	}
}

// TestRemoveStale checks that only generated tables not written now go.
func TestRemoveStale(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"kept.go":  generatedPrefix + "a'. DO NOT EDIT.\n",
		"stale.go": generatedPrefix + "b'. DO NOT EDIT.\n",
		"hand.go":  "package stdlib\n",
	}
	for n, c := range files {
		if err := os.WriteFile(filepath.Join(dir, n), []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := removeStale(dir, map[string]bool{"kept.go": true}); err != nil {
		t.Fatal(err)
	}
	for n, want := range map[string]bool{"kept.go": true, "stale.go": false, "hand.go": true} {
		if _, err := os.Stat(filepath.Join(dir, n)); (err == nil) != want {
			t.Errorf("%s exists = %v, want %v", n, err == nil, want)
		}
	}
}
