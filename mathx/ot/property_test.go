package ot

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/gomx-dev/gomx/mathx/internal/mathxtest"
	"gonum.org/v1/gonum/mat"
)

// TestPropertyBadInput is issue 18's property test for the OT solvers.
// Every entropic solver and EMD, on zero costs, one point, duplicated
// points, forbidden (+Inf) pairs feasible and infeasible, zero-mass
// points and cost or mass scales 1e±300, returns within a second; Failed
// comes with an error; anything else has a finite, non-negative plan,
// a finite cost, and — when Converged — marginals met to 1e-6 of the
// mass. Where the answer is known it is checked: a zero or constant cost,
// or one point, gives the independent coupling a_i·b_j/mass for the
// entropic solvers (its cost is the constant). EMD takes +Inf as a
// forbidden pair like the entropic solvers.
func TestPropertyBadInput(t *testing.T) {
	inf := math.Inf(1)
	third := []float64{1.0 / 3, 1.0 / 3, 1.0 / 3}
	tiny := []float64{1e-300, 2e-300, 1e-300}
	huge := []float64{1e300, 2e300, 1e300}
	dense := func(n, m int, v ...float64) *mat.Dense { return mat.NewDense(n, m, v) }
	spread := []float64{0, 1, 2, 1, 0, 1, 2, 1, 0}
	scaled := func(f, off float64) []float64 {
		out := make([]float64, len(spread))
		for i, v := range spread {
			out[i] = off + f*v
		}
		return out
	}
	cases := []struct {
		name        string
		a, b        []float64
		M           *mat.Dense
		reg         float64
		independent bool // the plan is a_i·b_j/mass
		infeasible  bool // every solver must fail with ErrInfeasible
	}{
		{"zero cost", third, third, dense(3, 3, make([]float64, 9)...), 1, true, false},
		{"constant cost 1e300", third, third, dense(3, 3, scaled(0, 1e300)...), 1, true, false},
		{"one point", []float64{2}, []float64{2}, dense(1, 1, 5), 0.1, true, false},
		{"one row", []float64{1}, []float64{0.25, 0.75}, dense(1, 2, 3, 1), 0.1, true, false},
		{"duplicated points", third, third, dense(3, 3, 0, 1, 1, 0, 1, 1, 2, 0, 0), 0.1, false, false},
		{"forbidden pairs", third, third, dense(3, 3, inf, 1, 2, 1, inf, 1, 2, 1, inf), 0.1, false, false},
		{"infeasible row", third, third, dense(3, 3, 0, 1, 2, inf, inf, inf, 2, 1, 0), 0.1, false, true},
		{"infeasible column", third, third, dense(3, 3, inf, 1, 2, inf, 0, 1, inf, 1, 0), 0.1, false, true},
		{"zero-mass points", []float64{0, 0.5, 0.5}, []float64{0.5, 0, 0.5}, dense(3, 3, spread...), 0.1, false, false},
		{"cost 1e300", third, third, dense(3, 3, scaled(1e300, 0)...), 1e299, false, false},
		{"cost 1e-300", third, third, dense(3, 3, scaled(1e-300, 0)...), 1e-301, false, false},
		{"cost offset 1e300", third, third, dense(3, 3, scaled(1, 1e300)...), 0.1, false, false},
		{"small reg", third, third, dense(3, 3, spread...), 1e-300, false, false},
		{"mass 1e-300", tiny, tiny, dense(3, 3, spread...), 0.1, false, false},
		{"mass 1e300", huge, huge, dense(3, 3, spread...), 0.1, false, false},
	}
	type solverFn func(a, b []float64, M *mat.Dense, reg float64, s *Settings) (*Result, error)
	solvers := []struct {
		name string
		fn   solverFn
	}{
		{"Sinkhorn", Sinkhorn}, {"SinkhornLog", SinkhornLog}, {"SinkhornStabilized", SinkhornStabilized}, {"SNS", SNS},
		{"EMD", func(a, b []float64, M *mat.Dense, reg float64, s *Settings) (*Result, error) { return EMD(a, b, M, s) }},
	}
	for _, c := range cases {
		var mass float64
		for _, x := range c.a {
			mass += x
		}
		for _, sv := range solvers {
			name := sv.name + "/" + c.name
			var r *Result
			var err error
			perr := mathxtest.Promptly(t, name, func() { r, err = sv.fn(c.a, c.b, c.M, c.reg, nil) })
			if perr != nil {
				t.Errorf("%s: %v", name, perr)
				continue
			}
			if c.infeasible {
				if r.Status != Failed || err == nil || !strings.Contains(err.Error(), "infeasible") {
					t.Errorf("%s: status %v, err %v; want Failed, infeasible", name, r.Status, err)
				}
				continue
			}
			if r.Status == Failed {
				if err == nil || r.Plan != nil {
					t.Errorf("%s: Failed with err %v and plan %v", name, err, r.Plan)
				}
				continue
			}
			if err != nil {
				t.Errorf("%s: status %v with error %v", name, r.Status, err)
				continue
			}
			n, m := c.M.Dims()
			bad := false
			for _, x := range r.Plan.RawMatrix().Data {
				if !(x >= 0) || math.IsInf(x, 0) {
					bad = true
				}
			}
			if bad || math.IsNaN(r.Cost) || math.IsInf(r.Cost, 0) {
				t.Errorf("%s: %v with plan %v, cost %g", name, r.Status, r.Plan.RawMatrix().Data, r.Cost)
				continue
			}
			if r.Status == Converged && r.RowErr+r.ColErr > 1e-6*mass {
				t.Errorf("%s: Converged with marginal error %g (mass %g)", name, r.RowErr+r.ColErr, mass)
			}
			if c.independent && sv.name != "EMD" {
				for i := 0; i < n; i++ {
					for j := 0; j < m; j++ {
						if want := c.a[i] * c.b[j] / mass; math.Abs(r.Plan.At(i, j)-want) > 1e-12*mass {
							t.Errorf("%s: P[%d,%d] = %g, want a_i·b_j/mass = %g", name, i, j, r.Plan.At(i, j), want)
						}
					}
				}
			}
		}
	}
}

