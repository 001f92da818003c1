// Package layering has no code: its test enforces the direction of the
// dependencies between the module's packages (ARCHITECTURE.md §2) on the
// output of `go list -deps -test ./...`.
//
// The rules concern the whole module and belong to no single package, so
// they live in a package of their own; under internal/ nobody imports it,
// and `go test ./...` (make test, CI) runs it with every other test. Run it
// alone with
//
//	go test ./internal/layering
package layering
