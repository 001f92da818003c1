package session

import (
	"strings"
	"testing"
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
		if got := rec.text("stdout"); !strings.Contains(got, c.want) {
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
	for _, c := range []struct{ code, want string }{
		{"a := []int{4, 2}", ""},
		{"x := a[0]\nx", "4"},
		{"y := a[1]\ny", "2"},
		{"v := x + y\nmin(x, y, v)", "2"},
	} {
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
