package cbo

import (
	"fmt"
	"runtime"
	"sync"
)

// RunMany runs Minimize once per seed (Settings.Seed is replaced by each
// seed in turn), the runs in parallel on GOMAXPROCS goroutines. Each run
// is sequential and has its own generator, so results[i] is bit-identical
// to Minimize with Seed = seeds[i], whatever GOMAXPROCS or scheduling.
// The objective and the callback must be safe for concurrent use. A panic
// in the objective or callback of one run ends that run with Status
// Failed; RunMany returns every result together with the error of the
// first failed run (in seed order), naming its seed. All goroutines end
// before it returns.
func RunMany(p *Problem, s *Settings, seeds []uint64) ([]*Result, error) {
	q := resolve("cbo.RunMany", p, s)
	results := make([]*Result, len(seeds))
	errs := make([]error, len(seeds))
	workers := min(runtime.GOMAXPROCS(0), len(seeds))
	var next int
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				i := next
				next++
				mu.Unlock()
				if i >= len(seeds) {
					return
				}
				qi := q
				qi.seed = seeds[i]
				results[i], errs[i] = minimizeSafe(p, &qi)
			}
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			return results, fmt.Errorf("cbo.RunMany: run %d (seed %d): %w", i, seeds[i], err)
		}
	}
	return results, nil
}

// minimizeSafe is minimize with any remaining panic turned into an error,
// so that no panic escapes a worker goroutine.
func minimizeSafe(p *Problem, q *params) (res *Result, err error) {
	defer func() {
		if e := recover(); e != nil {
			err = fmt.Errorf("cbo: panic: %v", e)
			if res == nil {
				res = &Result{}
			}
			res.Status = Failed
		}
	}()
	return minimize(p, q)
}
