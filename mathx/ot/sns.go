package ot

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// SNS solves the entropic OT problem of Sinkhorn by Sinkhorn–Newton–Sparse
// (Tang et al., ICLR 2024, arXiv 2401.12253): Settings.WarmUp Sinkhorn
// iterations (SinkhornStabilized's, without ε-scaling) — continued as long
// as the rate of the last 5 predicts convergence within another WarmUp
// iterations, so that Newton steps are taken only where they pay — then
// Newton steps on the concave dual
//
//	D(f,g) = ⟨f,a⟩ + ⟨g,b⟩ − reg·Σ_ij exp((f_i+g_j−M_ij)/reg) + reg,
//
// whose gradient is the marginal defect (a − P1, b − Pᵀ1) and whose
// Hessian is −(1/reg)·[[diag(P1), P], [Pᵀ, diag(Pᵀ1)]]. The Hessian is
// sparsified: the diagonal blocks are kept exact, and an entry of P is kept
// in the off-diagonal blocks only when it is at least
// Settings.Delta·min(r_i/m, b_j/n) (r = P1), so at most Delta·r_i of a row's
// mass is dropped. With g_m fixed (the dual's null direction removed, as in
// regot) the sparsified matrix is positive definite; the Newton system is
// solved by Jacobi-preconditioned conjugate gradients to relative residual
// min(0.1, err/mass), and the step length by backtracking from 1 (Armijo, c =
// 1e-4, or a smaller marginal error at an unchanged dual value, which is what
// decides near the optimum where D is flat to rounding). A line search that
// stalls (step < 1e-10) runs 10 log-domain Sinkhorn iterations instead
// (Result.Fallbacks). Settings.TrustRegion replaces the line search by
// SSNS's shifted steps and trust ratio (see Settings).
//
// One Newton step costs one pass over M per trial point (the pass that
// evaluates D also yields the gradient and the sparse Hessian); entries
// below e^−64·Σa are treated as zero. The stopping test (Settings.Tol on
// Settings.Norm) runs after every warm-up iteration and Newton step.
// Settings.MaxIter bounds the Newton steps (default 1000).
//
// Where it converges, measured with go run ./bench/otscale -sns (n = m =
// 300, Tol 1e-9 on the l1 marginal error, default MaxIter): on uniform
// random costs with log-normal marginals, for every ε from 1e-1 down to
// 1e-5 of the cost range (12 to 758 Newton steps, at most 2.6 s); on
// squared Euclidean costs of uniform points in the unit square with
// uniform marginals, down to 1e-4 of the range (88 steps), while at 3e-5
// and 1e-5 it ends MaxIterReached after 1,000 Newton steps with an l1
// marginal error of 5e-8 and 7e-8 (SinkhornStabilized ends its 10,000
// iterations at 1e-4 and 1.3e-4, and converges only down to 3e-4). There
// the line search does not stall (no fallbacks): the damped Newton steps
// are accepted but short, and with MaxIter 10000 SNS converges after
// 4,002 and 3,421 of them (15 s and 13 s; add -snsmaxiter 10000 to the
// command). So below about 1e-4 of the cost range on geometric costs,
// expect MaxIterReached with a small but nonzero error at the default
// MaxIter: raise MaxIter (or Tol).
// The status is checked on the plan returned: SNS never reports
// Converged with an l1 marginal error above Tol (TestSNSSmallReg).
func SNS(a, b []float64, M *mat.Dense, reg float64, s *Settings) (*Result, error) {
	return solve("SNS", a, b, M, reg, s, 1000, sns)
}

// evaluation is the outcome of one pass at a dual point.
type evaluation struct {
	dual, err, stop float64
	r, c            []float64 // row and column sums of P
	rowPtr          []int     // sparse off-diagonal block (CSR)
	colIdx          []int
	val             []float64
}

// snsPass evaluates P = exp((f ⊕ g − M)/reg) at (f, g).
type snsPass struct {
	p       *problem
	colPart []float64
	mass    []float64
	cIdx    [][]int
	cVal    [][]float64
	cCnt    [][]int
	rowBufJ [][]int
	rowBufV [][]float64
}

func newSNSPass(p *problem) *snsPass {
	cnt := p.ch.count
	s := &snsPass{p: p, colPart: make([]float64, cnt*p.M.m), mass: make([]float64, cnt),
		cIdx: make([][]int, cnt), cVal: make([][]float64, cnt), cCnt: make([][]int, cnt),
		rowBufJ: make([][]int, cnt), rowBufV: make([][]float64, cnt)}
	for k := range s.rowBufJ {
		s.rowBufJ[k] = make([]int, p.M.m)
		s.rowBufV[k] = make([]float64, p.M.m)
	}
	return s
}

