package worker

import (
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"time"

	"github.com/gomx-dev/gomx/engine"
)

// The memory limit has three parts. The Go runtime's soft limit (the limit
// itself) makes the collector work harder as the heap nears it. The heap
// watchdog (watchMemory) cancels the running cell when the live heap (as
// of the last collection) or the heap with its unswept garbage nears the
// limit, and ends the worker when the heap passes it by most of the slack.
// RLIMIT_DATA and RLIMIT_AS (Linux), the limit plus what the process had
// mapped at start plus the address slack, stop what the watchdog cannot:
// one huge allocation, and memory outside the Go heap.
const (
	busyInterval = 2 * time.Millisecond
	idleInterval = 100 * time.Millisecond
	liveFraction = 0.75
	heapFraction = 0.85
	minSlack     = 64 << 20
)

// slack is how far above the limit the heap may grow before the watchdog
// ends the worker (by three quarters of it): one and a half times the
// limit, at least minSlack. A slice that grows by append near the limit
// has its new array beside the old one: with the old array near L/2 that
// is about 1.5·L at once, past which the watchdog could not cancel the
// cell in time and the worker would die instead.
func slack(limit int64) int64 { return max(minSlack, limit*3/2) }

// addressSlack is how far above the limit the process may map memory
// before RLIMIT_DATA stops it: three times the limit, at least minSlack.
// The Go heap keeps the address space of memory it returned, and a slice
// that grows by append cannot reuse its old, smaller arrays' space for the
// new: a slice grown up to the limit L leaves about 4·L mapped (measured:
// with 2.5·L the worker died on the first such cell at a 2 GiB limit).
func addressSlack(limit int64) int64 { return max(minSlack, limit*3) }

// setMemoryLimit applies limit bytes (0: none) to this process. A
// goroutine's stack is capped at a quarter of the limit (Go's default of
// 1 GiB when that is less), so that recursion without end is a stack
// overflow, not a process that runs out of memory growing the stack.
func setMemoryLimit(limit int64) error {
	if limit <= 0 {
		return nil
	}
	debug.SetMemoryLimit(limit)
	debug.SetMaxStack(int(min(1<<30, limit/4)))
	return setRlimits(limit + addressSlack(limit))
}

// rearmRlimits moves the rlimits to the limit and address slack above what the
// process maps now. A cell the watchdog stopped leaves address space that
// the Go heap keeps though it returned the memory, and that a later
// growth cannot always reuse (a slice that doubles needs a larger piece):
// without this, the rlimits would end the worker a few such cells later.
func rearmRlimits(limit int64) error {
	if limit <= 0 {
		return nil
	}
	return setRlimits(limit + addressSlack(limit))
}

// watchMemory samples the heap for as long as the worker lives: every
// busyInterval while a cell runs (from busyInterval after its start),
// every idleInterval between cells. It
// cancels the running cell with ErrMemoryLimit when the live heap passes
// liveFraction of the limit or the heap passes heapFraction of it. When
// the heap passes the limit plus 3/4 of the slack (compiled code does not
// stop on cancel), the worker writes "fatal error: out of memory" to its
// crash output and exits. One huge allocation is the rlimits' job: the
// watchdog may not run until it is done.
//
// Between cells it also sets the collector's GOGC (gcTuner), unless the
// user's environment sets GOGC, and at the first of its ticks between
// cells it makes the heap's headroom resident (warmHeap), after the
// worker's start and usually before the first cell, with which it would
// compete. Without a limit it does only that.
func (w *worker) watchMemory() {
	hard := uint64(w.limit + slack(w.limit)*3/4)
	var cancelled *cell
	tune := newGCTuner()
	warm := true // at the first tick between cells
	for {
		<-w.watch.C
		w.mu.Lock()
		idle := w.run == nil
		if idle {
			w.watch.Reset(idleInterval)
		} else {
			w.watch.Reset(busyInterval)
		}
		w.mu.Unlock()
		if idle {
			tune.update()
			if warm && !tune.off {
				warmHeap(warmSize(w.limit))
			}
			warm = false
		}
		if w.limit <= 0 {
			continue
		}
		if _, h := heapNow(); h > hard {
			// the figure counts garbage not yet swept, which a
			// collection may free
			runtime.GC()
			if _, h = heapNow(); h > hard {
				fmt.Fprintf(w.crash, "fatal error: out of memory: the heap (%s) passed the worker's memory limit of %s\n",
					engine.FormatBytes(int64(h)), engine.FormatBytes(w.limit))
				os.Exit(2)
			}
		}
		w.mu.Lock()
		c := w.run
		w.mu.Unlock()
		if c != nil && c != cancelled && w.overLimit() {
			w.logf("heap watchdog: limit %d: cancelling cell %d", w.limit, c.id)
			c.cancel(ErrMemoryLimit)
			cancelled = c
		}
	}
}

