package online

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/gomx-dev/gomx/mathx/internal/mathxtest"
	"gonum.org/v1/gonum/mat"
)

// inDomain reports whether x is in dom to a relative 1e-9.
func inDomain(dom Domain, x []float64) bool {
	var sum, sq float64
	for _, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
		sum += v
		sq += v * v
	}
	switch dom {
	case Simplex():
		for _, v := range x {
			if v < -1e-12 {
				return false
			}
		}
		return math.Abs(sum-1) <= 1e-9
	case Ball(1):
		return math.Sqrt(sq) <= 1+1e-9
	}
	for _, v := range x {
		if v < dom.Lo-1e-9 || v > dom.Hi+1e-9 {
			return false
		}
	}
	return true
}

// TestPropertyBadInput is issue 18's property test for online: OGD, FTRL
// and OMD (Euclidean and Entropic, plain, optimistic and with learned
// hints) on the ball, the box and the simplex, against gradient tables of
// zeros, one dimension, a NaN or ±Inf gradient at round 3, scales 1e±300,
// return within a second without a panic; Failed comes with an error;
// otherwise every played point stays in the domain and the loss and
// history are finite.
func TestPropertyBadInput(t *testing.T) {
	const T = 500
	table := func(rows, d int, f func(i, j int) float64) *Sequence {
		g := mat.NewDense(rows, d, nil)
		for i := 0; i < rows; i++ {
			for j := 0; j < d; j++ {
				g.Set(i, j, f(i, j))
			}
		}
		return NewSequence(g)
	}
	wave := func(i, j int) float64 { return math.Sin(float64(3*i + j)) }
	at3 := func(v float64) func(i, j int) float64 {
		return func(i, j int) float64 {
			if i == 2 && j == 1 {
				return v
			}
			return wave(i, j)
		}
	}
	envs := []struct {
		name    string
		env     *Sequence
		badData bool // NaN/±Inf in the data: Failed is the expected outcome
	}{
		{"zeros", table(4, 3, func(int, int) float64 { return 0 }), false},
		{"one dimension", table(7, 1, wave), false},
		{"NaN at round 3", table(7, 3, at3(math.NaN())), true},
		{"+Inf at round 3", table(7, 3, at3(math.Inf(1))), true},
		{"-Inf at round 3", table(7, 3, at3(math.Inf(-1))), true},
		{"1e300", table(7, 3, func(i, j int) float64 { return 1e300 * wave(i, j) }), false},
		{"1e-300", table(7, 3, func(i, j int) float64 { return 1e-300 * wave(i, j) }), false},
	}
	type algo struct {
		name string
		run  func(env Environment, dom Domain, T int, s *Settings) (*Result, error)
		s    Settings
	}
	algos := []algo{
		{"OGD", OGD, Settings{}}, {"OGD/strongly convex", OGD, Settings{StrongConvexity: 1}},
		{"FTRL", FTRL, Settings{}}, {"FTRL/optimistic", FTRL, Settings{Optimistic: true}},
		{"OMD", OMD, Settings{}}, {"OMD/optimistic", OMD, Settings{Optimistic: true}},
		{"OMD/learned hint", OMD, Settings{Optimistic: true, HintWeight: LearnedHint}},
		{"OMD/constant η", OMD, Settings{Eta: 0.1}},
	}
	for _, e := range envs {
		for _, dom := range []Domain{Ball(1), Box(-1, 1), Simplex()} {
			for _, a := range algos {
				for _, mirror := range []Mirror{Euclidean, Entropic} {
					if mirror == Entropic && (dom != Simplex() || a.name[:3] == "OGD") {
						continue
					}
					name := fmt.Sprintf("%s/%s/domain %d/mirror %d", a.name, e.name, dom.Kind, mirror)
					s := a.s
					s.Mirror = mirror
					var r *Result
					var err error
					if perr := mathxtest.Promptly(t, name, func() { r, err = a.run(e.env, dom, T, &s) }); perr != nil {
						t.Errorf("%s: %v", name, perr)
						continue
					}
					switch {
					case r.Status == Failed && err == nil:
						t.Errorf("%s: Failed without an error", name)
					case r.Status == Failed && !e.badData:
						t.Errorf("%s: Failed on finite data: %v", name, err)
					case r.Status == Failed:
					case err != nil:
						t.Errorf("%s: %v with error %v", name, r.Status, err)
					case e.badData:
						t.Errorf("%s: %v on data with NaN/Inf (loss %g)", name, r.Status, r.Loss)
					case !inDomain(dom, r.X):
						t.Errorf("%s: last point %v outside the domain", name, r.X)
					case math.IsNaN(r.Loss) || math.IsInf(r.Loss, 0) && e.name != "1e300":
						t.Errorf("%s: loss %g", name, r.Loss)
					}
				}
			}
		}
	}
}

