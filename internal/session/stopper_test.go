package session

import (
	"context"
	"testing"
	"time"

	"github.com/gomx-dev/gomx/engine"
)

// TestInterruptSelectEveryTime: a select statement waits in the runtime's
// Select (selects.go), which the interpreter cannot end by itself; every
// interrupt ends it, and only it. When the stopper was told from a
// context.AfterFunc, four sessions interrupted 300 times each left 1 to 3
// selects waiting for good (the cell's Execute returned and unregistered
// the AfterFunc before the cancelled context started it) and, once in 2,400
// cells, a late stop ended the next cell's select, which then reported no
// error.
func TestInterruptSelectEveryTime(t *testing.T) {
	skipUnderRace(t)
	concurrently(4, func(int) { interruptSelects(t, 300) })
}

func interruptSelects(t *testing.T, runs int) {
	s := newSession(t)
	exec(t, s, "n := 0")
	code := "ch := make(chan int)\nselect {\ncase v := <-ch:\n\tn = v\ncase ch <- 1:\n}"
	for i := 0; i < runs; i++ {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan engine.ExecResult, 1)
		go func() { done <- s.Execute(ctx, code, engine.ExecOptions{}, &recorder{}) }()
		time.Sleep(time.Millisecond)
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
		t.Fatalf("n after the interrupts: %+v", res)
	}
}