func (s *snsPass) eval(f, g []float64, delta float64, norm Norm, e *evaluation) {
	p := s.p
	n, m, eps := p.M.n, p.M.m, p.reg
	// Entries below e^−64 of the mass are dropped.
	inv, cut := 1/eps, eps*(math.Log(p.mass)-64)
	if len(e.r) != n {
		e.r, e.c, e.rowPtr = make([]float64, n), make([]float64, m), make([]int, n+1)
	}
	p.ch.run(func(k int) {
		lo, hi := p.ch.bounds(k)
		cp := s.colPart[k*m : (k+1)*m]
		for j := range cp {
			cp[j] = 0
		}
		bj, bv := s.rowBufJ[k], s.rowBufV[k]
		idx, vals, cnts := s.cIdx[k][:0], s.cVal[k][:0], s.cCnt[k][:0]
		var mass float64
		for i := lo; i < hi; i++ {
			Mi, fi := p.M.row(i), f[i]
			nb := 0
			var rs float64
			for j, x := range Mi {
				t := fi + g[j] - x
				if t > cut {
					v := fexp(t * inv)
					rs += v
					cp[j] += v
					bj[nb], bv[nb] = j, v
					nb++
				}
			}
			e.r[i] = rs
			mass += rs
			thr := delta * rs / float64(m)
			before := len(idx)
			for q := 0; q < nb; q++ {
				j, v := bj[q], bv[q]
				if v >= thr || v >= delta*p.b[j]/float64(n) {
					idx = append(idx, j)
					vals = append(vals, v)
				}
			}
			cnts = append(cnts, len(idx)-before)
		}
		s.cIdx[k], s.cVal[k], s.cCnt[k] = idx, vals, cnts
		s.mass[k] = mass
	})
	copy(e.c, s.colPart[:m])
	var mass float64
	for k := 0; k < p.ch.count; k++ {
		if k > 0 {
			cp := s.colPart[k*m : (k+1)*m]
			for j := range e.c {
				e.c[j] += cp[j]
			}
		}
		mass += s.mass[k]
	}
	e.colIdx, e.val = e.colIdx[:0], e.val[:0]
	i := 0
	for k := 0; k < p.ch.count; k++ {
		e.colIdx = append(e.colIdx, s.cIdx[k]...)
		e.val = append(e.val, s.cVal[k]...)
		for _, c := range s.cCnt[k] {
			e.rowPtr[i+1] = e.rowPtr[i] + c
			i++
		}
	}
	var dual, rowErr float64
	for i, x := range f {
		dual += x * p.a[i]
		rowErr += math.Abs(e.r[i] - p.a[i])
	}
	for j, x := range g {
		dual += x * p.b[j]
	}
	e.dual = dual - eps*mass + eps*p.mass
	e.stop, e.err = errNorm(norm, e.c, p.b, rowErr)
}

// newtonSystem is the reduced sparsified Hessian (g_m fixed) and CG scratch.
type newtonSystem struct {
	n, m               int
	x, r, z, q, d, dia []float64
	// unit is 1/Σa: the system is solved in units of the mass, so that the
	// squared norms and inner products of CG neither overflow nor underflow
	// for masses far from 1.
	unit float64
}

func newNewtonSystem(n, m int, unit float64) *newtonSystem {
	N := n + m - 1
	mk := func() []float64 { return make([]float64, N) }
	return &newtonSystem{n: n, m: m, x: mk(), r: mk(), z: mk(), q: mk(), d: mk(), dia: mk(), unit: unit}
}

// mul sets y = unit·H x for H = [[diag(r), Ps], [Psᵀ, diag(c)]]
// restricted to the first n+m−1 coordinates, plus shift·x; dia holds
// unit·diag(r, c) (set by solve).
func (ns *newtonSystem) mul(e *evaluation, shift float64, x, y []float64) {
	n, m := ns.n, ns.m
	for i := 0; i < n+m-1; i++ {
		y[i] = (ns.dia[i] + shift) * x[i]
	}
	for i := 0; i < n; i++ {
		xi := x[i]
		var acc float64
		for q := e.rowPtr[i]; q < e.rowPtr[i+1]; q++ {
			j := e.colIdx[q]
			if j < m-1 {
				v := e.val[q] * ns.unit
				acc += v * x[n+j]
				y[n+j] += v * xi
			}
		}
		y[i] += acc
	}
}

