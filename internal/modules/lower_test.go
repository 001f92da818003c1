package modules

import (
	"errors"
	"go/ast"
	goimporter "go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
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

// TestBuiltinsText compiles the min and max functions that replace the
// builtins with Go and compares them with the builtins on NaNs, signed
// zeros, infinities and ordinary values.
func TestBuiltinsText(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command")
	}
	src := builtinsText("main", map[string]*types.Basic{"float64": types.Typ[types.Float64], "int": types.Typ[types.Int], "string": types.Typ[types.String]})
	src = strings.Replace(src, "package main\n", `package main

import (
	"fmt"
	"math"
)

func main() {
	vs := []float64{math.NaN(), math.Inf(-1), -1, math.Copysign(0, -1), 0, 0.5, math.Inf(1)}
	bad := 0
	same := func(a, b float64) bool { return math.Float64bits(a) == math.Float64bits(b) || a != a && b != b }
	for _, x := range vs {
		for _, y := range vs {
			for _, z := range vs {
				if !same(gomxmin_float64(x, y, z), min(x, y, z)) || !same(gomxmax_float64(x, y, z), max(x, y, z)) {
					bad++
					fmt.Println("differs:", x, y, z)
				}
			}
		}
	}
	if gomxmin_int(3, -2, 5) != -2 || gomxmax_int(3, -2, 5) != 5 || gomxmin_string("b", "a", "c") != "a" || gomxmax_string("b", "a") != "b" {
		bad++
	}
	fmt.Println(bad)
}
`, 1)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "run", "main.go")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOTOOLCHAIN=local", "GO111MODULE=off")
	out, err := cmd.CombinedOutput()
	if err != nil || string(out) != "0\n" {
		t.Errorf("go run of the helpers: %v\n%s", err, out)
	}
}

func TestLowerConsts(t *testing.T) {
	out, err := lowerSrc(t, `package p

import "math"

const big = math.MaxFloat64

type F float64

func G(n float64) (bool, F, int, float64) {
	return n < (0.0 -
		math.MaxFloat64), F(math.MaxInt8), max(math.MaxInt8, 3), 2 * math.Pi
}
`)
	if err != nil {
		t.Fatal(err)
	}
	got := string(out["a.go"])
	for _, want := range []string{
		"const big = math.MaxFloat64\n", // a declaration keeps its text
		// the line break kept; an untyped constant of the type go/types
		// gives it in its context
		"return n < (\nfloat64(-1.7976931348623157e+308)), (F(127.0)), (int(127)), (float64(6.283185307179586))\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("lowered source lacks %q:\n%s", want, got)
		}
	}
}

func TestLowerAsserts(t *testing.T) {
	out, err := lowerSrc(t, `package p

type w struct{ c error }

func (e *w) Error() string { return "w" }
func (e *w) Cause() error  { return e.c }

func Cause(err error) error {
	type causer interface{ Cause() error }
	for {
		c, ok := err.(causer)
		if !ok {
			return err
		}
		_ = err.(interface{ Error() string })
		err = c.Cause()
	}
}
`)
	if err != nil {
		t.Fatal(err)
	}
	got, helpers := string(out["a.go"]), string(out[builtinFile])
	for _, want := range []string{"c, ok := gomxassert0(err)\n", "_ = gomxassert1must(err)\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("lowered source lacks %q:\n%s", want, got)
		}
	}
	want := "func gomxassert0(x error) (interface{Cause() error}, bool) {\n\tif v, ok := x.(*w); ok {\n\t\treturn v, true\n\t}\n\tv, ok := x.(interface{Cause() error})\n\treturn v, ok\n}\n"
	if !strings.Contains(helpers, want) {
		t.Errorf("%s lacks\n%s\nin\n%s", builtinFile, want, helpers)
	}
}
