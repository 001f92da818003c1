package cbo

import "github.com/gomx-dev/gomx/mathx/status"

// Status says why a run ended. It is [status.Status], the one status type of
// every mathx package: the constants below are those of mathx/status, so the
// statuses of different families compare equal, and String returns the
// constant's name ("Converged", "Canceled", …).
type Status = status.Status

// The ways a run ends: the constants of mathx/status, with their meaning in
// cbo.
const (
	// Converged: after at least one step (at once only when a box pins
	// every coordinate), the consensus diameter fell to Settings.Tol, or
	// the consensus point moved by at most Settings.DiffTol in one step.
	Converged = status.Converged
	// MaxIterReached: Settings.MaxIter steps were done.
	MaxIterReached = status.MaxIterReached
	// Stopped: Settings.Callback returned false.
	Stopped = status.Stopped
	// Canceled: the context (Settings.Context or the cell's) was done.
	Canceled = status.Canceled
	// Failed: numerical failure (particles diverged, no finite energy), a
	// swarm that starts at one point and so cannot move, or a panic in the
	// objective or the callback; the error says which.
	Failed = status.Failed
)
