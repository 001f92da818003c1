package session

import (
	"context"
	"net/http"
	"os"
	osexec "os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/gomx-dev/gomx/engine"
	"github.com/gomx-dev/gomx/internal/modules/proxytest"
)

// testModules are the modules of the local proxy: app depends on greet,
// whose version v1.1.0 changes its greeting; bad does not type-check,
// cgo needs cgo, newgonum needs a gonum newer than gomx's.
var testModules = []proxytest.Module{
	{Path: "example.com/greet", Version: "v1.0.0", Files: map[string]string{
		"go.mod":   "module example.com/greet\n\ngo 1.22\n",
		"greet.go": "package greet\n\n// Hello greets name.\nfunc Hello(name string) string { return \"hello, \" + name }\n",
		"shout/shout.go": "//go:build !nonesuch\n\npackage shout\n\nimport \"strings\"\n\n" +
			"// Loud shouts s.\nfunc Loud(s string) string { return strings.ToUpper(s) + \"!\" }\n",
	}},
	{Path: "example.com/greet", Version: "v1.1.0", Files: map[string]string{
		"go.mod":   "module example.com/greet\n\ngo 1.22\n",
		"greet.go": "package greet\n\n// Hello greets name.\nfunc Hello(name string) string { return \"hi, \" + name }\n",
	}},
	{Path: "example.com/app", Version: "v1.0.0", Files: map[string]string{
		"go.mod": "module example.com/app\n\ngo 1.22\n\nrequire example.com/greet v1.0.0\n",
		"b.go":   "package app\n\nimport str \"strings\"\n\nvar xs = []int{1, 2, 3}\n\nvar (\n\tnames = str.Fields(\"a b c d\")\n)\n",
		"app.go": `package app

import "example.com/greet"

// Welcome greets each name.
func Welcome(names ...string) []string {
	var out []string
	for _, n := range names {
		out = append(out, greet.Hello(n))
	}
	return out
}

// Funcs returns closures of the loop variables of a range and of a
// three-clause loop: with Go 1.22's per-iteration variables, 0 1 2 and
// 10 11 12.
func Funcs() []func() int {
	var fs []func() int
	for i := range []int{7, 8, 9} {
		fs = append(fs, func() int { return i })
	}
	for j := 10; j < 13; j++ {
		fs = append(fs, func() int { return j })
	}
	return fs
}

// Counter counts.
type Counter struct{ N int }

type causer interface{ Cause() error }

type wrapped struct {
	msg   string
	cause error
}

func (w *wrapped) Error() string { return w.msg + ": " + w.cause.Error() }
func (w *wrapped) Cause() error  { return w.cause }

// Wrap wraps err with msg.
func Wrap(err error, msg string) error { return &wrapped{msg, err} }

// Cause unwraps err, as github.com/pkg/errors does.
func Cause(err error) error {
	for err != nil {
		c, ok := err.(causer)
		if !ok {
			break
		}
		err = c.Cause()
	}
	return err
}

// Extremes uses the builtins min and max (Go 1.21).
func Extremes(xs []float64) (float64, float64, int, string, float64) {
	lo, hi := xs[0], xs[0]
	for _, x := range xs[1:] {
		lo = min(lo, x)
		hi = max(hi, x)
	}
	const c = min(3, 1.5)
	return lo, hi, max(len(xs), 2, 7), min("b", "a"), c
}

// Table is initialised after xs, which its initialiser reads through sum
// only: Go orders by such references too.
var Table = [2]int{sum(), count()}

func count() int { return len(names) }

func sum() (n int) {
	for _, x := range xs {
		n += x
	}
	return n
}

// Add adds d.
func (c *Counter) Add(d int) { c.N += d }
`,
	}},
	{Path: "example.com/bad", Version: "v1.0.0", Files: map[string]string{
		"go.mod": "module example.com/bad\n\ngo 1.22\n",
		"bad.go": "package bad\n\nfunc F() int { return \"x\" }\n",
	}},
	{Path: "example.com/cgo", Version: "v1.0.0", Files: map[string]string{
		"go.mod": "module example.com/cgo\n\ngo 1.22\n",
		"cgo.go": "package cgo\n\n// #include <stdlib.h>\nimport \"C\"\n\nfunc Rand() int { return int(C.rand()) }\n",
	}},
	{Path: "example.com/rangeint", Version: "v1.0.0", Files: map[string]string{
		"go.mod": "module example.com/rangeint\n\ngo 1.22\n",
		"r.go":   "package rangeint\n\nfunc Sum() (n int) {\n\tfor i := range 4 {\n\t\tn += i\n\t}\n\treturn n\n}\n",
	}},
	{Path: "example.com/userange", Version: "v1.0.0", Files: map[string]string{
		"go.mod": "module example.com/userange\n\ngo 1.22\n\nrequire example.com/rangeint v1.0.0\n",
		"u.go":   "package userange\n\nimport \"example.com/rangeint\"\n\nvar N = rangeint.Sum()\n",
	}},
	{Path: "example.com/rangefunc", Version: "v1.0.0", Files: map[string]string{
		"go.mod": "module example.com/rangefunc\n\ngo 1.23\n",
		"f.go": "package rangefunc\n\nfunc seq(yield func(int) bool) {\n\tfor i := 0; i < 3 && yield(i); i++ {\n\t}\n}\n\n" +
			"func Sum() (n int) {\n\tfor x := range seq {\n\t\tn += x\n\t}\n\treturn n\n}\n",
	}},
	{Path: "example.com/alias", Version: "v1.0.0", Files: map[string]string{
		"go.mod": "module example.com/alias\n\ngo 1.22\n",
		"a.go":   "package alias\n\nfunc F() int {\n\ttype A = int\n\tvar x A = 2\n\treturn x\n}\n",
	}},
	{Path: "example.com/structerr", Version: "v1.0.0", Files: map[string]string{
		"go.mod": "module example.com/structerr\n\ngo 1.22\n",
		"e.go": `package structerr

import "fmt"

type lengthError struct{ n int }

func (e lengthError) Error() string { return fmt.Sprint("bad length ", e.n) }

// Check fails for a length other than 4.
func Check(n int) error {
	if n != 4 {
		return lengthError{n}
	}
	return nil
}

// Assigned is Check's error through a variable of type error.
func Assigned(n int) error {
	var e error = lengthError{n}
	return e
}

// IsLength reports whether err is Check's error.
func IsLength(err error) bool {
	_, ok := err.(lengthError)
	return ok
}

// Kind names err's kind.
func Kind(err error) string {
	switch err.(type) {
	case nil:
		return "none"
	case lengthError:
		return "length"
	}
	return "other"
}
`,
	}},
	{Path: "example.com/generic", Version: "v1.0.0", Files: map[string]string{
		"go.mod": "module example.com/generic\n\ngo 1.22\n",
		"gen.go": `package gen

import "strings"

// Number is what Sum adds.
type Number interface{ ~int | ~float64 }

// Map applies f to each element.
func Map[T, R any](xs []T, f func(T) R) []R {
	out := make([]R, 0, len(xs))
	for _, x := range xs {
		out = append(out, f(x))
	}
	return out
}

// Sum adds xs.
func Sum[T Number](xs []T) T {
	var s T
	for _, x := range xs {
		s += x
	}
	return s
}

// Uniq keeps the first of equal elements.
func Uniq[T comparable, S ~[]T](xs S) S {
	seen := map[T]bool{}
	var out S
	for _, x := range xs {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

// Stack is a stack.
type Stack[T any] struct{ items []T }

// Push pushes x.
func (s *Stack[T]) Push(x T) { s.items = append(s.items, x) }

// Pop pops.
func (s *Stack[T]) Pop() (T, bool) {
	var zero T
	if len(s.items) == 0 {
		return zero, false
	}
	x := s.items[len(s.items)-1]
	s.items = s.items[:len(s.items)-1]
	return x, true
}

// Len is the stack's length.
func (s *Stack[T]) Len() int { return len(s.items) }

// Reverse reverses xs through a Stack and an unexported helper.
func Reverse[T any](xs []T) []T {
	st := &Stack[T]{}
	for _, x := range xs {
		st.Push(x)
	}
	return drain(st)
}

func drain[T any](st *Stack[T]) []T {
	var out []T
	for st.Len() > 0 {
		x, _ := st.Pop()
		out = append(out, x)
	}
	return out
}

// Join joins the elements' strings with the package's separator.
func Join[T interface{ String() string }](xs []T) string {
	return strings.Join(Map(xs, T.String), Sep())
}

// Sep is Join's separator.
func Sep() string { return ", " }

var registered = map[string]int{}

// Register counts the registrations of name.
func Register[T any](name string, _ T) int {
	registered[name]++
	return registered[name]
}

// Ints returns a stack of ints.
func Ints(xs ...int) *Stack[int] {
	st := &Stack[int]{}
	for _, x := range xs {
		st.Push(x)
	}
	return st
}
`,
		"use/use.go": `package use

import (
	"fmt"

	"example.com/generic"
)

type word string

func (w word) String() string { return "<" + string(w) + ">" }

// Words uses gen's generic functions and types with the package's own
// types.
func Words() string {
	ws := gen.Uniq([]word{"a", "b", "a"})
	var st gen.Stack[word]
	for _, w := range ws {
		st.Push(w)
	}
	top, _ := st.Pop()
	return fmt.Sprint(gen.Join(gen.Reverse(ws)), " ", top, " ", st.Len())
}

// Double doubles xs, generic itself.
func Double[T gen.Number](xs []T) []T {
	return gen.Map(xs, func(x T) T { return 2 * x })
}

// Total is the sum of Double's results.
func Total() (int, float64) {
	return gen.Sum(Double([]int{1, 2, 3})), gen.Sum(Double([]float64{0.25}))
}

type checker interface{ Check() string }

type visitor interface{ Visit() }

// config is a checker but no visitor: an assertion of a visitor to
// checker cannot hold one (go/types and the interpreter refuse v.(config)).
type config struct{}

func (config) Check() string { return "config" }

type walker struct{}

func (walker) Visit() {}

func (walker) Check() string { return "walker" }

// Checks asserts a visitor to checker.
func Checks() string {
	var v visitor = walker{}
	if c, ok := v.(checker); ok {
		return c.Check() + " " + config{}.Check()
	}
	return "no"
}
`,
	}},
	{Path: "gonum.org/v1/gonum", Version: "v0.99.0", Files: map[string]string{
		"go.mod":     "module gonum.org/v1/gonum\n\ngo 1.22\n",
		"mat/mat.go": "package mat\n\ntype Dense struct{}\n",
	}},
	{Path: "example.com/newgonum", Version: "v1.0.0", Files: map[string]string{
		"go.mod": "module example.com/newgonum\n\ngo 1.22\n\nrequire gonum.org/v1/gonum v0.99.0\n",
		"n.go":   "package newgonum\n\nimport \"gonum.org/v1/gonum/mat\"\n\nvar D mat.Dense\n",
	}},
}

