package bandit

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/gomx-dev/gomx/mathx/internal/mathxtest"
	"gonum.org/v1/gonum/mat"
)

// nanMean pays finite rewards but reports a NaN mean for arm 1: the
// regret is not defined.
type nanMean struct{}

func (nanMean) Arms() int { return 2 }
func (nanMean) Mean(t, arm int) float64 {
	if arm == 1 {
		return math.NaN()
	}
	return 0.5
}
func (nanMean) Pull(t, arm int, r *rand.Rand) float64 { return 0.5 }

// TestPropertyBadInput is issue 18's property test for bandit: every
// K-armed policy against environments with all-zero or all-one means,
// one arm, identical arms, means at 1e300 and 1e-300, zero noise,
// reward tables holding NaN or +Inf, and a NaN mean, and every linear
// policy against linear bandits with duplicated actions, a zero parameter
// and features at 1e150, returns within a second without a panic;
// Failed comes with an error; a completed run has a finite regret curve,
// T pulls in all, and regret 0 where every arm is best.
func TestPropertyBadInput(t *testing.T) {
	const T = 300
	table := func(rows, k int, f func(i, j int) float64) *Sequence {
		m := mat.NewDense(rows, k, nil)
		for i := 0; i < rows; i++ {
			for j := 0; j < k; j++ {
				m.Set(i, j, f(i, j))
			}
		}
		return NewSequence(m)
	}
	envs := []struct {
		name     string
		env      Environment
		zeroRegr bool // every arm is best: the regret must stay 0
		bad      bool // non-finite data: Failed expected
	}{
		{"all zero", NewBernoulli([]float64{0, 0, 0}), true, false},
		{"all one", NewBernoulli([]float64{1, 1, 1}), true, false},
		{"one arm", NewBernoulli([]float64{0.3}), true, false},
		{"identical arms", NewGaussian([]float64{0.5, 0.5, 0.5}, []float64{0.1}), true, false},
		{"zero noise", NewGaussian([]float64{0.2, 0.8}, []float64{0}), false, false},
		{"means 1e300", NewGaussian([]float64{1e300, 2e300}, []float64{1}), false, false},
		{"means 1e-300", NewGaussian([]float64{1e-300, 2e-300}, []float64{1e-300}), false, false},
		{"NaN reward", table(5, 3, func(i, j int) float64 {
			if i == 3 && j == 0 {
				return math.NaN()
			}
			return 0.5
		}), false, true},
		{"+Inf reward", table(5, 3, func(i, j int) float64 {
			if i == 1 {
				return math.Inf(1)
			}
			return 0.5
		}), false, true},
		{"NaN mean", nanMean{}, false, true},
	}
	policies := []struct {
		name string
		mk   func(k int) Policy
	}{
		{"UCB1", func(k int) Policy { return NewUCB1(k) }},
		{"KLUCB", func(k int) Policy { return NewKLUCB(k, 0) }},
		{"UCBV", func(k int) Policy { return NewUCBV(k, 1) }},
		{"ThompsonBeta", func(k int) Policy { return NewThompsonBeta(k, 1) }},
		{"ThompsonGaussian", func(k int) Policy { return NewThompsonGaussian(k, 1, 1) }},
		{"EpsGreedy", func(k int) Policy { return NewEpsGreedy(k, 1, 0.1, 1) }},
		{"EXP3", func(k int) Policy { return NewEXP3(k, 0.1, 1) }},
		{"EXP3IX", func(k int) Policy { return NewEXP3IX(k, 0.1, 0.05, T, 1) }},
	}
	check := func(name string, env Environment, pol Policy, zeroRegr, bad bool) {
		var r *Result
		var err error
		if perr := mathxtest.Promptly(t, name, func() { r, err = Run(env, pol, T, &Settings{Seed: 1}) }); perr != nil {
			t.Errorf("%s: %v", name, perr)
			return
		}
		total := 0
		for _, n := range r.Pulls {
			total += n
		}
		finite := true
		for _, g := range r.History {
			if math.IsNaN(g) || math.IsInf(g, 0) {
				finite = false
			}
		}
		switch {
		case r.Status == Failed && err == nil:
			t.Errorf("%s: Failed without an error", name)
		case r.Status == Failed && !bad:
			t.Errorf("%s: Failed on finite data: %v", name, err)
		case r.Status == Failed:
		case bad:
			t.Errorf("%s: %v on non-finite data (regret %g)", name, r.Status, r.Regret)
		case err != nil:
			t.Errorf("%s: %v with error %v", name, r.Status, err)
		case !finite || total != T:
			t.Errorf("%s: %v with %d pulls, finite regret curve %v", name, r.Status, total, finite)
		case zeroRegr && r.Regret != 0:
			t.Errorf("%s: regret %g where every arm is best", name, r.Regret)
		}
	}
	for _, e := range envs {
		for _, p := range policies {
			check(p.name+"/"+e.name, e.env, p.mk(e.env.Arms()), e.zeroRegr, e.bad)
		}
	}
	// Linear bandits.
	dup := mat.NewDense(4, 2, []float64{1, 0, 1, 0, 0, 1, 0, 1})
	big := mat.NewDense(3, 2, []float64{1e150, 0, 0, 1e150, 1e150, 1e150})
	linEnvs := []struct {
		name     string
		x        *mat.Dense
		theta    []float64
		zeroRegr bool
	}{
		{"duplicated actions", dup, []float64{0.3, 0.7}, false},
		{"zero parameter", dup, []float64{0, 0}, true},
		// V = λI + Σ x xᵀ reaches 1e300 and V⁻¹ 1e-300: LinTS draws
		// through V's eigendecomposition instead of failing.
		{"features 1e150", big, []float64{1e-150, 2e-150}, false},
	}
	for _, e := range linEnvs {
		env := NewLinear(e.x, e.theta, nil, 0.1)
		linPolicies := []struct {
			name string
			pol  Policy
		}{
			{"LinUCB", NewLinUCB(e.x, LinearParams{})},
			{"LinTS", NewLinTS(e.x, LinearParams{}, 1)},
			{"PhasedElimination", NewPhasedElimination(e.x, 0)},
			{"SparseETC", NewSparseETC(e.x, 20, 0.1, 0, 1)},
		}
		for _, p := range linPolicies {
			check(p.name+"/"+e.name, env, p.pol, e.zeroRegr, false)
		}
	}
}

