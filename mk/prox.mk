# prox: short runs of the proximal-operator fuzzers on top of their committed
# corpora (simplex/ℓ1-ball projections vs the sort formula, TV1D's dual
# certificate); -timeout makes a hanging input fail. No Debian packages are
# needed: the scikit-learn comparison (go run ./bench/lasso) is a
# benchmark, not part of make test.
TEST_TARGETS += prox-fuzz

.PHONY: prox-fuzz prox-fuzz-bad
prox-fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzSimplex$$' -fuzztime 80000x -timeout 5m ./mathx/prox/
	$(GO) test -run '^$$' -fuzz '^FuzzTV1D$$' -fuzztime 200000x -timeout 5m ./mathx/prox/

# prox-fuzz-bad: FuzzBadInput, issue 18's bad-input contract on arbitrary
# bit patterns (NaN, ±Inf, every scale), is a long run (issue 18 puts the
# fuzzing in make conformance). Its committed seeds
# (mathx/prox/testdata/fuzz/FuzzBadInput) run as plain tests in every
# `go test`, so make test still checks them.
CONFORMANCE_TARGETS += prox-fuzz-bad

prox-fuzz-bad:
	$(GO) test -run '^$$' -fuzz '^FuzzBadInput$$' -fuzztime 300000x -timeout 5m ./mathx/prox/
