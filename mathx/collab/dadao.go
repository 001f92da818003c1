package collab

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// DADAO minimises f = (1/n)Σ_i f_i over the graph g (one node per worker,
// every f_i μ-strongly convex and L-smooth) with DADAO, Decoupled
// Accelerated Decentralized Asynchronous Optimization (Nabli & Oyallon,
// ICML 2023, arXiv 2208.00779): gradient steps and gossip steps fire on
// independent Poisson clocks, and between events every node's variables
// follow a linear ODE, so computation and communication are decoupled
// and both accelerated.
//
// Every node i holds six vectors, x, x̃, y, ỹ, z, z̃ (x = x0, the others
// 0 at the start; x is the node's model). With ν = μ/2, between events
// they follow
//
//	dx = η(x̃ − x),  dx̃ = η̃(x − x̃),
//	dy = α(ỹ − y),  dỹ = −θ(ν·x̃ + y + z),
//	dz = α(z̃ − z),  dz̃ = α̃(z − z̃),
//
// integrated exactly (the matrix exponential of the 6 × 6 system, applied
// to each coordinate) when an event touches the node. Events:
//
//   - a gradient at node i (a clock of rate 1 at every node, λ_grad = n in
//     all): with u = ∇f_i(x) − ν·x − ỹ,
//     x ← x − γ·u,  x̃ ← x̃ − γ̃·u,  ỹ ← ỹ + (δ + δ̃)·u;
//   - a communication on edge (i, j) (edges fire uniformly, λ_mix in all,
//     s.CommRate): with m = (y_i + z_i) − (y_j + z_j), sent both ways,
//     z_i ← z_i − β·m, z_j ← z_j + β·m, z̃_i ← z̃_i − β̃·m, z̃_j ← z̃_j + β̃·m.
//
// The parameters, as functions of μ, L and the graph: α = ¼√(ν/L),
// α̃ = η = η̃ = ⅛√(ν/L), θ = ½√(L/ν), δ = ¼√(ν/L), δ̃ = 1, γ = 1/(4L),
// γ̃ = 1/(4√(Lν)), β = ½, β̃ = 2χ₁*·√(L/ν) with χ₁* = χ₁/λ_mix, and the
// communication rate λ_mix = √(2χ₁χ₂) by default, where χ₁ and χ₂ are
// g.Spectrum().Chi1 and Chi2 (the Laplacian weighted by the edges'
// probabilities 1/|E|; χ₁* is χ₁ of the Laplacian of the edges' rates).
// At a fixed point every x is the minimiser x* of f: y + z = −ν·x* at
// every node (so the communications stop), ỹ_i = ∇f_i(x*) − ν·x* and
// Σ_i z_i = −Σ_i ∇f_i(x*) = 0. The paper proves O(n√(L/μ)·log(1/ε))
// gradients and O(n√(χ₁χ₂)·√(L/μ)·log(1/ε)) communications to precision
// ε; synchronous gossip GD needs O(L/μ) rounds of |E| communications
// and, with a constant step, only reaches a neighbourhood of x*.
//
// What was read: the paper's abstract (arXiv 2208.00779) — its body was
// not available to this session — and the authors' public code
// (github.com/AdelNabli/DADAO, optimizers.py's DADAO_optimizer, utils.py,
// data.py, main.py and run_optimizers.py), which its README gives as the
// implementation of the ICML 2023 paper. The system above, the parameter
// values, the rates λ_grad = n and λ_mix = √(2χ₁χ₂), the definitions of
// χ₁ and χ₂ (with the ½ in χ₂) and the zero start of the auxiliary
// variables are read from that code; the names are the code's (and, by
// it, the paper's). The fixed-point statement is this package's check of
// the equations. Not implemented: the paper's time-varying graphs and its
// SDP choice of per-edge rates (edges fire uniformly here).
//
// s.Mu and s.L are μ and L, required (0 < μ ≤ L; for LogisticWorkers
// with λ > 0, μ = λ and L = LogisticSmoothness); s.CommRate overrides
// λ_mix; s.GradNoise adds N(0, σ²I) noise to every gradient. s.MaxIter is
// the simulated time (default 100 units; about n gradients and λ_mix
// communications per unit). Result.History is f(x̄) (x̄ the mean of the
// nodes' x) at times 0, 1, 2, …, with HistoryGradEvals and HistoryComms;
// GradEvals counts gradient events, Communications edge events (2·d
// floats each in FloatsSent). The events come from one PCG stream seeded
// by s.Seed, so a seed gives bit-identical results whatever GOMAXPROCS.
// The tolerance, X, Models (the nodes' x), Spread, Loss, the callback
// (once per unit of time), the 2^24 events a unit at most, cancellation
// and Failed are as in AsyncGossip.
// s.Step and s.Momentum are not used.
//
// It panics as AsyncGossip does, when μ ≤ 0 or L < μ (or either is not
// finite), and when g is disconnected (χ₁ = ∞; a single node needs no
// edge).
func DADAO(workers []Func, x0 []float64, g *Graph, s *Settings) (*Result, error) {
	if s == nil || !(s.Mu > 0) || !(s.L >= s.Mu) || math.IsInf(s.L, 0) {
		var mu, l float64
		if s != nil {
			mu, l = s.Mu, s.L
		}
		panic(fmt.Sprintf("collab.DADAO: Settings.Mu = %v, Settings.L = %v; want 0 < Mu ≤ L < ∞", mu, l))
	}
	w, err := newNetwork("DADAO", workers, x0, g, s)
	if err != nil {
		return w.res, err
	}
	n, d := w.n, w.d
	mu, L := w.set.Mu, w.set.L
	nu := mu / 2
	r := math.Sqrt(nu / L)
	var chi1, lmix float64
	if len(g.edges) > 0 {
		sp := g.Spectrum()
		if math.IsInf(sp.Chi1, 0) {
			panic("collab.DADAO: the graph is disconnected")
		}
		chi1 = sp.Chi1
		lmix = math.Sqrt(2 * sp.Chi1 * sp.Chi2)
		if w.set.CommRate > 0 {
			lmix = w.set.CommRate
		}
	} else if n > 1 {
		panic(fmt.Sprintf("collab.DADAO: a graph of %d nodes without edges", n))
	}
	var (
		alpha, alphaT = r / 4, r / 8
		eta, etaT     = r / 8, r / 8
		theta         = 1 / (2 * r)
		delta, deltaT = r / 4, 1.0
		gamma, gammaT = 1 / (4 * L), 1 / (4 * math.Sqrt(L*nu))
		beta, betaT   = 0.5, 0.0
	)
	if lmix > 0 {
		betaT = 2 * (chi1 / lmix) / r
	}
	// The ODE's matrix on (x, x̃, y, ỹ, z, z̃).
	ode := mat.NewDense(6, 6, []float64{
		-eta, eta, 0, 0, 0, 0,
		etaT, -etaT, 0, 0, 0, 0,
		0, 0, -alpha, alpha, 0, 0,
		0, -theta * nu, -theta, 0, -theta, 0,
		0, 0, 0, 0, -alpha, alpha,
		0, 0, 0, 0, alphaT, -alphaT,
	})
	// v[k] is variable k of every node: v[0] = x (the models), then x̃, y,
	// ỹ, z, z̃.
	var v [6][][]float64
	v[0] = w.rows
	for k := 1; k < 6; k++ {
		v[k] = make([][]float64, n)
		for i := range v[k] {
			v[k][i] = make([]float64, d)
		}
	}
	last := make([]float64, n) // time each node was last brought up to date
	var scaled, expm mat.Dense
	var e [36]float64
	var col [6]float64
	// advance integrates node i's ODE from last[i] to t.
	advance := func(i int, t float64) {
		tau := t - last[i]
		last[i] = t
		if tau <= 0 {
			return
		}
		scaled.Scale(tau, ode)
		expm.Exp(&scaled)
		for a := 0; a < 6; a++ {
			for b := 0; b < 6; b++ {
				e[6*a+b] = expm.At(a, b)
			}
		}
		for j := 0; j < d; j++ {
			for k := range col {
				col[k] = v[k][i][j]
			}
			for a := 0; a < 6; a++ {
				var s float64
				for b, c := range col {
					s += e[6*a+b] * c
				}
				v[a][i][j] = s
			}
		}
	}
	c := newClock(w.set.Seed, n, len(g.edges), true, lmix)
	noise := rand.New(rand.NewPCG(w.set.Seed, 8))
	gi := make([]float64, d)
	return w.run(func(t int) error {
		for k := 0; c.t < float64(t+1) && k < maxEvents; k++ {
			if k&1023 == 1023 && w.ctx.Err() != nil {
				return errCanceled
			}
			if i := c.node; i >= 0 {
				advance(i, c.t)
				x, xt, yt := v[0][i], v[1][i], v[3][i]
				if err := w.grad(i, x, gi, noise); err != nil {
					return err
				}
				for j := range gi {
					u := gi[j] - nu*x[j] - yt[j]
					x[j] -= gamma * u
					xt[j] -= gammaT * u
					yt[j] += (delta + deltaT) * u
				}
			} else {
				ed := g.edges[c.edge]
				i, j := ed[0], ed[1]
				advance(i, c.t)
				advance(j, c.t)
				yi, zi, zti := v[2][i], v[4][i], v[5][i]
				yj, zj, ztj := v[2][j], v[4][j], v[5][j]
				for q := range zi {
					m := yi[q] + zi[q] - yj[q] - zj[q]
					zi[q] -= beta * m
					zj[q] += beta * m
					zti[q] -= betaT * m
					ztj[q] += betaT * m
				}
				w.res.Communications++
				w.res.FloatsSent += 2 * d
			}
			c.next()
		}
		// Every node up to time t + 1, for the history and the callback.
		for i := 0; i < n; i++ {
			advance(i, float64(t+1))
		}
		return nil
	})
}
