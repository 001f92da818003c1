//go:build !linux

package worker

// setRlimits does nothing outside Linux (macOS does not enforce
// RLIMIT_DATA or RLIMIT_AS on mmap'd memory): the heap watchdog is the only
// limit there.
func setRlimits(int64) error { return nil }

// TotalMemory returns 0 (unknown) outside Linux; a percentage memory limit
// then needs an absolute value instead.
func TotalMemory() int64 { return 0 }
