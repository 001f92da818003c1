package session

import (
	"context"
	"fmt"
	"net"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gomx-dev/gomx/engine"
	"github.com/gomx-dev/gomx/internal/worker/workertest"
)

// The worker's timing of deadlock detection (internal/worker/deadlock.go).
const (
	deadlockFirst = time.Second
	deadlockPoll  = 250 * time.Millisecond
	deadlockAfter = 2 * time.Second
)

// The goroutines of the tests below that poll and wait are not the
// cells': like the worker's, they are left out of the deadlock check.
func init() {
	infraPrefixes = append(infraPrefixes, sessionPrefix+"watched", sessionPrefix+"concurrently", sessionPrefix+"TestDeadlock")
}

// skipDeadlockUnderRace skips the tests of deadlocked cells under -race,
// for races that are not the detection's: a deadlocked cell is cancelled
// as an interrupted one is, and yaegi's abandoned evaluation races with
// the next cell (see skipUnderRace); the cells' goroutines write the tag
// variable $at with no synchronisation (see TestShadowedPredeclaredNames),
// and the report reads it while they are parked, which the stack dump
// shows but the race detector cannot see.
func skipDeadlockUnderRace(t *testing.T) {
	if raceDetector {
		t.Skip("yaegi's abandoned evaluations, and the tag variable $at written by several goroutines (see skipDeadlockUnderRace)")
	}
}

// stuckAfterCancel is how long watched waits for Execute to return after
// cancelling the cell.
const stuckAfterCancel = time.Minute

// watched runs code in s as the worker runs a cell: it polls Deadlocked
// and cancels the cell with engine.ErrDeadlock once a deadlock has been
// reported at every poll for deadlockAfter. It returns the result,
// whether the cell was cancelled and how long the cell took.
func watched(s *Session, code string, out engine.Output) (engine.ExecResult, bool, time.Duration) {
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	done := make(chan engine.ExecResult, 1)
	start := time.Now()
	go func() { done <- s.Execute(ctx, code, engine.ExecOptions{AllowStdin: true}, out) }()
	wait := deadlockFirst
	var since, cancelledAt time.Time
	cancelled := false
	for {
		select {
		case res := <-done:
			return res, cancelled, time.Since(start)
		case <-time.After(wait):
		}
		wait = deadlockPoll
		if cancelled {
			// Execute must return: when it does not, say so with the
			// goroutines, long before the test binary's timeout
			if time.Since(cancelledAt) > stuckAfterCancel {
				buf := make([]byte, 1<<22)
				buf = buf[:runtime.Stack(buf, true)]
				panic(fmt.Sprintf("watched: Execute did not return %v after its cancellation; the cell:\n%s\ngoroutines:\n%s", stuckAfterCancel, code, buf))
			}
			continue
		}
		e := s.Deadlocked()
		switch now := time.Now(); {
		case e == nil:
			since = time.Time{}
		case since.IsZero():
			since = now
		case now.Sub(since) >= deadlockAfter:
			cancel(engine.ErrDeadlock)
			cancelled, cancelledAt = true, now
		}
	}
}

// concurrently runs f for each of n cases at once, each in a goroutine of
// its own, and returns when all are done. The cases wait seconds, not
// CPU: t.Parallel would run only GOMAXPROCS of them at a time. f reports
// through its own record, checked afterwards in a subtest per case.
func concurrently(n int, f func(i int)) {
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { f(i) })
	}
	wg.Wait()
}

// run is one watched cell, run by concurrently.
type run struct {
	s         *Session
	res       engine.ExecResult
	cancelled bool
	took      time.Duration
	errs      []string // failures before the cell's run
	mu        sync.Mutex
}

func (r *run) errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

func (r *run) check(t *testing.T) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, e := range r.errs {
		t.Error(e)
	}
	if len(r.errs) > 0 {
		t.FailNow()
	}
}

