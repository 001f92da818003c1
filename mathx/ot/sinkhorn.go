package ot

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// Sinkhorn solves the entropic OT problem min ⟨P,M⟩ + reg·Σ P log P with
// P1 = a, Pᵀ1 = b by Sinkhorn–Knopp scaling iterations (POT's
// ot.sinkhorn(method='sinkhorn')): v = b ⊘ Kᵀu, u = a ⊘ Kv with
// K = exp(−M/reg), starting from u = 1/n, v = 1/m.
//
// Each iteration reads K once (the row update and the next column
// product are fused) and counts 2 passes. After iteration 1, 1+CheckEvery,
// … the marginal error of Settings.Norm is compared with Settings.Tol; with
// Norm L2Col and CheckEvery 10 the iteration count is POT's niter + 1 (POT
// reports the 0-based index of its last iteration). Default MaxIter 10000.
//
// When the kernel underflows (a row or column of K·diag(v) or Kᵀ·diag(u)
// vanishes, or a scaling overflows) it returns ErrUnderflow and Status
// Failed with no plan — unlike POT, which returns a plan with wrong
// marginals. SinkhornStabilized and SinkhornLog solve such problems.
//
// a and b must be non-negative with equal sums; zero-mass points get zero
// rows/columns in the plan (and potential −Inf). A cost +Inf forbids a pair.
// It panics if the shapes disagree or reg is not finite and > 0; bad data
// (a marginal entry or cost NaN, −Inf or negative mass, masses that differ
// by more than 1e-9·Σa, an infeasible problem) gives Status Failed and an
// error naming it. The other entropic solvers take the same arguments.
func Sinkhorn(a, b []float64, M *mat.Dense, reg float64, s *Settings) (*Result, error) {
	return solve("Sinkhorn", a, b, M, reg, s, 10000, sinkhornScaling)
}

// scaler runs fused scaling sweeps on a kernel K (n×m, row-major).
type scaler struct {
	p          *problem
	K          []float64
	u, v, ktu  []float64
	part       []float64
	uOld, vOld []float64
	rowErrPart []float64
	bad        []bool
}

func newScaler(p *problem) *scaler {
	n, m := p.M.n, p.M.m
	return &scaler{p: p, K: make([]float64, n*m), u: make([]float64, n), v: make([]float64, m),
		ktu: make([]float64, m), part: make([]float64, p.ch.count*m),
		uOld: make([]float64, n), vOld: make([]float64, m), rowErrPart: make([]float64, p.ch.count),
		bad: make([]bool, p.ch.count)}
}

// reduce sums the per-chunk partial column sums into ktu in chunk order.
func (s *scaler) reduce() {
	m := s.p.M.m
	copy(s.ktu, s.part[:m])
	for k := 1; k < s.p.ch.count; k++ {
		floats.Add(s.ktu, s.part[k*m:(k+1)*m])
	}
}

// kernel sets K_ij = exp((alpha_i + beta_j − M_ij)/eps) (alpha, beta may be
// nil for zero), u = 1, and ktu = Kᵀu. With normalize (and alpha non-nil),
// each row is scaled to sum to a_i and the factor absorbed into alpha, so
// that u = 1 already matches the row marginal.
func (s *scaler) kernel(alpha, beta []float64, eps float64, normalize bool) {
	p, m := s.p, s.p.M.m
	inv := 1 / eps
	p.ch.run(func(k int) {
		lo, hi := p.ch.bounds(k)
		cp := s.part[k*m : (k+1)*m]
		for j := range cp {
			cp[j] = 0
		}
		for i := lo; i < hi; i++ {
			Mi, Ki := p.M.row(i), s.K[i*m:(i+1)*m]
			var ai float64
			if alpha != nil {
				ai = alpha[i]
			}
			if beta == nil {
				for j, x := range Mi {
					Ki[j] = fexp((ai - x) * inv)
				}
			} else {
				for j, x := range Mi {
					Ki[j] = fexp((ai + beta[j] - x) * inv)
				}
			}
			if normalize {
				if rs := floats.Sum(Ki); rs > 0 && !math.IsInf(rs, 0) {
					floats.Scale(p.a[i]/rs, Ki)
					alpha[i] += eps * math.Log(p.a[i]/rs)
				}
			}
			floats.Add(cp, Ki)
		}
	})
	for i := range s.u {
		s.u[i] = 1
	}
	s.reduce()
}

