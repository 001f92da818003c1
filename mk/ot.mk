# ot: a short run of the entropic solvers' fuzzer (FuzzEntropic: never
# Converged with wrong marginals, never a NaN plan, the plain solver fails
# only with ErrUnderflow) on top of its committed corpus
# (mathx/ot/testdata/fuzz); -timeout makes a hanging input fail. The
# reference tests run in `go test ./...`; no Debian packages are needed
# (python3-pot is only for the benchmark, go run ./bench/ot).
TEST_TARGETS += ot-fuzz

.PHONY: ot-fuzz ot-fuzz-bad
ot-fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzEntropic$$' -fuzztime 12000x -timeout 5m ./mathx/ot/

# ot-fuzz-bad: FuzzBadInput (issue 18's contract with forbidden pairs in
# any pattern and masses, costs and reg at any scale) is a long run, in
# make conformance as issue 18 asks; its committed seeds
# (mathx/ot/testdata/fuzz/FuzzBadInput) run as plain tests in every
# `go test`, so make test still checks them.
CONFORMANCE_TARGETS += ot-fuzz-bad

ot-fuzz-bad:
	$(GO) test -run '^$$' -fuzz '^FuzzBadInput$$' -fuzztime 12000x -timeout 5m ./mathx/ot/
