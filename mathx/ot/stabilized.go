package ot

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// SinkhornStabilized is the recommended entropic solver: scaling-domain
// speed when that is safe, log-domain robustness when not (POT's
// sinkhorn_stabilized and sinkhorn_epsilon_scaling, after Schmitzer 2019,
// arXiv 1610.06519). The plan is diag(u)·K·diag(v) with the stabilised
// kernel K_ij = exp((α_i + β_j − M_ij)/reg):
//
//   - α starts at the row minima of M, so no row of K underflows, and each
//     row of the first kernel is scaled to sum to a_i (the factor absorbed
//     into α), so the scalings start near 1;
//   - scaling sweeps as in Sinkhorn (one read of K per iteration);
//   - when a scaling leaves [1/Tau, Tau], reg·log u and reg·log v are
//     absorbed into α, β and K is recomputed (one exp pass);
//   - when a product vanishes or a scaling overflows (kernel underflow), the
//     last good scalings are absorbed, one exact log-domain iteration
//     rebalances α, β, and K is recomputed (counted in Fallbacks);
//   - ε-scaling (Settings.EpsScaling): for reg below (max M − min M)/20 it
//     solves a sequence of problems with reg decreasing geometrically,
//     each warm-started from the previous potentials and solved to l1
//     marginal error 1e-3 of the mass, before the requested reg.
//
// The stopping test (Settings.Tol on Settings.Norm) runs after every
// iteration; Settings.CheckEvery is not used. Default MaxIter 10000 bounds
// the iterations over all stages plus the recoveries. It never returns a plan with wrong marginals
// silently: Status is Converged only when the test is met.
func SinkhornStabilized(a, b []float64, M *mat.Dense, reg float64, s *Settings) (*Result, error) {
	return solve("SinkhornStabilized", a, b, M, reg, s, 10000, sinkhornStabilized)
}

// rowMins returns the row minima of M and the smallest and largest finite
// entries, in one pass.
func rowMins(p *problem) (mins []float64, lo, hi float64) {
	mins = make([]float64, p.M.n)
	los, his := make([]float64, p.ch.count), make([]float64, p.ch.count)
	p.ch.run(func(k int) {
		l, h := math.Inf(1), math.Inf(-1)
		r0, r1 := p.ch.bounds(k)
		for i := r0; i < r1; i++ {
			mn := math.Inf(1)
			for _, x := range p.M.row(i) {
				mn = math.Min(mn, x)
				if !math.IsInf(x, 1) {
					h = math.Max(h, x)
				}
			}
			mins[i] = mn
			l = math.Min(l, mn)
		}
		los[k], his[k] = l, h
	})
	lo, hi = math.Inf(1), math.Inf(-1)
	for k := range los {
		lo, hi = math.Min(lo, los[k]), math.Max(hi, his[k])
	}
	return mins, lo, hi
}

// epsStages returns the decreasing regularisations ending with reg, for
// costs ranging over [lo, hi].
func epsStages(reg, lo, hi float64, c config) []float64 {
	start := (hi - lo) / 20
	if c.epsScaling < 0 || !(start > reg) || math.IsInf(start, 0) {
		return []float64{reg}
	}
	theta := c.epsScaling
	if theta == 0 || theta >= 1 {
		theta = 0.5
	}
	var st []float64
	for e := start; e > reg && len(st) < 200; e *= theta {
		st = append(st, e)
	}
	return append(st, reg)
}

