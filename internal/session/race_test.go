//go:build race

package session

// raceDetector is set when the tests run under -race.
const raceDetector = true