// TestPropertyHelpers covers the KL and bound helpers, Quantile,
// GOptimalDesign and Lasso on issue 18's inputs: closed forms at
// boundary values, one element, duplicated rows and scales 1e-300 to
// 1e300; NaN arguments of the scalar KL functions give NaN; bad data or
// arguments where a result would be undefined panic naming the argument.
func TestPropertyHelpers(t *testing.T) {
	inf, nan := math.Inf(1), math.NaN()
	ln2 := math.Ln2
	same := func(got, want, tol float64) bool {
		return got == want || math.IsNaN(got) && math.IsNaN(want) || math.Abs(got-want) <= tol*math.Abs(want)
	}
	values := []struct {
		name      string
		f         func() float64
		want, tol float64
	}{
		{"KL(0,0)", func() float64 { return KLBernoulli(0, 0) }, 0, 0},
		{"KL(1,1)", func() float64 { return KLBernoulli(1, 1) }, 0, 0},
		{"KL(0,1)", func() float64 { return KLBernoulli(0, 1) }, inf, 0},
		{"KL(1,0)", func() float64 { return KLBernoulli(1, 0) }, inf, 0},
		{"KL(0,½)", func() float64 { return KLBernoulli(0, 0.5) }, ln2, 1e-15},
		{"KL(1e-300,½)", func() float64 { return KLBernoulli(1e-300, 0.5) }, ln2, 1e-15},
		{"KL(NaN,½)", func() float64 { return KLBernoulli(nan, 0.5) }, nan, 0},
		{"KL(½,NaN)", func() float64 { return KLBernoulli(0.5, nan) }, nan, 0},
		{"KLUpper δ=0", func() float64 { return KLUpper(0.3, 0) }, 0.3, 0},
		{"KLUpper δ=+Inf", func() float64 { return KLUpper(0.3, inf) }, math.Nextafter(1, 0), 0},
		{"KLUpper p=1", func() float64 { return KLUpper(1, 5) }, 1, 0},
		{"KLUpper p=NaN", func() float64 { return KLUpper(nan, 1) }, nan, 0},
		{"KLUpper δ=NaN", func() float64 { return KLUpper(0.5, nan) }, nan, 0},
		{"LaiRobbins one arm", func() float64 { return LaiRobbins([]float64{0.5}) }, 0, 0},
		{"LaiRobbins identical", func() float64 { return LaiRobbins([]float64{0.5, 0.5}) }, 0, 0},
		{"LaiRobbins best 1", func() float64 { return LaiRobbins([]float64{1, 0.5}) }, 0, 0},
		{"KL(1.5,½)", func() float64 { return KLBernoulli(1.5, 0.5) }, nan, 0},
		{"LaiRobbins", func() float64 { return LaiRobbins([]float64{0.9, 0.1}) }, 0.8 / KLBernoulli(0.1, 0.9), 1e-15},
		{"UCB1Bound identical", func() float64 { return UCB1Bound([]float64{0.5, 0.5}, 100) }, 0, 0},
		{"UCB1Bound T=1", func() float64 { return UCB1Bound([]float64{1, 0}, 1) }, 1 + math.Pi*math.Pi/3, 1e-15},
		{"EXP3Rate one arm", func() float64 { return EXP3Rate(1, 10) }, 0, 0},
		{"EXP3Bound one arm", func() float64 { return EXP3Bound(1, 10) }, 0, 0},
		{"EXP3Bound", func() float64 { return EXP3Bound(2, 1) }, math.Sqrt(4 * ln2), 1e-15},
		{"Quantile one", func() float64 { return Quantile([]float64{3}, 0.7) }, 3, 0},
		{"Quantile at +Inf", func() float64 { return Quantile([]float64{1, inf}, 1) }, inf, 0},
		{"Quantile at 1 of [1 +Inf]", func() float64 { return Quantile([]float64{1, inf}, 0) }, 1, 0},
		{"Quantile toward +Inf", func() float64 { return Quantile([]float64{1, inf}, 0.5) }, inf, 0},
		{"Quantile toward -Inf", func() float64 { return Quantile([]float64{-inf, 1}, 0.5) }, -inf, 0},
		{"Quantile [+Inf +Inf]", func() float64 { return Quantile([]float64{inf, inf}, 0.3) }, inf, 0},
		{"Quantile [-Inf +Inf]", func() float64 { return Quantile([]float64{-inf, inf}, 0.5) }, nan, 0},
		{"Quantile ±1e308", func() float64 { return Quantile([]float64{-1e308, 1e308}, 0.75) }, 5e307, 1e-15},
		{"Quantile NaN", func() float64 { return Quantile([]float64{0, nan}, 0.5) }, nan, 0},
	}
	for _, c := range values {
		var got float64
		if err := mathxtest.Promptly(t, c.name, func() { got = c.f() }); err != nil {
			t.Errorf("%s: %v", c.name, err)
		} else if !same(got, c.want, c.tol) {
			t.Errorf("%s: %g, want %g", c.name, got, c.want)
		}
	}
	// KLUpper's root: kl(p, q) = δ, or q just below 1 when it is closer.
	for _, p := range []float64{0, 1e-300, 0.3, 1 - 1e-12} {
		for _, delta := range []float64{1e-300, 1e-12, 0.1, 10} {
			q := KLUpper(p, delta)
			if kl := KLBernoulli(p, q); !(q >= p && q < 1) || !(math.Abs(kl-delta) <= 1e-9*delta+1e-12 || q == math.Nextafter(1, 0)) {
				t.Errorf("KLUpper(%g, %g) = %g, kl %g", p, delta, q, kl)
			}
		}
	}
	// GOptimalDesign: the design is scale-free; g = d on a basis.
	for _, s := range []float64{1e-300, 1e-150, 1, 1e150, 1e300} {
		x := mat.NewDense(3, 2, []float64{s, 0, s, 0, 0, s}) // duplicated first action
		var pi []float64
		var g float64
		name := fmt.Sprintf("GOptimalDesign at %g", s)
		if err := mathxtest.Promptly(t, name, func() { pi, g = GOptimalDesign(x, nil, 0, 0) }); err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if !(g >= 2-1e-6 && g <= 2*1.01) || !same(pi[0]+pi[1], 0.5, 0.02) || !same(pi[0]+pi[1]+pi[2], 1, 1e-12) {
			t.Errorf("%s: π %v, g %g; want g ≈ 2 and half the mass on the duplicated action", name, pi, g)
		}
	}
	if pi, g := GOptimalDesign(mat.NewDense(1, 2, []float64{3, 4}), nil, 0, 0); pi[0] != 1 || !same(g, 1, 1e-6) {
		t.Errorf("GOptimalDesign on one action: π %v, g %g; want [1], 1", pi, g)
	}
	if pi, g := GOptimalDesign(mat.NewDense(2, 2, nil), nil, 0, 0); pi[0] != 0.5 || g != 0 {
		t.Errorf("GOptimalDesign on zero actions: π %v, g %g; want uniform, 0", pi, g)
	}
	if pi, _ := GOptimalDesign(mat.NewDense(2, 1, []float64{nan, 1}), []bool{false, true}, 0, 0); pi[1] != 1 {
		t.Errorf("GOptimalDesign with an inactive NaN action: π %v", pi)
	}
	// Lasso on X = s·I (n = 2), y = sy·(1, −3), λ = s·sy/2: θ = (0, −2·sy/s).
	for _, sc := range [][2]float64{{1, 1}, {1e150, 1e150}, {1e-150, 1e-150}, {1e200, 1}, {1e-200, 1e-100}, {1, 1e300}} {
		s, sy := sc[0], sc[1]
		x := mat.NewDense(2, 2, []float64{s, 0, 0, s})
		var theta []float64
		name := fmt.Sprintf("Lasso at X %g, y %g", s, sy)
		if err := mathxtest.Promptly(t, name, func() { theta, _ = Lasso(x, []float64{sy, -3 * sy}, s*sy/2) }); err != nil {
			t.Errorf("%s: %v", name, err)
		} else if want := -2 * sy / s; theta[0] != 0 || !same(theta[1], want, 1e-12) {
			t.Errorf("%s: θ %v, want [0 %g]", name, theta, want)
		}
	}
	lassoCases := []struct {
		name   string
		x      *mat.Dense
		y      []float64
		lambda float64
		want   []float64
	}{
		{"one element", mat.NewDense(1, 1, []float64{2}), []float64{4}, 1, []float64{1.75}},
		{"duplicated rows", mat.NewDense(2, 1, []float64{1, 1}), []float64{1, 3}, 0, []float64{2}},
		{"zero column", mat.NewDense(2, 2, []float64{0, 1, 0, 1}), []float64{1, 1}, 0, []float64{0, 1}},
		{"zero y", mat.NewDense(2, 1, []float64{1, 2}), []float64{0, 0}, 0.1, []float64{0}},
		{"λ = +Inf", mat.NewDense(2, 1, []float64{1, 2}), []float64{1, 2}, inf, []float64{0}},
	}
	for _, c := range lassoCases {
		var theta []float64
		if err := mathxtest.Promptly(t, "Lasso "+c.name, func() { theta, _ = Lasso(c.x, c.y, c.lambda) }); err != nil {
			t.Errorf("Lasso %s: %v", c.name, err)
			continue
		}
		for j, w := range c.want {
			if !same(theta[j], w, 1e-9) {
				t.Errorf("Lasso %s: θ %v, want %v", c.name, theta, c.want)
			}
		}
	}
	panics := []struct {
		name string
		f    func()
		want string
	}{
		{"LaiRobbins NaN", func() { LaiRobbins([]float64{0.5, nan}) }, "means[1] = NaN"},
		{"LaiRobbins > 1", func() { LaiRobbins([]float64{1.5}) }, "means[0] = 1.5"},
		{"UCB1Bound empty", func() { UCB1Bound(nil, 10) }, "no arms"},
		{"UCB1Bound T", func() { UCB1Bound([]float64{0.5}, 0) }, "T = 0"},
		{"UCB1Bound +Inf", func() { UCB1Bound([]float64{inf}, 5) }, "means[0] = +Inf"},
		{"EXP3Rate k", func() { EXP3Rate(0, 10) }, "k = 0"},
		{"EXP3Bound horizon", func() { EXP3Bound(3, 0) }, "horizon = 0"},
		{"Quantile empty", func() { Quantile(nil, 0.5) }, "0 values"},
		{"Quantile q", func() { Quantile([]float64{1}, nan) }, "q = NaN"},
		{"GOptimalDesign NaN", func() { GOptimalDesign(mat.NewDense(2, 1, []float64{1, nan}), nil, 0, 0) }, "x[1,0] = NaN"},
		{"GOptimalDesign +Inf", func() { GOptimalDesign(mat.NewDense(1, 2, []float64{0, inf}), nil, 0, 0) }, "x[0,1] = +Inf"},
		{"GOptimalDesign none", func() { GOptimalDesign(mat.NewDense(1, 1, []float64{1}), []bool{false}, 0, 0) }, "no active"},
		{"Lasso NaN X", func() { Lasso(mat.NewDense(2, 1, []float64{1, nan}), []float64{1, 1}, 0) }, "X[1,0] = NaN"},
		{"Lasso Inf y", func() { Lasso(mat.NewDense(2, 1, []float64{1, 1}), []float64{inf, 1}, 0) }, "y[0] = +Inf"},
		{"Lasso λ", func() { Lasso(mat.NewDense(1, 1, []float64{1}), []float64{1}, nan) }, "lambda NaN"},
		{"Lasso shapes", func() { Lasso(mat.NewDense(2, 1, nil), []float64{1}, 0) }, "len(y) 1"},
	}
	for _, c := range panics {
		if err := mathxtest.Promptly(t, c.name, c.f); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want a panic naming %q", c.name, err, c.want)
		}
	}
}

