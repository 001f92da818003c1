package session

import (
	"strings"
	"testing"
)

// planCases are cells with the parts the splitter and rewriter make of
// them (texts joined by " | ", declaration parts marked "D:"). They also
// seed FuzzSplit.
var planCases = []struct {
	code  string
	parts string
}{
	{"1 + 1", "1 + 1"},
	{"x := 1\ny := 2", "x := 1\n | y := 2"},
	{"import \"fmt\"\nfunc f() {}\nx := 1", "D:            \nfunc f() {} | x := 1"},
	{"func f() {}\nfunc g() {}", "D:func f() {}\nfunc g() {}"},
	{"func() { println(1) }()", "func() { println(1) }()"},
	{"func (p P) M() {}", "D:func (p P) M() {}"},
	{"type T struct{ A int }\nvar v T", "D:type T struct{ A int } | var v T"},
	{"const c = 1\nc", "const c = 1\n | c"},
	{"for i := range 3 {}", "func() { {__gomxN1 := 3; for i := __gomxN1 - __gomxN1; i < __gomxN1; i++ {}} }()"},
	{"for range 2 { }", "{__gomxN1 := 2; for __gomxI1 := __gomxN1 - __gomxN1; __gomxI1 < __gomxN1; __gomxI1++ { }}"},
	{"n := 4\nfor i := range n {}", "n := 4\n | func() { {__gomxN1 := n; for i := __gomxN1 - __gomxN1; i < __gomxN1; i++ {}} }()"},
	{"xs := []int{1}\nfor i := range xs {}", "xs := []int{1}\n | func() { for i := range xs {} }()"},
	{"L:\n\tfor i := range 3 { break L }", "func() { \n\t{__gomxN1 := 3; L: for i := __gomxN1 - __gomxN1; i < __gomxN1; i++ { break L }} }()"},
	{"min(2, 1)", "__gomx.Min_int(2, 1)"},
	{"max(1.5, 2)", "__gomx.Max_float64(1.5, 2)"},
	{"min(a, 1)", "__gomxMin(a, 1)"},
	{"min(1, a)", "__gomxMin(a, 1)"},
	{"m := map[int]int{}\nclear(m)", "m := map[int]int{}\n | __gomx.Clear(m)"},
	{"L: for { select { case <-c: break L } }", "L: for { select { case <-c: goto __gomxBreak_L } }; __gomxBreak_L: ;"},
	{"L: for { select { case <-c: continue L } }", "L: for { select { case <-c: continue L } }"},
	{"go f(x, 1)", "{ __gomxA1_0 := x; __gomxT1 := __gomx.GoStart(); go func() { defer func() { __gomx.GoDone(__gomxT1, recover()) }(); f(__gomxA1_0, 1) }() }"},
	{"go func() { work() }()", "{ __gomxT1 := __gomx.GoStart(); go func() {defer func() { __gomx.GoDone(__gomxT1, recover()) }();  work() }() }"},
	{"xs := []float64{2, 1}\nslices.Sort(xs)", "xs := []float64{2, 1}\n | __gomx.Slices_Sort_float64(xs)"},
	{"fmt.Println(min(1, 2))", "fmt.Println(__gomx.Min_int(1, 2))"},
	{"x := 1 +", ""},
	{"func (", ""},
	{"`unterminated", ""},
	{"s := \"é\"; t := 'x'\n/* c */ s", "s := \"é\";  | t := 'x'\n/* c */  | s"},
}

func TestPlan(t *testing.T) {
	for _, c := range planCases {
		pl, err := testPlanner().plan(c.code)
		if c.parts == "" {
			if err == nil {
				t.Errorf("%q: no error", c.code)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", c.code, err)
			continue
		}
		var got []string
		for _, pt := range pl.Parts {
			p := pt.Text
			if pt.Kind == declChunk {
				p = "D:" + p
			}
			got = append(got, p)
		}
		if g := strings.Join(got, " | "); g != c.parts {
			t.Errorf("%q:\n got %q\nwant %q", c.code, g, c.parts)
		}
		if err := checkPlan(c.code); err != nil {
			t.Errorf("%q: %v", c.code, err)
		}
	}
}

func TestOffsetMap(t *testing.T) {
	src := "a := min(x, y) + 1"
	es := &edits{src: src}
	es.add(edit{Start: 5, End: 14, Text: "__gomxMin(x, y)"})
	text, m := es.chunkText(0, len(src), true)
	if text != "a := __gomxMin(x, y) + 1" {
		t.Fatalf("text %q", text)
	}
	cases := []struct{ newOff, oldOff int }{{0, 0}, {5, 5}, {10, 5}, {20, 14}, {21, 15}, {24, 18}}
	for _, c := range cases {
		if got := m.old(c.newOff); got != c.oldOff {
			t.Errorf("old(%d) = %d, want %d", c.newOff, got, c.oldOff)
		}
	}
}