func sinkhornStabilized(p *problem, c config, res *Result) (f, g []float64, err error) {
	n, m := p.M.n, p.M.m
	alpha, lo, hi := rowMins(p)
	res.Passes++
	stages := epsStages(p.reg, lo, hi, c)
	beta := make([]float64, m)
	s := newScaler(p)
	var ld *logDomain
	col, L := make([]float64, m), make([]float64, m)
	potentials := func(eps float64) ([]float64, []float64) {
		f, g := make([]float64, n), make([]float64, m)
		for i, x := range s.u {
			f[i] = alpha[i] + eps*math.Log(x)
		}
		for j, x := range s.v {
			g[j] = beta[j] + eps*math.Log(x)
		}
		return f, g
	}
	// done returns the potentials and, unless the caller goes on from them
	// (SNS's warm-up), turns the kernel into the plan.
	done := func(eps float64) ([]float64, []float64, error) {
		f, g := potentials(eps)
		if !c.noPlan {
			s.planInPlace()
		}
		return f, g, nil
	}
	absorb := func(u, v []float64, eps float64) {
		for i, x := range u {
			alpha[i] += eps * math.Log(x)
		}
		for j, x := range v {
			beta[j] += eps * math.Log(x)
		}
	}
	setKernel := func(eps float64) {
		s.kernel(alpha, beta, eps, res.Absorptions == 0)
		for j := range s.v {
			s.v[j] = 1
		}
		res.Passes++
		res.Absorptions++
	}
	it := 0
	for si, eps := range stages {
		final := si == len(stages)-1
		tol := c.tol
		if !final {
			tol = math.Max(c.tol, 1e-3*p.mass)
		}
		setKernel(eps)
		lo, hi := 1/c.tau, c.tau
		for {
			if it+res.Fallbacks >= c.maxIter {
				res.Status = MaxIterReached
				return done(eps)
			}
			ok, rowErr := s.step()
			res.Passes += 2
			if !ok {
				if ld == nil {
					ld = newLogDomain(p)
					res.Passes++
				}
				absorb(s.uOld, s.vOld, eps)
				ld.colLSE(alpha, eps, L)
				ld.colUpdate(L, eps, beta)
				re := ld.rowUpdate(beta, eps, alpha)
				res.Passes += 2
				res.Fallbacks++
				if math.IsNaN(re) {
					return nil, nil, fmt.Errorf("log-domain fallback %d: row marginal error is NaN", res.Fallbacks)
				}
				setKernel(eps)
				if c.ctx.Err() != nil {
					res.Status = Canceled
					return done(eps)
				}
				continue
			}
			it++
			res.Iterations = it
			stop, l1 := errNorm(c.norm, s.colSums(col), p.b, rowErr)
			res.History = append(res.History, l1)
			if math.IsNaN(l1) {
				return nil, nil, fmt.Errorf("iteration %d: marginal error is NaN", it)
			}
			if c.ctx.Err() != nil {
				res.Status = Canceled
				return done(eps)
			}
			if final && stop <= c.tol || !final && l1 <= tol {
				break
			}
			if c.warmStop && final && it >= c.warmUp && slow(res.History, c.tol, c.warmUp) {
				res.Status = MaxIterReached
				return done(eps)
			}
			if c.callback != nil {
				res.F, res.G = potentials(eps)
				cont, err := callback(c.callback, it, res)
				if err != nil {
					return nil, nil, err
				}
				if !cont {
					res.Status = Stopped
					return done(eps)
				}
			}
			if outside(s.u, lo, hi) || outside(s.v, lo, hi) {
				absorb(s.u, s.v, eps)
				setKernel(eps)
			}
		}
		if final {
			res.Status = Converged
			return done(eps)
		}
		absorb(s.u, s.v, eps)
	}
	panic("unreachable")
}

// slow reports whether, at the rate of its last 5 iterations, Sinkhorn needs
// more than limit further iterations to bring the marginal error to tol.
func slow(hist []float64, tol float64, limit int) bool {
	t := len(hist) - 1
	if t < 5 || !(hist[t] > 0) {
		return false
	}
	q := math.Pow(hist[t]/hist[t-5], 0.2)
	if !(q < 1) {
		return true
	}
	return math.Log(tol/hist[t])/math.Log(q) > float64(limit)
}

func outside(x []float64, lo, hi float64) bool {
	for _, v := range x {
		if v < lo || v > hi {
			return true
		}
	}
	return false
}
