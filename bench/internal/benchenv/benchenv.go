// Package benchenv is what the programs of bench/ share to run a peer library
// beside gomx and report the machine: the environment that gives the peer
// n threads, running a program whose last output line is JSON, the
// machine's CPU model and load, and the median of a sample.
package benchenv

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"strings"
)

// Env is the process's environment for a peer that may use n threads:
// one BLAS thread (the peer's own parallelism is OpenMP's) and n OpenMP
// threads, which sleep instead of spinning when passive is set.
func Env(n int, passive bool) []string {
	env := append(os.Environ(), "OPENBLAS_NUM_THREADS=1", "MKL_NUM_THREADS=1", "OMP_NUM_THREADS="+strconv.Itoa(n))
	if passive {
		env = append(env, "OMP_WAIT_POLICY=PASSIVE")
	}
	return env
}

// PassiveNote is what a configuration line adds for Env's passive.
func PassiveNote(passive bool) string {
	if passive {
		return ", OMP_WAIT_POLICY=PASSIVE"
	}
	return ""
}

// RunJSON runs cmd, its standard error passed through, and decodes the
// last line of its output into v; it returns the first line (a peer's
// configuration).
func RunJSON(cmd *exec.Cmd, v any) (first string, err error) {
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("%s: %v\n%s", strings.Join(cmd.Args, " "), err, out.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), v); err != nil {
		return "", fmt.Errorf("%s: %v in its output:\n%s", strings.Join(cmd.Args, " "), err, out.String())
	}
	return lines[0], nil
}

// CPUModel is the model name /proc/cpuinfo gives, or the architecture.
func CPUModel() string {
	b, _ := os.ReadFile("/proc/cpuinfo")
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "model name") {
			if i := strings.Index(l, ":"); i >= 0 {
				return strings.TrimSpace(l[i+1:])
			}
		}
	}
	return runtime.GOARCH
}

// LoadAvg is the 1, 5 and 15 minute load averages, "?" where unknown.
func LoadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

// Median is the median of v (the mean of the middle two for an even
// length); v is not changed.
func Median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
