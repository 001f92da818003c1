package lasso

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/gomx-dev/gomx/mathx/prox"
	"gonum.org/v1/gonum/mat"
)

// solverTable is every exported solver of the package, as a function of
// a lasso Problem (the composite ones with G = λ‖·‖₁).
func solverTable() []struct {
	name  string
	solve func(p *Problem, s *Settings) (*Result, error)
} {
	cd := func(rule Rule, full bool) func(p *Problem, s *Settings) (*Result, error) {
		return func(p *Problem, s *Settings) (*Result, error) {
			s.Rule, s.FullSweeps = rule, full
			return CD(p, s)
		}
	}
	composite := func(accel bool) func(p *Problem, s *Settings) (*Result, error) {
		return func(p *Problem, s *Settings) (*Result, error) {
			c := &Composite{A: p.A, B: p.B, G: prox.Scale{F: prox.L1{}, Lambda: p.Lambda}}
			if accel {
				return AccelProxGradient(c, s)
			}
			return ProxGradient(c, s)
		}
	}
	return []struct {
		name  string
		solve func(p *Problem, s *Settings) (*Result, error)
	}{
		{"ISTA", ISTA}, {"FISTA", FISTA},
		{"CD", cd(Cyclic, false)}, {"CD/Random", cd(Random, false)}, {"CD/FullSweeps", cd(Cyclic, true)},
		{"CD/GaussSouthwell", cd(GaussSouthwell, false)}, {"CD/GaussSouthwellLipschitz", cd(GaussSouthwellLipschitz, false)},
		{"ProxGradient", composite(false)}, {"AccelProxGradient", composite(true)},
	}
}

// TestPropertyBadInput is issue 18's property test for lasso: every
// solver on zeros, one element, duplicated rows and columns, NaN, ±Inf
// and scales 1e±300 in A or b returns within a second; when it says
// Converged, X is finite and optimal by an independent check (peerGap,
// the relative duality gap written with gonum, ≤ 1e-6, or the closed
// form); otherwise Failed comes with an error.
func TestPropertyBadInput(t *testing.T) {
	base := []float64{1, 2, 3, 4, 5, 7}
	scaled := func(a []float64, f float64) []float64 {
		out := make([]float64, len(a))
		for i, v := range a {
			out[i] = v * f
		}
		return out
	}
	b := []float64{1, -1, 2}
	cases := []struct {
		name  string
		n, d  int
		a, b  []float64
		exact []float64 // the solution, when it is unique and known
		tol   float64   // absolute tolerance on exact (0: 1e-6)
		// gapBlind: λ is below the rounding of Aᵀr, so no duality gap
		// can be certified; MaxIterReached is the honest outcome, with X
		// at the (least-squares) solution.
		gapBlind bool
	}{
		{"A zero", 3, 2, make([]float64, 6), b, []float64{0, 0}, 0, false},
		{"b zero", 3, 2, base, []float64{0, 0, 0}, []float64{0, 0}, 0, false},
		// 1×1: x = soft(ab/n, λ)/(a²/n) = soft(6, 0.1)/4.
		{"one element", 1, 1, []float64{2}, []float64{3}, []float64{5.9 / 4}, 0, false},
		{"duplicated rows", 3, 2, []float64{1, 2, 1, 2, 3, 1}, b, nil, 0, false},
		{"duplicated columns", 3, 2, []float64{1, 1, 2, 2, 3, 3}, b, nil, 0, false},
		{"NaN in A", 3, 2, []float64{1, 2, math.NaN(), 4, 5, 7}, b, nil, 0, false},
		{"+Inf in b", 3, 2, base, []float64{1, math.Inf(1), 2}, nil, 0, false},
		{"-Inf in A", 3, 2, []float64{1, 2, 3, 4, 5, math.Inf(-1)}, b, nil, 0, false},
		{"A 1e300", 3, 2, scaled(base, 1e300), b, nil, 0, false},
		// λ_max = ‖Aᵀb‖∞/n is below λ: x = 0.
		{"A 1e-300", 3, 2, scaled(base, 1e-300), b, []float64{0, 0}, 0, false},
		{"b 1e300", 3, 2, base, scaled(b, 1e300), nil, 0, false},
		{"b 1e-300", 3, 2, base, scaled(b, 1e-300), []float64{0, 0}, 0, false},
		// λ = 0.1 is 1e-150 of the data's scale: x is the least-squares
		// solution (AᵀA)⁻¹Aᵀb = (5/3, −1/3)·1e-150 (AᵀA = [2 1; 1 2],
		// Aᵀb = (3, 1) for the unscaled A).
		{"A 1e150", 3, 2, scaled([]float64{1, 0, 0, 1, 1, 1}, 1e150), b, []float64{5.0 / 3 * 1e-150, -1.0 / 3 * 1e-150}, 1e-160, true},
	}
	for _, c := range cases {
		for _, sv := range solverTable() {
			name := fmt.Sprintf("%s/%s", sv.name, c.name)
			p := &Problem{A: mat.NewDense(c.n, c.d, append([]float64(nil), c.a...)), B: append([]float64(nil), c.b...), Lambda: 0.1}
			var r *Result
			var err error
			start := time.Now()
			within(t, name, func() {
				defer func() {
					if e := recover(); e != nil {
						err = fmt.Errorf("panic: %v", e)
					}
				}()
				r, err = sv.solve(p, &Settings{Seed: 1, MaxIter: 1000})
			})
			switch {
			case r == nil:
				t.Errorf("%s: no result (%v)", name, err)
			case r.Status == Failed:
				if err == nil {
					t.Errorf("%s: Failed without an error", name)
				}
			case err != nil:
				t.Errorf("%s: status %v with error %v", name, r.Status, err)
			case r.Status != Converged && !(c.gapBlind && r.Status == MaxIterReached):
				t.Errorf("%s: status %v after %d iterations (%v), want Converged or Failed", name, r.Status, r.Iterations, time.Since(start))
			case !allFinite(r.X):
				t.Errorf("%s: %v with X = %v", name, r.Status, r.X)
			case c.exact != nil:
				tol := c.tol
				if tol == 0 {
					tol = 1e-6
				}
				for j, v := range c.exact {
					if math.Abs(r.X[j]-v) > tol {
						t.Errorf("%s: %v with X = %v, want %v", name, r.Status, r.X, c.exact)
						break
					}
				}
			default:
				if g := peerGap(p, r.X); !(g <= 1e-6) {
					t.Errorf("%s: Converged with X = %v, independent relative gap %g", name, r.X, g)
				}
			}
		}
	}
}

