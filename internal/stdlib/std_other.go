//go:build !(linux && amd64)

package stdlib

import (
	yaegistd "github.com/traefik/yaegi/stdlib"
	yaegisyscall "github.com/traefik/yaegi/stdlib/syscall"
	yaegiunrestricted "github.com/traefik/yaegi/stdlib/unrestricted"
)

// On platforms other than linux/amd64 (scan.Platform) the standard library
// is yaegi's tables: Go 1.22's API, with the platform's syscall, and
// os/exec from yaegi's unrestricted set (the rest of that set would end
// the process on os.Exit and log.Fatal).
func init() {
	for k, v := range yaegistd.Symbols {
		if k != "." { // maptypes.go
			Symbols[k] = v
		}
	}
	for k, v := range yaegisyscall.Symbols {
		Symbols[k] = v
	}
	Symbols["os/exec/exec"] = yaegiunrestricted.Symbols["os/exec/exec"]
}
