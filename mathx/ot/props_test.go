package ot

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/gomx-dev/gomx/mathx/interrupt"
)

type solverFunc func(a, b []float64, M *mat.Dense, reg float64, s *Settings) (*Result, error)

var entropic = []struct {
	name string
	fn   solverFunc
}{
	{"Sinkhorn", Sinkhorn}, {"SinkhornLog", SinkhornLog}, {"SinkhornStabilized", SinkhornStabilized}, {"SNS", SNS},
}

// cloud returns a random problem: marginals, squared Euclidean cost of
// random 2-D points, and max(M).
func cloud(seed uint64, n, m int) (a, b []float64, M *mat.Dense, maxM float64) {
	rng := rand.New(rand.NewPCG(seed, 11))
	xs, xt := mat.NewDense(n, 2, nil), mat.NewDense(m, 2, nil)
	for i := 0; i < n; i++ {
		xs.Set(i, 0, rng.Float64())
		xs.Set(i, 1, rng.Float64())
	}
	for j := 0; j < m; j++ {
		xt.Set(j, 0, rng.Float64())
		xt.Set(j, 1, rng.Float64())
	}
	M = Dist(xs, xt, SqEuclidean)
	return randSimplex(rng, n), randSimplex(rng, m), M, mat.Max(M)
}

func TestEntropicInvariants(t *testing.T) {
	for _, s := range entropic {
		for seed := uint64(1); seed <= 3; seed++ {
			a, b, M, mx := cloud(seed, 40, 30)
			reg := 0.02 * mx
			r, err := s.fn(a, b, M, reg, &Settings{Tol: 1e-11})
			if err != nil || r.Status != Converged {
				t.Fatalf("%s seed %d: %v %v", s.name, seed, err, r.Status)
			}
			if e := r.RowErr + r.ColErr; e > 2e-11 {
				t.Errorf("%s: marginal error %g", s.name, e)
			}
			n, m := M.Dims()
			var plogp, cost float64
			for i := 0; i < n; i++ {
				for j := 0; j < m; j++ {
					p := r.Plan.At(i, j)
					want := math.Exp((r.F[i] + r.G[j] - M.At(i, j)) / reg)
					if p < 0 || !close(p, want, 1e-15, 1e-12) {
						t.Fatalf("%s: P[%d,%d] = %v, exp((F+G-M)/reg) = %v", s.name, i, j, p, want)
					}
					if p > 0 {
						plogp += p * math.Log(p)
					}
					cost += p * M.At(i, j)
				}
			}
			if !close(r.Cost, cost, 1e-14, 1e-12) || !close(r.Objective, cost+reg*plogp, 1e-14, 1e-10) {
				t.Errorf("%s: cost %v objective %v, recomputed %v %v", s.name, r.Cost, r.Objective, cost, cost+reg*plogp)
			}
			if gap := r.Objective - r.Dual; gap < -1e-12 || gap > 1e-9 {
				t.Errorf("%s: duality gap %g", s.name, gap)
			}
			if len(r.History) != r.Iterations || r.History[len(r.History)-1] > 1e-10 {
				t.Errorf("%s: history of %d for %d iterations", s.name, len(r.History), r.Iterations)
			}
		}
	}
}

func TestShiftAndPermutationInvariance(t *testing.T) {
	a, b, M, mx := cloud(7, 25, 20)
	reg := 0.03 * mx
	n, m := M.Dims()
	shifted := mat.NewDense(n, m, nil)
	shifted.Apply(func(_, _ int, v float64) float64 { return v + 5 }, M)
	perm := rand.New(rand.NewPCG(1, 2)).Perm(n)
	pa := make([]float64, n)
	pM := mat.NewDense(n, m, nil)
	for i, k := range perm {
		pa[i] = a[k]
		pM.SetRow(i, M.RawRowView(k))
	}
	for _, s := range entropic {
		set := &Settings{Tol: 1e-12}
		r0, err0 := s.fn(a, b, M, reg, set)
		r1, err1 := s.fn(a, b, shifted, reg, set)
		r2, err2 := s.fn(pa, b, pM, reg, set)
		if err0 != nil || err1 != nil || err2 != nil {
			t.Fatal(s.name, err0, err1, err2)
		}
		for i := 0; i < n; i++ {
			for j := 0; j < m; j++ {
				p := r0.Plan.At(i, j)
				if d := math.Abs(r1.Plan.At(i, j) - p); d > 1e-12 {
					t.Fatalf("%s: shifting M by 5 moves P[%d,%d] by %g", s.name, i, j, d)
				}
			}
		}
		for i, k := range perm {
			for j := 0; j < m; j++ {
				if d := math.Abs(r2.Plan.At(i, j) - r0.Plan.At(k, j)); d > 1e-12 {
					t.Fatalf("%s: permuted plan row %d differs by %g", s.name, i, d)
				}
			}
		}
	}
}