// TestPropertySimulate: Simulate and Grid over good environments give
// Converged with finite summaries; a run on an environment with a NaN
// mean makes the cell Failed with an error naming it, in Simulate and in
// Grid, where the good cell still completes; T < 1 panics naming T.
func TestPropertySimulate(t *testing.T) {
	ucb := func(seed uint64) Policy { return NewUCB1(2) }
	good := NewBernoulli([]float64{0.2, 0.8})
	set := &Settings{Runs: 3, Workers: 2, Seed: 1}
	var res *SimResult
	var err error
	if p := mathxtest.Promptly(t, "Simulate good", func() { res, err = Simulate(good, ucb, 200, set) }); p != nil || err != nil || res.Status != Converged || res.Runs != 3 {
		t.Fatalf("Simulate on a good environment: %v, %v", p, err)
	}
	for _, curve := range [][]float64{res.Mean, res.Median, res.Lower, res.Upper} {
		if len(curve) == 0 || !isFinite(curve) {
			t.Errorf("Simulate: a summary curve is %v", curve)
		}
	}
	if p := mathxtest.Promptly(t, "Simulate NaN mean", func() { res, err = Simulate(nanMean{}, ucb, 200, set) }); p != nil || err == nil || res.Status != Failed {
		t.Errorf("Simulate on a NaN mean: %v, %v, want Failed with an error", p, err)
	}
	var grid [][]*SimResult
	if p := mathxtest.Promptly(t, "Grid", func() { grid, err = Grid([]Environment{good, nanMean{}}, []PolicyFactory{ucb}, 200, set) }); p != nil || err == nil {
		t.Fatalf("Grid with a NaN mean: %v, %v, want an error", p, err)
	}
	if !strings.Contains(err.Error(), "environment 1, policy 0") {
		t.Errorf("Grid's error %q does not name the failing pair", err)
	}
	if grid[0][0] == nil || grid[0][0].Status != Converged || !isFinite(grid[0][0].Mean) {
		t.Errorf("Grid: the good cell is %+v", grid[0][0])
	}
	if grid[1][0] == nil || grid[1][0].Status != Failed {
		t.Errorf("Grid: the NaN-mean cell is %+v, want Failed", grid[1][0])
	}
	for name, f := range map[string]func(){
		"Simulate T": func() { Simulate(good, ucb, 0, nil) },
		"Grid T":     func() { Grid([]Environment{good}, []PolicyFactory{ucb}, -1, nil) },
	} {
		if err := mathxtest.Promptly(t, name, f); err == nil || !strings.Contains(err.Error(), "T = ") {
			t.Errorf("%s: %v, want a panic naming T", name, err)
		}
	}
}

