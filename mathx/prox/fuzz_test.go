package prox

import (
	"encoding/binary"
	"math"
	"testing"
)

// floatsFrom decodes up to 64 finite float64 values in [-1e6, 1e6] from b.
func floatsFrom(b []byte) []float64 {
	var out []float64
	for len(b) >= 8 && len(out) < 64 {
		v := math.Float64frombits(binary.LittleEndian.Uint64(b))
		b = b[8:]
		if math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > 1e6 {
			continue
		}
		out = append(out, v)
	}
	return out
}

// FuzzSimplex checks the simplex and ℓ1-ball projections against the sort
// formula and their optimality conditions on arbitrary inputs.
func FuzzSimplex(f *testing.F) {
	f.Add([]byte{0, 0, 0, 0, 0, 0, 240, 63, 0, 0, 0, 0, 0, 0, 0, 64}, 1.0)
	f.Add(make([]byte, 64), 0.5)
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24}, 3.0)
	f.Fuzz(func(t *testing.T, raw []byte, z float64) {
		x := floatsFrom(raw)
		if len(x) == 0 || !(z > 1e-6) || z > 1e6 {
			return
		}
		scale := 1 + linf(x) + z
		got := make([]float64, len(x))
		ProjSimplex(got, x, z)
		theta := sortSimplex(x, z)
		for i, v := range x {
			if math.Abs(got[i]-math.Max(v-theta, 0)) > 1e-9*scale {
				t.Fatalf("simplex[%d] = %g, sort formula %g", i, got[i], math.Max(v-theta, 0))
			}
		}
		ProjL1Ball(got, x, z)
		// p = x − θ loses the digits of θ below ulp(max|x|): the sum can
		// exceed z by a few ulps of max|x| per entry.
		if l1norm(got) > z+1e-15*float64(len(x))*scale {
			t.Fatalf("l1 ball: ‖p‖₁ = %g > %g", l1norm(got), z)
		}
		for i := range got {
			if got[i]*x[i] < 0 || math.Abs(got[i]) > math.Abs(x[i]) {
				t.Fatalf("l1 ball: p[%d] = %g for x = %g", i, got[i], x[i])
			}
		}
	})
}

// FuzzTV1D checks the TV prox's dual certificate on arbitrary inputs.
func FuzzTV1D(f *testing.F) {
	f.Add([]byte{0, 0, 0, 0, 0, 0, 240, 63, 0, 0, 0, 0, 0, 0, 0, 64, 0, 0, 0, 0, 0, 0, 0, 0}, 0.5)
	f.Add(make([]byte, 80), 1.0)
	f.Fuzz(func(t *testing.T, raw []byte, lambda float64) {
		x := floatsFrom(raw)
		if len(x) == 0 || !(lambda >= 0) || lambda > 1e6 {
			return
		}
		p := make([]float64, len(x))
		TV1D(p, x, lambda)
		tvCertificate(t, x, p, lambda)
	})
}
