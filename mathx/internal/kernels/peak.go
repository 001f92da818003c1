package kernels

import (
	"runtime"
	"time"
)

// measurePeak runs f in trials of about a millisecond for about d in all
// and returns the best rate in GFLOP/s: on a shared machine some trial
// runs without another thread on the core.
func measurePeak(f func(int), flopsPerIter float64, d time.Duration) float64 {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	iters := 1000
	for {
		t := time.Now()
		f(iters)
		if el := time.Since(t); el > 200*time.Microsecond || iters > 1<<30 {
			iters = int(float64(iters) * float64(time.Millisecond) / float64(el+1))
			break
		}
		iters *= 4
	}
	iters = max(iters, 1)
	best := 0.0
	for start := time.Now(); time.Since(start) < d; {
		t := time.Now()
		f(iters)
		best = max(best, flopsPerIter*float64(iters)/time.Since(t).Seconds()/1e9)
	}
	return best
}