// TestDeadlockReported: a cell whose goroutines all wait for each other
// fails within a few seconds with Go's fatal error, naming the goroutines
// and the blocking line; the session's variables are kept (with what the
// cell set before it blocked), and code after the blocking statement never
// runs, even once something releases a wait that cancelling could not end.
func TestDeadlockReported(t *testing.T) {
	skipDeadlockUnderRace(t)
	cases := []struct {
		name  string
		code  string
		want  []string // in the error's Value
		lines []int    // the error's line may be any of these (the last goroutine to block)
		// after are cells run after the deadlock, with their values
		after [][2]string
	}{
		{name: "receive", code: "x = 43\nch := make(chan int)\n<-ch\nx = 100",
			want: []string{"[chan receive]: the cell, at line 3, column 1 of this cell"}, lines: []int{3}},
		{name: "receive into", code: "ch := make(chan int)\nv := <-ch\nx = v",
			want: []string{"[chan receive]: the cell, at line 2, column 1 of this cell"}, lines: []int{2}},
		{name: "nil channel", code: "var ch chan int\nch <- 1",
			want: []string{"[chan send]: the cell, at line 2"}, lines: []int{2}},
		{name: "waitgroup", code: "var wg sync.WaitGroup\nwg.Add(1)\nwg.Wait()\nx = 100",
			want: []string{"[sync.WaitGroup.Wait]: the cell, at line 3, column 1 of this cell"}, lines: []int{3},
			// wg.Wait is compiled: cancelling does not end it. Released, it
			// returns into interpreted code that stops at once.
			after: [][2]string{{"wg.Done()\ntime.Sleep(100 * time.Millisecond)", ""}, {"x", "42"}}},
		{name: "mutex", code: "var mu sync.Mutex\nmu.Lock()\nmu.Lock()\nx = 100",
			want: []string{"[sync.Mutex.Lock]: the cell, at line 3, column 1 of this cell"}, lines: []int{3},
			after: [][2]string{{"mu.Unlock()\ntime.Sleep(100 * time.Millisecond)", ""}, {"x", "42"}}},
		{name: "select", code: "select {}", want: []string{"[select]: the cell, at line 1, column 1 of this cell"}, lines: []int{1}},
		{name: "select with cases", code: "ch := make(chan int)\nselect {\ncase v := <-ch:\n\tx = v\ncase ch <- 1:\n}",
			want: []string{"[select]: the cell, at line 2, column 1 of this cell"}, lines: []int{2}},
		{name: "goroutine in select", code: "ch := make(chan int)\ndone := make(chan bool)\ngo func() {\n\tselect {\n\tcase <-ch:\n\t}\n\tdone <- true\n}()\n<-done",
			want: []string{"[chan receive]: the cell\n", "[select]: started by the cell"}, lines: []int{4, 9}},
		{name: "range", code: "ch := make(chan int)\nfor v := range ch {\n\tx = v\n}",
			want: []string{"[chan receive]: the cell, at line 2"}, lines: []int{2}},
		{name: "goroutines", code: "done := make(chan bool)\na, b := make(chan int), make(chan int)\n" +
			"go func() { <-a; b <- 1 }()\ngo func() { <-b; a <- 1 }()\n<-done",
			want: []string{"[chan receive]: the cell\n", "[chan receive]: started by the cell\n", "[chan receive]: started by the cell",
				"the last goroutine to block stopped at line "}, lines: []int{3, 4, 5}},
		{name: "goroutine and mutex", code: "var mu sync.Mutex\nmu.Lock()\nch := make(chan int)\ngo func() { mu.Lock(); ch <- 1 }()\n<-ch",
			want: []string{"[chan receive]: the cell\n", "[sync.Mutex.Lock]: started by the cell"}, lines: []int{4, 5}},
	}
	runs := make([]run, len(cases))
	concurrently(len(cases), func(i int) {
		r := &runs[i]
		var err error
		if r.s, err = New(Options{}); err != nil {
			r.errorf("%v", err)
			return
		}
		if res := r.s.Execute(context.Background(), "x := 42", engine.ExecOptions{}, &recorder{}); res.Error != nil {
			r.errorf("%v", res.Error)
			return
		}
		r.res, r.cancelled, r.took = watched(r.s, cases[i].code, &recorder{})
	})
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := &runs[i]
			r.check(t)
			s, res, took := r.s, r.res, r.took
			t.Logf("%s: %v", c.name, took)
			if !r.cancelled {
				t.Fatalf("not reported as a deadlock: %+v", res.Error)
			}
			e := res.Error
			if e == nil || e.Kind != engine.RuntimePanic || e.Name != "fatal error" || e.Status != 2 ||
				!strings.HasPrefix(e.Value, engine.DeadlockMessage+"\n\ngoroutine ") {
				t.Fatalf("result %+v, want the deadlock error", e)
			}
			for _, w := range c.want {
				if !strings.Contains(e.Value, w) {
					t.Errorf("error %q does not contain %q", e.Value, w)
				}
			}
			if !slices.Contains(c.lines, e.Line) {
				t.Errorf("error at line %d, want one of %v", e.Line, c.lines)
			}
			// 3 s alone; the cases run at once, and the goroutines of one
			// ending (once cancelled) may restart another's wait once
			if took > 10*time.Second {
				t.Errorf("the deadlock took %v to be reported", took)
			}
			after := c.after
			if after == nil {
				after = [][2]string{{"x", ""}}
				if strings.HasPrefix(c.code, "x = 43") {
					after[0][1] = "43"
				} else {
					after[0][1] = "42"
				}
			}
			for _, a := range after {
				res, _ := exec(t, s, a[0])
				if res.Error != nil || workertest.Value(res) != a[1] {
					t.Fatalf("after the deadlock, %q: %q %v, want %q", a[0], workertest.Value(res), res.Error, a[1])
				}
			}
		})
	}
}

