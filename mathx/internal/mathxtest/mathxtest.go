// Package mathxtest holds what the tests of the mathx packages share.
package mathxtest

import (
	"fmt"
	"testing"
	"time"
)

// Promptly runs f, turning a panic into an error, and fails the test when
// f has not returned after a second: the bad-input contract of mathx
// (every routine returns promptly, never hangs).
func Promptly(t testing.TB, name string, f func()) error {
	t.Helper()
	done := make(chan error, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				done <- fmt.Errorf("panic: %v", p)
			}
		}()
		f()
		done <- nil
	}()
	select {
	case err := <-done:
		return err
	case <-time.After(time.Second):
		t.Fatalf("%s: no return within 1 s", name)
		return nil
	}
}
