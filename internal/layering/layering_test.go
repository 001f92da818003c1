package layering

import (
	"bufio"
	"bytes"
	"fmt"
	"os/exec"
	"path"
	"sort"
	"strings"
	"testing"
)

const mod = "github.com/gomx-dev/gomx"

// A rule forbids the packages matching From (and, with Tests, their test
// binaries) to depend, directly or not, on any package matching Forbid, or
// with StdOnly on any package outside the standard library.
//
// Patterns are import paths relative to the module ("engine",
// "internal/kernel/...") or absolute ones with a dot in the first element
// ("gonum.org/v1/plot/..."); "/..." also matches the path itself.
type rule struct {
	From    []string
	Tests   bool
	Forbid  []string
	StdOnly bool
	Why     string
}

var (
	// The interpreter: yaegi and its symbol tables.
	interpreter = []string{"internal/session/...", "internal/stdlib/...", "github.com/traefik/yaegi/..."}
	// Plotting and viz's rendering, with gonum/plot's fonts.
	plotting = []string{"viz/...", "gonum.org/v1/plot/..."}
	jupyter  = []string{"github.com/go-zeromq/..."}
)

func join(ls ...[]string) []string {
	var r []string
	for _, l := range ls {
		r = append(r, l...)
	}
	return r
}

var rules = []rule{
	{
		From:   []string{"mathx/..."},
		Forbid: join([]string{"engine/...", "viz/...", "internal/..."}, interpreter, jupyter),
		Why:    "mathx is compiled numerics on gonum: it knows nothing of the engine, viz, Jupyter or the interpreter",
	},
	{
		From:   []string{"viz/..."},
		Tests:  true,
		Forbid: join([]string{"engine/...", "internal/..."}, interpreter, jupyter),
		Why:    "viz renders values; it knows nothing of the engine, the front ends, Jupyter or the interpreter",
	},
	{
		From:    []string{"display/..."},
		StdOnly: true,
		Why:     "display is the leaf package of display types that the engine API and every front end share",
	},
	{
		From:   []string{"engine/..."},
		Tests:  true,
		Forbid: join([]string{"internal/kernel/...", "internal/repl/...", "internal/notebook/..."}, interpreter, plotting, jupyter),
		Why:    "engine is the front ends' side of the session: the interpreter and viz are linked only into the worker",
	},
	{
		From:   []string{"internal/kernel/...", "internal/repl/...", "internal/notebook/..."},
		Tests:  true,
		Forbid: join(interpreter, plotting),
		Why:    "front ends and their tests link neither the interpreter nor gonum/plot, so that they build fast",
	},
	{
		From:    []string{"internal/history/..."},
		StdOnly: true,
		Why:     "the history store is shared by the kernel and the REPL: it depends on nothing",
	},
	{
		From:   []string{"internal/front/..."},
		Forbid: join([]string{"engine/...", "internal/session/...", "internal/stdlib/...", "viz/..."}, []string{"github.com/traefik/yaegi/..."}, jupyter),
		Why:    "the front end is a compiler from Go to Go: it knows go/ast and go/types, not the interpreter, the session or the engine (its importer is given to it)",
	},
}

// pkg is a package of `go list -deps -test`: its name as listed (test
// variants carry a bracketed suffix, "p [q.test]"), whether it is in the
// standard library, and its imports, named as listed too.
type pkg struct {
	std     bool
	imports []string
}

// graph lists the module's packages with their dependencies, test
// dependencies included.
func graph(t *testing.T) map[string]*pkg {
	t.Helper()
	cmd := exec.Command("go", "list", "-e", "-deps", "-test",
		"-f", "{{.ImportPath}}\t{{.Standard}}\t{{join .Imports \"\\t\"}}", "./...")
	cmd.Dir = "../.."
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.Bytes())
	}
	g := map[string]*pkg{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		// Test variants' names have spaces ("p [q.test]"): fields are
		// separated by tabs, imports included.
		f := strings.Split(sc.Text(), "\t")
		if len(f) < 3 {
			t.Fatalf("go list: unexpected line %q", sc.Text())
		}
		var imports []string
		for _, i := range f[2:] {
			if i != "" {
				imports = append(imports, i)
			}
		}
		g[f[0]] = &pkg{std: f[1] == "true", imports: imports}
	}
	if len(g) == 0 {
		t.Fatal("go list listed no packages")
	}
	return g
}

