//go:build linux || darwin

package repl_test

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"
)

// These tests drive the real gomx binary through a pseudo-terminal, as a
// person at a terminal would.

var gomxBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "gomx-repl-test")
	if err != nil {
		panic(err)
	}
	gomxBin = filepath.Join(dir, "gomx")
	args := []string{"build", "-o", gomxBin}
	if raceEnabled {
		// The REPL runs in the gomx process: check it under -race too.
		args = append(args, "-race")
	}
	out, err := exec.Command("go", append(args, "../../cmd/gomx")...).CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "building gomx: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

type term struct {
	t    *testing.T
	f    *os.File
	cmd  *exec.Cmd
	mu   sync.Mutex
	buf  bytes.Buffer
	seen int // bytes of buf already matched by expect
	done chan struct{}
}

func start(t *testing.T, env ...string) *term {
	t.Helper()
	cmd := exec.Command(gomxBin)
	cmd.Env = append(os.Environ(), "TERM=xterm-256color", "NO_COLOR=1")
	cmd.Env = append(cmd.Env, env...)
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 50, Cols: 160})
	if err != nil {
		t.Fatal(err)
	}
	tm := &term{t: t, f: f, cmd: cmd, done: make(chan struct{})}
	go func() {
		defer close(tm.done)
		b := make([]byte, 4096)
		for {
			n, err := f.Read(b)
			tm.mu.Lock()
			tm.buf.Write(b[:n])
			tm.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		f.Close()
	})
	tm.expect("go> ")
	return tm
}

func (tm *term) send(s string) {
	tm.t.Helper()
	if _, err := tm.f.Write([]byte(s)); err != nil {
		tm.t.Fatal(err)
	}
}

// expect waits until text appears in the output after what earlier calls
// matched.
func (tm *term) expect(text string) {
	tm.t.Helper()
	tm.expectRe(regexp.QuoteMeta(text))
}

// expectRe waits until the regular expression pattern matches the output
// after what earlier calls matched, and returns the submatches.
func (tm *term) expectRe(pattern string) []string {
	tm.t.Helper()
	re := regexp.MustCompile(pattern)
	deadline := time.Now().Add(60 * time.Second)
	for {
		tm.mu.Lock()
		s := tm.buf.String()[tm.seen:]
		if loc := re.FindStringSubmatchIndex(s); loc != nil {
			m := re.FindStringSubmatch(s)
			tm.seen += loc[1]
			tm.mu.Unlock()
			return m
		}
		tm.mu.Unlock()
		if time.Now().After(deadline) {
			tm.t.Fatalf("timed out waiting for %q; the screen has:\n%q", pattern, s)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (tm *term) quit() {
	tm.send("\x04") // Ctrl-D at the prompt
	select {
	case <-tm.done:
	case <-time.After(30 * time.Second):
		tm.t.Fatal("gomx did not exit on Ctrl-D")
	}
	if err := tm.cmd.Wait(); err != nil {
		tm.t.Fatalf("gomx exited with %v", err)
	}
}

func TestREPLMultiLineFunc(t *testing.T) {
	tm := start(t, "GOMX_HISTORY="+filepath.Join(t.TempDir(), "h"))
	tm.send("func add(a, b int) int {\r")
	tm.expect("... \t") // continuation prompt, auto-indented
	tm.send("return a + b\r")
	tm.expect("... ")
	tm.send("\x15}\r") // Ctrl-U drops the suggested indent before the brace
	tm.expect("go> ")
	tm.send("add(2, 40)\r")
	tm.expect("\r\n42\r\n")
	tm.quit()
}

func TestREPLCompletion(t *testing.T) {
	tm := start(t, "GOMX_HISTORY="+filepath.Join(t.TempDir(), "h"))
	tm.send("mat.NewD\t\t")
	tm.expect("NewDense")
	tm.expect("NewDiagDense")
	tm.send("\x15x := 3\r")
	tm.expect("go> ")
	tm.send("x\r")
	tm.expect("\r\n3\r\n")
	tm.quit()
}

func TestREPLHistoryAcrossSessions(t *testing.T) {
	hist := filepath.Join(t.TempDir(), "history")
	tm := start(t, "GOMX_HISTORY="+hist)
	tm.send("y := 6 * 7\r")
	tm.expect("go> ")
	tm.quit()

	tm = start(t, "GOMX_HISTORY="+hist)
	tm.send("\x1b[A") // up arrow recalls the last line of the last session
	tm.expect("y := 6 * 7")
	tm.send("\r")
	tm.expect("go> ")
	tm.send("y\r")
	tm.expect("\r\n42\r\n")
	tm.quit()
}

func TestREPLTimeitAndInterrupt(t *testing.T) {
	if raceEnabled {
		// The interrupt races inside yaegi v0.16.1 in the worker: the
		// abandoned evaluation goroutine writes ExecuteWithContext's results
		// (interp/program.go:197 against :203) and reads the global frame
		// (interp/value.go:18) while the next cell's Execute replaces it
		// (resizeFrame, interp/interp.go:490); see skipUnderRace in
		// internal/session. It runs without -race in make test.
		t.Skip("yaegi's abandoned evaluations race (see the comment)")
	}
	tm := start(t, "GOMX_HISTORY="+filepath.Join(t.TempDir(), "h"))
	tm.send("%timeit 1+1\r")
	tm.expect("±")
	tm.expect("go> ")
	tm.send("x := 5\r")
	tm.expect("go> ")
	tm.send("for {}\r")
	time.Sleep(300 * time.Millisecond)
	tm.send("\x03") // Ctrl-C interrupts the running cell
	tm.expectRe("(?i)interrupt")
	tm.expect("go> ")
	tm.send("x + 1\r")
	tm.expect("\r\n6\r\n")
	tm.quit()
}

func TestREPLImages(t *testing.T) {
	cell := `viz.Show(image.NewRGBA(image.Rect(0, 0, 4, 3)))` + "\r"
	t.Run("file", func(t *testing.T) {
		dir := t.TempDir()
		tm := start(t, "GOMX_HISTORY="+filepath.Join(dir, "h"), "GOMX_IMAGES=file", "GOMX_IMAGE_DIR="+dir)
		tm.send(cell)
		m := tm.expectRe(`\[image: (\S+\.png)\]`)
		data, err := os.ReadFile(m[1])
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(data))
		if err != nil || img.Bounds().Dx() != 4 || img.Bounds().Dy() != 3 {
			t.Fatalf("not the 4×3 PNG: %v", err)
		}
		tm.quit()
	})
	t.Run("kitty", func(t *testing.T) {
		tm := start(t, "GOMX_HISTORY="+filepath.Join(t.TempDir(), "h"), "GOMX_IMAGES=kitty")
		tm.send(cell)
		m := tm.expectRe(`\x1b_Ga=T,f=100[^;]*;([A-Za-z0-9+/=]+)\x1b\\`)
		data, err := base64.StdEncoding.DecodeString(m[1])
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(data))
		if err != nil || img.Bounds().Dx() != 4 {
			t.Fatalf("kitty payload is not the PNG: %v", err)
		}
		tm.quit()
	})
}

func TestREPLErrorShowsLine(t *testing.T) {
	tm := start(t, "GOMX_HISTORY="+filepath.Join(t.TempDir(), "h"))
	tm.send("z := undefinedName + 1\r")
	tm.expect("undefined")
	tm.expect("1 | z := undefinedName + 1")
	tm.expect("go> ")
	tm.quit()
	if !strings.Contains(tm.buf.String(), "^") {
		t.Fatal("no caret under the error")
	}
}
