package session

import (
	"fmt"
	"os"
	osexec "os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// popular are widely used pure-Go modules with a documented example each,
// run in a cell and by `go run` (the truth). want is what gomx does today:
// "works" (the cell prints what go run prints), "fails" (the import fails
// with an error naming the package and the reason) or "wrong" (the cell
// prints something else, without an error); cause says why. The test
// fails when a case changes, so that the table in the README stays true.
var popular = []struct {
	module, pkg, code string
	want, cause       string
}{
	{"github.com/google/uuid", "github.com/google/uuid",
		`u := uuid.NewSHA1(uuid.NameSpaceURL, []byte("https://go.dev"))
fmt.Println(u, int(u.Version()))`, "works", ""},
	{"github.com/shopspring/decimal", "github.com/shopspring/decimal",
		`a, _ := decimal.NewFromString("0.1")
b := decimal.NewFromFloat(0.2)
fmt.Println(a.Add(b), a.Add(b).Equal(decimal.RequireFromString("0.3")), decimal.NewFromInt(10).Div(decimal.NewFromInt(3)).StringFixed(4))`, "works", ""},
	{"github.com/montanaflynn/stats", "github.com/montanaflynn/stats",
		`d := stats.LoadRawData([]float64{1, 2, 3, 4, 5, 9})
m, _ := stats.Mean(d)
md, _ := stats.Median(d)
sd, _ := stats.StandardDeviation(d)
fmt.Printf("%.4f %.4f %.4f\n", m, md, sd)`, "works", ""},
	{"gopkg.in/yaml.v3", "gopkg.in/yaml.v3",
		`var v struct {
	Name string
	Tags []string
}
err := yaml.Unmarshal([]byte("name: gomx\ntags: [go, jupyter]\n"), &v)
out, _ := yaml.Marshal(map[string]int{"a": 1, "b": 2})
fmt.Println(v.Name, v.Tags, err)
fmt.Print(string(out))`, "works", ""},
	{"github.com/BurntSushi/toml", "github.com/BurntSushi/toml",
		`var conf struct {
	Title string
	Ports []int
}
_, err := toml.Decode("title = \"gomx\"\nports = [8001, 8002]\n", &conf)
fmt.Println(conf.Title, conf.Ports, err)`, "fails",
		"its lexer's type stateFn func(lx *lexer) stateFn refers to itself, on which the interpreter's compiler panics (reflect.Type is nil): refused when the package is lowered"},
	{"github.com/google/go-cmp", "github.com/google/go-cmp/cmp",
		`type P struct{ X, Y int }
fmt.Println(cmp.Equal(P{1, 2}, P{1, 2}), cmp.Equal([]int{1}, []int{2}))`, "works", ""},
	{"github.com/samber/lo", "github.com/samber/lo",
		`fmt.Println(lo.Uniq([]int{1, 2, 2, 3}), lo.Map([]int{1, 2}, func(x int, _ int) string { return fmt.Sprint(x * 10) }), lo.Sum([]int{1, 2, 3}))`, "fails",
		"lo itself is lowered (with copies of lo/mutable's generic functions), but the interpreter's compiler overflows its stack on a dependency, golang.org/x/text/unicode/norm (through x/text/cases): refused before the session sees it, naming that package"},
	{"github.com/dustin/go-humanize", "github.com/dustin/go-humanize",
		`fmt.Println(humanize.Bytes(82854982), humanize.Comma(1234567), humanize.Ordinal(3))`, "works", ""},
	{"github.com/pkg/errors", "github.com/pkg/errors",
		`err := errors.Wrap(errors.New("disk full"), "saving")
fmt.Println(err, errors.Cause(err))`, "works", ""},
	{"github.com/Masterminds/semver/v3", "github.com/Masterminds/semver/v3",
		`v := semver.MustParse("1.2.3-beta.1")
c, _ := semver.NewConstraint(">= 1.2.0-0, < 2")
fmt.Println(v.Major(), v.Prerelease(), c.Check(v))`, "works", ""},
	{"github.com/tidwall/gjson", "github.com/tidwall/gjson",
		`fmt.Println(gjson.Get("{\"name\":{\"first\":\"Ada\",\"last\":\"Lovelace\"},\"age\":36}", "name.last"), gjson.Get("{\"age\":36}", "age").Int())`, "fails",
		"a goto out of the body of a range over a function, which the front end's range-over-func lowering refuses: refused when the package is lowered"},
	{"github.com/expr-lang/expr", "github.com/expr-lang/expr",
		`out, err := expr.Eval("a + b * 2", map[string]any{"a": 1, "b": 3})
fmt.Println(out, err)`, "fails",
		"internal/ring's generic Ring is lowered to a copy for the lexer, but the lexer's type stateFn func(*Lexer) stateFn refers to itself, on which the interpreter's compiler panics: refused when the package is lowered"},
	{"github.com/fatih/color", "github.com/fatih/color",
		`c := color.New(color.FgRed)
c.EnableColor()
fmt.Printf("%q\n", c.Sprint("red"))`, "works", ""},
	{"github.com/olekukonko/tablewriter", "github.com/olekukonko/tablewriter",
		`var b strings.Builder
t := tablewriter.NewWriter(&b)
t.Header([]string{"name", "n"})
t.Append([]string{"a", "1"})
t.Render()
fmt.Print(b.String())`, "fails",
		"runtime.AddCleanup, generic, in a dependency (olekukonko/errors): its GOROOT source does not type-check in gomx; refused when the package is lowered"},
	{"github.com/rs/xid", "github.com/rs/xid",
		`id := xid.New()
fmt.Println(len(id.String()), id.Time().IsZero())`, "works", ""},
	{"github.com/sergi/go-diff", "github.com/sergi/go-diff/diffmatchpatch",
		`dmp := diffmatchpatch.New()
diffs := dmp.DiffMain("Lorem ipsum dolor.", "Lorem dolor sit amet.", false)
fmt.Printf("%q\n", dmp.DiffPrettyText(diffs))`, "works", ""},
	{"github.com/Knetic/govaluate", "github.com/Knetic/govaluate",
		`e, _ := govaluate.NewEvaluableExpression("10 > 0 && a * 2 == 6")
fmt.Println(e.Evaluate(map[string]interface{}{"a": 3}))`, "works", ""},
	{"github.com/hashicorp/go-version", "github.com/hashicorp/go-version",
		`v1, _ := version.NewVersion("1.2")
v2, _ := version.NewVersion("1.5+metadata")
fmt.Println(v1.LessThan(v2), v2.Metadata())`, "works", ""},
	{"github.com/cespare/xxhash/v2", "github.com/cespare/xxhash/v2",
		`fmt.Println(xxhash.Sum64String("hello"))`, "works", ""},
	{"github.com/kr/pretty", "github.com/kr/pretty",
		`type T struct{ A int; B []string }
fmt.Printf("%# v\n", pretty.Formatter(T{1, []string{"x"}}))`, "wrong",
		"the name of a cell's type: compiled reflect and fmt see an interpreted type without its name (struct { A int; … } for main.T), as in cells"},
	{"github.com/oklog/ulid/v2", "github.com/oklog/ulid/v2",
		`u := ulid.MustParse("01ARZ3NDEKTSV4RRFFQ69G5FAV")
fmt.Println(u.Time())`, "fails",
		"the interpreter's compiler rejects an assertion of it (impossible type assertion: *ulid.LockedMonotonicReader does not implement …): refused before the session sees it"},
	{"github.com/pelletier/go-toml/v2", "github.com/pelletier/go-toml/v2",
		`var cfg struct {
	Title string
	Ports []int
}
err := toml.Unmarshal([]byte("Title = \"gomx\"\nPorts = [1, 2]\n"), &cfg)
fmt.Println(cfg, err)`, "fails",
		"the interpreter fails to import one of its packages in decode.go: refused before the session sees it"},
	{"github.com/agnivade/levenshtein", "github.com/agnivade/levenshtein",
		`fmt.Println(levenshtein.ComputeDistance("kitten", "sitting"))`, "works", ""},
	{"github.com/spf13/cast", "github.com/spf13/cast",
		`fmt.Println(cast.ToInt("8"), cast.ToString(3.5), cast.ToBool("true"))`, "fails",
		"the interpreter's compiler panics on it (nil pointer dereference): refused before the session sees it"},
	{"github.com/jedib0t/go-pretty/v6", "github.com/jedib0t/go-pretty/v6/table",
		`t := table.NewWriter()
t.AppendHeader(table.Row{"a", "b"})
t.AppendRow(table.Row{1, 2})
fmt.Println(t.Render())`, "works", ""},
}

// TestPopularModules imports each popular module in a cell of its own
// session, through the user's module proxy (skipped when it is not
// reachable), and compares what the cell prints with `go run`.
func TestPopularModules(t *testing.T) {
	if testing.Short() {
		t.Skip("skipped in -short mode: downloads modules")
	}
	if why := proxyReachable("github.com/google/uuid"); why != "" {
		t.Skip("skipped: " + why)
	}
	t.Setenv("GOMODCACHE", t.TempDir())
	t.Setenv("GOFLAGS", "-mod=mod -modcacherw")
	t.Setenv("GONOSUMDB", "*")
	t.Setenv("GOSUMDB", "off")
	t.Setenv("TMPDIR", t.TempDir())
	var table strings.Builder
	for _, c := range popular {
		t.Run(c.module, func(t *testing.T) {
			s := newSession(t)
			name := c.pkg[strings.LastIndexByte(c.pkg, '/')+1:]
			if strings.HasPrefix(name, "v") && strings.Count(c.pkg, "/") > 2 {
				name = strings.TrimSuffix(c.pkg, "/"+name)
				name = name[strings.LastIndexByte(name, '/')+1:]
			}
			name = strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(name, "go-"), "yaml.v3"), ".v3")
			if name == "" {
				name = "yaml"
			}
			res, r := exec(t, s, fmt.Sprintf("import %s %q\n%s", name, c.pkg, c.code))
			version := ""
			for _, p := range s.mods.Loaded() {
				if p.ImportPath == c.pkg {
					version = p.Version
				}
			}
			got, kind, status := r.Text("stdout"), "works", ""
			if res.Error != nil {
				kind, status = "fails", res.Error.Value
			} else {
				want := goRunModule(t, c.module, version, fmt.Sprintf("package main\n\nimport (\n\t\"fmt\"\n\t\"strings\"\n\n\t%s %q\n)\n\nvar _ = strings.ToUpper\n\nfunc main() {\n%s\n}\n", name, c.pkg, c.code))
				if got != want {
					kind, status = "wrong", fmt.Sprintf("cell %q, go run %q", got, want)
				}
			}
			if status != "" {
				status = ": " + status
			}
			fmt.Fprintf(&table, "| %s %s | %s%s |\n", c.module, version, kind, strings.ReplaceAll(strings.ReplaceAll(status, "\n", " "), "|", "\\|"))
			if kind != c.want {
				t.Errorf("%s: %s: %s (expected %s: %s)", c.module, kind, status, c.want, c.cause)
			}
		})
	}
	t.Logf("results:\n%s", table.String())
}

// goRunModule runs src with `go run` in a module that requires module at
// version.
func goRunModule(t *testing.T, module, version, src string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	env := append(os.Environ(), "GOTOOLCHAIN=local", "GOWORK=off", "CGO_ENABLED=0")
	for _, args := range [][]string{{"mod", "init", "example.com/main"}, {"get", module + "@" + version}, {"run", "."}} {
		cmd := osexec.Command("go", args...)
		cmd.Dir, cmd.Env = dir, env
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("go %s: %v", strings.Join(args, " "), err)
		}
		if args[0] == "run" {
			return string(out)
		}
	}
	return ""
}
