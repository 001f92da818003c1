# kernels: the dense products of mathx (mathx/internal/kernels: AVX2/AVX-512
# assembly with a bit-identical portable fallback); their tests run in
# `go test ./...`. The benchmarks against PyTorch below are not part of
# make test (they take a minute or two and want a quiet machine); CI
# installs python3-torch so that they can run there too.

DEBS += python3-torch

.PHONY: bench-nn bench-sae bench-kernels
# bench-nn: the MLP 784-256-256-10 at batch 128 against PyTorch, float64
# and float32, 1 and 2 threads on both sides (bench/nn/main.go); then
# mathx/nn's grokking network (82-128-128-41) with its test's settings
# (no biases, AdamW with ⊥Grad, float32 cross-entropy) at its full batch.
bench-nn: deps
	$(GO) run ./bench/nn -threads 1,2 -rounds 5
	$(GO) run ./bench/nn -threads 1,2 -rounds 5 -grok -sizes 82,128,128,41 -batch 672

# bench-sae: mathx/sae's TopK SAE against PyTorch with a sparse decode,
# 1 and 2 threads on both sides (bench/sae/main.go).
bench-sae: deps
	$(GO) run ./bench/sae -threads 1,2 -rounds 3

# bench-kernels: GFLOP/s of the kernels on the MLP's products, one core,
# with the measured FMA peak.
bench-kernels:
	GOMAXPROCS=1 $(GO) test -run '^$$' -bench 'Peak|MLP' -benchtime 300x ./mathx/internal/kernels/
