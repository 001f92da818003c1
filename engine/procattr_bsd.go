//go:build unix && !linux

package engine

import "syscall"

// sysProcAttr puts the worker in its own process group, so that a Ctrl-C
// on the terminal reaches only the front end (which turns it into an
// interrupt). The worker leaves by itself when its request pipe closes.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}
