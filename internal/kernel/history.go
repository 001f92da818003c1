package kernel

import (
	"path"
	"strings"
)

// historySession is the session number history entries carry: history
// lives in memory, so the only session is the current one.
const historySession = 1

type histEntry struct {
	line   int
	input  string
	output any // text/plain of the result, or nil
}

// history is the in-memory input history of one kernel process, oldest
// first.
type history struct{ entries []histEntry }

func (h *history) add(line int, input string, output any) {
	h.entries = append(h.entries, histEntry{line, input, output})
}

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

// query answers a history request: entries [session, line, input] or,
// with output, [session, line, [input, output]].
func (h *history) query(r historyRequest) []any {
	var sel []histEntry
	switch r.HistAccessType {
	case "tail":
		sel = h.entries
		if r.N >= 0 && r.N < len(sel) {
			sel = sel[len(sel)-r.N:]
		}
	case "range":
		if r.Session != 0 && r.Session != historySession {
			break
		}
		for _, e := range h.entries {
			if e.line >= r.Start && (r.Stop <= 0 || e.line < r.Stop) {
				sel = append(sel, e)
			}
		}
	case "search":
		pattern := r.Pattern
		if pattern == "" {
			pattern = "*"
		}
		seen := map[string]bool{}
		for i := len(h.entries) - 1; i >= 0; i-- {
			e := h.entries[i]
			if !globMatch(pattern, e.input) || (r.Unique && seen[e.input]) {
				continue
			}
			seen[e.input] = true
			sel = append(sel, e)
			if r.N > 0 && len(sel) == r.N {
				break
			}
		}
		for i, j := 0, len(sel)-1; i < j; i, j = i+1, j-1 {
			sel[i], sel[j] = sel[j], sel[i]
		}
	}
	out := make([]any, 0, len(sel))
	for _, e := range sel {
		var item any = e.input
		if r.Output {
			item = []any{e.input, e.output}
		}
		out = append(out, []any{historySession, e.line, item})
	}
	return out
}

// globMatch reports whether s matches the glob pattern as a whole, with
// * and ? matching any characters including newlines and slashes, like
// SQLite's GLOB that IPython's history search uses.
func globMatch(pattern, s string) bool {
	// path.Match treats '/' specially; replace it in both strings by a
	// character that cannot occur in valid UTF-8 text.
	const sep = "\xff"
	ok, err := path.Match(strings.ReplaceAll(pattern, "/", sep), strings.ReplaceAll(s, "/", sep))
	return err == nil && ok
}
