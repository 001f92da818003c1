package nn

import "github.com/gomx-dev/gomx/mathx/status"

// Status says how a training run ended. It is [status.Status], the one
// status type of every mathx package: the constants below are those of
// mathx/status, so the statuses of different families compare equal, and
// String returns the constant's name ("Converged", "Canceled", …).
type Status = status.Status

// The ways a training run ends: the constants of mathx/status, with their
// meaning in nn.
const (
	// Converged: a batch's loss reached Settings.Tol.
	Converged = status.Converged
	// MaxIterReached: Settings.MaxIter optimiser steps were done.
	MaxIterReached = status.MaxIterReached
	// Stopped: the callback returned false.
	Stopped = status.Stopped
	// Canceled: the context (the cell) was interrupted.
	Canceled = status.Canceled
	// Failed: the loss or a gradient became NaN or infinite (bad data,
	// divergence; the parameters are left as they were before that step),
	// or the callback panicked; the error says which.
	Failed = status.Failed
)
