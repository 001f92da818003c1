package front

import (
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"strings"
	"testing"
)

// TestLowerPackage: a package's files come back lowered as Go that
// parses, with internal names in ǂ, line directives to the files, and the
// initialised variables in PackageFile in Go's order.
func TestLowerPackage(t *testing.T) {
	fset := token.NewFileSet()
	srcs := map[string]string{
		"/mod/p/a.go": "package p\n\nimport \"fmt\"\n\nvar A = b() + 1\n\nfunc Fs() (fs []func() int) {\n\tfor i := range 3 {\n\t\tfs = append(fs, func() int { return min(i, 5) })\n\t}\n\treturn fs\n}\n\nfunc S(v fmt.Stringer) string { return fmt.Sprint(v) }\n",
		"/mod/p/b.go": "package p\n\nvar B = 2\n\nfunc b() int { return B }\n",
	}
	var files []*ast.File
	for _, name := range []string{"/mod/p/a.go", "/mod/p/b.go"} {
		f, err := parser.ParseFile(fset, name, srcs[name], parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	info := NewInfo()
	conf := types.Config{Importer: importer.Default()}
	pkg, err := conf.Check("example.com/p", fset, files, info)
	if err != nil {
		t.Fatal(err)
	}
	out, err := LowerPackage(Config{Fset: fset, Importer: importer.Default(), Runtime: "gomx.dev/rt"}, pkg, files, info)
	if err != nil {
		t.Fatal(err)
	}
	for name, text := range out {
		if _, err := parser.ParseFile(token.NewFileSet(), name, text, 0); err != nil {
			t.Errorf("%s does not parse: %v\n%s", name, err, text)
		}
		if strings.Contains(string(text), "$") {
			t.Errorf("%s has internal names with $:\n%s", name, text)
		}
	}
	a, init := string(out["a.go"]), string(out[PackageFile])
	if !strings.Contains(a, "//line /mod/p/a.go:") || !strings.Contains(a, "ǂ") {
		t.Errorf("a.go without line directives or internal names:\n%s", a)
	}
	if i, j := strings.Index(init, "var B"), strings.Index(init, "var A"); i < 0 || j < 0 || i > j {
		t.Errorf("%s: want B before A:\n%s", PackageFile, init)
	}
}