func TestBitIdenticalAcrossGOMAXPROCS(t *testing.T) {
	a, b, M, mx := cloud(9, 300, 260) // n·m above the parallel threshold
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for _, s := range entropic {
		var ref *Result
		for _, procs := range []int{1, 2, 3, 8} {
			runtime.GOMAXPROCS(procs)
			r, err := s.fn(a, b, M, 0.01*mx, &Settings{MaxIter: 60, Tol: 1e-12})
			if err != nil {
				t.Fatal(err)
			}
			if ref == nil {
				ref = r
				continue
			}
			if !mat.Equal(r.Plan, ref.Plan) || r.Dual != ref.Dual || r.Iterations != ref.Iterations {
				t.Fatalf("%s: GOMAXPROCS %d changes the result", s.name, procs)
			}
		}
	}
}

func TestZeroMassPoints(t *testing.T) {
	a, b, M, mx := cloud(4, 6, 5)
	a[2], a[0] = 0, a[0]+a[2]
	b[4], b[1] = 0, b[1]+b[4]
	sub := mat.NewDense(5, 4, nil)
	ra, rb := []float64{a[0], a[1], a[3], a[4], a[5]}, b[:4]
	for ii, i := range []int{0, 1, 3, 4, 5} {
		for j := 0; j < 4; j++ {
			sub.Set(ii, j, M.At(i, j))
		}
	}
	for _, s := range entropic {
		r, err := s.fn(a, b, M, 0.05*mx, &Settings{Tol: 1e-12})
		if err != nil {
			t.Fatal(s.name, err)
		}
		want, _ := s.fn(ra, rb, sub, 0.05*mx, &Settings{Tol: 1e-12})
		for ii, i := range []int{0, 1, 3, 4, 5} {
			for j := 0; j < 4; j++ {
				if r.Plan.At(i, j) != want.Plan.At(ii, j) {
					t.Fatalf("%s: zero-mass expansion differs at (%d,%d)", s.name, i, j)
				}
			}
		}
		if mat.Sum(r.Plan.RowView(2)) != 0 || mat.Sum(r.Plan.ColView(4)) != 0 || !math.IsInf(r.F[2], -1) {
			t.Errorf("%s: zero-mass point carries mass", s.name)
		}
	}
}

