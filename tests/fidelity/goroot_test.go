package fidelity

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

var (
	gorootFlag   = flag.Bool("goroot", false, "run the $GOROOT/test conformance (several minutes)")
	gorootRun    = flag.String("goroot.run", "", "run only the $GOROOT/test programs whose file name matches this regular expression")
	gorootUpdate = flag.Bool("goroot.update", false, "rewrite goroot_failing.txt from today's results, keeping the causes written there")
)

const (
	gorootFailing = "goroot_failing.txt"
	gorootLimit   = 20 * time.Second // per program, for go run and for gomx
)

// gorootResult is one program's comparison.
type gorootResult struct {
	file      string
	goFailed  bool     // go run itself fails: not counted
	problems  []string // empty when gomx matches
	goTime    time.Duration
	gomxTime  time.Duration
	gomxError string // the first lines gomx wrote to stderr
	timedOut  bool   // go run or gomx ran past the limit
}

// TestGoroot runs every `// run` program of $GOROOT/test with go run and
// with gomx and compares their stdout and exit status (see the package
// documentation). It runs only with -goroot.
func TestGoroot(t *testing.T) {
	if !*gorootFlag {
		t.Skip("the $GOROOT/test conformance runs with -goroot (or make go-conformance)")
	}
	start := time.Now()
	out, err := exec.Command(goTool(), "env", "GOROOT").Output()
	if err != nil {
		t.Fatalf("go env GOROOT: %v", err)
	}
	testDir := filepath.Join(strings.TrimSpace(string(out)), "test")
	files, err := listRunPrograms(testDir)
	if err != nil {
		t.Fatal(err)
	}
	if *gorootRun != "" {
		re := mustRegexp(t, *gorootRun)
		var sel []string
		for _, f := range files {
			if re.MatchString(f) {
				sel = append(sel, f)
			}
		}
		files = sel
	}
	failing, err := readFailing(gorootFailing)
	if err != nil {
		t.Fatal(err)
	}

	gomx := filepath.Join(t.TempDir(), "gomx")
	build := exec.Command(goTool(), "build", "-o", gomx, "github.com/gomx-dev/gomx/cmd/gomx")
	build.Env = goEnv()
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building gomx: %v\n%s", err, out)
	}
	// gomx runs a program as `gomx run FILE` when its run command takes Go
	// files, and otherwise as the cell `%load FILE` on its standard input.
	help, _ := exec.Command(gomx, "help").CombinedOutput()
	runFile := strings.Contains(string(help), "prog.go")
	mode := map[bool]string{true: "gomx run FILE", false: "the cell %load FILE on gomx's stdin"}[runFile]
	t.Logf("built gomx in %v; %d programs whose first line is // run, run as %s", time.Since(start).Round(100*time.Millisecond), len(files), mode)

	results := make([]*gorootResult, len(files))
	var wg sync.WaitGroup
	next := make(chan int)
	for range 2 {
		wg.Go(func() {
			for i := range next {
				results[i] = compareGoroot(testDir, files[i], gomx, runFile)
			}
		})
	}
	for i := range files {
		next <- i
	}
	close(next)
	wg.Wait()
	// A program that ran past the limit beside another one runs again
	// alone, so that the machine's load decides less often.
	for i, r := range results {
		if r.timedOut {
			results[i] = compareGoroot(testDir, files[i], gomx, runFile)
			t.Logf("%s: ran past %v beside another program; alone: %s", r.file, gorootLimit, map[bool]string{true: "past it again", false: "within it"}[results[i].timedOut])
		}
	}

	pass, counted := 0, 0
	byFile := map[string][]string{}
	var goTime, gomxTime time.Duration
	for _, r := range results {
		goTime += r.goTime
		gomxTime += r.gomxTime
		if r.goFailed {
			t.Logf("%s: go run fails; not counted: %s", r.file, strings.Join(r.problems, "; "))
			continue
		}
		counted++
		byFile[r.file] = r.problems
		cause, listed := failing[r.file]
		switch {
		case len(r.problems) == 0:
			pass++
			if listed && !*gorootUpdate {
				t.Errorf("%s: now passes: remove it from %s (%s)", r.file, gorootFailing, cause)
			}
		case listed:
			t.Logf("%s: fails as listed (%s):\n\t%s", r.file, cause, strings.Join(r.problems, "\n\t"))
		case !*gorootUpdate:
			t.Errorf("%s: regression (not in %s):\n\t%s", r.file, gorootFailing, strings.Join(r.problems, "\n\t"))
		}
	}
	if *gorootRun == "" && !*gorootUpdate {
		for f := range failing {
			if _, ok := byFile[f]; !ok {
				t.Errorf("%s is listed in %s but is not a counted // run program", f, gorootFailing)
			}
		}
	}
	if *gorootUpdate {
		if err := updateFailing(gorootFailing, failing, byFile, "$GOROOT/test programs gomx does not pass today: `file: cause`"); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("goroot: %d/%d pass (%v in all; go run %v, gomx %v summed over programs)",
		pass, counted, time.Since(start).Round(time.Second), goTime.Round(time.Second), gomxTime.Round(time.Second))
}

