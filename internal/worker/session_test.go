//go:build unix

package worker_test

import (
	"context"
	"io"
	"os"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gomx-dev/gomx/engine"
	"github.com/gomx-dev/gomx/internal/longtest"
	"github.com/gomx-dev/gomx/internal/session"
	"github.com/gomx-dev/gomx/internal/worker"
	"github.com/gomx-dev/gomx/internal/worker/workertest"
)

// sessionWorkerEnv, set to "1", makes the test binary a worker serving the
// real interpreter session (see TestMain): the end-to-end tests need no
// separately built gomx binary.
const sessionWorkerEnv = "GOMX_TEST_SESSION_WORKER"

// maybeRunSessionWorker serves the real session when sessionWorkerEnv is
// set, with the memory limit from GOMX_MEMORY_LIMIT (default none).
func maybeRunSessionWorker() {
	if os.Getenv(sessionWorkerEnv) != "1" {
		return
	}
	var limit int64
	if s := os.Getenv("GOMX_MEMORY_LIMIT"); s != "" {
		var err error
		if limit, err = engine.ParseMemoryLimit(s, worker.TotalMemory()); err != nil {
			os.Exit(2)
		}
	}
	os.Exit(worker.Run(worker.Options{
		New: func(stdout, stderr io.Writer) (engine.Engine, error) {
			return session.New(session.Options{Stdout: stdout, Stderr: stderr})
		},
		MemoryLimit: limit,
		Debug:       contains(os.Args, "--debug"),
	}))
}

