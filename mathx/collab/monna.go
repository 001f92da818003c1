package collab

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"

	"gonum.org/v1/gonum/mat"
)

// MoNNA runs decentralised learning between n = len(workers) nodes that
// can all reach one another, the last f = s.Byzantine of them Byzantine,
// as MoNNA (Farhadkhani et al., ICML 2023, arXiv 2209.10931) in the form
// of its authors' experiments (see below for what was read): every node
// i keeps its own model θ_i (all start at x0) and, each round,
//
//  1. computes g_i = ∇f_i(θ_i) and its Polyak momentum
//     m_i ← β·m_i + (1 − β)·g_i (β = s.Momentum, m_i = 0 at the start);
//  2. takes a local half-step θ_i^½ = θ_i − γ·m_i (γ = s.Step) and
//     broadcasts it;
//  3. receives the first n − f half-steps to arrive: its own, those of
//     the f Byzantine nodes (the worst case: they always arrive) and
//     those of n − 2f − 1 other honest nodes drawn uniformly at random
//     without replacement (PCG seeded with s.Seed and the round);
//  4. sets θ_i to the mean of the n − f − F received half-steps nearest
//     its own (itself included, ties to the lower index; F =
//     s.Aggregator.F, default f, so n − 2f by default): nearest-neighbour
//     averaging (NNA).
//
// With f = 0 every node receives all n half-steps, and step 4 is NNM
// with F. The Byzantine nodes broadcast s.Attack.Forge of the honest
// half-steps (an attack on models), the same vector to every node, as
// in the authors' code; the paper's adversary may also send different
// vectors to different nodes, which is not simulated. Under NoAttack and
// LabelFlip the Byzantine nodes follow the protocol on their own
// objectives, each receiving its own half-step, the other Byzantine
// ones' and n − 2f random honest ones'.
//
// The paper's text (its Algorithm 1) could not be read here: only its
// abstract, which names the two ingredients (Polyak momentum of local
// gradients for local updates, nearest-neighbour averaging for global
// mixing); the steps above are those of the authors' code
// (LPD-EPFL/robust-collaborative-learning, peerToPeer.py: momentum
// m ← βm + (1 − δ)g at each worker with dampening δ, β = δ = 0.99 by
// default, the local step θ ← θ − γm, one
// forged model per Byzantine worker for all, each honest worker
// aggregating itself, n − 2f − 1 random honest models and the f
// Byzantine ones with its rule and the declared f), which agree with
// the descriptions of MoNNA in EPFL's ByzFL documentation (the mean of
// the n − f nearest neighbours of a trusted node's vector) and in the
// krum library's MonnaSimulation (the n − 2f nearest among n − f
// received models).
//
// Result.History is the mean honest loss (1/h)Σ f_i(θ_i) at the start
// of each round; Result.X the average of the honest models at the end,
// Result.Loss (1/h)Σ f_i(X), Result.Spread the largest distance of an
// honest model from X. GradEvals counts gradients, FloatsSent the
// n·(n−1)·d floats broadcast per round. s.Aggregator's Rule is not used.
// Determinism, cancellation, Failed on non-finite values and the panics
// are those of Simulate; it also panics unless n ≥ 2f + 1 and
// n − f − F ≥ 1.
func MoNNA(workers []Func, x0 []float64, s *Settings) (*Result, error) {
	u, err := newSetup("MoNNA", workers, x0, s)
	set, n, d, f, h, computes, step := u.set, u.n, u.d, u.f, u.h, u.computes, u.step
	fa := set.Aggregator.F
	if fa == 0 {
		fa = f
	}
	if fa < 0 || n-f-fa < 1 || n < 2*f+1 {
		panic(fmt.Sprintf("collab.MoNNA: Aggregator.F = %d, Byzantine = %d with %d nodes; want F ≥ 0, n − f − F ≥ 1 and n ≥ 2f + 1", fa, f, n))
	}
	res := &Result{X: make([]float64, d)}
	if err != nil {
		res.Status = Failed
		return res, err
	}
	theta := mat.NewDense(n, d, nil)
	half := mat.NewDense(n, d, nil)
	for i := 0; i < n; i++ {
		copy(theta.RawRowView(i), x0)
	}
	models := Rows(theta)
	halves := Rows(half)
	fail := func(err error) (*Result, error) {
		res.Status = Failed
		honestMean(res.X, models[:h])
		return res, err
	}
	for t := 0; t < u.rounds; t++ {
		if u.ctx.Err() != nil {
			res.Status = Canceled
			break
		}
		if err := evalWorkers("MoNNA", workers[:computes], models, u.grads, u.losses); err != nil {
			return fail(err)
		}
		res.GradEvals += computes
		loss := u.meanLoss()
		res.History = append(res.History, loss)
		res.Iterations = t + 1
		if math.IsNaN(loss) || math.IsInf(loss, 0) {
			return fail(fmt.Errorf("collab.MoNNA: honest loss %v at round %d", loss, t))
		}
		u.momentum()
		for i := 0; i < computes; i++ {
			for j, m := range u.moms[i] {
				halves[i][j] = models[i][j] - step*m
			}
		}
		if computes < n {
			byz, err := u.forge(halves[:h], t)
			if err != nil {
				return fail(err)
			}
			for b, v := range byz {
				copy(halves[h+b], v)
			}
		}
		if err := nna(models[:computes], halves, h, fa, set.Seed, t); err != nil {
			return fail(fmt.Errorf("collab.MoNNA: round %d: %w", t, err))
		}
		res.FloatsSent += n * (n - 1) * d
		if set.Callback != nil {
			honestMean(res.X, models[:h])
			ok, err := callback(set.Callback, t+1, res)
			if err != nil {
				return fail(err)
			}
			if !ok {
				res.Status = Stopped
				break
			}
		}
		if t == u.rounds-1 {
			res.Status = Converged
		}
	}
	honestMean(res.X, models[:h])
	for _, m := range models[:h] {
		var q float64
		for j, t := range m {
			e := t - res.X[j]
			q += e * e
		}
		res.Spread = math.Max(res.Spread, math.Sqrt(q))
	}
	xs := make([][]float64, h)
	for i := range xs {
		xs[i] = res.X
	}
	if err := evalWorkers("MoNNA", workers[:h], xs, nil, u.losses); err != nil {
		return fail(err)
	}
	res.Loss = u.meanLoss()
	if math.IsNaN(res.Loss) || math.IsInf(res.Loss, 0) || math.IsNaN(res.Spread) || math.IsInf(res.Spread, 0) {
		res.Status = Failed
		return res, fmt.Errorf("collab.MoNNA: final loss %v, spread %v", res.Loss, res.Spread)
	}
	return res, nil
}

