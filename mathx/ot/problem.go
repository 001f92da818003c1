package ot

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// rawMat is a row-major view of a cost matrix.
type rawMat struct {
	n, m, stride int
	data         []float64
}

func rawOf(M *mat.Dense) rawMat {
	if M == nil {
		panic("ot: nil cost matrix")
	}
	r := M.RawMatrix()
	return rawMat{n: r.Rows, m: r.Cols, stride: r.Stride, data: r.Data}
}

func (r rawMat) row(i int) []float64 { return r.data[i*r.stride : i*r.stride+r.m] }

// problem is an entropic OT problem with strictly positive marginals.
type problem struct {
	a, b []float64
	M    rawMat
	reg  float64
	mass float64 // Σa
	ch   chunking
	// plan, when a solver sets it, holds the kernel K row-major and planU,
	// planV the scalings, so that finish forms P = diag(u)·K·diag(v) in
	// place of K, without exponentials.
	plan, planU, planV []float64
}

// solver runs on a problem with positive marginals and returns the dual
// potentials; it fills the Result's counters, History and Status.
type solver func(p *problem, c config, res *Result) (f, g []float64, err error)

// solve checks the arguments, removes zero-mass points, runs the solver and
// computes the plan and its statistics from the potentials.
func solve(fn string, a, b []float64, M *mat.Dense, reg float64, s *Settings, defMaxIter int, run solver) (*Result, error) {
	raw := rawOf(M)
	lo, hi, err := checkProblem(fn, a, b, raw, reg)
	if err != nil {
		return &Result{Status: Failed}, err
	}
	c := resolve(s, defMaxIter)
	rows, cols := support(a), support(b)
	// The plan does not change when a constant is subtracted from M. When
	// the costs' offset dominates their range, the solvers work on M − lo:
	// potentials of size |lo| would otherwise cost digits in (f+g−M)/reg.
	// (lo is +Inf when every cost is: no shift, and the problem is
	// infeasible below.)
	shift := 0.0
	if !math.IsInf(lo, 1) && math.Abs(lo) > hi-lo {
		shift = lo
	}
	p := &problem{a: a, b: b, M: raw, reg: reg}
	if len(rows) < len(a) || len(cols) < len(b) || shift != 0 {
		sub := make([]float64, len(rows)*len(cols))
		for i, ii := range rows {
			src, dst := raw.row(ii), sub[i*len(cols):(i+1)*len(cols)]
			for j, jj := range cols {
				dst[j] = src[jj] - shift
			}
		}
		p = &problem{a: pick(a, rows), b: pick(b, cols), reg: reg,
			M: rawMat{n: len(rows), m: len(cols), stride: len(cols), data: sub}}
	}
	p.ch = newChunking(p.M.n, p.M.m)
	for _, x := range p.a {
		p.mass += x
	}
	c.tol *= p.mass // Settings.Tol is relative to the mass
	res := &Result{}
	if err := feasible(raw, rows, cols); err != nil {
		res.Status = Failed
		return res, fmt.Errorf("ot.%s: %w", fn, err)
	}
	if err := hall(p, rows, cols); err != nil {
		res.Status = Failed
		return res, fmt.Errorf("ot.%s: %w", fn, err)
	}
	f, g, err := run(p, c, res)
	if err != nil {
		res.Status = Failed
		return res, fmt.Errorf("ot.%s: %w", fn, err)
	}
	mass := finish(p, f, g, res)
	if k := nonFinite(res.Plan.RawMatrix().Data); k >= 0 {
		i, j := k/p.M.m, k%p.M.m
		err := fmt.Errorf("ot.%s: plan entry P[%d,%d] = %v after %d iterations (%v)", fn, rows[i], cols[j], res.Plan.At(i, j), res.Iterations, res.Status)
		*res = Result{Status: Failed, Iterations: res.Iterations, History: res.History, Passes: res.Passes}
		return res, err
	}
	// The last check of Converged, on the plan returned: its l1 marginal
	// error within Tol (for the L1 norm, plus 1e-13·(n+m) of the mass for
	// the rounding of the plan's sums), or within what L2Col allows (√(n+m)
	// between l2 and l1, a factor 10 for rounding, at least 1e-7 of the
	// mass). SNS at a reg far above the costs and a mass far below 1 could
	// stop on its own evaluation while the plan computed from the
	// potentials underflowed.
	limit := c.tol + 1e-13*float64(p.M.n+p.M.m)*p.mass
	if c.norm != L1 {
		limit = math.Max(1e-7*p.mass, 10*math.Sqrt(float64(p.M.n+p.M.m))*c.tol)
	}
	if e := res.RowErr + res.ColErr; res.Status == Converged && !(e <= limit) {
		err := fmt.Errorf("ot.%s: stopped as converged, but the plan's marginal error is %g for mass %g: the potentials lost precision", fn, e, p.mass)
		*res = Result{Status: Failed, Iterations: res.Iterations, History: res.History, Passes: res.Passes}
		return res, err
	}
	if shift != 0 {
		for i := range f {
			f[i] += shift
		}
		var sa float64
		for _, x := range p.a {
			sa += x
		}
		res.Cost += shift * mass
		res.Objective += shift * mass
		res.Dual += shift * sa
	}
	if len(rows) < len(a) || len(cols) < len(b) {
		expand(res, f, g, rows, cols, len(a), len(b))
	} else {
		res.F, res.G = f, g
	}
	return res, nil
}

