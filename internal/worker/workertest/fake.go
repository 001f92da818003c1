// Package workertest provides a scripted engine.Engine for testing the
// worker and its client without the interpreter, and a helper that turns
// a test binary into a worker process.
//
// A cell is a list of commands, one a line:
//
//	out TEXT     write TEXT+"\n" to os.Stdout with one Write (as compiled code does)
//	print TEXT   fmt.Fprintln(TEXT) to the session's stdout writer (as interpreted code does)
//	err TEXT     write TEXT+"\n" to os.Stderr
//	later TEXT   write TEXT+"\n" to os.Stdout 50 ms after the cell ended
//	stream TEXT  Output.Stream("stdout", TEXT+"\n")
//	show TEXT    Output.Display a text/plain bundle TEXT
//	clear        Output.Clear(false)
//	input PROMPT ask Output.Input; the answer becomes the cell's value
//	set K V      store V under K (session state)
//	get K        the value under K becomes the cell's value
//	value V      the cell's value is V
//	sleep        wait until the cell is cancelled (an interruptible call)
//	block        on cancel, keep running until the worker dies (code stuck in a compiled call)
//	hang         never return, not even on cancel
//	exit N       os.Exit(N)
//	gopanic      panic in a new goroutine (kills the process)
//	stackoverflow  recurse past a 64 KiB stack (fatal error: stack overflow)
//	unlockunlocked unlock an unlocked sync.Mutex (a fatal error of the runtime)
//	signal N     the process sends itself signal N
//	hog          allocate 1 MiB blocks, kept alive, until cancelled
//	bighog N     allocate and touch N MiB in one piece, ignoring cancel
//	chunkhog N   allocate and touch N MiB in 1 MiB blocks, ignoring cancel
//	free         let go of what the hogs keep
//	fail MSG     the cell fails with a CompileError MSG
//
// Complete returns the stored keys with the prefix before the cursor,
// Inspect finds stored keys, IsComplete says "incomplete" for code ending in
// "{" and "complete" otherwise.
package workertest

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/gomx-dev/gomx/display"
	"github.com/gomx-dev/gomx/engine"
	"github.com/gomx-dev/gomx/internal/worker"
)

// Engine is the scripted engine.
type Engine struct {
	stdout io.Writer
	mu     sync.Mutex
	vars   map[string]string
	hogged [][]byte
}

// New returns a scripted engine printing interpreted output to stdout.
func New(stdout, _ io.Writer) (engine.Engine, error) {
	return &Engine{stdout: stdout, vars: map[string]string{}}, nil
}

func text(s string) *display.Bundle {
	return &display.Bundle{Data: map[string]string{display.MIMEText: s}}
}

func interrupted(ctx context.Context) engine.ExecResult {
	return engine.ExecResult{Error: &engine.Error{Kind: engine.Interrupted, Name: "Interrupted", Value: context.Cause(ctx).Error()}}
}

