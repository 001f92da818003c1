package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/gomx-dev/gomx/engine"
	"github.com/gomx-dev/gomx/internal/notebook"
)

func init() {
	register("run", "execute notebooks without Jupyter: gomx run [--inplace | -o out.ipynb] [--timeout 60s] [--allow-errors] nb.ipynb ...; or run a Go program as go run does: gomx run prog.go [arg ...]", runNotebooks)
}

// runNotebooks is `gomx run`: each notebook runs top to bottom in a fresh
// session and its outputs are written back, in place or to a new file.
func runNotebooks(args []string) int {
	fs := flag.NewFlagSet("gomx run", flag.ContinueOnError)
	inplace := fs.Bool("inplace", false, "write the outputs into the notebook itself")
	output := fs.String("o", "", "write the executed notebook here (one notebook only); default NAME.nbconvert.ipynb beside it")
	timeout := fs.Duration("timeout", 0, "per-cell time limit, e.g. 60s (0: none)")
	allow := fs.Bool("allow-errors", false, "run on after a failing cell and exit 0")
	mem := fs.String("memory-limit", "", "memory limit of the session (as for gomx)")
	debug := fs.Bool("debug", os.Getenv("GOMX_DEBUG") != "", "log the engine on stderr")
	fs.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: gomx run [--inplace | -o out.ipynb] [--timeout 60s] [--allow-errors] nb.ipynb ...")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	paths := fs.Args()
	if len(paths) > 0 && strings.HasSuffix(paths[0], ".go") {
		opts := engine.ClientOptions{MemoryLimit: *mem}
		if *debug {
			opts.Debug = os.Stderr
		}
		return runGoFile(paths[0], paths[1:], opts)
	}
	switch {
	case len(paths) == 0:
		fs.Usage()
		return 2
	case *inplace && *output != "":
		fmt.Fprintln(os.Stderr, "gomx run: --inplace and -o exclude each other")
		return 2
	case *output != "" && len(paths) > 1:
		fmt.Fprintln(os.Stderr, "gomx run: -o takes one notebook")
		return 2
	}
	opts := engine.ClientOptions{MemoryLimit: *mem}
	if *debug {
		opts.Debug = os.Stderr
	}
	c, err := engine.NewClient(opts)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gomx run:", err)
		return 1
	}
	defer c.Close()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	code := 0
	for i, path := range paths {
		if i > 0 {
			if err := c.Restart(); err != nil {
				fmt.Fprintln(os.Stderr, "gomx run: restarting the session:", err)
				return 1
			}
		}
		nb, err := notebook.ReadFile(path)
		if err != nil {
			fmt.Fprintln(os.Stderr, "gomx run:", err)
			code = 1
			continue
		}
		if k := nb.KernelName(); k != "" && k != "gomx" {
			fmt.Fprintf(os.Stderr, "gomx run: %s: warning: its kernel is %q, running it with gomx\n", path, k)
		}
		st, runErr := notebook.Run(ctx, c, nb, notebook.Options{Timeout: *timeout, AllowErrors: *allow})
		dest := path
		switch {
		case *output != "":
			dest = *output
		case !*inplace:
			dest = strings.TrimSuffix(path, ".ipynb") + ".nbconvert.ipynb"
		}
		if err := nb.WriteFile(dest); err != nil {
			fmt.Fprintln(os.Stderr, "gomx run:", err)
			return 1
		}
		status := "ok"
		if runErr != nil {
			status = "FAILED: " + runErr.Error()
			code = 1
		} else if st.Failed > 0 {
			status = fmt.Sprintf("%d failed (allowed)", st.Failed)
		}
		fmt.Fprintf(os.Stderr, "%s: %d cells in %v, %s → %s\n", path, st.Cells, st.Elapsed.Round(time.Millisecond), status, dest)
		if runErr != nil && !errors.Is(runErr, notebook.ErrCell) {
			return code // interrupted
		}
	}
	return code
}
