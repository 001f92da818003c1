package prox

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"testing"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15)) }

func randVec(r *rand.Rand, n int, scale float64) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = scale * r.NormFloat64()
	}
	return x
}

var testGroups = [][]int{{0, 1, 2}, {3}, {4, 5}, {7, 8, 9}} // index 6 is in no group
var testWeights = []float64{0.5, 1, 2, 1.5}

// convexFuncs are the convex operators on R^10 with their names.
func convexFuncs() []struct {
	name string
	f    Func
} {
	lo := []float64{-1, -0.5, 0, -2, -1, -1, -1, 0.2, -3, -1}
	hi := []float64{1, 0.5, 2, 0, 1, 1, 3, 0.4, 3, 1}
	return []struct {
		name string
		f    Func
	}{
		{"L1", L1{}}, {"L2Norm", L2Norm{}}, {"SqL2", SqL2{}}, {"LInf", LInf{}},
		{"ElasticNet", ElasticNet{L1: 0.7, L2: 0.3}},
		{"GroupL2", GroupL2{Groups: testGroups, Weights: testWeights}},
		{"GroupL2Ball", GroupL2Ball{Groups: testGroups, Weights: testWeights}},
		{"Box", Box{Lo: lo, Hi: hi}}, {"NonNeg", NonNeg{}},
		{"Simplex", Simplex{Z: 1.5}}, {"L1Ball", L1Ball{R: 2}}, {"LInfBall", LInfBall{R: 0.3}},
		{"L2Ball", L2Ball{R: 1.2}}, {"TV", TV{}}, {"SEF3", SEF{K: 3}}, {"SEF1", SEF{K: 1}},
		{"Nuclear", Nuclear{Rows: 2, Cols: 5}}, {"SpectralBall", SpectralBall{Rows: 5, Cols: 2, R: 0.8}},
		{"WGSEF", WGSEF{Groups: [][]int{{0, 1, 2}, {3}, {4, 5}, {6}, {7, 8, 9}}, Weights: []float64{0.5, 1, 2, 1, 1.5}, K: 2}},
		{"Scale(L1)", Scale{F: L1{}, Lambda: 2.5}},
	}
}

// TestMoreauIdentity checks x = prox_{tf}(x) + t·prox_{f*/t}(x/t) with f*'s
// own closed-form prox, for every Conjugater (norms and their dual balls).
func TestMoreauIdentity(t *testing.T) {
	r := newRand(1)
	fs := []struct {
		name string
		f    Conjugater
	}{
		{"L1", L1{}}, {"L2Norm", L2Norm{}}, {"LInf", LInf{}}, {"SqL2", SqL2{}},
		{"GroupL2", GroupL2{Groups: testGroups, Weights: testWeights}},
		{"GroupL2Ball", GroupL2Ball{Groups: testGroups, Weights: testWeights}},
		{"L1Ball", L1Ball{R: 2}}, {"LInfBall", LInfBall{R: 0.3}}, {"L2Ball", L2Ball{R: 1.2}},
		{"Nuclear", Nuclear{Rows: 2, Cols: 5}}, {"SpectralBall", SpectralBall{Rows: 5, Cols: 2, R: 0.8}},
	}
	for _, c := range fs {
		for trial := 0; trial < 50; trial++ {
			x := randVec(r, 10, 1+float64(trial%5))
			for _, step := range []float64{1e-3, 0.1, 0.7, 3, 1e3} {
				p := make([]float64, 10)
				c.f.Prox(p, x, step)
				q := make([]float64, 10)
				for i, v := range x {
					q[i] = v / step
				}
				c.f.Conj().Prox(q, q, 1/step)
				sum := make([]float64, 10)
				for i := range sum {
					sum[i] = p[i] + step*q[i]
				}
				closeVec(t, fmt.Sprintf("%s t=%g", c.name, step), sum, x, 1e-12)
				// The generic ProxConj agrees with the closed form.
				g := make([]float64, 10)
				ProxConj(c.f, g, x, step)
				h := make([]float64, 10)
				c.f.Conj().Prox(h, x, step)
				closeVec(t, c.name+" ProxConj", g, h, 1e-11)
			}
		}
	}
	// Norms: t = 0 is the identity, a huge t gives 0.
	x := randVec(r, 10, 1)
	for _, f := range []Func{L1{}, L2Norm{}, LInf{}, GroupL2{Groups: [][]int{{0, 1, 2, 3, 4}, {5, 6, 7, 8, 9}}}} {
		p := make([]float64, 10)
		f.Prox(p, x, 0)
		closeVec(t, "t=0", p, x, 0)
		f.Prox(p, x, 1e6)
		closeVec(t, "t=1e6", p, make([]float64, 10), 0)
	}
	// Nuclear norm: SVT + projection onto the spectral ball of radius t = X.
	for trial := 0; trial < 10; trial++ {
		xm := mat.NewDense(6, 4, randVec(r, 24, 1))
		for _, step := range []float64{0, 0.3, 1.5, 100} {
			var p, q, sum mat.Dense
			if err := ProxNuclear(&p, xm, step); err != nil {
				t.Fatal(err)
			}
			if err := ProjSpectralBall(&q, xm, step); err != nil {
				t.Fatal(err)
			}
			sum.Add(&p, &q)
			closeVec(t, "nuclear Moreau", sum.RawMatrix().Data, xm.RawMatrix().Data, 1e-10)
		}
	}
}

