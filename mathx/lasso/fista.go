package lasso

import (
	"fmt"
	"math"

	"github.com/gomx-dev/gomx/mathx/interrupt"
	"github.com/gomx-dev/gomx/mathx/prox"
	"gonum.org/v1/gonum/floats"
)

// ISTA solves p by proximal gradient descent,
// x⁺ = soft(x − ∇f(x)/L, λ/L) with f the loss plus the ridge term, and a
// backtracking estimate of L (started from a power-iteration estimate of
// the largest curvature, multiplied by 1.5 whenever the sufficient-decrease
// test fails, at most 100 trials per iteration, each checking the
// context). It stops when the relative duality gap (see Gap) is at most
// Settings.Tol; each iteration costs two products with A or Aᵀ plus one
// per backtracking trial.
func ISTA(p *Problem, s *Settings) (*Result, error) {
	return lassoProxGrad(p, s, false, "lasso.ISTA")
}

// FISTA solves p by accelerated proximal gradient (Beck & Teboulle 2009)
// with backtracking as in ISTA and the function-value adaptive restart of
// O'Donoghue & Candès (2015): the momentum is reset whenever the
// objective increases. Stopping as in ISTA. For Squared loss the gradient
// at the extrapolated point is combined from the last two gradients, so an
// iteration costs two products with A or Aᵀ (three for Logistic).
func FISTA(p *Problem, s *Settings) (*Result, error) {
	return lassoProxGrad(p, s, true, "lasso.FISTA")
}

// lassoProxGrad runs proxGrad on p: g = λ‖·‖₁, stopped on the duality gap.
func lassoProxGrad(p *Problem, sp *Settings, accel bool, name string) (*Result, error) {
	s := defaults(sp)
	d := newData(p, name, false)
	return proxGrad(d, s, nonsmooth{
		prox:  func(dst, v []float64, lip float64) { prox.SoftThreshold(dst, v, d.lambda/lip) },
		value: func(x []float64) float64 { return d.lambda * floats.Norm(x, 1) },
		gap:   true,
	}, accel, name)
}

// nonsmooth is the part g of a problem f + g solved by proxGrad.
type nonsmooth struct {
	// prox writes prox_{g/lip}(v) into dst.
	prox func(dst, v []float64, lip float64)
	// value returns g(x).
	value func(x []float64) float64
	// gap stops the run on the relative duality gap, which needs
	// g = d.lambda·‖·‖₁, instead of on the gradient-mapping norm.
	gap bool
}

// proxGrad minimizes f + g, f(x) = loss(Ax) + (L2/2)‖x‖² from d, by the
// proximal gradient steps of ISTA or, with accel, FISTA's (backtracking on
// L, adaptive restart). Each iteration records, as g.gap says, the
// relative duality gap or the gradient-mapping norm L‖x⁺ − y‖ at the
// extrapolated point y.
func proxGrad(d *data, s Settings, g nonsmooth, accel bool, name string) (*Result, error) {
	ctx := interrupt.Or(s.Context)
	n, dim := d.n, d.d
	x := start(s, dim, name)
	z := make([]float64, n)
	u := make([]float64, n)
	atu := make([]float64, dim)
	res := &Result{X: x}
	if err := d.checkFinite(x, name); err != nil {
		return failed(res, x, err)
	}

	lip := d.lipschitz()
	if !(lip > 0) || math.IsInf(lip, 1) {
		return failed(res, x, fmt.Errorf("%s: the Lipschitz estimate of AᵀA/n is %g: A's scale overflows", name, lip))
	}
	d.mulA(z, x)
	fx := d.lossGrad(u, z) + d.ridge(x) // smooth part at x
	d.mulAT(atu, u)
	res.MatVecs += 2
	grad := make([]float64, dim)
	setGrad(grad, atu, x, d.l2)
	objective := fx + g.value(x)
	if !finite(objective) || !allFinite(grad) {
		return failed(res, x, fmt.Errorf("%s: objective %g or its gradient is not finite at the starting point", name, objective))
	}

	xPrev := append([]float64(nil), x...)
	zPrev := append([]float64(nil), z...)
	gradPrev := append([]float64(nil), grad...)
	y := make([]float64, dim)
	zy := make([]float64, n)
	gy := make([]float64, dim)
	xn := make([]float64, dim)
	zn := make([]float64, n)
	step := make([]float64, dim)
	tk := 1.0

	for {
		beta, tNext := 0.0, 1.0
		if accel {
			tNext = (1 + math.Sqrt(1+4*tk*tk)) / 2
			beta = (tk - 1) / tNext
		}
		for j := range y {
			y[j] = x[j] + beta*(x[j]-xPrev[j])
		}
		for i := range zy {
			zy[i] = z[i] + beta*(z[i]-zPrev[i])
		}
		var fy float64
		switch {
		case beta == 0:
			copy(gy, grad)
			fy = fx
		case !d.logistic:
			for j := range gy {
				gy[j] = grad[j] + beta*(grad[j]-gradPrev[j])
			}
			fy = d.lossValue(zy) + d.ridge(y)
		default:
			fy = d.lossGrad(u, zy) + d.ridge(y)
			d.mulAT(atu, u)
			res.MatVecs++
			setGrad(gy, atu, y, d.l2)
		}
		if !finite(fy) || !allFinite(gy) {
			return failed(res, x, fmt.Errorf("%s: smooth part %g or its gradient is not finite at the extrapolated point of iteration %d", name, fy, res.Iterations+1))
		}
		var fn, sq float64
		for trial := 1; ; trial++ {
			for j := range step {
				step[j] = y[j] - gy[j]/lip
			}
			g.prox(xn, step, lip)
			d.mulA(zn, xn)
			res.MatVecs++
			res.Updates++
			fn = d.lossValue(zn) + d.ridge(xn)
			var lin float64
			sq = 0
			for j := range xn {
				dj := xn[j] - y[j]
				lin += gy[j] * dj
				sq += dj * dj
			}
			if fn <= fy+lin+0.5*lip*sq+1e-12*math.Abs(fy) || sq == 0 {
				break
			}
			if ctx.Err() != nil {
				res.Status = Canceled
				return finish(res, x), nil
			}
			if trial == maxBacktrack || math.IsInf(lip*1.5, 1) {
				return failed(res, x, fmt.Errorf("%s: no sufficient decrease in %d backtracking trials at iteration %d (L = %g, trial loss %g)", name, trial, res.Iterations+1, lip, fn))
			}
			lip *= 1.5
		}
		gm := lip * math.Sqrt(sq) // the gradient-mapping norm at y
		d.lossGrad(u, zn)
		d.mulAT(atu, u)
		res.MatVecs++
		newObjective := fn + g.value(xn)
		if accel && newObjective > objective {
			tNext = 1 // adaptive restart: drop the momentum
		}
		tk = tNext
		xPrev, x, xn = x, xn, xPrev
		zPrev, z, zn = z, zn, zPrev
		gradPrev, grad = grad, gradPrev
		setGrad(grad, atu, x, d.l2)
		fx, objective = fn, newObjective
		res.X = x
		res.Lipschitz = lip
		var stop bool
		var err error
		if g.gap {
			stop, err = recordGap(res, &s, ctx, objective, d.dualFrom(u, atu))
		} else {
			stop, err = record(res, &s, ctx, gm, objective)
		}
		if stop {
			return finish(res, x), err
		}
	}
}