// slowInput answers Input after a delay.
type slowInput struct {
	recorder
	delay  time.Duration
	answer string
}

func (r *slowInput) Input(prompt string, password bool) (string, error) {
	<-time.After(r.delay) // a wait on a channel, as the worker's Input
	return r.answer, nil
}

// TestDeadlockNotReported: cells that wait longer than a deadlock takes to
// be reported, for a timer, a sleeping goroutine, input or the network,
// end normally. (The cases whose goroutines outside the cells may wake
// them — a compiled call's, an HTTP server's — are in the worker's
// TestSessionDeadlock, a process each: such a goroutine keeps every
// session of its process from reporting a deadlock, and would hide the
// failure of the other cases here.)
func TestDeadlockNotReported(t *testing.T) {
	skipDeadlockUnderRace(t)
	// longer than the 3 s a deadlock takes at the least to be reported,
	// so that each case fails when it is taken for one
	const wait = 4500 * time.Millisecond
	cases := []struct {
		name   string
		before string // a cell run first; its value is given to dial
		code   string
		value  string
		out    engine.Output
		// dial, when set, runs wait after the cell started, with the
		// value of before
		dial func(before string) error
	}{
		{name: "time.After", code: "<-time.After(4500 * time.Millisecond)\n1", value: "1"},
		{name: "time.Sleep", code: "time.Sleep(4500 * time.Millisecond)\n1", value: "1"},
		{name: "ticker", code: "tk := time.NewTicker(100 * time.Millisecond)\nn := 0\nfor range tk.C {\n\tn++\n\tif n == 45 {\n\t\tbreak\n\t}\n}\ntk.Stop()\nn", value: "45"},
		{name: "time.Tick", code: "n := 0\nfor range time.Tick(100 * time.Millisecond) {\n\tn++\n\tif n == 45 {\n\t\tbreak\n\t}\n}\nn", value: "45"},
		{name: "timer", code: "tm := time.NewTimer(4500 * time.Millisecond)\n<-tm.C\n1", value: "1"},
		{name: "AfterFunc", code: "ch := make(chan int)\ntime.AfterFunc(4500*time.Millisecond, func() { ch <- 7 })\n<-ch", value: "7"},
		{name: "sleeping goroutine", code: "ch := make(chan int)\ngo func() {\n\ttime.Sleep(4 * time.Second)\n\tch <- 7\n}()\n<-ch", value: "7"},
		{name: "context", code: "ctx, cancel := context.WithTimeout(context.Background(), 4500*time.Millisecond)\n<-ctx.Done()\ncancel()\nctx.Err()",
			value: "context deadline exceeded"},
		{name: "input", code: "var in string\nfmt.Scanln(&in)\nin", value: `"hello"`, out: &slowInput{delay: wait, answer: "hello"}},
		{name: "input in a goroutine", code: "ch := make(chan string)\ngo func() {\n\tvar in string\n\tfmt.Scanln(&in)\n\tch <- in\n}()\n<-ch",
			value: `"hello"`, out: &slowInput{delay: wait, answer: "hello"}},
		{name: "network", before: "import \"net\"\nln, _ := net.Listen(\"tcp\", \"127.0.0.1:0\")\nln.Addr().String()",
			code: "done := make(chan bool)\ngo func() {\n\tc, err := ln.Accept()\n\tif err == nil {\n\t\tc.Close()\n\t}\n\tdone <- err == nil\n}()\n<-done", value: "true",
			dial: func(addr string) error {
				c, err := net.Dial("tcp", addr)
				if err == nil {
					c.Close()
				}
				return err
			}},
	}
	runs := make([]run, len(cases))
	concurrently(len(cases), func(i int) {
		c, r := cases[i], &runs[i]
		var err error
		if r.s, err = New(Options{}); err != nil {
			r.errorf("%v", err)
			return
		}
		before := ""
		if c.before != "" {
			res := r.s.Execute(context.Background(), c.before, engine.ExecOptions{}, &recorder{})
			if res.Error != nil {
				r.errorf("%v", res.Error)
				return
			}
			before = strings.Trim(workertest.Value(res), `"`)
		}
		if c.dial != nil {
			go func() {
				time.Sleep(wait)
				if err := c.dial(before); err != nil {
					r.errorf("%v", err)
				}
			}()
		}
		out := c.out
		if out == nil {
			out = &recorder{}
		}
		r.res, r.cancelled, r.took = watched(r.s, c.code, out)
	})
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := &runs[i]
			r.check(t)
			t.Logf("%s: %v", c.name, r.took)
			if r.cancelled || r.res.Error != nil {
				t.Fatalf("cancelled %v, error %+v", r.cancelled, r.res.Error)
			}
			if v := workertest.Value(r.res); v != c.value {
				t.Errorf("value %q, want %q", v, c.value)
			}
			if r.took < 4*time.Second {
				t.Errorf("the cell took %v: it did not wait", r.took)
			}
		})
	}
}

