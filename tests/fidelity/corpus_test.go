package fidelity

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gomx-dev/gomx/display"
	"github.com/gomx-dev/gomx/engine"
	"github.com/gomx-dev/gomx/internal/session"
)

var (
	corpusRun    = flag.String("corpus.run", "", "run only the corpus cases whose name matches this regular expression")
	corpusUpdate = flag.Bool("corpus.update", false, "rewrite corpus/FAILING from today's results, keeping the causes written there")
)

const (
	corpusDir   = "corpus"
	failingFile = "corpus/FAILING"
	goLimit     = 10 * time.Second // per Go program
	cellLimit   = 5 * time.Second  // per gomx cell: corpus cells take milliseconds
)

// goOutcome is what the equivalent Go program did, per cell.
type goOutcome struct {
	kind     string         // "ok", "compile", "panic", "fatal", "exit"
	cell     int            // the failing cell (for compile: the first with an error)
	msg      string         // panic or fatal message; exit status
	out      map[int]string // stdout per cell, for the cells Go ran (or, for compile, the prefix ran)
	errOut   map[int]string // stderr per cell
	compile  map[int][]compileError
	ran      int // cells whose output is known: 1..ran are compared
	caseErrs []string
}

// cellResult is what gomx did with one cell.
type cellResult struct {
	stdout, stderr string
	err            *engine.Error
	elapsed        time.Duration
}

