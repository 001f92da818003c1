package collab

import (
	"math"
	"slices"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// Degrees, edge counts and connectivity of every family against their
// definitions.
func TestGraphShapes(t *testing.T) {
	cases := []struct {
		name   string
		g      *Graph
		n, m   int
		degree int // every node's degree; −1: not regular
	}{
		{"Ring(3)", Ring(3), 3, 3, 2},
		{"Ring(16)", Ring(16), 16, 16, 2},
		{"Torus(3,3)", Torus(3, 3), 9, 18, 4},
		{"Torus(4,5)", Torus(4, 5), 20, 40, 4},
		{"Complete(1)", Complete(1), 1, 0, 0},
		{"Complete(7)", Complete(7), 7, 21, 6},
		{"NewGraph path with repeats", NewGraph(4, [][2]int{{0, 1}, {2, 1}, {1, 2}, {3, 2}}), 4, 3, -1},
	}
	for _, c := range cases {
		if c.g.N() != c.n || len(c.g.Edges()) != c.m {
			t.Errorf("%s: %d nodes, %d edges; want %d, %d", c.name, c.g.N(), len(c.g.Edges()), c.n, c.m)
		}
		deg := c.g.Degrees()
		sum := 0
		for i, k := range deg {
			sum += k
			if c.degree >= 0 && k != c.degree {
				t.Errorf("%s: node %d has degree %d, want %d", c.name, i, k, c.degree)
			}
			if len(c.g.Neighbors(i)) != k {
				t.Errorf("%s: node %d: %d neighbours, degree %d", c.name, i, len(c.g.Neighbors(i)), k)
			}
		}
		if sum != 2*c.m {
			t.Errorf("%s: degrees sum to %d, want 2|E| = %d", c.name, sum, 2*c.m)
		}
		if !c.g.Connected() {
			t.Errorf("%s: not connected", c.name)
		}
	}
	if got := NewGraph(4, [][2]int{{0, 1}, {2, 3}}); got.Connected() {
		t.Errorf("two disjoint edges: connected")
	}
	// The torus joins (r, c) to (r, c ± 1) and (r ± 1, c), wrapping.
	tor := Torus(3, 4)
	want := []int{1, 3, 4, 8} // node 0 = (0, 0): (0, 1), (0, 3), (1, 0), (2, 0)
	if got := tor.Neighbors(0); !slices.Equal(got, want) {
		t.Errorf("Torus(3, 4) neighbours of 0: %v, want %v", got, want)
	}
	if got := Ring(5).Neighbors(0); !slices.Equal(got, []int{1, 4}) {
		t.Errorf("Ring(5) neighbours of 0: %v", got)
	}
}

// Erdős–Rényi: connected, deterministic per seed, with about p·n(n−1)/2
// edges over several seeds.
func TestErdosRenyi(t *testing.T) {
	n, p := 30, 0.2
	total := 0
	const seeds = 20
	for seed := uint64(0); seed < seeds; seed++ {
		g := ErdosRenyi(n, p, seed)
		if !g.Connected() {
			t.Fatalf("seed %d: disconnected", seed)
		}
		h := ErdosRenyi(n, p, seed)
		if !slices.Equal(g.Edges(), h.Edges()) {
			t.Fatalf("seed %d: two draws differ", seed)
		}
		total += len(g.Edges())
	}
	if slices.Equal(ErdosRenyi(n, p, 1).Edges(), ErdosRenyi(n, p, 2).Edges()) {
		t.Errorf("seeds 1 and 2 give the same graph")
	}
	// The mean edge count is p·435 = 87 (conditioning on connectivity,
	// which G(30, 0.2) nearly always is, barely moves it); its standard
	// deviation over 20 seeds is √(435·0.2·0.8/20) ≈ 1.9: allow 4σ.
	mean := float64(total) / seeds
	if want := p * float64(n*(n-1)/2); math.Abs(mean-want) > 4*math.Sqrt(float64(n*(n-1)/2)*p*(1-p)/seeds) {
		t.Errorf("mean edge count %v, want %v", mean, want)
	}
	if g := ErdosRenyi(6, 1, 0); len(g.Edges()) != 15 {
		t.Errorf("G(6, 1) has %d edges, want 15", len(g.Edges()))
	}
}

// The Laplacian annihilates 𝟙 and has trace 2|E|; the Metropolis matrix
// is symmetric and doubly stochastic with the stated weights.
func TestLaplacianMetropolis(t *testing.T) {
	for _, g := range []*Graph{Ring(6), Torus(3, 4), Complete(5), ErdosRenyi(12, 0.3, 9), NewGraph(4, [][2]int{{0, 1}, {1, 2}, {1, 3}})} {
		n := g.N()
		l, w := g.Laplacian(), g.Metropolis()
		if tr := mat.Trace(l); tr != float64(2*len(g.Edges())) {
			t.Errorf("n = %d: trace(L) = %v, want %d", n, tr, 2*len(g.Edges()))
		}
		for i := 0; i < n; i++ {
			var ls, ws, wc float64
			for j := 0; j < n; j++ {
				ls += l.At(i, j)
				ws += w.At(i, j)
				wc += w.At(j, i)
				if w.At(i, j) != w.At(j, i) || w.At(i, j) < 0 {
					t.Errorf("n = %d: W[%d][%d] = %v, W[%d][%d] = %v", n, i, j, w.At(i, j), j, i, w.At(j, i))
				}
			}
			if ls != 0 || math.Abs(ws-1) > 1e-15 || math.Abs(wc-1) > 1e-15 {
				t.Errorf("n = %d, row %d: L·𝟙 = %v, row and column sums of W %v, %v", n, i, ls, ws, wc)
			}
		}
	}
	// The star-like graph: node 1 has degree 3, the others 1, so every
	// edge weighs 1/(1 + 3) and node 1 keeps 1 − 3/4.
	w := NewGraph(4, [][2]int{{0, 1}, {1, 2}, {1, 3}}).Metropolis()
	if w.At(0, 1) != 0.25 || w.At(1, 1) != 0.25 || w.At(0, 0) != 0.75 || w.At(0, 2) != 0 {
		t.Errorf("Metropolis of the star:\n%v", mat.Formatted(w))
	}
}

// The spectral quantities against closed forms: the ring's Laplacian has
// eigenvalues 2 − 2cos(2πk/n), adjacent nodes of a ring have effective
// resistance (n − 1)/n, its Metropolis matrix is I/3 + (shift + shiftᵀ)/3
// with eigenvalues 1/3 + (2/3)cos(2πk/n); the complete graph's Laplacian
// has eigenvalues 0 and n (n − 1 times), any two nodes have resistance
// 2/n, and its Metropolis matrix is 𝟙𝟙ᵀ/n; the r × c torus's Laplacian
// has eigenvalues (2 − 2cos(2πa/r)) + (2 − 2cos(2πb/c)) and, being
// 4-regular, W = I − L/5.
func TestSpectrum(t *testing.T) {
	type want struct{ fiedler, lmax, chi1, chi2, mixing float64 }
	ring := func(n int) want {
		f := 2 - 2*math.Cos(2*math.Pi/float64(n))
		m := float64(n)
		lmax := 2 - 2*math.Cos(2*math.Pi*math.Floor(m/2)/m)
		mix := math.Max(1.0/3+2.0/3*math.Cos(2*math.Pi/m), math.Abs(1.0/3+2.0/3*math.Cos(2*math.Pi*math.Floor(m/2)/m)))
		return want{f, lmax, m / f, 0.5 * m * (m - 1) / m, mix}
	}
	complete := func(n int) want {
		m := float64(n * (n - 1) / 2)
		return want{float64(n), float64(n), m / float64(n), 0.5 * m * 2 / float64(n), 0}
	}
	torus := func(r, c int) want {
		lam := func(a, k int) float64 { return 2 - 2*math.Cos(2*math.Pi*float64(a)/float64(k)) }
		f := lam(1, max(r, c))
		lmax := lam(r/2, r) + lam(c/2, c)
		return want{f, lmax, float64(2*r*c) / f, math.NaN(), math.Max(1-f/5, math.Abs(1-lmax/5))}
	}
	cases := []struct {
		name string
		g    *Graph
		w    want
	}{
		{"Ring(3)", Ring(3), ring(3)},
		{"Ring(4)", Ring(4), ring(4)},
		{"Ring(7)", Ring(7), ring(7)},
		{"Ring(16)", Ring(16), ring(16)},
		{"Complete(2)", Complete(2), complete(2)},
		{"Complete(9)", Complete(9), complete(9)},
		{"Torus(5,6)", Torus(5, 6), torus(5, 6)},
		{"Torus(4,4)", Torus(4, 4), torus(4, 4)},
	}
	const tol = 1e-10
	for _, c := range cases {
		s := c.g.Spectrum()
		got := []float64{s.Fiedler, s.LambdaMax, s.Chi1, s.Chi2, s.Mixing}
		ref := []float64{c.w.fiedler, c.w.lmax, c.w.chi1, c.w.chi2, c.w.mixing}
		for k, name := range []string{"Fiedler", "LambdaMax", "Chi1", "Chi2", "Mixing"} {
			if math.IsNaN(ref[k]) {
				continue
			}
			if math.Abs(got[k]-ref[k]) > tol*math.Max(1, math.Abs(ref[k])) {
				t.Errorf("%s: %s = %.15g, want %.15g", c.name, name, got[k], ref[k])
			}
		}
		if s.Gap != 1-s.Mixing {
			t.Errorf("%s: Gap %v, Mixing %v", c.name, s.Gap, s.Mixing)
		}
		if s.Chi2 > s.Chi1*(1+tol) {
			t.Errorf("%s: χ₂ = %v > χ₁ = %v", c.name, s.Chi2, s.Chi1)
		}
	}
	// Disconnected: no positive gap, χ's infinite, no mixing.
	s := NewGraph(4, [][2]int{{0, 1}, {2, 3}}).Spectrum()
	if !math.IsInf(s.Chi1, 1) || !math.IsInf(s.Chi2, 1) || s.Mixing != 1 || s.Gap != 0 {
		t.Errorf("disconnected: %+v", s)
	}
}