// localProxy writes testModules into a proxy and points the go command at
// it, with a module cache of the test's own. It returns the proxy's
// directory.
func localProxy(t testing.TB) string {
	t.Helper()
	if _, err := osexec.LookPath("go"); err != nil {
		t.Skip("no go command on PATH")
	}
	dir := t.TempDir()
	if err := proxytest.Write(dir, testModules); err != nil {
		t.Fatal(err)
	}
	proxytest.Env(t.Setenv, dir, t.TempDir())
	t.Setenv("TMPDIR", t.TempDir()) // the sessions' scratch modules
	return dir
}

// goRun runs a main package that uses the test modules with `go run`, for
// the truth a cell must match.
func goRun(t *testing.T, require, src string) string {
	t.Helper()
	dir := t.TempDir()
	gomod := "module example.com/main\n\ngo 1.22\n\nrequire " + require + "\n"
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(gomod), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := osexec.Command("go", "run", ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOTOOLCHAIN=local", "GOWORK=off", "CGO_ENABLED=0")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go run: %v", err)
	}
	return string(out)
}

func mustRun(t *testing.T, s *Session, code string) string {
	t.Helper()
	res, r := exec(t, s, code)
	if res.Error != nil {
		t.Fatalf("%q: %v %v", code, res.Error.Value, res.Error.Traceback)
	}
	return r.Text("stdout")
}

