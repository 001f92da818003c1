package viz

import (
	"fmt"
	"html"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/mat"
)

// Elision limits: matrices and tables show at most MaxShown rows and
// columns, the first and last MaxShown/2 of each when larger; slices show at
// most MaxShownSlice elements.
const (
	MaxShown      = 20
	MaxShownSlice = 100
)

// typeName returns the type of v without a leading pointer star.
func typeName(v any) string { return strings.TrimPrefix(fmt.Sprintf("%T", v), "*") }

// shown returns the indices 0..n-1 to show, with -1 marking the elision.
func shown(n int) []int {
	var idx []int
	if n <= MaxShown {
		for i := range n {
			idx = append(idx, i)
		}
		return idx
	}
	for i := range MaxShown / 2 {
		idx = append(idx, i)
	}
	idx = append(idx, -1)
	for i := n - MaxShown/2; i < n; i++ {
		idx = append(idx, i)
	}
	return idx
}

func formatFloat(v float64) string { return strconv.FormatFloat(v, 'g', 6, 64) }

// MatrixBundle renders m as an HTML table and as aligned text (both elided
// past MaxShown rows or columns), headed by its type and shape.
func MatrixBundle(m mat.Matrix) Bundle {
	r, c := m.Dims()
	head := fmt.Sprintf("%s %d×%d", typeName(m), r, c)
	text := head
	if r > 0 && c > 0 {
		text += "\n" + fmt.Sprintf("%v", mat.Formatted(m, mat.Excerpt(MaxShown/2)))
		if r <= MaxShown && c <= MaxShown {
			text = head + "\n" + fmt.Sprintf("%v", mat.Formatted(m))
		}
	}
	return Bundle{Data: map[string]string{
		MIMEText: text,
		MIMEHTML: tableHTML(head, r, c, m.At),
	}}
}

// tableHTML renders an r×c table of at(i, j) with row and column indices.
func tableHTML(caption string, r, c int, at func(i, j int) float64) string {
	var b strings.Builder
	b.WriteString(`<table style="font-family:monospace;text-align:right;border-collapse:collapse">`)
	fmt.Fprintf(&b, "<caption style=\"text-align:left\">%s</caption>", html.EscapeString(caption))
	rows, cols := shown(r), shown(c)
	b.WriteString("<thead><tr><th></th>")
	for _, j := range cols {
		if j < 0 {
			b.WriteString("<th>…</th>")
		} else {
			fmt.Fprintf(&b, "<th>%d</th>", j)
		}
	}
	b.WriteString("</tr></thead><tbody>")
	for _, i := range rows {
		if i < 0 {
			b.WriteString("<tr><th>⋮</th>")
			for _, j := range cols {
				if j < 0 {
					b.WriteString("<td>⋱</td>")
				} else {
					b.WriteString("<td>⋮</td>")
				}
			}
			b.WriteString("</tr>")
			continue
		}
		fmt.Fprintf(&b, "<tr><th>%d</th>", i)
		for _, j := range cols {
			if j < 0 {
				b.WriteString("<td>…</td>")
			} else {
				fmt.Fprintf(&b, "<td>%s</td>", formatFloat(at(i, j)))
			}
		}
		b.WriteString("</tr>")
	}
	b.WriteString("</tbody></table>")
	return b.String()
}

// SliceBundle renders a []float64 as text headed by its length, elided
// past MaxShownSlice elements.
func SliceBundle(x []float64) Bundle {
	var b strings.Builder
	fmt.Fprintf(&b, "[]float64 len %d\n[", len(x))
	if len(x) <= MaxShownSlice {
		for i, v := range x {
			if i > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(formatFloat(v))
		}
	} else {
		for i := range MaxShown / 2 {
			b.WriteString(formatFloat(x[i]) + " ")
		}
		b.WriteString("…")
		for _, v := range x[len(x)-MaxShown/2:] {
			b.WriteString(" " + formatFloat(v))
		}
	}
	b.WriteString("]")
	return textBundle(b.String())
}

// TableBundle renders a [][]float64 as aligned text rows headed by its
// shape (rows × columns, or the range of row lengths when ragged), elided
// past MaxShown rows or columns.
func TableBundle(x [][]float64) Bundle {
	lo, hi := 0, 0
	for i, row := range x {
		if i == 0 || len(row) < lo {
			lo = len(row)
		}
		hi = max(hi, len(row))
	}
	var b strings.Builder
	if lo == hi {
		fmt.Fprintf(&b, "[][]float64 %d×%d", len(x), hi)
	} else {
		fmt.Fprintf(&b, "[][]float64 %d rows of %d to %d", len(x), lo, hi)
	}
	rows, cols := shown(len(x)), shown(hi)
	cell := func(i, j int) string {
		switch {
		case i < 0 && j < 0:
			return "⋱"
		case i < 0:
			return "⋮"
		case j < 0:
			return "…"
		case j >= len(x[i]):
			return ""
		}
		return formatFloat(x[i][j])
	}
	width := make([]int, len(cols))
	for _, i := range rows {
		for k, j := range cols {
			width[k] = max(width[k], len([]rune(cell(i, j))))
		}
	}
	for _, i := range rows {
		b.WriteString("\n")
		for k, j := range cols {
			if k > 0 {
				b.WriteString("  ")
			}
			s := cell(i, j)
			b.WriteString(strings.Repeat(" ", width[k]-len([]rune(s))) + s)
		}
	}
	return textBundle(b.String())
}
