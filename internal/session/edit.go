package session

import (
	"sort"
	"strings"
)

// An edit replaces the bytes [Start, End) of a cell with Text. Rewrites
// are edits on the cell as typed, so that positions in the rewritten text
// map back to the cell.
type edit struct {
	Start, End int
	Text       string
}

// edits is an ordered set of non-overlapping edits of one text.
type edits struct {
	src  string
	list []edit // sorted by Start; inserts at one offset keep their order
}

// inner reports whether o lies inside [start, end); inserts at the ends
// belong to the outside.
func inner(o edit, start, end int) bool {
	if o.Start < start || o.End > end {
		return false
	}
	return o.Start != o.End || (o.Start != start && o.Start != end)
}

// add records e. A replacement drops the edits inside it: it was built
// from the text with those edits applied.
func (es *edits) add(e edit) {
	if e.Start != e.End {
		kept := es.list[:0]
		for _, o := range es.list {
			if !inner(o, e.Start, e.End) {
				kept = append(kept, o)
			}
		}
		es.list = kept
	}
	es.list = append(es.list, e)
	sort.SliceStable(es.list, func(i, j int) bool { return es.list[i].Start < es.list[j].Start })
}

// text returns src[start:end] with the edits inside that range applied.
func (es *edits) text(start, end int) string {
	var b strings.Builder
	at := start
	for _, e := range es.list {
		if !inner(e, start, end) {
			continue
		}
		b.WriteString(es.src[at:e.Start])
		b.WriteString(e.Text)
		at = e.End
	}
	b.WriteString(es.src[at:end])
	return b.String()
}

// chunkText returns src[start:end] with every edit inside the range
// applied, inserts at its start included and at its end when endInserts is
// set, and the offset map of the result.
func (es *edits) chunkText(start, end int, endInserts bool) (string, offsetMap) {
	var b strings.Builder
	var m offsetMap
	at := start
	for _, e := range es.list {
		if e.Start < start || e.End > end || (!endInserts && e.Start == end && e.End == end) {
			continue
		}
		b.WriteString(es.src[at:e.Start])
		m = append(m, span{New: b.Len(), Old: e.Start - start, NewLen: len(e.Text), OldLen: e.End - e.Start})
		b.WriteString(e.Text)
		at = e.End
	}
	b.WriteString(es.src[at:end])
	return b.String(), m
}

// A span records one edit in a chunk: NewLen bytes at New in the rewritten
// text replaced OldLen bytes at Old in the original.
type span struct{ New, Old, NewLen, OldLen int }

// offsetMap maps offsets in a rewritten chunk back to the original.
type offsetMap []span

// old maps an offset in the rewritten text to the original text: offsets
// inside replaced text map to the start of what it replaced.
func (m offsetMap) old(off int) int {
	shift := 0
	for _, s := range m {
		if off < s.New {
			break
		}
		if off < s.New+s.NewLen {
			return s.Old
		}
		shift = (s.Old + s.OldLen) - (s.New + s.NewLen)
	}
	return off + shift
}