func mustFail(t *testing.T, s *Session, code string, has ...string) *engine.Error {
	t.Helper()
	res, _ := exec(t, s, code)
	if res.Error == nil {
		t.Fatalf("%q: no error", code)
	}
	for _, h := range has {
		if !strings.Contains(res.Error.Value, h) {
			t.Errorf("%q: error %q lacks %q", code, res.Error.Value, h)
		}
	}
	return res.Error
}

// TestModuleImport imports packages of modules from a local proxy in a
// running session: values as `go run` prints them, variables kept, a
// second package of a module, %go list, %go get of another version of an
// imported module, %reset.
func TestModuleImport(t *testing.T) {
	localProxy(t)
	const use = `fmt.Println(app.Welcome("ann", "bob"))
fs := app.Funcs()
for _, f := range fs {
	fmt.Print(f(), " ")
}
c := &app.Counter{}
c.Add(2)
c.Add(3)
fmt.Println(c.N)
fmt.Println(app.Table)
fmt.Println(app.Extremes([]float64{3, 1, 2}))
fmt.Println(app.Extremes([]float64{1, math.NaN(), -1}))
e := app.Wrap(app.Wrap(errors.New("disk full"), "saving"), "closing")
fmt.Println(e, "|", app.Cause(e))
`
	s := newSession(t)
	mustRun(t, s, "x := 41")
	res, r := exec(t, s, "import \"example.com/app\"\n"+use)
	if res.Error != nil {
		t.Fatalf("import: %v %v", res.Error.Value, res.Error.Traceback)
	}
	want := goRun(t, "example.com/app v1.0.0", "package main\n\nimport (\n\t\"errors\"\n\t\"fmt\"\n\t\"math\"\n\n\t\"example.com/app\"\n)\n\nfunc main() {\n"+use+"}\n")
	if got := r.Text("stdout"); got != want {
		t.Errorf("cell printed %q, go run %q", got, want)
	}
	// the downloads are one display, updated in place
	if all := r.All(); !strings.Contains(all, "go: downloading example.com/app v1.0.0 (1 module so far)") ||
		!strings.Contains(all, "go: downloaded 2 modules in ") || !strings.Contains(all, "example.com/app v1.0.0, example.com/greet v1.0.0") {
		t.Errorf("no download progress: %q", all)
	}
	// a range over an integer, lowered, in a dependency initialising a
	// variable
	if got := mustRun(t, s, "import \"example.com/userange\"\nfmt.Println(userange.N)"); got != "6\n" {
		t.Errorf("userange.N printed %q", got)
	}
	// a later cell uses the package again; the session's variables are kept
	if got := mustRun(t, s, `fmt.Println(app.Welcome("cy")[0], x+1)`); got != "hello, cy 42\n" {
		t.Errorf("second cell printed %q", got)
	}
	// documentation and completion from the module's source
	if res, _ := exec(t, s, "app.Welcome?"); res.Pager != "func Welcome(names ...string) []string\n\nWelcome greets each name." {
		t.Errorf("app.Welcome? gave %q", res.Pager)
	}
	if res, _ := exec(t, s, "app.Counter?"); res.Pager != "type Counter struct{N int}\n\nCounter counts." {
		t.Errorf("app.Counter? gave %q", res.Pager)
	}
	if c := s.Complete("app.", 4); !slices.Contains(c.Matches, "Welcome") || !slices.Contains(c.Matches, "Counter") || slices.Contains(c.Matches, "sum") {
		t.Errorf("completion of app. gave %v", c.Matches)
	}
	// another package of a module already there
	if got := mustRun(t, s, "import \"example.com/greet/shout\"\nfmt.Println(shout.Loud(\"hey\"))"); got != "HEY!\n" {
		t.Errorf("shout printed %q", got)
	}
	list := mustRun(t, s, "%go list")
	for _, w := range []string{"example.com/app v1.0.0: imported example.com/app", "example.com/greet v1.0.0: imported example.com/greet, example.com/greet/shout"} {
		if !strings.Contains(list, w) {
			t.Errorf("%%go list gave %q, lacks %q", list, w)
		}
	}
	got := mustRun(t, s, "%go get example.com/greet@v1.1.0")
	if !strings.Contains(got, "example.com/greet v1.0.0 is already imported") || !strings.Contains(got, "v1.1.0 is used after %reset") {
		t.Errorf("%%go get of an imported module's new version said %q", got)
	}
	if got := mustRun(t, s, "import \"example.com/greet\"\nfmt.Println(greet.Hello(\"dee\"))"); got != "hello, dee\n" {
		t.Errorf("after %%go get, before %%reset: %q", got)
	}
	mustRun(t, s, "%reset")
	if got := mustRun(t, s, "import \"example.com/greet\"\nfmt.Println(greet.Hello(\"eve\"))"); got != "hi, eve\n" {
		t.Errorf("after %%reset: %q", got)
	}
}

