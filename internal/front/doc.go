// Package front is the front end of gomx cells: a small compiler from a
// cell of Go, in a session of earlier cells, to the subset of Go that the
// yaegi interpreter (v0.16.1, unmodified) runs correctly. A construct it
// cannot make correct fails with an Unsupported error naming it: a cell
// never gives a different answer than Go without saying so.
//
// # Pipeline
//
//  1. Parse (parse.go, split.go). A cell is a Go file whose statements
//     may stand at the top level. go/scanner cuts it into top-level items;
//     the declarations go to package level and the statements, in order,
//     into the body of one function, with //line directives so that every
//     position is the cell's own line and column. A package clause is
//     accepted and ignored; declarations may refer to each other in any
//     order. A syntax error is the first go/parser reports, in the gc
//     compiler's words where syntax.go knows them.
//  2. Type-check (check.go, decl.go). go/types (GoVersion go1.26) checks
//     the cell as the next file of one package whose other file, the
//     prelude, declares what earlier cells left: types with their methods,
//     function signatures, variables with their types, constants with
//     their exact values, all written from types.Object values (decl.go),
//     against the preloaded packages' export data (the importer of
//     internal/stdlib). A later cell may redeclare any name: the prelude
//     then leaves the old declaration out, and functions compiled earlier
//     keep their old binding in the interpreter. Redefining a type that
//     other declarations use is an error naming them. Errors are go/types'
//     (Go's wording), at most ten, at the cell's line and rune column;
//     unused variables and imports at the top level of a cell are allowed.
//  3. Lower (lower.go and one file per pass). One walk over the typed AST
//     rewrites what yaegi gets wrong, looking facts up on the original
//     nodes: consts (every constant expression becomes a literal of its
//     type), assign (tuple assignment through temporaries; the results
//     of calls whose result variables yaegi would share with the
//     destination received in temporaries, and received values, which
//     the interpreter drops when they go to an element, a field or
//     through a pointer, and cannot return; a top-level x := e defines a
//     session variable), loops (per-iteration loop variables where a
//     closure or address captures them, range over
//     integers, strings and pointers to arrays, range into existing
//     variables, a range with a value over a container of channels or a
//     pointer to an array reads each element by index), rangefunc (range
//     over functions, with break, continue, labels and return), selects
//     (a select becomes a call of the runtime's Select, which builds its
//     cases on each execution, and a switch on the case chosen; the
//     interpreter's select shares one list of cases between goroutines),
//     switches (a type switch becomes comma-ok assertions
//     that pick the clause, since the interpreter's own type switch
//     misses interface cases; cases it cannot tell apart, F and float64
//     of `type F float64`, are Unsupported; an interface value as a case
//     of switch true is compared with true), asserts (assertions to an
//     interface with methods try the session's implementing types, see
//     asserts.go), deferargs (defer and go evaluate their function and
//     arguments at the statement; closures of functions with defers get
//     frames of their own; a deferred literal that recovers is deferred
//     itself, its arguments bound to its parameters; a function that
//     defers two or more calls is nested at each defer after the first,
//     so that a panic of a deferred call still runs the others, see
//     nestdefers.go; a function that defers inside a range over a
//     function keeps its own stack of deferred calls; goroutines report
//     panics on the cell), calls (explicit type arguments from go/types'
//     inference, method expressions and values, a session function's
//     name used as a value converted to its func type (the interpreter
//     would hand out its internal node), promoted methods' fields
//     selected when the value is made, new(expr), len and cap of pointers
//     to arrays, make's length and capacity checked as Go's makeslice,
//     print and println, min, max, clear, recover in Go's terms, rich
//     values passed to viz), generic (generic functions and types of the
//     standard library: a compiled instantiation of the runtime, or a
//     non-generic copy of their source in GOROOT for the type arguments,
//     type-checked into the package and lowered by these same passes,
//     with what it reaches of its package; see generic.go), show (the cell's
//     last expression is shown, by its rich methods when it has them),
//     tags (the position of the last statement that can panic), names
//     (a user's declaration named like a predeclared identifier, len or
//     bool, is renamed $u_len, $u_bool, at any level: the interpreter
//     resolves such names to its builtins), local aliases (the interpreter
//     cannot declare a type alias inside a function: the declaration is
//     dropped and each use written as the aliased type). Identifiers the
//     front end makes begin with $, which no Go identifier can: they never
//     collide with a user's names.
//  4. Emit (compile.go). The interpreter gets the lowered AST itself
//     (yaegi's CompileAST, in yaegi's FileSet): a file with the cell's
//     imports under internal names, its types in dependency order,
//     constants, functions, variables without initialisers, the cell's
//     function, and an init function that calls it through the runtime
//     (Unit.File), so that one program runs the cell. Package variables
//     initialise in Go's order in a cell of
//     declarations, and where they are written in a cell with statements;
//     init functions run once, and func main runs once when the cell
//     declares it and nothing else calls it, so a whole program pasted in
//     a cell runs as go run runs it.
//
// The session (internal/session) provides the runtime the lowered code
// calls (Config.Runtime) and maps the interpreter's positions back
// through Front.Position and Front.Tag.
package front
