package ot

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"gonum.org/v1/gonum/mat"

	"github.com/gomx-dev/gomx/mathx/internal/mathxtest"
)

// TestInfeasible is issue 18's repro: a row (or column) of M that is +Inf
// wherever the other marginal has mass admits no plan, nor does a set of
// rows (or columns) with more mass than the points they have finite
// costs to (Hall's condition; those ended MaxIterReached). SNS panicked with
// index out of range [-1]; SinkhornLog and SinkhornStabilized returned
// MaxIterReached with a NaN row in the plan. Every entropic solver must
// return within a second with Status Failed and ErrInfeasible naming the
// row or column (indices of the caller's M, also when zero-mass points
// are removed first).
func TestInfeasible(t *testing.T) {
	inf := math.Inf(1)
	third := []float64{1.0 / 3, 1.0 / 3, 1.0 / 3}
	cases := []struct {
		name string
		a, b []float64
		M    []float64
		want string
	}{
		{"row", third, third, []float64{0, 1, 2, inf, inf, inf, 2, 1, 0}, "row 1 of M"},
		{"column", third, third, []float64{0, inf, 2, 1, inf, 1, 2, inf, 0}, "column 1 of M"},
		// Row 2 is finite only at column 0, which has no mass.
		{"row, zero-mass column", third, []float64{0, 0.5, 0.5}, []float64{0, 1, 2, 1, 0, 1, 0, inf, inf}, "row 2 of M"},
		// Every cost +Inf: the offset removed before solving was +Inf and
		// turned M into NaN (Sinkhorn then reported kernel underflow).
		{"every cost", third, third, []float64{inf, inf, inf, inf, inf, inf, inf, inf, inf}, "row 0 of M"},
		// Hall's condition: rows 0 and 1 (mass 2/3) have finite costs only
		// in column 0 (mass 1/3); no row or column is +Inf throughout.
		{"Hall rows", third, third, []float64{0, inf, inf, 1, inf, inf, 2, 1, 0}, "rows [0 1] of M (mass 0.6666666666666666) have finite costs only to columns [0]"},
		// By columns: column 3 (mass 0.5) is finite only from row 0 (mass
		// 0.25), with a zero-mass row and column removed first; rows 2 and
		// 3 (the caller's indices) cannot all be served.
		{"Hall columns, zero-mass points", []float64{0.25, 0, 0.25, 0.5}, []float64{0.25, 0.25, 0, 0.5},
			[]float64{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, inf, 0, 0, 0, inf}, "2 3] of M"},
	}
	for _, c := range cases {
		for _, sv := range entropic {
			name := sv.name + "/" + c.name
			done := make(chan struct{}, 1) // (the package's tests define their own close)
			go func() {
				defer func() { done <- struct{}{} }()
				r, err := sv.fn(c.a, c.b, mat.NewDense(len(c.a), len(c.b), c.M), 0.1, nil)
				if r == nil || r.Status != Failed || !errors.Is(err, ErrInfeasible) || !strings.Contains(err.Error(), c.want) {
					t.Errorf("%s: status %v, err %v; want Failed, ErrInfeasible naming %q", name, r.Status, err, c.want)
				}
				if r != nil && r.Plan != nil {
					t.Errorf("%s: a plan %v on an infeasible problem", name, r.Plan)
				}
			}()
			select {
			case <-done:
			case <-time.After(time.Second):
				t.Fatalf("%s: no return within 1 s", name)
			}
		}
	}
}

