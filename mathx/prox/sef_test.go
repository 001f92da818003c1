package prox

import (
	"math"
	"sort"
	"testing"
)

// muBisect solves min_{μ ∈ [0,1]^G, Σμ = k} Σ_g a_g²/(2(μ_g + b_g)) by
// bisection on the KKT multiplier: μ_g = clip(a_g·s − b_g, 0, 1) with s
// chosen so that Σμ = k. It is the variational (μ-) form of the K-support
// norm, independent of the conjugate-based algorithms under test.
func muBisect(a, b []float64, k int) []float64 {
	mu := func(s float64) ([]float64, float64) {
		out := make([]float64, len(a))
		var sum float64
		for g := range a {
			out[g] = math.Min(1, math.Max(0, a[g]*s-b[g]))
			sum += out[g]
		}
		return out, sum
	}
	lo, hi := 0.0, 1.0
	for _, m := mu(hi); m < float64(k); _, m = mu(hi) {
		hi *= 2
		if hi > 1e300 {
			break
		}
	}
	for it := 0; it < 2000 && lo < hi; it++ {
		mid := 0.5 * (lo + hi)
		if mid == lo || mid == hi {
			break
		}
		if _, m := mu(mid); m < float64(k) {
			lo = mid
		} else {
			hi = mid
		}
	}
	out, _ := mu(hi)
	return out
}

// sefBrute returns SEF_k(x) = min_μ Σ x_i²/(2μ_i) and prox_{t·SEF_k}(v) =
// v_i·μ_i/(μ_i + t) with μ minimising Σ v_i²/(2(μ_i + t)), both by muBisect.
func sefBrute(x []float64, k int, v []float64, t float64) (float64, []float64) {
	n := len(x)
	a := make([]float64, n)
	zero := make([]float64, n)
	nnz := 0
	for i := range x {
		a[i] = math.Abs(x[i])
		if x[i] != 0 {
			nnz++
		}
	}
	var value float64
	if nnz <= k {
		value = 0.5 * dot(x, x)
	} else {
		mu := muBisect(a, zero, k)
		for i := range x {
			if x[i] != 0 {
				value += x[i] * x[i] / (2 * mu[i])
			}
		}
	}
	b := make([]float64, n)
	for i := range v {
		a[i] = math.Abs(v[i])
		b[i] = t
	}
	mu := muBisect(a, b, k)
	p := make([]float64, n)
	for i := range v {
		p[i] = v[i] * mu[i] / (mu[i] + t)
	}
	return value, p
}

// conjSEF is S*(y) = ½·(sum of the k largest y_i²).
func conjSEF(y []float64, k int) float64 {
	sq := make([]float64, len(y))
	for i, v := range y {
		sq[i] = v * v
	}
	sort.Sort(sort.Reverse(sort.Float64Slice(sq)))
	var s float64
	for i := 0; i < k && i < len(sq); i++ {
		s += sq[i]
	}
	return 0.5 * s
}

func TestSEF(t *testing.T) {
	r := newRand(11)
	for trial := 0; trial < 400; trial++ {
		n := 1 + r.IntN(6)
		k := 1 + r.IntN(n)
		x := randVec(r, n, 1)
		if trial%4 == 0 && n > 1 { // ties and zeros
			x[0] = x[n-1]
			x[r.IntN(n)] = 0
		}
		v := randVec(r, n, 2)
		step := []float64{0.05, 0.4, 1, 5}[trial%4]
		f := SEF{K: k}

		wantVal, wantP := sefBrute(x, k, v, step)
		closeVec(t, "SEF value vs μ-form", []float64{f.Value(x)}, []float64{wantVal}, 1e-9)
		p := make([]float64, n)
		f.Prox(p, v, step)
		closeVec(t, "SEF prox vs μ-form", p, wantP, 1e-9)

		// Special cases: K = n is ½‖x‖², K = 1 is ½‖x‖₁².
		closeVec(t, "K=n", []float64{SEF{K: n}.Value(x)}, []float64{0.5 * dot(x, x)}, 1e-14)
		closeVec(t, "K=1", []float64{SEF{K: 1}.Value(x)}, []float64{0.5 * l1norm(x) * l1norm(x)}, 1e-14)

		// Fenchel–Young: S(p) + S*(w) = ⟨p, w⟩ for w = (v − p)/t (w ∈ ∂S(p)),
		// and S(y) ≥ S(p) + ⟨w, y − p⟩ for random y (subgradient inequality).
		w := make([]float64, n)
		for i := range w {
			w[i] = (v[i] - p[i]) / step
		}
		sp := f.Value(p)
		closeVec(t, "Fenchel-Young equality", []float64{sp + conjSEF(w, k)}, []float64{dot(p, w)}, 1e-10)
		for j := 0; j < 20; j++ {
			y := randVec(r, n, 2)
			if j%2 == 0 {
				for i := range y {
					y[i] = p[i] + 1e-4*y[i]
				}
			}
			lin := sp
			for i := range y {
				lin += w[i] * (y[i] - p[i])
			}
			if f.Value(y) < lin-1e-10*(1+math.Abs(lin)) {
				t.Fatalf("SEF: subgradient inequality fails: S(y) = %g < %g", f.Value(y), lin)
			}
			// Fenchel–Young inequality: S(x) + S*(y) ≥ ⟨x, y⟩.
			if f.Value(x)+conjSEF(y, k) < dot(x, y)-1e-12 {
				t.Fatal("SEF: Fenchel-Young inequality fails")
			}
		}
		// S(x) ≥ ½‖x‖² with equality exactly on K-sparse x.
		if d := f.Value(x) - 0.5*dot(x, x); d < -1e-12 || (l0count(x) <= k) != (d <= 1e-12*dot(x, x)) {
			t.Fatalf("SEF − ½‖x‖² = %g for ‖x‖₀ = %d, K = %d", d, l0count(x), k)
		}
		// WGSEF with singleton groups and unit weights is SEF.
		groups := make([][]int, n)
		for i := range groups {
			groups[i] = []int{i}
		}
		q := make([]float64, n)
		WGSEF{Groups: groups, K: k}.Prox(q, v, step)
		closeVec(t, "WGSEF singletons = SEF", q, p, 1e-12)
	}
}

