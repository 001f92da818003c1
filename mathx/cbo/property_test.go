package cbo

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/gomx-dev/gomx/mathx/internal/mathxtest"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize"
)

func finiteVec(x []float64) bool {
	for _, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}

// TestPropertyBadInput is issue 18's property test for cbo: Minimize,
// RunMany and Method on objectives that are NaN or +Inf everywhere, NaN
// on a half-space, constant, scaled by 1e±300, in one dimension, with one
// particle, identical or NaN initial particles and initial particles at
// 1e300 return within a second without a panic; Failed comes with an
// error; Converged has a finite consensus and is reached after at least
// one step (the initial particles are never the result). The sphere
// scaled by s with α/s has the weights of the plain sphere with α = 1, so
// it must end like that run: same status and iterations, consensus within
// 1e-9 (scaling adds rounding only).
func TestPropertyBadInput(t *testing.T) {
	const d = 2
	nan, inf := math.NaN(), math.Inf(1)
	same := mat.NewDense(4, d, []float64{1, 1, 1, 1, 1, 1, 1, 1})
	withNaN := mat.NewDense(4, d, []float64{1, 1, nan, 0, -1, 0.5, 0, 0})
	far := mat.NewDense(4, d, []float64{1e300, 0, -1e300, 0, 0, 1e300, 0, -1e300})
	cases := []struct {
		name      string
		dim       int
		f         func([]float64) float64
		s         Settings
		atZero    bool  // the run is the sphere's with α·f unchanged: same outcome
		wantErr   error // the run must fail with this error (nil: any outcome allowed)
		mustFail  bool
		mayDiverg bool // the particles may leave the floating-point range
	}{
		{"NaN everywhere", d, func([]float64) float64 { return nan }, Settings{}, false, errNoFiniteEnergy, true, false},
		{"+Inf everywhere", d, func([]float64) float64 { return inf }, Settings{}, false, errNoFiniteEnergy, true, false},
		{"NaN half-space", d, func(x []float64) float64 {
			if x[0] > 0 {
				return nan
			}
			return Sphere(x)
		}, Settings{Sigma: 0.5}, false, nil, false, false},
		{"constant", d, func([]float64) float64 { return 0 }, Settings{Sigma: 0.5}, false, nil, false, false},
		{"sphere ×1e300", d, func(x []float64) float64 { return 1e300 * Sphere(x) }, Settings{Sigma: 0.5, Alpha: 1e-300}, true, nil, false, false},
		{"sphere ×1e-300", d, func(x []float64) float64 { return 1e-300 * Sphere(x) }, Settings{Sigma: 0.5, Alpha: 1e300, AlphaMax: 1e300}, true, nil, false, false},
		{"one dimension", 1, Sphere, Settings{Sigma: 0.5}, false, nil, false, false},
		{"one particle", d, Sphere, Settings{N: 1}, false, errCollapsed, true, false},
		{"identical particles", d, Sphere, Settings{N: 4, Init: same}, false, errCollapsed, true, false},
		{"NaN particle", d, Sphere, Settings{N: 4, Init: withNaN}, false, nil, true, false},
		{"particles at 1e300", d, Sphere, Settings{N: 4, Init: far}, false, nil, false, true},
		{"CBXpy defaults", d, Rastrigin, Settings{}, false, nil, false, true},
	}
	for _, c := range cases {
		for _, seed := range []uint64{1, 2} {
			name := fmt.Sprintf("%s/seed %d", c.name, seed)
			s := c.s
			s.Seed = seed
			var r *Result
			var err error
			p := &Problem{Dim: c.dim, Func: c.f}
			if perr := mathxtest.Promptly(t, name, func() { r, err = Minimize(p, &s) }); perr != nil {
				t.Errorf("%s: %v", name, perr)
				continue
			}
			switch {
			case r.Status == Failed && err == nil:
				t.Errorf("%s: Failed without an error", name)
			case r.Status != Failed && err != nil:
				t.Errorf("%s: %v with error %v", name, r.Status, err)
			case c.wantErr != nil && !errors.Is(err, c.wantErr):
				t.Errorf("%s: %v, err %v; want %v", name, r.Status, err, c.wantErr)
			case c.mustFail && r.Status != Failed:
				t.Errorf("%s: %v, want Failed", name, r.Status)
			case r.Status == Failed && !c.mustFail && !c.mayDiverg && c.wantErr == nil:
				t.Errorf("%s: Failed: %v", name, err)
			case r.Status == Converged && (!finiteVec(r.Consensus) || r.Iterations == 0):
				t.Errorf("%s: Converged after %d iterations at %v", name, r.Iterations, r.Consensus)
			}
			if c.atZero {
				ref, _ := Minimize(&Problem{Dim: c.dim, Func: Sphere}, &Settings{Sigma: 0.5, Seed: seed})
				if r.Status != ref.Status || r.Iterations != ref.Iterations || !finiteVec(r.Consensus) {
					t.Errorf("%s: %v after %d, the plain sphere: %v after %d", name, r.Status, r.Iterations, ref.Status, ref.Iterations)
				}
				for j, v := range ref.Consensus {
					if math.Abs(r.Consensus[j]-v) > 1e-9 {
						t.Errorf("%s: consensus %v, the plain sphere's %v", name, r.Consensus, ref.Consensus)
						break
					}
				}
			}
		}
	}
	// RunMany and Method see the same collapsed start.
	p := &Problem{Dim: d, Func: Sphere}
	if perr := mathxtest.Promptly(t, "RunMany", func() {
		rs, err := RunMany(p, &Settings{N: 1}, []uint64{1, 2})
		if !errors.Is(err, errCollapsed) {
			t.Errorf("RunMany with N = 1: err %v, want the collapsed-start error", err)
		}
		for _, r := range rs {
			if r != nil && r.Status == Converged {
				t.Error("RunMany with N = 1: a run reports Converged")
			}
		}
	}); perr != nil {
		t.Errorf("RunMany: %v", perr)
	}
	if perr := mathxtest.Promptly(t, "Method", func() {
		res, err := optimize.Minimize(optimize.Problem{Func: Sphere}, []float64{1, 1}, nil, &Method{Settings: Settings{N: 4, Init: same}})
		if !errors.Is(err, errCollapsed) || res.Status == optimize.MethodConverge {
			t.Errorf("Method with identical particles: status %v, err %v; want a failure with the collapsed-start error", res.Status, err)
		}
	}); perr != nil {
		t.Errorf("Method: %v", perr)
	}
	// A box that pins every coordinate makes its only point the answer.
	pinned := &Problem{Dim: d, Func: Sphere, Lower: []float64{2, 3}, Upper: []float64{2, 3}}
	r, err := Minimize(pinned, nil)
	if err != nil || r.Status != Converged || math.Abs(r.Consensus[0]-2) > 1e-15 || math.Abs(r.Consensus[1]-3) > 1e-15 {
		t.Errorf("pinned box: %v %v at %v, want Converged at (2, 3) to rounding", r.Status, err, r.Consensus)
	}
}