// TestBadArguments: programmer errors (reg ≤ 0, NaN or +Inf, shapes)
// panic naming the argument; bad data (a NaN or −Inf cost, a marginal
// entry NaN, ±Inf or negative, unequal masses) gives Failed with an error
// naming the entry, for every solver (they panicked before). Unequal
// masses wrap ErrInfeasible; the mass tolerance is 1e-9 relative.
func TestBadArguments(t *testing.T) {
	third := []float64{1.0 / 3, 1.0 / 3, 1.0 / 3}
	M := func(k int, v float64) *mat.Dense {
		m := mat.NewDense(3, 3, []float64{0, 1, 2, 1, 0, 1, 2, 1, 0})
		m.Set(k/3, k%3, v)
		return m
	}
	good := M(0, 0)
	panics := []struct {
		name string
		f    func()
		want string
	}{
		{"reg 0", func() { Sinkhorn(third, third, good, 0, nil) }, "reg = 0"},
		{"reg NaN", func() { Sinkhorn(third, third, good, math.NaN(), nil) }, "reg = NaN"},
		{"reg +Inf", func() { SinkhornLog(third, third, good, math.Inf(1), nil) }, "reg = +Inf"},
		{"shape", func() { SNS(third, third[:2], good, 1, nil) }, "len(b) = 2"},
		{"EMD shape", func() { EMD(third[:2], third, good, nil) }, "len(a) = 2"},
	}
	for _, c := range panics {
		err := mathxtest.Promptly(t, c.name, c.f)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want a panic naming %q", c.name, err, c.want)
		}
	}
	solvers := append(entropic[:len(entropic):len(entropic)], struct {
		name string
		fn   solverFunc
	}{"EMD", func(a, b []float64, M *mat.Dense, reg float64, s *Settings) (*Result, error) { return EMD(a, b, M, s) }})
	data := []struct {
		name string
		a, b []float64
		M    *mat.Dense
		want string
	}{
		{"NaN cost", third, third, M(4, math.NaN()), "M[1,1] = NaN"},
		{"-Inf cost", third, third, M(5, math.Inf(-1)), "M[1,2] = -Inf"},
		{"NaN mass", []float64{math.NaN(), 0.5, 0.5}, third, good, "a[0] = NaN"},
		{"Inf mass", third, []float64{0, math.Inf(1), 0}, good, "b[1] = +Inf"},
		{"negative mass", []float64{1.5, -0.5, 0}, third, good, "a[1] = -0.5"},
		{"unequal mass", third, []float64{1, 1, 1}, good, "masses"},
		{"zero mass", make([]float64, 3), make([]float64, 3), good, "masses"},
		{"mass overflows", []float64{1e308, 1e308, 0}, []float64{0, 1e308, 1e308}, good, "masses +Inf and +Inf"},
	}
	for _, c := range data {
		for _, sv := range solvers {
			name := sv.name + "/" + c.name
			var r *Result
			var err error
			if perr := mathxtest.Promptly(t, name, func() { r, err = sv.fn(c.a, c.b, c.M, 1, nil) }); perr != nil {
				t.Errorf("%s: %v", name, perr)
				continue
			}
			if r.Status != Failed || r.Plan != nil || err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("%s: %v, %v; want Failed naming %q", name, r.Status, err, c.want)
			}
			if strings.Contains(c.want, "masses") && !errors.Is(err, ErrInfeasible) {
				t.Errorf("%s: %v does not wrap ErrInfeasible", name, err)
			}
		}
	}
}