// TestProjectExtremeScale: Domain.Project at scales where squaring
// overflows or the simplex's mass is below the rounding of the entries.
// The ball's projection of (3, 4)·1e300 is (0.6, 0.8) (it was 0: the
// squared norm overflowed); the simplex's of (1e20, 1, 2) is (1, 0, 0)
// (it was 0).
func TestProjectExtremeScale(t *testing.T) {
	cases := []struct {
		name string
		dom  Domain
		x    []float64
		want []float64
	}{
		{"ball 1e300", Ball(1), []float64{3e300, 4e300}, []float64{0.6, 0.8}},
		{"ball 1e-300", Ball(1e-299), []float64{3e-300, 4e-300}, []float64{3e-300, 4e-300}},
		{"ball 1e-300 outside", Ball(1e-300), []float64{3e-300, 4e-300}, []float64{0.6e-300, 0.8e-300}},
		{"simplex 1e20", Simplex(), []float64{1e20, 1, 2}, []float64{1, 0, 0}},
		{"simplex 1e300 tie", Simplex(), []float64{1e300, -1e300, 1e300}, []float64{0.5, 0, 0.5}},
		{"box 1e300", Box(-1, 1), []float64{1e300, -1e300}, []float64{1, -1}},
	}
	for _, c := range cases {
		x := append([]float64(nil), c.x...)
		c.dom.Project(x, make([]float64, len(x)))
		for i, v := range c.want {
			if math.Abs(x[i]-v) > 1e-15*math.Max(1e-300, math.Abs(v)) {
				t.Errorf("%s: %v, want %v", c.name, x, c.want)
				break
			}
		}
	}
}

