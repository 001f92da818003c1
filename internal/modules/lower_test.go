package modules

import (
	"errors"
	"go/ast"
	goimporter "go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io/fs"
	"strings"
	"testing"
)

// lowerSrc type-checks one file of package p and lowers it.
func lowerSrc(t *testing.T, src string) (map[string][]byte, error) {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "/m/a.go", src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	info := &types.Info{Types: map[ast.Expr]types.TypeAndValue{}, Defs: map[*ast.Ident]types.Object{}, Uses: map[*ast.Ident]types.Object{},
		Selections: map[*ast.SelectorExpr]*types.Selection{}, FileVersions: map[*ast.File]string{}}
	conf := types.Config{GoVersion: "go1.22", Importer: goimporter.Default()}
	pkg, err := conf.Check("example.com/p", fset, []*ast.File{f}, info)
	if err != nil {
		t.Fatal(err)
	}
	return lower(fset, []*ast.File{f}, info, map[string][]byte{"a.go": []byte(src)}, pkg, GoPath+"/src/example.com/p")
}

func TestLowerLoops(t *testing.T) {
	const src = `//go:build linux

package p

func F() (fs []func() int) {
	for i, x := range []int{1, 2} {
		fs = append(fs, func() int { return i + x })
	}
	for j := 0; j < 2; j++ {
		fs = append(fs, func() int { return j })
	}
	for k := range 3 {
		_ = k
	}
	for _, y := range []int{3} {
		_ = &y
	}
	return fs
}
`
	out, err := lowerSrc(t, src)
	if err != nil {
		t.Fatal(err)
	}
	got := string(out["a.go"])
	for _, want := range []string{
		"           \n\npackage p", // the constraint blanked, the lines kept
		"range []int{1, 2} { i, x := i, x; {\n",
		"return i + x })\n\t}}\n",
		"for j := 0; j < 2; j++ { j := j; {\n",
		"for gomxI214, gomxN214 := (3)-(3), 3; gomxI214 < gomxN214; gomxI214++ { k := gomxI214; {\n\t\t_ = k\n\t}}\n",
		"range []int{3} { y := y; {\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("lowered source lacks %q:\n%s", want, got)
		}
	}
	if strings.Count(got, "\n") != strings.Count(src, "\n") {
		t.Errorf("lines moved:\n%s", got)
	}
}

func TestLowerLoopChanged(t *testing.T) {
	_, err := lowerSrc(t, `package p

func F() (fs []func() int) {
	for j := 0; j < 4; j++ {
		fs = append(fs, func() int { return j })
		j++
	}
	return fs
}
`)
	if err == nil || !strings.Contains(err.Error(), "a.go:4:2: the loop variable j is captured") {
		t.Errorf("error %v", err)
	}
}

func TestLowerInitOrder(t *testing.T) {
	out, err := lowerSrc(t, `package p

import s "strings"

var A = f()

func f() int { return len(B) }

var (
	B = s.Repeat("x", 3)
	C int
)
`)
	if err != nil {
		t.Fatal(err)
	}
	init := string(out[initFile])
	want := "package p\n\nimport s \"strings\"\n\nvar /*line /gomx-gopath/src/example.com/p/a.go:10:2*/B = s.Repeat(\"x\", 3)\n\nvar /*line /gomx-gopath/src/example.com/p/a.go:5:5*/A = f()\n"
	if init != want {
		t.Errorf("%s is\n%s\nwant\n%s", initFile, init, want)
	}
	if got := string(out["a.go"]); strings.Contains(got, "A = f()") || strings.Contains(got, "Repeat") || !strings.Contains(got, "\tC int") {
		t.Errorf("a.go keeps moved declarations:\n%s", got)
	}
}

func TestFS(t *testing.T) {
	m := New(Config{})
	m.gen.pkgs["example.com/p"] = &loaded{Package: Package{ImportPath: "example.com/p"}, src: map[string][]byte{"a.go": []byte("package p\n")}}
	fsys := m.FS()
	for _, name := range []string{GoPath + "/src/example.com/p", "src/example.com/p"} {
		fi, err := fs.Stat(fsys, name)
		if err != nil || !fi.IsDir() {
			t.Errorf("Stat(%s) = %v, %v", name, fi, err)
		}
	}
	es, err := fs.ReadDir(fsys, GoPath+"/src/example.com/p")
	if err != nil || len(es) != 1 || es[0].Name() != "a.go" {
		t.Errorf("ReadDir = %v, %v", es, err)
	}
	b, err := fs.ReadFile(fsys, GoPath+"/src/example.com/p/a.go")
	if err != nil || string(b) != "package p\n" {
		t.Errorf("ReadFile = %q, %v", b, err)
	}
	for _, name := range []string{GoPath + "/src/example.com/p/vendor", GoPath + "/src/example.com", GoPath + "/src/main/example.com/p", "/elsewhere/a.go"} {
		if _, err := fs.Stat(fsys, name); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("Stat(%s): %v, want not exist", name, err)
		}
	}
}
