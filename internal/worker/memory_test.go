package worker

import (
	"runtime/debug"
	"testing"
)

func TestGCPercent(t *testing.T) {
	for _, tt := range []struct {
		live uint64
		want int
	}{
		{0, maxGCPercent},
		{1 << 20, maxGCPercent}, // 64 MiB of room would be 6400
		{8 << 20, 800},
		{32 << 20, 200},
		{64 << 20, 100},
		{1 << 30, 100},
	} {
		if got := gcPercent(tt.live); got != tt.want {
			t.Errorf("gcPercent(%d MiB) = %d, want %d", tt.live>>20, got, tt.want)
		}
	}
}

// TestGCTunerKeepsUsersGOGC: with GOGC in the environment the tuner sets
// nothing.
func TestGCTunerKeepsUsersGOGC(t *testing.T) {
	t.Setenv("GOGC", "50")
	old := debug.SetGCPercent(50)
	defer debug.SetGCPercent(old)
	newGCTuner().update()
	if got := debug.SetGCPercent(50); got != 50 {
		t.Errorf("GOGC set to %d, want the user's 50", got)
	}
}

// TestGCTunerKeepsCellsGOGC: once a cell has called debug.SetGCPercent,
// the tuner sets nothing.
func TestGCTunerKeepsCellsGOGC(t *testing.T) {
	t.Setenv("GOGC", "")
	old := debug.SetGCPercent(100)
	defer debug.SetGCPercent(old)
	tune := newGCTuner() // sets its own value: the live heap of a test is small
	if got := debug.SetGCPercent(70); got == 100 {
		t.Fatalf("the tuner left GOGC at 100 for a small heap")
	}
	tune.update()
	if got := debug.SetGCPercent(70); got != 70 {
		t.Errorf("GOGC set to %d after a cell set 70", got)
	}
}
