// Package notebooks holds gomx's teaching notebooks: one per algorithm
// family, each executed top to bottom by the tests.
//
// Each notebook is written as a NN-name.gomx file in the percent format
// (`// %%` starts a code cell, `// %% [markdown]` a Markdown cell of `//`
// lines, `tags=["plot"]` marks a cell that must show a picture) and
// `go generate ./notebooks` turns it into NN-name.ipynb, committed with
// its outputs stripped so that diffs stay readable and the repository
// small; run one with `gomx run notebooks/01-prox.ipynb` or open it in
// Jupyter.
package notebooks

//go:generate go run ./internal/gen
