# gomx has two test gates. Each area adds its own targets in mk/*.mk, so
# the areas can grow without editing this file:
#
#   make test         the fast gate, for every change: vet, gofmt, every Go
#                     test with the short version of each stress and fault
#                     loop, -race over the engine, worker, session and
#                     front ends, cross builds, short fuzz runs, the
#                     end-to-end Jupyter tests. Budget: 15
#                     minutes on 2 cores from a cold Go build cache, Debian
#                     installs included. Areas append to TEST_TARGETS.
#   make conformance  the long runs: every Go test again with the stress
#                     and fault loops at full length (1,000 rapid and 1,000
#                     badly signed requests, kill and restart loops, clients
#                     killed mid-stream) and the long notebooks (05-sae, all
#                     seven through nbconvert, 00-tour in Chromium); Go's
#                     $GOROOT/test programs (go-conformance,
#                     mk/fidelity.mk). Budget: 40 minutes on 2 cores.
#                     Areas append to CONFORMANCE_TARGETS.
#
# Long runs have one switch, the environment variable GOMX_CONFORMANCE=1
# (package internal/longtest): a loop runs longtest.N(short, long) rounds,
# a test long by nature calls longtest.Skip. An environment variable rather
# than a build tag or -short because the Python tests of tests/kernel see
# it too, the short and long versions of a loop stay one test, and without
# it (make test, and a developer's plain `go test ./...`, about 2 minutes
# with a warm cache) only the short versions run.
#
# Measured on the development machine (2 cores shared with other jobs, load
# average 4-9, so the figures swing), each in a fresh clone with nothing
# beside it and the Debian packages already installed (32 s to install):
#   GOCACHE=$(mktemp -d) make test    7 min 44 s, 10 min 45 s, 11 min 6 s
#   make conformance (right after)    4 min 28 s (go-conformance 1.9 min)
# Where make test's time goes is in the README's Tests section. If it
# grows past the budget: the cold compiles dominate (vet, race, the cross
# builds and the fuzz builds each compile the interpreter's symbol tables).
#
# Test results are not cached (-count=1): the end-to-end tests build gomx
# and run it and Python scripts, which go test's cache does not see.
#
# Fuzz targets in mk/*.mk bound their runs by execution count (-fuzztime Nx),
# not duration: Go 1.26's fuzz coordinator can report a spurious
# "context deadline exceeded" at the end of a timed run (go.dev/issue/75804,
# fixed in Go 1.27), which failed CI once.

GO        ?= go
GOTEST    ?= $(GO) test
TEST_TARGETS :=
CONFORMANCE_TARGETS :=

# race: RACE_PKGS again under the race detector in make test: the engine
# client, the worker and the front ends, where the goroutines are, and the
# interpreter session. Their tests start workers (the test binary itself)
# and internal/repl's start a -race build of gomx; those processes write
# their race reports to GORACE's log_path, which the target checks, since
# a worker's stderr is cell output that no test reads. Tests that hit
# yaegi's own races around abandoned (interrupted) evaluations skip under
# -race, with the racing structures named at the skip.
RACE_PKGS := ./engine/... ./internal/worker/... ./internal/kernel/... \
	./internal/repl/... ./internal/notebook/... ./internal/session/...

.PHONY: all build test conformance deps gotest gotest-long race vet fmtcheck crossbuild
all: build

build:
	$(GO) build -o bin/gomx ./cmd/gomx

include $(sort $(wildcard mk/*.mk))

# deps: Go modules, then Debian packages listed by the areas (DEBS).
deps:
	$(GO) mod download
	scripts/ensure-debs $(sort $(DEBS))

fmtcheck:
	@out=$$(gofmt -l $$(git ls-files '*.go' | grep -v '^internal/stdlib/')); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

# gotest repeats, after the output, the lines that say which tests failed
# or were running when the timeout struck (CI may show only the end of a
# long log).
gotest:
	@log=$$(mktemp); echo "$(GOTEST) -count=1 -timeout 20m ./..."; \
	{ $(GOTEST) -count=1 -timeout 20m ./... 2>&1; echo $$? > "$$log.st"; } | tee "$$log"; st=$$(cat "$$log.st"); \
	if grep -qE '^(FAIL|panic: )' "$$log"; then \
		echo "== make gotest: failed tests, and the tests running at a timeout:"; \
		grep -E -A4 '^(--- FAIL|FAIL|panic: |running tests:)' "$$log" | grep -vE '^(goroutine |\s*$$)'; \
		st=1; \
	fi; rm -f "$$log" "$$log.st"; exit $$st

race:
	@dir=$$(mktemp -d); trap 'rm -rf "$$dir"' EXIT; \
	echo "GORACE=log_path=$$dir/race $(GOTEST) -race -count=1 -timeout 20m $(RACE_PKGS)"; \
	GORACE="log_path=$$dir/race" $(GOTEST) -race -count=1 -timeout 20m $(RACE_PKGS); st=$$?; \
	if ls "$$dir"/race.* >/dev/null 2>&1; then \
		cat "$$dir"/race.*; echo "make race: data races (above) in the tests or the processes they started"; exit 1; \
	fi; exit $$st

crossbuild:
	GOOS=darwin GOARCH=arm64 $(GO) build ./...
	GOOS=windows GOARCH=amd64 $(GO) build ./...

test: deps fmtcheck vet gotest race crossbuild $(TEST_TARGETS)

# gotest-long: every Go test with the long runs on.
CONFORMANCE_TARGETS += gotest-long
gotest-long:
	GOMX_CONFORMANCE=1 $(GOTEST) -count=1 -timeout 40m ./...

conformance: deps $(CONFORMANCE_TARGETS)
