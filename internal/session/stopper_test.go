package session

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/gomx-dev/gomx/engine"
)

// TestInterruptSelectEveryTime: a select statement waits in the runtime's
// Select (selects.go), which the interpreter cannot end by itself; every
// interrupt of a cell waiting in one ends it, and only it: four sessions,
// 300 interrupts each, each as the cell reaches its select or waits in it.
//
// It does not reproduce the race that made the stop reach the runtime's
// Select from the cell's Execute rather than a context.AfterFunc (the
// AfterFunc could be unregistered before it started, as a cancelled
// context closes Done before it starts its AfterFuncs): it passes on that
// code too. Cells interrupted before their code starts are
// TestInterruptBeforeStart's.
func TestInterruptSelectEveryTime(t *testing.T) {
	skipUnderRace(t)
	concurrently(4, func(int) { interruptSelects(t, 300) })
}

// started is an Output that tells when its cell first writes to stdout.
type started struct {
	recorder
	once sync.Once
	ch   chan struct{}
}

func (o *started) Stream(name, text string) {
	o.recorder.Stream(name, text)
	o.once.Do(func() { close(o.ch) })
}

func interruptSelects(t *testing.T, runs int) {
	s := newSession(t)
	exec(t, s, "n := 0")
	code := "fmt.Println(\"waiting\")\nch := make(chan int)\nselect {\ncase v := <-ch:\n\tn = v\ncase ch <- 1:\n}"
	for i := 0; i < runs; i++ {
		ctx, cancel := context.WithCancel(context.Background())
		out := &started{ch: make(chan struct{})}
		done := make(chan engine.ExecResult, 1)
		go func() { done <- s.Execute(ctx, code, engine.ExecOptions{}, out) }()
		select {
		case <-out.ch:
		case res := <-done:
			t.Errorf("run %d: the cell ended before it was interrupted: %+v", i, res)
			cancel()
			return
		case <-time.After(10 * time.Second):
			t.Errorf("run %d: the cell did not start in 10 s", i)
			cancel()
			return
		}
		// the interrupt comes as the cell reaches its select or waits in it
		time.Sleep(time.Duration(i%4) * 100 * time.Microsecond)
		cancel()
		select {
		case res := <-done:
			if res.Error == nil || res.Error.Kind != engine.Interrupted {
				t.Errorf("run %d: result %+v, want Interrupted", i, res)
			}
		case <-time.After(10 * time.Second):
			t.Errorf("run %d: the interrupted select did not end in 10 s", i)
			return
		}
	}
	if res, _ := exec(t, s, "n"); res.Error != nil || res.Value.Text() != "0" {
		t.Errorf("n after the interrupts: %+v", res)
	}
}

// TestInterruptBeforeStart: a cell cancelled before its code starts
// (while it is compiled, say) fails as interrupted without running, and
// the next cell, sent at once, runs alone. When yaegi was stopped before
// the code started, its evaluation goroutine could miss the stop and run
// the cancelled cell's program beside the next cell: under -race (make
// race) a data race on the interpreter's global frame, and once every later
// cell waiting for the frame's lock.
func TestInterruptBeforeStart(t *testing.T) {
	s := newSession(t)
	exec(t, s, "n := 0\nvar xs []int")
	for i := range 100 {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		// a new variable each time: the next cell's compilation grows
		// the global frame that the cancelled cell's run would resize
		res := s.Execute(ctx, fmt.Sprintf("v%d := %d\nn++", i, i), engine.ExecOptions{}, &recorder{})
		if res.Error == nil || res.Error.Kind != engine.Interrupted {
			t.Fatalf("run %d: result %+v, want Interrupted", i, res)
		}
		if res, _ := exec(t, s, fmt.Sprintf("w%d := %d\nxs = append(xs, w%d)\nn", i, i, i)); res.Error != nil || res.Value.Text() != "0" {
			t.Fatalf("run %d: next cell: %+v", i, res)
		}
	}
}
