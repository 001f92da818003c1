package status_test

import (
	"fmt"
	"testing"

	"github.com/gomx-dev/gomx/mathx/status"
)

func TestString(t *testing.T) {
	for _, c := range []struct {
		s    status.Status
		want string
	}{
		{status.Converged, "Converged"},
		{status.MaxIterReached, "MaxIterReached"},
		{status.Stopped, "Stopped"},
		{status.Canceled, "Canceled"},
		{status.Failed, "Failed"},
		{status.Failed + 1, "Status(5)"},
		{-1, "Status(-1)"},
	} {
		if got := c.s.String(); got != c.want {
			t.Errorf("Status(%d).String() = %q, want %q", int(c.s), got, c.want)
		}
		if got := fmt.Sprint(c.s); got != c.want {
			t.Errorf("fmt.Sprint(Status(%d)) = %q, want %q", int(c.s), got, c.want)
		}
	}
}

// TestValues pins the numeric values: they are part of the API (a Status is
// comparable and printable with %d, and the zero value is Converged).
func TestValues(t *testing.T) {
	var zero status.Status
	if zero != status.Converged {
		t.Errorf("zero value is %v, want Converged", zero)
	}
	for i, s := range []status.Status{status.Converged, status.MaxIterReached, status.Stopped, status.Canceled, status.Failed} {
		if int(s) != i {
			t.Errorf("%v = %d, want %d", s, int(s), i)
		}
	}
}

func ExampleStatus_String() {
	s := status.Canceled
	fmt.Println(s, s.String(), int(s))
	switch s {
	case status.Converged:
		fmt.Println("done")
	case status.Canceled, status.Stopped:
		fmt.Println("interrupted; the result is partial")
	}
	// Output:
	// Canceled Canceled 3
	// interrupted; the result is partial
}
