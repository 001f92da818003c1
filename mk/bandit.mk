# bandit: a short run of the KL-UCB bound's fuzzer on top of its committed
# corpus (mathx/bandit/testdata/fuzz); -timeout makes a hanging input fail.
# The regret tests run in `go test ./...`; no Debian packages are needed.
TEST_TARGETS += bandit-fuzz

.PHONY: bandit-fuzz
bandit-fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzKLUpper$$' -fuzztime 300000x -timeout 5m ./mathx/bandit/