func isFinite(x []float64) bool {
	for _, v := range x {
		if v-v != 0 {
			return false
		}
	}
	return true
}

// TestPropertyPolicies is the policies' side of the bad-input contract:
// Select never panics, whatever finite rewards came before (0, ±1e300)
// and whatever the actions (one action, duplicated rows, all zero, one
// feature, scales 2⁻⁹⁹⁰ to 2⁹⁹⁰); a NaN or ±Inf reward or an arm out of
// range given to Update, and NaN or infinite parameters or actions given
// to a constructor, panic naming the argument.
func TestPropertyPolicies(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	x := mat.NewDense(3, 2, []float64{1, 0, 0, 1, 1, 1})
	kArmed := map[string]func(k int) Policy{
		"UCB1":             func(k int) Policy { return NewUCB1(k) },
		"KLUCB":            func(k int) Policy { return NewKLUCB(k, 0) },
		"UCBV":             func(k int) Policy { return NewUCBV(k, 1) },
		"ThompsonBeta":     func(k int) Policy { return NewThompsonBeta(k, 1) },
		"ThompsonGaussian": func(k int) Policy { return NewThompsonGaussian(k, 1, 1) },
		"EpsGreedy":        func(k int) Policy { return NewEpsGreedy(k, 1, 0.1, 1) },
		"EXP3":             func(k int) Policy { return NewEXP3(k, 0.1, 1) },
	}
	linear := map[string]func(x *mat.Dense) Policy{
		"LinUCB":            func(x *mat.Dense) Policy { return NewLinUCB(x, LinearParams{}) },
		"LinTS":             func(x *mat.Dense) Policy { return NewLinTS(x, LinearParams{}, 1) },
		"PhasedElimination": func(x *mat.Dense) Policy { return NewPhasedElimination(x, 0) },
		"SparseETC":         func(x *mat.Dense) Policy { return NewSparseETC(x, 5, 1, 0, 1) },
	}
	// Select then Update for 200 rounds, rewards from a fixed cycle.
	play := func(name string, p Policy, k int, rewards []float64) {
		err := mathxtest.Promptly(t, name, func() {
			for t := 1; t <= 200; t++ {
				a := p.Select(t)
				if a < 0 || a >= k {
					panic(fmt.Sprintf("Select(%d) = %d, want 0..%d", t, a, k-1))
				}
				p.Update(a, rewards[t%len(rewards)])
			}
		})
		if err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	cycles := map[string][]float64{"zero": {0}, "±1e300": {1e300, -1e300, 1e300}, "0 and 1": {0, 1, 1}}
	for pn, mk := range kArmed {
		for cn, c := range cycles {
			for _, k := range []int{1, 3} {
				play(fmt.Sprintf("%s/%s/k=%d", pn, cn, k), mk(k), k, c)
			}
		}
	}
	actions := map[string]*mat.Dense{
		"one action":  mat.NewDense(1, 2, []float64{1, 2}),
		"duplicated":  mat.NewDense(3, 2, []float64{1, 2, 1, 2, 1, 2}),
		"all zero":    mat.NewDense(3, 2, nil),
		"one feature": mat.NewDense(3, 1, []float64{-1, 0, 1}),
		"2^-990":      scaled(x, -990),
		"2^990":       scaled(x, 990),
	}
	for pn, mk := range linear {
		for an, a := range actions {
			k, _ := a.Dims()
			for cn, c := range cycles {
				if strings.HasPrefix(pn, "Lin") && (an == "2^990" || cn == "±1e300") ||
					pn == "SparseETC" && an == "2^-990" && cn == "±1e300" {
					continue // V, b or θ̂ overflows: Update fails, below
				}
				play(fmt.Sprintf("%s/%s/%s", pn, an, cn), mk(a), k, c)
			}
		}
	}
	// LinUCB and LinTS keep V = λI + Σ x xᵀ and b = Σ r x: beyond the
	// range of floats Update panics naming them (Run: Failed), and Select
	// is never reached with an overflowed state.
	for _, pn := range []string{"LinUCB", "LinTS"} {
		for _, c := range []struct {
			x *mat.Dense
			r float64
		}{{scaled(x, 990), 0.5}, {x, 1e308}} {
			p := linear[pn](c.x)
			err := mathxtest.Promptly(t, pn, func() {
				for t := 1; t <= 5; t++ {
					p.Update(p.Select(t), c.r)
				}
			})
			if err == nil || !strings.Contains(err.Error(), "overflows") {
				t.Errorf("%s with V or b beyond 1e308: %v, want a panic saying it overflows", pn, err)
			}
		}
	}
	// Rewards 1e300 on features 2⁻⁹⁹⁰: the Lasso estimate is beyond 1e308.
	etc := NewSparseETC(actions["2^-990"], 5, 1, 0, 1)
	err := mathxtest.Promptly(t, "SparseETC", func() {
		for t := 1; t <= 5; t++ {
			etc.Update(etc.Select(t), 1e300)
		}
	})
	if err == nil || !strings.Contains(err.Error(), "overflow") {
		t.Errorf("SparseETC with θ̂ beyond 1e308: %v, want a panic saying it overflows", err)
	}
	panics := []struct {
		name, want string
		f          func()
	}{
		{"EpsGreedy c", "c = NaN", func() { NewEpsGreedy(2, nan, 0, 1) }},
		{"EpsGreedy d", "d = NaN", func() { NewEpsGreedy(2, 0, nan, 1) }},
		{"UCBV b", "b = +Inf", func() { NewUCBV(2, inf) }},
		{"KLUCB c", "c = NaN", func() { NewKLUCB(2, nan) }},
		{"ThompsonGaussian sigma", "sigma = NaN", func() { NewThompsonGaussian(2, nan, 1) }},
		{"EXP3 eta", "eta = +Inf", func() { NewEXP3(2, inf, 1) }},
		{"EXP3IX gamma", "gamma = NaN", func() { NewEXP3IX(2, 0.1, nan, 10, 1) }},
		{"LinUCB Lambda", "LinearParams.Lambda = NaN", func() { NewLinUCB(x, LinearParams{Lambda: nan}) }},
		{"LinTS Alpha", "LinearParams.Alpha = +Inf", func() { NewLinTS(x, LinearParams{Alpha: inf}, 1) }},
		{"LinTS X", "X[1,0] = NaN", func() { NewLinTS(mat.NewDense(2, 1, []float64{1, nan}), LinearParams{}, 1) }},
		{"PhasedElimination X", "X[0,0] = +Inf", func() { NewPhasedElimination(mat.NewDense(1, 1, []float64{inf}), 0) }},
		{"PhasedElimination delta", "delta = NaN", func() { NewPhasedElimination(x, nan) }},
		{"SparseETC X", "X[0,1] = NaN", func() { NewSparseETC(mat.NewDense(1, 2, []float64{0, nan}), 1, 0, 0, 1) }},
		{"SparseETC lambda", "lambda = NaN", func() { NewSparseETC(x, 1, 0, nan, 1) }},
	}
	for pn, mk := range kArmed {
		for _, r := range []float64{nan, inf, -inf} {
			panics = append(panics, struct {
				name, want string
				f          func()
			}{pn + " reward", fmt.Sprintf("reward = %v", r), func() { p := mk(2); p.Update(p.Select(1), r) }})
		}
		panics = append(panics, struct {
			name, want string
			f          func()
		}{pn + " arm", "arm = 2", func() { mk(2).Update(2, 0.5) }})
	}
	for pn, mk := range linear {
		panics = append(panics, struct {
			name, want string
			f          func()
		}{pn + " reward", "reward = NaN", func() { p := mk(x); p.Update(p.Select(1), nan) }},
			struct {
				name, want string
				f          func()
			}{pn + " arm", "arm = -1", func() { mk(x).Update(-1, 0.5) }})
	}
	for _, c := range panics {
		if err := mathxtest.Promptly(t, c.name, c.f); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want a panic naming %q", c.name, err, c.want)
		}
	}
}