// feasible checks that every row in rows has a finite cost M_ij for some
// j in cols, and every column in cols for some row in rows (rows and cols
// are the points with mass).
func feasible(M rawMat, rows, cols []int) error {
	colOK := make([]bool, len(cols))
	for _, i := range rows {
		row, rowOK := M.row(i), false
		for k, j := range cols {
			if !math.IsInf(row[j], 1) {
				rowOK, colOK[k] = true, true
			}
		}
		if !rowOK {
			return fmt.Errorf("%w: row %d of M is +Inf on every column with b > 0", ErrInfeasible, i)
		}
	}
	for k, ok := range colOK {
		if !ok {
			return fmt.Errorf("%w: column %d of M is +Inf on every row with a > 0", ErrInfeasible, cols[k])
		}
	}
	return nil
}

// nonFinite returns the index of the first NaN or ±Inf in x, or −1.
func nonFinite(x []float64) int {
	for k, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return k
		}
	}
	return -1
}

func support(w []float64) []int {
	idx := make([]int, 0, len(w))
	for i, x := range w {
		if x > 0 {
			idx = append(idx, i)
		}
	}
	return idx
}

func pick(w []float64, idx []int) []float64 {
	out := make([]float64, len(idx))
	for k, i := range idx {
		out[k] = w[i]
	}
	return out
}

// expand puts the plan and potentials of the reduced problem back in the
// full index space; zero-mass points get zero plan rows and potential −Inf.
func expand(res *Result, f, g []float64, rows, cols []int, n, m int) {
	P := mat.NewDense(n, m, nil)
	for i, ii := range rows {
		for j, jj := range cols {
			P.Set(ii, jj, res.Plan.At(i, j))
		}
	}
	res.Plan = P
	res.F = make([]float64, n)
	res.G = make([]float64, m)
	for i := range res.F {
		res.F[i] = math.Inf(-1)
	}
	for j := range res.G {
		res.G[j] = math.Inf(-1)
	}
	for k, i := range rows {
		res.F[i] = f[k]
	}
	for k, j := range cols {
		res.G[j] = g[k]
	}
}

// finish computes P_ij = exp((f_i+g_j−M_ij)/reg) and the Result's costs
// and marginal errors, with per-chunk partial sums reduced in a fixed order,
// and returns the plan's mass ΣP.
func finish(p *problem, f, g []float64, res *Result) float64 {
	n, m, reg := p.M.n, p.M.m, p.reg
	plan, given := p.plan, p.plan != nil
	if !given {
		plan = make([]float64, n*m)
	}
	ch := p.ch
	colPart := make([]float64, ch.count*m)
	type acc struct{ cost, plogp, mass, rowErr float64 }
	accs := make([]acc, ch.count)
	ch.run(func(k int) {
		lo, hi := ch.bounds(k)
		cp := colPart[k*m : (k+1)*m]
		var s acc
		for i := lo; i < hi; i++ {
			Mi, Pi := p.M.row(i), plan[i*m:(i+1)*m]
			fi := f[i]
			var ui float64
			if given {
				ui = p.planU[i]
			}
			var rs float64
			for j, mij := range Mi {
				e := (fi + g[j] - mij) / reg
				var x float64
				if given {
					x = Pi[j] * ui * p.planV[j] // K·u first: 0·u·v stays 0 when u·v overflows
				} else {
					x = fexp(e)
				}
				Pi[j] = x
				if x > 0 {
					rs += x
					s.cost += x * mij
					s.plogp += x * e
				}
				cp[j] += x
			}
			s.mass += rs
			s.rowErr += math.Abs(rs - p.a[i])
		}
		accs[k] = s
	})
	var tot acc
	for _, s := range accs {
		tot.cost += s.cost
		tot.plogp += s.plogp
		tot.mass += s.mass
		tot.rowErr += s.rowErr
	}
	col := make([]float64, m)
	for k := 0; k < ch.count; k++ {
		for j, x := range colPart[k*m : (k+1)*m] {
			col[j] += x
		}
	}
	var colErr float64
	for j, x := range col {
		colErr += math.Abs(x - p.b[j])
	}
	var dual float64
	for i, x := range f {
		dual += x * p.a[i]
	}
	for j, x := range g {
		dual += x * p.b[j]
	}
	res.Plan = mat.NewDense(n, m, plan)
	res.Cost = tot.cost
	res.Objective = tot.cost + reg*tot.plogp
	res.Dual = dual - reg*tot.mass + reg*p.mass
	res.RowErr, res.ColErr = tot.rowErr, colErr
	return tot.mass
}

// errNorm is the stopping measure of Settings.Norm given the column sums
// (and the row error, which is about zero after a row update).
func errNorm(norm Norm, col, b []float64, rowErr float64) (stop, l1 float64) {
	var s1, s2 float64
	for j, x := range col {
		d := x - b[j]
		s1 += math.Abs(d)
		s2 += d * d
	}
	l1 = s1 + rowErr
	if norm == L2Col {
		return math.Sqrt(s2), l1
	}
	return l1, l1
}
