//go:build race

package repl_test

// raceEnabled is set when the tests run under -race: TestMain then builds
// gomx with -race too, so the REPL and its worker are checked end to end.
const raceEnabled = true
