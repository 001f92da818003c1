package engine

import "errors"

// ErrDeadlock is the cause with which the worker cancels a cell whose
// goroutines have all been blocked for a while (see Deadlocker and the
// package doc's state diagram).
var ErrDeadlock = errors.New(DeadlockMessage)

// DeadlockMessage is the message of a deadlocked cell's error, Go's own.
const DeadlockMessage = "all goroutines are asleep - deadlock!"

// A Deadlocker is an Engine that can tell a running cell that can never go
// on. The worker polls it while a cell runs long and cancels the cell with
// ErrDeadlock when it has reported a deadlock at every poll for a while;
// the cell's result is then the error the last poll returned.
type Deadlocker interface {
	// Deadlocked returns, when every goroutine of the running cell is
	// blocked on a channel, a select or a sync wait of its own code and
	// nothing can wake one (no timer is pending, no goroutine sleeps,
	// waits for input, on I/O or in a system call), the error that
	// describes them: Kind RuntimePanic, Name "fatal error", Value
	// DeadlockMessage and the goroutines, Status 2. Otherwise, and
	// between cells, it returns nil. It may be called from any
	// goroutine while a cell runs.
	Deadlocked() *Error
}
