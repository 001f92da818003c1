package clients

import (
	"bufio"
	"encoding/json"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomx-dev/gomx/tests/kernel/harness"
)

// TestBindsBeforeInit checks that `gomx kernel` binds its ports while the
// program initialises (internal/kernel/prebind), before the interpreter's tables
// and the plotting libraries: Go's init trace must show prebind before
// them. (That the kernel serves on the sockets bound there is what every
// other test of this package exercises: their connection files are tcp.)
func TestBindsBeforeInit(t *testing.T) {
	var ports []int
	for range 5 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
		l.Close()
	}
	cf := filepath.Join(t.TempDir(), "kernel.json")
	b, _ := json.Marshal(map[string]any{
		"shell_port": ports[0], "iopub_port": ports[1], "stdin_port": ports[2], "control_port": ports[3], "hb_port": ports[4],
		"ip": "127.0.0.1", "key": "k", "transport": "tcp", "signature_scheme": "hmac-sha256",
	})
	if err := os.WriteFile(cf, b, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(harness.Gomx(), "kernel", cf)
	cmd.Env = append(harness.Env(), "GODEBUG=inittrace=1")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Wait()
	defer cmd.Process.Kill()

	order := map[string]int{}
	sc := bufio.NewScanner(stderr)
	for i := 0; sc.Scan(); i++ {
		f := strings.Fields(sc.Text())
		if len(f) > 1 && f[0] == "init" {
			order[f[1]] = i
			if f[1] == "main" {
				break
			}
		}
	}
	const pre = "github.com/gomx-dev/gomx/internal/kernel/prebind"
	if _, ok := order[pre]; !ok {
		t.Fatalf("no init of %s in the trace", pre)
	}
	for _, later := range []string{"github.com/gomx-dev/gomx/internal/stdlib", "gonum.org/v1/plot", "github.com/gomx-dev/gomx/internal/session", "main"} {
		if n, ok := order[later]; !ok || n < order[pre] {
			t.Errorf("%s initialised before %s (trace lines %d, %d)", later, pre, n, order[pre])
		}
	}
}
