package kernel

import (
	"reflect"
	"testing"
)

func TestHistoryQuery(t *testing.T) {
	var h history
	for i, code := range []string{"1+2+3", "x := 1", "1+2+3", "fmt.Println(x)", "1*2"} {
		h.add(i+1, code, nil)
	}
	h.entries[4].output = "2"
	e := func(line int, input string) []any { return []any{historySession, line, input} }
	tests := []struct {
		name string
		req  historyRequest
		want []any
	}{
		{"tail 2", historyRequest{HistAccessType: "tail", N: 2}, []any{e(4, "fmt.Println(x)"), e(5, "1*2")}},
		{"tail more than all", historyRequest{HistAccessType: "tail", N: 10}, []any{e(1, "1+2+3"), e(2, "x := 1"), e(3, "1+2+3"), e(4, "fmt.Println(x)"), e(5, "1*2")}},
		{"tail with output", historyRequest{HistAccessType: "tail", N: 1, Output: true}, []any{[]any{historySession, 5, []any{"1*2", "2"}}}},
		{"range", historyRequest{HistAccessType: "range", Session: 1, Start: 2, Stop: 4}, []any{e(2, "x := 1"), e(3, "1+2+3")}},
		{"range current session 0", historyRequest{HistAccessType: "range", Start: 5, Stop: 6}, []any{e(5, "1*2")}},
		{"range other session", historyRequest{HistAccessType: "range", Session: 7, Start: 1, Stop: 9}, []any{}},
		{"search glob", historyRequest{HistAccessType: "search", Pattern: "1?2*"}, []any{e(1, "1+2+3"), e(3, "1+2+3"), e(5, "1*2")}},
		{"search unique", historyRequest{HistAccessType: "search", Pattern: "1+2*", Unique: true}, []any{e(3, "1+2+3")}},
		{"search n", historyRequest{HistAccessType: "search", Pattern: "*", N: 2}, []any{e(4, "fmt.Println(x)"), e(5, "1*2")}},
		{"search anchored", historyRequest{HistAccessType: "search", Pattern: "Println"}, []any{}},
		{"search slash", historyRequest{HistAccessType: "search", Pattern: "*(x)"}, []any{e(4, "fmt.Println(x)")}},
		{"unknown type", historyRequest{HistAccessType: "everything"}, []any{}},
	}
	for _, tc := range tests {
		if got := h.query(tc.req); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestGlobMatch(t *testing.T) {
	tests := []struct {
		pattern, s string
		want       bool
	}{
		{"1?2*", "1+2+3", true},
		{"a/*", "a/b/c", true},
		{"*", "multi\nline", true},
		{"a?c", "a/c", true},
		{"abc", "abcd", false},
		{"[ab]x", "bx", true},
	}
	for _, tc := range tests {
		if got := globMatch(tc.pattern, tc.s); got != tc.want {
			t.Errorf("globMatch(%q, %q) = %v", tc.pattern, tc.s, got)
		}
	}
}