// TestMassScaleInvariance: scaling a and b by s scales the entropic plan
// by s exactly in exact arithmetic (P = exp((f+g−M)/reg) with f shifted
// by reg·log s), and Settings.Tol is relative to the mass, so every
// solver takes the same iterations, ends with the same status and returns
// s times the plan of the unit-mass problem, for s from 1e-300 to 1e300
// (before, the absolute tolerance made mass 1e-300 stop Converged after
// one iteration at a relative marginal error of 5e-5, and SNS dropped
// every plan entry below e^−64 and squared its residuals in CG, so it took
// 1020 iterations at 1e-300 and 262 at 1e300 instead of 22).
func TestMassScaleInvariance(t *testing.T) {
	a, b, M, mx := cloud(7, 6, 5)
	for _, sv := range entropic {
		ref, err := sv.fn(a, b, M, 0.05*mx, nil)
		if err != nil || ref.Status != Converged {
			t.Fatalf("%s: unit mass: %v %v", sv.name, ref.Status, err)
		}
		for _, s := range []float64{1e-300, 1e-150, 1e-5, 1e5, 1e150, 1e300} {
			as, bs := make([]float64, len(a)), make([]float64, len(b))
			for i, x := range a {
				as[i] = s * x
			}
			for j, x := range b {
				bs[j] = s * x
			}
			r, err := sv.fn(as, bs, M, 0.05*mx, nil)
			if err != nil || r.Status != ref.Status || r.Iterations != ref.Iterations {
				t.Errorf("%s, mass ×%g: %v after %d iterations (%v), unit mass: %v after %d", sv.name, s, r.Status, r.Iterations, err, ref.Status, ref.Iterations)
				continue
			}
			if r.RowErr+r.ColErr > 1e-9*s {
				t.Errorf("%s, mass ×%g: marginal error %g", sv.name, s, r.RowErr+r.ColErr)
			}
			// Dual = Objective at the optimum: the constant is reg·Σa
			// (it was reg, off by reg·(1 − s)).
			if gap := r.Objective - r.Dual; math.Abs(gap) > 1e-9*(math.Abs(r.Objective)+0.05*mx*s) {
				t.Errorf("%s, mass ×%g: objective %g, dual %g", sv.name, s, r.Objective, r.Dual)
			}
			n, m := M.Dims()
			for i := 0; i < n; i++ {
				for j := 0; j < m; j++ {
					if d := math.Abs(r.Plan.At(i, j)/s - ref.Plan.At(i, j)); d > 1e-9 {
						t.Fatalf("%s, mass ×%g: P[%d,%d]/s = %g, unit mass %g", sv.name, s, i, j, r.Plan.At(i, j)/s, ref.Plan.At(i, j))
					}
				}
			}
		}
	}
}

