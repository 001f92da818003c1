package kernel

import (
	"reflect"
	"testing"

	"github.com/gomx-dev/gomx/internal/history"
)

func TestHistoryQuery(t *testing.T) {
	h := history.New()
	for i, code := range []string{"1+2+3", "x := 1", "1+2+3", "fmt.Println(x)", "1*2"} {
		output := ""
		if i == 4 {
			output = "2"
		}
		h.Add(i+1, code, output)
	}
	e := func(line int, input string) []any { return []any{1, line, input} }
	tests := []struct {
		name string
		req  historyRequest
		want []any
	}{
		{"tail 2", historyRequest{HistAccessType: "tail", N: 2}, []any{e(4, "fmt.Println(x)"), e(5, "1*2")}},
		{"tail more than all", historyRequest{HistAccessType: "tail", N: 10}, []any{e(1, "1+2+3"), e(2, "x := 1"), e(3, "1+2+3"), e(4, "fmt.Println(x)"), e(5, "1*2")}},
		{"tail with output", historyRequest{HistAccessType: "tail", N: 1, Output: true}, []any{[]any{1, 5, []any{"1*2", "2"}}}},
		{"tail with no output", historyRequest{HistAccessType: "tail", N: 2, Output: true}, []any{[]any{1, 4, []any{"fmt.Println(x)", nil}}, []any{1, 5, []any{"1*2", "2"}}}},
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
		if got := queryHistory(h, tc.req); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}