// TestDeadlockedBetweenCells: nothing is reported between cells, nor for a
// cell that ended while its goroutines still wait.
func TestDeadlockedBetweenCells(t *testing.T) {
	skipDeadlockUnderRace(t)
	s := newSession(t)
	if e := s.Deadlocked(); e != nil {
		t.Fatalf("a new session: %v", e)
	}
	exec(t, s, "ch := make(chan int)\ngo func() { <-ch }()")
	if e := s.Deadlocked(); e != nil {
		t.Fatalf("between cells: %v", e)
	}
}

// cellRecv is a real dump of a cell's goroutine waiting on a channel
// receive in runCell.
const cellRecv = `goroutine 13 [select]:
reflect.rselect({0x25606edfadb0, 0x2, 0x25606edfad70?})
	/usr/local/go/src/runtime/select.go:616 +0x3cd
reflect.Select({0x25606edfaed0?, 0x2, 0x25606edfaed0?})
	/usr/local/go/src/reflect/value.go:3018 +0x5a7
github.com/traefik/yaegi/interp.recv.func2(0x25606ee20420)
	/root/go/pkg/mod/github.com/traefik/yaegi@v0.16.1/interp/run.go:3565 +0x245
github.com/traefik/yaegi/interp.runCfg(0x25606f0c8780, 0x25606ee20420, 0x25606ef91660?, 0x0?)
	/root/go/pkg/mod/github.com/traefik/yaegi@v0.16.1/interp/run.go:234 +0x265
github.com/gomx-dev/gomx/internal/session.(*Session).runCell(0x0?, 0x25606ef952c0)
	/work/main/internal/session/session.go:139 +0x13a
created by github.com/traefik/yaegi/interp.(*Interpreter).ExecuteWithContext in goroutine 11
	/root/go/pkg/mod/github.com/traefik/yaegi@v0.16.1/interp/program.go:195 +0x172
`