// TestPropertyCosts covers the cost builders (Dist with each metric,
// Minkowski, PowCost, GridPoints, GridDist) on issue 18's inputs: one
// point, duplicated points, scales 1e-300 to 1e300 (closed forms; the
// distances are exact at every scale, the squared Euclidean cost is +Inf
// or 0 only where its true value is beyond the float64 range), NaN and
// ±Inf coordinates (NaN, or +Inf against a finite point), and panics
// naming the argument for shapes and p < 1.
func TestPropertyCosts(t *testing.T) {
	inf, nan := math.Inf(1), math.NaN()
	type ccase struct {
		name                string
		xs, xt              *mat.Dense
		sq, eu, city, mink3 []float64 // row-major; mink3 is Minkowski p = 3
	}
	pt := func(v ...float64) *mat.Dense { return mat.NewDense(len(v)/2, 2, v) }
	cases := []ccase{
		{"one point", mat.NewDense(1, 1, []float64{3}), mat.NewDense(1, 1, []float64{-1}), []float64{16}, []float64{4}, []float64{4}, []float64{4}},
		{"duplicated points", pt(1, 2, 1, 2), pt(1, 2), []float64{0, 0}, []float64{0, 0}, []float64{0, 0}, []float64{0, 0}},
		{"NaN", pt(nan, 0, 1, 1), pt(0, 0), []float64{nan, 2}, []float64{nan, math.Sqrt2}, []float64{nan, 2}, []float64{nan, math.Cbrt(2)}},
		{"+Inf vs finite", pt(inf, 0), pt(0, 0, -inf, 1), []float64{inf, inf}, []float64{inf, inf}, []float64{inf, inf}, []float64{inf, inf}},
		{"+Inf vs +Inf", pt(inf, 0), pt(inf, 0), []float64{nan}, []float64{nan}, []float64{nan}, []float64{nan}},
	}
	for _, s := range []float64{1e-300, 1e-200, 1e-160, 1e150, 1e200, 1e300} {
		// (3s, 4s) against the origin and against itself.
		sq := 25 * s * s
		if sq < 0x1p-1022 {
			sq = -1 // subnormal or 0: only ≥ 0 and < 2⁻¹⁰²² is checked
		}
		cases = append(cases, ccase{fmt.Sprintf("scale %g", s), pt(3*s, 4*s), pt(0, 0, 3*s, 4*s),
			[]float64{sq, 0}, []float64{5 * s, 0}, []float64{7 * s, 0}, []float64{math.Cbrt(91) * s, 0}})
	}
	near := func(got, want float64) bool {
		switch {
		case want == -1:
			return got >= 0 && got < 0x1p-1022
		case math.IsNaN(want) || math.IsInf(want, 0):
			return got == want || math.IsNaN(got) && math.IsNaN(want)
		}
		return math.Abs(got-want) <= 1e-15*want
	}
	for _, c := range cases {
		for _, op := range []struct {
			name string
			f    func() *mat.Dense
			want []float64
		}{
			{"SqEuclidean", func() *mat.Dense { return Dist(c.xs, c.xt, SqEuclidean) }, c.sq},
			{"Euclidean", func() *mat.Dense { return Dist(c.xs, c.xt, Euclidean) }, c.eu},
			{"Cityblock", func() *mat.Dense { return Dist(c.xs, c.xt, Cityblock) }, c.city},
			{"Minkowski3", func() *mat.Dense { return Minkowski(c.xs, c.xt, 3) }, c.mink3},
			{"Minkowski1", func() *mat.Dense { return Minkowski(c.xs, c.xt, 1) }, c.city},
		} {
			name := op.name + "/" + c.name
			var C *mat.Dense
			if err := mathxtest.Promptly(t, name, func() { C = op.f() }); err != nil {
				t.Errorf("%s: %v", name, err)
				continue
			}
			for k, w := range op.want {
				if got := C.RawMatrix().Data[k]; !near(got, w) {
					t.Errorf("%s: C[%d] = %g, want %g", name, k, got, w)
				}
			}
		}
	}
	// PowCost keeps 0, +Inf and NaN; the grid helpers on a single pixel.
	P := PowCost(mat.NewDense(1, 4, []float64{0, 2, inf, nan}), 2)
	if got := P.RawMatrix().Data; got[0] != 0 || got[1] != 4 || got[2] != inf || !math.IsNaN(got[3]) {
		t.Errorf("PowCost: %v", got)
	}
	if g := GridDist(1, 2, Euclidean).RawMatrix().Data; !near(g[0], 0) || !near(g[1], 1) || !near(g[2], 1) || !near(g[3], 0) {
		t.Errorf("GridDist(1, 2): %v", g)
	}
	panics := []struct {
		name string
		f    func()
		want string
	}{
		{"Dist shapes", func() { Dist(pt(0, 0), mat.NewDense(1, 3, nil), Euclidean) }, "xt is 1×3"},
		{"Dist metric", func() { Dist(pt(0, 0), pt(0, 0), Metric(7)) }, "unknown metric 7"},
		{"Minkowski p", func() { Minkowski(pt(0, 0), pt(0, 0), 0.5) }, "p = 0.5"},
		{"Minkowski NaN p", func() { Minkowski(pt(0, 0), pt(0, 0), nan) }, "p = NaN"},
		{"GridPoints", func() { GridPoints(0, 3) }, "0×3 grid"},
		{"GridDist", func() { GridDist(2, -1, SqEuclidean) }, "2×-1 grid"},
	}
	for _, c := range panics {
		if err := mathxtest.Promptly(t, c.name, c.f); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want a panic naming %q", c.name, err, c.want)
		}
	}
}

