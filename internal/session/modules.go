package session

import (
	"context"
	"strings"

	"github.com/gomx-dev/gomx/engine"
	"github.com/gomx-dev/gomx/internal/modules"
	"github.com/gomx-dev/gomx/internal/stdlib"
)

// newModules returns the module state of the session: packages of Go
// modules that a cell imports, resolved with the go command and
// interpreted from source (see internal/modules). The go command's
// progress goes to the running cell's stderr.
func (s *Session) newModules() *modules.Modules {
	return modules.New(modules.Config{
		Compiled: preloaded,
		Versions: stdlib.ModuleVersions(),
		Progress: func(line string) { s.emit("stderr", line+"\n") },
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
