package online

import (
	"math"
	"sort"
	"testing"

	"gonum.org/v1/gonum/stat"
)

// drift is a slowly changing sequence of linear losses:
// g_t(i) = b_i + a·cos(2π t/P + φ_i) + σ ξ_t(i), with random phases φ_i,
// biases b_i = ±(0.5 + 0.5u) (random sign, u uniform), amplitude a and
// fixed pseudo-random standard normal ξ_t(i).
type drift struct {
	phi, b           []float64
	period, a, sigma float64
	seed             uint64
}

func newDrift(d int, period, a, sigma float64, seed uint64) *drift {
	q := &drift{phi: make([]float64, d), b: make([]float64, d), period: period, a: a, sigma: sigma, seed: seed}
	for i := range q.phi {
		q.phi[i] = 2 * math.Pi * hashUniform(seed, i)
		q.b[i] = 0.5 + 0.5*hashUniform(seed+1, i)
		if hashUniform(seed+2, i) < 0.5 {
			q.b[i] = -q.b[i]
		}
	}
	return q
}

func hashUniform(seed uint64, i int) float64 {
	return float64(splitmix64(seed^splitmix64(uint64(i)))>>11) * (1.0 / (1 << 53))
}

func (q *drift) Dim() int { return len(q.phi) }

func (q *drift) grad(t int, g []float64) {
	for i := range g {
		g[i] = q.b[i] + q.a*math.Cos(2*math.Pi*float64(t)/q.period+q.phi[i]) + q.sigma*hashNormal(q.seed, t, i)
	}
}

func (q *drift) Loss(t int, x, g []float64) float64 {
	q.grad(t, g)
	v := 0.0
	for i := range g {
		v += g[i] * x[i]
	}
	return v
}

// best returns the best fixed point in hindsight over T rounds.
func (q *drift) best(dom Domain, T int) []float64 {
	d := q.Dim()
	sum, g := make([]float64, d), make([]float64, d)
	for t := 1; t <= T; t++ {
		q.grad(t, g)
		for i := range g {
			sum[i] += g[i]
		}
	}
	x := make([]float64, d)
	dom.Minimize(sum, x)
	return x
}

func median(v []float64) float64 {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	return stat.Quantile(0.5, stat.LinInterp, s, nil)
}

// TestOptimisticHints checks what optimistic hints buy on slowly changing
// noisy linear losses (d = 5, drift amplitude 0.05 with period T/2, noise
// σ = 1, T = 10⁴, 20 seeds), for OMD (and FTRL, which shares the hint
// path) on the ball, the box and the simplex (Euclidean) and the simplex
// (Entropic), adaptive steps, against plain OMD (FTRL) on the same
// sequence, as ratios of median realised regrets:
//   - LearnedHint: exact hints (M_t = g_t) ≤ 0.5×, adversarial hints
//     (M_t = −g_t) ≤ 2×;
//   - FullHint (the algorithm Chen et al. 2023 analyse, arXiv 2302.04552):
//     exact hints ≤ 0.5×; adversarial hints only have their certified
//     Bound within 2.05× of plain OMD's bound (Euclidean;
//     ‖g − M‖² = 4‖g‖², the 0.05 is δ's effect), while
//     their realised regret is several times plain's (logged): plain's
//     realised regret is far below its bound on this easy sequence.
//
// Every run's regret is below its certified Bound where one is derived
// (every Euclidean OMD run; Entropic OMD only while its step stays
// constant, as with exact FullHint hints; FTRL never).
func TestOptimisticHints(t *testing.T) {
	const T, d, seeds = 10000, 5, 20
	type algo struct {
		name string
		run  func(Environment, Domain, int, *Settings) (*Result, error)
	}
	for _, a := range []algo{{"OMD", OMD}, {"FTRL", FTRL}} {
		for _, c := range []struct {
			name   string
			dom    Domain
			mirror Mirror
		}{
			{"euclidean-ball", Ball(1), Euclidean},
			{"euclidean-box", Box(-1, 1), Euclidean},
			{"euclidean-simplex", Simplex(), Euclidean},
			{"entropic-simplex", Simplex(), Entropic},
		} {
			name := a.name + "/" + c.name
			// regret[k] and bound[k] over seeds for: plain, exact and
			// adversarial hints with FullHint, then with LearnedHint.
			var regret, bound [5][]float64
			for seed := uint64(0); seed < seeds; seed++ {
				env := newDrift(d, T/2, 0.05, 1, seed)
				u := env.best(c.dom, T)
				negated := func(s int, m []float64) {
					env.grad(s, m)
					for i := range m {
						m[i] = -m[i]
					}
				}
				for k, set := range []Settings{
					{},
					{Optimistic: true, Hint: env.grad},
					{Optimistic: true, Hint: negated},
					{Optimistic: true, Hint: env.grad, HintWeight: LearnedHint},
					{Optimistic: true, Hint: negated, HintWeight: LearnedHint},
				} {
					set.Mirror, set.Comparator = c.mirror, u
					r, err := a.run(env, c.dom, T, &set)
					if err != nil || r.Status != Converged {
						t.Fatal(name, r.Status, err)
					}
					if (a.name == "OMD" && c.mirror == Euclidean && math.IsNaN(r.Bound)) || r.Regret > r.Bound {
						t.Errorf("%s seed %d run %d: regret %.3f, certified bound %.3f", name, seed, k, r.Regret, r.Bound)
					}
					regret[k], bound[k] = append(regret[k], r.Regret), append(bound[k], r.Bound)
				}
			}
			var m [5]float64
			for k := range m {
				m[k] = median(regret[k])
			}
			p := m[0]
			t.Logf("%-22s median regret plain %6.2f | FullHint exact %6.2f (%.3f×) adversarial %6.2f (%.3f×) | LearnedHint exact %6.2f (%.3f×) adversarial %6.2f (%.3f×)",
				name, p, m[1], m[1]/p, m[2], m[2]/p, m[3], m[3]/p, m[4], m[4]/p)
			if !(p > 0) {
				t.Fatalf("%s: plain median regret %.3f is not positive, ratios are meaningless", name, p)
			}
			for _, k := range []int{1, 3} {
				if !(m[k] <= 0.5*p) {
					t.Errorf("%s run %d: exact-hint regret %.2f > 0.5 × plain %.2f", name, k, m[k], p)
				}
			}
			if !(m[4] <= 2*p) {
				t.Errorf("%s: LearnedHint adversarial-hint regret %.2f > 2 × plain %.2f", name, m[4], p)
			}
			if a.name == "OMD" && c.mirror == Euclidean {
				bp, ba := median(bound[0]), median(bound[2])
				t.Logf("%-22s FullHint adversarial bound %.1f, plain %.1f (%.3f×)", name, ba, bp, ba/bp)
				if !(ba <= 2.05*bp) {
					t.Errorf("%s: adversarial-hint bound %.2f > 2.05 × plain bound %.2f", name, ba, bp)
				}
			}
		}
	}
}