// TestFirmNonexpansive checks ‖p(x) − p(y)‖² ≤ ⟨p(x) − p(y), x − y⟩ for
// random pairs, which every prox of a convex function satisfies.
func TestFirmNonexpansive(t *testing.T) {
	r := newRand(2)
	for _, c := range convexFuncs() {
		for trial := 0; trial < 300; trial++ {
			x := randVec(r, 10, 2)
			y := randVec(r, 10, 2)
			if trial%3 == 0 { // nearby pairs too
				for i := range y {
					y[i] = x[i] + 1e-3*y[i]
				}
			}
			step := []float64{0.05, 0.5, 2}[trial%3]
			px, py := make([]float64, 10), make([]float64, 10)
			c.f.Prox(px, x, step)
			c.f.Prox(py, y, step)
			var lhs, rhs float64
			for i := range px {
				d := px[i] - py[i]
				lhs += d * d
				rhs += d * (x[i] - y[i])
			}
			if lhs > rhs+1e-12*(1+math.Abs(rhs)) {
				t.Fatalf("%s: ‖Δp‖² = %g > ⟨Δp, Δx⟩ = %g (trial %d)", c.name, lhs, rhs, trial)
			}
		}
	}
}

// TestIdempotentProjections checks Π(Π(x)) = Π(x) and that Π(x) is in the
// set (Value 0), including the nonconvex ℓ0 balls.
func TestIdempotentProjections(t *testing.T) {
	r := newRand(3)
	sets := []struct {
		name string
		f    Func
	}{
		{"Box", Box{Lo: []float64{-1, -1, -1, -1, -1, 0, 0, 0, 0, 0}, Hi: []float64{1, 1, 1, 1, 1, 2, 2, 2, 2, 2}}},
		{"NonNeg", NonNeg{}}, {"Simplex", Simplex{Z: 1}}, {"Simplex3", Simplex{Z: 3}},
		{"L1Ball", L1Ball{R: 1}}, {"LInfBall", LInfBall{R: 0.5}}, {"L2Ball", L2Ball{R: 1}},
		{"GroupL2Ball", GroupL2Ball{Groups: testGroups, Weights: testWeights}},
		{"L0Ball", L0Ball{K: 3}}, {"GroupL0Ball", GroupL0Ball{Groups: testGroups, K: 2}},
		{"SpectralBall", SpectralBall{Rows: 2, Cols: 5, R: 1}},
	}
	for _, c := range sets {
		for trial := 0; trial < 100; trial++ {
			x := randVec(r, 10, 3)
			p := make([]float64, 10)
			c.f.Prox(p, x, 1)
			if v := c.f.Value(p); v != 0 {
				t.Fatalf("%s: projection is outside the set (value %g)", c.name, v)
			}
			pp := make([]float64, 10)
			c.f.Prox(pp, p, 1)
			closeVec(t, c.name+" idempotent", pp, p, 1e-14)
			// In place gives the same result.
			c.f.Prox(x, x, 1)
			closeVec(t, c.name+" in place", x, p, 0)
		}
	}
	for trial := 0; trial < 10; trial++ {
		xm := mat.NewDense(5, 7, randVec(r, 35, 2))
		var p, pp mat.Dense
		if err := ProjSpectralBall(&p, xm, 1); err != nil {
			t.Fatal(err)
		}
		if err := ProjSpectralBall(&pp, &p, 1); err != nil {
			t.Fatal(err)
		}
		closeVec(t, "spectral ball idempotent", pp.RawMatrix().Data, p.RawMatrix().Data, 1e-12)
	}
}

