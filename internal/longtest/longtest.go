// Package longtest tells tests whether the long runs of `make conformance`
// are wanted: stress and fault loops at full length, soak runs, the long
// notebooks. They are on when GOMX_CONFORMANCE=1 (`make conformance` sets
// it) and off otherwise, so `make test` and a plain `go test ./...` run the
// short version of each loop and skip only what is long by nature.
//
// An environment variable rather than a build tag or -short: the Python
// tests under tests/kernel see it too, the long and short versions of a
// loop stay one test, and a developer's plain `go test ./...` stays fast.
package longtest

import (
	"os"
	"testing"
)

// Env is the environment variable that turns the long runs on.
const Env = "GOMX_CONFORMANCE"

// Enabled reports whether the long runs are wanted (Env is "1").
func Enabled() bool { return os.Getenv(Env) == "1" }

// N is short normally and long under `make conformance`: the number of
// rounds of a stress or fault loop.
func N(short, long int) int {
	if Enabled() {
		return long
	}
	return short
}

// Skip skips a test that is long by nature unless the long runs are
// wanted; why says what makes it long.
func Skip(t testing.TB, why string) {
	t.Helper()
	if !Enabled() {
		t.Skipf("long (%s): runs in make conformance (%s=1)", why, Env)
	}
}
