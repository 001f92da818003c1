package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"sort"
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

// TestRunAdd writes a package's table, type information and documentation
// next to existing files, which stay, and checks that the documentation
// has the symbols of the table only: not the generic ones extract leaves
// out.
func TestRunAdd(t *testing.T) {
	const pkg = "github.com/gomx-dev/gomx/internal/stdlib/internal/gen/testdata/generic"
	out := t.TempDir()
	others := []string{"std_strings.go", "types/strings.gz", "docs/strings.json.gz", "docs/versions.json"}
	for _, f := range others {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(out, f)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(out, f), []byte(generatedPrefix+"x\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := runAdd(out, []string{pkg}); err != nil {
		t.Fatal(err)
	}
	for _, f := range others {
		if b, err := os.ReadFile(filepath.Join(out, f)); err != nil || string(b) != generatedPrefix+"x\n" {
			t.Errorf("%s changed or removed: %q, %v", f, b, err)
		}
	}
	base := fileName.Replace(pkg)
	src, err := os.ReadFile(filepath.Join(out, base+".go"))
	if err != nil {
		t.Fatal(err)
	}
	syms := tableSymbols(src)
	if !syms["Double"] || !syms["Point"] || syms["Map"] || syms["Pair"] {
		t.Errorf("table symbols %v: want Double and Point, not Map and Pair", syms)
	}
	if _, err := os.Stat(filepath.Join(out, typesDir, base+".gz")); err != nil {
		t.Error(err)
	}
	gz, err := os.ReadFile(filepath.Join(out, docsDir, base+".json.gz"))
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		t.Fatal(err)
	}
	var docs map[string][2]string
	if err := json.NewDecoder(zr).Decode(&docs); err != nil {
		t.Fatal(err)
	}
	var names []string
	for n := range docs {
		names = append(names, n)
	}
	sort.Strings(names)
	if want := []string{"", "Double", "Point", "Point.Norm1"}; !reflect.DeepEqual(names, want) {
		t.Errorf("documented symbols %q, want %q", names, want)
	}
}
