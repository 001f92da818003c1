package worker

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"syscall"
)

// vmStatus returns a size in bytes from /proc/self/status, such as VmData
// (the data segment) or VmSize (the address space); 0 if unreadable.
func vmStatus(key string) uint64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range bytes.Split(b, []byte("\n")) {
		if v, ok := bytes.CutPrefix(line, []byte(key+":")); ok {
			kb, err := strconv.ParseUint(string(bytes.TrimSpace(bytes.TrimSuffix(bytes.TrimSpace(v), []byte("kB")))), 10, 64)
			if err != nil {
				return 0
			}
			return kb << 10
		}
	}
	return 0
}

// setRlimits caps the process's data segment (RLIMIT_DATA) at extra bytes
// above what it is now, and its address space (RLIMIT_AS) at twice that,
// since the Go heap keeps the address space of memory it freed (soft
// limits: called again, it moves them up with what is mapped). An allocation
// past them makes the Go runtime die ("fatal error: out of memory"), which
// the client reports on the running cell. RLIMIT_DATA alone is not enough:
// the Go runtime maps its heap over address space it reserved earlier, which
// Linux does not count against RLIMIT_DATA at that moment, so one huge
// allocation can get through.
func setRlimits(extra int64) error {
	for _, r := range []struct {
		name, key string
		res       int
		times     uint64
	}{{"RLIMIT_DATA", "VmData", syscall.RLIMIT_DATA, 1}, {"RLIMIT_AS", "VmSize", syscall.RLIMIT_AS, 2}} {
		limit := r.times*uint64(extra) + vmStatus(r.key)
		// the soft limit only, which the process may raise again
		// (rearm) up to the hard one
		var rl syscall.Rlimit
		if err := syscall.Getrlimit(r.res, &rl); err != nil {
			return fmt.Errorf("reading %s: %w", r.name, err)
		}
		rl.Cur = min(limit, rl.Max)
		if err := syscall.Setrlimit(r.res, &rl); err != nil {
			return fmt.Errorf("setting %s to %d bytes: %w", r.name, limit, err)
		}
	}
	return nil
}

// TotalMemory returns the memory the process may use, in bytes: the
// machine's physical memory, or the smallest limit of the control groups
// it runs in when that is less; 0 when it is unknown.
func TotalMemory() int64 {
	var total int64
	var si syscall.Sysinfo_t
	if syscall.Sysinfo(&si) == nil {
		total = int64(si.Totalram) * int64(si.Unit)
	}
	if self, err := os.ReadFile("/proc/self/cgroup"); err == nil {
		if c := cgroupMemoryLimit("/sys/fs/cgroup", string(self)); c > 0 && (total == 0 || c < total) {
			total = c
		}
	}
	return total
}
