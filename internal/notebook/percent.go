package notebook

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
)

// FromPercent builds a notebook from Go source in the "percent" format
// that jupytext and VS Code use: a line `// %%` starts a code cell,
// `// %% [markdown]` a Markdown cell whose lines are `//` comments, and
// `tags=["a", "b"]` after either marker sets the cell's tags. Lines before
// the first marker (a build constraint, say) are dropped. The notebook's
// kernel is gomx.
func FromPercent(src string) (*Notebook, error) {
	marker := regexp.MustCompile(`^// %%(\s+\[markdown\])?(\s+tags=(\[.*\]))?\s*$`)
	type cell struct {
		markdown bool
		tags     []string
		lines    []string
	}
	var cells []*cell
	for n, line := range strings.Split(src, "\n") {
		if m := marker.FindStringSubmatch(line); m != nil {
			c := &cell{markdown: m[1] != ""}
			if m[3] != "" {
				if err := json.Unmarshal([]byte(m[3]), &c.tags); err != nil {
					return nil, fmt.Errorf("line %d: bad tags %s: %v", n+1, m[3], err)
				}
			}
			cells = append(cells, c)
			continue
		}
		if len(cells) == 0 {
			continue
		}
		c := cells[len(cells)-1]
		if c.markdown {
			t := strings.TrimPrefix(line, "//")
			t = strings.TrimPrefix(t, " ")
			if t == line && strings.TrimSpace(line) != "" {
				return nil, fmt.Errorf("line %d: a Markdown cell's lines must be // comments", n+1)
			}
			line = t
		}
		c.lines = append(c.lines, line)
	}
	raw := map[string]json.RawMessage{
		"nbformat":       json.RawMessage("4"),
		"nbformat_minor": json.RawMessage("5"),
		"metadata": json.RawMessage(`{"kernelspec": {"display_name": "Go (gomx)", "language": "go", "name": "gomx"},` +
			` "language_info": {"codemirror_mode": "go", "file_extension": ".go", "mimetype": "text/x-go", "name": "go", "pygments_lexer": "go"}}`),
	}
	nb := &Notebook{raw: raw}
	for i, c := range cells {
		lines := c.lines
		for len(lines) > 0 && strings.TrimSpace(lines[len(lines)-1]) == "" {
			lines = lines[:len(lines)-1]
		}
		for len(lines) > 0 && strings.TrimSpace(lines[0]) == "" {
			lines = lines[1:]
		}
		md := map[string]any{}
		if len(c.tags) > 0 {
			md["tags"] = c.tags
		}
		mdj, _ := json.Marshal(md)
		id, _ := json.Marshal(fmt.Sprintf("cell-%02d", i))
		cr := map[string]json.RawMessage{"metadata": mdj, "id": id}
		typ := "code"
		if c.markdown {
			typ = "markdown"
		}
		nb.Cells = append(nb.Cells, &Cell{raw: cr, Type: typ, Source: strings.Join(lines, "\n")})
	}
	return nb, nil
}

// Tags returns the cell's metadata tags.
func (c *Cell) Tags() []string {
	var md struct {
		Tags []string `json:"tags"`
	}
	json.Unmarshal(c.raw["metadata"], &md)
	return md.Tags
}
