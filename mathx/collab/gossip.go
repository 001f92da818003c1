package collab

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// A network is what Gossip, AsyncGossip and DADAO share: the checked
// setup, the graph, the nodes' models and the monitoring of f(x̄).
type network struct {
	*setup
	workers []Func
	g       *Graph
	models  *mat.Dense
	rows    [][]float64 // rows of models
	xbar    []float64
	xs      [][]float64 // n copies of xbar, for evalWorkers
	mgrads  [][]float64 // the workers' gradients at xbar (monitoring)
	res     *Result
}

// newNetwork checks the arguments of the decentralised method name and
// starts every node at x0.
func newNetwork(name string, workers []Func, x0 []float64, g *Graph, s *Settings) (*network, error) {
	if g == nil {
		panic(fmt.Sprintf("collab.%s: nil graph", name))
	}
	if g.N() != len(workers) {
		panic(fmt.Sprintf("collab.%s: %d workers on a graph of %d nodes", name, len(workers), g.N()))
	}
	if s != nil && s.Byzantine != 0 {
		panic(fmt.Sprintf("collab.%s: Byzantine = %d; the decentralised methods have no Byzantine nodes", name, s.Byzantine))
	}
	if s != nil && (!(s.GradNoise >= 0) || math.IsInf(s.GradNoise, 0) || !(s.CommRate >= 0) || math.IsInf(s.CommRate, 0)) {
		panic(fmt.Sprintf("collab.%s: GradNoise = %v, CommRate = %v; want finite and ≥ 0", name, s.GradNoise, s.CommRate))
	}
	u, err := newSetup(name, workers, x0, s)
	n, d := u.n, u.d
	w := &network{setup: u, workers: workers, g: g, models: mat.NewDense(n, d, nil), xbar: make([]float64, d)}
	w.rows = Rows(w.models)
	w.xs = make([][]float64, n)
	w.mgrads = make([][]float64, n)
	for i := range w.rows {
		copy(w.rows[i], x0)
		w.xs[i] = w.xbar
		w.mgrads[i] = make([]float64, d)
	}
	w.res = &Result{X: make([]float64, d), Models: w.models}
	if err != nil {
		w.res.Status = Failed
	}
	return w, err
}

// fail ends the run with Status Failed.
func (w *network) fail(err error) (*Result, error) {
	w.res.Status = Failed
	honestMean(w.res.X, w.rows)
	return w.res, err
}

// record appends f(x̄) and the counts to the history and returns
// ‖∇f(x̄)‖ = ‖(1/n)Σ ∇f_i(x̄)‖, both computed from the workers at x̄ (the
// monitoring gradients are not counted in GradEvals).
func (w *network) record() (float64, error) {
	honestMean(w.xbar, w.rows)
	if err := evalWorkers(w.name, w.workers, w.xs, w.mgrads, w.losses); err != nil {
		return 0, err
	}
	loss := w.meanLoss()
	var gn float64
	for j := 0; j < w.d; j++ {
		var g float64
		for i := 0; i < w.n; i++ {
			g += w.mgrads[i][j] / float64(w.n)
		}
		gn += g * g
	}
	gn = math.Sqrt(gn)
	r := w.res
	r.History = append(r.History, loss)
	r.HistoryGradEvals = append(r.HistoryGradEvals, r.GradEvals)
	r.HistoryComms = append(r.HistoryComms, r.Communications)
	if math.IsNaN(loss) || math.IsInf(loss, 0) || math.IsNaN(gn) || math.IsInf(gn, 0) {
		return gn, fmt.Errorf("collab.%s: f(x̄) = %v, ‖∇f(x̄)‖ = %v after %d rounds or units of time", w.name, loss, gn, len(r.History)-1)
	}
	return gn, nil
}

// begin runs the bookkeeping of the start of round or unit of time t:
// cancellation, the history and the tolerance. It reports whether to
// stop; err is a numerical failure.
func (w *network) begin(t int) (stop bool, err error) {
	if w.ctx.Err() != nil {
		w.res.Status = Canceled
		return true, nil
	}
	gn, err := w.record()
	if err != nil {
		return true, err
	}
	if w.set.Tol > 0 && gn <= w.set.Tol {
		w.res.Status = Converged
		return true, nil
	}
	w.res.Iterations = t + 1
	return false, nil
}

