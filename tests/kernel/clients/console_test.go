package clients

import (
	"bytes"
	"io"
	"os/exec"
	"regexp"
	"strings"
	"sync"
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
	typeLine := func(s string) {
		t.Helper()
		if _, err := io.WriteString(f, s+"\r"); err != nil {
			t.Fatal(err)
		}
	}
	at := waitFor("In [1]", 0)
	typeLine("func f() int {")
	at = waitFor("...:", at)
	typeLine("return 7")
	typeLine("}")
	at = waitFor("In [2]", at)
	typeLine("f()")
	at = waitFor("7", waitFor("Out[2]", at))
	typeLine(`panic("boom")`)
	waitFor("panic: boom", at)

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
