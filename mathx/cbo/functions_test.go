package cbo

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestCos2pi compares the reduced polynomial with math.Cos of the exactly
// reduced argument, math.Remainder(x, 1), over small, large and special x.
func TestCos2pi(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	xs := []float64{0, 0.25, 0.5, 0.75, 1, -0.125, 1e-300, 3, -7.5, 1 << 49, 1<<50 + 0.5, 1e17, 0.1}
	for range 100000 {
		xs = append(xs, 20*rng.Float64()-10)
	}
	for range 1000 {
		xs = append(xs, math.Ldexp(rng.Float64(), rng.IntN(60)))
	}
	for _, x := range xs {
		want := math.Cos(2 * math.Pi * math.Remainder(x, 1))
		if got := cos2pi(x); math.Abs(got-want) > 1e-15 {
			t.Fatalf("cos2pi(%v) = %v, want %v", x, got, want)
		}
	}
	if !math.IsNaN(cos2pi(math.NaN())) || !math.IsNaN(cos2pi(math.Inf(1))) {
		t.Error("cos2pi of NaN or Inf is not NaN")
	}
}

// numGrad is a central finite-difference gradient.
func numGrad(f func([]float64) float64, x []float64) []float64 {
	g := make([]float64, len(x))
	y := append([]float64(nil), x...)
	for j := range x {
		h := 1e-6 * math.Max(1, math.Abs(x[j]))
		y[j] = x[j] + h
		fp := f(y)
		y[j] = x[j] - h
		fm := f(y)
		y[j] = x[j]
		g[j] = (fp - fm) / (2 * h)
	}
	return g
}

// TestTestFunctions: every listed minimiser attains the minimum value, is a
// stationary point of the smooth functions, and random points of the
// search box are no lower.
func TestTestFunctions(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	smooth := map[string]bool{"Sphere": true, "Rastrigin": true, "Rosenbrock": true, "Himmelblau": true}
	for _, tf := range TestFunctions() {
		dims := []int{tf.Dim}
		if tf.Dim == 0 {
			dims = []int{tf.MinDim, 3, 10}
		}
		for _, d := range dims {
			for _, xs := range tf.Minimizers(d) {
				if len(xs) != d {
					t.Fatalf("%s d=%d: minimiser %v has the wrong length", tf.Name, d, xs)
				}
				if v := tf.Func(xs); math.Abs(v-tf.Min) > 1e-12 {
					t.Errorf("%s d=%d: f(%v) = %v, want %v", tf.Name, d, xs, v, tf.Min)
				}
				if smooth[tf.Name] {
					for j, g := range numGrad(tf.Func, xs) {
						if math.Abs(g) > 1e-6 {
							t.Errorf("%s d=%d: gradient[%d] = %v at the minimiser", tf.Name, d, j, g)
						}
					}
				}
			}
			x := make([]float64, d)
			for range 2000 {
				for j := range x {
					x[j] = tf.Low + (tf.High-tf.Low)*rng.Float64()
				}
				if v := tf.Func(x); v < tf.Min-1e-12 {
					t.Fatalf("%s: f(%v) = %v below the minimum %v", tf.Name, x, v, tf.Min)
				}
			}
		}
	}
	// Closed-form values away from the minimum.
	if v, want := Rastrigin([]float64{0.5, 1}), 10*2+0.25+10+1-10; math.Abs(v-want) > 1e-13 {
		t.Errorf("Rastrigin(0.5, 1) = %v, want %v", v, want)
	}
	if v, want := Ackley([]float64{1, 0}), -20*math.Exp(-0.2*math.Sqrt(0.5))-math.Exp(1)+20+math.E; math.Abs(v-want) > 1e-13 {
		t.Errorf("Ackley(1, 0) = %v, want %v", v, want)
	}
	if v := Rosenbrock([]float64{0, 0}); v != 1 {
		t.Errorf("Rosenbrock(0, 0) = %v, want 1", v)
	}
	if v := Schwefel222([]float64{-2, 3}); v != 11 {
		t.Errorf("Schwefel222(-2, 3) = %v, want 11", v)
	}
	if v := Bukin6([]float64{0, 1}); v != 100.1 {
		t.Errorf("Bukin6(0, 1) = %v, want 100.1", v)
	}
}

// TestFindsMinimizers: CBO reaches a global minimiser of each test
// function in low dimension (median over seeds, as CBO is random).
func TestFindsMinimizers(t *testing.T) {
	for _, tf := range TestFunctions() {
		if tf.Name == "Bukin6" {
			continue // its ridge defeats CBO as it does most global methods
		}
		d := max(tf.MinDim, 2)
		p := &Problem{Dim: d, Func: tf.Func}
		s := &Settings{N: 100, Sigma: 1, Alpha: 1e4, Dt: 0.05, MaxIter: 5000,
			InitRadius: (tf.High - tf.Low) / 4, InitCenter: []float64{(tf.Low + tf.High) / 2, (tf.Low + tf.High) / 2}}
		seeds := []uint64{1, 2, 3, 4, 5}
		res, err := RunMany(p, s, seeds)
		if err != nil {
			t.Fatal(err)
		}
		hits := 0
		for _, r := range res {
			for _, xs := range tf.Minimizers(d) {
				if infDist(r.Consensus, xs) < 0.05 {
					hits++
					break
				}
			}
		}
		if hits < 3 {
			t.Errorf("%s: %d/5 runs found a minimiser", tf.Name, hits)
		}
	}
}