// subgrad checks g = (x − p)/t ∈ ∂f(p) for the norms and the sets whose
// subdifferentials have a simple description.
func TestOptimality(t *testing.T) {
	r := newRand(4)
	const eps = 1e-12
	for trial := 0; trial < 200; trial++ {
		x := randVec(r, 12, 1+float64(trial%4))
		step := []float64{0.1, 0.5, 1, 3}[trial%4]
		p := make([]float64, 12)
		g := func() []float64 {
			out := make([]float64, 12)
			for i := range x {
				out[i] = (x[i] - p[i]) / step
			}
			return out
		}
		// ℓ1: g_i = sign(p_i) on the support, |g_i| ≤ 1 off it.
		L1{}.Prox(p, x, step)
		for i, gi := range g() {
			if p[i] != 0 && math.Abs(gi-math.Copysign(1, p[i])) > eps || p[i] == 0 && math.Abs(gi) > 1+eps {
				t.Fatalf("L1 optimality fails at %d: p=%g g=%g", i, p[i], gi)
			}
		}
		// ℓ2: g = p/‖p‖ when p ≠ 0, ‖g‖ ≤ 1 otherwise.
		L2Norm{}.Prox(p, x, step)
		gv := g()
		if n := floats.Norm(p, 2); n > 0 {
			for i := range p {
				if math.Abs(gv[i]-p[i]/n) > 1e-11 {
					t.Fatalf("L2 optimality fails")
				}
			}
		} else if floats.Norm(gv, 2) > 1+eps {
			t.Fatalf("L2 optimality fails at 0")
		}
		// ℓ∞: ‖g‖₁ = 1, g_i = 0 where |p_i| < max|p|, sign(g_i) = sign(p_i) elsewhere.
		LInf{}.Prox(p, x, step)
		gv = g()
		m := linf(p)
		if m > 0 {
			if math.Abs(l1norm(gv)-1) > 1e-11 {
				t.Fatalf("LInf: ‖g‖₁ = %g", l1norm(gv))
			}
			for i := range p {
				if math.Abs(p[i]) < m*(1-1e-12) && math.Abs(gv[i]) > 1e-11 || gv[i]*p[i] < -1e-11 {
					t.Fatalf("LInf optimality fails at %d: p=%g g=%g max=%g", i, p[i], gv[i], m)
				}
			}
		} else if l1norm(gv) > 1+eps {
			t.Fatalf("LInf optimality fails at 0")
		}
		// Simplex: Σp = z, p ≥ 0, x − p = θ on the support and ≤ θ off it.
		for _, z := range []float64{0.5, 1, 4} {
			ProjSimplex(p, x, z)
			var sum float64
			theta := math.NaN()
			for i := range p {
				sum += p[i]
				if p[i] < 0 {
					t.Fatal("simplex: negative entry")
				}
				if p[i] > 0 {
					theta = x[i] - p[i]
				}
			}
			if math.Abs(sum-z) > 1e-12*z*4 {
				t.Fatalf("simplex: sum %g, want %g", sum, z)
			}
			for i := range p {
				d := x[i] - p[i]
				if p[i] > 0 && math.Abs(d-theta) > 1e-12*(1+math.Abs(theta)) || p[i] == 0 && x[i] > theta+1e-12 {
					t.Fatalf("simplex optimality fails at %d", i)
				}
			}
		}
		// ℓ1 ball: p = x inside, else ‖p‖₁ = r, x − p = θ·sign(p) on the support, |x_i| ≤ θ off it.
		for _, rad := range []float64{0.5, 2, 50} {
			ProjL1Ball(p, x, rad)
			if l1norm(x) <= rad {
				closeVec(t, "l1 ball inside", p, x, 0)
				continue
			}
			if math.Abs(l1norm(p)-rad) > 1e-12*rad*4 {
				t.Fatalf("l1 ball: ‖p‖₁ = %g, want %g", l1norm(p), rad)
			}
			theta := math.NaN()
			for i := range p {
				if p[i] != 0 {
					theta = math.Abs(x[i] - p[i])
				}
			}
			for i := range p {
				if p[i] != 0 && math.Abs((x[i]-p[i])-math.Copysign(theta, p[i])) > 1e-12*(1+theta) ||
					p[i] == 0 && math.Abs(x[i]) > theta+1e-12 {
					t.Fatalf("l1 ball optimality fails at %d", i)
				}
			}
		}
		// Group ℓ2: per group, g_g = w_g p_g/‖p_g‖ or ‖g_g‖ ≤ w_g; g = 0 outside the groups.
		GroupL2{Groups: testGroups, Weights: testWeights}.Prox(p, x, step)
		gv = g()
		in := groupMask(12, testGroups)
		for i := range gv {
			if !in[i] && gv[i] != 0 {
				t.Fatal("group: ungrouped entry changed")
			}
		}
		for k, idx := range testGroups {
			var pn, gn float64
			for _, i := range idx {
				pn += p[i] * p[i]
				gn += gv[i] * gv[i]
			}
			pn, gn = math.Sqrt(pn), math.Sqrt(gn)
			if pn > 0 {
				for _, i := range idx {
					if math.Abs(gv[i]-testWeights[k]*p[i]/pn) > 1e-11 {
						t.Fatalf("group optimality fails in group %d", k)
					}
				}
			} else if gn > testWeights[k]+1e-12 {
				t.Fatalf("group optimality fails at 0 in group %d", k)
			}
		}
	}
}