// TestModuleImportErrors: a package that does not type-check, one that
// needs cgo, one that is nowhere and one that needs a newer version of a
// package compiled into gomx each fail with one error naming the package
// and the reason, and the session goes on.
func TestModuleImportErrors(t *testing.T) {
	localProxy(t)
	s := newSession(t)
	for _, c := range []struct {
		code string
		has  []string
	}{
		{`import "example.com/bad"`, []string{"could not import example.com/bad", "package example.com/bad does not type-check", "bad.go:3:23", "cannot use \"x\""}},
		{`import "example.com/cgo"`, []string{"package example.com/cgo needs cgo"}},
		{`import "example.com/missing/pkg"`, []string{"cannot get example.com/missing/pkg", "example.com/missing"}},
		{`import "example.com/newgonum"`, []string{"gonum.org/v1/gonum/mat is compiled into gomx at gonum.org/v1/gonum v0.17.0", "need v0.99.0"}},
	} {
		for range 2 { // the same error the second time
			e := mustFail(t, s, c.code, c.has...)
			// at the import, or without a place when the interpreter
			// failed on the package
			if e.Name != "ImportError" || e.Line > 1 {
				t.Errorf("%q: %s at line %d, want an ImportError at line 1", c.code, e.Name, e.Line)
			}
			if n := strings.Count(e.Value, "\n"); n > 0 {
				t.Errorf("%q: %d errors, want one: %q", c.code, n+1, e.Value)
			}
		}
	}
	if got := mustRun(t, s, "fmt.Println(1 + 1)"); got != "2\n" {
		t.Errorf("the session after failed imports: %q", got)
	}
	// a range over a function and a local alias, lowered as in a cell
	if got := mustRun(t, s, "import \"example.com/rangefunc\"\nimport \"example.com/alias\"\nfmt.Println(rangefunc.Sum(), alias.F())"); got != "3 2\n" {
		t.Errorf("a module's range over a function and local alias: %q", got)
	}
}