// TestWaitOp classifies goroutines of real stack dumps: a wait counts
// only when it is the cells' own (yaegi's channel operations, a sync
// method called by interpreted code), not inside a compiled function.
func TestWaitOp(t *testing.T) {
	const (
		yaegiWait = `goroutine 26 [sync.WaitGroup.Wait, 3 minutes]:
sync.runtime_SemacquireWaitGroup(0x0?, 0x0?)
	/usr/local/go/src/runtime/sema.go:114 +0x2e
sync.(*WaitGroup).Wait(0x25606f1f42f0)
	/usr/local/go/src/sync/waitgroup.go:206 +0x85
reflect.Value.call({0x128bd60?, 0x25606f1f42f0?, 0x25606ed8ee60?}, {0x1387333, 0x4}, {0x24d3000, 0x0, 0x18?})
	/usr/local/go/src/reflect/value.go:586 +0xf0c
reflect.Value.Call({0x128bd60?, 0x25606f1f42f0?, 0x496f69?}, {0x24d3000?, 0x166d60?, 0x25606ed8eec0?})
	/usr/local/go/src/reflect/value.go:369 +0xb9
github.com/traefik/yaegi/interp.callBin.func2({0x128bd60?, 0x25606f1f42f0?, 0x11b1ca0?}, {0x24d3000?, 0x13722a0?, 0x13943c5?})
	/root/go/pkg/mod/github.com/traefik/yaegi@v0.16.1/interp/run.go:1465 +0x25
created by github.com/traefik/yaegi/interp.callBin.func9 in goroutine 13
	/root/go/pkg/mod/github.com/traefik/yaegi@v0.16.1/interp/run.go:1600 +0x1a5
`
		compiledWait = `goroutine 40 [sync.WaitGroup.Wait]:
sync.runtime_SemacquireWaitGroup(0x0?, 0x0?)
	/usr/local/go/src/runtime/sema.go:114 +0x2e
sync.(*WaitGroup).Wait(0x25606f1f42f0)
	/usr/local/go/src/sync/waitgroup.go:206 +0x85
github.com/gomx-dev/gomx/mathx/cbo.RunMany(0x1, 0x2, {0x3, 0x2, 0x2})
	/work/main/mathx/cbo/many.go:43 +0x1a5
reflect.Value.call({0x128bd60?, 0x25606f1f42f0?, 0x25606ed8ee60?}, {0x1387333, 0x4}, {0x24d3000, 0x0, 0x18?})
	/usr/local/go/src/reflect/value.go:586 +0xf0c
github.com/traefik/yaegi/interp.callBin.func2({0x128bd60?, 0x25606f1f42f0?, 0x11b1ca0?}, {0x24d3000?, 0x13722a0?, 0x13943c5?})
	/root/go/pkg/mod/github.com/traefik/yaegi@v0.16.1/interp/run.go:1465 +0x25
`
		sleep = `goroutine 41 [select]:
github.com/gomx-dev/gomx/internal/stdlib.sleep(0x34630b8a000)
	/work/main/internal/stdlib/overlay.go:31 +0x105
reflect.Value.call({0x11b7160?, 0x15bfcd8?, 0x25606edfce60?}, {0x1387333, 0x4}, {0x25606fbbdd10, 0x1, 0x18?})
	/usr/local/go/src/reflect/value.go:586 +0xf0c
github.com/traefik/yaegi/interp.callBin.func2({0x11b7160?, 0x15bfcd8?, 0x25606f2584d0?}, {0x25606fbbdd10?, 0x0?, 0x13943c5?})
	/root/go/pkg/mod/github.com/traefik/yaegi@v0.16.1/interp/run.go:1465 +0x25
`
		ioWait = `goroutine 21 [IO wait]:
internal/poll.runtime_pollWait(0x7f525db61600, 0x72)
	/usr/local/go/src/runtime/netpoll.go:351 +0x85
internal/poll.(*pollDesc).wait(0x2cd3d8059560?, 0x10?, 0x1)
	/usr/local/go/src/internal/poll/fd_poll_runtime.go:84 +0x27
net.(*netFD).accept(0x2cd3d8059560)
	/usr/local/go/src/net/fd_unix.go:172 +0x29
created by net/http/httptest.(*Server).goServe in goroutine 30
	/usr/local/go/src/net/http/httptest/server.go:335 +0x6c
`
	)
	gs := parseStacks([]byte(cellRecv + "\n" + yaegiWait + "\n" + compiledWait + "\n" + sleep + "\n" + ioWait))
	if len(gs) != 5 {
		t.Fatalf("%d goroutines parsed, want 5", len(gs))
	}
	cases := []struct {
		id       int64
		op       string
		compiled bool
		progress bool
		creator  int64
	}{
		{id: 13, op: "chan receive", creator: 11},
		{id: 26, op: "sync.WaitGroup.Wait", compiled: true, creator: 13},
		{id: 40, op: "", compiled: true},
		{id: 41, op: "", progress: true},
		{id: 21, op: "", progress: true, creator: 30},
	}
	for i, c := range cases {
		g := gs[i]
		if g.id != c.id || g.waitOp() != c.op || g.syncWait() != c.compiled || g.mayProgress() != c.progress || g.creator != c.creator {
			t.Errorf("goroutine %d: id %d, wait %q, compiled %v, progress %v, creator %d; want %+v",
				i, g.id, g.waitOp(), g.syncWait(), g.mayProgress(), g.creator, c)
		}
	}
	if !gs[0].runsCell() || gs[1].runsCell() {
		t.Errorf("runsCell: %v %v, want true false", gs[0].runsCell(), gs[1].runsCell())
	}
	if strings.Contains(gs[1].text, "minutes") {
		t.Errorf("the minutes waited are in the snapshot: %q", gs[1].text)
	}
}

