//go:build !unix

package worker

import (
	"errors"
	"os"

	"github.com/gomx-dev/gomx/engine"
)

var errNoUnix = errors.New("the gomx worker needs a Unix system (Linux or macOS): it is driven over inherited file descriptors 3 and 4")

func captureCrashOutput() (*os.File, error) { return nil, errNoUnix }

func captureStdio(func(*engine.Msg)) (*stdio, error) { return nil, errNoUnix }

func fdOpen(int) bool { return false }

func readFD(uintptr, []byte) (int, error) { return 0, errNoUnix }

func isAgain(error) bool { return false }
