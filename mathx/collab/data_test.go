package collab

import (
	"math"
	"slices"
	"testing"
)

// Gradients against central differences (step 1e-6, tolerance 1e-6).
func TestObjectiveGradients(t *testing.T) {
	reg := MakeRegression(50, 4, 3, 0.5, 1)
	cls := MakeClassification(50, 4, 1, 1)
	idx := []int{0, 3, 4, 9, 17, 33, 49}
	for name, f := range map[string]Func{
		"LeastSquares": LeastSquares(reg, idx),
		"Logistic":     Logistic(cls, idx, 0.1),
		"Logistic λ=0": Logistic(cls, idx, 0),
	} {
		x := []float64{0.3, -0.7, 1.1, 0.2}
		g := make([]float64, 4)
		f(x, g)
		for j := range x {
			xp := append([]float64(nil), x...)
			xm := append([]float64(nil), x...)
			xp[j] += 1e-6
			xm[j] -= 1e-6
			fd := (f(xp, nil) - f(xm, nil)) / 2e-6
			if math.Abs(fd-g[j]) > 1e-6*math.Max(1, math.Abs(g[j])) {
				t.Errorf("%s: ∂%d = %v, differences %v", name, j, g[j], fd)
			}
		}
	}
	// Logistic at 0 is log 2 (plus nothing from λ); least squares at the
	// exact solution of noise-free data is 0.
	if l := Logistic(cls, idx, 5)(make([]float64, 4), nil); math.Abs(l-math.Ln2) > 1e-15 {
		t.Errorf("logistic at 0 = %v, want log 2", l)
	}
	if l := LeastSquares(reg, nil)(make([]float64, 4), make([]float64, 4)); l != 0 {
		t.Errorf("no examples: %v", l)
	}
}

func TestDirichletSplit(t *testing.T) {
	data := MakeClassification(3000, 2, 1, 4)
	for _, alpha := range []float64{0.05, 1, 1000} {
		parts := DirichletSplit(data.Labels, 10, alpha, 9)
		again := DirichletSplit(data.Labels, 10, alpha, 9)
		seen := make([]int, 3000)
		for w, p := range parts {
			if len(p) == 0 {
				t.Errorf("α=%g: worker %d is empty", alpha, w)
			}
			if !slices.Equal(p, again[w]) {
				t.Errorf("α=%g: not deterministic", alpha)
			}
			for k, i := range p {
				seen[i]++
				if k > 0 && p[k-1] >= i {
					t.Errorf("α=%g: worker %d's list is not increasing", alpha, w)
				}
			}
		}
		for i, c := range seen {
			if c != 1 {
				t.Fatalf("α=%g: example %d assigned %d times", alpha, i, c)
			}
		}
		// Heterogeneity: the mean over workers of |share of class 1 − 1/2|
		// is large for α = 0.05 (most workers hold one class) and small
		// for α = 1000.
		var dev float64
		for _, p := range parts {
			var c1 float64
			for _, i := range p {
				c1 += float64(data.Labels[i])
			}
			dev += math.Abs(c1/float64(len(p))-0.5) / 10
		}
		if alpha == 0.05 && dev < 0.35 || alpha == 1000 && dev > 0.05 {
			t.Errorf("α=%g: mean class imbalance %v", alpha, dev)
		}
	}
	f := FlipLabels(data)
	for i := range data.Labels {
		if f.Labels[i] != 1-data.Labels[i] || f.Y[i] != 1-data.Y[i] {
			t.Fatalf("FlipLabels: example %d: %d → %d", i, data.Labels[i], f.Labels[i])
		}
	}
}

// LogisticSmoothness on parts of one row is max ‖a_i‖²/4 + λ (the only
// eigenvalue of a_ia_iᵀ/4 that is not 0), an empty part counts λ, and a
// non-finite row gives NaN. On a part of many rows it bounds the
// Hessian: the logistic loss's curvature along a unit u never exceeds it.
func TestLogisticSmoothness(t *testing.T) {
	const lambda = 0.1
	data := MakeClassification(40, 3, 1, 2)
	var want float64
	for _, i := range []int{3, 7, 11} {
		var q float64
		for _, x := range data.X.RawRowView(i) {
			q += x * x
		}
		want = math.Max(want, q/4)
	}
	want += lambda
	if got := LogisticSmoothness(data, [][]int{{3}, {7}, {}, {11}}, lambda); math.Abs(got-want) > 1e-14*want {
		t.Errorf("one-row parts: L = %v, want %v", got, want)
	}
	if got := LogisticSmoothness(data, [][]int{{}}, lambda); got != lambda {
		t.Errorf("an empty part: L = %v, want λ = %v", got, lambda)
	}
	part := make([]int, 40)
	for i := range part {
		part[i] = i
	}
	L := LogisticSmoothness(data, [][]int{part}, lambda)
	f := Logistic(data, part, lambda)
	g1, g2 := make([]float64, 3), make([]float64, 3)
	for _, u := range [][]float64{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}, {0.6, 0.8, 0}} {
		// At 0 every σ′ is ¼, so the curvature along u is uᵀ(AᵀA/(4m))u + λ ≤ L.
		const h = 1e-6
		xp, xm := make([]float64, 3), make([]float64, 3)
		for j := range u {
			xp[j], xm[j] = h*u[j], -h*u[j]
		}
		f(xp, g1)
		f(xm, g2)
		var c float64
		for j := range u {
			c += (g1[j] - g2[j]) / (2 * h) * u[j]
		}
		if !(c <= L*(1+1e-6)) || !(c >= lambda) {
			t.Errorf("curvature %v along %v, want in [λ, L] = [%v, %v]", c, u, lambda, L)
		}
	}
	bad := MakeClassification(4, 2, 1, 0)
	bad.X.Set(2, 1, math.Inf(1))
	if got := LogisticSmoothness(bad, [][]int{{0, 1}, {2, 3}}, lambda); !math.IsNaN(got) {
		t.Errorf("an infinite feature: L = %v, want NaN", got)
	}
}
