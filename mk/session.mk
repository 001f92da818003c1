# internal/session: a short fuzz run of the cell splitter and rewriter
# (seeds in internal/session/testdata/fuzz; a hang fails within 5 s per input).
TEST_TARGETS += session-fuzz

.PHONY: session-fuzz
session-fuzz:
	$(GO) test -run='^$$' -fuzz=FuzzSplit -fuzztime=20000x -timeout 5m ./internal/session/