func newSession(t testing.TB, env ...string) *engine.Client {
	t.Helper()
	c, err := engine.NewClient(engine.ClientOptions{
		Binary: os.Args[0],
		Env:    append([]string{sessionWorkerEnv + "=1"}, env...),
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func run(t *testing.T, c *engine.Client, code string, r *workertest.Recorder) engine.ExecResult {
	t.Helper()
	if r == nil {
		r = &workertest.Recorder{MIMEs: true}
	}
	return c.Execute(context.Background(), code, engine.ExecOptions{AllowStdin: true}, r)
}

// workerPID returns the process id of the worker running c's cells, as a
// cell reports it.
func workerPID(t *testing.T, c *engine.Client) string {
	t.Helper()
	res := run(t, c, "os.Getpid()", nil)
	if res.Error != nil || workertest.Value(res) == "" {
		t.Fatalf("os.Getpid(): %q %v", workertest.Value(res), res.Error)
	}
	return workertest.Value(res)
}

func TestSessionOrderedOutput(t *testing.T) {
	c := newSession(t)
	tests := []struct {
		name, code string
		want       []string
		value      string
	}{
		{"compiled write, interpreted print, value",
			`os.Stdout.Write([]byte("compiled\n"))
fmt.Println("interpreted")
os.Stdout.WriteString("compiled again\n")
fmt.Print("no newline")
6 * 7`,
			[]string{"stdout:compiled\ninterpreted\ncompiled again\nno newline"}, "42"},
		{"stderr: fmt.Fprintln, compiled write, log",
			`fmt.Fprintln(os.Stderr, "e1")
os.Stderr.Write([]byte("e2\n"))
log.SetFlags(0)
log.Print("logged")
1.5`,
			[]string{"stderr:e1\ne2\nlogged\n"}, "1.5"},
		{"compiled write, interpreted print, display",
			`os.Stdout.Write([]byte("compiled\n"))
fmt.Println("interpreted")
viz.Show(viz.HTML("<b>shown</b>"))
os.Stdout.Write([]byte("after\n"))
viz.Show(viz.Markdown("*m*"))
os.Stderr.Write([]byte("err\n"))
viz.Clear()
fmt.Print("last")`,
			[]string{"stdout:compiled\ninterpreted\n", "display:text/html,text/plain:<b>shown</b>",
				"stdout:after\n", "display:text/markdown,text/plain:*m*", "stderr:err\n", "clear", "stdout:last"}, ""},
		{"display handle updates",
			`h := viz.NewDisplay()
for i := 0; i < 3; i++ {
	fmt.Println(i)
	h.Update(viz.LaTeX(fmt.Sprint("$", i, "$")))
}`,
			[]string{"stdout:0\n", "display:text/latex,text/plain:$0$", "stdout:1\n", "display:text/latex,text/plain:$1$",
				"stdout:2\n", "display:text/latex,text/plain:$2$"}, ""},
		{"a loop of prints",
			`for i := 0; i < 300; i++ { fmt.Println(i) }
true`,
			[]string{"stdout:" + numbers(300)}, "true"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := workertest.Recorder{MIMEs: true}
			res := run(t, c, tt.code, &r)
			if res.Error != nil {
				t.Fatalf("error: %v", res.Error)
			}
			if got := r.Got(); !reflect.DeepEqual(got, tt.want) || workertest.Value(res) != tt.value {
				t.Errorf("got %q, value %q\nwant %q, value %q", got, workertest.Value(res), tt.want, tt.value)
			}
		})
	}
}

func numbers(n int) string {
	var b strings.Builder
	for i := range n {
		b.WriteString(strconv.Itoa(i) + "\n")
	}
	return b.String()
}

// interruptAfter runs code and calls Interrupt n times, each once the cell
// has run for a while (and, before a second one, once the stuck notice has
// arrived); it returns the cell's result.
func interruptAfter(t *testing.T, c *engine.Client, code string, n int, r *workertest.Recorder) engine.ExecResult {
	t.Helper()
	done := make(chan engine.ExecResult, 1)
	go func() { done <- run(t, c, code, r) }()
	for i := range n {
		select {
		case res := <-done:
			t.Fatalf("cell ended before interrupt %d: %+v", i+1, res.Error)
		case <-time.After(300 * time.Millisecond):
		}
		if i > 0 {
			deadline := time.Now().Add(30 * time.Second)
			for !strings.Contains(r.All(), "interrupt again") {
				if time.Now().After(deadline) {
					t.Fatalf("no stuck notice; output %q", r.Got())
				}
				time.Sleep(10 * time.Millisecond)
			}
		}
		c.Interrupt()
	}
	select {
	case res := <-done:
		return res
	case <-time.After(30 * time.Second):
		t.Fatal("cell still running 30 s after the interrupt")
	}
	panic("unreachable")
}

func TestSessionInterrupt(t *testing.T) {
	if raceEnabled {
		// Every case races inside yaegi v0.16.1, in the worker (reported
		// through make race's GORACE log_path): ExecuteWithContext returns
		// on the interrupt (interp/program.go:203, writing its results res,
		// err) and leaves the goroutine running the evaluation to write the
		// same res, err when it ends (:197), and to read the global frame
		// Interpreter.frame.data (interp/value.go:18) while the next cell's
		// Execute replaces it (resizeFrame, interp/interp.go:490); nothing
		// orders them. See skipUnderRace in internal/session. This test
		// runs without -race in make test.
		t.Skip("yaegi's abandoned evaluations race with the next cell (see the comment)")
	}
	c := newSession(t)
	run(t, c, "kept := 41", nil)
	for _, code := range []string{"for {}", "time.Sleep(time.Hour)", "kept++\nfor {\n}", "ch := make(chan int)\n<-ch"} {
		t.Run(code, func(t *testing.T) {
			start := time.Now()
			res := interruptAfter(t, c, code, 1, &workertest.Recorder{MIMEs: true})
			if workertest.Kind(res) != engine.Interrupted {
				t.Fatalf("result %+v", res.Error)
			}
			if d := time.Since(start); d > 20*time.Second {
				t.Errorf("interrupt took %v", d)
			}
		})
	}
	if res := run(t, c, "kept", nil); workertest.Value(res) != "42" {
		t.Errorf("state after interrupts: %q %v", workertest.Value(res), res.Error)
	}
}

// TestSessionInterruptSoon interrupts a sleeping cell right after it
// starts, 300 times: each result is Interrupted. (A sleep woken by the
// cell's context could end the cell before the context derived from it
// was cancelled, which gave an ok result about once in 600.)
func TestSessionInterruptSoon(t *testing.T) {
	if raceEnabled {
		t.Skip("yaegi's abandoned evaluations race with the next cell (see TestSessionInterrupt)")
	}
	c := newSession(t)
	run(t, c, "slept := 7", nil)
	for i := range 300 {
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(time.Duration(i%25)*100*time.Microsecond, cancel)
		res := c.Execute(ctx, "time.Sleep(time.Hour)", engine.ExecOptions{}, &workertest.Recorder{MIMEs: true})
		cancel()
		if workertest.Kind(res) != engine.Interrupted {
			t.Fatalf("run %d: result %+v, want Interrupted", i, res.Error)
		}
	}
	if res := run(t, c, "slept", nil); workertest.Value(res) != "7" {
		t.Errorf("state after interrupts: %q %v", workertest.Value(res), res.Error)
	}
}

func TestSessionStuckCompiledCall(t *testing.T) {
	c := newSession(t)
	run(t, c, "lost := 1", nil)
	pid := workerPID(t, c)
	r := workertest.Recorder{MIMEs: true}
	res := interruptAfter(t, c, "var wg sync.WaitGroup\nwg.Add(1)\nwg.Wait()", 2, &r)
	if workertest.Kind(res) != engine.WorkerDied || !strings.Contains(res.Error.Value, "variables were lost") {
		t.Fatalf("result %+v", res.Error)
	}
	if !strings.Contains(r.All(), "stuck in compiled code") {
		t.Errorf("no stuck notice in %q", r.Got())
	}
	if workerPID(t, c) == pid {
		t.Error("the worker was not replaced")
	}
	if res := run(t, c, "fmt.Sprint(lost)", nil); res.Error == nil {
		t.Errorf("after the restart: %q, want an undefined-name error", workertest.Value(res))
	}
	if res := run(t, c, "1+1", nil); workertest.Value(res) != "2" {
		t.Errorf("fresh session: %q %v", workertest.Value(res), res.Error)
	}
}

func TestSessionWorkerCrash(t *testing.T) {
	c := newSession(t)
	run(t, c, "lost := 1", nil)
	// A stack overflow is a fatal error of the Go runtime: no recover.
	res := run(t, c, `import "runtime/debug"
debug.SetMaxStack(1 << 16)
var deep func(n int) int
deep = func(n int) int { return deep(n+1) + 1 }
deep(0)`, nil)
	if workertest.Kind(res) != engine.WorkerDied || !strings.Contains(res.Error.Value, "stack") ||
		!strings.Contains(res.Error.Value, "variables were lost") {
		t.Fatalf("result %+v", res.Error)
	}
	if res := run(t, c, "fmt.Sprint(lost)", nil); res.Error == nil {
		t.Errorf("after the crash: %q, want an undefined-name error", workertest.Value(res))
	}
	if res := run(t, c, "1+1", nil); workertest.Value(res) != "2" {
		t.Errorf("fresh session: %q %v", workertest.Value(res), res.Error)
	}
}

func TestSessionMemoryLimit(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector cannot run under the worker's RLIMIT_AS")
	}
	c := newSession(t, "GOMX_MEMORY_LIMIT=256MB")
	run(t, c, "kept := 7", nil)
	t.Run("interpreted hog is cancelled", func(t *testing.T) {
		res := run(t, c, "var hog [][]float64\nfor {\n\thog = append(hog, make([]float64, 1000))\n}", nil)
		if workertest.Kind(res) != engine.Interrupted || !strings.Contains(res.Error.Value, "memory limit exceeded") {
			t.Fatalf("result %+v", res.Error)
		}
		run(t, c, "hog = nil", nil)
		if res := run(t, c, "kept", nil); workertest.Value(res) != "7" {
			t.Errorf("session after the hog: %q %v", workertest.Value(res), res.Error)
		}
	})
	t.Run("one interpreted allocation past the headroom fails before it is made", func(t *testing.T) {
		res := run(t, c, "n := 1 << 30\nbig := make([]byte, n)\nlen(big)", nil)
		if workertest.Kind(res) != engine.Interrupted || !strings.Contains(res.Error.Value, "nothing was allocated") {
			t.Fatalf("result %+v", res.Error)
		}
		if res := run(t, c, "kept", nil); workertest.Value(res) != "7" {
			t.Errorf("session after the allocation: %q %v", workertest.Value(res), res.Error)
		}
	})
	t.Run("recursion without end is a stack overflow", func(t *testing.T) {
		// the stack is capped at a quarter of the limit: it overflows
		// before the worker runs out of memory. The interpreter allocates
		// as it recurses, so the stack can run out inside the allocator,
		// which was once reported as running out of memory: 3 runs in
		// make test, 20 in make conformance
		for i := range longtest.N(3, 20) {
			res := run(t, c, "func deep(n int) int { return deep(n+1) + 1 }\ndeep(0)", nil)
			if workertest.Kind(res) != engine.WorkerDied || !strings.Contains(res.Error.Value, "overflowed a goroutine's stack") {
				t.Fatalf("run %d: result %+v", i+1, res.Error)
			}
			if res := run(t, c, "1+1", nil); workertest.Value(res) != "2" {
				t.Errorf("run %d: fresh session: %q %v", i+1, workertest.Value(res), res.Error)
			}
		}
	})
	t.Run("compiled hog kills the worker", func(t *testing.T) {
		// 4 GiB at once: past the 2.5 times the limit (plus what the
		// process had mapped at start) that the rlimits allow
		res := run(t, c, `s := strings.Repeat("x", 1<<32)
len(s)`, nil)
		if workertest.Kind(res) != engine.WorkerDied || !strings.Contains(res.Error.Value, "memory limit 244MiB") {
			t.Fatalf("result %+v, value %q", res.Error, workertest.Value(res))
		}
		if res := run(t, c, "1+1", nil); workertest.Value(res) != "2" {
			t.Errorf("fresh session: %q %v", workertest.Value(res), res.Error)
		}
	})
}

func TestSessionInput(t *testing.T) {
	c := newSession(t)
	r := &workertest.Recorder{MIMEs: true, Answers: []string{"Ada 36"}}
	res := run(t, c, `var name string
var age int
fmt.Println("who?")
fmt.Scanln(&name, &age)
fmt.Sprint(name, "/", age+1)`, r)
	if res.Error != nil || workertest.Value(res) != `"Ada/37"` && workertest.Value(res) != "Ada/37" {
		t.Fatalf("value %q, error %v", workertest.Value(res), res.Error)
	}
	got := r.Got()
	if len(got) != 2 || got[0] != "stdout:who?\n" || !strings.HasPrefix(got[1], "input:") {
		t.Errorf("output %q", got)
	}
}

func TestSessionRequests(t *testing.T) {
	c := newSession(t)
	if comp := c.Complete("fmt.Printl", 10); !contains(comp.Matches, "Println") {
		t.Errorf("Complete(fmt.Printl): %+v", comp)
	}
	if in := c.Inspect("fmt.Println", 6, 0); !in.Found || !strings.Contains(in.Data.Text(), "Println") {
		t.Errorf("Inspect(fmt.Println): %+v", in)
	}
	if st, _ := c.IsComplete("func f() {"); st != "incomplete" {
		t.Errorf("IsComplete(func f() {) = %q", st)
	}
}

func contains(xs []string, x string) bool {
	for _, s := range xs {
		if s == x {
			return true
		}
	}
	return false
}

// BenchmarkRoundTrip measures one `1+1` cell through the worker, from
// Execute to its result; it reports the median too.
func BenchmarkRoundTrip(b *testing.B) {
	c := newSession(b)
	r := workertest.Recorder{MIMEs: true}
	ctx := context.Background()
	if res := c.Execute(ctx, "1+1", engine.ExecOptions{}, &r); res.Value == nil {
		b.Fatalf("1+1: %+v", res.Error)
	}
	benchRequests(b, func() { c.Execute(ctx, "1+1", engine.ExecOptions{}, &r) })
}

// BenchmarkRoundTripEmpty measures an empty cell through the worker: what
// every cell costs before its own code, the hops and the session's front
// end and interpreter on a file that holds only the cell's function.
func BenchmarkRoundTripEmpty(b *testing.B) {
	c := newSession(b)
	var r workertest.Recorder
	ctx := context.Background()
	if res := c.Execute(ctx, "", engine.ExecOptions{}, &r); res.Error != nil {
		b.Fatalf("empty cell: %+v", res.Error)
	}
	benchRequests(b, func() { c.Execute(ctx, "", engine.ExecOptions{}, &r) })
}

// BenchmarkRoundTripIsComplete measures an is_complete request through the
// worker: the hops to the worker and back with next to no work.
func BenchmarkRoundTripIsComplete(b *testing.B) {
	c := newSession(b)
	if st, _ := c.IsComplete("x"); st != "complete" {
		b.Fatalf("is_complete x: %q", st)
	}
	benchRequests(b, func() { c.IsComplete("x") })
}

// benchRequests times request, reporting the median too.
func benchRequests(b *testing.B, request func()) {
	var times []time.Duration
	for b.Loop() {
		start := time.Now()
		request()
		times = append(times, time.Since(start))
	}
	reportMedian(b, times)
}

// BenchmarkColdStart measures a new client, its worker starting and the
// first `1+1` result.
func BenchmarkColdStart(b *testing.B) {
	var times []time.Duration
	for b.Loop() {
		start := time.Now()
		c, err := engine.NewClient(engine.ClientOptions{Binary: os.Args[0], Env: []string{sessionWorkerEnv + "=1"}})
		if err != nil {
			b.Fatal(err)
		}
		res := c.Execute(context.Background(), "1+1", engine.ExecOptions{}, &workertest.Recorder{MIMEs: true})
		times = append(times, time.Since(start))
		if workertest.Value(res) != "2" {
			b.Fatalf("1+1: %+v", res.Error)
		}
		b.StopTimer()
		c.Close()
		b.StartTimer()
	}
	reportMedian(b, times)
}

func reportMedian(b *testing.B, times []time.Duration) {
	if len(times) == 0 {
		return
	}
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	b.ReportMetric(float64(times[len(times)/2].Microseconds()), "median-µs")
}

// TestAppendLoopMemoryLimit runs the loop that grows a slice without end
// under limits from 256 MiB to 3 GiB: each time the cell is cancelled
// with the memory error and the session keeps its variables (the worker
// maps up to about 2.5 times the limit while the slice grows). Once per
// limit in make test, ten times in make conformance.
func TestAppendLoopMemoryLimit(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector cannot run under the worker's RLIMIT_AS")
	}
	for _, limit := range []string{"256MiB", "1GiB", "2GiB", "3GiB"} {
		t.Run(limit, func(t *testing.T) {
			c := newSession(t, "GOMX_MEMORY_LIMIT="+limit)
			run(t, c, "kept := 7", nil)
			for i := range longtest.N(1, 10) {
				res := run(t, c, "var xs []int\nfor {\n\txs = append(xs, len(xs))\n}", nil)
				if workertest.Kind(res) != engine.Interrupted || !strings.Contains(res.Error.Value, "memory limit exceeded") {
					t.Fatalf("run %d: result %+v", i+1, res.Error)
				}
				if res := run(t, c, "xs = nil\nkept", nil); workertest.Value(res) != "7" {
					t.Fatalf("run %d: session after the loop: %q %v", i+1, workertest.Value(res), res.Error)
				}
			}
		})
	}
}
