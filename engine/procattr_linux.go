package engine

import "syscall"

// sysProcAttr puts the worker in its own process group, so that a Ctrl-C
// on the terminal reaches only the front end (which turns it into an
// interrupt), and kills it if the front end dies. The parent-death signal
// is only a backup: it fires when the thread that started the worker ends,
// and the worker leaves by itself when its request pipe closes.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
