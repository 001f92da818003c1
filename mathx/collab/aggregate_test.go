package collab

import (
	"math"
	"math/big"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func eqVec(a, b []float64, tol float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !(math.Abs(a[i]-b[i]) <= tol*math.Max(1, math.Abs(b[i]))) {
			return false
		}
	}
	return true
}

// Hand-checked cases: every expected value is worked out in the comment.
func TestAggregatorsByHand(t *testing.T) {
	// Columns: 1 2 3 4 100 and 10 20 30 40 −1000.
	v := [][]float64{{1, 10}, {2, 20}, {3, 30}, {4, 40}, {100, -1000}}
	cases := []struct {
		name string
		got  func() ([]float64, error)
		want []float64
	}{
		{"Mean", func() ([]float64, error) { return Mean(v) }, []float64{110.0 / 5, -900.0 / 5}},
		// Sorted: 1 2 [3] 4 100 and −1000 10 [20] 30 40.
		{"CoordMedian odd", func() ([]float64, error) { return CoordMedian(v) }, []float64{3, 20}},
		// Even n: 1 2 [3 4] → 3.5; 10 20 [30 40] → wait: without the outlier row, 10 20 30 40 → 25.
		{"CoordMedian even", func() ([]float64, error) { return CoordMedian(v[:4]) }, []float64{2.5, 25}},
		// f = 1 drops 1 and 100, −1000 and 40: (2+3+4)/3, (10+20+30)/3.
		{"TrimmedMean f=1", func() ([]float64, error) { return TrimmedMean(v, 1) }, []float64{3, 20}},
		{"TrimmedMean f=2", func() ([]float64, error) { return TrimmedMean(v, 2) }, []float64{3, 20}},
		{"TrimmedMean f=0", func() ([]float64, error) { return TrimmedMean(v, 0) }, []float64{22, -180}},
		// Points 0 1 2 3 100 on a line, f = 1: n − f − 2 = 2 neighbours.
		// Scores 1+4, 1+1, 1+1, 1+4, 97²+98²: 1 and 2 tie, 1 wins (lower index).
		{"Krum", func() ([]float64, error) { return Krum([][]float64{{0}, {1}, {2}, {3}, {100}}, 1) }, []float64{1}},
		// m = 3: indices 1, 2, then 0 (ties with 3): mean (1+2+0)/3 = 1.
		{"MultiKrum m=3", func() ([]float64, error) { return MultiKrum([][]float64{{0}, {1}, {2}, {3}, {100}}, 1, 3) }, []float64{1}},
		// m = 4: 0 1 2 3 → 1.5.
		{"MultiKrum m=4", func() ([]float64, error) { return MultiKrum([][]float64{{0}, {1}, {2}, {3}, {100}}, 1, 4) }, []float64{1.5}},
		// τ = ∞: the mean.
		{"CenteredClip τ=∞", func() ([]float64, error) { return CenteredClip(v, nil, math.Inf(1), 3) }, []float64{22, -180}},
		// Centre 0, τ = 1: (10,0) is clipped to (1,0), (0,0) stays: mean (0.5, 0).
		{"CenteredClip τ=1", func() ([]float64, error) { return CenteredClip([][]float64{{10, 0}, {0, 0}}, []float64{0, 0}, 1, 1) }, []float64{0.5, 0}},
		// Second step from (0.5, 0): distances 9.5 and 0.5; (10,0) clipped to
		// (0.5+1, 0), (0,0) kept: c = 0.5 + ((1) + (−0.5))/2 = 0.75.
		{"CenteredClip τ=1 L=2", func() ([]float64, error) { return CenteredClip([][]float64{{10, 0}, {0, 0}}, nil, 1, 2) }, []float64{0.75, 0}},
		// Adaptive τ, distances 3 (twice, from centre 0) and 30: median 3,
		// (30,0) clipped to (3,0): (3+3+3)/3 along x? Points (3,0), (0,3), (30,0):
		// (3,0) + (0,3) + (3,0) over 3 = (2, 1).
		{"CenteredClip adaptive", func() ([]float64, error) { return CenteredClip([][]float64{{3, 0}, {0, 3}, {30, 0}}, nil, 0, 1) }, []float64{2, 1}},
		// 1-D geometric median of 0 1 5 is the median 1 (a data point: the guard).
		{"GeoMedian 1-D", func() ([]float64, error) { r, err := GeoMedian([][]float64{{0}, {1}, {5}}, nil); return r.X, err }, []float64{1}},
		// A cross around the origin: the median is the centre point (0,0).
		{"GeoMedian cross", func() ([]float64, error) {
			r, err := GeoMedian([][]float64{{1, 0}, {0, 1}, {-1, 0}, {0, -1}, {0, 0}, {7, 7}}, nil)
			return r.X, err
		}, []float64{0, 0}},
	}
	for _, c := range cases {
		got, err := c.got()
		if err != nil || !eqVec(got, c.want, 1e-12) {
			t.Errorf("%s = %v, %v; want %v", c.name, got, err, c.want)
		}
	}
	idx, _ := KrumSelect([][]float64{{0}, {1}, {2}, {3}, {100}}, 1, 5)
	if want := []int{1, 2, 0, 3, 4}; !slices.Equal(idx, want) {
		t.Errorf("KrumSelect = %v, want %v", idx, want)
	}
	sc, _ := KrumScores([][]float64{{0}, {1}, {2}, {3}, {100}}, 1)
	if want := []float64{5, 2, 2, 5, 97*97 + 98*98}; !eqVec(sc, want, 1e-12) {
		t.Errorf("KrumScores = %v, want %v", sc, want)
	}
}