// The collector's pace. Go's default, GOGC=100, collects when the heap
// has doubled since the last collection. A session's live heap is small
// (about 6 MiB: the interpreter and its tables), and each cell allocates
// tens of kilobytes compiling itself, so the default collects every few
// dozen cells, a cost of tens of microseconds of CPU per cell, a fifth of
// a trivial cell's (measured with perf stat over BenchmarkRoundTrip).
// The tuner gives the heap at least minHeadroom of room instead, as Go
// does once the live heap has grown past it.
const (
	minHeadroom  = 64 << 20
	maxGCPercent = 2000
)

// gcPercent is the GOGC that gives a live heap of live bytes at least
// minHeadroom of room before the next collection, between 100 and
// maxGCPercent.
func gcPercent(live uint64) int {
	if live == 0 {
		return maxGCPercent
	}
	return int(min(max(100*minHeadroom/live, 100), maxGCPercent))
}

// A gcTuner sets GOGC from the live heap, until the user sets it: in the
// environment, or by debug.SetGCPercent in a cell.
type gcTuner struct {
	off     bool // the user has set GOGC: their choice stays
	percent int  // the GOGC set last
}

func newGCTuner() *gcTuner {
	t := &gcTuner{off: os.Getenv("GOGC") != "", percent: 100}
	t.update()
	return t
}

// update sets GOGC for the live heap as of the last collection, when it
// differs from the last setting by more than a fifth.
func (t *gcTuner) update() {
	if t.off {
		return
	}
	samples := []metrics.Sample{{Name: "/gc/gogc:percent"}, {Name: "/gc/heap/live:bytes"}}
	metrics.Read(samples)
	if int(samples[0].Value.Uint64()) != t.percent {
		t.off = true // a cell set it
		return
	}
	p := gcPercent(samples[1].Value.Uint64())
	if d := p - t.percent; d*5 > t.percent || -d*5 > t.percent {
		debug.SetGCPercent(p)
		t.percent = p
	}
}

// heapNow returns the live heap as of the last collection and the bytes
// of heap objects now (unswept garbage included).
func heapNow() (live, objects uint64) {
	samples := []metrics.Sample{
		{Name: "/gc/heap/live:bytes"},
		{Name: "/memory/classes/heap/objects:bytes"},
	}
	metrics.Read(samples)
	return samples[0].Value.Uint64(), samples[1].Value.Uint64()
}

// overLimit reports whether the heap is past what a cell may use: the live
// heap past liveFraction of the limit, or the heap objects past
// heapFraction of it, after a collection (the figures are as of the last
// one: memory an earlier cell let go of still counts until the next).
func (w *worker) overLimit() bool {
	if w.limit <= 0 {
		return false
	}
	live := uint64(float64(w.limit) * liveFraction)
	heap := uint64(float64(w.limit) * heapFraction)
	if l, h := heapNow(); l <= live && h <= heap {
		return false
	}
	runtime.GC()
	l, h := heapNow()
	return l > live || h > heap
}

// warmSize is how much of the heap's headroom warmHeap touches: the
// headroom the GC tuner gives, at most a quarter of the memory limit.
func warmSize(limit int64) int64 {
	if limit > 0 {
		return min(minHeadroom, limit/4)
	}
	return minHeadroom
}

// warmHeap makes n bytes of heap resident before the cells need them. A
// new worker's heap grows into memory the process has never touched, and
// with the tuner's headroom it keeps doing so for its first thousand or so
// trivial cells: each page a cell's allocations reach first costs a page
// fault in which the kernel zeroes it, about a third of the worker's CPU
// time in a trivial cell (perf record of the worker under bench/kernel:
// clear_page_erms, 13 minor faults a cell). Touching the headroom once,
// while the worker waits between cells, moves that cost out of the
// cells: the collection frees the block at once, the heap reuses its pages
// for the cells' objects, and the scavenger leaves them while the heap is
// below its goal.
func warmHeap(n int64) {
	b := make([]byte, n)
	for i := 0; i < len(b); i += os.Getpagesize() {
		b[i] = 1
	}
	runtime.KeepAlive(b)
	runtime.GC()
}
