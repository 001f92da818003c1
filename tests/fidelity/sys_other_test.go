//go:build !unix

package fidelity

import (
	"errors"
	"os/exec"
)

func setProcessGroup(cmd *exec.Cmd) {}

const captureSupported = false

func captureStdio(fn func()) (stdout, stderr string, err error) {
	return "", "", errors.New("capturing stdout needs a Unix system")
}
