// Package notebook reads, runs and writes Jupyter notebooks (nbformat 4)
// with a gomx engine and no Jupyter: `gomx run` is built on it. Code
// cells run in order in one session; their outputs (streams, displays
// with in-place updates, results, errors with tracebacks) replace the old
// ones, and every field the package does not use is kept as it was.
package notebook

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
)

// Notebook is a notebook document. Fields other than cells and the
// kernel metadata are kept as raw JSON so that they survive a round trip.
type Notebook struct {
	raw   map[string]json.RawMessage
	Cells []*Cell
}

// Cell is one cell; unknown fields are kept.
type Cell struct {
	raw            map[string]json.RawMessage
	Type           string // "code", "markdown" or "raw"
	Source         string
	ExecutionCount *int
	Outputs        []Output
}

// Output is one output of a code cell, in nbformat's shape.
type Output map[string]any

// Read parses a notebook of nbformat 4.
func Read(data []byte) (*Notebook, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("notebook: not JSON: %w", err)
	}
	var major int
	if err := json.Unmarshal(raw["nbformat"], &major); err != nil || major != 4 {
		return nil, fmt.Errorf("notebook: nbformat %s is not supported (want 4)", raw["nbformat"])
	}
	var cells []map[string]json.RawMessage
	if err := json.Unmarshal(raw["cells"], &cells); err != nil {
		return nil, fmt.Errorf("notebook: bad cells: %w", err)
	}
	nb := &Notebook{raw: raw}
	for i, cr := range cells {
		c := &Cell{raw: cr}
		if err := json.Unmarshal(cr["cell_type"], &c.Type); err != nil {
			return nil, fmt.Errorf("notebook: cell %d has no cell_type", i)
		}
		src, err := multiline(cr["source"])
		if err != nil {
			return nil, fmt.Errorf("notebook: cell %d: bad source: %w", i, err)
		}
		c.Source = src
		if c.Type == "code" {
			if v, ok := cr["outputs"]; ok {
				if err := json.Unmarshal(v, &c.Outputs); err != nil {
					return nil, fmt.Errorf("notebook: cell %d: bad outputs: %w", i, err)
				}
			}
			if v, ok := cr["execution_count"]; ok {
				json.Unmarshal(v, &c.ExecutionCount)
			}
		}
		nb.Cells = append(nb.Cells, c)
	}
	return nb, nil
}

// ReadFile reads a notebook file.
func ReadFile(path string) (*Notebook, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	nb, err := Read(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return nb, nil
}

// multiline decodes nbformat's multiline strings: a string or a list of
// strings to concatenate.
func multiline(v json.RawMessage) (string, error) {
	if len(v) == 0 {
		return "", nil
	}
	var s string
	if err := json.Unmarshal(v, &s); err == nil {
		return s, nil
	}
	var parts []string
	if err := json.Unmarshal(v, &parts); err != nil {
		return "", err
	}
	return strings.Join(parts, ""), nil
}

// splitLines splits s into nbformat's list form: lines keeping their "\n".
func splitLines(s string) []string {
	lines := strings.SplitAfter(s, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	if lines == nil {
		lines = []string{}
	}
	return lines
}

// Marshal writes the notebook as nbformat 4 JSON (indent 1, as Jupyter
// does), sources and rich texts in list-of-lines form.
func (nb *Notebook) Marshal() ([]byte, error) {
	out := map[string]any{}
	for k, v := range nb.raw {
		out[k] = v
	}
	cells := make([]any, len(nb.Cells))
	for i, c := range nb.Cells {
		m := map[string]any{}
		for k, v := range c.raw {
			m[k] = v
		}
		m["cell_type"] = c.Type
		m["source"] = splitLines(c.Source)
		if _, ok := m["metadata"]; !ok {
			m["metadata"] = map[string]any{}
		}
		if c.Type == "code" {
			m["execution_count"] = c.ExecutionCount
			outs := c.Outputs
			if outs == nil {
				outs = []Output{}
			}
			m["outputs"] = outs
		}
		if nb.minor() >= 5 {
			if _, ok := m["id"]; !ok {
				m["id"] = newID()
			}
		}
		cells[i] = m
	}
	out["cells"] = cells
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(out); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func (nb *Notebook) minor() int {
	var m int
	json.Unmarshal(nb.raw["nbformat_minor"], &m)
	return m
}

// WriteFile writes the notebook to path (through a temporary file, so a
// failure leaves the old file whole).
func (nb *Notebook) WriteFile(path string) error {
	data, err := nb.Marshal()
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// KernelName returns metadata.kernelspec.name, or "".
func (nb *Notebook) KernelName() string {
	var md struct {
		Kernelspec struct {
			Name string `json:"name"`
		} `json:"kernelspec"`
	}
	json.Unmarshal(nb.raw["metadata"], &md)
	return md.Kernelspec.Name
}

func newID() string {
	var b [4]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// ErrCell is returned by Run when a cell fails and errors are not allowed.
var ErrCell = errors.New("a cell failed")