// after calls the callback at the end of round or unit of time t and sets
// the status after the last one; it reports whether to stop.
func (w *network) after(t int) (stop bool, err error) {
	for _, r := range w.rows {
		for j, v := range r {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return true, fmt.Errorf("collab.%s: node model entry %d is %v after round or unit of time %d", w.name, j, v, t)
			}
		}
	}
	if w.set.Callback != nil {
		honestMean(w.res.X, w.rows)
		ok, err := callback(w.set.Callback, t+1, w.res)
		if err != nil {
			return true, err
		}
		if !ok {
			w.res.Status = Stopped
			return true, nil
		}
	}
	if t == w.rounds-1 {
		w.res.Status = Converged
		if w.set.Tol > 0 {
			w.res.Status = MaxIterReached
		}
	}
	return false, nil
}

// finish sets X, Spread and Loss at the end of a run.
func (w *network) finish() (*Result, error) {
	r := w.res
	honestMean(r.X, w.rows)
	r.Spread = 0
	for _, m := range w.rows {
		var q float64
		for j, t := range m {
			e := t - r.X[j]
			q += e * e
		}
		r.Spread = math.Max(r.Spread, math.Sqrt(q))
	}
	copy(w.xbar, r.X)
	if err := evalWorkers(w.name, w.workers, w.xs, nil, w.losses); err != nil {
		return w.fail(err)
	}
	r.Loss = w.meanLoss()
	if math.IsNaN(r.Loss) || math.IsInf(r.Loss, 0) || math.IsNaN(r.Spread) || math.IsInf(r.Spread, 0) {
		return w.fail(fmt.Errorf("collab.%s: final loss %v, spread %v", w.name, r.Loss, r.Spread))
	}
	return r, nil
}

// run runs the rounds or units of time t = 0, 1, …: the bookkeeping of
// begin, the method's round(t), then after's; it ends the run with
// finish, or with fail on an error (Status Canceled, not Failed, when
// round returns errCanceled).
func (w *network) run(round func(t int) error) (*Result, error) {
	for t := 0; t < w.rounds; t++ {
		stop, err := w.begin(t)
		if err != nil {
			return w.fail(err)
		}
		if stop {
			break
		}
		if err := round(t); err == errCanceled {
			w.res.Status = Canceled
			break
		} else if err != nil {
			return w.fail(err)
		}
		if stop, err := w.after(t); err != nil {
			return w.fail(err)
		} else if stop {
			break
		}
	}
	return w.finish()
}

// noise adds N(0, σ²) to every coordinate of g (σ = GradNoise).
func (w *network) noise(rng *rand.Rand, g []float64) {
	if sigma := w.set.GradNoise; sigma > 0 {
		for j := range g {
			g[j] += sigma * rng.NormFloat64()
		}
	}
}

// grad sets grad = ∇f_i(x) (plus the oracle's noise), turning a panic of
// the worker's objective into an error.
func (w *network) grad(i int, x, grad []float64, rng *rand.Rand) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("collab.%s: worker %d's objective panicked: %v", w.name, i, p)
		}
	}()
	w.workers[i](x, grad)
	w.res.GradEvals++
	w.noise(rng, grad)
	return nil
}