// NNM on 0 1 2 10 with f = 1 (3 neighbours, itself included): 0, 1 and 2
// mix to (0+1+2)/3 = 1, 10 to (10+2+1)/3.
func TestNNMByHand(t *testing.T) {
	m, err := NNM([][]float64{{0}, {1}, {2}, {10}}, 1)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := m.RawMatrix().Data, []float64{1, 1, 1, 13.0 / 3}; !eqVec(got, want, 1e-14) {
		t.Errorf("NNM = %v, want %v", got, want)
	}
	// f = 0: every vector becomes the mean.
	m, _ = NNM([][]float64{{0}, {1}, {2}, {10}}, 0)
	if got, want := m.RawMatrix().Data, []float64{3.25, 3.25, 3.25, 3.25}; !eqVec(got, want, 1e-14) {
		t.Errorf("NNM f=0 = %v, want %v", got, want)
	}
}

// naiveNNM mixes by direct distances and sorting, the definition.
func naiveNNM(v [][]float64, f int, sc float64) [][]float64 {
	n := len(v)
	out := make([][]float64, n)
	for i := range v {
		dist := make([]float64, n)
		idx := make([]int, n)
		for k := range v {
			idx[k] = k
			for j := range v[i] {
				e := v[i][j]/sc - v[k][j]/sc
				dist[k] += e * e
			}
		}
		// insertion sort, stable
		for a := 1; a < n; a++ {
			for b := a; b > 0 && dist[idx[b]] < dist[idx[b-1]]; b-- {
				idx[b], idx[b-1] = idx[b-1], idx[b]
			}
		}
		out[i] = make([]float64, len(v[i]))
		for _, k := range idx[:n-f] {
			for j := range out[i] {
				out[i][j] += v[k][j] / float64(n-f)
			}
		}
	}
	return out
}

func TestNNMAgainstDefinition(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	for _, sc := range []float64{1, 1e300, 1e-300} {
		for _, sz := range [][3]int{{7, 3, 2}, {30, 50, 5}, {12, 200, 0}} {
			n, d, f := sz[0], sz[1], sz[2]
			v := make([][]float64, n)
			for i := range v {
				v[i] = make([]float64, d)
				for j := range v[i] {
					v[i][j] = rng.NormFloat64() * sc
				}
			}
			got, err := NNM(v, f)
			if err != nil {
				t.Fatal(err)
			}
			want := naiveNNM(v, f, sc)
			for i := range want {
				for j := range want[i] {
					if math.Abs(got.At(i, j)-want[i][j]) > 1e-12*sc {
						t.Fatalf("scale %g n=%d d=%d f=%d: (%d,%d) = %v, want %v", sc, n, d, f, i, j, got.At(i, j), want[i][j])
					}
				}
			}
		}
	}
}

