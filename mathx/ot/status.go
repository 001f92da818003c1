package ot

import "github.com/gomx-dev/gomx/mathx/status"

// Status says how an iterative solver ended. It is [status.Status], the one
// status type of every mathx package: the constants below are those of
// mathx/status, so the statuses of different families compare equal, and
// String returns the constant's name ("Converged", "Canceled", …).
type Status = status.Status

// The ways an iterative solver ends: the constants of mathx/status, with
// their meaning in ot.
const (
	// Converged means the stopping test (Settings.Tol) was met.
	Converged = status.Converged
	// MaxIterReached means Settings.MaxIter iterations ran without meeting
	// the stopping test; the result is the last iterate.
	MaxIterReached = status.MaxIterReached
	// Stopped means Settings.Callback returned false.
	Stopped = status.Stopped
	// Canceled means the context was done; the result is the last iterate.
	Canceled = status.Canceled
	// Failed means a data problem or a numerical failure; an error saying
	// what and where is returned with it and the Result has no plan: a bad
	// marginal or cost entry, ErrInfeasible (unequal masses, or a row or
	// column of M that is +Inf wherever the other side has mass),
	// ErrUnderflow (Sinkhorn), or a NaN marginal error or plan entry that
	// appeared during the run.
	Failed = status.Failed
)
