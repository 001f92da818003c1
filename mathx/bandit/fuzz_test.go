package bandit

import (
	"math"
	"testing"
)

// FuzzKLUpper checks KLUpper's definition on arbitrary inputs, to the
// documented absolute accuracy 1e-12 in q: the result q lies in [p, 1],
// q − 1e-12 is feasible (kl(p, q − 1e-12) ≤ δ, to 1e-9 relative; q itself
// may be off by rounding where kl is steep near 1), and q is
// maximal: kl(p, q + 1e-6) > δ unless q + 1e-6 reaches 1 (a smaller step
// is below the rounding of kl near q = p; TestKLUpper checks 1e-10 on
// fixed cases).
func FuzzKLUpper(f *testing.F) {
	for _, c := range [][2]float64{{0, 0.5}, {0.3, 0.01}, {0.5, 2}, {0.99, 5}, {1e-300, 1e-300}, {0.9999999, 1e-12}, {0.5, 700}, {0.14142857142857143, 0}, {0.3, 21.01}} {
		f.Add(c[0], c[1])
	}
	f.Fuzz(func(t *testing.T, p, delta float64) {
		if !(p >= 0 && p <= 1) || !(delta >= 0) || math.IsInf(delta, 0) {
			return
		}
		q := KLUpper(p, delta)
		if !(q >= p && q <= 1) {
			t.Fatalf("KLUpper(%v, %v) = %v outside [p, 1]", p, delta, q)
		}
		if kl := KLBernoulli(p, math.Max(p, q-1e-12)); kl > delta*(1+1e-9)+1e-12 {
			t.Fatalf("KLUpper(%v, %v) = %v: kl(p, q-1e-12) = %v > δ", p, delta, q, kl)
		}
		if q2 := q + 1e-6; q2 < 1 && KLBernoulli(p, q2) <= delta {
			t.Fatalf("KLUpper(%v, %v) = %v is not maximal: kl(p, q+1e-6) = %v ≤ δ", p, delta, q, KLBernoulli(p, q2))
		}
	})
}