// base strips a test variant's bracketed suffix.
func base(name string) string {
	if i := strings.Index(name, " ["); i >= 0 {
		return name[:i]
	}
	return name
}

func abs(pattern string) string {
	if first, _, _ := strings.Cut(pattern, "/"); strings.Contains(first, ".") {
		return pattern
	}
	return path.Join(mod, pattern)
}

func matches(pattern, p string) bool {
	pattern = abs(pattern)
	if prefix, ok := strings.CutSuffix(pattern, "/..."); ok {
		return p == prefix || strings.HasPrefix(p, prefix+"/")
	}
	return p == pattern
}

func matchAny(patterns []string, p string) bool {
	for _, pat := range patterns {
		if matches(pat, p) {
			return true
		}
	}
	return false
}

// short names a package for messages: relative to the module when in it.
func short(name string) string {
	return strings.ReplaceAll(name, mod+"/", "")
}

// violations returns, for the rule r and the package root, one import chain
// from root to each forbidden package first reached (the search does not go
// past a forbidden package), shortest first found.
func violations(g map[string]*pkg, r rule, root string) [][]string {
	forbidden := func(name string) bool {
		p := base(name)
		if r.StdOnly {
			return !g[name].std && !matchAny(r.From, p)
		}
		return matchAny(r.Forbid, p)
	}
	parent := map[string]string{root: ""}
	queue := []string{root}
	var bad []string
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		if n != root && forbidden(n) {
			bad = append(bad, n)
			continue
		}
		for _, m := range g[n].imports {
			if _, seen := parent[m]; seen || g[m] == nil {
				continue
			}
			parent[m] = n
			queue = append(queue, m)
		}
	}
	var chains [][]string
	for _, b := range bad {
		var c []string
		for n := b; n != ""; n = parent[n] {
			c = append(c, n)
		}
		for i, j := 0, len(c)-1; i < j; i, j = i+1, j-1 {
			c[i], c[j] = c[j], c[i]
		}
		chains = append(chains, c)
	}
	return chains
}

func shortAll(names []string) []string {
	r := make([]string, len(names))
	for i, n := range names {
		r[i] = short(n)
	}
	return r
}

func TestLayering(t *testing.T) {
	g := graph(t)
	for _, r := range rules {
		var roots []string
		for name := range g {
			if strings.Contains(name, " [") || !matchAny(r.From, strings.TrimSuffix(name, ".test")) {
				continue
			}
			if strings.HasSuffix(name, ".test") {
				if r.Tests {
					roots = append(roots, name) // the test binary: package, its tests and their imports
				}
				continue
			}
			if !r.Tests || g[name+".test"] == nil {
				roots = append(roots, name)
			}
		}
		if len(roots) == 0 {
			t.Errorf("no package matches %v: rule out of date?", r.From)
			continue
		}
		sort.Strings(roots)
		t.Logf("%v: checked %s", r.From, strings.Join(shortAll(roots), ", "))
		for _, root := range roots {
			for _, c := range violations(g, r, root) {
				what := "must not import " + short(base(c[len(c)-1]))
				if r.StdOnly {
					what = "must import only the standard library, not " + short(base(c[len(c)-1]))
				}
				var b strings.Builder
				fmt.Fprintf(&b, "%s %s:\n", short(root), what)
				for i, n := range c {
					if i > 0 {
						b.WriteString("\t→ ")
					} else {
						b.WriteString("\t  ")
					}
					b.WriteString(short(n) + "\n")
				}
				fmt.Fprintf(&b, "\t(%s)", r.Why)
				t.Error(b.String())
			}
		}
	}
}

// TestMatches pins the pattern syntax the rules use.
func TestMatches(t *testing.T) {
	for _, tt := range []struct {
		pattern, p string
		want       bool
	}{
		{"viz/...", mod + "/viz", true},
		{"viz/...", mod + "/viz/sub", true},
		{"viz/...", mod + "/vizier", false},
		{"engine", mod + "/engine", true},
		{"engine", mod + "/engine/x", false},
		{"gonum.org/v1/plot/...", "gonum.org/v1/plot/vg/vgimg", true},
		{"gonum.org/v1/plot/...", "gonum.org/v1/gonum/mat", false},
		{"internal/...", mod + "/mathx/internal/x", false},
	} {
		if got := matches(tt.pattern, tt.p); got != tt.want {
			t.Errorf("matches(%q, %q) = %v, want %v", tt.pattern, tt.p, got, tt.want)
		}
	}
}
