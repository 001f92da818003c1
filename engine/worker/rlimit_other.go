//go:build !linux

package worker

// setRlimitData does nothing outside Linux, where RLIMIT_DATA does not
// bound mmap'd memory: the heap watchdog is the only limit there.
func setRlimitData(int64) error { return nil }

// TotalMemory returns 0 (unknown) outside Linux; a percentage memory limit
// then needs an absolute value instead.
func TotalMemory() int64 { return 0 }