// TestFindEval: with one session in the process, runCell does not take its
// goroutine's id; a check finds the cell's goroutine as the one in runCell
// that the session has not abandoned and no other session owns, and
// finds none when that is ambiguous.
func TestFindEval(t *testing.T) {
	inCell := func(id int) string {
		return strings.Replace(cellRecv, "goroutine 13 ", fmt.Sprintf("goroutine %d ", id), 1)
	}
	const goStmt = `goroutine 30 [chan receive]:
github.com/traefik/yaegi/interp.runCfg(0x25606f0c8780, 0x25606ee20420, 0x25606ef91660?, 0x0?)
	/root/go/pkg/mod/github.com/traefik/yaegi@v0.16.1/interp/run.go:234 +0x265
github.com/gomx-dev/gomx/internal/session.(*Session).goCell(0x0?, 0x25606ef952c0)
	/work/main/internal/session/overlay.go:567 +0x13a
created by github.com/traefik/yaegi/interp.callBin.func9 in goroutine 20
	/root/go/pkg/mod/github.com/traefik/yaegi@v0.16.1/interp/run.go:1600 +0x1a5
`
	other := &Session{}
	cases := []struct {
		name      string
		dump      string
		eval      int64
		abandoned map[int64]bool
		owned     []int64 // by another session
		ok        bool
		want      int64
	}{
		{name: "known", dump: inCell(20), eval: 7, ok: true, want: 7},
		{name: "the cell", dump: inCell(20) + "\n" + goStmt, eval: evalUnknown, ok: true, want: 20},
		{name: "an abandoned cell", dump: inCell(12) + "\n" + inCell(20), eval: evalUnknown,
			abandoned: map[int64]bool{12: true}, ok: true, want: 20},
		{name: "another session's cell", dump: inCell(20) + "\n" + inCell(25), eval: evalUnknown,
			owned: []int64{25}, ok: true, want: 20},
		{name: "ambiguous", dump: inCell(12) + "\n" + inCell(20), eval: evalUnknown, want: evalUnknown},
		{name: "ended", dump: goStmt, eval: evalUnknown, want: evalUnknown},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, id := range c.owned {
				other.own(id)
				defer disown(id)
			}
			d := &deadlockState{eval: c.eval, abandoned: c.abandoned}
			owners.Lock()
			ok := d.findEval(parseStacks([]byte(c.dump)))
			owners.Unlock()
			if ok != c.ok || d.eval != c.want {
				t.Errorf("findEval: %v, eval %d; want %v, %d", ok, d.eval, c.ok, c.want)
			}
		})
	}
}
