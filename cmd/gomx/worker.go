package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/gomx-dev/gomx/engine"
	"github.com/gomx-dev/gomx/internal/session"
	"github.com/gomx-dev/gomx/internal/worker"
)

func init() {
	register("worker", "serve a Go session over fds 3/4 (started by gomx front ends)", runWorker)
}

// runWorker is `gomx worker [--memory-limit L] [--debug]`.
func runWorker(args []string) int {
	fs := flag.NewFlagSet("gomx worker", flag.ContinueOnError)
	mem := fs.String("memory-limit", os.Getenv("GOMX_MEMORY_LIMIT"), "memory limit of the session: 256MB, 2GiB, 50% (of the memory the process may use), 0 for none (default 40%, env GOMX_MEMORY_LIMIT)")
	debug := fs.Bool("debug", os.Getenv("GOMX_DEBUG") != "", "log the protocol on stderr (env GOMX_DEBUG)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	limit, err := memoryLimit(*mem)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gomx worker:", err)
		return 2
	}
	return worker.Run(worker.Options{
		New: func(stdout, stderr io.Writer) (engine.Engine, error) {
			var args []string
			if a, ok := os.LookupEnv(osArgsEnv); ok {
				if err := json.Unmarshal([]byte(a), &args); err != nil {
					return nil, fmt.Errorf("%s: %w", osArgsEnv, err)
				}
			}
			return session.New(session.Options{Stdout: stdout, Stderr: stderr, Args: args})
		},
		MemoryLimit: limit,
		Debug:       *debug,
	})
}

// memoryLimit resolves the --memory-limit value; empty means 40 % of the
// memory the process may use (the machine's, or its control groups' limit
// when less) where that is known, and no limit elsewhere. The worker may
// map up to about 2.5 times the limit for a moment (a slice growing near
// it), which 40 % keeps inside what it may use.
func memoryLimit(s string) (int64, error) {
	total := worker.TotalMemory()
	if s == "" {
		return total * 2 / 5, nil
	}
	return engine.ParseMemoryLimit(s, total)
}
