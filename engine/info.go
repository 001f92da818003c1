package engine

import (
	"runtime"
	"runtime/debug"
	"strings"
)

// Version returns the gomx module version this binary was built from
// ("devel" for a build inside the repository).
func Version() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		if bi.Main.Path == modulePath && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			return strings.TrimPrefix(bi.Main.Version, "v")
		}
		for _, d := range bi.Deps {
			if d.Path == modulePath {
				return strings.TrimPrefix(d.Version, "v")
			}
		}
	}
	return "devel"
}

const modulePath = "github.com/gomx-dev/gomx"

// DefaultInfo is the engine description every gomx front end reports:
// static, so that it needs no worker.
func DefaultInfo() Info {
	goVersion := strings.TrimPrefix(runtime.Version(), "go")
	v := Version()
	return Info{
		Implementation:        "gomx",
		ImplementationVersion: v,
		LanguageVersion:       goVersion,
		Banner: "gomx " + v + ": Go " + goVersion + " interpreted by yaegi, with gonum, gonum/plot and mathx compiled in.\n" +
			"Type %help for help; name? shows documentation.",
		HelpLinks: []HelpLink{
			{Text: "gomx", URL: "https://" + modulePath},
			{Text: "Go documentation", URL: "https://go.dev/doc/"},
			{Text: "gonum", URL: "https://pkg.go.dev/gonum.org/v1/gonum"},
			{Text: "gonum/plot", URL: "https://pkg.go.dev/gonum.org/v1/plot"},
		},
	}
}
