package worker

import (
	"time"

	"github.com/gomx-dev/gomx/engine"
)

// Deadlock detection, the worker's part (see the engine package doc): a
// cell that has run deadlockFirst is polled every deadlockPoll; when the
// engine has reported a deadlock at every poll for deadlockAfter, the
// worker cancels the cell with engine.ErrDeadlock and the cell's result is
// the error of the last poll. A poll is one stack dump of the process
// (a few hundred microseconds), so the cost is negligible and only paid
// while a cell runs long.
const (
	deadlockFirst = time.Second
	deadlockPoll  = 250 * time.Millisecond
	deadlockAfter = 2 * time.Second
)

// watchDeadlock starts polling the engine, when it is an
// engine.Deadlocker, while cell c runs. The function it returns, called
// once the cell's Execute has returned, waits until the polling has
// stopped (so that no poll overlaps the next cell) and returns the
// deadlock with which it cancelled the cell, or nil.
func (w *worker) watchDeadlock(c *cell) func() *engine.Error {
	d, ok := w.eng.(engine.Deadlocker)
	if !ok {
		return func() *engine.Error { return nil }
	}
	var dead *engine.Error
	stopped := make(chan struct{})
	// no goroutine before deadlockFirst: most cells end sooner
	t := time.AfterFunc(deadlockFirst, func() {
		defer close(stopped)
		var since time.Time // the first of the polls that saw the deadlock
		for {
			select {
			case <-c.done:
				return
			case <-c.ctx.Done():
				return // interrupted: the interrupt's state machine goes on
			default:
			}
			e := d.Deadlocked()
			now := time.Now()
			switch {
			case e == nil:
				since = time.Time{}
			case since.IsZero():
				since = now
			case now.Sub(since) >= deadlockAfter:
				w.logf("cell %d deadlocked for %v: cancelling it", c.id, now.Sub(since))
				dead = e
				c.cancel(engine.ErrDeadlock)
				return
			}
			select {
			case <-c.done:
				return
			case <-c.ctx.Done():
				return
			case <-time.After(deadlockPoll):
			}
		}
	})
	return func() *engine.Error {
		if t.Stop() {
			return nil // the polling never started
		}
		<-stopped
		return dead
	}
}
