//go:build unix

package worker_test

import (
	"context"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gomx-dev/gomx/engine"
	"github.com/gomx-dev/gomx/internal/worker/workertest"
)

// slowInput answers Input after a delay.
type slowInput struct {
	workertest.Recorder
	delay  time.Duration
	answer string
}

func (r *slowInput) Input(prompt string, password bool) (string, error) {
	<-time.After(r.delay) // a wait on a channel, as the worker's Input
	return r.answer, nil
}

// TestSessionDeadlock: through the worker, a deadlocked cell fails after
// about 3 s (1 s before the first poll, 2 s of deadlock) with Go's fatal
// error and the session lives; a cell waiting 4.5 s (longer, so that the
// case can fail) for a timer, input, a compiled call or an HTTP request
// does not. Each case runs in a worker of its own, all at once.
func TestSessionDeadlock(t *testing.T) {
	if raceEnabled {
		// As TestSessionInterrupt: cancelling a cell leaves yaegi's
		// abandoned evaluation racing with the next cell. And the cells'
		// goroutines write the tag variable $at, which the report reads,
		// with no synchronisation (see skipDeadlockUnderRace in
		// internal/session).
		t.Skip("yaegi's abandoned evaluations race with the next cell, and the tag variable $at (see the comment)")
	}
	cases := []struct {
		name   string
		before string // a cell run first; its value is given to dial
		code   string
		out    engine.Output
		// dial, when set, runs 4.5 s after the cell started, with the value
		// of before
		dial func(before string) error
		// dead: the cell must fail with the deadlock, the error's Value
		// containing want; otherwise it must give value
		dead  bool
		want  string
		value string
	}{
		{name: "receive", code: "kept = 43\nch := make(chan int)\n<-ch", dead: true,
			want: "[chan receive]: the cell, at line 3, column 1 of this cell"},
		{name: "waitgroup", code: "var wg sync.WaitGroup\nwg.Add(1)\nwg.Wait()", dead: true,
			want: "[sync.WaitGroup.Wait]: the cell, at line 3, column 1 of this cell"},
		{name: "goroutines", code: "done := make(chan bool)\na, b := make(chan int), make(chan int)\n" +
			"go func() { <-a; b <- 1 }()\ngo func() { <-b; a <- 1 }()\n<-done", dead: true,
			want: "[chan receive]: started by the cell"},
		{name: "time.After", code: "<-time.After(4500 * time.Millisecond)\nkept", value: "42"},
		{name: "input", code: "var in string\nfmt.Scanln(&in)\nin", out: &slowInput{delay: 4500 * time.Millisecond, answer: "hello"},
			value: `"hello"`},
		// goroutines outside the cells, of compiled code, that may wake
		// them: in a worker of their own, they keep the other cases from
		// being reported (see TestDeadlockNotReported in internal/session)
		{name: "WaitGroup.Go", code: "var wg sync.WaitGroup\nwg.Go(func() { time.Sleep(4500 * time.Millisecond) })\nwg.Wait()\nkept", value: "42"},
		// a compiled call that waits for its own goroutines (wg.Wait in
		// cbo.RunMany) for 4.5 s
		{name: "compiled", code: "import \"github.com/gomx-dev/gomx/mathx/cbo\"\n" +
			"batch := func(X *mat.Dense, f []float64) { time.Sleep(10 * time.Millisecond) }\n" +
			"rs, err := cbo.RunMany(&cbo.Problem{Dim: 1, Batch: batch}, &cbo.Settings{MaxIter: 450, Tol: -1}, []uint64{1, 2})\n" +
			"fmt.Sprint(len(rs), err)", value: `"2 <nil>"`},
		{name: "HTTP server", before: "import \"net/http/httptest\"\nhit := make(chan string)\n" +
			"srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hit <- r.URL.Path }))\nsrv.URL",
			code: "<-hit", value: `"/x"`,
			dial: func(url string) error {
				resp, err := http.Get(url + "/x")
				if err == nil {
					resp.Body.Close()
				}
				return err
			}},
	}
	// All at once, each in a goroutine of its own (the cases wait, and
	// t.Parallel would run only GOMAXPROCS of them at a time).
	type outcome struct {
		c    *engine.Client
		res  engine.ExecResult
		took time.Duration
		err  error
	}
	outcomes := make([]outcome, len(cases))
	var wg sync.WaitGroup
	for i, c := range cases {
		wg.Go(func() {
			o := &outcomes[i]
			if o.c, o.err = engine.NewClient(engine.ClientOptions{Binary: os.Args[0], Env: []string{sessionWorkerEnv + "=1"}}); o.err != nil {
				return
			}
			if res := o.c.Execute(context.Background(), "kept := 42", engine.ExecOptions{}, &workertest.Recorder{}); res.Error != nil {
				o.err = res.Error
				return
			}
			before := ""
			if c.before != "" {
				res := o.c.Execute(context.Background(), c.before, engine.ExecOptions{}, &workertest.Recorder{})
				if res.Error != nil {
					o.err = res.Error
					return
				}
				before = strings.Trim(workertest.Value(res), `"`)
			}
			dialed := make(chan error, 1)
			if c.dial != nil {
				go func() {
					time.Sleep(4500 * time.Millisecond)
					dialed <- c.dial(before)
				}()
			} else {
				dialed <- nil
			}
			defer func() {
				if err := <-dialed; err != nil && o.err == nil {
					o.err = err
				}
			}()
			out := c.out
			if out == nil {
				out = &workertest.Recorder{MIMEs: true}
			}
			start := time.Now()
			o.res = o.c.Execute(context.Background(), c.code, engine.ExecOptions{AllowStdin: true}, out)
			o.took = time.Since(start)
		})
	}
	wg.Wait()
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := &outcomes[i]
			if o.c != nil {
				defer o.c.Close()
			}
			if o.err != nil {
				t.Fatal(o.err)
			}
			res, took := o.res, o.took
			t.Logf("%s: %v", c.name, took)
			if !c.dead {
				if res.Error != nil || workertest.Value(res) != c.value {
					t.Fatalf("result %q %+v, want %s", workertest.Value(res), res.Error, c.value)
				}
				if took < 4*time.Second {
					t.Errorf("the cell took %v: it did not wait", took)
				}
				return
			}
			e := res.Error
			if e == nil || e.Kind != engine.RuntimePanic || e.Name != "fatal error" || e.Status != 2 ||
				!strings.HasPrefix(e.Value, engine.DeadlockMessage) || !strings.Contains(e.Value, c.want) {
				t.Fatalf("result %+v, want the deadlock with %q", e, c.want)
			}
			if took < 2900*time.Millisecond || took > 10*time.Second {
				t.Errorf("the deadlock was reported after %v, want about 3 s", took)
			}
			want := "42"
			if strings.HasPrefix(c.code, "kept = 43") {
				want = "43"
			}
			if res := run(t, o.c, "kept", nil); res.Error != nil || workertest.Value(res) != want {
				t.Errorf("after the deadlock: %q %v, want %s", workertest.Value(res), res.Error, want)
			}
		})
	}
}
