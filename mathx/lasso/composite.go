package lasso

import (
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
	return proxGrad(d, s, nonsmooth{
		prox:  func(dst, v []float64, lip float64) { c.G.Prox(dst, v, 1/lip) },
		value: c.G.Value,
	}, accel, name)
}
