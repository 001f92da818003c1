package interrupt

import (
	"context"
	"sync"
	"testing"
)

// TestPropertyContext is issue 18's property test for interrupt: Set with
// a nil or an already cancelled context, Or with nil, and Set and Context
// from many goroutines at once (run with -race) always leave Context a
// non-nil context: Background after Set(nil), the context last set
// otherwise.
func TestPropertyContext(t *testing.T) {
	defer Set(nil)
	done, cancel := context.WithCancel(context.Background())
	cancel()
	Set(done)
	if Context() != done || Context().Err() == nil || Or(nil) != done {
		t.Fatal("a cancelled context given to Set is not the current one")
	}
	Set(nil)
	if Context() != context.Background() || Or(nil) != context.Background() {
		t.Fatal("Set(nil) does not give Background")
	}
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			for j := 0; j < 1000; j++ {
				if i%2 == 0 {
					Set(done)
				} else if Context() == nil || Or(nil) == nil {
					t.Error("Context returned nil")
					return
				}
			}
		}(i)
	}
	wg.Wait()
	if Context() != done {
		t.Error("after concurrent Sets of one context, Context is not it")
	}
}