// Execute runs the commands of code.
func (e *Engine) Execute(ctx context.Context, code string, _ engine.ExecOptions, out engine.Output) engine.ExecResult {
	var res engine.ExecResult
	for _, line := range strings.Split(code, "\n") {
		cmd, arg, _ := strings.Cut(line, " ")
		switch cmd {
		case "":
		case "out":
			os.Stdout.Write([]byte(arg + "\n"))
		case "print":
			fmt.Fprintln(e.stdout, arg)
		case "err":
			os.Stderr.Write([]byte(arg + "\n"))
		case "later":
			go func() {
				time.Sleep(50 * time.Millisecond)
				os.Stdout.Write([]byte(arg + "\n"))
			}()
		case "stream":
			out.Stream("stdout", arg+"\n")
		case "show":
			out.Display(*text(arg), "", false)
		case "clear":
			out.Clear(false)
		case "input":
			s, err := out.Input(arg, false)
			if err != nil {
				return engine.ExecResult{Error: &engine.Error{Kind: engine.InputError, Name: "InputError", Value: err.Error()}}
			}
			res.Value = text(s)
		case "set":
			k, v, _ := strings.Cut(arg, " ")
			e.mu.Lock()
			e.vars[k] = v
			e.mu.Unlock()
		case "get":
			e.mu.Lock()
			v, ok := e.vars[arg]
			e.mu.Unlock()
			if !ok {
				return engine.ExecResult{Error: &engine.Error{Kind: engine.CompileError, Name: "CompileError", Value: "undefined: " + arg}}
			}
			res.Value = text(v)
		case "value":
			res.Value = text(arg)
		case "sleep":
			<-ctx.Done()
			return interrupted(ctx)
		case "block":
			<-ctx.Done()
			select {}
		case "hang":
			select {}
		case "exit":
			n, _ := strconv.Atoi(arg)
			os.Exit(n)
		case "gopanic":
			go panic("scripted goroutine panic")
			select {}
		case "stackoverflow":
			// a fatal error of the Go runtime, as deep recursion gives
			debug.SetMaxStack(1 << 16)
			var deep func(n int) int
			deep = func(n int) int { return deep(n+1) + 1 }
			deep(0)
		case "signal":
			// the worker killed by a signal from outside
			n, _ := strconv.Atoi(arg)
			if p, err := os.FindProcess(os.Getpid()); err == nil {
				p.Signal(syscall.Signal(n))
			}
			select {}
		case "unlockunlocked":
			var mu sync.Mutex
			mu.Unlock()
		case "hog":
			for ctx.Err() == nil {
				b := make([]byte, 1<<20)
				for i := 0; i < len(b); i += 4096 {
					b[i] = 1
				}
				e.hogged = append(e.hogged, b)
			}
			e.hogged = nil
			return interrupted(ctx)
		case "bighog":
			n, _ := strconv.Atoi(arg)
			b := make([]byte, n<<20)
			for i := 0; i < len(b); i += 4096 {
				b[i] = 1
			}
			e.hogged = append(e.hogged, b)
		case "free":
			e.hogged = nil
		case "chunkhog":
			n, _ := strconv.Atoi(arg)
			for range n {
				b := make([]byte, 1<<20)
				for i := 0; i < len(b); i += 4096 {
					b[i] = 1
				}
				e.hogged = append(e.hogged, b)
			}
		case "fail":
			return engine.ExecResult{Error: &engine.Error{Kind: engine.CompileError, Name: "CompileError", Value: arg, Line: 1, Col: 1}}
		default:
			return engine.ExecResult{Error: &engine.Error{Kind: engine.CompileError, Name: "CompileError", Value: "unknown command " + cmd}}
		}
	}
	return res
}

// Complete returns the stored keys starting with the word before cursor.
func (e *Engine) Complete(code string, cursor int) engine.Completion {
	r := []rune(code)[:cursor]
	start := len(r)
	for start > 0 && r[start-1] != ' ' && r[start-1] != '\n' {
		start--
	}
	prefix := string(r[start:])
	c := engine.Completion{CursorStart: start, CursorEnd: cursor}
	e.mu.Lock()
	for k := range e.vars {
		if strings.HasPrefix(k, prefix) {
			c.Matches = append(c.Matches, k)
		}
	}
	e.mu.Unlock()
	sort.Strings(c.Matches)
	for range c.Matches {
		c.Types = append(c.Types, "variable")
	}
	return c
}

// Inspect describes a stored key.
func (e *Engine) Inspect(code string, _ int, _ int) engine.Inspection {
	e.mu.Lock()
	defer e.mu.Unlock()
	v, ok := e.vars[strings.TrimSpace(code)]
	if !ok {
		return engine.Inspection{}
	}
	return engine.Inspection{Found: true, Data: *text(code + " = " + v)}
}

// IsComplete says "incomplete" for code ending in "{".
func (e *Engine) IsComplete(code string) (string, string) {
	if strings.HasSuffix(strings.TrimSpace(code), "{") {
		return "incomplete", "\t"
	}
	return "complete", ""
}

// Info describes the scripted engine.
func (e *Engine) Info() engine.Info { return engine.Info{Implementation: "workertest"} }

// EnvVar, set to "1" in a test binary's environment, makes MaybeRunWorker
// serve the scripted engine.
const EnvVar = "GOMX_WORKERTEST_WORKER"

// MaybeRunWorker turns the process into a worker serving the scripted
// engine when EnvVar is set; call it first in TestMain. The memory limit
// comes from GOMX_MEMORY_LIMIT (default none).
func MaybeRunWorker() {
	if os.Getenv(EnvVar) != "1" {
		return
	}
	var limit int64
	if s := os.Getenv("GOMX_MEMORY_LIMIT"); s != "" {
		var err error
		if limit, err = engine.ParseMemoryLimit(s, worker.TotalMemory()); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
	}
	os.Exit(worker.Run(worker.Options{New: New, MemoryLimit: limit}))
}
