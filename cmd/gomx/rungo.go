package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"

	"github.com/gomx-dev/gomx/engine"
)

// osArgsEnv passes os.Args for the cells from a front end to its worker,
// as a JSON list.
const osArgsEnv = "GOMX_OS_ARGS"

// runGoFile is `gomx run prog.go [arg ...]`: the file runs as one cell, as
// `go run` runs it: its output on stdout and stderr, compile errors and
// panics on stderr in Go's form, and Go's exit status (1 for a compile
// error, 2 for a panic, n for os.Exit(n)).
func runGoFile(path string, args []string, opts engine.ClientOptions) int {
	src, err := os.ReadFile(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gomx run:", err)
		return 1
	}
	name := strings.TrimSuffix(filepath.Base(path), ".go")
	js, err := json.Marshal(append([]string{name}, args...))
	if err != nil {
		fmt.Fprintln(os.Stderr, "gomx run:", err)
		return 1
	}
	opts.Env = append(opts.Env, osArgsEnv+"="+string(js))
	c, err := engine.NewClient(opts)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gomx run:", err)
		return 1
	}
	defer c.Close()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	out := &programOutput{textOutput{stdout: os.Stdout, stderr: os.Stderr, lastNL: true}, bufio.NewReader(os.Stdin)}
	res := c.Execute(ctx, string(src), engine.ExecOptions{AllowStdin: true}, out)
	if res.Error == nil {
		return 0
	}
	e := res.Error
	switch {
	case e.Kind == engine.CompileError:
		fmt.Fprintln(os.Stderr, "# command-line-arguments")
		for _, l := range strings.Split(e.Value, "\n") {
			if strings.HasPrefix(l, "\t") {
				fmt.Fprintln(os.Stderr, l)
				continue
			}
			fmt.Fprintf(os.Stderr, "./%s:%s\n", filepath.Base(path), l)
		}
	case e.Name == "os.Exit":
	case e.Kind == engine.RuntimePanic:
		fmt.Fprintln(os.Stderr, "panic: "+e.Value)
		if len(e.Traceback) > 1 {
			fmt.Fprintln(os.Stderr)
			for _, l := range e.Traceback[1:] {
				fmt.Fprintln(os.Stderr, l)
			}
		}
	default:
		fmt.Fprintf(os.Stderr, "gomx run: %s: %s\n", e.Name, e.Value)
	}
	if e.Status != 0 {
		return e.Status
	}
	return 1
}

// programOutput is a program's terminal: its input is standard input.
type programOutput struct {
	textOutput
	stdin *bufio.Reader
}

// Input reads a line of standard input.
func (o *programOutput) Input(string, bool) (string, error) {
	line, err := o.stdin.ReadString('\n')
	if err != nil && line == "" {
		return "", err
	}
	return strings.TrimSuffix(line, "\n"), nil
}