// TestPropertyHelpers covers Weights, EffectiveSampleSize, Consensus,
// DriftCosine and the test functions on issue 18's inputs: one particle,
// duplicated particles, energies NaN, ±Inf or at 1e±300 with α up to
// 1e300 (the weights stay a probability vector; before, α·f overflowing
// gave NaN weights), positions at 1e±300 (the consensus and the cosine
// are exact), non-finite weighted positions or gradients (an error naming
// them), and the test functions' minima.
func TestPropertyHelpers(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	near := func(got, want []float64, tol float64) bool {
		for i, w := range want {
			if !(got[i] == w || math.IsNaN(got[i]) && math.IsNaN(w) || math.Abs(got[i]-w) <= tol*math.Abs(w)) {
				return false
			}
		}
		return true
	}
	e := math.Exp(-1)
	weights := []struct {
		name  string
		f     []float64
		alpha float64
		want  []float64
		err   bool
	}{
		{"one particle", []float64{3}, 1, []float64{1}, false},
		{"duplicated", []float64{2, 2}, 1e300, []float64{0.5, 0.5}, false},
		{"α·f overflows", []float64{1e10, 2e10}, 1e300, []float64{1, 0}, false},
		{"α·f overflows negative", []float64{-1e10, -1e10}, 1e300, []float64{0.5, 0.5}, false},
		{"energies 1e300", []float64{1e300, 2e300}, 1e-300, []float64{1 / (1 + e), e / (1 + e)}, false},
		{"energies 1e-300", []float64{0, 1e-300}, 1e300, []float64{1 / (1 + e), e / (1 + e)}, false},
		{"spread ±1e308", []float64{-1e308, 1e308}, 1, []float64{1, 0}, false},
		{"NaN and +Inf", []float64{nan, 1, inf}, 1, []float64{0, 1, 0}, false},
		{"-Inf", []float64{0, -inf}, 0.5, []float64{0, 1}, false},
		{"α = 0", []float64{5, inf, -3}, 0, []float64{0.5, 0, 0.5}, false},
		{"all NaN", []float64{nan, nan}, 1, nil, true},
		{"empty", nil, 1, nil, true},
	}
	for _, c := range weights {
		var w []float64
		var err error
		if p := mathxtest.Promptly(t, "Weights "+c.name, func() { w, err = Weights(nil, c.f, c.alpha) }); p != nil {
			t.Errorf("Weights %s: %v", c.name, p)
			continue
		}
		if (err != nil) != c.err || !c.err && !near(w, c.want, 1e-15) {
			t.Errorf("Weights %s: %v, %v; want %v (error %v)", c.name, w, err, c.want, c.err)
		}
		ess := EffectiveSampleSize(c.f, c.alpha)
		if c.err && ess != 0 || !c.err && !(ess >= 1 && ess <= float64(len(c.f))) {
			t.Errorf("EffectiveSampleSize %s: %g", c.name, ess)
		}
	}
	// Consensus at scale s of two particles with energies 0 and 1 at α = 1:
	// c = (x₀ + e·x₁)/(1 + e).
	for _, s := range []float64{1e-300, 1, 1e300} {
		X := mat.NewDense(2, 2, []float64{s, -s, 3 * s, s})
		want := []float64{(s + e*3*s) / (1 + e), (-s + e*s) / (1 + e)}
		if c, err := Consensus(nil, X, []float64{0, 1}, 1); err != nil || !near(c, want, 1e-15) {
			t.Errorf("Consensus at %g: %v, %v; want %v", s, c, err, want)
		}
		// The drift c − (2s, 0) is s(e−1)/(1+e)·(1, 1), along −(1, 1); with
		// ∇f = s·(1, 2) the cosine is 3/√10.
		grad := func(g, x []float64) { g[0], g[1] = s, 2*s }
		wantCos := 3 / math.Sqrt(10)
		if cos, err := DriftCosine(X, []float64{0, 1}, 1, grad); err != nil || !near([]float64{cos}, []float64{wantCos}, 1e-14) {
			t.Errorf("DriftCosine at %g: %g, %v; want %g", s, cos, err, wantCos)
		}
	}
	dup := mat.NewDense(2, 1, []float64{4, 4})
	if cos, err := DriftCosine(dup, []float64{1, 1}, 1, func(g, x []float64) { g[0] = 1 }); err != nil || !math.IsNaN(cos) {
		t.Errorf("DriftCosine on duplicated particles: %g, %v; want NaN (zero drift)", cos, err)
	}
	bad := []struct {
		name string
		f    func() error
		want string
	}{
		{"Consensus NaN position", func() error {
			_, err := Consensus(nil, mat.NewDense(2, 1, []float64{1, nan}), []float64{0, 0}, 1)
			return err
		}, "X[1,0] = NaN"},
		{"Consensus all energies NaN", func() error {
			_, err := Consensus(nil, mat.NewDense(1, 1, []float64{1}), []float64{nan}, 1)
			return err
		}, "no particle has a finite energy"},
		{"DriftCosine +Inf position", func() error {
			_, err := DriftCosine(mat.NewDense(2, 1, []float64{inf, 1}), []float64{inf, 0}, 1, func(g, x []float64) { g[0] = 1 })
			return err
		}, "X[0,0] = +Inf"},
		{"DriftCosine NaN gradient", func() error {
			_, err := DriftCosine(mat.NewDense(2, 1, []float64{0, 1}), []float64{0, 1}, 1, func(g, x []float64) { g[0] = nan })
			return err
		}, "g[0] = NaN"},
	}
	for _, c := range bad {
		var err error
		if p := mathxtest.Promptly(t, c.name, func() { err = c.f() }); p != nil || err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, %v; want an error naming %q", c.name, p, err, c.want)
		}
	}
	panics := []struct {
		name string
		f    func()
		want string
	}{
		{"Weights α", func() { Weights(nil, []float64{1}, nan) }, "alpha = NaN"},
		{"Weights dst", func() { Weights(make([]float64, 2), []float64{1}, 1) }, "len(dst) = 2"},
		{"ESS α", func() { EffectiveSampleSize([]float64{1}, -1) }, "alpha = -1"},
		{"Consensus shapes", func() { Consensus(nil, mat.NewDense(2, 1, nil), []float64{1}, 1) }, "len(f) = 1"},
		{"DriftCosine shapes", func() { DriftCosine(mat.NewDense(2, 1, nil), []float64{1}, 1, nil) }, "len(energy) = 1"},
	}
	for _, c := range panics {
		if err := mathxtest.Promptly(t, c.name, c.f); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want a panic naming %q", c.name, err, c.want)
		}
	}
	// The test functions: the minimum at every minimiser, NaN for NaN.
	for _, tf := range TestFunctions() {
		d := tf.Dim
		if d == 0 {
			d = max(tf.MinDim, 3)
		}
		for _, x := range tf.Minimizers(d) {
			if v := tf.Func(x); math.Abs(v-tf.Min) > 1e-12*math.Max(1, math.Abs(tf.Min)) {
				t.Errorf("%s at the minimiser %v: %g, want %g", tf.Name, x, v, tf.Min)
			}
		}
		x := make([]float64, d)
		x[d-1] = nan
		if v := tf.Func(x); !math.IsNaN(v) {
			t.Errorf("%s at %v: %g, want NaN", tf.Name, x, v)
		}
	}
}