// TestPropertySEA covers SEA, Sequence and the Domain methods on issue
// 18's inputs: closed forms for the fixed loss (Sigma = Adv = 0) with mu
// at scales 1e-300 to 1e300, Best on each domain, Variation's counts,
// Minimize and Center exact at any scale and NaN for a NaN cost, and
// panics naming the argument for non-finite parameters and bounds.
func TestPropertySEA(t *testing.T) {
	inf, nan := math.Inf(1), math.NaN()
	near := func(got, want []float64) bool {
		for i, w := range want {
			if !(got[i] == w || math.IsNaN(got[i]) && math.IsNaN(w) || math.Abs(got[i]-w) <= 1e-15*math.Abs(w)) {
				return false
			}
		}
		return true
	}
	r5 := math.Sqrt(5)
	for _, s := range []float64{1e-300, 1e-150, 1, 1e150, 1e300} {
		mu := []float64{s, -2 * s}
		for _, quadratic := range []bool{false, true} {
			name := fmt.Sprintf("SEA at %g quadratic %v", s, quadratic)
			sea := NewSEA(mu, []float64{1, 0}, 0, 0, 1, quadratic, 7)
			c, g := make([]float64, 2), make([]float64, 2)
			sea.Centre(5, c)
			x := []float64{0.5, 0.25}
			v := sea.Loss(3, x, g)
			want, wantG := s*0.5-2*s*0.25, mu
			if quadratic {
				d := []float64{0.5 - s, 0.25 + 2*s}
				want, wantG = (d[0]*d[0]+d[1]*d[1])/2, d
			}
			if !near(c, mu) || !near(g, wantG) || !near([]float64{v}, []float64{want}) || sea.Dim() != 2 {
				t.Errorf("%s: centre %v, loss %g, grad %v; want %v, %g, %v", name, c, v, g, mu, want, wantG)
			}
			for _, dom := range []struct {
				d    Domain
				want []float64
			}{
				{Ball(1), []float64{-1 / r5, 2 / r5}}, {Box(-1, 1), []float64{-1, 1}}, {Simplex(), []float64{0, 1}},
			} {
				best := sea.Best(dom.d, 10)
				want := dom.want
				if quadratic {
					want = append([]float64(nil), mu...)
					dom.d.Project(want, make([]float64, 2))
				}
				if !near(best, want) {
					t.Errorf("%s: Best on domain %d is %v, want %v", name, dom.d.Kind, best, want)
				}
			}
		}
	}
	sea := NewSEA([]float64{0, 0}, []float64{3, 4}, 2, 1, 1, false, 1)
	if s2, a2 := sea.Variation(5); s2 != 20 || a2 != 4*4*25 {
		t.Errorf("Variation(5): %g, %g; want 20, 400", s2, a2)
	}
	if s2, a2 := sea.Variation(0); s2 != 0 || a2 != 0 {
		t.Errorf("Variation(0): %g, %g; want 0, 0", s2, a2)
	}
	// Sequence: the table's rows in turn.
	q := NewSequence(mat.NewDense(2, 1, []float64{1e300, -1e-300}))
	g := make([]float64, 1)
	if v := q.Loss(4, []float64{2}, g); v != -2e-300 || g[0] != -1e-300 || q.Dim() != 1 {
		t.Errorf("Sequence.Loss(4): %g, %v", v, g)
	}
	// Domain methods.
	minimize := []struct {
		name string
		d    Domain
		c    []float64
		want []float64
	}{
		{"ball NaN", Ball(1), []float64{1, nan}, []float64{nan, nan}},
		{"box NaN", Box(0, 1), []float64{nan, 1}, []float64{nan, nan}},
		{"simplex NaN", Simplex(), []float64{1, nan, 0}, []float64{nan, nan, nan}},
		{"ball +Inf", Ball(2), []float64{inf, 1}, []float64{-2, 0}},
		{"ball ±Inf", Ball(2), []float64{inf, -inf}, []float64{-math.Sqrt2, math.Sqrt2}},
		{"ball 1e-300", Ball(1), []float64{3e-300, 4e-300}, []float64{-0.6, -0.8}},
		{"ball 1e300", Ball(1e300), []float64{3e300, -4e300}, []float64{-0.6e300, 0.8e300}},
		{"ball zero", Ball(1), []float64{0, 0}, []float64{0, 0}},
		{"simplex -Inf", Simplex(), []float64{0, -inf}, []float64{0, 1}},
		{"simplex duplicated", Simplex(), []float64{1, 1}, []float64{1, 0}},
	}
	for _, c := range minimize {
		x := make([]float64, len(c.c))
		if err := mathxtest.Promptly(t, c.name, func() { c.d.Minimize(c.c, x) }); err != nil || !near(x, c.want) {
			t.Errorf("Minimize %s: %v (%v), want %v", c.name, x, err, c.want)
		}
	}
	x := make([]float64, 2)
	Box(1e308, 1.5e308).Center(x)
	if x[0] != 1.25e308 {
		t.Errorf("Box(1e308, 1.5e308).Center: %v", x)
	}
	if d := Ball(1e300).Diameter(3); d != 2e300 {
		t.Errorf("Ball(1e300).Diameter: %g", d)
	}
	if d := Simplex().Diameter(1); d != 0 {
		t.Errorf("Simplex().Diameter(1): %g", d)
	}
	panics := []struct {
		name string
		f    func()
		want string
	}{
		{"Ball NaN", func() { Ball(nan) }, "radius NaN"},
		{"Ball +Inf", func() { Ball(inf) }, "radius +Inf"},
		{"Ball 0", func() { Ball(0) }, "radius 0"},
		{"Box empty", func() { Box(1, 1) }, "lo 1 ≥ hi 1"},
		{"Box NaN", func() { Box(nan, 1) }, "lo NaN"},
		{"Box -Inf", func() { Box(-inf, 1) }, "lo -Inf"},
		{"NewSEA mu", func() { NewSEA([]float64{0, nan}, []float64{0, 0}, 0, 0, 1, false, 0) }, "mu[1] = NaN"},
		{"NewSEA dir", func() { NewSEA([]float64{0}, []float64{-inf}, 0, 0, 1, false, 0) }, "dir[0] = -Inf"},
		{"NewSEA sigma", func() { NewSEA([]float64{0}, []float64{0}, inf, 0, 1, false, 0) }, "sigma +Inf"},
		{"NewSEA adv", func() { NewSEA([]float64{0}, []float64{0}, 0, -1, 1, false, 0) }, "adv -1"},
		{"NewSEA period", func() { NewSEA([]float64{0}, []float64{0}, 0, 0, 0, false, 0) }, "period 0"},
		{"NewSEA empty", func() { NewSEA(nil, nil, 0, 0, 1, false, 0) }, "len(mu) 0"},
		{"NewSequence", func() { NewSequence(&mat.Dense{}) }, "G is 0×0"},
	}
	for _, c := range panics {
		if err := mathxtest.Promptly(t, c.name, c.f); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want a panic naming %q", c.name, err, c.want)
		}
	}
}

