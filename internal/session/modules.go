package session

import (
	"context"
	"fmt"
	"html"
	"strings"

	"github.com/gomx-dev/gomx/engine"
	"github.com/gomx-dev/gomx/internal/modules"
	"github.com/gomx-dev/gomx/internal/stdlib"
	"github.com/gomx-dev/gomx/viz"
)

// newModules returns the module state of the session: packages of Go
// modules that a cell imports, resolved with the go command and
// interpreted from source (see internal/modules). The go command's
// progress goes to the running cell's stderr.
func (s *Session) newModules() *modules.Modules {
	return modules.New(modules.Config{
		Compiled: preloaded,
		Versions: stdlib.ModuleVersions(),
		Progress: downloads(),
		Context: func() context.Context {
			s.outMu.Lock()
			defer s.outMu.Unlock()
			if s.cur == nil {
				return nil
			}
			return s.cur.ctx
		},
	})
}

// downloads returns the display of the go command's downloads: one output
// per command, updated in place as each module begins, with the time
// taken at the end.
func downloads() func(modules.Progress) {
	var d *viz.Display
	return func(p modules.Progress) {
		if d == nil {
			d = viz.NewDisplay()
		}
		n := len(p.Modules)
		what := fmt.Sprintf("%d modules", n)
		if n == 1 {
			what = "1 module"
		}
		status := fmt.Sprintf("go: downloading %s (%s so far)", p.Modules[n-1], what)
		bar := `<progress style="width:12em;vertical-align:middle"></progress> `
		if p.Done {
			status = fmt.Sprintf("go: downloaded %s in %.1fs: %s", what, p.Elapsed.Seconds(), strings.Join(p.Modules, ", "))
			bar = ""
		}
		d.UpdateBundle(viz.Bundle{Data: map[string]string{
			viz.MIMEText: status,
			viz.MIMEHTML: `<div style="font-family:monospace">` + bar + html.EscapeString(status) + `</div>`,
		}})
		if p.Done {
			d = nil
		}
	}
}

// availableFrom is the front end's Available: every symbol of a package
// read from source, the symbols of the interpreter's tables for the
// preloaded packages.
func availableFrom(path, name string) bool {
	return !preloaded(path) || available(path, name)
}

// importError is the error of a cell whose import of a module package
// the interpreter could not compile.
func importError(err error) *engine.Error {
	msg := err.Error()
	return &engine.Error{Kind: engine.CompileError, Name: "ImportError", Value: msg, Status: 1, Traceback: []string{"ImportError: " + msg}}
}

// settleModules records, after the interpreter compiled a cell (msg is
// its error, "" when it succeeded), which module packages it has
// compiled: it returns the error of those it failed on.
func (s *Session) settleModules(msg string) error {
	return s.mods.Settle(s.hasPackage, msg)
}

// hasPackage reports whether the interpreter has compiled the package
// path from source.
func (s *Session) hasPackage(path string) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	return len(s.in.Symbols(path)) > 0
}

// goMagic runs %go get and %go list in the session's scratch module.
func (s *Session) goMagic(arg string) engine.ExecResult {
	sub, rest, _ := strings.Cut(arg, " ")
	switch sub {
	case "get":
		out, err := s.mods.Get(strings.Fields(rest))
		if err != nil {
			return magicError("%go get: " + err.Error())
		}
		s.emit("stdout", out)
		return engine.ExecResult{}
	case "list":
		if strings.TrimSpace(rest) != "" {
			return magicError("%go list takes no arguments: it lists the modules the session uses")
		}
		out, err := s.mods.List()
		if err != nil {
			return magicError("%go list: " + err.Error())
		}
		s.emit("stdout", out)
		return engine.ExecResult{}
	}
	return magicError("%go runs get or list: %go get module@version, %go list")
}
