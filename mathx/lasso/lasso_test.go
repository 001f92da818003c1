package lasso

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gomx-dev/gomx/mathx/interrupt"
	"gonum.org/v1/gonum/mat"
)

// problem builds a seeded lasso instance shaped like bench/lasso's: A ~ N(0,1)
// n×d (column j scaled by colScale(j) when given), an s-sparse truth and
// b = A x0 + noise·N(0,1); λ = frac·λ_max with λ_max = ‖Aᵀb‖∞/n.
func problem(seed uint64, n, d, s int, noise, frac float64, colScale func(int) float64) (*Problem, []float64) {
	r := rand.New(rand.NewPCG(seed, 1))
	a := mat.NewDense(n, d, nil)
	for i := 0; i < n; i++ {
		for j := 0; j < d; j++ {
			v := r.NormFloat64()
			if colScale != nil {
				v *= colScale(j)
			}
			a.Set(i, j, v)
		}
	}
	x0 := make([]float64, d)
	for _, j := range r.Perm(d)[:s] {
		x0[j] = r.NormFloat64()
	}
	b := make([]float64, n)
	for i := range b {
		b[i] = mat.Dot(a.RowView(i), mat.NewVecDense(d, x0)) + noise*r.NormFloat64()
	}
	var atb mat.VecDense
	atb.MulVec(a.T(), mat.NewVecDense(n, b))
	lmax := 0.0
	for j := 0; j < d; j++ {
		lmax = math.Max(lmax, math.Abs(atb.AtVec(j)))
	}
	return &Problem{A: a, B: b, Lambda: frac * lmax / float64(n)}, x0
}

// peerGap is the relative duality gap of bench/lasso/peer.py (rel_gap),
// written with gonum/mat.
func peerGap(p *Problem, x []float64) float64 {
	n, _ := p.A.Dims()
	var ax, atr mat.VecDense
	ax.MulVec(p.A, mat.NewVecDense(len(x), x))
	r := mat.NewVecDense(n, nil)
	r.SubVec(mat.NewVecDense(n, p.B), &ax)
	atr.MulVec(p.A.T(), r)
	var l1 float64
	for _, v := range x {
		l1 += math.Abs(v)
	}
	primal := 0.5/float64(n)*mat.Dot(r, r) + p.Lambda*l1
	den := math.Max(float64(n)*p.Lambda, mat.Norm(&atr, math.Inf(1)))
	var bb, q float64
	for i := 0; i < n; i++ {
		theta := r.AtVec(i) / den
		bb += p.B[i] * p.B[i]
		e := p.B[i] - float64(n)*p.Lambda*theta
		q += e * e
	}
	dual := 0.5/float64(n)*bb - 0.5/float64(n)*q
	return (primal - dual) / primal
}

// kkt returns the largest violation of 0 ∈ ∇f(x) + λ∂‖x‖₁, relative to λ.
func kkt(p *Problem, x []float64) float64 {
	n, d := p.A.Dims()
	var ax, g mat.VecDense
	ax.MulVec(p.A, mat.NewVecDense(d, x))
	u := make([]float64, n)
	for i := range u {
		if p.Loss == Logistic {
			u[i] = p.B[i] * sigmoid(-p.B[i]*ax.AtVec(i)) / float64(n)
		} else {
			u[i] = (p.B[i] - ax.AtVec(i)) / float64(n)
		}
	}
	g.MulVec(p.A.T(), mat.NewVecDense(n, u))
	worst := 0.0
	for j := 0; j < d; j++ {
		gj := g.AtVec(j) - p.L2*x[j] // −∇_j f
		var v float64
		if x[j] != 0 {
			v = math.Abs(gj - p.Lambda*math.Copysign(1, x[j]))
		} else {
			v = math.Max(0, math.Abs(gj)-p.Lambda)
		}
		worst = math.Max(worst, v/p.Lambda)
	}
	return worst
}