// TestNonFiniteDuringRun checks the guards behind the feasibility test:
// SinkhornLog's and SinkhornStabilized's loops, run on an infeasible
// problem directly (past solve's check), stop at the first NaN marginal
// error instead of running to MaxIter; and solve turns potentials that
// give a non-finite plan into Failed without a plan.
func TestNonFiniteDuringRun(t *testing.T) {
	inf := math.Inf(1)
	third := []float64{1.0 / 3, 1.0 / 3, 1.0 / 3}
	M := mat.NewDense(3, 3, []float64{0, 1, 2, inf, inf, inf, 2, 1, 0})
	for name, run := range map[string]solver{"sinkhornLog": sinkhornLog, "sinkhornStabilized": sinkhornStabilized} {
		p := &problem{a: third, b: third, M: rawOf(M), reg: 0.1, mass: 1}
		p.ch = newChunking(3, 3)
		res := &Result{}
		_, _, err := run(p, resolve(nil, 10000), res)
		if err == nil || !strings.Contains(err.Error(), "NaN") || res.Iterations+res.Fallbacks > 1 {
			t.Errorf("%s: err %v after %d iterations and %d fallbacks; want a NaN marginal error at the first", name, err, res.Iterations, res.Fallbacks)
		}
	}
	nanPotentials := func(p *problem, c config, res *Result) (f, g []float64, err error) {
		f, g = make([]float64, p.M.n), make([]float64, p.M.m)
		f[1] = math.NaN()
		res.Status = Converged
		return f, g, nil
	}
	r, err := solve("test", third, third, mat.NewDense(3, 3, []float64{0, 1, 2, 1, 0, 1, 2, 1, 0}), 0.1, nil, 10, nanPotentials)
	if r.Status != Failed || r.Plan != nil || err == nil || !strings.Contains(err.Error(), "P[1,0] = NaN") {
		t.Errorf("NaN potentials: status %v, plan %v, err %v; want Failed, no plan, an error naming P[1,0]", r.Status, r.Plan, err)
	}
}

// TestSNSSmallReg: SNS and the other entropic solvers on n = m = 60 for
// ε from 1e-1 to 1e-5 of the cost range (squared Euclidean costs of
// uniform points, random marginals) end Converged or MaxIterReached,
// without an error, with a finite plan, and report Converged only when the
// returned plan's l1 marginal error, recomputed here, is within Tol (plus
// the rounding of its sums); MaxIterReached only when the last recorded
// error is above Tol. The measured range where SNS converges at n = 300
// is in SNS's doc (go run ./bench/otscale -sns).
func TestSNSSmallReg(t *testing.T) {
	const n, tol = 60, 1e-9
	a, b, M, _ := cloud(18, n, n)
	span := mat.Max(M) - mat.Min(M)
	for _, s := range entropic {
		for _, rel := range []float64{1e-1, 1e-2, 1e-3, 1e-4, 1e-5} {
			name := fmt.Sprintf("%s ε=%g·range", s.name, rel)
			var r *Result
			var err error
			if perr := mathxtest.Promptly(t, name, func() { r, err = s.fn(a, b, M, rel*span, &Settings{Tol: tol, MaxIter: 300}) }); perr != nil {
				t.Errorf("%s: %v", name, perr)
				continue
			}
			if err != nil || (r.Status != Converged && r.Status != MaxIterReached) || r.Plan == nil {
				if s.name == "Sinkhorn" && errors.Is(err, ErrUnderflow) {
					continue // the scaling-domain solver's documented failure at small ε
				}
				t.Errorf("%s: %v, %v", name, r.Status, err)
				continue
			}
			e := 0.0
			col := make([]float64, n)
			for i := 0; i < n; i++ {
				row := 0.0
				for j, v := range r.Plan.RawRowView(i) {
					if v-v != 0 {
						t.Fatalf("%s: P[%d,%d] = %v", name, i, j, v)
					}
					row += v
					col[j] += v
				}
				e += math.Abs(row - a[i])
			}
			for j, c := range col {
				e += math.Abs(c - b[j])
			}
			last := r.History[len(r.History)-1]
			switch {
			case r.Status == Converged && !(e <= tol+1e-13*2*n):
				t.Errorf("%s: Converged with a plan whose l1 marginal error is %g > Tol %g", name, e, tol)
			case r.Status == MaxIterReached && !(last > tol):
				t.Errorf("%s: MaxIterReached with a last marginal error %g ≤ Tol", name, last)
			}
		}
	}
}
