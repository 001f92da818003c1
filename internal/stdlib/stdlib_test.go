package stdlib

import (
	"reflect"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"testing"

	"github.com/gomx-dev/gomx/internal/stdlib/internal/scan"
	"github.com/traefik/yaegi/interp"
)

const stale = "stdlib tables are stale: run `go generate ./internal/stdlib`"

// TestTablesFresh checks that the generated tables and documentation match
// the sources: the same packages under display/, mathx/ and viz/, the same
// documentation (which holds every exported declaration), and the module
// versions the tables were extracted from, and a file of type information
// for each package (typesFresh). The exact check, regenerating and
// comparing every file, is `make stdlib-fresh`.
func TestTablesFresh(t *testing.T) {
	modPath, modDir, err := scan.Module()
	if err != nil {
		t.Fatal(err)
	}
	local, err := scan.LocalPackages(modPath, modDir)
	if err != nil {
		t.Fatal(err)
	}
	var have []string
	for _, p := range Packages() {
		if strings.HasPrefix(p, modPath+"/") {
			have = append(have, p)
		}
	}
	if !slices.Equal(have, local) {
		t.Fatalf("%s\ntables: %v\nsources: %v", stale, have, local)
	}
	want, err := scan.Collect(local)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range local {
		got := map[string]scan.Entry{}
		for k, v := range packageDocs(p) {
			got[k] = v
		}
		if !reflect.DeepEqual(got, want[p]) {
			for k := range want[p] {
				if got[k] != want[p][k] {
					t.Errorf("%s.%s: documentation differs", p, k)
				}
			}
			for k := range got {
				if _, ok := want[p][k]; !ok {
					t.Errorf("%s.%s: documented but gone", p, k)
				}
			}
			t.Fatalf("%s (%s)", stale, p)
		}
	}
	typesFresh(t, modPath)
	vs, err := docVersions()
	if err != nil {
		t.Fatal(err)
	}
	if v := scan.GoMinor(runtime.Version()); vs["go"] != v {
		t.Errorf("%s: extracted with %s, running %s", stale, vs["go"], v)
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		t.Fatal("no build info")
	}
	for _, m := range bi.Deps {
		if slices.Contains(scan.Modules, m.Path) && vs[m.Path] != m.Version {
			t.Errorf("%s: %s extracted at %s, built with %s", stale, m.Path, vs[m.Path], m.Version)
		}
	}
}

// TestTablesMatchDocs checks that each preloaded package's table holds
// exactly its documented exported functions, types, variables and
// constants, generic ones excepted (yaegi cannot extract them; the front end
// instantiates them), and constraints such as cmp.Ordered (the interpreter
// compiles cmp's source for them): Inspect never shows a symbol a cell
// cannot use. unsafe's functions are the front end's (constants, or
// lowered to the runtime's), and its documentation names two types that
// only stand for any type.
func TestTablesMatchDocs(t *testing.T) {
	imp := NewImporter(nil)
	for _, p := range Packages() {
		if p == "unsafe" {
			continue
		}
		tp, err := imp.Import(p)
		if err != nil {
			t.Fatal(err)
		}
		d := packageDocs(p)
		name := strings.TrimPrefix(d[""][0], "package ")
		syms, ok := Symbols[p+"/"+name]
		if !ok {
			t.Errorf("%s: no table under %s/%s", p, p, name)
			continue
		}
		for k := range syms {
			if strings.HasPrefix(k, "_") {
				continue
			}
			if _, ok := d[k]; !ok {
				t.Errorf("%s: table has %s, the documentation does not", p, k)
			}
		}
		for k, e := range d {
			if k == "" || strings.Contains(k, ".") || strings.HasPrefix(e[0], "func "+k+"[") || strings.HasPrefix(e[0], "type "+k+"[") {
				continue
			}
			if obj := tp.Scope().Lookup(k); obj != nil && isGeneric(obj) {
				continue
			}
			if _, ok := syms[k]; !ok {
				t.Errorf("%s: documented %s missing from the table", p, k)
			}
		}
	}
}

