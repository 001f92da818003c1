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
// grows as packages are imported: src/<import path> holds the Go files
// that `go list` selected for the package (CGO_ENABLED=0, tag purego),
// lowered by the front end as a cell is (front.LowerPackage, see
// internal/front/package.go): the package, type-checked as a whole, goes
// file by file through the same passes (loop variables, range over
// integers and functions, constants, tuple assignments, deferred
// arguments, type switches, selects, min, max and clear, assertions to
// interfaces, the printing of values with String and Error methods by
// fmt, the generic functions of the standard library and of other
// packages read from source, …), and each file
// is printed back as Go with //line directives to the module cache, where
// the interpreter's positions (errors, panics) point. The package's
// variables with initialisers move into one more file, zzgomx.go, in
// go/types' InitOrder, each at its own position. Config.Front is the
// front end's configuration (the session's runtime and tables).
//
// # Known gaps
//
// A construct the front end cannot lower exactly fails the import with
// the error naming the file, line and construct (a goto out of the body
// of a range over a function, a generic standard function whose source
// does not type-check in gomx, a function type that refers to itself:
// type stateFn func(*Lexer) stateFn of expr's and BurntSushi/toml's
// lexers, on which the interpreter's compiler panics). A construct the
// interpreter would answer wrongly but that the package may never run
// (an assertion of an error back to a struct type of the package, as
// uuid's IsInvalidLengthError; errors.Is in a package with such a type,
// as pkg/errors') does not fail the import: it panics with the reason
// when it runs (front's refusal), where in a cell it is Unsupported. A generic function
// or type of a module's package is instantiated by the interpreter when
// the package itself uses it; a use from a cell or another package
// (samber/lo's lo/mutable, expr's internal/ring) is a copy of its source
// for the type arguments, made by the front end as for the standard
// library (Config.Front's Source gives the files): a copy cannot reach an
// unexported variable of its package (refused with that reason), and
// its copies of the package's unexported types are types of their own. A
// type switch of a package between
// its types that the interpreter keeps alike in an interface (same
// underlying type) is left to the interpreter's own type switch, which
// misses cases of interface types there (go-cmp needs it; the lowered
// form gave a wrong answer). When the interpreter fails on a package (an
// error or a panic of its compiler), the import fails naming the
// package (the first one that fails of those the import adds, found by
// compiling them again by bisection: a stack overflow of the compiler,
// on golang.org/x/text/unicode/norm for samber/lo, names none), and so
// does every later import of it and of the packages that import it. A package's code runs at interpreter speed; its panics
// are reported at the cell that called it.
package modules
