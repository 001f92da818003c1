//go:build !amd64

package sae

// kernel4x8 adds to c (4×8, stride cs) Σᵢ x[r·xs+i]·panel[i·8+c].
func kernel4x8(d int, x []float64, xs int, panel []float64, c []float64, cs int) {
	portable4x8(d, [blockRows][]float64{x[:d], x[xs : xs+d], x[2*xs : 2*xs+d], x[3*xs : 3*xs+d]}, panel, c, cs)
}
