# internal/front: a short fuzz run of the cell compiler (parse, type-check,
# lower; seeds in internal/front/testdata/fuzz; a hang fails within 5 s per input).
TEST_TARGETS += session-fuzz

.PHONY: session-fuzz
session-fuzz:
	$(GO) test -run='^$$' -fuzz=FuzzCompile -fuzztime=5000x -timeout 5m ./internal/front/