// TestCorpus runs the differential corpus (see the package documentation).
func TestCorpus(t *testing.T) {
	if !captureSupported {
		t.Skip("the corpus needs a Unix system")
	}
	start := time.Now()
	cases := loadCorpus(t)
	failing, err := readFailing(failingFile)
	if err != nil {
		t.Fatal(err)
	}

	goStart := time.Now()
	outcomes := runGo(t, cases)
	goTime := time.Since(goStart)

	gomxStart := time.Now()
	pass := 0
	results := map[string][]string{} // case → mismatches, for -corpus.update
	for _, c := range cases {
		o := outcomes[c.name]
		var problems []string
		if len(o.caseErrs) > 0 {
			for _, e := range o.caseErrs {
				t.Errorf("%s: case error: %s", c.name, e)
			}
			continue // a broken case is fixed, not listed
		}
		cells := runGomx(c)
		problems = compareCase(c, o, cells)
		results[c.name] = problems
		cause, listed := failing[c.name]
		switch {
		case len(problems) == 0 && listed:
			pass++
			if !*corpusUpdate {
				t.Errorf("%s: now passes: remove it from %s (%s)", c.name, failingFile, cause)
			}
		case len(problems) == 0:
			pass++
		case listed:
			t.Logf("%s: fails as listed (%s):\n\t%s", c.name, cause, strings.Join(problems, "\n\t"))
		case !*corpusUpdate:
			t.Errorf("%s: regression (not in %s): %s\n\t%s", c.name, failingFile, firstLine(c.comment), strings.Join(problems, "\n\t"))
		}
	}
	gomxTime := time.Since(gomxStart)
	if *corpusRun == "" {
		names := map[string]bool{}
		for _, c := range cases {
			names[c.name] = true
		}
		for n := range failing {
			if !names[n] && !*corpusUpdate {
				t.Errorf("%s is listed in %s but there is no such case", n, failingFile)
			}
		}
	}
	if *corpusUpdate {
		if err := updateFailing(failingFile, failing, results, "corpus cases gomx does not pass today: `name: cause`"); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("corpus: %d/%d cases pass (Go build and runs %v, gomx %v, total %v)",
		pass, len(cases), goTime.Round(100*time.Millisecond), gomxTime.Round(100*time.Millisecond), time.Since(start).Round(100*time.Millisecond))
}

// loadCorpus reads the cases selected by -corpus.run.
func loadCorpus(t *testing.T) []*corpusCase {
	paths, err := filepath.Glob(filepath.Join(corpusDir, "*.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	var re *regexp.Regexp
	if *corpusRun != "" {
		re = mustRegexp(t, *corpusRun)
	}
	var cases []*corpusCase
	for _, p := range paths {
		c, err := loadCase(p)
		if err != nil {
			t.Error(err)
			continue
		}
		if re == nil || re.MatchString(c.name) {
			cases = append(cases, c)
		}
	}
	if len(cases) == 0 {
		t.Fatal("no corpus cases")
	}
	return cases
}

// runGo builds and runs the equivalent Go programs and works out, per
// case, what Go did in each cell.
func runGo(t *testing.T, cases []*corpusCase) map[string]*goOutcome {
	dir := t.TempDir()
	progs := map[string]string{}
	for _, c := range cases {
		progs[c.name] = assemble(c.cells)
	}
	buildStart := time.Now()
	bin, errs, other, err := buildPrograms(filepath.Join(dir, "full"), progs)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("go build of %d programs: %v", len(progs), time.Since(buildStart).Round(100*time.Millisecond))
	outcomes := map[string]*goOutcome{}
	var built, prefixes []string
	prefixProgs := map[string]string{}
	for _, c := range cases {
		o := &goOutcome{kind: "ok", out: map[int]string{}, errOut: map[int]string{}}
		outcomes[c.name] = o
		for _, l := range other[c.name] {
			o.caseErrs = append(o.caseErrs, "go build: "+l)
		}
		if es := errs[c.name]; len(es) > 0 {
			o.kind, o.compile = "compile", map[int][]compileError{}
			o.cell = len(c.cells) + 1
			for _, e := range es {
				o.compile[e.cell] = append(o.compile[e.cell], e)
				o.cell = min(o.cell, e.cell)
			}
			o.ran = o.cell - 1
			if o.ran > 0 {
				prefixes = append(prefixes, c.name)
				prefixProgs[c.name] = assemble(c.cells[:o.ran])
			}
			continue
		}
		if len(o.caseErrs) == 0 {
			built = append(built, c.name)
		}
	}
	runDir := filepath.Join(dir, "run")
	os.MkdirAll(runDir, 0o755)
	runStart := time.Now()
	runs := runPrograms(bin, runDir, built, goLimit, 2)
	t.Logf("running %d Go programs: %v", len(built), time.Since(runStart).Round(100*time.Millisecond))
	for _, name := range built {
		o, r := outcomes[name], runs[name]
		out, last := splitOutput(r.stdout)
		errOut, _ := splitOutput(r.stderr)
		o.out, o.errOut = out, errOut
		switch {
		case r.timedOut:
			o.caseErrs = append(o.caseErrs, fmt.Sprintf("the Go program ran past %v", goLimit))
		case r.status == 0 && last == 0:
			o.ran = len(cellsOf(cases, name))
		default: // a failure, or os.Exit(0) before the end
			if r.status == 0 {
				o.cell, o.ran, o.kind, o.msg = last, last-1, "exit", "0"
				continue
			}
			o.cell, o.ran = last, last-1
			if last == 0 {
				o.caseErrs = append(o.caseErrs, fmt.Sprintf("the Go program exited %d after its end", r.status))
				continue
			}
			kind, msg := goPanic(errOut[last])
			if r.status == 2 && kind != "" {
				o.kind, o.msg = kind, msg
			} else {
				o.kind, o.msg = "exit", fmt.Sprint(r.status)
			}
		}
	}
	if len(prefixes) > 0 {
		pbin, perrs, pother, err := buildPrograms(filepath.Join(dir, "prefix"), prefixProgs)
		if err != nil {
			t.Fatal(err)
		}
		var ok []string
		for _, name := range prefixes {
			o := outcomes[name]
			if len(perrs[name]) > 0 || len(pother[name]) > 0 {
				o.caseErrs = append(o.caseErrs, fmt.Sprintf("the cells before cell%d do not compile alone: %v %v", o.cell, perrs[name], pother[name]))
				continue
			}
			ok = append(ok, name)
		}
		pruns := runPrograms(pbin, runDir, ok, goLimit, 2)
		for _, name := range ok {
			o, r := outcomes[name], pruns[name]
			out, last := splitOutput(r.stdout)
			errOut, _ := splitOutput(r.stderr)
			if r.status != 0 || last != 0 {
				o.caseErrs = append(o.caseErrs, fmt.Sprintf("the cells before cell%d fail alone (exit %d)", o.cell, r.status))
				continue
			}
			o.out, o.errOut = out, errOut
		}
	}
	for _, c := range cases {
		checkExpect(c, outcomes[c.name])
	}
	return outcomes
}

func cellsOf(cases []*corpusCase, name string) []string {
	for _, c := range cases {
		if c.name == name {
			return c.cells
		}
	}
	return nil
}

// checkExpect compares Go's outcome with the case's expect file.
func checkExpect(c *corpusCase, o *goOutcome) {
	if len(o.caseErrs) > 0 {
		return
	}
	bad := func(format string, a ...any) { o.caseErrs = append(o.caseErrs, fmt.Sprintf(format, a...)) }
	describe := func() string {
		switch o.kind {
		case "compile":
			var es []string
			for _, k := range sortedKeys(o.compile) {
				for _, e := range o.compile[k] {
					es = append(es, e.String())
				}
			}
			return "compile errors:\n\t\t" + strings.Join(es, "\n\t\t")
		case "exit":
			return fmt.Sprintf("cell%d: exit %s", o.cell, o.msg)
		}
		return fmt.Sprintf("cell%d: %s: %s", o.cell, o.kind, o.msg)
	}
	if o.kind == "ok" {
		if c.expect != nil {
			bad("the Go program runs to its end, but the case has an expect file")
		}
		return
	}
	if c.expect == nil {
		bad("the Go program fails and the case has no expect file: %s", describe())
		return
	}
	if o.kind == "compile" {
		want := map[int]bool{}
		for _, e := range c.expect {
			want[e.cell] = true
			found := false
			for _, ge := range o.compile[e.cell] {
				found = found || (e.kind == "compile" && strings.Contains(ge.msg, e.text))
			}
			if !found {
				bad("expect %q does not match Go's %s", e.kind+": "+e.text, describe())
			}
		}
		for k := range o.compile {
			if !want[k] {
				bad("Go reports errors in cell%d, which expect does not name: %s", k, describe())
			}
		}
		return
	}
	if len(c.expect) != 1 || c.expect[0].cell != o.cell || c.expect[0].kind != o.kind ||
		(o.kind == "exit" && c.expect[0].text != o.msg) || !strings.Contains(o.msg, c.expect[0].text) {
		bad("expect says %v; Go did %s", c.expect, describe())
	}
}

// recorder is the engine.Output of a corpus cell.
type recorder struct {
	mu             sync.Mutex
	stdout, stderr strings.Builder
}

func (r *recorder) Stream(name, text string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if name == "stdout" {
		r.stdout.WriteString(text)
	} else {
		r.stderr.WriteString(text)
	}
}
func (r *recorder) Display(b display.Bundle, id string, update bool) {}
func (r *recorder) Clear(wait bool)                                  {}
func (r *recorder) Input(prompt string, password bool) (string, error) {
	return "", fmt.Errorf("no input in the fidelity corpus")
}

// runGomx runs a case's cells in a fresh session, set up as the worker
// sets up its own: interpreted output goes to os.Stdout and os.Stderr,
// whose file descriptors are captured while a cell runs.
func runGomx(c *corpusCase) []cellResult {
	res := make([]cellResult, len(c.cells))
	s, err := session.New(session.Options{Stdout: os.Stdout, Stderr: os.Stderr})
	if err != nil {
		for i := range res {
			res[i].err = &engine.Error{Kind: engine.InternalError, Name: "session.New", Value: err.Error()}
		}
		return res
	}
	for i, code := range c.cells {
		rec := &recorder{}
		var r engine.ExecResult
		start := time.Now()
		stdout, stderr, err := captureStdio(func() {
			ctx, cancel := context.WithTimeout(context.Background(), cellLimit)
			defer cancel()
			r = s.Execute(ctx, code, engine.ExecOptions{StoreHistory: true}, rec)
		})
		if err != nil {
			r.Error = &engine.Error{Kind: engine.InternalError, Name: "capture", Value: err.Error()}
		}
		res[i] = cellResult{stdout: stdout + rec.stdout.String(), stderr: stderr + rec.stderr.String(), err: r.Error, elapsed: time.Since(start)}
	}
	return res
}

// compareCase returns the differences between Go and gomx, or nil.
func compareCase(c *corpusCase, o *goOutcome, got []cellResult) []string {
	var p []string
	errText := func(e *engine.Error) string {
		if e == nil {
			return "no error"
		}
		s := fmt.Sprintf("%s %s: %s", e.Kind, e.Name, e.Value)
		if e.Line > 0 {
			s += fmt.Sprintf(" (at %d:%d)", e.Line, e.Col)
		}
		return s
	}
	for i := 1; i <= o.ran; i++ {
		g := got[i-1]
		if g.err != nil {
			p = append(p, fmt.Sprintf("cell%d: Go runs it, gomx fails: %s", i, errText(g.err)))
			continue
		}
		if g.stdout != o.out[i] {
			p = append(p, fmt.Sprintf("cell%d: stdout differs:\n\t  want (go): %q\n\t  got (gomx): %q", i, o.out[i], g.stdout))
		}
	}
	switch o.kind {
	case "ok":
	case "compile":
		for _, k := range sortedKeys(o.compile) {
			g, es := got[k-1], o.compile[k]
			var want []string
			matched := false
			for _, e := range es {
				want = append(want, e.String())
				matched = matched || (g.err != nil && g.err.Kind == engine.CompileError && strings.Contains(g.err.Value, e.msg) && g.err.Line == e.line)
			}
			if !matched {
				p = append(p, fmt.Sprintf("cell%d: Go does not compile it:\n\t  want (go): %s\n\t  got (gomx): %s", k, strings.Join(want, "; "), errText(g.err)))
			}
		}
	default:
		g := got[o.cell-1]
		var want string
		ok := g.err != nil && g.err.Kind != engine.CompileError
		switch o.kind {
		case "exit":
			want = "os.Exit(" + o.msg + ")"
			ok = ok && (strings.Contains(g.err.Name+": "+g.err.Value, want) || strings.Contains(g.err.Value, "exit status "+o.msg))
			if o.msg == "0" {
				// The program ends successfully: the cell may end
				// quietly or with an error naming os.Exit(0).
				ok = ok || g.err == nil
			}
		default:
			want = o.kind + ": " + o.msg
			ok = ok && strings.Contains(g.err.Value, o.msg)
		}
		if !ok {
			p = append(p, fmt.Sprintf("cell%d: Go fails with %s\n\t  got (gomx): %s", o.cell, want, errText(g.err)))
		}
		if g.stdout != o.out[o.cell] {
			p = append(p, fmt.Sprintf("cell%d: stdout up to the failure differs:\n\t  want (go): %q\n\t  got (gomx): %q", o.cell, o.out[o.cell], g.stdout))
		}
	}
	return p
}

// readFailing reads a list of `name: cause` lines; # starts a comment.
func readFailing(path string) (map[string]string, error) {
	m := map[string]string{}
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return m, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		l := strings.TrimSpace(sc.Text())
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		name, cause, ok := strings.Cut(l, ":")
		if !ok || strings.TrimSpace(cause) == "" {
			return nil, fmt.Errorf("%s:%d: want `name: cause`, got %q", path, n, l)
		}
		if _, dup := m[strings.TrimSpace(name)]; dup {
			return nil, fmt.Errorf("%s:%d: %s listed twice", path, n, name)
		}
		m[strings.TrimSpace(name)] = strings.TrimSpace(cause)
	}
	return m, sc.Err()
}

// updateFailing rewrites a failing list from results (name → problems),
// keeping the header comment and the causes already written; a new entry
// gets its first problem as the cause, to be edited.
func updateFailing(path string, old map[string]string, results map[string][]string, header string) error {
	var head []string
	if data, err := os.ReadFile(path); err == nil {
		for _, l := range strings.Split(string(data), "\n") {
			if !strings.HasPrefix(l, "#") {
				break
			}
			head = append(head, l)
		}
	}
	if len(head) == 0 {
		head = []string{"# " + header}
	}
	var names []string
	for n, p := range results {
		if len(p) > 0 {
			names = append(names, n)
		}
	}
	for n := range old {
		if _, ran := results[n]; !ran {
			names = append(names, n) // not run this time: kept
		}
	}
	sort.Strings(names)
	var b strings.Builder
	for _, l := range head {
		b.WriteString(l + "\n")
	}
	for _, n := range names {
		cause, ok := old[n]
		if !ok {
			cause = strings.SplitN(results[n][0], "\n", 2)[0]
		}
		fmt.Fprintf(&b, "%s: %s\n", n, cause)
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}

// firstLine returns the first line of s.
func firstLine(s string) string { return strings.SplitN(s, "\n", 2)[0] }
