package cbo

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestDriftCosineTwoParticles: closed form for two particles x̄ ± u and
// linear f = ⟨a, x⟩: c − x̄ = −tanh(α⟨a, u⟩) u, so the cosine is
// sign(⟨a,u⟩)·⟨u, a⟩/(‖u‖‖a‖).
func TestDriftCosineTwoParticles(t *testing.T) {
	a := []float64{1, -2}
	grad := func(g, x []float64) { copy(g, a) }
	for _, u := range [][]float64{{1, 0}, {0.3, 0.4}, {-1, 1}, {2, 1}} {
		X := mat.NewDense(2, 2, []float64{5 + u[0], 1 + u[1], 5 - u[0], 1 - u[1]})
		f := []float64{a[0]*X.At(0, 0) + a[1]*X.At(0, 1), a[0]*X.At(1, 0) + a[1]*X.At(1, 1)}
		au := a[0]*u[0] + a[1]*u[1]
		want := math.Copysign(1, au) * au / (math.Hypot(u[0], u[1]) * math.Hypot(a[0], a[1]))
		got, err := DriftCosine(X, f, 0.7, grad)
		if err != nil || math.Abs(got-want) > 1e-12 {
			t.Errorf("u = %v: cos = %v (err %v), want %v", u, got, err, want)
		}
	}
}

// TestDriftCosineGaussianTilt: for a Gaussian cloud N(x̄, ρ²I) and linear
// f the Gibbs weights move the mean to x̄ − αρ²a exactly (in the
// large-N limit): the cosine approaches 1 and the drift length αρ²‖a‖.
func TestDriftCosineGaussianTilt(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	a := []float64{0.5, -1, 2}
	const n, rho, alpha = 20000, 0.1, 5
	X := mat.NewDense(n, 3, nil)
	f := make([]float64, n)
	for i := 0; i < n; i++ {
		for j := 0; j < 3; j++ {
			X.Set(i, j, 1+rho*rng.NormFloat64())
			f[i] += a[j] * X.At(i, j)
		}
	}
	got, err := DriftCosine(X, f, alpha, func(g, x []float64) { copy(g, a) })
	if err != nil || got < 0.99 {
		t.Errorf("cos = %v (err %v), want > 0.99", got, err)
	}
	c, _ := Consensus(nil, X, f, alpha)
	mean := mat.NewVecDense(3, nil)
	for i := 0; i < n; i++ {
		mean.AddVec(mean, X.RowView(i))
	}
	mean.ScaleVec(1.0/n, mean)
	length := 0.0
	for j := range c {
		length += (c[j] - mean.AtVec(j)) * (c[j] - mean.AtVec(j))
	}
	want := alpha * rho * rho * math.Sqrt(0.25+1+4)
	if math.Abs(math.Sqrt(length)-want) > 0.1*want {
		t.Errorf("drift length %v, want %v within 10%%", math.Sqrt(length), want)
	}
	one := mat.NewDense(1, 3, []float64{1, 2, 3})
	if v, _ := DriftCosine(one, []float64{4}, alpha, func(g, x []float64) { copy(g, a) }); !math.IsNaN(v) {
		t.Errorf("one particle has no drift, want NaN, got %v", v)
	}
}
