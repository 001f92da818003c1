package session

import (
	"strings"
	"testing"

	"github.com/gomx-dev/gomx/engine"
)

// TestMultiValueDefineInBlocks covers `a, b := f()` and friends inside the
// blocks of top-level statements, which yaegi cannot run as main.
func TestMultiValueDefineInBlocks(t *testing.T) {
	s := newSession(t)
	cases := []struct{ code, want string }{
		{"for _, k := range []int{1, 2} {\n\tr, err := fmt.Sprint(k), error(nil)\n\tn, e := fmt.Print(r)\n\t_, _ = n, e\n\tif err != nil {\n\t\tpanic(err)\n\t}\n}", "12"},
		{"if true {\n\ta, b := fmt.Print(\"x\")\n\t_, _ = a, b\n}", "x"},
		{"total := 0\nfor i := 0; i < 3; i++ {\n\tv, ok := map[int]int{1: 10}[i]\n\tif ok {\n\t\ttotal += v\n\t}\n}\nfmt.Print(total)", "10"},
		{"var x any = 2.5\nswitch {\ndefault:\n\tvar f, ok = x.(float64)\n\tfmt.Print(f, ok)\n}", "2.5 true"},
	}
	for _, c := range cases {
		res, rec := exec(t, s, c.code)
		if res.Error != nil {
			t.Fatalf("%q: %v", c.code, res.Error)
		}
		if got := rec.Text("stdout"); !strings.Contains(got, c.want) {
			t.Fatalf("%q printed %q, want %q", c.code, got, c.want)
		}
	}
	// an error inside a wrapped statement still points at the cell as typed
	res, _ := exec(t, s, "if true {\n\ta, b := fmt.Print(1)\n\t_, _ = a, b\n\tundefinedThing()\n}")
	if res.Error == nil || res.Error.Line != 4 || res.Error.Col != 2 {
		t.Fatalf("error %+v, want line 4 column 2", res.Error)
	}
}

// TestGlobalsNamedLikePreludeParams: yaegi lets a generic function's
// parameter names leak into the global scope, so the prelude's helpers use
// reserved names and a user's x or y works.
func TestGlobalsNamedLikePreludeParams(t *testing.T) {
	s := newSession(t)
	values(t, s, []valueCase{
		{"a := []int{4, 2}", ""},
		{"x := a[0]\nx", "4"},
		{"y := a[1]\ny", "2"},
		{"v := x + y\nmin(x, y, v)", "2"},
	})
}

// TestDefineFromCompiledElements covers `x := e` where e indexes a slice,
// array or map of compiled type, which yaegi cannot type at top level.
func TestDefineFromCompiledElements(t *testing.T) {
	s := newSession(t)
	values(t, s, []valueCase{
		{"toy := sae.Superposition(8, 16, 0.2, 2, 32, 2)", ""},
		{"z := toy.Batches[1]\nz.RawMatrix().Rows", "32"},
		{"bs := toy.Batches\nw, n := bs[0], len(bs)\nfmt.Sprint(w.RawMatrix().Cols, n)", `"8 2"`},
		{"f := strings.Fields(\"a b\")\nf1 := f[1]\nf1", `"b"`},
		{"sum := 0.0\nfor _, b := range toy.Batches {\n\tr := b.RawMatrix()\n\tsum += float64(r.Rows)\n}\nsum", "64"},
		{"h := stat.Histogram(nil, []float64{0, 1, 2}, []float64{0.5, 1.5}, nil)\nh0 := h[0]\nh0", "1"},
	})
	// a panic in the retried right-hand side is an error on its line
	res, _ := exec(t, s, "i := 5\nbad := toy.Batches[i]")
	if res.Error == nil || res.Error.Line != 2 || !strings.Contains(res.Error.Value, "index out of range") {
		t.Fatalf("error %+v (line %d), want an index-out-of-range panic on line 2", res.Error, res.Error.Line)
	}
}

// TestShadowingInBlocks: a name declared in a block of a top-level
// statement shadows a global of the same name instead of writing it.
func TestShadowingInBlocks(t *testing.T) {
	s := newSession(t)
	values(t, s, []valueCase{
		{"r := 1.0\nname := \"a\"", ""},
		{"for i := 0; i < 2; i++ {\n\tr := 2.0\n\t_ = r\n}\nr", "1"},
		{"if true {\n\tname := 3\n\t_ = name\n}\nname", `"a"`},
		{"for _, r := range []string{\"x\"} {\n\t_ = r\n}\nr", "1"},
		{"sum := 0\nfor i := 0; i < 4; i++ {\n\tsum += i\n}\nsum", "6"},
	})
}

