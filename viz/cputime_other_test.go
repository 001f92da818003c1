//go:build !unix

package viz

import (
	"testing"
	"time"
)

// cpuTime is not measured on this system.
func cpuTime() time.Duration { return 0 }

// reportCPU reports nothing where CPU time is not measured.
func reportCPU(*testing.B, time.Duration) {}