// TestPropertyWasserstein1D: closed forms for one point, duplicated
// points and zero weights, points and masses at scales 1e-300 to 1e300,
// W_p^p beyond the float64 range +Inf; data problems (a NaN or ±Inf
// point, a negative, NaN or infinite weight, unequal or zero masses) give
// NaN and an error naming the entry; an empty distribution, p < 1 or a
// weight list of the wrong length panic naming the argument.
func TestPropertyWasserstein1D(t *testing.T) {
	inf, nan := math.Inf(1), math.NaN()
	type wcase struct {
		name    string
		u, v    []float64
		uw, vw  []float64
		p, want float64
		err     string // "" for no error
	}
	one := []float64{1}
	cases := []wcase{
		{"one point", []float64{1}, []float64{3}, nil, nil, 2, 4, ""},
		{"duplicated", []float64{2, 2, 2}, []float64{2, 5}, nil, nil, 1, 1.5, ""},
		{"duplicated p=2", []float64{2, 2, 2}, []float64{2, 5}, nil, nil, 2, 4.5, ""},
		{"zero weights", []float64{0, 10}, []float64{0}, []float64{1, 0}, []float64{1}, 1, 0, ""},
		{"W2² beyond range", []float64{1e300}, []float64{-1e300}, nil, nil, 2, inf, ""},
		{"same +Inf", []float64{inf, 1}, []float64{1, inf}, nil, nil, 1, nan, "u[0] = +Inf"},
		{"-Inf", []float64{0, 1}, []float64{1, -inf}, nil, nil, 1, nan, "v[1] = -Inf"},
		{"NaN point", []float64{nan, 1}, []float64{0, 1}, nil, nil, 1, nan, "u[0] = NaN"},
		{"negative weight", one, one, []float64{-1}, one, 1, nan, "uWeights[0] = -1"},
		{"NaN weight", one, []float64{1, 2}, one, []float64{0.5, nan}, 1, nan, "vWeights[1] = NaN"},
		{"+Inf weight", one, one, []float64{inf}, []float64{inf}, 1, nan, "uWeights[0] = +Inf"},
		{"unequal", one, one, one, []float64{2}, 1, nan, "masses 1 and 2"},
		{"zero mass", one, one, []float64{0}, []float64{0}, 1, nan, "masses 0 and 0"},
		{"masses overflow", []float64{1, 2}, []float64{1, 2}, []float64{1e308, 1e308}, []float64{1e308, 1e308}, 1, nan, "masses +Inf"},
	}
	for _, s := range []float64{1e-300, 1e-150, 1e150, 1e300} {
		cases = append(cases, wcase{fmt.Sprintf("scale %g", s), []float64{s, s}, []float64{3 * s}, nil, nil, 1, 2 * s, ""},
			// W_p^p scales with the mass, as POT's.
			wcase{fmt.Sprintf("mass %g", s), []float64{1, 1}, []float64{3}, []float64{s, s}, []float64{2 * s}, 1, 4 * s, ""})
	}
	cases = append(cases, wcase{"W2² at 1e150", []float64{1e150}, []float64{3e150}, nil, nil, 2, 4e300, ""})
	for _, c := range cases {
		var got float64
		var err error
		if perr := mathxtest.Promptly(t, c.name, func() { got, err = Wasserstein1D(c.u, c.v, c.uw, c.vw, c.p) }); perr != nil {
			t.Errorf("%s: %v", c.name, perr)
		} else if c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err) || !math.IsNaN(got)) {
			t.Errorf("%s: %g, %v, want NaN and an error naming %q", c.name, got, err, c.err)
		} else if c.err == "" && (err != nil || !(got == c.want || math.Abs(got-c.want) <= 1e-15*c.want)) {
			t.Errorf("%s: %g, %v, want %g", c.name, got, err, c.want)
		}
	}
	panics := []struct {
		name string
		f    func()
		want string
	}{
		{"empty", func() { Wasserstein1D(nil, one, nil, nil, 1) }, "empty"},
		{"p", func() { Wasserstein1D(one, one, nil, nil, 0.5) }, "p = 0.5"},
		{"p NaN", func() { Wasserstein1D(one, one, nil, nil, nan) }, "p = NaN"},
		{"lengths", func() { Wasserstein1D(one, one, []float64{0.5, 0.5}, nil, 1) }, "1 u values but 2 weights"},
	}
	for _, c := range panics {
		if err := mathxtest.Promptly(t, c.name, c.f); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want a panic naming %q", c.name, err, c.want)
		}
	}
}

