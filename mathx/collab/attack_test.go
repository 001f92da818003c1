package collab

import (
	"math"
	"testing"
)

func TestAttacksByHand(t *testing.T) {
	honest := [][]float64{{1, 0}, {3, 4}} // μ = (2, 2); σ (population) = (1, 2)
	cases := []struct {
		a    Attack
		want []float64
	}{
		{Attack{Kind: SignFlip}, []float64{-2, -2}},
		{Attack{Kind: SignFlip, Scale: 20}, []float64{-40, -40}},
		{Attack{Kind: IPM}, []float64{-0.2, -0.2}},
		{Attack{Kind: IPM, Scale: 2}, []float64{-4, -4}},
		// z = 1.5: μ − 1.5σ = (0.5, −1).
		{Attack{Kind: ALIE, Scale: 1.5}, []float64{0.5, -1}},
		// n = 4, f = 2: s = ⌊3⌋ − 2 = 1, z = Φ⁻¹(3/4) = 0.674489…
		{Attack{Kind: ALIE}, []float64{2 - 0.6744897501960817, 2 - 2*0.6744897501960817}},
		{Attack{Kind: Mimic, Target: 1}, []float64{3, 4}},
	}
	for _, c := range cases {
		got, err := c.a.Forge(honest, 2, 1)
		if err != nil || len(got) != 2 || !eqVec(got[0], c.want, 1e-12) || !eqVec(got[1], c.want, 1e-12) {
			t.Errorf("%v ×%g: %v %v, want %v twice", c.a.Kind, c.a.Scale, got, err, c.want)
		}
	}
	// ALIEZ: the paper's formula; Φ⁻¹ values from Python's
	// statistics.NormalDist().inv_cdf (0.55, 0.72, 2/3).
	for _, c := range []struct {
		n, f int
		z    float64
	}{{20, 2, 0.12566134685507413}, {10, 1, 0}, {50, 12, 0.5828415072712162}, {3, 1, 0.4307272992954576}} {
		if z := ALIEZ(c.n, c.f); math.Abs(z-c.z) > 1e-12 {
			t.Errorf("ALIEZ(%d, %d) = %v, want %v", c.n, c.f, z, c.z)
		}
	}
	// Gaussian: deterministic per seed, different across seeds, mean μ and
	// standard deviation 200 within 5 standard errors on 2×5000 entries.
	big := make([][]float64, 3)
	for i := range big {
		big[i] = make([]float64, 5000)
	}
	a, _ := Attack{Kind: Gaussian}.Forge(big, 2, 7)
	b, _ := Attack{Kind: Gaussian}.Forge(big, 2, 7)
	c, _ := Attack{Kind: Gaussian}.Forge(big, 2, 8)
	if !eqVec(a[1], b[1], 0) || eqVec(a[1], c[1], 0) {
		t.Errorf("Gaussian is not deterministic per seed")
	}
	var m, q float64
	for _, v := range a {
		for _, x := range v {
			m += x / 10000
			q += x * x / 10000
		}
	}
	if math.Abs(m) > 5*200/100 || math.Abs(math.Sqrt(q)-200) > 5*200/math.Sqrt(2*10000) {
		t.Errorf("Gaussian mean %v, sd %v; want 0, 200", m, math.Sqrt(q))
	}
	if _, err := (Attack{Kind: LabelFlip}).Forge(honest, 1, 0); err == nil {
		t.Errorf("LabelFlip forged vectors")
	}
}