// TestPropertyEliminationScale: phased elimination depends on the actions
// only through the design and the predicted rewards, so on X·2ᵉ with
// θ·2⁻ᵉ (the same rewards, bit for bit) it pulls exactly as on X, for e
// from −990 to 990; LinTS at features 1e150 (V⁻¹ near 1e-300, where the
// Cholesky factorisation of V⁻¹ fails) completes and plays the best arm
// in most rounds.
func TestPropertyEliminationScale(t *testing.T) {
	x := mat.NewDense(4, 2, []float64{1, 0, 0, 1, 0.7, 0.7, -1, 0.5})
	theta := []float64{0.3, 0.5}
	run := func(e int) []int {
		th := []float64{math.Ldexp(theta[0], -e), math.Ldexp(theta[1], -e)}
		r, err := Run(NewLinear(scaled(x, e), th, nil, 0.1), NewPhasedElimination(scaled(x, e), 0.01), 3000, &Settings{Seed: 3})
		if err != nil || r.Status != Converged {
			t.Fatalf("e = %d: %v, %v", e, r.Status, err)
		}
		return r.Pulls
	}
	want := run(0)
	for _, e := range []int{-990, -500, -101, 101, 500, 990} {
		if got := run(e); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("PhasedElimination on X·2^%d pulls %v, on X %v", e, got, want)
		}
	}
	big := mat.NewDense(3, 2, []float64{1e150, 0, 0, 1e150, 1e150, 1e150})
	r, err := Run(NewLinear(big, []float64{1e-150, 2e-150}, nil, 0.1), NewLinTS(big, LinearParams{}, 1), 1000, &Settings{Seed: 1})
	if err != nil || r.Status != Converged || r.Pulls[2] < 900 {
		t.Errorf("LinTS at features 1e150: %v, %v, pulls %v, want Converged with the best arm (2) in ≥ 900 rounds", r.Status, err, r.Pulls)
	}
}