// TestModuleGenerics: a module package's generic functions and types used
// from another package of the module and from a cell (copies of their
// source, see internal/front/generic.go), as `go run` prints them; an
// assertion between interfaces of a package; a generic function that
// reads its package's unexported variable is refused, naming it.
func TestModuleGenerics(t *testing.T) {
	localProxy(t)
	const use = `type Celsius float64

func (c Celsius) String() string { return fmt.Sprintf("%.1f°C", float64(c)) }

func main() {
	fmt.Println(use.Words(), use.Checks())
	fmt.Println(use.Total())
	fmt.Println(use.Double([]Celsius{1.5})[0], gen.Sum([]Celsius{1, 2.5}))
	fmt.Println(gen.Map([]int{1, 2}, strconv.Itoa), gen.Uniq([]string{"x", "y", "x"}))
	var st gen.Stack[Celsius]
	st.Push(20)
	st.Push(21.5)
	top, ok := st.Pop()
	fmt.Println(top, ok, st.Len(), gen.Reverse([]Celsius{1, 2})[0], gen.Join([]Celsius{3, 4}))
}
`
	want := goRun(t, "example.com/generic v1.0.0", "package main\n\nimport (\n\t\"fmt\"\n\t\"strconv\"\n\n\t\"example.com/generic\"\n\t\"example.com/generic/use\"\n)\n\n"+use)
	s := newSession(t)
	cell := "import \"example.com/generic\"\nimport \"example.com/generic/use\"\n" + strings.Replace(use, "func main() {\n", "", 1)
	cell = strings.TrimSuffix(cell, "}\n")
	if got := mustRun(t, s, cell); got != want {
		t.Errorf("cell printed %q, go run %q", got, want)
	}
	mustFail(t, s, `fmt.Println(gen.Register("a", 1))`, "gen.Register[int]", "unexported package variable registered")
	if got := mustRun(t, s, "fmt.Println(gen.Ints(1, 2).Len())"); got != "2\n" {
		t.Errorf("after the refused generic: %q", got)
	}
}