func TestUnderflowCase(t *testing.T) {
	var tc sinkhornCase
	for _, c := range sinkhornCases(t) {
		if strings.HasPrefix(c.Name, "underflow") {
			tc = c
		}
	}
	if tc.Name == "" {
		t.Fatal("sinkhorn.json has no underflow case")
	}
	M := dense(tc.M)
	if _, err := Sinkhorn(tc.A, tc.B, M, tc.Reg, nil); !errors.Is(err, ErrUnderflow) {
		t.Fatalf("Sinkhorn: err = %v, want ErrUnderflow", err)
	}
	emd, err := EMD(tc.A, tc.B, M, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range entropic[1:] {
		r, err := s.fn(tc.A, tc.B, M, tc.Reg, nil)
		if err != nil || r.Status != Converged {
			t.Fatalf("%s: %v %v", s.name, err, r.Status)
		}
		if rel := (r.Cost - emd.Cost) / emd.Cost; rel < 0 || rel > 3e-5 {
			t.Errorf("%s: cost %v vs EMD %v: relative excess %g", s.name, r.Cost, emd.Cost, rel)
		}
	}
}

func TestCancelAndCallback(t *testing.T) {
	a, b, M, mx := cloud(5, 30, 30)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, s := range entropic {
		r, err := s.fn(a, b, M, 0.001*mx, &Settings{Context: ctx})
		if err != nil || r.Status != Canceled || r.Plan == nil || len(r.History) == 0 {
			t.Errorf("%s with canceled context: %v %v", s.name, err, r.Status)
		}
		interrupt.Set(ctx)
		r, err = s.fn(a, b, M, 0.001*mx, nil)
		interrupt.Set(nil)
		if err != nil || r.Status != Canceled {
			t.Errorf("%s with canceled cell context: %v %v", s.name, err, r.Status)
		}
		calls := 0
		r, err = s.fn(a, b, M, 0.001*mx, &Settings{WarmUp: 1, Callback: func(it int, r *Result) bool {
			calls++
			return calls < 3
		}})
		if err != nil || r.Status != Stopped || calls != 3 || r.Plan == nil {
			t.Errorf("%s: callback stop gave %v %v after %d calls", s.name, err, r.Status, calls)
		}
		_, err = s.fn(a, b, M, 0.001*mx, &Settings{WarmUp: 1, Callback: func(int, *Result) bool { panic("boom") }})
		if err == nil || !strings.Contains(err.Error(), "boom") {
			t.Errorf("%s: callback panic gave %v", s.name, err)
		}
	}
	r, err := Sinkhorn(a, b, M, 0.001*mx, &Settings{MaxIter: 5})
	if err != nil || r.Status != MaxIterReached || r.Iterations != 5 {
		t.Errorf("MaxIter: %v %v %d", err, r.Status, r.Iterations)
	}
	if _, err := EMD(a, b, M, &Settings{Context: ctx}); err == nil {
		t.Error("EMD ignores a canceled context")
	}
}

func TestProgrammerErrorsPanic(t *testing.T) {
	a, b, M, _ := cloud(6, 4, 3)
	for name, f := range map[string]func(){
		"shape": func() { Sinkhorn(a, a, M, 1, nil) },
		"reg":   func() { SinkhornLog(a, b, M, 0, nil) },
		"emd":   func() { EMD(a[:3], b, M, nil) },
		"w1d":   func() { Wasserstein1D([]float64{1}, []float64{1, 2}, nil, []float64{1}, 1) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}

func TestStatusString(t *testing.T) {
	want := []string{"Converged", "MaxIterReached", "Stopped", "Canceled", "Failed", "Status(9)"}
	for i, s := range []Status{Converged, MaxIterReached, Stopped, Canceled, Failed, 9} {
		if s.String() != want[i] {
			t.Errorf("%d: %q", i, s.String())
		}
	}
}

func TestFexp(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	var worst float64
	for k := 0; k < 200000; k++ {
		x := -708 + 1417*rng.Float64()
		if k < 1000 {
			x = rng.NormFloat64()
		}
		got, want := fexp(x), math.Exp(x)
		ulps := math.Abs(got-want) / (want * 0x1p-52)
		worst = math.Max(worst, ulps)
	}
	if worst > 4 {
		t.Errorf("fexp: worst error %.2f ulp", worst)
	}
	if fexp(-709) != 0 || fexp(math.Inf(-1)) != 0 || !math.IsInf(fexp(710), 1) || !math.IsNaN(fexp(math.NaN())) || fexp(0) != 1 {
		t.Error("fexp special values")
	}
}

func TestForbiddenPairs(t *testing.T) {
	a, b, M, mx := cloud(12, 12, 10)
	forbidden := [][2]int{{0, 0}, {3, 7}, {11, 9}, {5, 2}}
	for _, f := range forbidden {
		M.Set(f[0], f[1], math.Inf(1))
	}
	ref, err := SinkhornLog(a, b, M, 0.01*mx, &Settings{Tol: 1e-12})
	if err != nil || ref.Status != Converged {
		t.Fatal(err, ref.Status)
	}
	for _, s := range entropic {
		r, err := s.fn(a, b, M, 0.01*mx, &Settings{Tol: 1e-12})
		if err != nil || r.Status != Converged {
			t.Fatalf("%s: %v %v", s.name, err, r.Status)
		}
		for _, f := range forbidden {
			if r.Plan.At(f[0], f[1]) != 0 {
				t.Errorf("%s: forbidden pair %v carries %g", s.name, f, r.Plan.At(f[0], f[1]))
			}
		}
		if d := maxAbsDiff(t, r.Plan, rowsOf(ref.Plan)); d > 1e-10 {
			t.Errorf("%s: plan differs from SinkhornLog's by %g", s.name, d)
		}
		if math.IsNaN(r.Cost) || math.IsInf(r.Cost, 0) || math.IsNaN(r.Objective) {
			t.Errorf("%s: cost %v objective %v", s.name, r.Cost, r.Objective)
		}
	}
	// EMD treats +Inf as a forbidden pair too: its plan and cost are those
	// of the same problem with the forbidden costs replaced by a cost so
	// large (1e6·max M) that no optimal plan uses them (the big-M method).
	big := mat.DenseCopyOf(M)
	for _, f := range forbidden {
		big.Set(f[0], f[1], 1e6*mx)
	}
	r, err := EMD(a, b, M, nil)
	rb, errb := EMD(a, b, big, nil)
	if err != nil || errb != nil || r.Status != Converged {
		t.Fatalf("EMD with forbidden pairs: %v %v %v", r.Status, err, errb)
	}
	for _, f := range forbidden {
		if r.Plan.At(f[0], f[1]) != 0 {
			t.Errorf("EMD: forbidden pair %v carries %g", f, r.Plan.At(f[0], f[1]))
		}
	}
	if !close(r.Cost, rb.Cost, 1e-12, 1e-15) || !close(r.Dual, r.Cost, 1e-12, 1e-15) {
		t.Errorf("EMD: cost %v, big-M cost %v, dual %v", r.Cost, rb.Cost, r.Dual)
	}
	// A NaN cost is bad data: Failed with an error naming it (it panicked).
	M.Set(1, 1, math.NaN())
	for _, s := range entropic {
		r, err := s.fn(a, b, M, 1, nil)
		if r.Status != Failed || err == nil || !strings.Contains(err.Error(), "M[1,1] = NaN") {
			t.Errorf("%s with a NaN cost: %v, %v", s.name, r.Status, err)
		}
	}
}

func rowsOf(P *mat.Dense) [][]float64 {
	n, _ := P.Dims()
	rows := make([][]float64, n)
	for i := range rows {
		rows[i] = mat.Row(nil, i, P)
	}
	return rows
}

func TestEntries(t *testing.T) {
	r := &Result{Plan: mat.NewDense(2, 3, []float64{0.5, 0, 1e-9, 0, 0.3, 0.2})}
	rows, cols, vals := r.Entries(1e-6)
	want := [][3]float64{{0, 0, 0.5}, {1, 1, 0.3}, {1, 2, 0.2}}
	if len(vals) != len(want) {
		t.Fatalf("got %d entries", len(vals))
	}
	for k, w := range want {
		if float64(rows[k]) != w[0] || float64(cols[k]) != w[1] || vals[k] != w[2] {
			t.Errorf("entry %d: (%d,%d,%v), want %v", k, rows[k], cols[k], vals[k], w)
		}
	}
	if rows, _, _ := (&Result{}).Entries(0); rows != nil {
		t.Error("entries of a nil plan")
	}
}

// Costs with an offset much larger than their range (here 1e6 + [0, 0.1])
// are solved on M − min M: the plan is the unshifted one and the costs and
// potentials carry the offset.
func TestLargeOffset(t *testing.T) {
	a, b, M, mx := cloud(13, 20, 15)
	M.Scale(0.1/mx, M)
	big := mat.NewDense(20, 15, nil)
	big.Apply(func(_, _ int, v float64) float64 { return v + 1e6 }, M)
	for _, s := range entropic {
		r0, err0 := s.fn(a, b, M, 1e-3, &Settings{Tol: 1e-11})
		r1, err1 := s.fn(a, b, big, 1e-3, &Settings{Tol: 1e-11})
		if err0 != nil || err1 != nil || r1.Status != Converged {
			t.Fatalf("%s: %v %v %v", s.name, err0, err1, r1.Status)
		}
		// M + 1e6 is M rounded to ulp(1e6) ≈ 1.2e-10: exponents move by up to
		// 6e-8, plan entries (≤ 0.1) by up to about 1e-8.
		if d := maxAbsDiff(t, r1.Plan, rowsOf(r0.Plan)); d > 1e-8 {
			t.Errorf("%s: offset moves the plan by %g", s.name, d)
		}
		if e := r1.RowErr + r1.ColErr; e > 1e-10 {
			t.Errorf("%s: marginal error %g with the offset", s.name, e)
		}
		if !close(r1.Cost, r0.Cost+1e6, 1e-6, 0) || !close(r1.Dual, r0.Dual+1e6, 1e-6, 0) {
			t.Errorf("%s: cost %v dual %v, want %v %v", s.name, r1.Cost, r1.Dual, r0.Cost+1e6, r0.Dual+1e6)
		}
		if p := math.Exp((r1.F[3] + r1.G[4] - big.At(3, 4)) / 1e-3); !close(p, r1.Plan.At(3, 4), 1e-9, 0) {
			t.Errorf("%s: potentials do not reproduce the plan: %v vs %v", s.name, p, r1.Plan.At(3, 4))
		}
	}
}
