package lasso

import "github.com/gomx-dev/gomx/mathx/status"

// Status says how a solver stopped. It is [status.Status], the one status
// type of every mathx package: the constants below are those of
// mathx/status, so the statuses of different families compare equal, and
// String returns the constant's name ("Converged", "Canceled", …).
type Status = status.Status

// The ways a solver stops: the constants of mathx/status, with their meaning in lasso.
const (
	// Converged: the convergence measure (the relative duality gap, or the
	// gradient-mapping norm for the composite solvers) reached Settings.Tol.
	Converged = status.Converged
	// MaxIterReached: Settings.MaxIter iterations (see Result.Iterations)
	// ran out.
	MaxIterReached = status.MaxIterReached
	// Stopped: the Callback returned false.
	Stopped = status.Stopped
	// Canceled: the context was done.
	Canceled = status.Canceled
	// Failed: A, b or X0 holds NaN or ±Inf, a non-finite value appeared
	// during the run, or ISTA/FISTA's backtracking found no sufficient
	// decrease in its 100 trials; the error says which and where, and X is
	// the last finite iterate.
	Failed = status.Failed
)