// scaled returns x·2ᵉ.
func scaled(x *mat.Dense, e int) *mat.Dense {
	r, c := x.Dims()
	s := mat.NewDense(r, c, nil)
	s.Apply(func(_, _ int, v float64) float64 { return math.Ldexp(v, e) }, x)
	return s
}

// TestPropertyAccessors covers the environments NewOblivious and
// NewSparseLinear and the policies' accessors against closed forms at
// their boundary values: all-0 and all-1 oblivious means, one action of
// one feature, the ridge state before and after one update, EXP3's
// distribution after losses of 1e300, phased elimination and sparse ETC
// before and after their first decisions; bad arguments panic naming
// them.
func TestPropertyAccessors(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	for _, v := range []float64{0, 1} {
		o := NewOblivious(mat.NewDense(2, 3, []float64{v, v, v, v, v, v}), 4, 1)
		for tt := 1; tt <= 20; tt++ {
			for a := 0; a < o.Arms(); a++ {
				if m, p := o.Mean(tt, a), o.Pull(tt, a, nil); m != v || p != v {
					t.Fatalf("Oblivious with means %g: round %d arm %d: Mean %g, Pull %g", v, tt, a, m, p)
				}
			}
		}
	}
	if o := NewOblivious(mat.NewDense(1, 2, []float64{0.5, 0.5}), 1, 3); o.Arms() != 2 {
		t.Errorf("Oblivious.Arms: %d", o.Arms())
	}
	for _, eps := range []float64{0, 0.25, 1e300} {
		l := NewSparseLinear(1, 1, 1, eps, 0, 7)
		x, th := l.X.At(0, 0), l.Theta[0]
		if math.Abs(x) != 1 || math.Abs(th) != 1 || math.Abs(l.Eps[0]) != eps || l.Mean(1, 0) != x*th+l.Eps[0] {
			t.Errorf("NewSparseLinear(1, 1, 1, %g): x %g, θ %g, ε %g, mean %g", eps, x, th, l.Eps[0], l.Mean(1, 0))
		}
	}
	l := NewSparseLinear(50, 8, 3, 0.1, 0, 2)
	nz, norm := 0, 0.0
	for _, v := range l.Theta {
		if v != 0 {
			nz++
			norm += v * v
		}
	}
	if nz != 3 || math.Abs(norm-1) > 1e-15 {
		t.Errorf("NewSparseLinear: θ has %d non-zero entries and squared norm %g, want 3 and 1", nz, norm)
	}

	e := NewEXP3(3, 0.5, 1)
	if p := e.Probabilities(); p[0] != 1.0/3 || p[1] != 1.0/3 || p[2] != 1.0/3 {
		t.Errorf("EXP3.Probabilities at the start: %v", p)
	}
	e.Update(1, 0) // loss 1 over P = 1/3: L̂ = (0, 3, 0)
	want := 1 / (2 + math.Exp(-1.5))
	if p := e.Probabilities(); math.Abs(p[0]-want) > 1e-15 || math.Abs(p[1]-math.Exp(-1.5)*want) > 1e-15 {
		t.Errorf("EXP3.Probabilities after a loss of 1 on arm 1: %v, want [%g %g %g]", p, want, math.Exp(-1.5)*want, want)
	}
	for i := 0; i < 5; i++ {
		e.Update(i%3, -1e300) // losses 1e300 on every arm in turn
	}
	p := e.Probabilities()
	if s := p[0] + p[1] + p[2]; !isFinite(p) || math.Abs(s-1) > 1e-15 {
		t.Errorf("EXP3.Probabilities after losses of 1e300: %v (sum %g)", p, s)
	}

	x := mat.NewDense(2, 2, []float64{1, 0, 0, 2})
	u := NewLinUCB(x, LinearParams{Lambda: 2})
	if b := u.Beta(); math.Abs(b-(math.Sqrt(2*math.Log(100))+math.Sqrt(2))) > 1e-15 {
		t.Errorf("LinUCB.Beta before any update: %g", b)
	}
	if b := NewLinUCB(x, LinearParams{Alpha: 0.3}).Beta(); b != 0.3 {
		t.Errorf("LinUCB.Beta with Alpha 0.3: %g", b)
	}
	u.Update(0, 3) // V = diag(3, 2), b = (3, 0)
	g, inv, th, w := u.Gram(), u.Inverse(), u.Theta(), u.Widths()
	if g.At(0, 0) != 3 || g.At(1, 1) != 2 || g.At(0, 1) != 0 || math.Abs(inv.At(0, 0)-1.0/3) > 1e-16 || inv.At(1, 1) != 0.5 ||
		math.Abs(th[0]-1) > 1e-15 || th[1] != 0 || math.Abs(w[0]-1.0/3) > 1e-16 || w[1] != 2 {
		t.Errorf("LinUCB after one update: Gram %v, Inverse %v, Theta %v, Widths %v", mat.Formatted(g), mat.Formatted(inv), th, w)
	}

	pe := NewPhasedElimination(x, 0.1)
	if pe.Phase() != 1 || fmt.Sprint(pe.Active()) != "[0 1]" || pe.Recommend() != 0 {
		t.Errorf("PhasedElimination at the start: phase %d, active %v, recommend %d", pe.Phase(), pe.Active(), pe.Recommend())
	}
	// Arm 1 pays 2, arm 0 nothing: a gap of 2 > 2ε₁ = 1, so arm 0 is out
	// after the first phase.
	for tt := 1; pe.Phase() == 1; tt++ {
		a := pe.Select(tt)
		pe.Update(a, 2*float64(a))
	}
	if pe.Phase() != 2 || fmt.Sprint(pe.Active()) != "[1]" || pe.Recommend() != 1 {
		t.Errorf("PhasedElimination after phase 1: phase %d, active %v, recommend %d", pe.Phase(), pe.Active(), pe.Recommend())
	}

	etc := NewSparseETC(x, 4, 1, 0.5, 1)
	if etc.Committed() != -1 || etc.Estimate() != nil || etc.Lambda() != 0.5 {
		t.Errorf("SparseETC while exploring: committed %d, estimate %v, lambda %g", etc.Committed(), etc.Estimate(), etc.Lambda())
	}
	for tt := 1; tt <= 4; tt++ {
		etc.Update(etc.Select(tt), 0) // zero rewards: the Lasso gives θ = 0
	}
	if est := etc.Estimate(); etc.Committed() != 0 || len(est) != 2 || est[0] != 0 || est[1] != 0 {
		t.Errorf("SparseETC after zero rewards: committed %d, estimate %v; want 0 and [0 0]", etc.Committed(), est)
	}

	for _, c := range []struct {
		name, want string
		f          func()
	}{
		{"NewOblivious NaN", "means[0][1] = NaN", func() { NewOblivious(mat.NewDense(1, 2, []float64{0, nan}), 1, 0) }},
		{"NewOblivious > 1", "means[0][0] = 1.5", func() { NewOblivious(mat.NewDense(1, 1, []float64{1.5}), 1, 0) }},
		{"NewOblivious phaseLen", "phaseLen 0", func() { NewOblivious(mat.NewDense(1, 1, []float64{1}), 0, 0) }},
		{"NewSparseLinear s > d", "s 3", func() { NewSparseLinear(2, 2, 3, 0, 0, 0) }},
		{"NewSparseLinear eps", "eps NaN", func() { NewSparseLinear(2, 2, 1, nan, 0, 0) }},
		{"NewSparseLinear sigma", "sigma +Inf", func() { NewSparseLinear(2, 2, 1, 0, inf, 0) }},
	} {
		if err := mathxtest.Promptly(t, c.name, c.f); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want a panic naming %q", c.name, err, c.want)
		}
	}
}
