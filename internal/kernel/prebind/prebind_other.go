//go:build !linux

package prebind

// Take reports that no socket was bound: outside Linux the kernel binds
// its sockets itself.
func Take(host string, port int) (fd int, ok bool) { return -1, false }

// Release does nothing outside Linux.
func Release() {}
