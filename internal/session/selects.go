package session

import (
	"reflect"
	"runtime"
	"sync"
)

// Select statements: the front end lowers a select statement into a call
// of the runtime's Select, with the operands of its cases, and a switch
// on the index it returns. yaegi v0.16.1 keeps one slice of cases per select
// statement and fills it on each execution, so goroutines running the same
// select at once overwrite each other's channels and wait on another's
// (a hang, or a value received by the wrong goroutine); Select builds its
// cases on each call.

// stopper tells the runtime's blocking helpers that the interpreter stopped
// its code (a cancelled cell): yaegi then ends every interpreted
// goroutine at its next step, and a helper blocked on their behalf
// returns. The channel of a stop stays closed until the next cell starts
// (renew), so a helper that asks after the stop, on its way from
// interpreted code into its wait, returns too.
type stopper struct {
	mu sync.Mutex
	ch chan struct{}
}

// cur returns the channel of the current stop; st.mu is held.
func (st *stopper) cur() chan struct{} {
	if st.ch == nil {
		st.ch = make(chan struct{})
	}
	return st.ch
}

// stopped returns a channel closed at the interpreter's next stop, or
// already closed when the interpreter stopped since the cell started.
func (st *stopper) stopped() <-chan struct{} {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.cur()
}

// stop closes the channel of the current stop.
func (st *stopper) stop() {
	st.mu.Lock()
	defer st.mu.Unlock()
	if ch := st.cur(); !isClosed(ch) {
		close(ch)
	}
}

// renew starts a new stop, for a new cell, once the last one has happened.
func (st *stopper) renew() {
	st.mu.Lock()
	defer st.mu.Unlock()
	if isClosed(st.cur()) {
		st.ch = make(chan struct{})
	}
}

// isClosed reports whether ch, which is never sent on, is closed.
func isClosed(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

// chanSelect is the runtime's Select. Each case is three operands: the
// channel, a pointer (to the value to send, or to the variable that
// receives; nil: the value received is dropped), and true for a send or,
// for a receive, a *bool that receives whether the value came from a
// send, or nil. (One call with flat operands: each call from interpreted
// code into compiled code costs a reflect call.)
// It waits until one of the cases can proceed, does it, and returns its
// index; -1 when none can and the select has a default. When the
// interpreter stops while it waits, the goroutine ends (runtime.Goexit),
// as yaegi ends the goroutines of a cancelled cell.
func (s *Session) chanSelect(hasDefault bool, ops ...any) int {
	n := len(ops) / 3
	var buf [4]reflect.SelectCase
	rc := buf[:0]
	if n+1 > len(buf) {
		rc = make([]reflect.SelectCase, 0, n+1)
	}
	for i := 0; i < n; i++ {
		c := reflect.SelectCase{Dir: reflect.SelectRecv, Chan: reflect.ValueOf(ops[3*i])}
		if ops[3*i+2] == true {
			c.Dir, c.Send = reflect.SelectSend, reflect.ValueOf(ops[3*i+1]).Elem()
		}
		rc = append(rc, c)
	}
	if hasDefault {
		rc = append(rc, reflect.SelectCase{Dir: reflect.SelectDefault})
	} else {
		rc = append(rc, reflect.SelectCase{Dir: reflect.SelectRecv, Chan: reflect.ValueOf(s.stops.stopped())})
	}
	i, v, ok := reflect.Select(rc)
	switch {
	case i == n && hasDefault:
		return -1
	case i == n:
		runtime.Goexit()
	}
	if ops[3*i+2] != true {
		if p := ops[3*i+1]; p != nil {
			reflect.ValueOf(p).Elem().Set(v)
		}
		if p, _ := ops[3*i+2].(*bool); p != nil {
			*p = ok
		}
	}
	return i
}
