package notebook

import (
	"context"
	"testing"
)

func TestFromPercent(t *testing.T) {
	src := `//go:build ignore

// %% [markdown]
// # Title
//
// Some *prose*.

// %%
x := 1
x + 1

// %% tags=["plot", "slow"]
print 2
`
	nb, err := FromPercent(src)
	if err != nil {
		t.Fatal(err)
	}
	if len(nb.Cells) != 3 {
		t.Fatalf("%d cells", len(nb.Cells))
	}
	if c := nb.Cells[0]; c.Type != "markdown" || c.Source != "# Title\n\nSome *prose*." {
		t.Fatalf("markdown cell %q", c.Source)
	}
	if c := nb.Cells[1]; c.Type != "code" || c.Source != "x := 1\nx + 1" || len(c.Tags()) != 0 {
		t.Fatalf("code cell %q", c.Source)
	}
	if tags := nb.Cells[2].Tags(); len(tags) != 2 || tags[0] != "plot" {
		t.Fatalf("tags %v", tags)
	}
	if nb.KernelName() != "gomx" {
		t.Fatal("kernel is not gomx")
	}
	if _, err := Run(context.Background(), scripted{}, nb, Options{}); err != nil {
		t.Fatal(err)
	}
	data, err := nb.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	validate(t, data)
	if _, err := FromPercent("// %% [markdown]\nnot a comment\n"); err == nil {
		t.Fatal("a Markdown line without // was accepted")
	}
}
