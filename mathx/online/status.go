package online

import "fmt"

// Status says how a run ended.
type Status int

const (
	// Converged: the run played its whole horizon. Online learning has no
	// tolerance, so Converged simply means "finished".
	Converged Status = iota
	// MaxIterReached is not produced by this package (the horizon is the
	// problem's length, not an iteration cap); it exists so Status values
	// have the same names in every mathx package.
	MaxIterReached
	// Stopped: the Callback returned false.
	Stopped
	// Canceled: the context was done; the result holds the rounds played.
	Canceled
	// Failed: a numerical failure (a non-finite loss or gradient); the
	// error says which.
	Failed
)

// String returns the constant's name.
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
	return fmt.Sprintf("Status(%d)", int(s))
}