// listRunPrograms lists the *.go files of dir whose first line is "// run".
func listRunPrograms(dir string) ([]string, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, err
	}
	var files []string
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return nil, err
		}
		sc := bufio.NewScanner(f)
		if sc.Scan() && sc.Text() == "// run" {
			files = append(files, filepath.Base(p))
		}
		f.Close()
	}
	sort.Strings(files)
	return files, nil
}

// compareGoroot runs one program both ways: gomx as `gomx run FILE` when
// runFile, else with the cell %load FILE on its standard input.
func compareGoroot(dir, file, gomx string, runFile bool) *gorootResult {
	r := &gorootResult{file: file}
	g := runProgram(goTool(), []string{"run", file}, dir, gorootLimit)
	r.goTime = g.elapsed
	switch {
	case g.timedOut:
		r.goFailed, r.timedOut = true, true
		r.problems = []string{fmt.Sprintf("go run ran past %v", gorootLimit)}
		return r
	case g.status != 0:
		r.goFailed = true
		r.problems = []string{fmt.Sprintf("go run exits %d: %s", g.status, firstLines(g.stderr, 2))}
		return r
	}
	var m *goRun
	if runFile {
		m = runProgram(gomx, []string{"run", file}, dir, gorootLimit, "")
	} else {
		m = runProgram(gomx, nil, dir, gorootLimit, "%load "+file+"\n")
	}
	r.gomxTime = m.elapsed
	r.gomxError = firstLines(m.stderr, 4)
	switch {
	case m.timedOut:
		r.timedOut = true
		r.problems = append(r.problems, fmt.Sprintf("gomx ran past %v; stderr: %s", gorootLimit, r.gomxError))
	case m.status != 0:
		r.problems = append(r.problems, fmt.Sprintf("gomx exits %d: %s", m.status, r.gomxError))
	}
	if m.stdout != g.stdout {
		r.problems = append(r.problems, "stdout differs: "+firstDiff(g.stdout, m.stdout))
	}
	return r
}

// firstLines returns the first n non-empty lines of s, joined by " | ".
func firstLines(s string, n int) string {
	var ls []string
	for _, l := range strings.Split(s, "\n") {
		if strings.TrimSpace(l) == "" {
			continue
		}
		if len(l) > 200 {
			l = l[:200] + "…"
		}
		ls = append(ls, l)
		if len(ls) == n {
			break
		}
	}
	return strings.Join(ls, " | ")
}

// firstDiff describes the first line where two outputs differ.
func firstDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < max(len(wl), len(gl)); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g || i >= len(wl) || i >= len(gl) {
			clip := func(s string) string {
				if len(s) > 120 {
					return s[:120] + "…"
				}
				return s
			}
			return fmt.Sprintf("line %d: go %q, gomx %q (go %d lines, gomx %d)", i+1, clip(w), clip(g), len(wl), len(gl))
		}
	}
	return "(equal)"
}

func mustRegexp(t *testing.T, s string) *regexp.Regexp {
	re, err := regexp.Compile(s)
	if err != nil {
		t.Fatal(err)
	}
	return re
}
