// Command gomx is an interactive Go environment: a terminal REPL (gomx), a
// Jupyter kernel (gomx kernel), a kernelspec installer (gomx install) and a
// headless notebook runner (gomx run).
//
// This file holds only the subcommand dispatch; each subcommand registers
// itself from its own file.
package main

import (
	"fmt"
	"os"
	"sort"
)

// A command is one gomx subcommand.
type command struct {
	summary string
	run     func(args []string) int // returns the exit code
}

var commands = map[string]command{}

// register adds a subcommand; files call it from init.
func register(name, summary string, run func(args []string) int) {
	commands[name] = command{summary, run}
}

// defaultCommand runs when gomx is started without a subcommand.
var defaultCommand = "repl"

func main() {
	args := os.Args[1:]
	name := defaultCommand
	if len(args) > 0 {
		if _, ok := commands[args[0]]; ok {
			name, args = args[0], args[1:]
		} else if args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
			usage()
			return
		}
	}
	c, ok := commands[name]
	if !ok {
		fmt.Fprintf(os.Stderr, "gomx: unknown command %q\n", name)
		usage()
		os.Exit(2)
	}
	os.Exit(c.run(args))
}

func usage() {
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	fmt.Fprintln(os.Stderr, "usage: gomx [command] [flags]")
	for _, n := range names {
		fmt.Fprintf(os.Stderr, "  %-10s %s\n", n, commands[n].summary)
	}
}
