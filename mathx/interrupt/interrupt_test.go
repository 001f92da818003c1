package interrupt

import (
	"context"
	"testing"
)

func TestSetContext(t *testing.T) {
	defer Set(nil)
	if Context() != context.Background() {
		t.Fatal("default context is not Background")
	}
	ctx, cancel := context.WithCancel(context.Background())
	Set(ctx)
	if Context() != ctx {
		t.Fatal("Context does not return the context given to Set")
	}
	cancel()
	if Context().Err() == nil {
		t.Fatal("cancel of the current context is not seen")
	}
	if Or(nil) != ctx {
		t.Fatal("Or(nil) is not the current context")
	}
	other := context.TODO()
	if Or(other) != other {
		t.Fatal("Or(ctx) does not prefer its argument")
	}
	Set(nil)
	if Context() != context.Background() {
		t.Fatal("Set(nil) does not reset to Background")
	}
}
