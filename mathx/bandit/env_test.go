package bandit

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// TestEnvironments checks the environments against their definitions:
// Bernoulli and Gaussian sample means within 5 standard errors; the
// oblivious sequence's frequencies per phase within 5 standard errors of
// Means, with Pull equal to Mean whatever the generator; Sequence cycling
// through its table; and NewSparseLinear's unit actions, s-sparse unit θ,
// |Eps| = ε and Mean = <θ, x> + Eps.
func TestEnvironments(t *testing.T) {
	r := newPolicyRand(3)
	const n = 40000
	bern := NewBernoulli([]float64{0.1, 0.7})
	gauss := NewGaussian([]float64{-1, 2}, []float64{0.5, 3})
	for arm := 0; arm < 2; arm++ {
		sb, sg := 0.0, 0.0
		for i := 0; i < n; i++ {
			sb += bern.Pull(i+1, arm, r)
			sg += gauss.Pull(i+1, arm, r)
		}
		p := bern.P[arm]
		if math.Abs(sb/n-p) > 5*math.Sqrt(p*(1-p)/n) {
			t.Errorf("Bernoulli arm %d mean %v, want %v", arm, sb/n, p)
		}
		if math.Abs(sg/n-gauss.Mu[arm]) > 5*gauss.Sigma[arm]/math.Sqrt(n) {
			t.Errorf("Gaussian arm %d mean %v, want %v", arm, sg/n, gauss.Mu[arm])
		}
	}
	means := mat.NewDense(2, 3, []float64{0.9, 0.5, 0.1, 0.2, 0.6, 1})
	obl := NewOblivious(means, 100, 8)
	var freq [2][3]float64
	var cnt [2]float64
	for tt := 1; tt <= n; tt++ {
		ph := ((tt - 1) / 100) % 2
		cnt[ph]++
		for a := 0; a < 3; a++ {
			v := obl.Mean(tt, a)
			if obl.Pull(tt, a, newPolicyRand(uint64(tt))) != v || (v != 0 && v != 1) {
				t.Fatalf("oblivious reward at t=%d arm %d depends on the generator or is %v", tt, a, v)
			}
			freq[ph][a] += v
		}
	}
	for ph := 0; ph < 2; ph++ {
		for a := 0; a < 3; a++ {
			p := means.At(ph, a)
			if f := freq[ph][a] / cnt[ph]; math.Abs(f-p) > 5*math.Sqrt(p*(1-p)/cnt[ph])+1e-12 {
				t.Errorf("oblivious phase %d arm %d frequency %v, want %v", ph, a, f, p)
			}
		}
	}
	seq := NewSequence(mat.NewDense(3, 2, []float64{1, 2, 3, 4, 5, 6}))
	if seq.Mean(1, 1) != 2 || seq.Mean(3, 0) != 5 || seq.Mean(4, 0) != 1 || seq.Pull(5, 1, r) != 4 {
		t.Error("Sequence does not cycle through its rows")
	}
	lin := NewSparseLinear(30, 10, 3, 0.05, 0.1, 6)
	if nz := floats.Count(func(v float64) bool { return v != 0 }, lin.Theta); nz != 3 || math.Abs(floats.Norm(lin.Theta, 2)-1) > 1e-12 {
		t.Errorf("θ has %d non-zeros and norm %v", nz, floats.Norm(lin.Theta, 2))
	}
	for a := 0; a < 30; a++ {
		x := lin.X.RawRowView(a)
		if math.Abs(floats.Norm(x, 2)-1) > 1e-12 || math.Abs(math.Abs(lin.Eps[a])-0.05) > 0 {
			t.Fatalf("action %d: ‖x‖ = %v, eps %v", a, floats.Norm(x, 2), lin.Eps[a])
		}
		if want := floats.Dot(x, lin.Theta) + lin.Eps[a]; math.Abs(lin.Mean(1, a)-want) > 1e-15 {
			t.Fatalf("action %d: mean %v, want %v", a, lin.Mean(1, a), want)
		}
	}
}