// minNormal is the smallest normal float64: a product K·v or Kᵀu below it
// is subnormal and has lost its relative precision (5e-324 stands for
// anything in [2.5e-324, 7.4e-324]), so the scalings computed from it
// would satisfy the marginals only in that rounding.
const minNormal = 0x1p-1022

// step does v = b ⊘ ktu, then one fused sweep u = a ⊘ Kv, ktu = Kᵀu. It
// returns false (leaving uOld, vOld as the last good scalings) when a
// product is subnormal, vanishes or overflows, i.e. a scaling is not
// finite and positive or not computed to full precision. rowErr is
// ‖u⊙Kv − a‖₁.
func (s *scaler) step() (ok bool, rowErr float64) {
	p, m := s.p, s.p.M.m
	copy(s.uOld, s.u)
	copy(s.vOld, s.v)
	for j, x := range s.ktu {
		v := p.b[j] / x
		if !(x >= minNormal) || math.IsInf(v, 0) || !(v > 0) {
			return false, 0
		}
		s.v[j] = v
	}
	bad := s.bad
	for k := range bad {
		bad[k] = false
	}
	p.ch.run(func(k int) {
		lo, hi := p.ch.bounds(k)
		cp := s.part[k*m : (k+1)*m]
		for j := range cp {
			cp[j] = 0
		}
		var re float64
		for i := lo; i < hi; i++ {
			Ki := s.K[i*m : (i+1)*m]
			kv := dot(Ki, s.v)
			u := p.a[i] / kv
			if !(kv >= minNormal) || math.IsInf(u, 0) || !(u > 0) {
				bad[k] = true
				return
			}
			s.u[i] = u
			re += math.Abs(u*kv - p.a[i])
			axpy(u, Ki, cp)
		}
		s.rowErrPart[k] = re
	})
	for k, b := range bad {
		if b {
			return false, 0
		}
		rowErr += s.rowErrPart[k]
	}
	s.reduce()
	return true, rowErr
}

// potentials sets f = reg·log u, g = reg·log v (the kernel is exp(−M/reg)).
func (s *scaler) potentials(f, g []float64) {
	for i, x := range s.u {
		f[i] = s.p.reg * math.Log(x)
	}
	for j, x := range s.v {
		g[j] = s.p.reg * math.Log(x)
	}
}

// planInPlace hands K and the scalings to p: finish turns K into the plan
// diag(u)·K·diag(v).
func (s *scaler) planInPlace() {
	s.p.plan, s.p.planU, s.p.planV = s.K, s.u, s.v
}

// colSums returns v ⊙ ktu, the column sums of diag(u) K diag(v).
func (s *scaler) colSums(dst []float64) []float64 {
	for j, x := range s.ktu {
		dst[j] = x * s.v[j]
	}
	return dst
}

func sinkhornScaling(p *problem, c config, res *Result) (f, g []float64, err error) {
	n, m := p.M.n, p.M.m
	s := newScaler(p)
	s.kernel(nil, nil, p.reg, false)
	for i := range s.u {
		s.u[i] = 1 / float64(n)
	}
	for j := range s.v {
		s.v[j] = 1 / float64(m)
	}
	floats.Scale(1/float64(n), s.ktu)
	res.Passes = 1
	col := make([]float64, m)
	pot := func(f, g []float64) ([]float64, []float64) {
		s.potentials(f, g)
		s.planInPlace()
		return f, g
	}
	f, g = make([]float64, n), make([]float64, m)
	for it := 1; it <= c.maxIter; it++ {
		ok, rowErr := s.step()
		res.Passes += 2
		if !ok {
			return nil, nil, fmt.Errorf("iteration %d: %w", it, ErrUnderflow)
		}
		res.Iterations = it
		stop, l1 := errNorm(c.norm, s.colSums(col), p.b, rowErr)
		res.History = append(res.History, l1)
		if c.ctx.Err() != nil {
			res.Status = Canceled
			f, g = pot(f, g)
			return f, g, nil
		}
		if (it-1)%c.checkEvery != 0 {
			continue
		}
		if stop <= c.tol {
			res.Status = Converged
			f, g = pot(f, g)
			return f, g, nil
		}
		if c.callback != nil {
			s.potentials(f, g)
			res.F, res.G = f, g
			cont, err := callback(c.callback, it, res)
			if err != nil {
				return nil, nil, err
			}
			if !cont {
				res.Status = Stopped
				f, g = pot(f, g)
				return f, g, nil
			}
		}
	}
	res.Status = MaxIterReached
	f, g = pot(f, g)
	return f, g, nil
}
