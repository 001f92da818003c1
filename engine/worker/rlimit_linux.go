package worker

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"syscall"
)

// vmData returns the size of the process's data segment in bytes, from
// /proc/self/status (0 if unreadable).
func vmData() uint64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range bytes.Split(b, []byte("\n")) {
		if v, ok := bytes.CutPrefix(line, []byte("VmData:")); ok {
			kb, err := strconv.ParseUint(string(bytes.TrimSpace(bytes.TrimSuffix(bytes.TrimSpace(v), []byte("kB")))), 10, 64)
			if err != nil {
				return 0
			}
			return kb << 10
		}
	}
	return 0
}

// setRlimitData caps the process's data segment (heap mappings included) at
// extra bytes above what it uses now: an allocation past it makes the Go
// runtime die ("fatal error: out of memory", or a fault inside the
// runtime), which the client reports on the running cell.
func setRlimitData(extra int64) error {
	limit := uint64(extra) + vmData()
	rl := syscall.Rlimit{Cur: limit, Max: limit}
	if err := syscall.Setrlimit(syscall.RLIMIT_DATA, &rl); err != nil {
		return fmt.Errorf("setting RLIMIT_DATA to %d bytes: %w", limit, err)
	}
	return nil
}

// TotalMemory returns the machine's physical memory in bytes, or 0 when it
// is unknown.
func TotalMemory() int64 {
	var si syscall.Sysinfo_t
	if syscall.Sysinfo(&si) != nil {
		return 0
	}
	return int64(si.Totalram) * int64(si.Unit)
}
