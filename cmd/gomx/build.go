package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/gomx-dev/gomx/internal/build"
)

func init() {
	register("build", "build a worker with more packages compiled in: gomx build --with github.com/x/y[@v1.2.3] ...; gomx build --reset", runBuild)
}

// listFlag is a flag that may be repeated, each value a comma-separated
// list.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }

func (l *listFlag) Set(s string) error {
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			*l = append(*l, p)
		}
	}
	return nil
}

// runBuild is `gomx build`: it builds a worker with the --with packages
// compiled in (or finds it in the cache) and makes it the worker of new
// sessions; --reset goes back to gomx's own worker; with neither it says
// which worker new sessions use.
func runBuild(args []string) int {
	fs := flag.NewFlagSet("gomx build", flag.ContinueOnError)
	var with listFlag
	fs.Var(&with, "with", "package to compile in, github.com/x/y or github.com/x/y@v1.2.3 (repeat the flag or separate with commas)")
	src := fs.String("src", "", "gomx's module source to build from (default: the source this gomx was built from, or its released version's module)")
	reset := fs.Bool("reset", false, "make new sessions use gomx's own worker again")
	clean := fs.Bool("clean", false, "remove the built workers from the cache, except the one new sessions use")
	verbose := fs.Bool("v", false, "show the go command's output")
	fs.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: gomx build --with github.com/x/y[@version] [--with ...] [--src dir] [-v]\n       gomx build --reset\n       gomx build --clean\n       gomx build (shows the worker of new sessions)")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	switch {
	case fs.NArg() > 0:
		fmt.Fprintf(os.Stderr, "gomx build: unexpected argument %q (name packages with --with)\n", fs.Arg(0))
		return 2
	case (*reset || *clean) && len(with) > 0:
		fmt.Fprintln(os.Stderr, "gomx build: --reset and --clean cannot be given with --with")
		return 2
	case *reset:
		if err := build.Reset(); err != nil {
			fmt.Fprintln(os.Stderr, "gomx build:", err)
			return 1
		}
		fmt.Println("new sessions use gomx's own worker")
		if !*clean {
			return 0
		}
		fallthrough
	case *clean:
		removed, err := build.Prune(0)
		if err != nil {
			fmt.Fprintln(os.Stderr, "gomx build:", err)
			return 1
		}
		fmt.Printf("removed %d built workers from the cache\n", len(removed))
		return 0
	case len(with) == 0:
		fmt.Print(workerText())
		return 0
	}
	var log io.Writer = progressWriter{}
	if *verbose {
		log = os.Stderr
	}
	start := time.Now()
	r, err := build.Build(build.Options{Packages: with, Src: *src, Log: log})
	if err != nil {
		fmt.Fprintln(os.Stderr, "gomx build:", err)
		return 1
	}
	how := fmt.Sprintf("built in %.0fs", time.Since(start).Seconds())
	if r.Cached {
		how = "found in the cache"
	}
	fmt.Printf("worker %s (%s); new sessions and restarts use it, with compiled in:\n", r.Binary, how)
	for _, p := range r.Packages {
		fmt.Printf("  %s\n", p)
	}
	return 0
}

// progressWriter shows the build's own progress lines (those starting with
// "gomx build:") on stderr, and drops the go command's output, which the
// error repeats when a step fails.
type progressWriter struct{}

func (progressWriter) Write(b []byte) (int, error) {
	for _, line := range strings.SplitAfter(string(b), "\n") {
		if strings.HasPrefix(line, "gomx build:") {
			os.Stderr.WriteString(line)
		}
	}
	return len(b), nil
}
