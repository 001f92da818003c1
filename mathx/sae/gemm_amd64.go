package sae

import "golang.org/x/sys/cpu"

var haveAVX2FMA = cpu.X86.HasAVX2 && cpu.X86.HasFMA

// kernel4x8avx adds to c (4×8, row stride cs) the product of four rows of
// x (row stride xs) with a packed D×8 panel, over k ≥ 1 terms.
//
//go:noescape
func kernel4x8avx(k int, x *float64, xs int, panel *float64, c *float64, cs int)

// kernel4x8 adds to c (4×8, stride cs) Σᵢ x[r·xs+i]·panel[i·8+c].
func kernel4x8(d int, x []float64, xs int, panel []float64, c []float64, cs int) {
	if haveAVX2FMA && d > 0 {
		_ = x[3*xs+d-1]
		_ = panel[d*panelCols-1]
		_ = c[3*cs+panelCols-1]
		kernel4x8avx(d, &x[0], xs, &panel[0], &c[0], cs)
		return
	}
	portable4x8(d, [blockRows][]float64{x[:d], x[xs : xs+d], x[2*xs : 2*xs+d], x[3*xs : 3*xs+d]}, panel, c, cs)
}