// TestPropertyBestScale: SEA.Best is scale-equivariant, and exactly so
// for powers of two: with Mu, Dir's shift and Sigma times 2ᵏ every centre
// is 2ᵏ times the unit one, so the best point of a linear loss on a
// domain is the same and the quadratic one (the projected mean centre on
// the domain scaled by 2ᵏ) is 2ᵏ times it, bit for bit, for k from −1000
// (1e-301) to 1021 (centres up to 1.8e308, whose sum over 50 rounds
// overflowed before).
func TestPropertyBestScale(t *testing.T) {
	const T = 50
	mu, dir := []float64{0.75, -0.5, 0.25}, []float64{0.125, 0.25, -0.5}
	doms := func(s float64) []Domain { return []Domain{Ball(0.5 * s), Box(-0.25*s, 0.5*s), Simplex()} }
	for _, quadratic := range []bool{false, true} {
		want := make([][]float64, 3)
		for i, dom := range doms(1) {
			want[i] = NewSEA(mu, dir, 0.5, 0.5, 3, quadratic, 9).Best(dom, T)
		}
		for _, k := range []int{-1000, -997, -101, 101, 997, 1021} {
			s := math.Ldexp(1, k)
			ms, ds := make([]float64, 3), make([]float64, 3)
			for i := range mu {
				ms[i], ds[i] = mu[i]*s, dir[i]
			}
			sea := NewSEA(ms, ds, 0.5*s, 0.5*s, 3, quadratic, 9)
			for i, dom := range doms(s) {
				if quadratic && dom.Kind == SimplexDomain {
					continue // the simplex does not scale
				}
				var got []float64
				if err := mathxtest.Promptly(t, "Best", func() { got = sea.Best(dom, T) }); err != nil {
					t.Fatal(err)
				}
				for j := range got {
					w := want[i][j]
					if quadratic || dom.Kind == BallDomain || dom.Kind == BoxDomain {
						w *= s
					}
					if got[j] != w {
						t.Errorf("quadratic %v, 2^%d, domain %d: Best %v, want %v·2^%d", quadratic, k, dom.Kind, got, want[i], k)
						break
					}
				}
			}
		}
	}
}