// TestLasso1000x500 solves a problem of bench/lasso's shape (1000×500,
// 25-sparse truth, λ = 0.1·λ_max): FISTA and CD reach a relative duality
// gap ≤ 1e-8 (measured by peerGap, bench/lasso/peer.py's formula).
func TestLasso1000x500(t *testing.T) {
	p, _ := problem(0, 1000, 500, 25, 0.1, 0.1, nil)
	solvers := []struct {
		name  string
		solve func(*Problem, *Settings) (*Result, error)
		s     *Settings
	}{
		{"FISTA", FISTA, nil},
		{"CD cyclic", CD, nil},
		{"CD random", CD, &Settings{Rule: Random, Seed: 3}},
		{"CD cyclic full sweeps", CD, &Settings{FullSweeps: true}},
		{"CD random full sweeps", CD, &Settings{Rule: Random, Seed: 3, FullSweeps: true}},
	}
	var ref []float64
	for _, c := range solvers {
		res, err := c.solve(p, c.s)
		if err != nil || res.Status != Converged {
			t.Fatalf("%s: status %v, err %v", c.name, res.Status, err)
		}
		if g := peerGap(p, res.X); g > 1e-8 || g < 0 {
			t.Fatalf("%s: peer-formula gap %g", c.name, g)
		}
		if math.Abs(peerGap(p, res.X)-res.Gap) > 1e-12 {
			t.Fatalf("%s: reported gap %g, peer formula %g", c.name, res.Gap, peerGap(p, res.X))
		}
		if v := kkt(p, res.X); v > 1e-3 {
			t.Fatalf("%s: KKT violation %g", c.name, v)
		}
		if ref == nil {
			ref = res.X
		}
		for j := range ref {
			if math.Abs(ref[j]-res.X[j]) > 1e-4 {
				t.Fatalf("%s: x[%d] = %g, FISTA %g", c.name, j, res.X[j], ref[j])
			}
		}
		t.Logf("%s: %d iterations, %d updates, %d matvecs, gap %.2e", c.name, res.Iterations, res.Updates, res.MatVecs, res.Gap)
	}
}

func TestISTAMonotone(t *testing.T) {
	p, _ := problem(1, 100, 60, 5, 0.1, 0.2, nil)
	res, err := ISTA(p, &Settings{Tol: 1e-10})
	if err != nil || res.Status != Converged {
		t.Fatalf("status %v, err %v", res.Status, err)
	}
	for k := 1; k < len(res.Objective); k++ {
		if res.Objective[k] > res.Objective[k-1]*(1+1e-14) {
			t.Fatalf("objective increased at %d: %g > %g", k, res.Objective[k], res.Objective[k-1])
		}
	}
	if v := kkt(p, res.X); v > 1e-4 {
		t.Fatalf("KKT violation %g", v)
	}
}

// TestRates checks the worst-case bounds of Beck & Teboulle (2009) with
// the largest step constant used: F(x_k) − F* ≤ L‖x₀ − x*‖²/(2k) for ISTA
// and ≤ 2L‖x₀ − x*‖²/(k+1)² for FISTA (with restarts, which keep it here).
func TestRates(t *testing.T) {
	p, _ := problem(4, 200, 120, 8, 0.1, 0.05, nil)
	star, err := CD(p, &Settings{Tol: 1e-15, MaxIter: 1000})
	if err != nil || star.Status != Converged {
		t.Fatalf("reference solve: %v %v", star.Status, err)
	}
	fStar := star.Objective[len(star.Objective)-1]
	var r0 float64
	for _, v := range star.X {
		r0 += v * v
	}
	for _, c := range []struct {
		name  string
		solve func(*Problem, *Settings) (*Result, error)
		bound func(k int, l float64) float64
	}{
		{"ISTA", ISTA, func(k int, l float64) float64 { return l * r0 / (2 * float64(k)) }},
		{"FISTA", FISTA, func(k int, l float64) float64 { return 2 * l * r0 / float64((k+1)*(k+1)) }},
	} {
		res, err := c.solve(p, &Settings{Tol: 1e-12, MaxIter: 20000})
		if err != nil || res.Status != Converged {
			t.Fatalf("%s: %v %v", c.name, res.Status, err)
		}
		for k, f := range res.Objective {
			if f-fStar > c.bound(k+1, res.Lipschitz)+1e-12 {
				t.Fatalf("%s: F(x_%d) − F* = %g above the bound %g", c.name, k+1, f-fStar, c.bound(k+1, res.Lipschitz))
			}
		}
		t.Logf("%s: %d iterations to gap 1e-12, L = %g", c.name, res.Iterations, res.Lipschitz)
	}
}

