package ot

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestDotAxpy(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	for n := 0; n <= 70; n++ {
		x, y := make([]float64, n), make([]float64, n+3)
		for i := range x {
			x[i] = rng.NormFloat64()
		}
		for i := range y {
			y[i] = rng.NormFloat64()
		}
		var want, scale float64
		for i := range x {
			want += x[i] * y[i]
			scale += math.Abs(x[i] * y[i])
		}
		if got := dot(x, y); math.Abs(got-want) > 1e-14*(1+scale) {
			t.Errorf("n %d: dot %v, want %v", n, got, want)
		}
		z := append([]float64(nil), y...)
		axpy(0.7, x, z)
		for i := range z {
			w := y[i]
			if i < n {
				w += 0.7 * x[i]
			}
			if math.Abs(z[i]-w) > 1e-15*(1+math.Abs(w)) {
				t.Fatalf("n %d: axpy[%d] = %v, want %v", n, i, z[i], w)
			}
		}
	}
}
