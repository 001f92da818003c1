package ot

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// SinkhornLog solves the same problem as Sinkhorn in the log domain (POT's
// ot.bregman.sinkhorn_log): starting from f = g = 0,
//
//	g_j = reg·(log b_j − LSE_i((f_i − M_ij)/reg))
//	f_i = reg·(log a_i − LSE_j((g_j − M_ij)/reg))
//
// with max-shifted log-sum-exps, so nothing under- or overflows for any
// reg > 0. Terms more than 64 below a log-sum-exp's maximum (relative
// weight < 2e-28) are skipped. An iteration counts 2 passes; the stopping
// test and its cadence are Sinkhorn's (iteration counts equal POT's niter + 1
// with Norm L2Col). Default MaxIter 10000. It keeps a transposed copy of M.
func SinkhornLog(a, b []float64, M *mat.Dense, reg float64, s *Settings) (*Result, error) {
	return solve("SinkhornLog", a, b, M, reg, s, 10000, sinkhornLog)
}

// logDomain holds what the log-domain updates need: M transposed and
// per-chunk scratch rows.
type logDomain struct {
	p          *problem
	MT         []float64
	chT        chunking
	loga, logb []float64
	scratch    []float64
	width      int
	part       []float64
}

func newLogDomain(p *problem) *logDomain {
	n, m := p.M.n, p.M.m
	MT := make([]float64, n*m)
	p.ch.run(func(k int) {
		lo, hi := p.ch.bounds(k)
		for i := lo; i < hi; i++ {
			for j, x := range p.M.row(i) {
				MT[j*n+i] = x
			}
		}
	})
	w := n
	if m > w {
		w = m
	}
	chT := newChunking(m, n)
	cnt := chT.count
	if p.ch.count > cnt {
		cnt = p.ch.count
	}
	d := &logDomain{p: p, MT: MT, chT: chT, loga: make([]float64, n), logb: make([]float64, m),
		scratch: make([]float64, cnt*w), width: w, part: make([]float64, p.ch.count)}
	for i, x := range p.a {
		d.loga[i] = math.Log(x)
	}
	for j, x := range p.b {
		d.logb[j] = math.Log(x)
	}
	return d
}

// lse returns LSE_j((w_j − row_j)·inv) using buf as scratch.
func lse(w, row []float64, inv float64, buf []float64) float64 {
	buf = buf[:len(row)]
	mx := math.Inf(-1)
	for j, x := range row {
		e := (w[j] - x) * inv
		buf[j] = e
		if e > mx {
			mx = e
		}
	}
	if math.IsInf(mx, -1) {
		return mx
	}
	var s float64
	for _, e := range buf {
		if d := e - mx; d > -64 {
			s += fexp(d)
		}
	}
	return mx + math.Log(s)
}

// colLSE sets L_j = LSE_i((f_i − M_ij)/eps).
func (d *logDomain) colLSE(f []float64, eps float64, L []float64) {
	n, inv := d.p.M.n, 1/eps
	d.chT.run(func(k int) {
		lo, hi := d.chT.bounds(k)
		buf := d.scratch[k*d.width : (k+1)*d.width]
		for j := lo; j < hi; j++ {
			L[j] = lse(f, d.MT[j*n:(j+1)*n], inv, buf)
		}
	})
}

// rowUpdate sets f_i = eps·(log a_i − LSE_j((g_j − M_ij)/eps)) and returns
// the row error ‖P1 − a‖₁ of the updated plan.
func (d *logDomain) rowUpdate(g []float64, eps float64, f []float64) float64 {
	p, inv := d.p, 1/eps
	part := d.part
	p.ch.run(func(k int) {
		lo, hi := p.ch.bounds(k)
		buf := d.scratch[k*d.width : (k+1)*d.width]
		var re float64
		for i := lo; i < hi; i++ {
			l := lse(g, p.M.row(i), inv, buf)
			f[i] = eps * (d.loga[i] - l)
			re += math.Abs(math.Exp(f[i]*inv+l) - p.a[i])
		}
		part[k] = re
	})
	var re float64
	for _, x := range part {
		re += x
	}
	return re
}

// colUpdate sets g_j = eps·(log b_j − L_j).
func (d *logDomain) colUpdate(L []float64, eps float64, g []float64) {
	for j, l := range L {
		g[j] = eps * (d.logb[j] - l)
	}
}

// colSumsLog sets col_j = exp(g_j/eps + L_j), the column sums of the plan whose
// column log-sum-exps are L.
func colSumsLog(g, L []float64, eps float64, col []float64) []float64 {
	for j, l := range L {
		col[j] = math.Exp(g[j]/eps + l)
	}
	return col
}

func sinkhornLog(p *problem, c config, res *Result) (f, g []float64, err error) {
	n, m, eps := p.M.n, p.M.m, p.reg
	d := newLogDomain(p)
	f, g = make([]float64, n), make([]float64, m)
	L, col := make([]float64, m), make([]float64, m)
	d.colLSE(f, eps, L)
	res.Passes = 2
	for it := 1; it <= c.maxIter; it++ {
		d.colUpdate(L, eps, g)
		rowErr := d.rowUpdate(g, eps, f)
		d.colLSE(f, eps, L)
		res.Passes += 2
		res.Iterations = it
		stop, l1 := errNorm(c.norm, colSumsLog(g, L, eps, col), p.b, rowErr)
		res.History = append(res.History, l1)
		if math.IsNaN(l1) {
			return nil, nil, fmt.Errorf("iteration %d: marginal error is NaN", it)
		}
		if c.ctx.Err() != nil {
			res.Status = Canceled
			return f, g, nil
		}
		if (it-1)%c.checkEvery != 0 {
			continue
		}
		if stop <= c.tol {
			res.Status = Converged
			return f, g, nil
		}
		if c.callback != nil {
			res.F, res.G = f, g
			cont, err := callback(c.callback, it, res)
			if err != nil {
				return nil, nil, err
			}
			if !cont {
				res.Status = Stopped
				return f, g, nil
			}
		}
	}
	res.Status = MaxIterReached
	return f, g, nil
}
