package curvature

import "github.com/gomx-dev/gomx/mathx/status"

// Status says how a routine ended. It is [status.Status], the one status
// type of every mathx package: the constants below are those of
// mathx/status, so statuses of different families compare equal, and
// String returns the constant's name ("Converged", "Canceled", …).
type Status = status.Status

// The ways a routine ends: the constants of mathx/status, with their
// meaning in curvature.
const (
	// Converged: Lanczos's wanted Ritz pairs or the power iteration's
	// eigenpair met Settings.Tol; Hutchinson's relative standard error met
	// Settings.Tol; or a routine without a tolerance (SLQ, Hutchinson with
	// Tol = 0) did all its probes.
	Converged = status.Converged
	// MaxIterReached: Settings.MaxIter iterations ran without meeting the
	// tolerance; the result holds the last estimates.
	MaxIterReached = status.MaxIterReached
	// Stopped: Settings.Callback returned false.
	Stopped = status.Stopped
	// Canceled: the context was done; the result holds what was computed.
	Canceled = status.Canceled
	// Failed: a product with the operator returned NaN or ±Inf, or the
	// tridiagonal eigensolver did not converge; the error says which.
	Failed = status.Failed
)