// TestPropertyEntries: Result.Entries on a plan lists every entry ≥
// minValue in row-major order, none for a NaN or +Inf threshold, and
// nothing for a Failed result, which has no plan.
func TestPropertyEntries(t *testing.T) {
	half := []float64{0.5, 0.5}
	r, err := Sinkhorn(half, half, mat.NewDense(2, 2, []float64{0, 1, 1, 0}), 1, nil)
	if err != nil || r.Status != Converged {
		t.Fatalf("Sinkhorn: %v, %v", r.Status, err)
	}
	rows, cols, vals := r.Entries(0)
	if len(vals) != 4 || rows[1] != 0 || cols[1] != 1 || rows[2] != 1 || cols[2] != 0 || vals[1] != r.Plan.At(0, 1) {
		t.Errorf("Entries(0): %v %v %v", rows, cols, vals)
	}
	if rows, _, vals := r.Entries(r.Plan.At(0, 0)); len(vals) != 2 || rows[0] != 0 || rows[1] != 1 {
		t.Errorf("Entries(diagonal value): rows %v, vals %v", rows, vals)
	}
	for _, minValue := range []float64{math.NaN(), math.Inf(1)} {
		if rows, cols, vals := r.Entries(minValue); rows != nil || cols != nil || vals != nil {
			t.Errorf("Entries(%g): %v %v %v", minValue, rows, cols, vals)
		}
	}
	bad, err := Sinkhorn(half, half, mat.NewDense(2, 2, []float64{math.Inf(1), math.Inf(1), 0, 1}), 1, nil)
	if err == nil || bad.Status != Failed {
		t.Fatalf("infeasible Sinkhorn: %v, %v", bad.Status, err)
	}
	if rows, cols, vals := bad.Entries(0); rows != nil || cols != nil || vals != nil {
		t.Errorf("Entries of a Failed result: %v %v %v", rows, cols, vals)
	}
}

// TestPropertyNames: Metric.String spells the metrics as POT does and any
// other value as Metric(n).
func TestPropertyNames(t *testing.T) {
	for m, want := range map[Metric]string{SqEuclidean: "sqeuclidean", Euclidean: "euclidean", Cityblock: "cityblock", Metric(-1): "Metric(-1)", Metric(3): "Metric(3)"} {
		if got := m.String(); got != want {
			t.Errorf("Metric(%d).String() = %q, want %q", int(m), got, want)
		}
	}
}