// TestUndefinedPackageInDefine: yaegi's compiler crashes on `a, b :=
// pkg.F()` when pkg is undefined; the cell gets an undefined-name error.
func TestUndefinedPackageInDefine(t *testing.T) {
	s := newSession(t)
	res, _ := exec(t, s, "x := 1\nv, err := nosuchpkg.Parse(\"x\")")
	if res.Error == nil || res.Error.Kind != engine.CompileError || !strings.Contains(res.Error.Value, "undefined: nosuchpkg") || res.Error.Line != 2 {
		t.Fatalf("error %+v", res.Error)
	}
	res, _ = exec(t, s, "u, err := url.Parse(\"http://h/p?a=1\")\nfmt.Sprint(u.Query()[\"a\"], err)")
	if res.Error != nil || res.Value == nil || res.Value.Text() != `"[1] <nil>"` {
		t.Fatalf("net/url is not auto-imported: %+v %v", res.Error, res.Value)
	}
}

// TestCallOfFuncValueShown: the value of f() is shown when f is a func
// variable declared in the same cell, and nothing when f has no result.
func TestCallOfFuncValueShown(t *testing.T) {
	s := newSession(t)
	values(t, s, []valueCase{
		{"f := func() int { return 3 }\nf()", "3"},
		{"g := func() {}\ng()", ""},
	})
}

// valueCase is a cell and the text of the value it must show ("" for none).
type valueCase struct{ code, want string }

// values runs the cells in order in s and checks each one's value.
func values(t *testing.T, s *Session, cases []valueCase) {
	t.Helper()
	for _, c := range cases {
		res, _ := exec(t, s, c.code)
		if res.Error != nil {
			t.Fatalf("%q: %v", c.code, res.Error)
		}
		got := ""
		if res.Value != nil {
			got = res.Value.Text()
		}
		if got != c.want {
			t.Fatalf("%q = %q, want %q", c.code, got, c.want)
		}
	}
}

// TestGenericDefine: `x := f(…)` and `x := f[T](…)` at top level, for a
// generic f, define x with the type of the result (yaegi alone fails or
// crashes on both), run the call once, and leave x usable with its type.
func TestGenericDefine(t *testing.T) {
	s := newSession(t)
	values(t, s, []valueCase{
		{"calls := 0\nfunc Map[T, U any](xs []T, f func(T) U) []U {\n\tcalls++\n\tr := make([]U, 0, len(xs))\n\tfor _, x := range xs {\n\t\tr = append(r, f(x))\n\t}\n\treturn r\n}", ""},
		{"func Keys[K comparable, V any](m map[K]V) int { return len(m) }", ""},
		{"func Index[K comparable](ks []K) map[K]int {\n\tm := map[K]int{}\n\tfor i, k := range ks {\n\t\tm[k] = i\n\t}\n\treturn m\n}", ""},
		{"y := Map([]int{1, 2}, func(i int) int { return i + 1 })", ""},
		{"y[0] + y[1]", "5"},
		{"z := Map[int, string]([]int{3, 4}, func(i int) string { return fmt.Sprint(i * 2) })", ""},
		{"z[0] + z[1]", `"68"`},
		{"m := Index([]string{\"a\", \"b\"})", ""},
		{"m[\"b\"] + Keys(m)", "3"},
		{"n := Keys(map[string]bool{\"x\": true})", ""},
		{"n * 10", "10"},
		{"calls", "2"},
	})
}

// TestGenericDefineTwoResults: `a, b := f(…)` for a generic f with two
// results defines both with their types; a nil result may go to _.
func TestGenericDefineTwoResults(t *testing.T) {
	s := newSession(t)
	values(t, s, []valueCase{
		{"func Two[T any](x T) (T, T) { return x, x }", ""},
		{"a, b := Two(3)", ""},
		{"a + b", "6"},
		{"c, _ := Two[string](\"x\")", ""},
		{"c + \"y\"", `"xy"`},
		{"func Parse[T any](x T) (T, error) { return x, nil }", ""},
		{"p, _ := Parse(2.5)", ""},
		{"p * 2", "5"},
	})
}

// TestGenericDefineNilResult: a nil result of a generic function has its
// static type (the first engine could not type it), and the call runs
// once.
func TestGenericDefineNilResult(t *testing.T) {
	s := newSession(t)
	values(t, s, []valueCase{
		{"runs := 0\nfunc Parse[T any](x T) (T, error) {\n\truns++\n\treturn x, nil\n}", ""},
		{"v, err := Parse(1)", ""},
		{"v", "1"},
		{"err == nil", "true"},
		{"runs", "1"},
	})
}