// TestModuleStructAssert: an assertion in a package read from source
// that the interpreter would answer wrongly (an error back to a struct
// type of the package) does not stop the package from importing: it
// panics with the reason when it runs, and the package's other functions
// work.
func TestModuleStructAssert(t *testing.T) {
	localProxy(t)
	s := newSession(t)
	if got := mustRun(t, s, "import \"example.com/structerr\"\nfmt.Println(structerr.Check(3), structerr.Check(4))"); got != "bad length 3 <nil>\n" {
		t.Errorf("Check printed %q", got)
	}
	const why = "cannot give it back"
	mustFail(t, s, "fmt.Println(structerr.IsLength(structerr.Check(3)))", "gomx: a type assertion of a value of type error to lengthError", why)
	mustFail(t, s, "fmt.Println(structerr.Kind(structerr.Check(3)))", why)
	if got := mustRun(t, s, "fmt.Println(structerr.Check(5), structerr.Assigned(6))"); got != "bad length 5 bad length 6\n" {
		t.Errorf("after the panics: %q", got)
	}
}

// TestModuleNoGo: without a go command, an import of a module's package
// says how to install Go.
func TestModuleNoGo(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	s := newSession(t)
	mustFail(t, s, `import "example.com/app"`, "needs the go command", "https://go.dev/dl/")
	if got := mustRun(t, s, "fmt.Println(strings.ToUpper(\"ok\"))"); got != "OK\n" {
		t.Errorf("preloaded packages without go: %q", got)
	}
}

// proxyReachable returns "" when the first module proxy of the user's
// GOPROXY answers for path, or why not.
func proxyReachable(path string) string {
	out, err := osexec.Command("go", "env", "GOPROXY").Output()
	if err != nil {
		return "go env GOPROXY: " + err.Error()
	}
	first, _, _ := strings.Cut(strings.TrimSpace(string(out)), ",")
	first, _, _ = strings.Cut(first, "|")
	if !strings.HasPrefix(first, "http") {
		return "GOPROXY is " + strings.TrimSpace(string(out)) + ", not a module proxy on the network"
	}
	c := &http.Client{Timeout: 10 * time.Second}
	// an idle connection's goroutine waits on the network for 90 s, and
	// a goroutine that might wake a cell keeps the deadlock tests of the
	// same process from reporting (go test -count=2 failed them)
	defer c.CloseIdleConnections()
	resp, err := c.Get(strings.TrimSuffix(first, "/") + "/" + path + "/@v/list")
	if err != nil {
		return "module proxy unreachable: " + err.Error()
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "module proxy answered " + resp.Status
	}
	return ""
}

