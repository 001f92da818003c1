//go:build unix

package main

import (
	"bufio"
	"os"
	"os/exec"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/gomx-dev/gomx/engine"
	"github.com/gomx-dev/gomx/internal/worker"
	"github.com/gomx-dev/gomx/internal/worker/workertest"
)

// asGomxEnv, set to "1", makes the test binary behave as the gomx binary
// (main with its arguments): the end-to-end tests run it as the front end,
// and the front end runs it again as its worker.
const asGomxEnv = "GOMX_TEST_AS_GOMX"

func TestMain(m *testing.M) {
	workertest.MaybeRunWorker()
	if os.Getenv(asGomxEnv) == "1" {
		main()
	}
	os.Exit(m.Run())
}

// gomx runs the test binary as `gomx args...` with stdin.
func gomx(t *testing.T, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), asGomxEnv+"=1", "GOMX_MEMORY_LIMIT=1GiB")
	cmd.Stdin = strings.NewReader(stdin)
	var o, e strings.Builder
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	if err != nil && cmd.ProcessState == nil {
		t.Fatal(err)
	}
	return o.String(), e.String(), cmd.ProcessState.ExitCode()
}

func TestGomxBatch(t *testing.T) {
	tests := []struct {
		name, input    string
		stdout, stderr string // stderr: a substring
		code           int
	}{
		{"cells on blank lines",
			"x := 20\n\nfunc double(n int) int {\n\n\treturn 2 * n\n}\n\ndouble(x) + 2\n",
			"42\n", "", 0},
		{"cells on %% lines, output and values in order",
			"fmt.Println(\"one\")\n%%\n_, _ = os.Stdout.WriteString(\"two\\n\")\n%%\n1.5 * 2\n",
			"one\ntwo\n3\n", "", 0},
		{"goes on after an error",
			"y := undefinedName\n\nfmt.Println(\"still here\")\n",
			"still here\n", "undefinedName", 1},
		{"a panic is an error on stderr",
			"var m map[string]int\nm[\"a\"] = 1\n%%\n\"after\"\n",
			"\"after\"\n", "nil map", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, code := gomx(t, tt.input)
			if stdout != tt.stdout || !strings.Contains(stderr, tt.stderr) || code != tt.code {
				t.Errorf("stdout %q, stderr %q, exit %d\nwant stdout %q, stderr with %q, exit %d",
					stdout, stderr, code, tt.stdout, tt.stderr, tt.code)
			}
		})
	}
}

func TestGomxMemoryLimitFlag(t *testing.T) {
	// The worker's Go soft memory limit is the limit itself.
	cell := "import \"runtime/debug\"\ndebug.SetMemoryLimit(-1)\n"
	tests := []struct {
		args []string
		want string
	}{
		{nil, "1073741824\n"}, // GOMX_MEMORY_LIMIT=1GiB from gomx()
		{[]string{"--memory-limit", "300MiB"}, "314572800\n"},
		{[]string{"--memory-limit=256MB"}, "256000000\n"},
	}
	for _, tt := range tests {
		stdout, stderr, code := gomx(t, cell, tt.args...)
		if stdout != tt.want || code != 0 {
			t.Errorf("gomx %q: stdout %q, stderr %q, exit %d; want %q", tt.args, stdout, stderr, code, tt.want)
		}
	}
	if _, stderr, code := gomx(t, "1", "--memory-limit", "lots"); code != 2 || !strings.Contains(stderr, "memory limit") {
		t.Errorf("a bad limit: exit %d, stderr %q", code, stderr)
	}
}

func TestGomxDebug(t *testing.T) {
	stdout, stderr, code := gomx(t, "1+1\n", "--debug")
	for _, want := range []string{"gomx client: started worker", "gomx worker ", "request execute", "ready"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("--debug log lacks %q: %q", want, stderr)
		}
	}
	if stdout != "2\n" || code != 0 {
		t.Errorf("stdout %q, exit %d", stdout, code)
	}
}