// Gossip runs synchronous decentralised gradient descent (gossip GD,
// "adapt then combine") on the graph g, one node per worker, every node
// starting at x0 (not modified). Each round t every node i
//
//  1. computes g_i = ∇f_i(x_i), plus N(0, σ²I) noise when
//     σ = s.GradNoise > 0 (gossip SGD with an additive-noise oracle), and
//     its Polyak momentum m_i ← β·m_i + (1 − β)·g_i (β = s.Momentum,
//     default 0: m_i = g_i);
//  2. takes the local step x_i^½ = x_i − γ·m_i (γ = s.Step, default 0.1);
//  3. gossips: x_i ← Σ_j W_ij·x_j^½ with W = g.Metropolis(), sending its
//     half-step to each neighbour.
//
// W is doubly stochastic, so the average x̄ moves as
// x̄ ← x̄ − γ·(1/n)Σ m_i: on quadratics with one Hessian it is exactly
// centralised gradient descent, and the consensus error contracts by
// g.Spectrum().Mixing per round. With a constant step and workers with
// different minimisers the nodes converge to a neighbourhood of the
// optimum of (1/n)Σ f_i whose size shrinks with γ (the known bias of
// decentralised gradient descent, Yuan, Ling & Yin 2016, arXiv
// 1310.7063); gossip SGD's analysis: Koloskova et al. 2020, arXiv
// 2003.10422.
//
// Result.History is f(x̄) = (1/n)Σ f_i(x̄) at the start of each round,
// with the counts at that time in HistoryGradEvals and HistoryComms;
// GradEvals counts n gradients per round, Communications |E| edges per
// round and FloatsSent 2·|E|·d. With s.Tol > 0 the run stops Converged at
// the start of the first round with ‖∇f(x̄)‖ ≤ Tol (the monitoring
// gradients at x̄ are not counted), MaxIterReached after s.MaxIter rounds
// otherwise; with Tol = 0 it runs all rounds and ends Converged. X is x̄
// at the end, Models the nodes' models, Spread the largest ‖x_i − x̄‖,
// Loss f(X). Gradients are computed concurrently and reduced in node
// order, and the noise comes from a stream seeded by s.Seed and the
// round, so a seed gives bit-identical results whatever GOMAXPROCS.
// Cancellation, the callback and Failed on non-finite values are as in
// Simulate.
//
// It panics when g is nil, g.N() ≠ len(workers), x0 is empty,
// s.Byzantine ≠ 0, Step < 0, Momentum ∉ [0, 1), MaxIter < 0 or
// GradNoise < 0.
func Gossip(workers []Func, x0 []float64, g *Graph, s *Settings) (*Result, error) {
	w, err := newNetwork("Gossip", workers, x0, g, s)
	if err != nil {
		return w.res, err
	}
	n := w.n
	half := make([][]float64, n)
	for i := range half {
		half[i] = make([]float64, w.d)
	}
	// W as sparse rows: the diagonal and the neighbours.
	wdiag := make([]float64, n)
	wnbr := make([][]float64, n)
	for i := range wnbr {
		wnbr[i] = make([]float64, len(g.nbrs[i]))
	}
	g.metropolis(func(i, j int, v float64) {
		if i == j {
			wdiag[i] = v
			return
		}
		for k, nb := range g.nbrs[i] {
			if nb == j {
				wnbr[i][k] = v
			}
		}
	})
	edges := len(g.edges)
	return w.run(func(t int) error {
		if err := evalWorkers("Gossip", workers, w.rows, w.grads, w.losses); err != nil {
			return err
		}
		w.res.GradEvals += n
		if w.set.GradNoise > 0 {
			rng := rand.New(rand.NewPCG(w.set.Seed, uint64(t)))
			for i := range w.grads {
				w.noise(rng, w.grads[i])
			}
		}
		w.momentum()
		for i, x := range w.rows {
			for j, m := range w.moms[i] {
				half[i][j] = x[j] - w.step*m
			}
		}
		for i, x := range w.rows {
			for j := range x {
				x[j] = wdiag[i] * half[i][j]
			}
			for k, nb := range g.nbrs[i] {
				c := wnbr[i][k]
				for j, h := range half[nb] {
					x[j] += c * h
				}
			}
		}
		w.res.Communications += edges
		w.res.FloatsSent += 2 * edges * w.d
		return nil
	})
}

// A clock draws the events of independent Poisson clocks: one of rate 1
// at every node (a local gradient) when grads is set, and one of rate
// comm/|E| on every edge (a communication), merged into one stream of
// rate n + comm (or comm) from a PCG seeded with seed: each event is the
// previous time plus an Exp(total rate) wait, a gradient with
// probability n/(total rate) at a uniform node, else a uniform edge.
type clock struct {
	rng         *rand.Rand
	n, m        int
	grad, total float64
	t           float64 // time of the pending event
	node, edge  int     // its node (gradient) or edge (-1 for the other)
}

