package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/debug"

	"github.com/gomx-dev/gomx/engine"
)

func init() {
	register("version", "print the gomx, Go, yaegi and gonum versions", runVersion)
}

// versionModules are the dependencies `gomx version` reports, by module
// path and label.
var versionModules = []struct{ path, label string }{
	{"github.com/traefik/yaegi", "yaegi"},
	{"gonum.org/v1/gonum", "gonum"},
	{"gonum.org/v1/plot", "gonum/plot"},
}

func runVersion([]string) int {
	fmt.Fprint(os.Stdout, versionText())
	return 0
}

// versionText lists gomx, Go and the interpreter and numeric libraries
// compiled into this binary.
func versionText() string {
	s := fmt.Sprintf("gomx %s\ngo %s %s/%s\n", engine.Version(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
	bi, ok := debug.ReadBuildInfo()
	for _, m := range versionModules {
		v := "unknown"
		if ok {
			for _, d := range bi.Deps {
				if d.Path == m.path {
					v = d.Version
					if d.Replace != nil {
						v += " => " + d.Replace.Path + " " + d.Replace.Version
					}
				}
			}
		}
		s += fmt.Sprintf("%s %s\n", m.label, v)
	}
	return s + workerText()
}

// workerText says which worker new sessions run (engine.WorkerInUse) and,
// for one built by gomx build, the packages it has compiled in beyond
// gomx's own.
func workerText() string {
	bin, built, warning, err := engine.WorkerInUse()
	switch {
	case err != nil:
		return fmt.Sprintf("worker: %v\n", err)
	case built == nil:
		s := "worker " + bin + "\n"
		if warning != "" {
			s += warning + "\n"
		}
		return s
	}
	s := fmt.Sprintf("worker %s (gomx build), compiled in:\n", bin)
	for _, p := range built.Packages {
		s += "  " + p + "\n"
	}
	return s
}
