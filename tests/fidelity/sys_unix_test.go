//go:build unix

package fidelity

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"sync"
	"syscall"

	"golang.org/x/sys/unix"
)

// setProcessGroup makes cmd a process group leader and has its context's
// cancellation kill the whole group (go run's child too).
func setProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error {
		if cmd.Process == nil {
			return nil
		}
		return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
}

// captureSupported tells whether captureStdio works here.
const captureSupported = true

// captureStdio runs fn with file descriptors 1 and 2 replaced by pipes, as
// the gomx worker runs cells, and returns what was written to them. The
// caller must not run anything else that writes to them meanwhile.
func captureStdio(fn func()) (stdout, stderr string, err error) {
	var bufs [2]bytes.Buffer
	var saved [2]int
	var wg sync.WaitGroup
	for i := range 2 {
		fd := i + 1
		r, w, err := os.Pipe()
		if err != nil {
			return "", "", err
		}
		if saved[i], err = unix.Dup(fd); err != nil {
			return "", "", err
		}
		if err := unix.Dup2(int(w.Fd()), fd); err != nil {
			return "", "", err
		}
		w.Close()
		wg.Go(func() {
			io.Copy(&bufs[i], r)
			r.Close()
		})
	}
	func() {
		defer func() {
			for i := range 2 {
				unix.Dup2(saved[i], i+1)
				unix.Close(saved[i])
			}
		}()
		fn()
	}()
	wg.Wait()
	return bufs[0].String(), bufs[1].String(), nil
}