func l0count(x []float64) int {
	c := 0
	for _, v := range x {
		if v != 0 {
			c++
		}
	}
	return c
}

// TestWGSEFWeighted checks the weighted group prox against the μ-form
// minimisation: x_g = v_g·μ_g/(μ_g + t·W_g), μ minimising
// Σ_g W_g‖v_g‖²/(2(μ_g + t·W_g)).
func TestWGSEFWeighted(t *testing.T) {
	r := newRand(12)
	groups := [][]int{{0, 1}, {2}, {3, 4, 5}, {6}, {7, 8}}
	for trial := 0; trial < 300; trial++ {
		d := make([]float64, len(groups))
		for g := range d {
			d[g] = 0.2 + 3*r.Float64()
		}
		k := r.IntN(len(groups) + 1)
		v := randVec(r, 10, 2) // index 9 is in no group: unchanged
		step := []float64{0.1, 0.5, 2}[trial%3]
		p := make([]float64, 10)
		f := WGSEF{Groups: groups, Weights: d, K: k}
		f.Prox(p, v, step)

		a := make([]float64, len(groups))
		b := make([]float64, len(groups))
		for g, idx := range groups {
			var q float64
			for _, i := range idx {
				q += v[i] * v[i]
			}
			a[g] = math.Sqrt(d[g] * q)
			b[g] = step * d[g]
		}
		want := append([]float64(nil), v...)
		var mu []float64
		if k > 0 {
			mu = muBisect(a, b, k)
		} else {
			mu = make([]float64, len(groups))
		}
		for g, idx := range groups {
			for _, i := range idx {
				want[i] = v[i] * mu[g] / (mu[g] + b[g])
			}
		}
		closeVec(t, "WGSEF prox vs μ-form", p, want, 1e-9)
		// The value is SEF of the weighted group norms, and is ½Σ W_g‖x_g‖² on K-group-sparse x.
		if k > 0 {
			x := append([]float64(nil), p...)
			GroupL0Ball{Groups: groups, K: k}.Prox(x, x, 0)
			var want float64
			for g, idx := range groups {
				for _, i := range idx {
					want += 0.5 * d[g] * x[i] * x[i]
				}
			}
			closeVec(t, "WGSEF on sparse x", []float64{f.Value(x)}, []float64{want}, 1e-12)
		}
	}
}

// TestSEFTies: ties in |v| across the K boundary give equal outputs and
// match the μ-form minimisation.
func TestSEFTies(t *testing.T) {
	cases := []struct {
		v []float64
		k int
	}{
		{[]float64{2, -2, 2, 1}, 2},
		{[]float64{1, 1, 1, 1, 1}, 3},
		{[]float64{0, 3, -3, 0, 1}, 1},
		{[]float64{0, 0, 0}, 2},
		{[]float64{5, -1, 1, -1, 1}, 2},
	}
	for _, c := range cases {
		for _, step := range []float64{0.3, 1, 4} {
			p := make([]float64, len(c.v))
			SEF{K: c.k}.Prox(p, c.v, step)
			_, want := sefBrute(c.v, c.k, c.v, step)
			closeVec(t, "SEF ties", p, want, 1e-12)
			for i := range c.v {
				for j := range c.v {
					if math.Abs(c.v[i]) == math.Abs(c.v[j]) && math.Abs(math.Abs(p[i])-math.Abs(p[j])) > 1e-15 {
						t.Fatalf("v=%v K=%d t=%g: tied inputs %d, %d give %g, %g", c.v, c.k, step, i, j, p[i], p[j])
					}
				}
			}
		}
	}
}