// TestAlternatingHints checks adversarial last-gradient hints: on the
// fully adversarial alternating SEA sequence the hint M_t = g_{t−1} is
// exactly −g_t, and the regret of optimistic OMD (Euclidean) stays within
// 2× plain OMD's at every T, on [−1, 1] and on the unit disc.
func TestAlternatingHints(t *testing.T) {
	cases := []struct {
		name string
		env  *SEA
		dom  Domain
	}{
		{"box-1d", NewSEA([]float64{0}, []float64{1}, 0, 1, 1, false, 1), Box(-1, 1)},
		{"disc", NewSEA([]float64{0.3, -0.2}, []float64{1, -1}, 0, 1, 1, false, 1), Ball(1)},
	}
	for _, c := range cases {
		for _, T := range []int{1000, 10000, 100000} {
			u := c.env.Best(c.dom, T)
			p, err := OMD(c.env, c.dom, T, &Settings{Comparator: u})
			if err != nil {
				t.Fatal(err)
			}
			o, err := OMD(c.env, c.dom, T, &Settings{Comparator: u, Optimistic: true})
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s T=%d: plain %.2f, optimistic %.2f (%.2f×)", c.name, T, p.Regret, o.Regret, o.Regret/p.Regret)
			if !(p.Regret > 0 && o.Regret <= 2*p.Regret) {
				t.Errorf("%s T=%d: optimistic regret %.2f, plain %.2f", c.name, T, o.Regret, p.Regret)
			}
		}
	}
}

// slope fits log(median regret) against log T.
func slope(t *testing.T, name string, horizons []int, regret func(T int) float64) float64 {
	var lx, ly []float64
	for _, T := range horizons {
		r := regret(T)
		t.Logf("%s T=%6d regret %.3f", name, T, r)
		lx = append(lx, math.Log(float64(T)))
		ly = append(ly, math.Log(math.Max(r, 1e-9)))
	}
	_, b := stat.LinearRegression(lx, ly, nil, false)
	return b
}

// TestSEARegimes checks three regimes of the stochastically extended
// adversarial (SEA) model (Chen, Zhang, Tu, Zhao & Zhang 2023, "Optimistic
// Online Mirror Descent for Bridging Stochastic and Adversarial Online
// Convex Optimization", arXiv 2302.04552) for optimistic OMD with
// the last-gradient hint (Euclidean, adaptive step), by the log–log slope
// of regret against T over T = 10³…3·10⁴ (median over 10 seeds where
// noise is random): (a) fully adversarial alternating linear losses on [−1, 1]:
// slope 0.5 ± 0.1; (b) a fixed quadratic loss: slope < 0.1 (regret O(1));
// (c) i.i.d. noisy quadratics: slope 0.5 ± 0.1.
func TestSEARegimes(t *testing.T) {
	horizons := []int{1000, 3000, 10000, 30000}
	mu3 := []float64{0.3, -0.2, 0.1}
	dir3 := []float64{1, 0, 0}
	cases := []struct {
		name     string
		mk       func(seed uint64) *SEA
		dom      Domain
		seeds    int
		min, max float64
	}{
		{"adversarial", func(seed uint64) *SEA { return NewSEA([]float64{0}, []float64{1}, 0, 1, 1, false, seed) }, Box(-1, 1), 1, 0.4, 0.6},
		{"fixed", func(seed uint64) *SEA { return NewSEA(mu3, dir3, 0, 0, 1, true, seed) }, Ball(1), 1, -1, 0.1},
		{"iid", func(seed uint64) *SEA { return NewSEA(mu3, dir3, 1, 0, 1, true, seed) }, Ball(1), 10, 0.4, 0.6},
	}
	for _, c := range cases {
		b := slope(t, c.name, horizons, func(T int) float64 {
			var rs []float64
			for seed := 0; seed < c.seeds; seed++ {
				env := c.mk(uint64(seed))
				r, err := OMD(env, c.dom, T, &Settings{Optimistic: true, Comparator: env.Best(c.dom, T)})
				if err != nil {
					t.Fatal(err)
				}
				rs = append(rs, r.Regret)
			}
			return median(rs)
		})
		t.Logf("%s: slope %.3f", c.name, b)
		if !(b >= c.min && b <= c.max) {
			t.Errorf("%s: log–log slope %.3f outside [%v, %v]", c.name, b, c.min, c.max)
		}
	}
}