// solve runs Jacobi-preconditioned CG for unit·H x = unit·rhs (+ shift)
// from x = 0 and returns the iterations used; extraShift is in units of
// the mass.
func (ns *newtonSystem) solve(e *evaluation, rhs []float64, extraShift, rtol float64, maxIter int) int {
	n := ns.n
	for i, v := range e.r {
		ns.dia[i] = v * ns.unit
	}
	for j, v := range e.c[:ns.m-1] {
		ns.dia[n+j] = v * ns.unit
	}
	var dmax float64
	for _, x := range ns.dia {
		dmax = math.Max(dmax, x)
	}
	shift := 1e-13*dmax + extraShift
	x, r, z, q, d := ns.x, ns.r, ns.z, ns.q, ns.d
	var rr0 float64
	for i := range x {
		x[i] = 0
		r[i] = rhs[i] * ns.unit
		rr0 += r[i] * r[i]
	}
	prec := func() float64 {
		var rz float64
		for i := range z {
			z[i] = r[i] / (ns.dia[i] + shift)
			rz += r[i] * z[i]
		}
		return rz
	}
	rz := prec()
	copy(d, z)
	lim := rtol * rtol * rr0
	for it := 1; it <= maxIter; it++ {
		ns.mul(e, shift, d, q)
		var dq float64
		for i := range d {
			dq += d[i] * q[i]
		}
		if !(dq > 0) {
			return it
		}
		alpha := rz / dq
		var rr float64
		for i := range x {
			x[i] += alpha * d[i]
			r[i] -= alpha * q[i]
			rr += r[i] * r[i]
		}
		if rr <= lim {
			return it
		}
		rzNew := prec()
		beta := rzNew / rz
		rz = rzNew
		for i := range d {
			d[i] = z[i] + beta*d[i]
		}
	}
	return maxIter
}

// newton is the state of SNS's Newton phase.
type newton struct {
	p          *problem
	c          config
	res        *Result
	sp         *snsPass
	ns         *newtonSystem
	cur, trial *evaluation
	f, g       []float64
	df, dg     []float64
	ft, gt     []float64
	mu         float64 // trust-region shift factor
}

func (nw *newton) delta(err float64) float64 {
	if nw.c.delta > 0 {
		return nw.c.delta
	}
	return math.Min(1e-2, err/nw.p.mass)
}

// try evaluates the trial point z + alpha·d into nw.trial.
func (nw *newton) try(alpha float64) {
	for i := range nw.ft {
		nw.ft[i] = nw.f[i] + alpha*nw.df[i]
	}
	for j := range nw.gt {
		nw.gt[j] = nw.g[j] + alpha*nw.dg[j]
	}
	nw.sp.eval(nw.ft, nw.gt, nw.delta(nw.cur.err), nw.c.norm, nw.trial)
	nw.res.Passes++
}

// better reports whether the trial point may replace the current one
// without a sufficient-increase test: a smaller marginal error at a dual
// value unchanged to rounding (near the optimum D is flat to rounding).
func (nw *newton) better() bool {
	n, m := len(nw.f), len(nw.g)
	flat := 1e-15 * float64(n+m) * (math.Abs(nw.cur.dual) + nw.p.reg*nw.p.mass)
	return nw.trial.err < nw.cur.err && nw.trial.dual >= nw.cur.dual-flat
}

// direction solves the sparsified Newton system (plus shift·I) for d and
// returns the slope ∇D·d.
func (nw *newton) direction(rhs []float64, shift float64) float64 {
	p, n, m, eps := nw.p, len(nw.f), len(nw.g), nw.p.reg
	for i := 0; i < n; i++ {
		rhs[i] = eps * (p.a[i] - nw.cur.r[i])
	}
	for j := 0; j < m-1; j++ {
		rhs[n+j] = eps * (p.b[j] - nw.cur.c[j])
	}
	if shift > 0 {
		var g2 float64
		for _, x := range rhs {
			x *= nw.ns.unit
			g2 += x * x
		}
		shift *= math.Sqrt(g2) // in units of the mass, as solve takes it
	}
	nw.res.CGIterations += nw.ns.solve(nw.cur, rhs, shift, math.Max(1e-14, math.Min(0.1, nw.cur.err/nw.p.mass)), 2*(n+m))
	copy(nw.df, nw.ns.x[:n])
	copy(nw.dg, nw.ns.x[n:])
	nw.dg[m-1] = 0
	var slope float64
	for i := 0; i < n; i++ {
		slope += nw.df[i] * (p.a[i] - nw.cur.r[i])
	}
	for j := 0; j < m; j++ {
		slope += nw.dg[j] * (p.b[j] - nw.cur.c[j])
	}
	return slope
}