// sortSimplex is the textbook O(n log n) simplex projection threshold.
func sortSimplex(x []float64, z float64) float64 {
	u := append([]float64(nil), x...)
	sort.Sort(sort.Reverse(sort.Float64Slice(u)))
	var cs, theta float64
	for j, v := range u {
		cs += v
		if th := (cs - z) / float64(j+1); v-th > 0 {
			theta = th
		}
	}
	return theta
}

// TestSimplexHard compares the storage-free Newton method (and its sorting
// fallback) with the sort-based formula on inputs that need many passes,
// ties and extreme scales.
func TestSimplexHard(t *testing.T) {
	r := newRand(5)
	cases := map[string][]float64{
		"equal":     {7, 7, 7, 7},
		"single":    {-3},
		"geometric": make([]float64, 200),
		"harmonic":  make([]float64, 500),
		"ties":      make([]float64, 300),
		"huge":      randVec(r, 100, 1e12),
		"tiny":      randVec(r, 100, 1e-12),
	}
	for i := range cases["geometric"] {
		cases["geometric"][i] = math.Pow(0.9, float64(i))
	}
	for i := range cases["harmonic"] {
		cases["harmonic"][i] = 1 / float64(i+1)
	}
	for i := range cases["ties"] {
		cases["ties"][i] = float64(r.IntN(4))
	}
	// Long inputs take the sampled first guess: a representative sample,
	// and one that sees only zeros (the large values sit between the
	// sample points).
	cases["long gaussian"] = randVec(r, 20000, 1)
	cases["long hidden"] = make([]float64, 20000)
	for i := range cases["long hidden"] {
		if i%19 == 7 {
			cases["long hidden"][i] = 10 * r.Float64()
		}
	}
	for name, x := range cases {
		for _, z := range []float64{1e-6, 0.5, 1, 30, 3e4} {
			theta := sortSimplex(x, z)
			want := make([]float64, len(x))
			for i, v := range x {
				want[i] = math.Max(v-theta, 0)
			}
			got := make([]float64, len(x))
			ProjSimplex(got, x, z)
			closeVec(t, fmt.Sprintf("%s z=%g", name, z), got, want, 1e-12*(1+linf(x)))
			// The ℓ1 ball of radius z: θ from the simplex of |x| when outside.
			abs := make([]float64, len(x))
			for i, v := range x {
				abs[i] = math.Abs(v)
			}
			if l1norm(x) > z {
				th := sortSimplex(abs, z)
				for i, v := range x {
					want[i] = math.Copysign(math.Max(math.Abs(v)-th, 0), v)
				}
			} else {
				copy(want, x)
			}
			ProjL1Ball(got, x, z)
			closeVec(t, fmt.Sprintf("%s l1 r=%g", name, z), got, want, 1e-12*(1+linf(x)))
			copy(got, x)
			ProjL1Ball(got, got, z) // in place: the path without scratch space
			closeVec(t, fmt.Sprintf("%s l1 in place r=%g", name, z), got, want, 1e-12*(1+linf(x)))
		}
	}
	got := []float64{1, math.NaN(), 2}
	ProjSimplex(got, got, 1)
	for _, v := range got {
		if !math.IsNaN(v) {
			t.Fatalf("NaN input: got %v, want all NaN", got)
		}
	}
}

