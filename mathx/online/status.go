package online

import "github.com/gomx-dev/gomx/mathx/status"

// Status says how a run ended. It is [status.Status], the one status type of
// every mathx package: the constants below are those of mathx/status, so the
// statuses of different families compare equal, and String returns the
// constant's name ("Converged", "Canceled", …).
type Status = status.Status

// The ways a run ends: the constants of mathx/status, with their meaning in
// online.
const (
	// Converged: the run played its whole horizon. Online learning has no
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
	// Failed: a numerical failure (a non-finite loss or gradient, or a
	// point to play that is not finite) or a panic in the environment, the
	// hint or the callback; the error says which and in which round.
	Failed = status.Failed
)
