package collab

import (
	"context"
	"math"
	"math/rand/v2"
	"runtime"
	"sort"
	"testing"
	"time"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// E[RᵀR] = I, entry by entry, over 20,000 seeds of a 3×6 sketch: every
// mean within 5 standard errors (the sample deviation over √N) of the
// identity, and the variances those of the definitions — a Gaussian
// sketch's (RᵀR)_jj = Σ_i R_ij² has variance s·2/s² = 2/s and its
// off-diagonal entries 1/s; a count sketch's diagonal is exactly 1 and an
// off-diagonal entry σ_jσ_k·[h(j) = h(k)] has variance P(h(j) = h(k)) =
// 1/s — within 10%. RᵀR is formed column by column by Desketch(Sketch(e_k)).
func TestSketchUnbiased(t *testing.T) {
	const d, s, N = 6, 3, 20000
	for _, kind := range []SketchKind{GaussianSketch, CountSketch} {
		var sum, sum2 [d][d]float64
		e, y, col := make([]float64, d), make([]float64, s), make([]float64, d)
		for seed := 0; seed < N; seed++ {
			r := NewSketch(kind, s, d, uint64(seed))
			for k := 0; k < d; k++ {
				clear(e)
				e[k] = 1
				r.Desketch(col, r.Sketch(y, e))
				for j, c := range col {
					sum[j][k] += c
					sum2[j][k] += c * c
				}
			}
		}
		for j := 0; j < d; j++ {
			for k := 0; k < d; k++ {
				mean := sum[j][k] / N
				v := sum2[j][k]/N - mean*mean
				se := math.Sqrt(v / N)
				want, wantVar := 0.0, 1.0/s
				if j == k {
					want, wantVar = 1, 2.0/s
					if kind == CountSketch {
						wantVar = 0
					}
				}
				if math.Abs(mean-want) > 5*se+1e-15 {
					t.Errorf("%v: E[RᵀR][%d][%d] ≈ %.5f ± %.5f, want %v", kind, j, k, mean, se, want)
				}
				if math.Abs(v-wantVar) > 0.1*wantVar+1e-15 {
					t.Errorf("%v: Var[RᵀR][%d][%d] ≈ %.5f, want %.5f", kind, j, k, v, wantVar)
				}
			}
		}
	}
}

// The distortion of de-sketching: E‖RᵀRg − g‖² = (d+1)/s·‖g‖² for the
// Gaussian sketch (E[(RᵀR)²] = (1 + (d+1)/s)·I, from the fourth moments
// of the normal) and (d−1)/s·‖g‖² for the count sketch (every other
// coordinate k lands on g_j's row with probability 1/s). d = 20, s = 5,
// 4000 seeds, the mean within 5 standard errors.
func TestSketchDistortion(t *testing.T) {
	const d, s, N = 20, 5, 4000
	rng := rand.New(rand.NewPCG(9, 9))
	g := make([]float64, d)
	for j := range g {
		g[j] = rng.NormFloat64()
	}
	g2 := floats.Dot(g, g)
	for _, c := range []struct {
		kind SketchKind
		want float64
	}{{GaussianSketch, (d + 1.0) / s}, {CountSketch, (d - 1.0) / s}} {
		var sum, sum2 float64
		back := make([]float64, d)
		for seed := 0; seed < N; seed++ {
			r := NewSketch(c.kind, s, d, uint64(seed))
			r.Desketch(back, r.Sketch(nil, g))
			floats.Sub(back, g)
			x := floats.Dot(back, back) / g2
			sum += x
			sum2 += x * x
		}
		mean := sum / N
		se := math.Sqrt((sum2/N - mean*mean) / N)
		if math.Abs(mean-c.want) > 5*se {
			t.Errorf("%v: E‖RᵀRg − g‖²/‖g‖² ≈ %.4f ± %.4f, want %.4f", c.kind, mean, se, c.want)
		}
	}
}

// The count sketch against its explicit matrix on d = 7, s = 3: every
// column of Dense has exactly one nonzero entry, ±1; Sketch and Desketch
// equal the products with R and Rᵀ; RRᵀ is diagonal with the number of
// columns in each row, so Sketch(Desketch(y)) = counts ⊙ y and Norm is
// the square root of the largest count. A vector whose nonzeros fall in
// distinct rows is de-sketched exactly on its support. The Gaussian sketch agrees with
// its matrix too, and its Norm with the largest singular value (gonum's
// SVD) for s < d and s > d.
func TestSketchMatrix(t *testing.T) {
	const d, s = 7, 3
	rng := rand.New(rand.NewPCG(1, 1))
	for seed := uint64(0); seed < 10; seed++ {
		r := NewSketch(CountSketch, s, d, seed)
		m := r.Dense()
		counts := make([]float64, s)
		for j := 0; j < d; j++ {
			nz := 0
			for i := 0; i < s; i++ {
				if v := m.At(i, j); v != 0 {
					nz++
					counts[i]++
					if v != 1 && v != -1 {
						t.Errorf("seed %d: R[%d][%d] = %v, want ±1", seed, i, j, v)
					}
				}
			}
			if nz != 1 {
				t.Errorf("seed %d: column %d has %d nonzeros, want 1", seed, j, nz)
			}
		}
		g, y := make([]float64, d), make([]float64, s)
		for j := range g {
			g[j] = rng.NormFloat64()
		}
		for i := range y {
			y[i] = rng.NormFloat64()
		}
		var rg, rty mat.VecDense
		rg.MulVec(m, mat.NewVecDense(d, g))
		rty.MulVec(m.T(), mat.NewVecDense(s, y))
		if !eqVec(r.Sketch(nil, g), rg.RawVector().Data, 1e-15) || !eqVec(r.Desketch(nil, y), rty.RawVector().Data, 1e-15) {
			t.Errorf("seed %d: Sketch or Desketch differ from R·g, Rᵀ·y", seed)
		}
		cy := make([]float64, s)
		floats.MulTo(cy, counts, y)
		if !eqVec(r.Sketch(nil, r.Desketch(nil, y)), cy, 1e-15) {
			t.Errorf("seed %d: RRᵀy = %v, want %v", seed, r.Sketch(nil, r.Desketch(nil, y)), cy)
		}
		if got, want := r.Norm(), math.Sqrt(floats.Max(counts)); got != want {
			t.Errorf("seed %d: Norm %v, want %v", seed, got, want)
		}
		// One nonzero g_j per used row: (RᵀRg)_k = σ_kσ_j·g_j for every k
		// in j's row, so the support is recovered exactly.
		sparse := make([]float64, d)
		first := make([]int, s) // the support's column in each row, +1
		for j := 0; j < d; j++ {
			row := 0
			for m.At(row, j) == 0 {
				row++
			}
			if first[row] == 0 {
				first[row] = j + 1
				sparse[j] = g[j]
			}
		}
		got := r.Desketch(nil, r.Sketch(nil, sparse))
		for k := 0; k < d; k++ {
			row := 0
			for m.At(row, k) == 0 {
				row++
			}
			j := first[row] - 1
			if want := m.At(row, k) * m.At(row, j) * g[j]; got[k] != want {
				t.Errorf("seed %d: (RᵀRg)[%d] = %v, want %v", seed, k, got[k], want)
			}
		}
	}
	for _, dims := range [][2]int{{3, 8}, {8, 3}} {
		r := NewSketch(GaussianSketch, dims[0], dims[1], 5)
		m := r.Dense()
		g := make([]float64, dims[1])
		for j := range g {
			g[j] = rng.NormFloat64()
		}
		var rg mat.VecDense
		rg.MulVec(m, mat.NewVecDense(dims[1], g))
		if !eqVec(r.Sketch(nil, g), rg.RawVector().Data, 1e-14) {
			t.Errorf("Gaussian %v: Sketch differs from R·g", dims)
		}
		var svd mat.SVD
		if !svd.Factorize(m, mat.SVDNone) {
			t.Fatal("SVD failed")
		}
		if got, want := r.Norm(), svd.Values(nil)[0]; math.Abs(got-want) > 1e-12*want {
			t.Errorf("Gaussian %v: Norm %v, want the largest singular value %v", dims, got, want)
		}
		if s, d := r.Dims(); s != dims[0] || d != dims[1] || r.Kind() != GaussianSketch {
			t.Errorf("Dims %d×%d, Kind %v", s, d, r.Kind())
		}
	}
}

// σ against Dwork & Roth's Theorem A.1, σ = Δ√(2 ln(1.25/δ))/ε, computed
// by hand (Python's math module): ε = 0.5, δ = 1e-5, Δ = 1 gives
// 9.689610525210778; ε = 0.9, δ = 0.01, Δ = 3 gives 10.358371533640797.
// Sketching.Sigma uses Δ = 2C‖R‖₂ with ‖R‖₂ from gonum's SVD of Dense
// (and ‖I‖ = 1 without a sketch). Message's noise has that standard
// deviation (10,000 draws: sample deviation within 3%, mean within 5
// standard errors of 0), and its clipping scales v to norm C exactly,
// also when ‖v‖ overflows.
func TestSketchPrivacy(t *testing.T) {
	for _, c := range []struct{ eps, delta, sens, want float64 }{
		{0.5, 1e-5, 1, 9.689610525210778},
		{0.9, 0.01, 3, 10.358371533640797},
	} {
		if got := GaussianSigma(c.eps, c.delta, c.sens); math.Abs(got-c.want) > 1e-13*c.want {
			t.Errorf("GaussianSigma(%v, %v, %v) = %.16g, want %.16g", c.eps, c.delta, c.sens, got, c.want)
		}
	}
	r := NewSketch(GaussianSketch, 50, 200, 3)
	var svd mat.SVD
	svd.Factorize(r.Dense(), mat.SVDNone)
	cfg := Sketching{Kind: GaussianSketch, Size: 50, Clip: 2, Epsilon: 0.5, Delta: 1e-5}
	sigma := cfg.Sigma(r)
	if want := 9.689610525210778 * 2 * 2 * svd.Values(nil)[0]; math.Abs(sigma-want) > 1e-12*want {
		t.Errorf("Sigma = %v, want %v", sigma, want)
	}
	if got, want := (Sketching{Clip: 2, Epsilon: 0.5, Delta: 1e-5}).Sigma(nil), 9.689610525210778*4; math.Abs(got-want) > 1e-13*want {
		t.Errorf("Sigma without a sketch = %v, want %v", got, want)
	}
	if got := (Sketching{Kind: CountSketch, Clip: 1}).Sigma(r); got != 0 {
		t.Errorf("Sigma without Epsilon = %v, want 0", got)
	}
	zero := make([]float64, 200)
	var sum, sum2 float64
	const draws = 200
	for seed := uint64(0); seed < draws; seed++ {
		for _, x := range cfg.Message(nil, zero, r, 1.5, seed) {
			sum += x
			sum2 += x * x
		}
	}
	n := float64(draws * 50)
	mean := sum / n
	sd := math.Sqrt(sum2/n - mean*mean)
	if math.Abs(sd-1.5) > 0.03*1.5 || math.Abs(mean) > 5*1.5/math.Sqrt(n) {
		t.Errorf("noise: mean %v, deviation %v; want 0, 1.5", mean, sd)
	}
	v := make([]float64, 200)
	for j := range v {
		v[j] = float64(j%7) - 3
	}
	nv := floats.Norm(v, 2)
	want := r.Sketch(nil, v)
	floats.Scale(2/nv, want)
	if got := cfg.Message(nil, v, r, 0, 1); !eqVec(got, want, 1e-13) {
		t.Errorf("clipped message differs from R·v·C/‖v‖")
	}
	floats.Scale(1/nv, v)
	if got := cfg.Message(nil, v, r, 0, 1); !eqVec(got, r.Sketch(nil, v), 0) {
		t.Errorf("a vector within the clip radius was changed")
	}
	// A vector whose norm overflows (entries 1e308) is clipped to norm C
	// too: C·v/‖v‖ (it became 0, C/+Inf times the vector).
	huge := []float64{1e308, -1e308, 1e308, 1e308}
	if got := (Sketching{Clip: 2}).Message(nil, huge, nil, 0, 0); !eqVec(got, []float64{1, -1, 1, 1}, 1e-15) {
		t.Errorf("clipping 1e308·(1, −1, 1, 1) to norm 2: %v, want (1, −1, 1, 1)", got)
	}
	cs := NewSketch(CountSketch, 2, 4, 1)
	if got, want := (Sketching{Kind: CountSketch, Clip: 2}).Message(nil, huge, cs, 0, 0), cs.Sketch(nil, []float64{1, -1, 1, 1}); !eqVec(got, want, 1e-15) {
		t.Errorf("clipping 1e308·(1, −1, 1, 1) to norm 2 through a count sketch: %v, want %v", got, want)
	}
}

// The gradient-inversion attack: one example a = (1, a_w) (d = 8,
// feature 0 the constant 1) of least squares, its gradient g = r·a
// (r = aᵀx − y) at a random model. From g itself the attack recovers a
// to 1e-12; from a count sketch whose 8 columns fall in distinct rows
// (RᵀR = I) too. From a Gaussian sketch's de-sketched RᵀRg + Rᵀξ
// (ξ ~ N(0, σ²I_s), the private variant's noise) the estimate is
// a + (e_w − a_w·e_b)/(r + e_b) with e = (RᵀR − I)g + Rᵀξ; e has
// covariance (‖g‖²I + ggᵀ)/s + σ²·E[RᵀR] = (‖g‖²I + ggᵀ)/s + σ²I (the
// Wishart moments), and e_w − a_w·e_b kills the ggᵀ part (g_w = a_w·g_b),
// so to first order the mean squared relative error is
// (1/s + σ²/‖g‖²)·(d − 2 + ‖a‖²). Over 201 seeds it is within 15% of that
// for s = 1024, 4096, 16384 without noise and for σ = 0.01‖g‖ (s = 4096);
// for smaller s the 1/(r + e_b) tail inflates it (s = 256: 0.40 against
// 0.14). With s = 4096 the median error grows with every step of σ in
// 0, 0.03, 0.1, 0.3, 1 (×‖g‖), and at the noise of ε = 0.9 (δ = 1e-5,
// C = ‖g‖) it exceeds 1: the attack recovers nothing.
func TestInvertLinear(t *testing.T) {
	const d, seeds = 8, 201
	data := MakeRegression(20, d, 2, 0.5, 4)
	for i := 0; i < 20; i++ {
		data.X.Set(i, 0, 1)
	}
	a := data.X.RawRowView(3)
	f := LeastSquares(data, []int{3})
	rng := rand.New(rand.NewPCG(2, 2))
	x := make([]float64, d)
	for j := range x {
		x[j] = rng.NormFloat64()
	}
	g := make([]float64, d)
	f(x, g)
	a2, gn := floats.Dot(a, a), floats.Norm(g, 2)
	relErr := func(est []float64) float64 {
		diff := make([]float64, d)
		floats.SubTo(diff, est, a)
		return floats.Norm(diff, 2) / math.Sqrt(a2)
	}
	got, err := InvertLinear(g, 0)
	if err != nil || relErr(got) > 1e-12 {
		t.Fatalf("from the gradient: %v, %v; want %v", got, err, a)
	}
	for seed := uint64(0); ; seed++ {
		r := NewSketch(CountSketch, 64, d, seed)
		var rtr mat.Dense
		m := r.Dense()
		rtr.Mul(m.T(), m)
		if !mat.Equal(&rtr, eye(d)) {
			continue
		}
		got, err := InvertLinear(r.Desketch(nil, r.Sketch(nil, g)), 0)
		if err != nil || relErr(got) > 1e-12 {
			t.Errorf("collision-free count sketch (seed %d): error %v, %v", seed, relErr(got), err)
		}
		break
	}
	// attack returns the mean squared and the median relative error over
	// the seeds; sigma < 0 means cfg.Sigma(R).
	attack := func(s int, cfg Sketching, sigma float64) (mse, median float64) {
		errs := make([]float64, seeds)
		for seed := range errs {
			r := NewSketch(GaussianSketch, s, d, uint64(seed))
			sg := sigma
			if sg < 0 {
				sg = cfg.Sigma(r)
			}
			est, err := InvertLinear(r.Desketch(nil, cfg.Message(nil, g, r, sg, uint64(seed)+1000)), 0)
			if err != nil {
				t.Fatal(err)
			}
			errs[seed] = relErr(est)
			mse += errs[seed] * errs[seed] / seeds
		}
		sort.Float64s(errs)
		return mse, errs[seeds/2]
	}
	for _, c := range []struct {
		s     int
		sigma float64
	}{{1024, 0}, {4096, 0}, {16384, 0}, {4096, 0.01}} {
		mse, _ := attack(c.s, Sketching{}, c.sigma*gn)
		want := (1/float64(c.s) + c.sigma*c.sigma) * (d - 2 + a2)
		if math.Abs(mse-want) > 0.15*want {
			t.Errorf("s = %d, σ = %g‖g‖: mean squared relative error %.4g, want %.4g", c.s, c.sigma, mse, want)
		}
	}
	prev := -1.0
	for _, sigma := range []float64{0, 0.03, 0.1, 0.3, 1} {
		_, e := attack(4096, Sketching{}, sigma*gn)
		t.Logf("s = 4096, σ = %g‖g‖: median relative error %.4f", sigma, e)
		if e <= prev {
			t.Errorf("σ = %g‖g‖: median error %.4f, not above %.4f at the smaller σ", sigma, e, prev)
		}
		prev = e
	}
	if _, e := attack(4096, Sketching{Kind: GaussianSketch, Size: 4096, Clip: gn, Epsilon: 0.9, Delta: 1e-5}, -1); e < 1 {
		t.Errorf("ε = 0.9: median error %.4f, want ≥ 1", e)
	}
	if _, err := InvertLinear([]float64{1, 0, 2}, 1); err == nil {
		t.Errorf("zero residual: no error")
	}
}

func eye(n int) *mat.Dense {
	m := mat.NewDense(n, n, nil)
	for i := 0; i < n; i++ {
		m.Set(i, i, 1)
	}
	return m
}

// lsProblem is least squares on 1000 examples in d = 50 (4 clusters,
// noise 0.1) over 10 workers (Dirichlet α = 1), with the minimiser of
// the mean of the workers' objectives in closed form: x* solves
// (Σ_i A_iᵀA_i/m_i)x = Σ_i A_iᵀy_i/m_i, f* its mean loss.
func lsProblem() (ws []Func, xs []float64, f0, fstar float64) {
	const d = 50
	data := MakeRegression(1000, d, 4, 0.1, 1)
	parts := DirichletSplit(data.Labels, 10, 1, 1)
	ws = LeastSquaresWorkers(data, parts)
	a := mat.NewSymDense(d, nil)
	b := mat.NewVecDense(d, nil)
	for _, p := range parts {
		w := 1 / float64(len(p))
		for _, j := range p {
			row := data.X.RawRowView(j)
			for k := 0; k < d; k++ {
				b.SetVec(k, b.AtVec(k)+w*data.Y[j]*row[k])
				for l := k; l < d; l++ {
					a.SetSym(k, l, a.At(k, l)+w*row[k]*row[l])
				}
			}
		}
	}
	var x mat.VecDense
	if err := x.SolveVec(a, b); err != nil {
		panic(err)
	}
	xs = x.RawVector().Data
	for _, w := range ws {
		fstar += w(xs, nil) / 10
		f0 += w(make([]float64, d), nil) / 10
	}
	return ws, xs, f0, fstar
}

// Sketched gradient descent on least squares (d = 50, n = 10, step 0.02)
// converges to the closed-form optimum: after 3000 rounds ‖x − x*‖∞ ≤
// 1e-9 with s = 10 rows (measured 3.9e-14: at x* the mean gradient is 0,
// so the sketch's error, proportional to it, vanishes too). It reaches
// f − f* ≤ 1e-3·(f(0) − f*) with fewer floats than full gradients at
// their best step: full GD with steps 0.01, 0.02, 0.025, 0.03 needs 406,
// 203, 162, 2297 rounds of 1000 floats (0.04 diverges), so 162,000 at
// best; the sketches (median of 3 seeds) 39,400 floats (Gaussian) and
// 42,600 (count sketch), about 200 rounds of 200 floats. Asserted: at
// most half of full GD's best. FloatsSent is 2·n·s per round.
func TestSketchedGD(t *testing.T) {
	ws, xs, f0, fstar := lsProblem()
	const rounds = 3000
	toTarget := func(r *Result) int {
		for i, l := range r.History {
			if l-fstar <= 1e-3*(f0-fstar) {
				return i * r.FloatsSent / r.Iterations
			}
		}
		return math.MaxInt
	}
	fullFloats := math.MaxInt
	for _, step := range []float64{0.01, 0.02, 0.025, 0.03} {
		full, err := Simulate(ws, make([]float64, 50), &Settings{MaxIter: rounds, Step: step})
		if err != nil || full.FloatsSent != 2*10*50*rounds {
			t.Fatalf("full GD, step %v: %v, %d floats sent", step, err, full.FloatsSent)
		}
		fullFloats = min(fullFloats, toTarget(full))
	}
	if fullFloats == math.MaxInt {
		t.Fatal("full GD never reached the target")
	}
	for _, kind := range []SketchKind{GaussianSketch, CountSketch} {
		var fl [3]float64
		for seed := range fl {
			r, err := Simulate(ws, make([]float64, 50), &Settings{MaxIter: rounds, Step: 0.02, Seed: uint64(seed), Sketch: Sketching{Kind: kind, Size: 10}})
			if err != nil || r.Status != Converged {
				t.Fatalf("%v seed %d: %v %v", kind, seed, r.Status, err)
			}
			if r.FloatsSent != 2*10*10*rounds {
				t.Errorf("%v: FloatsSent %d, want %d", kind, r.FloatsSent, 2*10*10*rounds)
			}
			var e float64
			for j := range xs {
				e = math.Max(e, math.Abs(r.X[j]-xs[j]))
			}
			if e > 1e-9 {
				t.Errorf("%v seed %d: ‖x − x*‖∞ = %.3g after %d rounds", kind, seed, e, rounds)
			}
			fl[seed] = float64(toTarget(r))
			t.Logf("%v seed %d: ‖x − x*‖∞ = %.2g, %v floats to the target", kind, seed, e, fl[seed])
		}
		sort.Float64s(fl[:])
		if fl[1] > 0.5*float64(fullFloats) {
			t.Errorf("%v: median %v floats to the target, full GD %d", kind, fl[1], fullFloats)
		}
		t.Logf("%v: median %v floats to the target (full GD %d)", kind, fl[1], fullFloats)
	}
}

// A sketched, private, attacked run (Gaussian sketch, noise of ε = 0.5,
// ALIE against NNM+Krum, Gaussian attack's draws) gives bit-identical
// results with GOMAXPROCS 1 and 2 and twice with one seed, and another
// seed a different model.
func TestSketchDeterministic(t *testing.T) {
	ws := robustProblem(0.5, 3, false)
	run := func(procs int, seed uint64) *Result {
		old := runtime.GOMAXPROCS(procs)
		defer runtime.GOMAXPROCS(old)
		r, err := Simulate(ws, make([]float64, 10), &Settings{MaxIter: 30, Momentum: 0.5, Byzantine: 2, Seed: seed,
			Attack: Attack{Kind: Gaussian}, Aggregator: Aggregator{Rule: RuleKrum, NNM: true},
			Sketch: Sketching{Kind: GaussianSketch, Size: 4, Clip: 1, Epsilon: 0.5, Delta: 1e-5}})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	a, b, c := run(1, 42), run(2, 42), run(2, 42)
	if a.Loss != b.Loss || !eqVec(a.X, b.X, 0) || !eqVec(a.History, b.History, 0) || c.Loss != a.Loss {
		t.Errorf("GOMAXPROCS 1 and 2 or two runs differ: loss %v, %v, %v", a.Loss, b.Loss, c.Loss)
	}
	if d := run(2, 43); eqVec(d.X, a.X, 0) {
		t.Errorf("seeds 42 and 43 give the same model")
	}
}

// Sketched runs: canceled after 50 ms, Canceled within 500 ms with the
// partial history; CenteredClip and ALIE in sketch space train; NaN data
// and a diverging step end Failed.
func TestSketchedSimulate(t *testing.T) {
	data := MakeRegression(400, 2000, 2, 0.1, 1)
	ws := LeastSquaresWorkers(data, DirichletSplit(data.Labels, 8, 1, 1))
	ctx, cancel := context.WithCancel(context.Background())
	var canceled time.Time
	go func() { time.Sleep(50 * time.Millisecond); canceled = time.Now(); cancel() }()
	r, err := Simulate(ws, make([]float64, 2000), &Settings{MaxIter: 1_000_000, Step: 1e-4, Context: ctx, Sketch: Sketching{Kind: CountSketch, Size: 100, Clip: 10, Epsilon: 0.5, Delta: 1e-5}})
	el := time.Since(canceled)
	if err != nil || r.Status != Canceled || len(r.History) == 0 || len(r.History) != r.Iterations {
		t.Fatalf("%v %v, %d rounds", r.Status, err, r.Iterations)
	}
	if el > 500*time.Millisecond {
		t.Errorf("returned %v after the cancel", el)
	}

	ls, _, f0, fstar := lsProblem()
	for _, agg := range []Aggregator{{Rule: RuleCenteredClip, Iters: 3}, {Rule: RuleKrum}} {
		r, err := Simulate(ls, make([]float64, 50), &Settings{MaxIter: 1000, Step: 0.01, Byzantine: 2, Attack: Attack{Kind: ALIE}, Aggregator: agg,
			Sketch: Sketching{Kind: CountSketch, Size: 25}})
		if err != nil || r.Status != Converged || r.Loss-fstar > 0.05*(f0-fstar) {
			t.Errorf("%v under ALIE, sketched: %v %v, gap %.3g of %.3g", agg, r.Status, err, r.Loss-fstar, f0-fstar)
		}
	}

	bad := MakeRegression(40, 3, 2, 0, 1)
	bad.X.Set(5, 1, math.NaN())
	for name, c := range map[string]struct {
		ws   []Func
		d    int
		step float64
	}{
		"NaN feature":    {LeastSquaresWorkers(bad, DirichletSplit(bad.Labels, 4, 1, 1)), 3, 0.1},
		"diverging step": {ls, 50, 1},
	} {
		r, err := Simulate(c.ws, make([]float64, c.d), &Settings{MaxIter: 100000, Step: c.step, Sketch: Sketching{Kind: GaussianSketch, Size: 2}})
		if err == nil || r.Status != Failed {
			t.Errorf("%s: %v %v; want Failed", name, r.Status, err)
		}
	}
}

// finite reports whether every v is neither NaN nor ±Inf.
func finite(v ...float64) bool {
	for _, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return false
		}
	}
	return true
}

// Sketch and de-sketch of one gradient, d = 10,000 and s = 100: the
// count sketch is O(d) whatever s, the Gaussian sketch O(s·d).
func BenchmarkSketch(b *testing.B) {
	const s, d = 100, 10000
	g, y, back := make([]float64, d), make([]float64, s), make([]float64, d)
	for j := range g {
		g[j] = float64(j%13) - 6
	}
	for _, kind := range []SketchKind{CountSketch, GaussianSketch} {
		r := NewSketch(kind, s, d, 1)
		b.Run(kind.String(), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				r.Desketch(back, r.Sketch(y, g))
			}
		})
	}
}
