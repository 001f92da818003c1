package session

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
)

// testPlanner is a planner without a session: nothing is defined yet.
func testPlanner() *planner {
	return &planner{
		global:      func(string) (reflect.Value, bool) { return reflect.Value{}, false },
		defined:     func(string) bool { return false },
		isPkg:       func(name string) bool { _, ok := autoImports[name]; return ok },
		userFuncs:   map[string]int{},
		userMethods: map[string]int{},
		rich:        map[string]map[string]bool{},
		varTypes:    map[string]string{},
		generic:     map[string]bool{},
		userResults: map[string]string{},
		isType:      func(string) bool { return false },
		pkgSymbol:   func(string, string) (reflect.Value, bool) { return reflect.Value{}, false },
		types:       map[string]string{},
	}
}

// checkPlan checks the invariants of splitting and rewriting src: items
// lie in order inside the cell, parts keep the lines of the cell (so that
// positions map back), and the offset maps stay inside their parts.
func checkPlan(src string) error {
	items, err := splitItems(src)
	if err == nil {
		prev := 0
		for _, it := range items {
			if it.Start < prev || it.End < it.Start || it.End > len(src) {
				return fmt.Errorf("item %+v out of order or bounds (prev end %d, len %d)", it, prev, len(src))
			}
			prev = it.End
		}
	}
	pl, err := testPlanner().plan(src)
	if err != nil {
		if _, ok := err.(*cellError); !ok {
			return fmt.Errorf("plan error of type %T: %v", err, err)
		}
		return nil
	}
	for _, pt := range pl.Parts {
		if pt.Start < 0 || pt.End > len(src) || pt.Start > pt.End {
			return fmt.Errorf("part %d..%d outside the cell of %d bytes", pt.Start, pt.End, len(src))
		}
		if got, want := strings.Count(pt.Text, "\n"), strings.Count(src[pt.Start:pt.End], "\n"); got != want {
			return fmt.Errorf("part %q has %d lines, its source %q has %d", pt.Text, got, src[pt.Start:pt.End], want)
		}
		for off := 0; off <= len(pt.Text); off++ {
			if o := pt.Map.old(off); o < 0 || o > pt.End-pt.Start {
				return fmt.Errorf("offset %d of part %q maps to %d, outside 0..%d", off, pt.Text, o, pt.End-pt.Start)
			}
		}
	}
	return nil
}

// FuzzSplit runs the splitter and rewriter on arbitrary cells: they must
// not panic nor hang, and must keep the invariants of checkPlan.
func FuzzSplit(f *testing.F) {
	for _, c := range planCases {
		f.Add(c.code)
	}
	f.Fuzz(func(t *testing.T, src string) {
		done := make(chan error, 1)
		go func() { done <- checkPlan(src) }()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("%q: %v", src, err)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("planning %q did not finish in 5 s", src)
		}
	})
}