// TestPropertyDiameter: Diameter's closed forms, +Inf for unbounded
// domains and for diameters beyond the float64 range, 0 in R^0 and for a
// one-point box; a Domain that is no set of R^d panics naming the field;
// an adaptive learner refuses an unbounded domain, while a fixed step
// plays in it.
func TestPropertyDiameter(t *testing.T) {
	inf, nan := math.Inf(1), math.NaN()
	cases := []struct {
		name string
		dom  Domain
		d    int
		want float64
	}{
		{"ball", Ball(1.5), 4, 3},
		{"ball 1e300", Ball(1e300), 3, 2e300},
		{"ball 1e308", Ball(1e308), 3, inf},
		{"ball +Inf", Domain{Kind: BallDomain, Radius: inf}, 2, inf},
		{"ball d=0", Ball(1), 0, 0},
		{"box", Box(-1, 2), 4, 6},
		{"box 1e300", Box(-1e300, 1e300), 9, 6e300},
		{"box 1e-300", Box(0, 1e-300), 4, 2e-300},
		{"box beyond range", Box(-1e308, 1e308), 1, inf},
		{"box beyond range by √d", Box(0, 1e308), 4, inf},
		{"box [0, +Inf)", Domain{Kind: BoxDomain, Lo: 0, Hi: inf}, 2, inf},
		{"box R^d", Domain{Kind: BoxDomain, Lo: -inf, Hi: inf}, 3, inf},
		{"box R^0", Domain{Kind: BoxDomain, Lo: -inf, Hi: inf}, 0, 0},
		{"one-point box", Domain{Kind: BoxDomain, Lo: 2, Hi: 2}, 5, 0},
		{"simplex", Simplex(), 3, math.Sqrt2},
		{"simplex d=1", Simplex(), 1, 0},
	}
	for _, c := range cases {
		if got := c.dom.Diameter(c.d); got != c.want && math.Abs(got-c.want) > 1e-15*c.want {
			t.Errorf("%s: Diameter(%d) = %g, want %g", c.name, c.d, got, c.want)
		}
	}
	for _, c := range []struct {
		name string
		dom  Domain
		d    int
		want string
	}{
		{"d < 0", Ball(1), -1, "d = -1"},
		{"NaN radius", Domain{Kind: BallDomain, Radius: nan}, 2, "Radius = NaN"},
		{"negative radius", Domain{Kind: BallDomain, Radius: -1}, 2, "Radius = -1"},
		{"Lo > Hi", Domain{Kind: BoxDomain, Lo: 1, Hi: 0}, 2, "Lo = 1, Hi = 0"},
		{"NaN bound", Domain{Kind: BoxDomain, Lo: 0, Hi: nan}, 2, "Hi = NaN"},
		{"{+Inf}", Domain{Kind: BoxDomain, Lo: inf, Hi: inf}, 2, "Lo = +Inf"},
	} {
		if err := mathxtest.Promptly(t, c.name, func() { c.dom.Diameter(c.d) }); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want a panic naming %q", c.name, err, c.want)
		}
	}
	for _, c := range []struct {
		lo, hi, want float64
	}{{-inf, inf, 0}, {1, inf, 1}, {-inf, -2, -2}, {-3, inf, 0}} {
		x := make([]float64, 2)
		if (Domain{Kind: BoxDomain, Lo: c.lo, Hi: c.hi}).Center(x); x[0] != c.want || x[1] != c.want {
			t.Errorf("Center of the box [%g, %g]: %v, want %g", c.lo, c.hi, x, c.want)
		}
	}
	env := NewSequence(mat.NewDense(2, 2, []float64{1, -1, -1, 1}))
	free := Domain{Kind: BoxDomain, Lo: -inf, Hi: inf}
	if err := mathxtest.Promptly(t, "OGD", func() { OGD(env, free, 10, nil) }); err == nil || !strings.Contains(err.Error(), "diameter is +Inf") {
		t.Errorf("OGD on R^2 with the adaptive step: %v, want a panic naming the diameter", err)
	}
	r, err := OGD(env, free, 10, &Settings{Eta: 0.5})
	if err != nil || r.Status != Converged || !isFiniteVec(r.X) {
		t.Errorf("OGD on R^2 with Eta 0.5: %v, %v, x %v", r.Status, err, r.X)
	}
}

func isFiniteVec(x []float64) bool {
	for _, v := range x {
		if v-v != 0 {
			return false
		}
	}
	return true
}

// TestPropertyNames: HintWeighting.String names both constants and any
// other value as HintWeighting(n).
func TestPropertyNames(t *testing.T) {
	for w, want := range map[HintWeighting]string{FullHint: "FullHint", LearnedHint: "LearnedHint", HintWeighting(-1): "HintWeighting(-1)", HintWeighting(5): "HintWeighting(5)"} {
		if got := w.String(); got != want {
			t.Errorf("HintWeighting(%d).String() = %q, want %q", int(w), got, want)
		}
	}
}
