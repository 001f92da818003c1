# kernel: the Jupyter kernel (kernel/, install/, gomx kernel, gomx install).

DEBS += jupyter-client python3-jupyter-client python3-jupyter-kernel-test python3-ipykernel chromium \
	jupyter-console jupyter-nbconvert python3-nbclient python3-notebook

TEST_TARGETS += kernel-fuzz

.PHONY: kernel-fuzz
# A short run of the wire decoder's fuzzer on top of the committed corpus;
# -timeout makes a hanging input fail.
kernel-fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzDecode$$' -fuzztime 200000x -timeout 5m ./internal/kernel/

.PHONY: bench-kernel
# gomx kernel against Debian's ipykernel through jupyter_client (not part
# of make test: it takes about two minutes and wants a quiet machine).
bench-kernel: deps build
	$(GO) build -o bin/instant ./bench/kernel/instant
	/usr/bin/python3 bench/kernel/bench.py --gomx bin/gomx --instant bin/instant
