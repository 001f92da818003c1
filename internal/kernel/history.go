package kernel

import "github.com/gomx-dev/gomx/internal/history"

// historyRequest is the content of history_request.
type historyRequest struct {
	Output         bool   `json:"output"`
	Raw            bool   `json:"raw"`
	HistAccessType string `json:"hist_access_type"`
	Session        int    `json:"session"`
	Start          int    `json:"start"`
	Stop           int    `json:"stop"`
	N              int    `json:"n"`
	Pattern        string `json:"pattern"`
	Unique         bool   `json:"unique"`
}

// queryHistory answers a history request from h: entries [session, line,
// input] or, with output, [session, line, [input, output]] where output is
// the text/plain of the cell's value or null.
func queryHistory(h history.Store, r historyRequest) []any {
	var sel []history.Entry
	switch r.HistAccessType {
	case "tail":
		sel = h.Tail(r.N)
	case "range":
		sel = h.Range(r.Session, r.Start, r.Stop)
	case "search":
		sel = h.Search(r.Pattern, r.N, r.Unique)
	}
	out := make([]any, 0, len(sel))
	for _, e := range sel {
		var item any = e.Input
		if r.Output {
			var output any
			if e.Output != "" {
				output = e.Output
			}
			item = []any{e.Input, output}
		}
		out = append(out, []any{e.Session, e.Line, item})
	}
	return out
}
