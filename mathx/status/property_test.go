package status_test

import (
	"math"
	"strconv"
	"testing"

	"github.com/gomx-dev/gomx/mathx/status"
)

// TestPropertyString is issue 18's property test for status: String is
// total — every value outside the constants, down to math.MinInt and up
// to math.MaxInt, prints as Status(n).
func TestPropertyString(t *testing.T) {
	for _, n := range []int{math.MinInt, -1, 5, 1 << 40, math.MaxInt} {
		if got, want := status.Status(n).String(), "Status("+strconv.Itoa(n)+")"; got != want {
			t.Errorf("Status(%d).String() = %q, want %q", n, got, want)
		}
	}
}
