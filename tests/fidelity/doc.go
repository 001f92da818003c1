// Package fidelity measures how faithfully gomx runs Go. It holds only
// tests; this file carries the package's documentation.
//
// Two instruments:
//
// The differential corpus (corpus_test.go, TestCorpus, part of plain
// `go test ./...`). Each corpus/*.txtar file is a case: a comment saying
// what it checks, then files cell1, cell2, … (the cells as a notebook user
// types them) and, when the equivalent Go program does not compile or
// fails at run time, a file expect saying how (see below). At test time
// every case is assembled into one Go program: the cells' declarations
// (imports merged, package clauses dropped) at package level in their
// order, and each cell's statements in order inside func main, with a
// marker written to stdout and stderr at the start of every cell so that
// the program's output can be split per cell. Every line keeps its
// position through /*line cellN:L:C*/ directives, so the compiler reports
// errors in the cell's own coordinates. Top-level `x := e` of a cell is a
// local of main in the program and is followed by `_ = x` (a notebook does
// not require a global to be used), and an import no cell refers to
// becomes a blank import. All programs are built by one `go build` and
// run (10 s each); then the cells run in a fresh in-process
// session.Session per case, set up as the gomx worker sets up its session
// (interpreted output to os.Stdout/os.Stderr, file descriptors 1 and 2
// captured), and are compared cell by cell:
//
//   - a cell Go ran to its end must succeed in gomx with the same stdout;
//   - the cell that panicked (Go exits 2 with "panic: msg") must fail with
//     an error whose text contains msg (the last panic line without
//     "panic: " and "[recovered]"), after the same stdout; a fatal error
//     ("fatal error: all goroutines are asleep - deadlock!") likewise; a
//     cell that called os.Exit(n) must fail with an error mentioning
//     os.Exit(n) (for os.Exit(0) it may also end without an error; its
//     output must stop there in any case);
//   - a cell with a Go compile error must fail with a CompileError whose
//     message contains one of Go's messages for that cell, at its line in
//     the cell; cells before the first such cell are compared with the
//     output of the program made of those cells alone (a second build).
//
// Cells after the one that failed in Go are not compared: Go never ran
// them. What the gomx session displays as a cell's value is not compared
// either (a Go program has no such thing), nor stderr.
//
// The expect file states Go's own outcome, one line per failing cell:
//
//	cell2: compile: declared and not used: x
//	cell1: panic: runtime error: index out of range [5] with length 3
//	cell1: fatal: all goroutines are asleep - deadlock!
//	cell3: exit 3
//
// and the harness checks it against what Go did, so a case cannot fail in
// Go by accident (a missing import, a typo): a Go program that fails
// without an expect file, or differently from it, is an error of the case.
//
// corpus/FAILING lists the cases gomx does not pass today, one per line
// as "name: cause". The test fails when a case not listed fails (a
// regression) and when a listed case passes (remove it from the list).
// `go test ./tests/fidelity -run TestCorpus -v` prints every mismatch;
// -corpus.run REGEXP selects cases; -corpus.update rewrites FAILING from
// today's results, keeping the causes already written (-goroot.run and
// -goroot.update do the same for the conformance).
//
// Writing a case: the program must be deterministic (no map iteration
// order, times or addresses in the output) and must mean the same as the
// cells. A package-level var initialiser runs before main in Go but when
// its cell runs in gomx, so one that prints or depends on a cell's `:=`
// variable does not translate; nor does redefining a name in a later cell.
//
// The $GOROOT/test conformance (goroot_test.go, TestGoroot, run only with
// -goroot: `go test ./tests/fidelity -run TestGoroot -v -goroot`, the flag
// after the package, or `make go-conformance`; about a minute with a warm
// build cache) runs every $(go env GOROOT)/test/*.go
// whose first line is "// run" with `go run` and with the gomx binary
// (`gomx run FILE` when gomx's run command takes Go files, else its stdin
// mode with the cell "%load FILE") in the directory Go's own test driver
// uses, 20 s each (a program past it beside another runs again alone),
// and compares stdout and exit status.
// goroot_failing.txt lists the programs that fail today with their cause;
// a program failing that is not listed, or a listed one passing, fails the
// test.
package fidelity
