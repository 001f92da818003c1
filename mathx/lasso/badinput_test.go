package lasso

import (
	"context"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/gomx-dev/gomx/mathx/internal/mathxtest"
	"github.com/gomx-dev/gomx/mathx/prox"
	"gonum.org/v1/gonum/mat"
)

// within runs f and fails the test if it panics or has not returned
// after a second.
func within(t *testing.T, name string, f func()) {
	t.Helper()
	if err := mathxtest.Promptly(t, name, f); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

// TestNonFiniteInput is issue 18's repro: NaN or ±Inf in A or b. Every
// solver must return within a second (a 1 s context and MaxIter 10 are
// set, as in the issue) with Status Failed, an error naming the bad entry
// and a finite X — before the fix the backtracking loop never returned,
// CD reported Converged with x = 0 and ISTA panicked in SoftThreshold.
func TestNonFiniteInput(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	base := []float64{1, 2, 3, 4, 5, 6}
	with := func(k int, v float64) []float64 {
		a := append([]float64(nil), base...)
		a[k] = v
		return a
	}
	cases := []struct {
		name string
		a, b []float64
		want string // in the error
	}{
		{"NaN in b", base, []float64{nan, 1, 2}, "b[0] = NaN"},
		{"+Inf in b", base, []float64{0, inf, 2}, "b[1] = +Inf"},
		{"-Inf in b", base, []float64{0, 1, -inf}, "b[2] = -Inf"},
		{"NaN in A", with(3, nan), []float64{0, 1, 2}, "A[1,1] = NaN"},
		{"+Inf in A", with(0, inf), []float64{0, 1, 2}, "A[0,0] = +Inf"},
		{"-Inf in A", with(5, -inf), []float64{0, 1, 2}, "A[2,1] = -Inf"},
	}
	solvers := []struct {
		name  string
		solve func(p *Problem, s *Settings) (*Result, error)
	}{
		{"ISTA", ISTA},
		{"FISTA", FISTA},
		{"CD", CD},
		{"CD/GaussSouthwell", func(p *Problem, s *Settings) (*Result, error) {
			s.Rule = GaussSouthwell
			return CD(p, s)
		}},
		{"CD/FullSweeps", func(p *Problem, s *Settings) (*Result, error) {
			s.FullSweeps = true
			return CD(p, s)
		}},
		{"ProxGradient", func(p *Problem, s *Settings) (*Result, error) {
			return ProxGradient(&Composite{A: p.A, B: p.B, G: prox.Scale{F: prox.L1{}, Lambda: p.Lambda}}, s)
		}},
		{"AccelProxGradient", func(p *Problem, s *Settings) (*Result, error) {
			return AccelProxGradient(&Composite{A: p.A, B: p.B, G: prox.Scale{F: prox.L1{}, Lambda: p.Lambda}}, s)
		}},
	}
	for _, c := range cases {
		for _, sv := range solvers {
			name := sv.name + "/" + c.name
			within(t, name, func() {
				ctx, cancel := context.WithTimeout(context.Background(), time.Second)
				defer cancel()
				p := &Problem{A: mat.NewDense(3, 2, c.a), B: c.b, Lambda: 0.1}
				r, err := sv.solve(p, &Settings{MaxIter: 10, Context: ctx})
				if r == nil || r.Status != Failed || err == nil || !strings.Contains(err.Error(), c.want) {
					t.Errorf("%s: status %v, err %v; want Failed and an error containing %q", name, r.Status, err, c.want)
					return
				}
				if len(r.X) != 2 || !allFinite(r.X) {
					t.Errorf("%s: X = %v, want two finite entries", name, r.X)
				}
			})
		}
	}
}

// TestNonFiniteStart: a NaN in Settings.X0 is a data problem too.
func TestNonFiniteStart(t *testing.T) {
	p := &Problem{A: mat.NewDense(3, 2, []float64{1, 2, 3, 4, 5, 6}), B: []float64{1, 0, 2}, Lambda: 0.1}
	for name, solve := range map[string]func(*Problem, *Settings) (*Result, error){"ISTA": ISTA, "FISTA": FISTA, "CD": CD} {
		r, err := solve(p, &Settings{X0: []float64{0, math.NaN()}})
		if r.Status != Failed || err == nil || !strings.Contains(err.Error(), "X0[1] = NaN") {
			t.Errorf("%s: status %v, err %v; want Failed naming X0[1]", name, r.Status, err)
		}
	}
}

// TestBadPenaltyPanics: Lambda or L2 NaN, negative or +Inf is a
// programmer error: a panic naming the argument.
func TestBadPenaltyPanics(t *testing.T) {
	A := mat.NewDense(2, 2, []float64{1, 0, 0, 1})
	for _, c := range []struct{ lambda, l2 float64 }{
		{math.NaN(), 0}, {-1, 0}, {math.Inf(1), 0}, {0.1, math.Inf(1)}, {0.1, math.NaN()},
	} {
		func() {
			defer func() {
				msg, _ := recover().(string)
				if !strings.Contains(msg, "Lambda") || !strings.Contains(msg, "L2") {
					t.Errorf("Lambda %g, L2 %g: panic %q, want one naming Lambda and L2", c.lambda, c.l2, msg)
				}
			}()
			FISTA(&Problem{A: A, B: []float64{1, 1}, Lambda: c.lambda, L2: c.l2}, nil)
		}()
	}
}

// nanProx is a penalty whose prox returns NaN: a non-finite value that
// appears during iteration, not in the input.
type nanProx struct{}

func (nanProx) Prox(dst, v []float64, step float64) {
	for i := range dst {
		dst[i] = math.NaN()
	}
}
func (nanProx) Value(x []float64) float64 { return 0 }

// TestNonFiniteDuringIteration: the backtracking loop ends after its
// documented limit of trials with Failed when every trial is NaN, and
// honours a context canceled mid-run.
func TestNonFiniteDuringIteration(t *testing.T) {
	c := &Composite{A: mat.NewDense(3, 2, []float64{1, 2, 3, 4, 5, 6}), B: []float64{1, 0, 2}, G: nanProx{}}
	for name, solve := range map[string]func(*Composite, *Settings) (*Result, error){"ProxGradient": ProxGradient, "AccelProxGradient": AccelProxGradient} {
		within(t, name, func() {
			r, err := solve(c, nil)
			if r.Status != Failed || err == nil || !strings.Contains(err.Error(), "backtracking") || r.Updates != maxBacktrack {
				t.Errorf("%s: status %v, %d trials, err %v; want Failed after %d backtracking trials", name, r.Status, r.Updates, err, maxBacktrack)
			}
			if !allFinite(r.X) {
				t.Errorf("%s: X = %v, want the finite last iterate", name, r.X)
			}
		})
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		r, err := solve(c, &Settings{Context: ctx})
		if r.Status != Canceled || err != nil || r.Updates != 1 {
			t.Errorf("%s with a canceled context: status %v after %d trials, err %v; want Canceled after 1", name, r.Status, r.Updates, err)
		}
	}
}

// TestRelGap: RelGap is the measure the solvers stop on — at a solver's
// answer it equals Result.Gap (to 1e-12, CD keeps its residual
// incrementally) and the independent gonum formula peerGap (to 1e-12
// relative); at x = 0 with λ ≥ λ_max it is 0 to rounding (x = 0 is
// optimal), and a wrong length of x panics naming RelGap.
func TestRelGap(t *testing.T) {
	p, _ := problem(5, 60, 20, 4, 0.1, 0.2, nil)
	for name, solve := range map[string]func(*Problem, *Settings) (*Result, error){"FISTA": FISTA, "CD": CD} {
		r, err := solve(p, &Settings{Tol: 1e-6})
		if err != nil || r.Status != Converged {
			t.Fatalf("%s: %v %v", name, r.Status, err)
		}
		g := RelGap(p, r.X)
		if math.Abs(g-r.Gap) > 1e-12 || math.Abs(g-peerGap(p, r.X)) > 1e-12*math.Max(1, g) {
			t.Errorf("%s: RelGap %g, Result.Gap %g, peerGap %g", name, g, r.Gap, peerGap(p, r.X))
		}
	}
	lmax := &Problem{A: p.A, B: p.B, Lambda: 10 * p.Lambda / 0.2}
	if g := RelGap(lmax, make([]float64, 20)); math.Abs(g) > 1e-15 {
		t.Errorf("RelGap at x = 0 with λ > λ_max: %g, want 0 to rounding", g)
	}
	defer func() {
		if msg, _ := recover().(string); !strings.Contains(msg, "lasso.RelGap: len(x) = 3") {
			t.Errorf("RelGap with a short x: panic %q", msg)
		}
	}()
	RelGap(p, make([]float64, 3))
}

// TestCDEpochBudget: Settings.MaxIter is CD's budget of epochs (d
// coordinate updates each, scikit-learn's max_iter), working-set sweeps
// included. On a separable logistic problem with λ = 1e-4 the gap cannot
// reach Tol within the budget: the run must end MaxIterReached after at
// most (MaxIter+1)·d updates (one working-set sweep may cross the
// budget). Each outer round used to allow 1000 sweeps of its working set
// on top of MaxIter rounds — issue 18 measured 49,995,000 updates (24 s)
// with the defaults.
func TestCDEpochBudget(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 1))
	n, d := 200, 50
	A := mat.NewDense(n, d, nil)
	w := make([]float64, d)
	for j := range w {
		w[j] = r.NormFloat64()
	}
	b := make([]float64, n)
	for i := 0; i < n; i++ {
		var s float64
		for j := 0; j < d; j++ {
			v := r.NormFloat64()
			A.Set(i, j, v)
			s += v * w[j]
		}
		b[i] = math.Copysign(1, s) // separable: the logistic loss has no finite minimiser as λ → 0
	}
	for _, rule := range []Rule{Cyclic, Random} {
		for _, maxIter := range []int{20, 300} {
			res, err := CD(&Problem{A: A, B: b, Loss: Logistic, Lambda: 1e-4}, &Settings{Rule: rule, MaxIter: maxIter, Seed: 1})
			if err != nil || res.Status != MaxIterReached || res.Updates > (maxIter+1)*d {
				t.Errorf("%v, MaxIter %d: %v after %d updates (%v); want MaxIterReached within %d", rule, maxIter, res.Status, res.Updates, err, (maxIter+1)*d)
			}
		}
	}
}
