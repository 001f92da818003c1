package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/gomx-dev/gomx/engine"
	"github.com/gomx-dev/gomx/internal/kernel"
)

func init() {
	register("kernel", "run the Jupyter kernel: gomx kernel [--debug] CONNECTION_FILE (started by Jupyter)", runKernel)
}

// runKernel is `gomx kernel [--debug] [--memory-limit L] CONNECTION_FILE`.
func runKernel(args []string) int {
	fs := flag.NewFlagSet("gomx kernel", flag.ContinueOnError)
	debug := fs.Bool("debug", os.Getenv("GOMX_DEBUG") != "", "log protocol problems and the worker's log on stderr (env GOMX_DEBUG)")
	mem := fs.String("memory-limit", "", "memory limit of the session: 256MB, 2GiB, 50% (of the memory the process may use), 0 for none (default: the worker's)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: gomx kernel [--debug] CONNECTION_FILE")
		return 2
	}
	conn, err := kernel.ReadConnectionFile(fs.Arg(0))
	if err != nil {
		fmt.Fprintln(os.Stderr, "gomx kernel:", err)
		return 1
	}
	for _, w := range conn.Warnings() {
		fmt.Fprintln(os.Stderr, "gomx kernel: warning:", w)
	}
	var dbg io.Writer
	lg := log.New(io.Discard, "", 0)
	if *debug {
		dbg = os.Stderr
		lg = log.New(os.Stderr, "gomx kernel: ", log.Lmicroseconds)
	}
	// Catch the signals before anything can be interrupted: Go's default
	// action would kill the kernel and orphan nothing, but lose the
	// session.
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer signal.Stop(sigs)

	tr, err := kernel.ListenZMQ(conn)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gomx kernel:", err)
		return 1
	}
	client, err := engine.NewClient(engine.ClientOptions{MemoryLimit: *mem, Debug: dbg})
	if err != nil {
		tr.Close()
		fmt.Fprintln(os.Stderr, "gomx kernel:", err)
		return 1
	}
	k := kernel.New(kernel.Options{
		Engine:          client,
		Transport:       tr,
		Key:             []byte(conn.Key),
		SignatureScheme: conn.SignatureScheme,
		Info:            engine.DefaultInfo(),
		Log:             lg,
	})
	go func() {
		for s := range sigs {
			if s == os.Interrupt {
				lg.Printf("SIGINT: interrupting the running cell")
				k.Interrupt()
				continue
			}
			lg.Printf("%v: shutting down", s)
			k.Shutdown()
		}
	}()
	watchParent(k, lg)
	if err := k.Run(context.Background()); err != nil {
		lg.Printf("closing: %v", err)
	}
	return 0
}

// watchParent shuts k down when the process that launched it ends, as
// ipykernel's parent poller does: jupyter_client's launcher (the Notebook
// server, jupyter console) names itself in JPY_PARENT_PID on Unix, and a
// kernel it can no longer shut down would live on with its worker. On
// Windows the variable holds a handle, not the parent's process id, and
// nothing is watched.
func watchParent(k *kernel.Kernel, lg *log.Logger) {
	pid, err := strconv.Atoi(os.Getenv("JPY_PARENT_PID"))
	if err != nil || pid <= 1 || pid != os.Getppid() {
		return
	}
	go func() {
		for range time.Tick(time.Second) {
			if os.Getppid() != pid {
				lg.Printf("the launching process %d ended: shutting down", pid)
				k.Shutdown()
				return
			}
		}
	}()
}
