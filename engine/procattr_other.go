//go:build !unix

package engine

import "syscall"

// sysProcAttr has nothing to set where the worker cannot run (NewClient
// refuses first).
func sysProcAttr() *syscall.SysProcAttr { return nil }
