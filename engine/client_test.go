//go:build unix

package engine_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gomx-dev/gomx/engine"
	"github.com/gomx-dev/gomx/internal/longtest"
	"github.com/gomx-dev/gomx/internal/worker/workertest"
)

// The tests run the test binary itself as a worker serving the scripted
// engine of workertest.
func TestMain(m *testing.M) {
	workertest.MaybeRunWorker()
	if os.Getenv(orphanHelperEnv) == "1" {
		orphanHelper()
	}
	os.Exit(m.Run())
}

func fakeOptions(env ...string) engine.ClientOptions {
	return engine.ClientOptions{
		Binary: os.Args[0],
		Env:    append([]string{workertest.EnvVar + "=1"}, env...),
	}
}

func newFake(t testing.TB, env ...string) *engine.Client {
	t.Helper()
	c, err := engine.NewClient(fakeOptions(env...))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func TestOrderedOutput(t *testing.T) {
	c := newFake(t)
	tests := []struct {
		name, code string
		want       []string
	}{
		{"compiled then interpreted then display",
			"out a\nprint b\nshow c\nout d",
			[]string{"stdout:a\nb\n", "display:c", "stdout:d\n"}},
		{"stderr between displays",
			"err e1\nshow x\nerr e2\nclear\nprint p",
			[]string{"stderr:e1\n", "display:x", "stderr:e2\n", "clear", "stdout:p\n"}},
		{"engine stream between fd writes",
			"out 1\nstream 2\nout 3\nshow 4",
			[]string{"stdout:1\n2\n3\n", "display:4"}},
		{"many writes then a display",
			strings.Repeat("out line\n", 500) + "show end",
			[]string{"stdout:" + strings.Repeat("line\n", 500), "display:end"}},
		{"unicode", "out héllo ✓\nshow ∑", []string{"stdout:héllo ✓\n", "display:∑"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var r workertest.Recorder
			res := c.Execute(context.Background(), tt.code, engine.ExecOptions{}, &r)
			if res.Error != nil {
				t.Fatalf("error: %v", res.Error)
			}
			if got := r.Got(); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestOutputBetweenCells(t *testing.T) {
	// Output written after its cell ended is shown first by the next cell.
	c := newFake(t)
	var r1, r2 workertest.Recorder
	c.Execute(context.Background(), "later late\nvalue 1", engine.ExecOptions{}, &r1)
	time.Sleep(300 * time.Millisecond)
	c.Execute(context.Background(), "out now", engine.ExecOptions{}, &r2)
	if got, want := r2.Got(), []string{"stdout:late\nnow\n"}; !reflect.DeepEqual(got, want) || len(r1.Got()) != 0 {
		t.Errorf("first cell %q, second %q; want nothing, %q", r1.Got(), got, want)
	}
}

func TestOutputBeforeResult(t *testing.T) {
	// Everything written by the cell arrives before Execute returns.
	c := newFake(t)
	for i := range 20 {
		var r workertest.Recorder
		res := c.Execute(context.Background(), "out "+strconv.Itoa(i)+"\nshow d\nerr e\nvalue v", engine.ExecOptions{}, &r)
		want := []string{"stdout:" + strconv.Itoa(i) + "\n", "display:d", "stderr:e\n"}
		if got := r.Got(); !reflect.DeepEqual(got, want) || workertest.Value(res) != "v" {
			t.Fatalf("cell %d: got %q, value %q; want %q, value v", i, got, workertest.Value(res), want)
		}
	}
}

func TestStateAndRequests(t *testing.T) {
	c := newFake(t)
	var r workertest.Recorder
	steps := []struct{ code, value string }{
		{"set alpha 1", ""},
		{"set alpine 2", ""},
		{"get alpha", "1"},
		{"value x", "x"},
	}
	for _, s := range steps {
		res := c.Execute(context.Background(), s.code, engine.ExecOptions{}, &r)
		if res.Error != nil || workertest.Value(res) != s.value {
			t.Fatalf("%q: value %q, error %v; want %q", s.code, workertest.Value(res), res.Error, s.value)
		}
	}
	comp := c.Complete("x := al", 7)
	if !reflect.DeepEqual(comp.Matches, []string{"alpha", "alpine"}) || comp.CursorStart != 5 || comp.CursorEnd != 7 {
		t.Errorf("Complete: %+v", comp)
	}
	if in := c.Inspect("alpha", 2, 0); !in.Found || in.Data.Text() != "alpha = 1" {
		t.Errorf("Inspect: %+v", in)
	}
	for code, want := range map[string]string{"func f() {": "incomplete", "x": "complete"} {
		if st, _ := c.IsComplete(code); st != want {
			t.Errorf("IsComplete(%q) = %q, want %q", code, st, want)
		}
	}
	if info := c.Info(); info.Implementation != "gomx" || info.LanguageVersion == "" {
		t.Errorf("Info: %+v", info)
	}
	res := c.Execute(context.Background(), "fail boom", engine.ExecOptions{}, &r)
	if workertest.Kind(res) != engine.CompileError || res.Error.Value != "boom" {
		t.Errorf("failing cell: %+v", res.Error)
	}
}

func TestInput(t *testing.T) {
	c := newFake(t)
	r := &workertest.Recorder{Answers: []string{"forty two"}}
	res := c.Execute(context.Background(), "out before\ninput name? \nout after", engine.ExecOptions{AllowStdin: true}, r)
	if res.Error != nil || workertest.Value(res) != "forty two" {
		t.Fatalf("value %q, error %v", workertest.Value(res), res.Error)
	}
	want := []string{"stdout:before\n", "input:name? ", "stdout:after\n"}
	if got := r.Got(); !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	// A failed Input is an error on the cell, and the session goes on.
	res = c.Execute(context.Background(), "input again? ", engine.ExecOptions{AllowStdin: true}, &workertest.Recorder{})
	if workertest.Kind(res) != engine.InputError || !strings.Contains(res.Error.Value, "no answer") {
		t.Errorf("failed input: %+v", res.Error)
	}
}

// runInterrupted runs code, interrupts it n times (each after the cell has
// had time to start) and returns the result and how long the last
// interrupt took to end the cell.
func runInterrupted(t *testing.T, c *engine.Client, code string, n int, r *workertest.Recorder) (engine.ExecResult, time.Duration) {
	t.Helper()
	done := make(chan engine.ExecResult, 1)
	go func() { done <- c.Execute(context.Background(), code, engine.ExecOptions{}, r) }()
	var last time.Time
	for i := range n {
		select {
		case res := <-done:
			t.Fatalf("cell ended before interrupt %d: %+v", i+1, res.Error)
		case <-time.After(300 * time.Millisecond):
		}
		if i == n-1 {
			last = time.Now()
		}
		c.Interrupt()
		if i < n-1 {
			// Wait for the worker's stuck notice before interrupting again.
			deadline := time.Now().Add(20 * time.Second)
			for !strings.Contains(strings.Join(r.Got(), ""), "stuck") {
				if time.Now().After(deadline) {
					t.Fatal("no stuck notice after the first interrupt")
				}
				time.Sleep(10 * time.Millisecond)
			}
		}
	}
	select {
	case res := <-done:
		return res, time.Since(last)
	case <-time.After(30 * time.Second):
		t.Fatal("cell did not end after the interrupt")
	}
	panic("unreachable")
}

func TestInterruptKeepsState(t *testing.T) {
	c := newFake(t)
	var r workertest.Recorder
	c.Execute(context.Background(), "set k kept", engine.ExecOptions{}, &r)
	res, _ := runInterrupted(t, c, "out started\nsleep", 1, &r)
	if workertest.Kind(res) != engine.Interrupted {
		t.Fatalf("result: %+v", res.Error)
	}
	if res := c.Execute(context.Background(), "get k", engine.ExecOptions{}, &r); workertest.Value(res) != "kept" {
		t.Errorf("state lost: %q %v", workertest.Value(res), res.Error)
	}
	// Cancelling the context interrupts too.
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if res := c.Execute(ctx, "sleep", engine.ExecOptions{}, &r); workertest.Kind(res) != engine.Interrupted {
		t.Errorf("context cancel: %+v", res.Error)
	}
}

func TestInterruptBehindManyRequests(t *testing.T) {
	// Requests queued behind a running cell must not keep the worker from
	// seeing an interrupt; they are answered once the cell ends. 100 of
	// them in make test, 1000 in make conformance (internal/longtest).
	n := longtest.N(100, 1000)
	c := newFake(t)
	c.Execute(context.Background(), "set alpha 1", engine.ExecOptions{}, &workertest.Recorder{})
	done := make(chan engine.ExecResult, 1)
	go func() { done <- c.Execute(context.Background(), "sleep", engine.ExecOptions{}, &workertest.Recorder{}) }()
	time.Sleep(200 * time.Millisecond)
	var wg sync.WaitGroup
	matches := make(chan []string, n)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			matches <- c.Complete("al", 2).Matches
		}()
	}
	time.Sleep(200 * time.Millisecond)
	c.Interrupt()
	select {
	case res := <-done:
		if workertest.Kind(res) != engine.Interrupted {
			t.Errorf("result %+v", res.Error)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("interrupt not seen behind queued requests")
	}
	wg.Wait()
	close(matches)
	for m := range matches {
		if !reflect.DeepEqual(m, []string{"alpha"}) {
			t.Fatalf("completion %q", m)
		}
	}
}

func TestStuckCellSecondInterruptRestarts(t *testing.T) {
	for _, code := range []string{"block", "hang"} {
		t.Run(code, func(t *testing.T) {
			c := newFake(t)
			var r workertest.Recorder
			c.Execute(context.Background(), "set k v", engine.ExecOptions{}, &r)
			pid := c.WorkerPID()
			res, _ := runInterrupted(t, c, code, 2, &r)
			if workertest.Kind(res) != engine.WorkerDied || !strings.Contains(res.Error.Value, "variables were lost") {
				t.Fatalf("result: %+v", res.Error)
			}
			if !strings.Contains(strings.Join(r.Got(), ""), "interrupt again to restart") {
				t.Errorf("no stuck notice in %q", r.Got())
			}
			// A fresh session: k is gone, the worker is a new process.
			res = c.Execute(context.Background(), "get k", engine.ExecOptions{}, &r)
			if workertest.Kind(res) != engine.CompileError {
				t.Errorf("state survived a restart: %q %+v", workertest.Value(res), res.Error)
			}
			if c.WorkerPID() == pid {
				t.Error("same worker pid after restart")
			}
		})
	}
}

func TestWorkerCrash(t *testing.T) {
	tests := []struct {
		code string
		want string // in the error message
	}{
		{"exit 3", "exit status 3"},
		{"gopanic", "scripted goroutine panic"},
		{"stackoverflow", "overflowed a goroutine's stack"},
		{"unlockunlocked", "fatal error of the Go runtime: sync: unlock of unlocked mutex"},
		{"signal 9", "signal: killed"},
		{"signal 15", "signal: terminated"},
	}
	c := newFake(t)
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			var r workertest.Recorder
			// the cause is read from the worker's whole stderr, not
			// guessed: the same in every run (3 in make test, 20 in make
			// conformance)
			for i := range longtest.N(3, 20) {
				c.Execute(context.Background(), "set k v", engine.ExecOptions{}, &r)
				res := c.Execute(context.Background(), "out last words\n"+tt.code, engine.ExecOptions{}, &r)
				if workertest.Kind(res) != engine.WorkerDied || !strings.Contains(res.Error.Value, tt.want) ||
					!strings.Contains(res.Error.Value, "variables were lost") {
					t.Fatalf("run %d: result: %+v", i+1, res.Error)
				}
			}
			res := c.Execute(context.Background(), "get k", engine.ExecOptions{}, &r)
			if workertest.Kind(res) != engine.CompileError {
				t.Errorf("next cell: %q %+v, want a fresh session", workertest.Value(res), res.Error)
			}
			if res := c.Execute(context.Background(), "value ok", engine.ExecOptions{}, &r); workertest.Value(res) != "ok" {
				t.Errorf("fresh session: %+v", res.Error)
			}
		})
	}
}

// TestWorkerKilledBetweenCells kills the idle worker with SIGKILL: the
// next cell runs in a fresh one. Twice in make test (a replacement worker
// can be killed too), 100 times in make conformance (internal/longtest).
func TestWorkerKilledBetweenCells(t *testing.T) {
	c := newFake(t)
	var r workertest.Recorder
	for i := range longtest.N(2, 100) {
		pid := c.WorkerPID()
		syscall.Kill(pid, syscall.SIGKILL)
		deadline := time.Now().Add(20 * time.Second)
		for c.WorkerPID() == pid && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		if res := c.Execute(context.Background(), "value ok", engine.ExecOptions{}, &r); workertest.Value(res) != "ok" {
			t.Fatalf("after SIGKILL %d: %+v", i+1, res.Error)
		}
	}
}

func TestMemoryLimit(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector cannot run under the worker's RLIMIT_AS")
	}
	c := newFake(t, "GOMX_MEMORY_LIMIT=256MiB")
	var r workertest.Recorder
	c.Execute(context.Background(), "set k v", engine.ExecOptions{}, &r)
	t.Run("one allocation within the slack is an error", func(t *testing.T) {
		// 400 MiB at once, in a fresh worker (a slice growing by append
		// near the limit maps about 1.5 times the limit): the cell fails
		// with the memory error however soon it ends, the session lives,
		// and cells fail the same way until the memory is let go of
		res := c.Execute(context.Background(), "bighog 400", engine.ExecOptions{}, &r)
		if workertest.Kind(res) != engine.Interrupted || !strings.Contains(res.Error.Value, "memory limit exceeded") {
			t.Fatalf("result: %+v", res.Error)
		}
		if res := c.Execute(context.Background(), "get k", engine.ExecOptions{}, &r); !strings.Contains(workertest.Value(res)+fmt.Sprint(res.Error), "memory limit exceeded") {
			t.Errorf("a cell while the heap is past the limit: %q %+v", workertest.Value(res), res.Error)
		}
		if res := c.Execute(context.Background(), "free\nget k", engine.ExecOptions{}, &r); workertest.Value(res) != "v" {
			t.Errorf("session lost: %+v", res.Error)
		}
	})
	t.Run("watched hog is cancelled", func(t *testing.T) {
		res := c.Execute(context.Background(), "hog", engine.ExecOptions{}, &r)
		if workertest.Kind(res) != engine.Interrupted || !strings.Contains(res.Error.Value, "memory limit exceeded") {
			t.Fatalf("result: %+v", res.Error)
		}
		if res := c.Execute(context.Background(), "get k", engine.ExecOptions{}, &r); workertest.Value(res) != "v" {
			t.Errorf("session lost after a cancelled hog: %+v", res.Error)
		}
	})
	t.Run("a stack overflow is not put on memory", func(t *testing.T) {
		res := c.Execute(context.Background(), "stackoverflow", engine.ExecOptions{}, &r)
		if workertest.Kind(res) != engine.WorkerDied || !strings.Contains(res.Error.Value, "overflowed a goroutine's stack") ||
			strings.Contains(res.Error.Value, "allocating") {
			t.Fatalf("result: %+v", res.Error)
		}
	})
	for _, code := range []string{"chunkhog 1000", "bighog 1000"} {
		t.Run(code+" kills the worker", func(t *testing.T) {
			res := c.Execute(context.Background(), code, engine.ExecOptions{}, &r)
			if workertest.Kind(res) != engine.WorkerDied || !strings.Contains(res.Error.Value, "memory limit 256MiB") ||
				!strings.Contains(res.Error.Value, "variables were lost") {
				t.Fatalf("result: %+v", res.Error)
			}
			if res := c.Execute(context.Background(), "value ok", engine.ExecOptions{}, &r); workertest.Value(res) != "ok" {
				t.Errorf("fresh session: %+v", res.Error)
			}
		})
	}
}