// TestL0BallTies compares the quickselect projection with a stable sort
// on inputs with many ties.
func TestL0BallTies(t *testing.T) {
	r := newRand(6)
	for trial := 0; trial < 300; trial++ {
		n := 1 + r.IntN(40)
		x := make([]float64, n)
		for i := range x {
			x[i] = float64(r.IntN(5) - 2)
		}
		k := r.IntN(n + 2)
		idx := make([]int, n)
		for i := range idx {
			idx[i] = i
		}
		sort.SliceStable(idx, func(a, b int) bool { return math.Abs(x[idx[a]]) > math.Abs(x[idx[b]]) })
		want := make([]float64, n)
		for j := 0; j < k && j < n; j++ {
			want[idx[j]] = x[idx[j]]
		}
		got := make([]float64, n)
		ProjL0Ball(got, x, k)
		closeVec(t, "l0 ties", got, want, 0)
		ProjL0Ball(x, x, k)
		closeVec(t, "l0 ties in place", x, want, 0)
	}
	// NaN ranks like ±Inf; ties go to the lower index.
	x := []float64{1, math.NaN(), -3, 3, math.Inf(-1)}
	got := make([]float64, len(x))
	ProjL0Ball(got, x, 3)
	if !math.IsNaN(got[1]) || got[4] != math.Inf(-1) || got[2] != -3 || got[0] != 0 || got[3] != 0 {
		t.Fatalf("NaN/Inf ranking: %v", got)
	}
}

// tvCertificate checks the dual certificate of the TV prox: the partial
// sums u_k = Σ_{i≤k}(x_i − p_i) satisfy |u_k| ≤ λ, u_{n−1} = 0 and
// u_k = −λ·sign(p_{k+1} − p_k) at every jump.
func tvCertificate(t *testing.T, x, p []float64, lambda float64) {
	t.Helper()
	scale := 1e-11 * (1 + linf(x)) * float64(len(x))
	var u float64
	for k := range x {
		u += x[k] - p[k]
		if k == len(x)-1 {
			if math.Abs(u) > scale {
				t.Fatalf("TV: total residual %g ≠ 0", u)
			}
			break
		}
		if math.Abs(u) > lambda+scale {
			t.Fatalf("TV: |u_%d| = %g > λ = %g", k, math.Abs(u), lambda)
		}
		if d := p[k+1] - p[k]; math.Abs(d) > 1e-9 && math.Abs(u+math.Copysign(lambda, d)) > scale {
			t.Fatalf("TV: jump at %d (%g) with u = %g, want %g", k, d, u, -math.Copysign(lambda, d))
		}
	}
}

