package engine_test

import (
	"testing"

	"github.com/gomx-dev/gomx/engine"
)

func TestParseMemoryLimit(t *testing.T) {
	const total = 16 << 30
	tests := []struct {
		in   string
		want int64
		bad  bool
	}{
		{"256MB", 256e6, false},
		{"256MiB", 256 << 20, false},
		{"256M", 256 << 20, false},
		{"2GiB", 2 << 30, false},
		{"2 gb", 2e9, false},
		{"1.5G", 3 << 29, false},
		{"4096", 4096, false},
		{"100B", 100, false},
		{"50%", 8 << 30, false},
		{"0", 0, false},
		{"off", 0, false},
		{"", 0, true},
		{"-1", 0, true},
		{"12XB", 0, true},
		{"150%", 0, true},
		{"1e30TB", 0, true},
	}
	for _, tt := range tests {
		got, err := engine.ParseMemoryLimit(tt.in, total)
		if (err != nil) != tt.bad || got != tt.want {
			t.Errorf("ParseMemoryLimit(%q) = %d, %v; want %d, error %v", tt.in, got, err, tt.want, tt.bad)
		}
	}
	if _, err := engine.ParseMemoryLimit("50%", 0); err == nil {
		t.Error("a percentage with unknown total memory should fail")
	}
}

func TestFormatBytes(t *testing.T) {
	tests := []struct {
		n    int64
		want string
	}{
		{0, "0B"}, {1000, "1000B"}, {1024, "1KiB"}, {256 << 20, "256MiB"},
		{3 << 29, "1.5GiB"}, {256e6, "244MiB"}, {10 << 40, "10TiB"}, {1<<30 + 1<<20, "1GiB"},
	}
	for _, tt := range tests {
		if got := engine.FormatBytes(tt.n); got != tt.want {
			t.Errorf("FormatBytes(%d) = %q, want %q", tt.n, got, tt.want)
		}
		// What FormatBytes writes parses back to within its rounding.
		back, err := engine.ParseMemoryLimit(engine.FormatBytes(tt.n), 0)
		if err != nil || (tt.n > 0 && (float64(back) < 0.99*float64(tt.n) || float64(back) > 1.01*float64(tt.n))) {
			t.Errorf("ParseMemoryLimit(FormatBytes(%d)) = %d, %v", tt.n, back, err)
		}
	}
}
