package worker

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// cgroupMemoryLimit returns the smallest memory limit of the control
// groups on this process's path, 0 for none: memory.max of cgroup v2 and
// memory.limit_in_bytes of v1, from the process's own group up to the
// hierarchy's root (a container's or a JupyterHub spawner's limit is often
// set on a parent). root is where the cgroup file systems are mounted
// (/sys/fs/cgroup); self is the text of /proc/self/cgroup.
func cgroupMemoryLimit(root, self string) int64 {
	var least int64
	consider := func(file string) {
		b, err := os.ReadFile(file)
		if err != nil {
			return
		}
		n, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
		if err != nil || n <= 0 || n >= 1<<60 { // "max", or v1's "unlimited"
			return
		}
		if least == 0 || n < least {
			least = n
		}
	}
	walk := func(mount, group, file string) {
		for p := filepath.Clean("/" + group); ; p = filepath.Dir(p) {
			consider(filepath.Join(mount, p, file))
			if p == "/" {
				return
			}
		}
	}
	for _, line := range strings.Split(self, "\n") {
		parts := strings.SplitN(line, ":", 3)
		if len(parts) != 3 {
			continue
		}
		switch {
		case parts[0] == "0" && parts[1] == "":
			// v2: mounted at root, or at root/unified beside v1
			walk(root, parts[2], "memory.max")
			walk(filepath.Join(root, "unified"), parts[2], "memory.max")
		case slices.Contains(strings.Split(parts[1], ","), "memory"):
			walk(filepath.Join(root, "memory"), parts[2], "memory.limit_in_bytes")
		}
	}
	return least
}
