package collab

import "github.com/gomx-dev/gomx/mathx/status"

// Status says how a routine ended. It is [status.Status], the one status
// type of every mathx package: the constants below are those of
// mathx/status, so statuses of different families compare equal.
type Status = status.Status

// The ways a routine ends: the constants of mathx/status, with their
// meaning in collab.
const (
	// Converged: GeoMedian's step met Settings.Tol; Simulate ran all its
	// rounds (Tol = 0) or the norm of the honest mean gradient met Tol.
	Converged = status.Converged
	// MaxIterReached: Settings.MaxIter iterations ran without meeting
	// the tolerance (GeoMedian, Simulate with Tol > 0).
	MaxIterReached = status.MaxIterReached
	// Stopped: Settings.Callback returned false.
	Stopped = status.Stopped
	// Canceled: the context was done; the result holds the last iterate
	// and the history so far.
	Canceled = status.Canceled
	// Failed: an input or an iterate was not finite (NaN or ±Inf); the
	// error says which.
	Failed = status.Failed
)