func TestRestartAndClose(t *testing.T) {
	c := newFake(t)
	var r workertest.Recorder
	c.Execute(context.Background(), "set k v", engine.ExecOptions{}, &r)
	pid := c.WorkerPID()
	if err := c.Restart(); err != nil {
		t.Fatal(err)
	}
	if res := c.Execute(context.Background(), "get k", engine.ExecOptions{}, &r); workertest.Kind(res) != engine.CompileError {
		t.Errorf("state after Restart: %+v", res)
	}
	if workertest.ProcessAlive(pid) {
		t.Error("old worker still running after Restart")
	}
	pid = c.WorkerPID()
	c.Close()
	if workertest.ProcessAlive(pid) {
		t.Error("worker still running after Close")
	}
	if res := c.Execute(context.Background(), "value x", engine.ExecOptions{}, &r); workertest.Kind(res) != engine.WorkerDied {
		t.Errorf("Execute after Close: %+v", res)
	}
}

func TestRestartDuringCell(t *testing.T) {
	c := newFake(t)
	done := make(chan engine.ExecResult, 1)
	go func() { done <- c.Execute(context.Background(), "hang", engine.ExecOptions{}, &workertest.Recorder{}) }()
	time.Sleep(200 * time.Millisecond)
	if err := c.Restart(); err != nil {
		t.Fatal(err)
	}
	select {
	case res := <-done:
		if workertest.Kind(res) != engine.WorkerDied || !strings.Contains(res.Error.Value, "restarted") {
			t.Errorf("result %+v", res.Error)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the cell did not end when the worker was restarted")
	}
	if res := c.Execute(context.Background(), "value ok", engine.ExecOptions{}, &workertest.Recorder{}); workertest.Value(res) != "ok" {
		t.Errorf("after Restart: %+v", res.Error)
	}
}

func TestBadBinary(t *testing.T) {
	c, err := engine.NewClient(engine.ClientOptions{Binary: "/nonexistent/gomx"})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	res := c.Execute(context.Background(), "1", engine.ExecOptions{}, &workertest.Recorder{})
	if workertest.Kind(res) != engine.WorkerDied || !strings.Contains(res.Error.Value, "/nonexistent/gomx") {
		t.Errorf("result: %+v", res.Error)
	}
	if st, _ := c.IsComplete("x"); st != "unknown" {
		t.Errorf("IsComplete without a worker: %q", st)
	}
}

const orphanHelperEnv = "GOMX_TEST_ORPHAN_HELPER"

// orphanHelper is a front end that starts a worker, prints its pid and
// waits to be killed.
func orphanHelper() {
	c, err := engine.NewClient(fakeOptions())
	if err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	fmt.Println(c.WorkerPID())
	select {}
}

func TestNoOrphanAfterSIGKILL(t *testing.T) {
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), orphanHelperEnv+"=1")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var line [32]byte
	n, _ := stdout.Read(line[:])
	pid, err := strconv.Atoi(strings.TrimSpace(string(line[:n])))
	if err != nil || pid <= 0 {
		cmd.Process.Kill()
		t.Fatalf("helper said %q", line[:n])
	}
	if !workertest.ProcessAlive(pid) {
		t.Fatal("worker not running")
	}
	cmd.Process.Kill()
	cmd.Wait()
	workertest.WaitGone(t, pid, "its client was killed")
}