// lineSearch backtracks from step 1 (Armijo, c = 1e-4) down to 1e-10.
func (nw *newton) lineSearch(slope float64) bool {
	for alpha := 1.0; alpha >= 1e-10; alpha *= 0.5 {
		nw.try(alpha)
		if nw.trial.dual >= nw.cur.dual+1e-4*alpha*slope || nw.better() {
			return true
		}
	}
	return false
}

// trustStep is SSNS's globalisation (Tang & Qiu 2024): the step is the
// first of {1, 0.5, 0.25, 0.1} that raises D (else the best of them); it is
// accepted when the ratio ρ of actual to predicted increase is positive,
// and the shift factor mu is multiplied by 4 when ρ < 0.25 and halved (down
// to 1e-3) when ρ > 0.75.
func (nw *newton) trustStep(slope float64) bool {
	nw.ns.mul(nw.cur, 0, nw.ns.x, nw.ns.q)
	var quad float64
	for i, x := range nw.ns.x {
		quad += x * nw.ns.q[i]
	}
	quad /= nw.p.reg * nw.ns.unit
	best, bestD, last := 0.0, math.Inf(-1), 0.0
	for _, alpha := range []float64{1, 0.5, 0.25, 0.1} {
		last = alpha
		nw.try(alpha)
		if nw.trial.dual > nw.cur.dual || nw.better() {
			best = alpha
			break
		}
		if nw.trial.dual > bestD {
			best, bestD = alpha, nw.trial.dual
		}
	}
	if best != last {
		nw.try(best)
	}
	rho := (nw.trial.dual - nw.cur.dual) / (best*slope - 0.5*best*best*quad)
	if rho < 0.25 {
		nw.mu *= 4
	} else if rho > 0.75 {
		nw.mu = math.Max(nw.mu/2, 1e-3)
	}
	return rho > 0 || nw.better()
}

func sns(p *problem, c config, res *Result) (f, g []float64, err error) {
	n, m, eps := p.M.n, p.M.m, p.reg
	warm := c
	warm.maxIter, warm.epsScaling, warm.callback, warm.noPlan, warm.warmStop = 10000, -1, nil, true, true
	f, g, err = sinkhornStabilized(p, warm, res)
	if err != nil || res.Status == Converged || res.Status == Canceled {
		return f, g, err
	}
	nw := &newton{p: p, c: c, res: res, sp: newSNSPass(p), ns: newNewtonSystem(n, m, 1/p.mass),
		cur: &evaluation{}, trial: &evaluation{}, f: f, g: g,
		df: make([]float64, n), dg: make([]float64, m), ft: make([]float64, n), gt: make([]float64, m), mu: 1}
	nw.sp.eval(f, g, nw.delta(res.History[len(res.History)-1]), c.norm, nw.cur)
	res.Passes++
	rhs := make([]float64, n+m-1)
	var ld *logDomain
	var L []float64
	for step := 1; ; step++ {
		if nw.cur.stop <= c.tol {
			res.Status = Converged
			return f, g, nil
		}
		if c.ctx.Err() != nil {
			res.Status = Canceled
			return f, g, nil
		}
		if step > c.maxIter {
			res.Status = MaxIterReached
			return f, g, nil
		}
		var accepted bool
		if c.trustRegion {
			accepted = nw.trustStep(nw.direction(rhs, nw.mu))
		} else {
			accepted = nw.lineSearch(nw.direction(rhs, 0))
		}
		res.Iterations++
		switch {
		case accepted:
			copy(f, nw.ft)
			copy(g, nw.gt)
			nw.cur, nw.trial = nw.trial, nw.cur
			res.NewtonSteps++
		case !c.trustRegion:
			if ld == nil {
				ld = newLogDomain(p)
				L = make([]float64, m)
				res.Passes++
			}
			ld.colLSE(f, eps, L)
			for k := 0; k < 10; k++ {
				ld.colUpdate(L, eps, g)
				ld.rowUpdate(g, eps, f)
				ld.colLSE(f, eps, L)
				res.Passes += 2
			}
			res.Fallbacks++
			nw.sp.eval(f, g, nw.delta(nw.cur.err), c.norm, nw.cur)
			res.Passes++
		}
		res.History = append(res.History, nw.cur.err)
		if c.callback != nil {
			res.F, res.G = f, g
			cont, err := callback(c.callback, res.Iterations, res)
			if err != nil {
				return nil, nil, err
			}
			if !cont {
				res.Status = Stopped
				return f, g, nil
			}
		}
		if math.IsNaN(nw.cur.err) {
			return nil, nil, fmt.Errorf("Newton step %d: marginal error is NaN", step)
		}
	}
}