// TestGreedyRules: on columns with very different norms GS and GSL need
// fewer coordinate updates than cyclic CD to reach the same gap (median
// over seeds), and GSL no more than GS.
func TestGreedyRules(t *testing.T) {
	scale := func(j int) float64 { return math.Pow(10, -1+2*float64(j%10)/9) } // 0.1 … 10
	rules := []Rule{Cyclic, GaussSouthwell, GaussSouthwellLipschitz}
	counts := make(map[Rule][]int)
	for seed := uint64(0); seed < 7; seed++ {
		p, _ := problem(10+seed, 300, 100, 10, 0.1, 0.05, scale)
		for _, rule := range rules {
			res, err := CD(p, &Settings{Rule: rule, Tol: 1e-8, FullSweeps: true, CheckEvery: 5})
			if err != nil || res.Status != Converged {
				t.Fatalf("%v seed %d: status %v, err %v", rule, seed, res.Status, err)
			}
			if v := kkt(p, res.X); v > 1e-3 {
				t.Fatalf("%v: KKT violation %g", rule, v)
			}
			counts[rule] = append(counts[rule], res.Updates)
		}
	}
	med := func(xs []int) int {
		s := append([]int(nil), xs...)
		for i := range s {
			for j := i + 1; j < len(s); j++ {
				if s[j] < s[i] {
					s[i], s[j] = s[j], s[i]
				}
			}
		}
		return s[len(s)/2]
	}
	t.Logf("coordinate updates to gap 1e-8 (7 seeds): cyclic %v, GS %v, GSL %v", counts[Cyclic], counts[GaussSouthwell], counts[GaussSouthwellLipschitz])
	c, gs, gsl := med(counts[Cyclic]), med(counts[GaussSouthwell]), med(counts[GaussSouthwellLipschitz])
	if !(gs < c && gsl < c && gsl <= gs) {
		t.Fatalf("median updates: cyclic %d, GS %d, GSL %d; want GSL ≤ GS < cyclic", c, gs, gsl)
	}
}

func TestElasticNetAndLogistic(t *testing.T) {
	p, x0 := problem(2, 150, 40, 6, 0.1, 0.1, nil)
	en := *p
	en.L2 = 0.05
	lg := *p
	lg.B = make([]float64, len(p.B))
	for i, v := range p.B {
		lg.B[i] = math.Copysign(1, v)
	}
	lg.Lambda = 0.02
	_ = x0
	for _, c := range []struct {
		name string
		p    *Problem
	}{{"elastic net", &en}, {"logistic", &lg}, {"logistic+ridge", &Problem{A: lg.A, B: lg.B, Lambda: 0.01, L2: 0.01, Loss: Logistic}}} {
		var xs [][]float64
		for _, solve := range []func(*Problem, *Settings) (*Result, error){FISTA, CD, ISTA} {
			res, err := solve(c.p, &Settings{Tol: 1e-10, MaxIter: 100000})
			if err != nil || res.Status != Converged {
				t.Fatalf("%s: status %v err %v", c.name, res.Status, err)
			}
			if v := kkt(c.p, res.X); v > 1e-3 {
				t.Fatalf("%s: KKT violation %g", c.name, v)
			}
			xs = append(xs, res.X)
		}
		for k := 1; k < len(xs); k++ {
			for j := range xs[0] {
				if math.Abs(xs[k][j]-xs[0][j]) > 1e-4 {
					t.Fatalf("%s: solver %d x[%d] = %g, FISTA %g", c.name, k, j, xs[k][j], xs[0][j])
				}
			}
		}
	}
}