// honestMean sets dst to the mean of the rows.
func honestMean(dst []float64, rows [][]float64) {
	for j := range dst {
		dst[j] = 0
	}
	for _, r := range rows {
		for j, t := range r {
			dst[j] += t / float64(len(rows))
		}
	}
}

// nna sets dst[i], for every node i < len(dst), to MoNNA's
// nearest-neighbour average (step 4 of MoNNA) of what node i receives
// of the half-steps: itself, the Byzantine nodes h, …, n−1, and as many
// random honest others (PCG seeded with seed and the round t) as make
// n − f received, f = n − h. The distances are computed on the
// half-steps divided by their largest |entry|. A non-finite entry is an
// error wrapping ErrNonFinite.
func nna(dst, halves [][]float64, h, fa int, seed uint64, t int) error {
	n := len(halves)
	f := n - h
	scale := maxAbs(halves)
	for i, v := range halves {
		for j, x := range v {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return fmt.Errorf("half-step of node %d, entry %d is %v: %w", i, j, x, ErrNonFinite)
			}
		}
	}
	rng := rand.New(rand.NewPCG(seed^0x6d6f6e6e61, uint64(t)))
	recv := make([]int, 0, n-f)
	pool := make([]int, 0, h)
	dist := make([]float64, n)
	keep := n - f - fa
	for i := range dst {
		recv = append(recv[:0], i)
		for b := h; b < n; b++ {
			if b != i {
				recv = append(recv, b)
			}
		}
		pool = pool[:0]
		for k := 0; k < h; k++ {
			if k != i {
				pool = append(pool, k)
			}
		}
		for len(recv) < n-f {
			k := rng.IntN(len(pool))
			recv = append(recv, pool[k])
			pool[k] = pool[len(pool)-1]
			pool = pool[:len(pool)-1]
		}
		sort.Ints(recv[1:])
		for _, k := range recv {
			var q float64
			if scale > 0 {
				for j, x := range halves[k] {
					e := x/scale - halves[i][j]/scale
					q += e * e
				}
			}
			dist[k] = q
		}
		dist[i] = -1 // itself first, whatever the rounding
		sort.SliceStable(recv, func(a, b int) bool { return dist[recv[a]] < dist[recv[b]] })
		out := dst[i]
		for j := range out {
			out[j] = 0
		}
		for _, k := range recv[:keep] {
			for j, x := range halves[k] {
				out[j] += x / float64(keep)
			}
		}
	}
	return nil
}
