# tests/fidelity: how faithfully gomx runs Go.
# The differential corpus (tests/fidelity/corpus) runs in plain `go test ./...`.
# go-conformance runs every `// run` program of $(go env GOROOT)/test through
# go run and gomx (a minute or more); tests/fidelity/goroot_failing.txt lists
# the programs that fail today. A make conformance target runs
# $(CONFORMANCE_TARGETS).
CONFORMANCE_TARGETS += go-conformance

.PHONY: go-conformance
go-conformance:
	$(GOTEST) -v -timeout 60m -run '^TestGoroot$$' ./tests/fidelity/ -goroot