func TestGaussSouthwellReference(t *testing.T) {
	ref := loadExtras(t)
	// The smooth case (λ = 0, x = 0): GS is argmax |g|, GSL argmax |g|/sqrt(L).
	w := make([]float64, len(ref.L))
	for j, l := range ref.L {
		w[j] = 1 / math.Sqrt(l)
	}
	x := make([]float64, len(ref.Grad))
	if got := greedyPick(ref.Grad, x, 0, nil); got != ref.GS {
		t.Fatalf("GS picks %d, want %d", got, ref.GS)
	}
	if got := greedyPick(ref.Grad, x, 0, w); got != ref.GSL {
		t.Fatalf("GSL picks %d, want %d", got, ref.GSL)
	}
	// Our gradient and coordinate constants (scaled by n) match the reference.
	n := len(ref.A)
	a := mat.NewDense(n, len(ref.A[0]), nil)
	for i, row := range ref.A {
		a.SetRow(i, row)
	}
	d := newData(&Problem{A: a, B: ref.B, Lambda: 1}, "test", true)
	lj := d.colLipschitz()
	z := make([]float64, n)
	u := make([]float64, n)
	d.mulA(z, ref.X0)
	d.lossGrad(u, z)
	g := make([]float64, len(ref.Grad))
	d.mulAT(g, u)
	for j := range g {
		if math.Abs(-g[j]*float64(n)-ref.Grad[j]) > 1e-12*(1+math.Abs(ref.Grad[j])) ||
			math.Abs(lj[j]*float64(n)-ref.L[j]) > 1e-12*ref.L[j] {
			t.Fatalf("coordinate %d: grad %g vs %g, L %g vs %g", j, -g[j]*float64(n), ref.Grad[j], lj[j]*float64(n), ref.L[j])
		}
	}
}

func TestControl(t *testing.T) {
	p, _ := problem(3, 80, 30, 4, 0.1, 0.1, nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, solve := range []func(*Problem, *Settings) (*Result, error){ISTA, FISTA, CD} {
		res, err := solve(p, &Settings{Context: ctx, Tol: 1e-15})
		if err != nil || res.Status != Canceled || res.Iterations != 1 || len(res.X) != 30 {
			t.Fatalf("canceled: status %v iterations %d err %v", res.Status, res.Iterations, err)
		}
		res, err = solve(p, &Settings{Tol: 1e-15, FullSweeps: true, Callback: func(it int, r *Result) bool { return it < 3 }})
		if err != nil || res.Status != Stopped || res.Iterations != 3 || len(res.History) != 3 {
			t.Fatalf("callback: status %v iterations %d err %v", res.Status, res.Iterations, err)
		}
		res, err = solve(p, &Settings{Tol: 1e-15, FullSweeps: true, Callback: func(int, *Result) bool { panic("boom") }})
		if err == nil || res.Status != Stopped {
			t.Fatalf("callback panic: status %v err %v", res.Status, err)
		}
		res, err = solve(p, &Settings{Tol: 1e-15, MaxIter: 4, FullSweeps: true})
		if err != nil || res.Status != MaxIterReached || res.Iterations != 4 {
			t.Fatalf("max iter: status %v iterations %d err %v", res.Status, res.Iterations, err)
		}
	}
	// A nil Settings.Context means the current cell's context.
	interrupt.Set(ctx)
	res, err := CD(p, &Settings{Tol: 1e-15})
	interrupt.Set(nil)
	if err != nil || res.Status != Canceled {
		t.Fatalf("interrupt: status %v err %v", res.Status, err)
	}
	// Random CD is reproducible bit for bit for a seed.
	a, _ := CD(p, &Settings{Rule: Random, Seed: 7, MaxIter: 5, Tol: 1e-15})
	b, _ := CD(p, &Settings{Rule: Random, Seed: 7, MaxIter: 5, Tol: 1e-15})
	for j := range a.X {
		if a.X[j] != b.X[j] {
			t.Fatal("Random CD differs between runs with the same seed")
		}
	}
}
