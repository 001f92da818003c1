# viz: `make bench-viz` reruns the plot rendering benchmarks quoted in the
# viz issue note (wall time and CPU time per render of a 10,000-point line
# plot at the default size and 2× density: viz's decimated Curve, plotter.Line
# through viz's pipeline, and plain gonum/plot). `make viz-golden` rewrites
# the golden images after an intended change of the quick plots' look.
.PHONY: bench-viz viz-golden
bench-viz:
	$(GO) test ./viz -run '^$$' -bench 'Line10k|Heatmap500' -benchtime 20x -count 3 -cpu 1

viz-golden:
	$(GO) test ./viz -run '^TestGolden$$' -update

# viz-jupyter: issue 5's checks through the real jupyter_client against
# bin/gomx, with its kernelspec installed into a temporary prefix.
DEBS += python3-jupyter-client
TEST_TARGETS += viz-jupyter

.PHONY: viz-jupyter
viz-jupyter: build
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	bin/gomx install --prefix "$$tmp" >/dev/null || exit 1; \
	cd viz/testdata && JUPYTER_PATH="$$tmp/share/jupyter" timeout 900 /usr/bin/python3 -m unittest -v jupyter_viz_test
