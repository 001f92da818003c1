# gomx: `make test` installs what it needs and runs every test.
# Each area adds its own targets in mk/*.mk (appending to TEST_TARGETS),
# so the areas can grow without editing this file.
#
# Fuzz targets in mk/*.mk bound their runs by execution count (-fuzztime Nx),
# not duration: Go 1.26's fuzz coordinator can report a spurious
# "context deadline exceeded" at the end of a timed run (go.dev/issue/75804,
# fixed in Go 1.27), which failed CI once.

GO        ?= go
GOTEST    ?= $(GO) test
TEST_TARGETS :=

.PHONY: all build test deps gotest vet fmtcheck crossbuild
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

gotest:
	$(GOTEST) -timeout 20m ./...

crossbuild:
	GOOS=darwin GOARCH=arm64 $(GO) build ./...
	GOOS=windows GOARCH=amd64 $(GO) build ./...

test: deps fmtcheck vet gotest crossbuild $(TEST_TARGETS)
