//go:build unix

package worker_test

import (
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/gomx-dev/gomx/engine"
	"github.com/gomx-dev/gomx/internal/worker/workertest"
)

func TestMain(m *testing.M) {
	workertest.MaybeRunWorker()
	maybeRunSessionWorker()
	os.Exit(m.Run())
}

// startWorker runs the test binary as a worker on pipes of our own.
func startWorker(t *testing.T) (cmd *exec.Cmd, toW *os.File, fromW *engine.MsgReader) {
	t.Helper()
	inR, inW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd = exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), workertest.EnvVar+"=1")
	cmd.ExtraFiles = []*os.File{inR, outW}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	inR.Close()
	outW.Close()
	t.Cleanup(func() { cmd.Process.Kill(); inW.Close(); outR.Close() })
	r := engine.NewMsgReader(outR)
	m, err := r.Read()
	if err != nil || m.Type != engine.MsgReady || m.WorkerPID != cmd.Process.Pid {
		t.Fatalf("first message %+v, %v; want ready from pid %d", m, err, cmd.Process.Pid)
	}
	return cmd, inW, r
}

// waitExit waits for cmd to exit and returns its exit code.
func waitExit(t *testing.T, cmd *exec.Cmd) int {
	t.Helper()
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	select {
	case <-done:
		return cmd.ProcessState.ExitCode()
	case <-time.After(20 * time.Second):
		t.Fatal("worker still running")
	}
	return -1
}

func TestExitOnEOF(t *testing.T) {
	for _, code := range []string{"value idle", "block", "hang"} {
		t.Run(code, func(t *testing.T) {
			cmd, toW, r := startWorker(t)
			w := engine.NewMsgWriter(toW)
			if err := w.Write(&engine.Msg{Type: engine.MsgExecute, ID: 1, Code: code}); err != nil {
				t.Fatal(err)
			}
			if code == "value idle" {
				if m, err := r.Read(); err != nil || m.Type != engine.MsgResult || m.Result.Value.Text() != "idle" {
					t.Fatalf("result %+v, %v", m, err)
				}
			} else {
				w.Write(&engine.Msg{Type: engine.MsgInterrupt})
			}
			// The client goes away: the worker leaves, even with a stuck cell.
			toW.Close()
			if c := waitExit(t, cmd); c != 0 {
				t.Errorf("exit code %d", c)
			}
		})
	}
}

func TestShutdown(t *testing.T) {
	cmd, toW, _ := startWorker(t)
	engine.NewMsgWriter(toW).Write(&engine.Msg{Type: engine.MsgShutdown})
	if c := waitExit(t, cmd); c != 0 {
		t.Errorf("exit code %d", c)
	}
}

func TestWithoutDescriptors(t *testing.T) {
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), workertest.EnvVar+"=1")
	out, err := cmd.CombinedOutput()
	if err == nil || cmd.ProcessState.ExitCode() != 2 {
		t.Errorf("exit %v, output %q; want exit code 2", err, out)
	}
}
