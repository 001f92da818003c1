// Package interrupt holds the context of the cell that is running now.
//
// The engine calls Set before each cell and every mathx routine whose
// Settings.Context is nil reads Context once per iteration (or about every
// millisecond of work), returning Status Canceled with what it has when the
// context is done. It is a leaf package: it imports only the standard library.
package interrupt

import (
	"context"
	"sync/atomic"
)

type holder struct{ ctx context.Context }

var current atomic.Pointer[holder]

// Set makes ctx the current cell's context. A nil ctx resets it to
// context.Background().
func Set(ctx context.Context) {
	if ctx == nil {
		ctx = context.Background()
	}
	current.Store(&holder{ctx})
}

// Context returns the current cell's context, or context.Background() when
// none has been set.
func Context() context.Context {
	if h := current.Load(); h != nil {
		return h.ctx
	}
	return context.Background()
}

// Or returns ctx when it is non-nil and Context() otherwise. Routines use it
// to resolve Settings.Context.
func Or(ctx context.Context) context.Context {
	if ctx != nil {
		return ctx
	}
	return Context()
}
