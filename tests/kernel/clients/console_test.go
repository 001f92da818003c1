package clients

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
	"github.com/gomx-dev/gomx/tests/kernel/harness"
)

// ansi matches the escape sequences of a terminal's output.
var ansi = regexp.MustCompile(`\x1b\[[0-9;?]*[ -/]*[@-~]`)

// TestConsole drives jupyter console in a pseudo-terminal as a user types:
// a function over three lines, whose continuation lines the kernel
// indents (with spaces: the console shows a tab as ^I), a call of it, and
// a panic, which the console shows with the traceback's colours.
func TestConsole(t *testing.T) {
	cmd := exec.Command("jupyter", "console", "--kernel", "gomx")
	cmd.Env = append(harness.Env(), "TERM=xterm-256color")
	cmd.Dir = t.TempDir()
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 40, Cols: 120})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		cmd.Process.Kill()
		cmd.Wait()
		f.Close()
	}()
	var (
		mu  sync.Mutex
		out bytes.Buffer
	)
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := f.Read(buf)
			mu.Lock()
			out.Write(buf[:n])
			mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	// waitFor waits until the output, its ANSI escapes taken out, holds
	// s after position from, and returns the position after it.
	waitFor := func(s string, from int) int {
		t.Helper()
		deadline := time.Now().Add(60 * time.Second)
		for time.Now().Before(deadline) {
			mu.Lock()
			got := ansi.ReplaceAllString(out.String(), "")
			mu.Unlock()
			if i := strings.Index(got[from:], s); i >= 0 {
				return from + i + len(s)
			}
			time.Sleep(20 * time.Millisecond)
		}
		mu.Lock()
		defer mu.Unlock()
		t.Fatalf("jupyter console: no %q after %d bytes; output:\n%q", s, from, out.String())
		return 0
	}
	// typeLine types s and Enter once the console has settled after its
	// last prompt: jupyter console 6.4 can fail on input that arrives
	// while it redraws ("cannot enter context … already entered")
	typeLine := func(s string) {
		t.Helper()
		time.Sleep(200 * time.Millisecond)
		if _, err := io.WriteString(f, s+"\r"); err != nil {
			t.Fatal(err)
		}
	}
	at := waitFor("In [1]", 0)
	typeLine("func f() int {")
	at = waitFor("...:", at)
	typeLine("return 7")
	at = waitFor("...:", at)
	typeLine("}")
	at = waitFor("In [2]", at)
	typeLine("f()")
	at = waitFor("7", waitFor("Out[2]", at))
	typeLine(`panic("boom")`)
	waitFor("panic: boom", at)

	// the console dies without shutting its kernel down: the kernel sees
	// its launcher gone (JPY_PARENT_PID) and ends with its worker
	kernels := childrenOf(cmd.Process.Pid)
	if len(kernels) != 1 {
		t.Fatalf("jupyter console has %d child processes, want its kernel", len(kernels))
	}
	cmd.Process.Kill()
	deadline := time.Now().Add(30 * time.Second)
	for alive(kernels[0]) && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if alive(kernels[0]) {
		syscall.Kill(kernels[0], syscall.SIGKILL)
		t.Errorf("the kernel outlived its console by 30 s")
	}

	mu.Lock()
	got := out.String()
	mu.Unlock()
	if strings.Contains(got, "^I") {
		t.Errorf("the console shows a tab of the kernel's indent as ^I:\n%q", got)
	}
	if !strings.Contains(got, "\x1b[1;31mpanic: boom") && !strings.Contains(got, "\x1b[31;1mpanic: boom") {
		t.Errorf("the panic is not in red:\n%q", got)
	}
}

// childrenOf returns the process ids of pid's children (Linux /proc).
func childrenOf(pid int) []int {
	var kids []int
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		n, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		// the fields after the command, which is in parentheses
		f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
		if len(f) > 1 && f[1] == strconv.Itoa(pid) {
			kids = append(kids, n)
		}
	}
	return kids
}

// alive reports whether process pid exists and is not a zombie.
func alive(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	return len(f) > 0 && f[0] != "Z"
}
