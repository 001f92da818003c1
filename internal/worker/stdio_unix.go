//go:build unix

package worker

import (
	"fmt"
	"os"
	"runtime/debug"
	"syscall"

	"github.com/gomx-dev/gomx/engine"
)

// captureCrashOutput keeps a copy of the original standard error (the
// client reads it) and makes the Go runtime write fatal errors there too:
// after captureStdio, file descriptor 2 is a pipe read by this very process,
// which would die with the message unread. It also marks the protocol
// descriptors close-on-exec, so that a process a cell starts cannot keep the
// client's pipes open.
func captureCrashOutput() (*os.File, error) {
	fd, err := syscall.Dup(2)
	if err != nil {
		return nil, fmt.Errorf("duplicating stderr: %w", err)
	}
	syscall.CloseOnExec(fd)
	syscall.CloseOnExec(3)
	syscall.CloseOnExec(4)
	f := os.NewFile(uintptr(fd), "crash-output")
	if err := debug.SetCrashOutput(f, debug.CrashOptions{}); err != nil {
		return nil, fmt.Errorf("setting the crash output: %w", err)
	}
	return f, nil
}

// captureStdio replaces file descriptors 1 and 2 with pipes whose text is
// sent to the client as stream messages.
func captureStdio(send func(*engine.Msg)) (*stdio, error) {
	names := []string{"stdout", "stderr"}
	var rs, ws []*os.File
	for fd := range 2 {
		r, w, err := os.Pipe()
		if err != nil {
			return nil, fmt.Errorf("capturing %s: %w", names[fd], err)
		}
		if err := dupOnto(int(w.Fd()), fd+1); err != nil {
			return nil, fmt.Errorf("capturing %s: %w", names[fd], err)
		}
		rs, ws = append(rs, r), append(ws, w)
	}
	return newStdio(send, names, rs, ws)
}

// readFD reads from a non-blocking descriptor.
func readFD(fd uintptr, b []byte) (int, error) { return syscall.Read(int(fd), b) }

func isAgain(err error) bool { return err == syscall.EAGAIN || err == syscall.EINTR }

// fdOpen reports whether file descriptor fd is an open pipe or socket, as
// the client passes. (The Go runtime itself may hold low descriptors open,
// such as cgroup files, when nothing was passed.)
func fdOpen(fd int) bool {
	var st syscall.Stat_t
	if syscall.Fstat(fd, &st) != nil {
		return false
	}
	mode := st.Mode & syscall.S_IFMT
	return mode == syscall.S_IFIFO || mode == syscall.S_IFSOCK
}
