// Package clients drives the gomx kernel through the real jupyter_client:
// interrupts, stdin, wrong signatures, restart, several and killed
// clients, signals and kill -9 (test_clients.py).
package clients

import (
	"testing"

	"github.com/gomx-dev/gomx/tests/kernel/harness"
)

func TestMain(m *testing.M) { harness.Main(m) }

// TestJupyterClient drives the kernel through jupyter_client
// (test_clients.py).
func TestJupyterClient(t *testing.T) {
	harness.Unittest(t, "test_clients")
}
