package session

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"os"
	osexec "os/exec"
	"regexp"
	"strings"

	"github.com/gomx-dev/gomx/engine"
	"github.com/gomx-dev/gomx/internal/front"
	"github.com/gomx-dev/gomx/internal/modules"
	"github.com/gomx-dev/gomx/internal/stdlib"
	"github.com/gomx-dev/gomx/viz"
	"github.com/traefik/yaegi/interp"
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
		Check:    importCheck,
		Front: front.Config{
			Available:   availableFrom,
			Interpreted: func(path string) bool { return !preloaded(path) },
			Runtime:     rtPath,
			StdGeneric:  stdGeneric,
		},
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

// checkEnv is the environment variable with which importCheck starts
// the process it runs in: the GOPATH directory and the import paths, one
// a line.
const checkEnv = "GOMX_CHECK_IMPORTS"

// A process that any binary with a session starts (os.Executable) to
// check imports does only that, before its own main.
func init() {
	if v, ok := os.LookupEnv(checkEnv); ok {
		os.Exit(checkImports(v))
	}
}

// checkImports compiles, with the interpreter and the preloaded packages,
// a file importing the packages of spec (checkEnv's value), which runs
// their initialisation; an error goes to stderr and exits 1, a panic or a
// fatal error of the interpreter's compiler ends the process as it would
// end the session.
func checkImports(spec string) int {
	lines := strings.Split(spec, "\n")
	in := interp.New(interp.Options{GoPath: lines[0], Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: io.Discard, Env: os.Environ()})
	// the runtime that lowered code calls (a session's, unused)
	s, err := New(Options{Stdout: io.Discard, Stderr: io.Discard})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	for _, exports := range []interp.Exports{symbols, s.overlay(), s.timerOverlay()} {
		if err := in.Use(exports); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
	}
	var b strings.Builder
	b.WriteString("package main\n\nimport (\n")
	for i, p := range lines[1:] {
		fmt.Fprintf(&b, "\tc%d %q\n", i, p)
	}
	b.WriteString(")\n")
	if _, err := in.Compile(b.String()); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// importPrefix begins the interpreter's error on an import.
var importPrefix = regexp.MustCompile(`^\d+:\d+: import "[^"]*" error: `)

// importCheck is the modules' Check: it runs checkImports in a process
// of this binary and returns its error or how it ended.
func importCheck(ctx context.Context, gopath string, paths []string) error {
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	cmd := osexec.CommandContext(ctx, exe)
	cmd.Env = append(os.Environ(), checkEnv+"="+gopath+"\n"+strings.Join(paths, "\n"))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err = cmd.Run()
	if err == nil {
		return nil
	}
	if ctx.Err() != nil {
		return errors.New("interrupted")
	}
	lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
	for _, l := range lines {
		// the interpreter's fatal error or panic, not the stack after it
		if strings.HasPrefix(l, "fatal error: ") || strings.HasPrefix(l, "panic: ") {
			return fmt.Errorf("%s (%v)", l, err)
		}
	}
	if lines[0] == "" {
		return err
	}
	return errors.New(importPrefix.ReplaceAllString(lines[0], ""))
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
