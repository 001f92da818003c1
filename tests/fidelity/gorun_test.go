package fidelity

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
)

// goTool returns the go command that runs the tests.
func goTool() string {
	if p := filepath.Join(runtime.GOROOT(), "bin", "go"); fileExists(p) {
		return p
	}
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	return "go"
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// goEnv is the environment for the go command and the programs: no
// workspace, no toolchain download.
func goEnv() []string {
	return append(os.Environ(), "GOWORK=off", "GOTOOLCHAIN=local", "GOFLAGS=")
}

// goVersionLine returns "1.26" for the running toolchain.
func goVersionLine() string {
	v := strings.TrimPrefix(runtime.Version(), "go")
	parts := strings.SplitN(v, ".", 3)
	if len(parts) >= 2 {
		return parts[0] + "." + parts[1]
	}
	return v
}

// A compileError is one error of `go build`, in cell coordinates.
type compileError struct {
	cell      int
	line, col int
	msg       string
}

func (e compileError) String() string {
	return fmt.Sprintf("cell%d:%d:%d: %s", e.cell, e.line, e.col, e.msg)
}

var buildErrLine = regexp.MustCompile(`^(?:.*/)?(cell(\d+)|` + regexp.QuoteMeta(harnessFile) + `|[^\s:]+\.go):(\d+):(\d+): (.*)$`)

// buildPrograms writes each program (keyed by case name) into a module in
// dir and builds them all with one go build. It returns the binaries'
// directory and, per case that did not compile, its errors; a line of the
// build output that is not in a cell is returned in other.
func buildPrograms(dir string, progs map[string]string) (bin string, errs map[string][]compileError, other map[string][]string, err error) {
	mod := fmt.Sprintf("module fidelitycorpus\n\ngo %s\n", goVersionLine())
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", nil, nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(mod), 0o644); err != nil {
		return "", nil, nil, err
	}
	for name, src := range progs {
		d := filepath.Join(dir, name)
		if err := os.MkdirAll(d, 0o755); err != nil {
			return "", nil, nil, err
		}
		if err := os.WriteFile(filepath.Join(d, "main.go"), []byte(src), 0o644); err != nil {
			return "", nil, nil, err
		}
	}
	bin = filepath.Join(dir, "bin")
	cmd := exec.Command(goTool(), "build", "-trimpath", "-gcflags=-e", "-ldflags=-s -w", "-o", bin+string(filepath.Separator), "./...")
	cmd.Dir = dir
	cmd.Env = goEnv()
	out, runErr := cmd.CombinedOutput()
	errs = map[string][]compileError{}
	other = map[string][]string{}
	cur := ""
	for _, l := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(l, "# ") {
			cur = strings.TrimPrefix(strings.TrimPrefix(l, "# "), "fidelitycorpus/")
			continue
		}
		if l == "" || strings.HasPrefix(l, "\t") || cur == "" {
			continue
		}
		m := buildErrLine.FindStringSubmatch(l)
		if m == nil || m[2] == "" {
			other[cur] = append(other[cur], l)
			continue
		}
		cell, _ := strconv.Atoi(m[2])
		line, _ := strconv.Atoi(m[3])
		col, _ := strconv.Atoi(m[4])
		errs[cur] = append(errs[cur], compileError{cell, line, col, m[5]})
	}
	if runErr != nil && len(errs) == 0 && len(other) == 0 {
		return "", nil, nil, fmt.Errorf("go build: %v\n%s", runErr, out)
	}
	return bin, errs, other, nil
}

// A goRun is what one program did.
type goRun struct {
	stdout, stderr string
	status         int // exit status; -1 when killed (timeout)
	timedOut       bool
	elapsed        time.Duration
}

// runPrograms runs the named binaries of bin in dir, workers at a time,
// each with its time limit.
func runPrograms(bin, dir string, names []string, limit time.Duration, workers int) map[string]*goRun {
	res := map[string]*goRun{}
	var mu sync.Mutex
	ch := make(chan string)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for name := range ch {
				r := runProgram(filepath.Join(bin, name), nil, dir, limit)
				mu.Lock()
				res[name] = r
				mu.Unlock()
			}
		})
	}
	for _, n := range names {
		ch <- n
	}
	close(ch)
	wg.Wait()
	return res
}

// runProgram runs a command with a time limit, killing its process group
// when the limit passes.
func runProgram(prog string, args []string, dir string, limit time.Duration, stdin ...string) *goRun {
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	cmd := exec.CommandContext(ctx, prog, args...)
	cmd.Dir = dir
	cmd.Env = goEnv()
	setProcessGroup(cmd)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if len(stdin) > 0 {
		cmd.Stdin = strings.NewReader(stdin[0])
	}
	cmd.WaitDelay = 2 * time.Second
	start := time.Now()
	err := cmd.Run()
	r := &goRun{stdout: stdout.String(), stderr: stderr.String(), elapsed: time.Since(start)}
	var ee *exec.ExitError
	switch {
	case ctx.Err() != nil:
		r.timedOut, r.status = true, -1
	case err == nil:
	case errors.As(err, &ee):
		r.status = ee.ExitCode()
	default:
		r.status = -1
		r.stderr += "\n" + err.Error()
	}
	return r
}

// goPanic returns the message of the panic or fatal error that ended a Go
// program, from its standard error: the last "panic: " line before the
// goroutine trace, without the prefix and the " [recovered]" notes.
func goPanic(stderr string) (kind, msg string) {
	for _, l := range strings.Split(stderr, "\n") {
		t := strings.TrimPrefix(l, "\t")
		switch {
		case strings.HasPrefix(l, "goroutine ") && kind != "":
			return kind, msg
		case strings.HasPrefix(t, "panic: "):
			kind, msg = "panic", strings.TrimPrefix(t, "panic: ")
			for _, note := range []string{" [recovered, repanicked]", " [recovered]"} {
				msg = strings.TrimSuffix(msg, note)
			}
		case strings.HasPrefix(l, "fatal error: "):
			kind, msg = "fatal", strings.TrimPrefix(l, "fatal error: ")
		}
	}
	return kind, msg
}
