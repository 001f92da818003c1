// Package status defines Status, the way an iterative mathx routine ended.
//
// Every mathx family package (ot, cbo, lasso, online, bandit, sae) reports
// its outcome in Result.Status with this one type. Each of them re-exports
// it as an alias together with the constants, so cbo.Converged,
// ot.Converged and status.Converged are the same value of the same type,
// and a notebook can compare, switch on and print statuses of any family
// without importing this package. What "converged" means (which measure met
// which tolerance) is documented by each family's own constants.
package status

import "strconv"

// Status says how an iterative routine ended. The zero value is Converged.
type Status int

// The ways an iterative routine ends.
const (
	// Converged: the routine's stopping test (usually Settings.Tol) was
	// met, or, for routines without a tolerance, the run finished.
	Converged Status = iota
	// MaxIterReached: Settings.MaxIter iterations ran without meeting the
	// stopping test; the result holds the last iterate.
	MaxIterReached
	// Stopped: Settings.Callback returned false.
	Stopped
	// Canceled: the context (Settings.Context or the cell's, see
	// mathx/interrupt) was done; the result holds the partial solution and
	// history.
	Canceled
	// Failed: the routine failed, typically numerically (a non-finite value
	// appeared); an error saying why is returned with it.
	Failed
)

// String returns the constant's name ("Converged", "MaxIterReached",
// "Stopped", "Canceled", "Failed"), or "Status(n)" for any other value n.
func (s Status) String() string {
	switch s {
	case Converged:
		return "Converged"
	case MaxIterReached:
		return "MaxIterReached"
	case Stopped:
		return "Stopped"
	case Canceled:
		return "Canceled"
	case Failed:
		return "Failed"
	}
	return "Status(" + strconv.Itoa(int(s)) + ")"
}