func TestTV1D(t *testing.T) {
	r := newRand(7)
	for trial := 0; trial < 300; trial++ {
		n := 1 + r.IntN(60)
		x := randVec(r, n, 1)
		if trial%2 == 0 { // piecewise constant plus noise
			level := 0.0
			for i := range x {
				if r.IntN(8) == 0 {
					level = 3 * r.NormFloat64()
				}
				x[i] = level + 0.2*x[i]
			}
		}
		lambda := []float64{0, 0.01, 0.3, 1, 10, 1e4}[trial%6]
		p := make([]float64, n)
		TV1D(p, x, lambda)
		tvCertificate(t, x, p, lambda)
		q := append([]float64(nil), x...)
		TV1D(q, q, lambda)
		closeVec(t, "TV in place", q, p, 0)
	}
	// λ beyond the largest useful value gives the constant mean.
	x := []float64{1, 5, -2, 4}
	p := make([]float64, 4)
	TV1D(p, x, 100)
	closeVec(t, "TV mean", p, []float64{2, 2, 2, 2}, 1e-15)
}

func TestMoreauEnvelopeHuber(t *testing.T) {
	// The Moreau envelope of t‖·‖₁ is the Huber function.
	x := []float64{-3, -0.2, 0, 0.5, 2}
	step := 0.8
	var want float64
	for _, v := range x {
		if a := math.Abs(v); a <= step {
			want += v * v / (2 * step)
		} else {
			want += a - step/2
		}
	}
	got := MoreauEnvelope(L1{}, x, step, nil)
	closeVec(t, "Huber", []float64{got}, []float64{want}, 1e-15)
	// The envelope of ½‖·‖² is ½‖x‖²/(1+t).
	got = MoreauEnvelope(SqL2{}, x, step, make([]float64, len(x)))
	closeVec(t, "sq envelope", []float64{got}, []float64{0.5 * dot(x, x) / (1 + step)}, 1e-15)
}

func TestPanics(t *testing.T) {
	cases := map[string]func(){
		"len":         func() { SoftThreshold(make([]float64, 2), make([]float64, 3), 1) },
		"step":        func() { L1{}.Prox(make([]float64, 2), make([]float64, 2), -1) },
		"simplex z":   func() { ProjSimplex(make([]float64, 2), make([]float64, 2), 0) },
		"l1 radius":   func() { ProjL1Ball(make([]float64, 2), make([]float64, 2), -1) },
		"l0 k":        func() { ProjL0Ball(make([]float64, 2), make([]float64, 2), -1) },
		"weights":     func() { GroupL2{Groups: testGroups, Weights: []float64{1}}.Value(make([]float64, 10)) },
		"wgsef zero":  func() { WGSEF{Groups: [][]int{{0}}, Weights: []float64{0}, K: 1}.Value([]float64{1}) },
		"tv lambda":   func() { TV1D(make([]float64, 2), make([]float64, 2), -1) },
		"nuclear dst": func() { _ = ProxNuclear(mat.NewDense(2, 2, nil), mat.NewDense(3, 2, nil), 1) },
	}
	for name, f := range cases {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}

func l1norm(x []float64) float64 { return L1{}.Value(x) }
func linf(x []float64) float64   { return LInf{}.Value(x) }

// TestSelectKth checks the selection (and its sorting fallback, forced by
// an organ-pipe input that defeats the median of three) against a sort.
func TestSelectKth(t *testing.T) {
	r := newRand(13)
	for trial := 0; trial < 200; trial++ {
		n := 1 + r.IntN(300)
		a := make([]float64, n)
		for i := range a {
			switch trial % 3 {
			case 0:
				a[i] = float64(r.IntN(5))
			case 1:
				a[i] = r.NormFloat64()
			default:
				a[i] = float64(min(i, n-1-i)) // organ pipe
			}
		}
		s := append([]float64(nil), a...)
		sort.Float64s(s)
		j := r.IntN(n)
		if got := selectKth(a, j); got != s[j] {
			t.Fatalf("n=%d j=%d: got %g, want %g", n, j, got, s[j])
		}
	}
}
