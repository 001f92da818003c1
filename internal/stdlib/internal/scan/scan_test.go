package scan

import "testing"

func TestGoMinor(t *testing.T) {
	for v, want := range map[string]string{
		"go1.26.8":    "go1.26",
		"go1.26":      "go1.26",
		"go1.27rc1":   "go1.27",
		"go1.27beta2": "go1.27",
		"go1.26.10":   "go1.26",
	} {
		if got := GoMinor(v); got != want {
			t.Errorf("GoMinor(%q) = %q, want %q", v, got, want)
		}
	}
}
