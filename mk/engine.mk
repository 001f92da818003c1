# engine: a short run of the engine protocol decoder's fuzzer on top of its
# committed corpus (engine/testdata/fuzz); -timeout makes a hanging input
# fail. The worker and client tests run in `go test ./...`.
TEST_TARGETS += engine-fuzz

.PHONY: engine-fuzz
engine-fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzMsgReader$$' -fuzztime 40000x -timeout 5m ./engine/
