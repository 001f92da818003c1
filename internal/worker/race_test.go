//go:build race

package worker_test

// raceEnabled is set when the tests run under -race. The race detector's
// shadow memory does not fit under the worker's RLIMIT_AS, so the
// memory-limit tests cannot run with it; the interrupt tests hit yaegi's
// races around abandoned evaluations (see TestSessionInterrupt).
const raceEnabled = true
