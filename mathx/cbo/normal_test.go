package cbo

import (
	"math"
	"math/rand/v2"
	"sort"
	"testing"
)

// TestNormalDistribution: a Kolmogorov–Smirnov test of 10⁶ ziggurat
// variates against Φ (critical value 1.95/√n at the 0.1 % level), the
// first four moments, and the tail mass beyond the ziggurat's edge.
func TestNormalDistribution(t *testing.T) {
	const n = 1000000
	z := normal{rand.NewPCG(12, 34)}
	xs := make([]float64, n)
	var m1, m2, m3, m4 float64
	tail := 0
	for i := range xs {
		x := z.next()
		xs[i] = x
		m1 += x
		m2 += x * x
		m3 += x * x * x
		m4 += x * x * x * x
		if math.Abs(x) > zigR {
			tail++
		}
	}
	sort.Float64s(xs)
	d := 0.0
	for i, x := range xs {
		cdf := 0.5 * math.Erfc(-x/math.Sqrt2)
		d = math.Max(d, math.Max(math.Abs(cdf-float64(i)/n), math.Abs(cdf-float64(i+1)/n)))
	}
	if crit := 1.95 / math.Sqrt(n); d > crit {
		t.Errorf("KS distance %v > %v", d, crit)
	}
	// Standard errors: mean 1e-3, E x² sqrt(2/n)=1.4e-3, E x³ sqrt(15/n)=3.9e-3, E x⁴ sqrt(96/n)=9.8e-3.
	for _, c := range []struct {
		name      string
		got, want float64
		se        float64
	}{{"mean", m1 / n, 0, 1e-3}, {"E x²", m2 / n, 1, 1.4e-3}, {"E x³", m3 / n, 0, 3.9e-3}, {"E x⁴", m4 / n, 3, 9.8e-3}} {
		if math.Abs(c.got-c.want) > 5*c.se {
			t.Errorf("%s = %v, want %v ± %v", c.name, c.got, c.want, 5*c.se)
		}
	}
	want := n * math.Erfc(zigR/math.Sqrt2) // P(|x| > r) = erfc(r/√2)
	if math.Abs(float64(tail)-want) > 5*math.Sqrt(want) {
		t.Errorf("%d variates beyond %v, want %v ± %v", tail, zigR, want, 5*math.Sqrt(want))
	}
}
