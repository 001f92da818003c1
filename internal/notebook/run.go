package notebook

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/gomx-dev/gomx/display"
	"github.com/gomx-dev/gomx/engine"
	"github.com/gomx-dev/gomx/engine/errfmt"
)

// Options control Run.
type Options struct {
	// Timeout bounds each cell; 0 means none. A cell that runs longer is
	// interrupted and fails.
	Timeout time.Duration
	// AllowErrors runs on after a failing cell; otherwise Run stops at the
	// first one and returns ErrCell.
	AllowErrors bool
}

// Stats summarise a run.
type Stats struct {
	Cells   int // code cells run
	Failed  int // of which failed
	Elapsed time.Duration
}

// Run executes the notebook's code cells in order with e, replacing their
// outputs and execution counts, like nbclient with stdin off. Cells after
// a failure keep their old outputs unless AllowErrors.
func Run(ctx context.Context, e engine.Engine, nb *Notebook, o Options) (Stats, error) {
	start := time.Now()
	var st Stats
	rec := &recorder{ids: map[string][]Output{}}
	count := 0
	for i, c := range nb.Cells {
		if c.Type != "code" {
			continue
		}
		if err := ctx.Err(); err != nil {
			return st, err
		}
		count++
		c.Outputs = nil
		c.ExecutionCount = nil
		if strings.TrimSpace(c.Source) == "" {
			continue
		}
		n := count
		c.ExecutionCount = &n
		rec.cell = c
		cctx, cancel := ctx, context.CancelFunc(func() {})
		if o.Timeout > 0 {
			cctx, cancel = context.WithTimeout(ctx, o.Timeout)
		}
		res := e.Execute(cctx, c.Source, engine.ExecOptions{StoreHistory: true}, rec)
		timedOut := cctx.Err() == context.DeadlineExceeded
		cancel()
		rec.flushClear()
		st.Cells++
		if res.Pager != "" {
			rec.add(Output{"output_type": "display_data", "data": map[string]any{display.MIMEText: splitLines(res.Pager)}, "metadata": map[string]any{}})
		}
		if res.Value != nil {
			out := bundleOutput("execute_result", *res.Value)
			out["execution_count"] = n
			rec.add(out)
		}
		if res.Error != nil || timedOut {
			st.Failed++
			ee := engine.Error{Name: "Timeout"}
			if res.Error != nil {
				ee = *res.Error
			}
			if timedOut {
				ee.Value = fmt.Sprintf("cell %d timed out after %v: %s", i+1, o.Timeout, ee.Value)
			}
			ec := errfmt.Jupyter(&ee, c.Source)
			out := Output(ec.Map())
			out["output_type"] = "error"
			rec.add(out)
			if !o.AllowErrors {
				st.Elapsed = time.Since(start)
				return st, fmt.Errorf("%w: cell %d (execution count %d): %s: %s", ErrCell, i+1, n, ec.EName, ec.EValue)
			}
		}
	}
	st.Elapsed = time.Since(start)
	return st, nil
}

// recorder is the engine.Output of a run: it appends outputs to the
// current cell and applies display updates wherever the display is.
type recorder struct {
	cell         *Cell
	ids          map[string][]Output // display id → its outputs, anywhere in the notebook
	pendingClear bool
}

func (r *recorder) add(o Output) {
	r.flushClear()
	r.cell.Outputs = append(r.cell.Outputs, o)
}

// flushClear performs a clear_output(wait=True) once new output arrives.
func (r *recorder) flushClear() {
	if r.pendingClear {
		r.pendingClear = false
		r.cell.Outputs = nil
	}
}

func (r *recorder) Stream(name, text string) {
	r.flushClear()
	if n := len(r.cell.Outputs); n > 0 {
		last := r.cell.Outputs[n-1]
		if last["output_type"] == "stream" && last["name"] == name {
			last["text"] = last["text"].(string) + text
			return
		}
	}
	r.cell.Outputs = append(r.cell.Outputs, Output{"output_type": "stream", "name": name, "text": text})
}

func (r *recorder) Display(b display.Bundle, id string, update bool) {
	if update {
		for _, o := range r.ids[id] {
			fresh := bundleOutput("display_data", b)
			o["data"], o["metadata"] = fresh["data"], fresh["metadata"]
		}
		return
	}
	r.add(bundleOutput("display_data", b))
	if id != "" {
		r.ids[id] = append(r.ids[id], r.cell.Outputs[len(r.cell.Outputs)-1])
	}
}

func (r *recorder) Clear(wait bool) {
	if wait {
		r.pendingClear = true
		return
	}
	r.cell.Outputs = nil
}

func (r *recorder) Input(prompt string, password bool) (string, error) {
	return "", errors.New("input is not available when running a notebook (stdin is off)")
}

// bundleOutput turns a bundle into a display_data or execute_result
// output: text types as lists of lines, JSON as a JSON value, images as
// base64 strings.
func bundleOutput(kind string, b display.Bundle) Output {
	data := map[string]any{}
	for mime, v := range b.Data {
		switch {
		case mime == display.MIMEJSON || strings.HasSuffix(mime, "+json"):
			var j any
			if json.Unmarshal([]byte(v), &j) == nil {
				data[mime] = j
			} else {
				data[mime] = v
			}
		case strings.HasPrefix(mime, "text/") || mime == display.MIMESVG:
			data[mime] = splitLines(v)
		default:
			data[mime] = v
		}
	}
	md := map[string]any{}
	for k, v := range b.Metadata {
		md[k] = v
	}
	return Output{"output_type": kind, "data": data, "metadata": md}
}