// TestPropertyFunctions names each test function with closed-form values:
// at a minimiser, at a point off it, at extreme scales (the value
// overflows to +Inf where the true value is beyond 1e308, and follows
// NaN), and a panic naming the length where the function is not defined;
// Noise.String and Method.Uses (CBO needs only function values).
func TestPropertyFunctions(t *testing.T) {
	inf, nan := math.Inf(1), math.NaN()
	cases := []struct {
		name string
		f    func([]float64) float64
		x    []float64
		want float64
	}{
		{"Sphere", Sphere, []float64{3, -4}, 25},
		{"Sphere 1e200", Sphere, []float64{1e200}, inf},
		{"Sphere 1e-200", Sphere, []float64{1e-200, 1e-100}, 1e-200},
		{"Rastrigin", Rastrigin, []float64{0.5}, 10 + 0.25 + 10},
		{"Rastrigin ±Inf", Rastrigin, []float64{inf}, nan},
		{"Ackley", Ackley, []float64{0, 0}, 0},
		{"Ackley 1e300", Ackley, []float64{1e300}, 20 + math.E - math.Exp(1)}, // cos 2π·1e300 = 1 (an integer)
		{"Ackley NaN", Ackley, []float64{nan, 0}, nan},
		{"Rosenbrock", Rosenbrock, []float64{0, 0}, 1},
		{"Rosenbrock at (1, 1, 1)", Rosenbrock, []float64{1, 1, 1}, 0},
		{"Rosenbrock 1e200", Rosenbrock, []float64{1e200, 0}, inf},
		{"Himmelblau", Himmelblau, []float64{0, 0}, 170},
		{"Himmelblau at (3, 2)", Himmelblau, []float64{3, 2}, 0},
		{"Schwefel222", Schwefel222, []float64{1, -2}, 5},
		{"Schwefel222 1e300", Schwefel222, []float64{1e300, 1e300}, inf},
		{"Schwefel222 1e-300", Schwefel222, []float64{1e-300, 1e-300}, 2e-300},
		{"Bukin6", Bukin6, []float64{-10, 1}, 0},
		{"Bukin6 off", Bukin6, []float64{0, 4}, 200.1},
		{"Bukin6 NaN", Bukin6, []float64{nan, 1}, nan},
	}
	for _, c := range cases {
		var got float64
		if err := mathxtest.Promptly(t, c.name, func() { got = c.f(c.x) }); err != nil {
			t.Errorf("%s: %v", c.name, err)
		} else if !(got == c.want || math.IsNaN(got) && math.IsNaN(c.want) || math.Abs(got-c.want) <= 1e-14*math.Abs(c.want)) {
			t.Errorf("%s(%v) = %g, want %g", c.name, c.x, got, c.want)
		}
	}
	for _, c := range []struct {
		name, want string
		f          func()
	}{
		{"Ackley empty", "empty x", func() { Ackley(nil) }},
		{"Rosenbrock d=1", "len(x) = 1", func() { Rosenbrock([]float64{1}) }},
		{"Himmelblau d=3", "len(x) = 3", func() { Himmelblau(make([]float64, 3)) }},
		{"Bukin6 d=1", "len(x) = 1", func() { Bukin6([]float64{1}) }},
	} {
		if err := mathxtest.Promptly(t, c.name, c.f); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want a panic naming %q", c.name, err, c.want)
		}
	}
	for n, want := range map[Noise]string{Isotropic: "isotropic", Anisotropic: "anisotropic", Noise(7): "Noise(7)"} {
		if got := n.String(); got != want {
			t.Errorf("Noise(%d).String() = %q, want %q", int(n), got, want)
		}
	}
	if uses, err := (&Method{}).Uses(optimize.Available{Grad: true, Hess: true}); err != nil || uses != (optimize.Available{}) {
		t.Errorf("Method.Uses: %+v, %v; want nothing but function values", uses, err)
	}
}
