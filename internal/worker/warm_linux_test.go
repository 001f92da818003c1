// The race detector's shadow memory faults in pages of its own for the
// heap pages a test touches, which warmHeap does not make resident.

//go:build !race

package worker

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// warmChildEnv makes the test binary run warmFaults for TestWarmHeap.
const warmChildEnv = "GOMX_TEST_WARM_CHILD"

// warmBytes is what the child allocates, warmHeap(2 * warmBytes) first
// when asked.
const warmBytes = 8 << 20

// TestWarmHeapChild is the child process of TestWarmHeap: a fresh heap.
func TestWarmHeapChild(t *testing.T) {
	mode := os.Getenv(warmChildEnv)
	if mode == "" {
		t.Skip("run by TestWarmHeap")
	}
	debug.SetGCPercent(maxGCPercent) // the tuner's pace: the scavenger keeps the pages
	if mode == "warm" {
		warmHeap(2 * warmBytes)
	}
	page := os.Getpagesize()
	keep := make([][]byte, 0, warmBytes/page)
	var before, after syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &before)
	for range warmBytes / page {
		b := make([]byte, page)
		b[0] = 1 // as a cell's objects are written
		keep = append(keep, b)
	}
	syscall.Getrusage(syscall.RUSAGE_SELF, &after)
	runtime.KeepAlive(keep)
	fmt.Printf("faults %d\n", after.Minflt-before.Minflt)
}

// TestWarmHeap: in a fresh process, allocating page-sized objects faults
// in about one page each; after warmHeap, the heap reuses the pages it
// made resident. The faults counted are the kernel's (getrusage).
func TestWarmHeap(t *testing.T) {
	faults := func(mode string) int64 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestWarmHeapChild$", "-test.v")
		cmd.Env = append(os.Environ(), warmChildEnv+"="+mode)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s child: %v\n%s", mode, err, out)
		}
		for _, l := range strings.Split(string(out), "\n") {
			if s, ok := strings.CutPrefix(l, "faults "); ok {
				n, err := strconv.ParseInt(s, 10, 64)
				if err != nil {
					t.Fatal(err)
				}
				return n
			}
		}
		t.Fatalf("%s child printed no fault count:\n%s", mode, out)
		return 0
	}
	pages := int64(warmBytes / os.Getpagesize())
	cold, warm := faults("cold"), faults("warm")
	t.Logf("page faults allocating %d pages: %d in a fresh heap, %d after warmHeap", pages, cold, warm)
	if cold < pages/2 {
		t.Skipf("%d faults for %d fresh pages: this system backs the heap with large pages", cold, pages)
	}
	if warm > pages/10 {
		t.Errorf("%d page faults allocating %d pages after warmHeap(%d MiB), want at most a tenth", warm, pages, 2*warmBytes>>20)
	}
}

func TestWarmSize(t *testing.T) {
	for _, tt := range []struct{ limit, want int64 }{
		{0, minHeadroom},
		{1 << 30, minHeadroom},
		{128 << 20, 32 << 20},
	} {
		if got := warmSize(tt.limit); got != tt.want {
			t.Errorf("warmSize(%d) = %d, want %d", tt.limit, got, tt.want)
		}
	}
}