func TestPackages(t *testing.T) {
	ps := Packages()
	if !slices.IsSorted(ps) {
		t.Error("Packages not sorted")
	}
	for _, want := range append([]string{"fmt", "math", "image/png", "math/rand/v2",
		"github.com/gomx-dev/gomx/viz", "github.com/gomx-dev/gomx/display", "github.com/gomx-dev/gomx/mathx/interrupt"}, scan.ExtraPackages...) {
		if !slices.Contains(ps, want) {
			t.Errorf("Packages lacks %s", want)
		}
	}
	for _, p := range ps {
		if strings.HasPrefix(p, "github.com/traefik/") {
			t.Errorf("Packages lists yaegi's own %s", p)
		}
		if packageDocs(p) == nil {
			t.Errorf("%s has no documentation", p)
		}
	}
}

func TestDoc(t *testing.T) {
	const (
		mat  = "gonum.org/v1/gonum/mat"
		intr = "github.com/gomx-dev/gomx/mathx/interrupt"
	)
	tests := []struct {
		pkg, name      string
		sigHas, docHas string
	}{
		{"fmt", "Println", "func Println(a ...any) (n int, err error)", "Println formats using the default formats"},
		{"fmt", "Stringer", "type Stringer interface", "String method"},
		{"math", "Pi", "const Pi", "Mathematical constants"},
		{"os", "Args", "var Args []string", "command-line arguments"},
		{mat, "NewDense", "func NewDense(r, c int, data []float64) *Dense", "NewDense creates a new Dense matrix"},
		{mat, "Dense.Mul", "func (m *Dense) Mul(a, b Matrix)", "Mul takes the matrix product of a and b"},
		{mat, "", "package mat", "Package mat provides"},
		{"gonum.org/v1/plot", "New", "func New() *Plot", "New returns a new plot"},
		{intr, "Context", "func Context() context.Context", "current cell's context"},
		{"github.com/gomx-dev/gomx/viz", "Show", "func Show(v any)", "Show displays v"},
	}
	for _, tt := range tests {
		sig, doc, ok := Doc(tt.pkg, tt.name)
		if !ok || !strings.Contains(sig, tt.sigHas) || !strings.Contains(doc, tt.docHas) {
			t.Errorf("Doc(%q, %q) = %q, %q, %v; want signature with %q, doc with %q",
				tt.pkg, tt.name, sig, doc, ok, tt.sigHas, tt.docHas)
		}
	}
	for _, miss := range [][2]string{{"fmt", "println"}, {"fmt", "NoSuch"}, {"no/such", "X"}, {mat, "Dense.NoSuch"}} {
		if _, _, ok := Doc(miss[0], miss[1]); ok {
			t.Errorf("Doc(%q, %q) found", miss[0], miss[1])
		}
	}
}

func newInterp(t *testing.T) *interp.Interpreter {
	t.Helper()
	i := interp.New(interp.Options{})
	if err := i.Use(Symbols); err != nil {
		t.Fatal(err)
	}
	return i
}

// TestInterpreter evaluates cells using the tables.
func TestInterpreter(t *testing.T) {
	tests := []struct {
		code string
		want any
	}{
		{`import "gonum.org/v1/gonum/mat"`, nil},
		{`a := mat.NewDense(2, 2, []float64{1, 2, 3, 4}); var c mat.Dense; c.Mul(a, a); c.At(1, 1)`, 22.0},
		{`import "gonum.org/v1/gonum/stat"`, nil},
		{`stat.Mean([]float64{1, 2, 3, 6}, nil)`, 3.0},
		{`import "strings"`, nil},
		{`strings.ToUpper("go")`, "GO"},
		{`import "github.com/gomx-dev/gomx/viz"`, nil},
		{`viz.Render(viz.HTML("<b>x</b>")).Data["text/html"]`, "<b>x</b>"},
		{`p := viz.Line([]float64{1, 2, 3}); p.Title.Text = "t"; viz.Render(p).Text()`, `plot "t"; x [0, 2]; y [1, 3]; series: line 1 (3 points)`},
		{`viz.Render(p).Data["image/png"] != ""`, true},
		{`viz.Grid(2, p, viz.Heatmap(a)).Cols`, 2},
		{`bar := viz.Progress(3); bar.Add(1); bar.Set(3); bar.Done(); len(viz.Render(a).Data["text/html"]) > 0`, true},
	}
	i := newInterp(t)
	for _, tt := range tests {
		v, err := i.Eval(tt.code)
		if err != nil {
			t.Fatalf("%s: %v", tt.code, err)
		}
		if tt.want != nil && (!v.IsValid() || v.Interface() != tt.want) {
			t.Errorf("%s = %v, want %v", tt.code, v, tt.want)
		}
	}
}