func newClock(seed uint64, n, m int, grads bool, comm float64) *clock {
	c := &clock{rng: rand.New(rand.NewPCG(seed, 7)), n: n, m: m}
	if grads {
		c.grad = float64(n)
	}
	if m > 0 {
		c.total = c.grad + comm
	} else {
		c.total = c.grad
	}
	c.next()
	return c
}

// next draws the pending event.
func (c *clock) next() {
	if c.total == 0 {
		c.t = math.Inf(1)
		return
	}
	c.t += c.rng.ExpFloat64() / c.total
	if c.rng.Float64()*c.total < c.grad {
		c.node, c.edge = c.rng.IntN(c.n), -1
	} else {
		c.node, c.edge = -1, c.rng.IntN(c.m)
	}
}

// maxEvents bounds the events of one unit of time, so that a huge
// CommRate cannot make one endless.
const maxEvents = 1 << 24

// errCanceled is what a unit of time of AsyncGossip or DADAO returns to
// run when the context is done; they check it every 1024 events.
var errCanceled = errors.New("collab: canceled")

// AsyncGossip runs asynchronous decentralised gradient descent with
// Poisson clocks on the graph g, every node starting at x0 (not
// modified): each node carries a clock of rate 1 and, when it rings,
// takes a local step x_i ← x_i − γ·g_i with g_i = ∇f_i(x_i) (plus
// N(0, σ²I) noise when σ = s.GradNoise > 0; γ = s.Step, default 0.1);
// each edge (i, j) carries a clock of rate s.CommRate/|E| (default
// CommRate = |E|: one activation per edge per unit of time, as many as a
// round of Gossip) and, when it rings, the two nodes average their models,
// x_i, x_j ← (x_i + x_j)/2 — the randomized gossip of Boyd, Ghosh,
// Prabhakar & Shah (2006), here decoupled from the gradient steps as in
// DADAO. The clocks are independent; the events are drawn from one PCG
// stream seeded by s.Seed, so a seed gives bit-identical results whatever
// GOMAXPROCS.
//
// s.MaxIter is the simulated time (default 100 units); a unit runs at
// most 2^24 events, and those beyond wait for the next unit (only a
// CommRate above about 10^7 gets there). Result.History is
// f(x̄) at times 0, 1, 2, …, Iterations the units of time simulated,
// GradEvals the gradient events, Communications the edge events (2·d
// floats each in FloatsSent); the tolerance, X, Models, Spread, Loss,
// the callback (once per unit of time), cancellation (checked every 1024
// events) and Failed are as in Gossip. s.Momentum is not used.
//
// It panics as Gossip does, and when CommRate < 0.
func AsyncGossip(workers []Func, x0 []float64, g *Graph, s *Settings) (*Result, error) {
	w, err := newNetwork("AsyncGossip", workers, x0, g, s)
	if err != nil {
		return w.res, err
	}
	comm := w.set.CommRate
	if comm == 0 {
		comm = float64(len(g.edges))
	}
	c := newClock(w.set.Seed, w.n, len(g.edges), true, comm)
	noise := rand.New(rand.NewPCG(w.set.Seed, 8))
	gi := make([]float64, w.d)
	return w.run(func(t int) error {
		for k := 0; c.t < float64(t+1) && k < maxEvents; k++ {
			if k&1023 == 1023 && w.ctx.Err() != nil {
				return errCanceled
			}
			if c.node >= 0 {
				x := w.rows[c.node]
				if err := w.grad(c.node, x, gi, noise); err != nil {
					return err
				}
				for j, v := range gi {
					x[j] -= w.step * v
				}
			} else {
				e := g.edges[c.edge]
				a, b := w.rows[e[0]], w.rows[e[1]]
				for j := range a {
					m := 0.5 * (a[j] + b[j])
					a[j], b[j] = m, m
				}
				w.res.Communications++
				w.res.FloatsSent += 2 * w.d
			}
			c.next()
		}
		return nil
	})
}
