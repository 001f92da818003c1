package collab

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// MoNNA runs decentralised learning on the complete graph of
// n = len(workers) nodes, the last s.Byzantine of them Byzantine, in the
// shape of MoNNA (Farhadkhani et al., ICML 2023, arXiv 2209.10931):
// every node i keeps its own model θ_i (all start at x0) and, each round,
//
//  1. computes g_i = ∇f_i(θ_i) and its Polyak momentum
//     m_i ← β·m_i + (1 − β)·g_i (β = s.Momentum, m_i = 0 at the start);
//  2. takes a local half-step θ_i^½ = θ_i − γ·m_i (γ = s.Step) and
//     broadcasts it;
//  3. sets θ_i to the mean of the n − F half-steps nearest its own (itself
//     included; F = s.Aggregator.F, default s.Byzantine): nearest-neighbour
//     averaging, all nodes at once by NNMDense.
//
// The Byzantine nodes broadcast s.Attack.Forge of the honest half-steps
// (an attack on models), or follow the protocol on their own objectives
// under NoAttack and LabelFlip. Here a Byzantine node sends the same
// vector to every node, a weaker adversary than the paper's, which may
// send different vectors to different nodes. Only the abstract of the
// paper and the nearest-neighbour averaging of the authors' code
// (LPD-EPFL/robust-collaborative-learning) were read for this: the step
// order above is this package's reading, to be checked against the
// paper's Algorithm 1.
//
// Result.History is the mean honest loss (1/h)Σ f_i(θ_i) at the start
// of each round; Result.X the average of the honest models at the end,
// Result.Loss (1/h)Σ f_i(X), Result.Spread the largest distance of an
// honest model from X. GradEvals counts gradients, FloatsSent the
// n·(n−1)·d floats broadcast per round. s.Aggregator's Rule is not used.
// Determinism, cancellation, Failed on non-finite values and the panics
// are those of Simulate.
func MoNNA(workers []Func, x0 []float64, s *Settings) (*Result, error) {
	u, err := newSetup("MoNNA", workers, x0, s)
	set, n, d, f, h, computes, step := u.set, u.n, u.d, u.f, u.h, u.computes, u.step
	fa := set.Aggregator.F
	if fa == 0 {
		fa = f
	}
	if fa < 0 || fa >= n {
		panic(fmt.Sprintf("collab.MoNNA: Aggregator.F = %d with %d workers, want 0 ≤ F < n", fa, n))
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
		if err := NNMDense(theta, half, fa); err != nil {
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