// TestModuleRealUUID imports github.com/google/uuid through the user's
// module proxy, into a module cache of the test's own, and checks a
// name-based UUID against `go run`.
func TestModuleRealUUID(t *testing.T) {
	if why := proxyReachable("github.com/google/uuid"); why != "" {
		t.Skip("skipped: " + why)
	}
	t.Setenv("GOMODCACHE", t.TempDir())
	t.Setenv("GOFLAGS", "-mod=mod -modcacherw")
	t.Setenv("GONOSUMDB", "*")
	t.Setenv("GOSUMDB", "off")
	t.Setenv("TMPDIR", t.TempDir())
	// (u.Version() is not printed: the interpreter passes a method's
	// result of a named type to fmt without its String method, in cells
	// too)
	const use = `u := uuid.NewSHA1(uuid.NameSpaceURL, []byte("https://go.dev"))
fmt.Println(u, int(u.Version()), int(u.Variant()))
r := uuid.New()
fmt.Println(len(r.String()), int(r.Version()))
p, err := uuid.Parse("6ba7b811-9dad-11d1-80b4-00c04fd430c8")
fmt.Println(p == uuid.NameSpaceURL, err)
`
	s := newSession(t)
	out := mustRun(t, s, "import \"github.com/google/uuid\"\n"+use)
	want := goRun(t, "github.com/google/uuid v1.6.0", "package main\n\nimport (\n\t\"fmt\"\n\n\t\"github.com/google/uuid\"\n)\n\nfunc main() {\n"+use+"}\n")
	if out != want {
		t.Errorf("cell printed %q, go run %q", out, want)
	}
	if got := mustRun(t, s, "%go list"); !strings.Contains(got, "github.com/google/uuid v1.") {
		t.Errorf("%%go list: %q", got)
	}
}

// BenchmarkModuleImport is the import, in a new session, of a small
// module that is in the module cache already: the scratch module, go get,
// go list, type-checking, and the interpreter compiling it and a call.
func BenchmarkModuleImport(b *testing.B) {
	localProxy(b)
	const cell = "import \"example.com/app\"\nfmt.Println(app.Welcome(\"x\"))"
	mustRunB := func(s *Session) {
		res, _ := exec(b, s, cell)
		if res.Error != nil {
			b.Fatal(res.Error.Value)
		}
	}
	mustRunB(newSession(b)) // fills the module cache
	var times []time.Duration
	for b.Loop() {
		b.StopTimer()
		s := newSession(b)
		b.StartTimer()
		start := time.Now()
		mustRunB(s)
		times = append(times, time.Since(start))
	}
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	b.ReportMetric(float64(times[len(times)/2].Milliseconds()), "median-ms")
}

// TestModuleNoGoUntilImport: no go command runs while the cells use only
// preloaded packages; the first import of another package runs it.
func TestModuleNoGoUntilImport(t *testing.T) {
	bin := t.TempDir()
	marker := filepath.Join(t.TempDir(), "ran")
	script := "#!/bin/sh\necho \"$@\" >> " + marker + "\nexit 1\n"
	if err := os.WriteFile(filepath.Join(bin, "go"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin)
	t.Setenv("TMPDIR", t.TempDir())
	s := newSession(t)
	for _, c := range []string{"1 + 1", "import \"strings\"\nstrings.ToUpper(\"a\")", "x := mat.NewDense(1, 1, nil)", "%who", "%reset", "import \"nothere/pkg\""} {
		exec(t, s, c)
	}
	if _, err := os.Stat(marker); err == nil {
		b, _ := os.ReadFile(marker)
		t.Fatalf("the go command ran before any module import: %s", b)
	}
	mustFail(t, s, `import "example.com/app"`, "example.com/app")
	if b, err := os.ReadFile(marker); err != nil || !strings.HasPrefix(string(b), "mod init") {
		t.Errorf("the import ran the go command: %q, %v", b, err)
	}
}

// TestModuleImportInterrupted: an import whose cell is interrupted while
// the go command runs fails, and the next import of it works.
func TestModuleImportInterrupted(t *testing.T) {
	localProxy(t)
	s := newSession(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res := s.Execute(ctx, "import \"example.com/app\"\nfmt.Println(app.Welcome(\"a\"))", engine.ExecOptions{}, &recorder{})
	if res.Error == nil || !strings.Contains(res.Error.Value, "interrupted") {
		t.Fatalf("interrupted import: %+v", res.Error)
	}
	if got := mustRun(t, s, "import \"example.com/app\"\nfmt.Println(app.Welcome(\"a\"))"); got != "[hello, a]\n" {
		t.Errorf("import after the interrupted one printed %q", got)
	}
}
