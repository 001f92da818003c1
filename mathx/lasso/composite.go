package lasso

import (
	"math"

	"github.com/gomx-dev/gomx/mathx/interrupt"
	"github.com/gomx-dev/gomx/mathx/prox"
	"gonum.org/v1/gonum/mat"
)

// Composite is min_x loss(Ax; b) + G(x) for any penalty or constraint G
// with a prox (mathx/prox: group lasso, total variation, SEF, ℓ0 ball, a
// user type, …), with the loss of Problem. In an interpreted cell, give G
// a user type through a prox.Func variable (see package prox).
type Composite struct {
	A    mat.Matrix
	B    []float64
	Loss Loss
	G    prox.Func
}

// ProxGradient solves c by proximal gradient steps
// x⁺ = prox_{G/L}(x − ∇f(x)/L), f the loss, with backtracking on L as in
// ISTA. It also serves nonconvex G: with G = prox.L0Ball{K} it is
// iterative hard thresholding, the projected gradient of TEDDY. It stops
// when the gradient-mapping norm L‖x⁺ − x‖ is at most Settings.Tol; that
// norm is Result.History, F(x) = f(x) + G(x) is Result.Objective, and
// Result.Gap stays 0 (no dual for a general G).
func ProxGradient(c *Composite, s *Settings) (*Result, error) {
	return composite(c, s, false, "lasso.ProxGradient")
}

// AccelProxGradient solves c by FISTA with backtracking and adaptive
// restart (as FISTA), for convex G; stopping and results as in
// ProxGradient, with the gradient mapping taken at the extrapolated point.
func AccelProxGradient(c *Composite, s *Settings) (*Result, error) {
	return composite(c, s, true, "lasso.AccelProxGradient")
}

func composite(c *Composite, sp *Settings, accel bool, name string) (*Result, error) {
	if c == nil || c.G == nil {
		panic(name + ": nil problem or penalty")
	}
	s := defaults(sp)
	d := newDataPenalty(&Problem{A: c.A, B: c.B, Loss: c.Loss}, name, false, false)
	ctx := interrupt.Or(s.Context)
	n, dim := d.n, d.d
	x := start(s, dim, name)
	res := &Result{X: x}
	z := make([]float64, n)
	u := make([]float64, n)
	atu := make([]float64, dim)
	lip := d.lipschitz()
	d.mulA(z, x)
	fx := d.lossGrad(u, z)
	d.mulAT(atu, u)
	res.MatVecs += 2
	grad := make([]float64, dim)
	setGrad(grad, atu, x, 0)
	objective := fx + c.G.Value(x)

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
			fy = d.lossValue(zy)
		default:
			fy = d.lossGrad(u, zy)
			d.mulAT(atu, u)
			res.MatVecs++
			setGrad(gy, atu, y, 0)
		}
		var fn, sq float64
		for {
			for j := range step {
				step[j] = y[j] - gy[j]/lip
			}
			c.G.Prox(xn, step, 1/lip)
			d.mulA(zn, xn)
			res.MatVecs++
			res.Updates++
			fn = d.lossValue(zn)
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
			lip *= 1.5
		}
		gm := lip * math.Sqrt(sq)
		fn = d.lossGrad(u, zn)
		d.mulAT(atu, u)
		res.MatVecs++
		newObjective := fn + c.G.Value(xn)
		if accel && newObjective > objective {
			tNext = 1
		}
		tk = tNext
		xPrev, x, xn = x, xn, xPrev
		zPrev, z, zn = z, zn, zPrev
		gradPrev, grad = grad, gradPrev
		setGrad(grad, atu, x, 0)
		fx, objective = fn, newObjective
		res.X = x
		res.Lipschitz = lip
		if stop, err := record(res, &s, ctx, gm, objective); stop {
			return finish(res, x), err
		}
	}
}
