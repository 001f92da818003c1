// Package modules lets a cell import packages of Go modules that are not
// compiled into gomx: `import "github.com/google/uuid"` in a running
// session.
//
// # Resolution
//
// The first import of a package that is neither preloaded (compiled into
// gomx) nor in the standard library creates the session's scratch module
// (a temporary directory with `go mod init`), runs `go get <path>` there
// and `go list -deps -json <path>`, which gives the directory in the
// module cache and the Go files of the package and of every package it
// depends on. No go command runs before that import. The go command runs
// with the user's environment (GOPROXY, GOFLAGS, GOPRIVATE, GONOSUMDB,
// GOMODCACHE …) and GOTOOLCHAIN=local, GOWORK=off, CGO_ENABLED=0; its
// progress lines (go: downloading …) go to the cell's stderr as they come.
// `%go get module@version` pins a version in the scratch module and
// `%go list` shows the modules it uses. A package compiled into gomx
// keeps gomx's version: a module that requires a newer one fails with a
// message naming both versions. A module's version cannot change once one
// of its packages is imported: a %go get that would change it says that
// the new version is used after %reset.
//
// # Validation
//
// Before the interpreter sees a package, it is type-checked from its
// source with go/types (against the preloaded packages' type information
// for what it imports of them) and refused, with one error naming the
// package and the reason, when it cannot be found, fails to type-check,
// needs cgo (all its files import "C") or assembly (.s files with
// declarations without bodies). Then Config.Check compiles it with the
// interpreter in another process of the same binary (the session's
// importCheck), from a temporary GOPATH with the files the interpreter
// will get: yaegi cannot retry an import that failed, and on some packages
// its compiler panics or overflows its stack, a fatal error that would end
// the session (github.com/samber/lo). That process runs the package's
// initialisation too. A package the interpreter still fails on in the
// session is remembered and refused in the same words for the rest of the
// session.
//
// # Serving the source
//
// yaegi v0.16.1 has no module support: it reads a package's source from
// GOPATH/src/<import path>. FS is a virtual GOPATH, rooted at GoPath, that
// grows as packages are imported: src/<import path> holds exactly the Go
// files that `go list` selected for the package (CGO_ENABLED=0, tag
// purego), read from the module cache. The files are served lowered in
// two line-preserving ways: build-constraint lines are blanked (the go
// command has chosen the files; yaegi only understands old +build lines),
// and, in files whose Go version is 1.22 or later, a range loop variable
// that a closure captures or whose address is taken is copied into a
// per-iteration variable at the start of the body, as Go 1.22 gives each
// iteration its own (the interpreter shares one variable across
// iterations). A three-clause for loop whose variable is captured gets
// the same copy when its body never assigns the variable; when it does,
// the import fails, naming the loop. When the interpreter would
// initialise the package's variables in another order than Go (it follows
// only the variables an initialiser names itself, not those the functions
// it calls read), the initialised declarations move into one more file,
// zzgomxinit.go, in go/types' InitOrder, each after a line directive to
// its own place (initorder.go). A range over an integer, which the
// interpreter cannot run, becomes a three-clause loop over hidden
// variables on the same line (the integer expression must have no
// effects); a range over a function is refused. The builtins min and max
// (Go 1.21), which the interpreter lacks, become calls of functions of
// one more file, zzgomxbuiltins.go, one per type, with Go's rules for NaNs
// and signed zeros (a constant call becomes its value). A constant
// expression that uses a constant of another package (0.0 -
// math.MaxFloat64) becomes a literal of its value and type, outside
// constant declarations: the interpreter's tables type compiled
// constants in their own way. A type assertion x.(I) to an interface
// with methods becomes a call of a helper of that file that tries first
// the package's types implementing I: the interpreter gives a value that
// went through an interface (error) to such an assertion without its
// methods (github.com/pkg/errors' Cause), while assertions to concrete
// types work; type switches with interface cases are not lowered.
//
// # Known gaps
//
// Module sources do not go through the rest of the front end's lowering
// (internal/front): the other constructs it rewrites for cells (other
// constant expressions, tuple assignments, type switches with interface cases,
// select, deferred arguments, clear, generic functions of the standard
// library, type switches with interface cases, …) reach the
// interpreter as written and run with yaegi's own semantics, bugs
// included. Two of those bugs are seen in popular modules and give wrong
// output without an error, in cells as well: a method's result of a named
// type with a String method, passed straight to fmt (fmt.Println(
// u.Version()) of github.com/google/uuid, fmt.Println(a.Add(b)) of
// github.com/shopspring/decimal), is printed without it, and
// fmt's %d of such a value inside its own String method prints the
// interpreter's wrapper ("VERSION_{5 5462528}"). When the interpreter
// fails on a package (an error or a panic of its compiler), the import
// fails naming the package, and so does every later import of it and of
// the packages that import it. A package's code runs at interpreter speed;
// its panics are reported at the cell that called it, with the
// interpreter's positions in the module cache.
package modules
