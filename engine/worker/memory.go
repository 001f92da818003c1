package worker

import (
	"fmt"
	"os"
	"runtime/debug"
	"runtime/metrics"
	"time"

	"github.com/gomx-dev/gomx/engine"
)

// The heap watchdog: while a cell runs, it samples the heap every
// watchInterval and cancels the cell with ErrMemoryLimit when the live heap
// (as of the last garbage collection) passes liveFraction of the limit, or
// the heap including garbage not yet swept passes heapFraction of it. The
// Go runtime's soft limit (the limit itself) makes the collector work
// harder before that. RLIMIT_DATA (Linux) is the hard stop for allocations
// the watchdog cannot see coming, such as one huge compiled make: it is set
// to the limit plus what the process had mapped at start plus rlimitSlack,
// so that the watchdog acts first whenever it can.
const (
	watchInterval = 2 * time.Millisecond
	liveFraction  = 0.8
	heapFraction  = 0.9
	rlimitSlack   = 64 << 20
)

// setMemoryLimit applies limit bytes (0: none) to this process.
func setMemoryLimit(limit int64) error {
	if limit <= 0 {
		return nil
	}
	debug.SetMemoryLimit(limit)
	return setRlimitData(limit + rlimitSlack)
}

// watchMemory starts the watchdog for c and returns its stop function. After
// cancelling the cell it keeps watching: if the heap still grows past
// the limit (compiled code does not stop on cancel), the
// worker writes "fatal error: out of memory" to its crash output and
// exits, rather than let the kernel's limit fail an allocation somewhere
// inside the Go runtime.
func (w *worker) watchMemory(c *cell) (stop func()) {
	if w.limit <= 0 {
		return func() {}
	}
	done := make(chan struct{})
	go func() {
		samples := []metrics.Sample{
			{Name: "/gc/heap/live:bytes"},
			{Name: "/memory/classes/heap/objects:bytes"},
		}
		live := uint64(float64(w.limit) * liveFraction)
		heap := uint64(float64(w.limit) * heapFraction)
		hard := uint64(w.limit)
		cancelled := false
		t := time.NewTicker(watchInterval)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
			}
			metrics.Read(samples)
			l, h := samples[0].Value.Uint64(), samples[1].Value.Uint64()
			switch {
			case cancelled && h > hard:
				fmt.Fprintf(w.crash, "fatal error: out of memory: the heap (%s) passed the worker's memory limit of %s in code that cannot be interrupted\n",
					engine.FormatBytes(int64(h)), engine.FormatBytes(w.limit))
				os.Exit(2)
			case !cancelled && (l > live || h > heap):
				w.logf("heap watchdog: live %d, heap objects %d bytes, limit %d: cancelling cell %d", l, h, w.limit, c.id)
				c.cancel(ErrMemoryLimit)
				cancelled = true
			}
		}
	}()
	return func() { close(done) }
}
