package bandit

import (
	"math"
	"sort"
	"testing"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// TestGOptimalDesign checks the Kiefer–Wolfowitz theorem: the G-optimal
// value equals the dimension of the actions' span, on the cube's vertices
// (design uniform by symmetry), random sphere points, and actions in a
// 2-dimensional subspace of R^4.
func TestGOptimalDesign(t *testing.T) {
	cube := mat.NewDense(8, 3, nil)
	for a := 0; a < 8; a++ {
		for j := 0; j < 3; j++ {
			cube.Set(a, j, float64(2*((a>>j)&1)-1))
		}
	}
	flat := mat.NewDense(6, 4, nil)
	for a := 0; a < 6; a++ {
		c, s := math.Cos(float64(a)), math.Sin(float64(a))
		flat.SetRow(a, []float64{c, s, c + s, c - s})
	}
	cases := []struct {
		name string
		x    mat.Matrix
		rank float64
	}{
		{"cube", cube, 3},
		{"sphere-50x6", NewSparseLinear(50, 6, 6, 0, 0, 4).X, 6},
		{"subspace-2-in-4", flat, 2},
	}
	for _, c := range cases {
		pi, g := GOptimalDesign(c.x, nil, 0.001, 0)
		if math.Abs(floats.Sum(pi)-1) > 1e-12 || floats.Min(pi) < 0 {
			t.Errorf("%s: π = %v is not a probability vector", c.name, pi)
		}
		if g < c.rank-1e-6 || g > c.rank*1.001+1e-6 {
			t.Errorf("%s: g(π) = %v, want the span dimension %v (tol 0.1%%)", c.name, g, c.rank)
		}
		if c.name == "cube" {
			for _, p := range pi {
				if math.Abs(p-0.125) > 1e-9 {
					t.Errorf("cube: π = %v, want uniform", pi)
					break
				}
			}
		}
	}
}

// plantedMisspecified returns a linear bandit on random sphere actions
// with an s-sparse θ whose misspecification is planted against the
// learner: the linearly best action loses eps and every action within 2eps
// of it gains eps, so the best action under the true means is not the
// linear model's.
func plantedMisspecified(k, d, s int, eps, sigma float64, seed uint64) *Linear {
	base := NewSparseLinear(k, d, s, 0, sigma, seed)
	lin := make([]float64, k)
	best := 0
	for a := range lin {
		lin[a] = base.Mean(1, a)
		if lin[a] > lin[best] {
			best = a
		}
	}
	e := make([]float64, k)
	for a := range e {
		if lin[best]-lin[a] < 2*eps {
			e[a] = eps
		}
	}
	e[best] = -eps
	return NewLinear(base.X, base.Theta, e, sigma)
}

// gap returns max_a Mean(a) − Mean(arm).
func gap(env *Linear, arm int) float64 {
	best := math.Inf(-1)
	for a := 0; a < env.Arms(); a++ {
		best = math.Max(best, env.Mean(1, a))
	}
	return best - env.Mean(1, arm)
}

// TestPhasedEliminationMisspecified checks phased elimination with a
// G-optimal design under misspecification (Lattimore & Szepesvári,
// "Bandit Algorithms", 2020, ch. 22; Lattimore, Szepesvári & Weisz 2020
// for the ε·sqrt(d) floor): on planted
// ε-misspecified instances (K = 40, d = 8, ε = 0.03, σ = 0.1) the action
// phased elimination recommends after 6·10⁴ rounds has suboptimality
// ≤ 2·ε·sqrt(d) in the median over 12 instances and seeds, and ≤ 2ε_L +
// 2·ε·sqrt(d) in every one (ε_L the last finished phase's accuracy).
// Uniform recommendation would be off by about 0.5.
func TestPhasedEliminationMisspecified(t *testing.T) {
	const (
		k, d, T = 40, 8, 60000
		eps     = 0.03
	)
	limit := 2 * eps * math.Sqrt(d)
	var gaps []float64
	for i := 0; i < 12; i++ {
		env := plantedMisspecified(k, d, 3, eps, 0.1, uint64(100+i))
		p := NewPhasedElimination(env.X, 1.0/T)
		res, err := Run(env, p, T, &Settings{Seed: uint64(i)})
		if err != nil || res.Status != Converged {
			t.Fatal(res.Status, err)
		}
		g := gap(env, p.Recommend())
		gaps = append(gaps, g)
		if epsL := math.Ldexp(1, -(p.Phase() - 1)); g > 2*epsL+limit {
			t.Errorf("instance %d: suboptimality %.4f > 2ε_L + 2ε√d = %.4f (phase %d, %d active)", i, g, 2*epsL+limit, p.Phase(), len(p.Active()))
		}
		if i == 0 {
			t.Logf("instance 0: phase %d, %d active, regret %.1f, suboptimality %.4f", p.Phase(), len(p.Active()), res.Regret, g)
		}
	}
	sort.Float64s(gaps)
	med := Quantile(gaps, 0.5)
	t.Logf("median suboptimality %.4f, max %.4f, limit 2ε√d = %.4f", med, gaps[len(gaps)-1], limit)
	if !(med <= limit) {
		t.Errorf("median suboptimality %.4f > 2ε√d = %.4f", med, limit)
	}
}

// TestLassoKKT checks the Lasso's optimality conditions on a random design
// (|X_jᵀr/n| ≤ λ where θ_j = 0, X_jᵀr/n = λ sign θ_j elsewhere, to 1e-8)
// and the closed form soft(Xᵀy/n, λ) on an orthogonal design.
func TestLassoKKT(t *testing.T) {
	env := NewSparseLinear(60, 12, 3, 0, 0.1, 5)
	rng := newPolicyRand(2)
	y := make([]float64, 60)
	for a := range y {
		y[a] = env.Pull(1, a, rng)
	}
	for _, lambda := range []float64{0.001, 0.02, 0.1} {
		theta, sweeps := Lasso(env.X, y, lambda)
		var fit mat.VecDense
		fit.MulVec(env.X, mat.NewVecDense(12, theta))
		r := mat.NewVecDense(60, nil)
		r.SubVec(mat.NewVecDense(60, y), &fit)
		nz := 0
		for j := 0; j < 12; j++ {
			c := mat.Dot(env.X.ColView(j), r) / 60
			switch {
			case theta[j] == 0:
				if math.Abs(c) > lambda+1e-8 {
					t.Errorf("λ=%v: θ_%d = 0 but |X_jᵀr/n| = %v > λ", lambda, j, math.Abs(c))
				}
			default:
				nz++
				if math.Abs(c-lambda*math.Copysign(1, theta[j])) > 1e-8 {
					t.Errorf("λ=%v: θ_%d = %v but X_jᵀr/n = %v", lambda, j, theta[j], c)
				}
			}
		}
		t.Logf("λ=%v: %d non-zeros, %d sweeps", lambda, nz, sweeps)
	}
	// Orthogonal design: X = sqrt(n)·[I; 0] rows, so XᵀX/n = I.
	n := 5
	x := mat.NewDense(n, 3, nil)
	for j := 0; j < 3; j++ {
		x.Set(j, j, math.Sqrt(float64(n)))
	}
	yo := []float64{0.9, -0.05, 0.3, 7, -2}
	theta, _ := Lasso(x, yo, 0.2)
	for j := 0; j < 3; j++ {
		z := yo[j] * math.Sqrt(float64(n)) / float64(n)
		want := math.Copysign(math.Max(math.Abs(z)-0.2, 0), z)
		if math.Abs(theta[j]-want) > 1e-12 {
			t.Errorf("orthogonal design: θ_%d = %v, want %v", j, theta[j], want)
		}
	}
}

// TestSparseETC checks sparse explore-then-commit (K = 100, d = 20, s = 2,
// ε = 0.02 planted, σ = 0.1, 1500 exploration rounds) over 20 instances:
// the Lasso's s largest coordinates are the true support in at least 18,
// and the committed action's suboptimality is ≤ 4·ε·sqrt(s) in the median.
func TestSparseETC(t *testing.T) {
	const (
		k, d, s = 100, 20, 2
		eps     = 0.02
	)
	limit := 4 * eps * math.Sqrt(s)
	recovered := 0
	var gaps []float64
	for i := 0; i < 20; i++ {
		env := plantedMisspecified(k, d, s, eps, 0.1, uint64(300+i))
		p := NewSparseETC(env.X, 1500, 0.1, 0, uint64(i))
		if _, err := Run(env, p, 2000, &Settings{Seed: uint64(i)}); err != nil {
			t.Fatal(err)
		}
		est := p.Estimate()
		idx := make([]int, d)
		for j := range idx {
			idx[j] = j
		}
		sort.SliceStable(idx, func(a, b int) bool { return math.Abs(est[idx[a]]) > math.Abs(est[idx[b]]) })
		ok := true
		for _, j := range idx[:s] {
			if env.Theta[j] == 0 {
				ok = false
			}
		}
		if ok {
			recovered++
		}
		gaps = append(gaps, gap(env, p.Committed()))
	}
	sort.Float64s(gaps)
	med := Quantile(gaps, 0.5)
	t.Logf("support recovered %d/20, median suboptimality %.4f (limit %.4f), max %.4f", recovered, med, limit, gaps[19])
	if recovered < 18 {
		t.Errorf("support recovered in %d of 20 instances, want ≥ 18", recovered)
	}
	if !(med <= limit) {
		t.Errorf("median suboptimality %.4f > 4ε√s = %.4f", med, limit)
	}
}