func TestGomxVersion(t *testing.T) {
	stdout, _, code := gomx(t, "", "version")
	for _, want := range []string{"gomx ", "go go1.", "yaegi v", "gonum v", "gonum/plot v"} {
		if !strings.Contains(stdout, want) || code != 0 {
			t.Errorf("gomx version: %q (exit %d) lacks %q", stdout, code, want)
		}
	}
}

func TestSplitter(t *testing.T) {
	// Code ending in "{" is incomplete, as for the scripted engine.
	isComplete := func(s string) string {
		if strings.HasSuffix(strings.TrimSpace(s), "{") {
			return "incomplete"
		}
		return "complete"
	}
	tests := []struct {
		name  string
		input string
		want  []string
	}{
		{"blank lines", "a\nb\n\nc\n", []string{"a\nb", "c"}},
		{"percent lines", "a\n%%\nb\n%%\n%%\nc", []string{"a", "b", "c"}},
		{"blank inside an incomplete cell", "f {\n\nx\n\ny", []string{"f {\n\nx", "y"}},
		{"leading and repeated blanks", "\n\n\na\n\n\n\nb\n\n", []string{"a", "b"}},
		{"percent inside an incomplete cell ends it", "f {\n%%\ng", []string{"f {", "g"}},
		{"CRLF", "a\r\nb\r\n\r\nc\r\n", []string{"a\nb", "c"}},
		{"percent with spaces is code", "a\n %%\n", []string{"a\n %%"}},
		{"empty", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sp := &splitter{isComplete: isComplete}
			var got []string
			for _, line := range strings.Split(tt.input, "\n") {
				if cell, ok := sp.add(strings.TrimRight(line, "\r")); ok {
					got = append(got, cell)
				}
			}
			if cell, ok := sp.flush(); ok {
				got = append(got, cell)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestBatch(t *testing.T) {
	c, err := engine.NewClient(engine.ClientOptions{Binary: os.Args[0], Env: []string{workertest.EnvVar + "=1"}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	tests := []struct {
		name, input    string
		stdout, stderr string
		code           int
	}{
		{"values and output",
			"set a 1\n\nout hello\nget a\n%%\nshow picture\nvalue v\n",
			"hello\n1\npicture\nv\n", "", 0},
		{"goes on after an error",
			"fail boom\n\nvalue after\n",
			"after\n", "CompileError: boom\n", 1},
		{"an unanswerable input is an error",
			"input name?\n%%\nvalue next",
			"next\n", "InputError", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr strings.Builder
			code := batch(c, strings.NewReader(tt.input), &stdout, &stderr)
			if stdout.String() != tt.stdout || !strings.Contains(stderr.String(), tt.stderr) || code != tt.code {
				t.Errorf("stdout %q, stderr %q, exit %d; want %q, %q, %d",
					stdout.String(), stderr.String(), code, tt.stdout, tt.stderr, tt.code)
			}
		})
	}
}

func TestMemoryLimitFlag(t *testing.T) {
	total := worker.TotalMemory()
	tests := []struct {
		in   string
		want int64
	}{
		{"", total * 2 / 5},
		{"256MB", 256e6},
		{"0", 0},
	}
	for _, tt := range tests {
		if got, err := memoryLimit(tt.in); err != nil || got != tt.want {
			t.Errorf("memoryLimit(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
		}
	}
	if runtime.GOOS == "linux" && total <= 0 {
		t.Errorf("TotalMemory() = %d on Linux", total)
	}
}

// TestNoOrphanWorker kills a gomx front end with SIGKILL in the middle of a
// cell; its worker (whose pid the cell prints) must go too.
func TestNoOrphanWorker(t *testing.T) {
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), asGomxEnv+"=1")
	cmd.Stdin = strings.NewReader("fmt.Println(os.Getpid())\ntime.Sleep(time.Hour)\n")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	pid, perr := strconv.Atoi(strings.TrimSpace(line))
	if err != nil || perr != nil || pid == cmd.Process.Pid {
		t.Fatalf("worker pid line %q: %v %v", line, err, perr)
	}
	if !workertest.ProcessAlive(pid) {
		t.Fatalf("worker %d not running", pid)
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	workertest.WaitGone(t, pid, "gomx was killed")
}
