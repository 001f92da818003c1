package bandit

import (
	"context"

	"github.com/gomx-dev/gomx/mathx/status"
)

// Status says how a run ended. It is [status.Status], the one status type of
// every mathx package: the constants below are those of mathx/status, so the
// statuses of different families compare equal, and String returns the
// constant's name ("Converged", "Canceled", …).
type Status = status.Status

// The ways a run ends: the constants of mathx/status, with their meaning in
// bandit.
const (
	// Converged: the run played its whole horizon. Bandit runs have no
	// tolerance, so Converged simply means "finished".
	Converged = status.Converged
	// MaxIterReached is not produced by this package (the horizon is the
	// problem's length, not an iteration cap); it exists so Status values
	// have the same names in every mathx package.
	MaxIterReached = status.MaxIterReached
	// Stopped: the Callback returned false.
	Stopped = status.Stopped
	// Canceled: the context was done; the result holds the rounds played.
	Canceled = status.Canceled
	// Failed: a numerical failure (a NaN or ±Inf reward or mean, cumulative
	// means that overflow, a singular design) or a panic in the policy,
	// the environment or the callback; the error says which and when.
	Failed = status.Failed
)

// Settings control Run and Simulate. The zero value of every field is its
// documented default; a nil *Settings means all defaults. There is no
// MaxIter or Tol: the horizon T is an argument and nothing converges.
type Settings struct {
	// Seed seeds the environment's noise (a math/rand/v2 PCG). Simulate
	// runs seeds Seed, Seed+1, …, Seed+Runs-1.
	Seed uint64
	// Context cancels the run; nil means the current cell's context
	// (mathx/interrupt). It is checked every 1024 rounds.
	Context context.Context
	// Callback, when non-nil, is called by Run after every CallbackEvery
	// rounds with the partial result; returning false stops the run with
	// Status Stopped. A panic in it is recovered and returned as an error.
	// Simulate does not call it.
	Callback func(iter int, r *Result) bool
	// CallbackEvery is the number of rounds between callbacks (0 → 1).
	CallbackEvery int
	// Runs is the number of seeds Simulate runs (0 → 20).
	Runs int
	// Points is the number of rounds, evenly spaced and ending at T, at
	// which Simulate records the regret curve (0 → 100, at most T).
	Points int
	// Lower and Upper are the quantile levels of Simulate's band
	// (0 → 0.1 and 0.9).
	Lower, Upper float64
	// Workers is the number of goroutines Simulate uses (0 → GOMAXPROCS).
	// Results do not depend on it.
	Workers int
}

func (s *Settings) orDefault() Settings {
	var v Settings
	if s != nil {
		v = *s
	}
	if v.CallbackEvery <= 0 {
		v.CallbackEvery = 1
	}
	if v.Runs <= 0 {
		v.Runs = 20
	}
	if v.Points <= 0 {
		v.Points = 100
	}
	if v.Lower == 0 {
		v.Lower = 0.1
	}
	if v.Upper == 0 {
		v.Upper = 0.9
	}
	return v
}