// BenchmarkFakeRoundTrip measures the worker protocol alone: a cell of the
// scripted engine that only returns a value, through a worker process.
func BenchmarkFakeRoundTrip(b *testing.B) {
	c := newFake(b)
	var r workertest.Recorder
	ctx := context.Background()
	var times []time.Duration
	for b.Loop() {
		start := time.Now()
		if res := c.Execute(ctx, "value 2", engine.ExecOptions{}, &r); workertest.Value(res) != "2" {
			b.Fatalf("result %+v", res.Error)
		}
		times = append(times, time.Since(start))
	}
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	b.ReportMetric(float64(times[len(times)/2].Microseconds()), "median-µs")
}

// startRecorder records when Started is called: after how many of the
// cell's outputs.
type startRecorder struct {
	workertest.Recorder
	starts []int
}

func (r *startRecorder) Started() { r.starts = append(r.starts, len(r.Events())) }

// TestStartedBeforeOutput: Execute calls Started once, before the cell's
// output, when the worker has the request.
func TestStartedBeforeOutput(t *testing.T) {
	c := newFake(t)
	var _ engine.StartReporter = c
	for _, code := range []string{"out a\nshow b\nvalue v", "value 1"} {
		var r startRecorder
		if res := c.Execute(context.Background(), code, engine.ExecOptions{}, &r); res.Error != nil {
			t.Fatalf("%q: %v", code, res.Error)
		}
		if !reflect.DeepEqual(r.starts, []int{0}) {
			t.Errorf("%q: Started after %v outputs, want once before any", code, r.starts)
		}
	}
}