// geoMedianNewton is the reference: damped Newton's method on
// F(x) = Σ‖x − v_i‖ in big.Float with 200-bit mantissas, from the
// coordinate-wise median, stopped when the Newton step is below 1e-40.
// It is a different method from Weiszfeld's (second order, Hessian
// Σ (I − u_i u_iᵀ)/‖x − v_i‖ solved by Gaussian elimination).
func geoMedianNewton(v [][]float64) []float64 {
	const prec = 200
	n, d := len(v), len(v[0])
	nf := func(x float64) *big.Float { return new(big.Float).SetPrec(prec).SetFloat64(x) }
	V := make([][]*big.Float, n)
	for i := range v {
		V[i] = make([]*big.Float, d)
		for j := range v[i] {
			V[i][j] = nf(v[i][j])
		}
	}
	med, _ := CoordMedian(v)
	x := make([]*big.Float, d)
	for j := range x {
		x[j] = nf(med[j])
	}
	obj := func(x []*big.Float) *big.Float {
		s := nf(0)
		for i := range V {
			q := nf(0)
			for j := range x {
				e := nf(0).Sub(x[j], V[i][j])
				q.Add(q, nf(0).Mul(e, e))
			}
			s.Add(s, nf(0).Sqrt(q))
		}
		return s
	}
	for it := 0; it < 200; it++ {
		g := make([]*big.Float, d)
		H := make([][]*big.Float, d)
		for j := range g {
			g[j] = nf(0)
			H[j] = make([]*big.Float, d)
			for k := range H[j] {
				H[j][k] = nf(0)
			}
		}
		for i := range V {
			e := make([]*big.Float, d)
			q := nf(0)
			for j := range x {
				e[j] = nf(0).Sub(x[j], V[i][j])
				q.Add(q, nf(0).Mul(e[j], e[j]))
			}
			r := nf(0).Sqrt(q)
			for j := range e {
				u := nf(0).Quo(e[j], r)
				g[j].Add(g[j], u)
				for k := range e {
					uk := nf(0).Quo(e[k], r)
					h := nf(0).Mul(u, uk)
					if j == k {
						h.Sub(nf(1), h)
					} else {
						h.Neg(h)
					}
					H[j][k].Add(H[j][k], h.Quo(h, r))
				}
			}
		}
		// Solve H p = g by Gaussian elimination with partial pivoting.
		p := make([]*big.Float, d)
		for j := range p {
			p[j] = nf(0).Set(g[j])
		}
		for c := 0; c < d; c++ {
			piv := c
			for r := c + 1; r < d; r++ {
				if nf(0).Abs(H[r][c]).Cmp(nf(0).Abs(H[piv][c])) > 0 {
					piv = r
				}
			}
			H[c], H[piv] = H[piv], H[c]
			p[c], p[piv] = p[piv], p[c]
			for r := c + 1; r < d; r++ {
				m := nf(0).Quo(H[r][c], H[c][c])
				for k := c; k < d; k++ {
					H[r][k].Sub(H[r][k], nf(0).Mul(m, H[c][k]))
				}
				p[r].Sub(p[r], nf(0).Mul(m, p[c]))
			}
		}
		for c := d - 1; c >= 0; c-- {
			for k := c + 1; k < d; k++ {
				p[c].Sub(p[c], nf(0).Mul(H[c][k], p[k]))
			}
			p[c].Quo(p[c], H[c][c])
		}
		f0 := obj(x)
		step := nf(1)
		var y []*big.Float
		for k := 0; k < 60; k++ {
			y = make([]*big.Float, d)
			for j := range y {
				y[j] = nf(0).Sub(x[j], nf(0).Mul(step, p[j]))
			}
			if obj(y).Cmp(f0) <= 0 {
				break
			}
			step.Quo(step, nf(2))
		}
		pn := nf(0)
		for j := range p {
			pn.Add(pn, nf(0).Mul(p[j], p[j]))
		}
		x = y
		if pn.Cmp(nf(1e-80)) < 0 {
			break
		}
	}
	out := make([]float64, d)
	for j := range x {
		out[j], _ = x[j].Float64()
	}
	return out
}

// GeoMedian against the high-precision Newton reference on random points
// in general position (the median is not a data point): within 1e-9 of
// the data's scale.
func TestGeoMedianReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	for _, sz := range [][2]int{{5, 2}, {8, 3}, {11, 4}, {4, 2}} {
		n, d := sz[0], sz[1]
		v := make([][]float64, n)
		for i := range v {
			v[i] = make([]float64, d)
			for j := range v[i] {
				v[i][j] = rng.NormFloat64() * 3
			}
		}
		want := geoMedianNewton(v)
		r, err := GeoMedian(v, nil)
		if err != nil || r.Status != Converged {
			t.Fatalf("n=%d d=%d: %v %v", n, d, r.Status, err)
		}
		if !eqVec(r.X, want, 1e-9) {
			t.Errorf("n=%d d=%d: GeoMedian %v, Newton %v", n, d, r.X, want)
		}
		// The objective history does not increase (Weiszfeld is a descent method).
		for i := 1; i < len(r.History); i++ {
			if r.History[i] > r.History[i-1]*(1+1e-15) {
				t.Errorf("n=%d d=%d: objective rose at %d: %v → %v", n, d, i, r.History[i-1], r.History[i])
				break
			}
		}
	}
}

func TestRows(t *testing.T) {
	m := mat.NewDense(2, 3, []float64{1, 2, 3, 4, 5, 6})
	r := Rows(m)
	r[1][2] = 7
	if m.At(1, 2) != 7 || len(r) != 2 || len(r[0]) != 3 {
		t.Errorf("Rows does not share storage: %v", r)
	}
}
