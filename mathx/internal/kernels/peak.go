package kernels

import (
	"runtime"
	"time"
)

// measurePeak runs f in rounds sized to about d/5 each and returns the best
// rate in GFLOP/s.
func measurePeak(f func(int), flopsPerIter float64, d time.Duration) float64 {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	iters := 1000
	for {
		t := time.Now()
		f(iters)
		if el := time.Since(t); el > d/50 || iters > 1<<30 {
			iters = int(float64(iters) * float64(d/5) / float64(el+1))
			break
		}
		iters *= 4
	}
	iters = max(iters, 1)
	best := 0.0
	for r := 0; r < 5; r++ {
		t := time.Now()
		f(iters)
		best = max(best, flopsPerIter*float64(iters)/time.Since(t).Seconds()/1e9)
	}
	return best
}