// TestPropertyGap covers Gap and RelGap on issue 18's inputs: NaN or ±Inf
// in A, b or x gives NaN (before, x = 0 with a NaN in A gave P = D and a
// relative gap of 0, "optimal"); zero data gives 0; one entry and scales
// 1e±150 give the closed form; the primal at a point beyond the range
// overflows to +Inf and the relative gap is then NaN, never 0.
func TestPropertyGap(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	A := mat.NewDense(3, 2, []float64{1, 2, 3, 4, 5, 6})
	b := []float64{1, 2, 3}
	nonFinite := []struct {
		name string
		A    *mat.Dense
		b, x []float64
	}{
		{"NaN in A at x = 0", mat.NewDense(1, 1, []float64{nan}), []float64{1}, []float64{0}},
		{"+Inf in A", mat.NewDense(3, 2, []float64{1, 2, inf, 4, 5, 6}), b, []float64{0.1, 0}},
		{"NaN in b", A, []float64{nan, 2, 3}, []float64{0, 0}},
		{"NaN in x", A, b, []float64{nan, 0.2}},
		{"-Inf in x", A, b, []float64{0, -inf}},
	}
	for _, c := range nonFinite {
		for _, loss := range []Loss{Squared, Logistic} {
			bb := c.b
			if loss == Logistic {
				bb = make([]float64, len(c.b))
				for i, v := range c.b {
					bb[i] = 1
					if v != v {
						bb[i] = v
					}
				}
			}
			p := &Problem{A: c.A, B: bb, Lambda: 0.1, Loss: loss}
			name := fmt.Sprintf("%s/%v", c.name, loss)
			var P, D, g float64
			err := callPromptly(t, name, func() { P, D = Gap(p, c.x); g = RelGap(p, c.x) })
			if strings.Contains(c.name, "in b") && loss == Logistic {
				// A NaN label is a programmer error for the logistic loss.
				if err == nil || !strings.Contains(err.Error(), "b[0] = NaN") {
					t.Errorf("%s: %v, want a panic naming b[0]", name, err)
				}
				continue
			}
			if err != nil || !math.IsNaN(P) || !math.IsNaN(D) || !math.IsNaN(g) {
				t.Errorf("%s: P %g, D %g, RelGap %g (%v); want NaN", name, P, D, g, err)
			}
		}
	}
	// One entry a, b = a·y, λ (n = 1): ½a²(y − x)² + λ|x| is least at
	// x* = y − λ/a², where the gap is 0, at every scale of a.
	for _, s := range []float64{1e-150, 1, 1e150} {
		a, y, lambda := 2*s, 3.0, 0.5*s*s // x* = 3 − 0.5s²/(4s²) = 2.875
		p := &Problem{A: mat.NewDense(1, 1, []float64{a}), B: []float64{a * y}, Lambda: lambda}
		if g := RelGap(p, []float64{2.875}); !(math.Abs(g) <= 1e-14) {
			t.Errorf("RelGap at the solution, scale %g: %g", s, g)
		}
	}
	if P, D := Gap(&Problem{A: mat.NewDense(2, 1, nil), B: []float64{0, 0}, Lambda: 1}, []float64{0}); P != 0 || D != 0 {
		t.Errorf("Gap on zero data: %g, %g", P, D)
	}
	p := &Problem{A: mat.NewDense(1, 1, []float64{1e200}), B: []float64{1e200}, Lambda: 0.1}
	if P, g := func() (float64, float64) { P, _ := Gap(p, []float64{0.5}); return P, RelGap(p, []float64{0.5}) }(); !math.IsInf(P, 1) || g == 0 {
		t.Errorf("Gap beyond the range: P %g, RelGap %g; want +Inf and not 0", P, g)
	}
}

// callPromptly is within with a panic turned into an error.
func callPromptly(t *testing.T, name string, f func()) (err error) {
	t.Helper()
	within(t, name, func() {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("panic: %v", r)
			}
		}()
		f()
	})
	return err
}

// TestPropertyNames: Loss.String and Rule.String name every constant and
// any other value as Type(n), negative ones included.
func TestPropertyNames(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{Squared.String(), "Squared"}, {Logistic.String(), "Logistic"}, {Loss(-1).String(), "Loss(-1)"}, {Loss(7).String(), "Loss(7)"},
		{Cyclic.String(), "Cyclic"}, {Random.String(), "Random"}, {GaussSouthwell.String(), "GaussSouthwell"},
		{GaussSouthwellLipschitz.String(), "GaussSouthwellLipschitz"}, {Rule(-2).String(), "Rule(-2)"}, {Rule(9).String(), "Rule(9)"},
	} {
		if c.got != c.want {
			t.Errorf("String() = %q, want %q", c.got, c.want)
		}
	}
}
