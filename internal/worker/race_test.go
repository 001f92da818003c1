//go:build race

package worker_test

// raceEnabled: the race detector's shadow memory does not fit under the
// worker's RLIMIT_AS, so the memory-limit tests cannot run with -race.
const raceEnabled = true
