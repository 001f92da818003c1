package session

import (
	"context"
	"encoding/base64"
	"slices"
	"strings"
	"testing"

	"github.com/gomx-dev/gomx/engine"
)

const richTypes = `type Card struct{ Title string }

func (c Card) HTML() string { return "<b>" + c.Title + "</b>" }

type Formula struct{ TeX string }

func (f Formula) LaTeX() string { return "$" + f.TeX + "$" }

type Note string

func (n Note) Markdown() string { return "*" + string(n) + "*" }

type Pic struct{}

func (p *Pic) PNG() []byte { return []byte{1, 2, 3} }

type Multi struct{}

func (Multi) MIMEBundle() map[string]string { return map[string]string{"application/json": "{}", "text/html": "<i>m</i>"} }

func NewCard(t string) Card { return Card{t} }`

func TestRichValues(t *testing.T) {
	s := newSession(t)
	if res, _ := exec(t, s, richTypes+"\nc := Card{\"var\"}\npic := &Pic{}\nvar n Note = \"note\""); res.Error != nil {
		t.Fatal(res.Error)
	}
	cases := []struct {
		code string
		mime string
		want string
	}{
		{`Card{"lit"}`, "text/html", "<b>lit</b>"},
		{"c", "text/html", "<b>var</b>"},
		{`NewCard("f")`, "text/html", "<b>f</b>"},
		{`Formula{"x^2"}`, "text/latex", "$x^2$"},
		{"n", "text/markdown", "*note*"},
		{"pic", "image/png", base64.StdEncoding.EncodeToString([]byte{1, 2, 3})},
		{"Multi{}", "application/json", "{}"},
		{"Multi{}", "text/html", "<i>m</i>"},
		{`viz.HTML("<p>x</p>")`, "text/html", "<p>x</p>"},
	}
	for _, c := range cases {
		res, _ := exec(t, s, c.code)
		if res.Error != nil {
			t.Fatalf("%q: %v", c.code, res.Error)
		}
		if res.Value == nil || res.Value.Data[c.mime] != c.want {
			t.Errorf("%q: %s = %q, want %q (bundle %v)", c.code, c.mime, res.Value.Data[c.mime], c.want, res.Value)
			continue
		}
		if res.Value.Text() == "" {
			t.Errorf("%q: no text/plain", c.code)
		}
	}
}

func TestDisplayCalls(t *testing.T) {
	s := newSession(t)
	if res, _ := exec(t, s, richTypes+"\nc := Card{\"shown\"}"); res.Error != nil {
		t.Fatal(res.Error)
	}
	res, r := exec(t, s, `fmt.Println("before")
viz.Show(c)
fmt.Println("between")
viz.Show(viz.Markdown("**md**"))
h := viz.NewDisplay()
h.Update(Card{"one"})
h.Update(c)
fmt.Print("after")`)
	if res.Error != nil {
		t.Fatal(res.Error)
	}
	var got []string
	for _, e := range r.Events() {
		switch e.Kind {
		case "stdout":
			got = append(got, "stdout:"+e.Text)
		case "display", "update":
			got = append(got, e.Kind+":"+e.Bundle.Data["text/html"]+e.Bundle.Data["text/markdown"])
		}
	}
	want := []string{"stdout:before\n", "display:<b>shown</b>", "stdout:between\n", "display:**md**", "display:<b>one</b>", "update:<b>shown</b>", "stdout:after"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("events\n got %q\nwant %q", got, want)
	}
}

func TestCompiledCode(t *testing.T) {
	runCells(t, []cellCase{
		{code: "a := mat.NewDense(2, 3, []float64{1, 2, 3, 4, 5, 6})\nb := mat.NewDense(2, 2, nil)\nvar c mat.Dense", value: ""},
		{code: "x := 1\ny := 2\nz := x + y\n_ = z\nc.Mul(a, b)", kind: engine.RuntimePanic, errHas: "dimension mismatch", line: 5},
		{code: "c.Mul(a, a.T())\nc.At(1, 1)", value: "77"},
		{code: "floats.Sum([]float64{1, 2, 3.5})", value: "6.5"},
		{code: "stat.Mean([]float64{1, 2, 3}, nil)", value: "2"},
		{code: "d := distuv.Normal{Mu: 0, Sigma: 1}\nd.CDF(0)", value: "0.5"},
		{code: "func Map[T, U any](xs []T, f func(T) U) []U {\n\tout := make([]U, 0, len(xs))\n\tfor _, x := range xs {\n\t\tout = append(out, f(x))\n\t}\n\treturn out\n}", value: ""},
		{code: "Map[int, string]([]int{1, 2}, func(i int) string { return strconv.Itoa(i * 2) })", value: "[2 4]"},
		{code: "var ws []string = Map[int, string]([]int{3}, strconv.Itoa)\nws[0]", value: `"3"`},
		{code: "ys := Map[int, string]([]int{3}, strconv.Itoa)\nys[0]", value: `"3"`},
		{code: "func Sum[T int | float64](xs []T) T {\n\tvar s T\n\tfor _, x := range xs {\n\t\ts += x\n\t}\n\treturn s\n}\nSum([]float64{1, 2.5})", value: "3.5"},
		{code: "type Stack[T any] struct{ items []T }\nfunc (s *Stack[T]) Push(v T) { s.items = append(s.items, v) }", value: ""},
		{code: "st := &Stack[float64]{}\nst.Push(1.5)\nlen(st.items)", value: "1"},
	})
}

func TestCompletePreloaded(t *testing.T) {
	s := newSession(t)
	exec(t, s, "d := mat.NewDense(2, 2, nil)")
	got := s.Complete("mat.New", 7)
	for _, w := range []string{"NewDense", "NewVecDense", "NewSymDense"} {
		if !slices.Contains(got.Matches, w) {
			t.Errorf("mat.New completions %v lack %s", got.Matches, w)
		}
	}
	got = s.Complete("d.", 2)
	for _, w := range []string{"Mul", "At", "Dims", "T"} {
		if !slices.Contains(got.Matches, w) {
			t.Errorf("d. completions %v lack %s", got.Matches, w)
		}
	}
	ins := s.Inspect("fmt.Println", 5, 0)
	if !ins.Found || !strings.Contains(ins.Data.Text(), "func Println(a ...any) (n int, err error)") || !strings.Contains(ins.Data.Text(), "standard output") {
		t.Errorf("Inspect fmt.Println: %q", ins.Data.Text())
	}
	ins = s.Inspect("mat.NewDense(", 6, 0)
	if !ins.Found || !strings.Contains(ins.Data.Text(), "NewDense") {
		t.Errorf("Inspect mat.NewDense: %q", ins.Data.Text())
	}
	ins = s.Inspect("d.Mul", 4, 0)
	if !ins.Found || !strings.Contains(ins.Data.Text(), "Mul") {
		t.Errorf("Inspect d.Mul: %q", ins.Data.Text())
	}
}

func TestOutputToWriters(t *testing.T) {
	var out, errw strings.Builder
	s, err := New(Options{Stdout: &out, Stderr: &errw})
	if err != nil {
		t.Fatal(err)
	}
	r := &recorder{}
	res := s.Execute(context.Background(), "fmt.Println(\"to writer\")\nlog.Print(\"to stderr\")", engine.ExecOptions{}, r)
	if res.Error != nil {
		t.Fatal(res.Error)
	}
	if out.String() != "to writer\n" || !strings.HasSuffix(errw.String(), "to stderr\n") || len(r.Events()) != 0 {
		t.Fatalf("stdout %q, stderr %q, events %v", out.String(), errw.String(), r.Events())
	}
}