// maxBacktrack bounds the backtracking trials of one proximal gradient
// iteration: L grows by 1.5 per trial, so 100 trials cover a factor of
// 4·10¹⁷ over the power-iteration estimate, which is at most d times too
// small for a finite A.
const maxBacktrack = 100

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

func allFinite(x []float64) bool {
	for _, v := range x {
		if !finite(v) {
			return false
		}
	}
	return true
}

// ridge returns (L2/2)‖x‖².
func (d *data) ridge(x []float64) float64 {
	if d.l2 == 0 {
		return 0
	}
	return 0.5 * d.l2 * floats.Dot(x, x)
}

// finish copies the final iterate into a fresh slice owned by the result.
func finish(r *Result, x []float64) *Result {
	r.X = append([]float64(nil), x...)
	return r
}

// setGrad writes ∇f(x) = −Aᵀu + L2·x.
func setGrad(g, atu, x []float64, l2 float64) {
	for j := range g {
		g[j] = -atu[j] + l2*x[j]
	}
}

// lossValue returns loss(z) without the gradient.
func (d *data) lossValue(z []float64) float64 {
	var loss float64
	if !d.logistic {
		for i, zi := range z {
			r := d.p.B[i] - zi
			loss += r * r
		}
		return loss / (2 * float64(d.n))
	}
	for i, zi := range z {
		loss += log1pExp(-d.p.B[i] * zi)
	}
	return loss / float64(d.n)
}

// lipschitz estimates the Lipschitz constant of ∇f: the largest
// eigenvalue of AᵀA/n (a quarter of it for Logistic) by 10 power
// iterations from a fixed start, plus L2. It is at least the largest
// coordinate constant.
func (d *data) lipschitz() float64 {
	v := make([]float64, d.d)
	for j := range v {
		v[j] = 1 + float64(j)/float64(d.d)
	}
	av := make([]float64, d.n)
	est := 0.0
	for it := 0; it < 10; it++ {
		nv := floats.Norm(v, 2)
		if nv == 0 {
			break
		}
		floats.Scale(1/nv, v)
		d.mulA(av, v)
		est = floats.Dot(av, av)
		d.mulAT(v, av)
	}
	col := make([]float64, d.d)
	for i := 0; i < d.n; i++ {
		for j, a := range d.a[i*d.d : (i+1)*d.d] {
			col[j] += a * a
		}
	}
	colMax := floats.Max(col)
	est = math.Max(est, colMax) / float64(d.n)
	if d.logistic {
		est /= 4
	}
	if est == 0 {
		est = 1
	}
	return est + d.l2
}
