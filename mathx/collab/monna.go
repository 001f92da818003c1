package collab

import (
	"fmt"
	"math"

	"github.com/gomx-dev/gomx/mathx/interrupt"
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
	var set Settings
	if s != nil {
		set = *s
	}
	n, d, f := len(workers), len(x0), set.Byzantine
	if n == 0 || d == 0 {
		panic(fmt.Sprintf("collab.MoNNA: %d workers, len(x0) = %d; want both ≥ 1", n, d))
	}
	if f < 0 || f >= n {
		panic(fmt.Sprintf("collab.MoNNA: Byzantine = %d with %d workers, want 0 ≤ f < n", f, n))
	}
	if !(set.Step >= 0) || !(set.Momentum >= 0 && set.Momentum < 1) || set.MaxIter < 0 {
		panic(fmt.Sprintf("collab.MoNNA: Step = %v, Momentum = %v, MaxIter = %d; want Step ≥ 0, 0 ≤ Momentum < 1, MaxIter ≥ 0", set.Step, set.Momentum, set.MaxIter))
	}
	fa := set.Aggregator.F
	if fa == 0 {
		fa = f
	}
	if fa < 0 || fa >= n {
		panic(fmt.Sprintf("collab.MoNNA: Aggregator.F = %d with %d workers, want 0 ≤ F < n", fa, n))
	}
	rounds := set.MaxIter
	if rounds == 0 {
		rounds = 100
	}
	step := set.Step
	if step == 0 {
		step = 0.1
	}
	ctx := interrupt.Or(set.Context)
	h := n - f
	computes := h
	if set.Attack.Kind == NoAttack || set.Attack.Kind == LabelFlip {
		computes = n
	}
	res := &Result{X: make([]float64, d)}
	for j, t := range x0 {
		if math.IsNaN(t) || math.IsInf(t, 0) {
			res.Status = Failed
			return res, fmt.Errorf("collab.MoNNA: x0[%d] = %v: %w", j, t, ErrNonFinite)
		}
	}
	theta := mat.NewDense(n, d, nil)
	half := mat.NewDense(n, d, nil)
	for i := 0; i < n; i++ {
		copy(theta.RawRowView(i), x0)
	}
	models := Rows(theta)
	halves := Rows(half)
	grads := make([][]float64, n)
	moms := make([][]float64, n)
	for i := range grads {
		grads[i] = make([]float64, d)
		moms[i] = make([]float64, d)
	}
	losses := make([]float64, n)
	fail := func(err error) (*Result, error) {
		res.Status = Failed
		honestMean(res.X, models[:h])
		return res, err
	}
	for t := 0; t < rounds; t++ {
		if ctx.Err() != nil {
			res.Status = Canceled
			break
		}
		if err := evalWorkers("MoNNA", workers[:computes], models, grads, losses); err != nil {
			return fail(err)
		}
		res.GradEvals += computes
		var loss float64
		for i := 0; i < h; i++ {
			loss += losses[i] / float64(h)
		}
		res.History = append(res.History, loss)
		res.Iterations = t + 1
		if math.IsNaN(loss) || math.IsInf(loss, 0) {
			return fail(fmt.Errorf("collab.MoNNA: honest loss %v at round %d", loss, t))
		}
		for i := 0; i < computes; i++ {
			for j, g := range grads[i] {
				moms[i][j] = set.Momentum*moms[i][j] + (1-set.Momentum)*g
				halves[i][j] = models[i][j] - step*moms[i][j]
			}
		}
		if computes < n {
			byz, err := set.Attack.Forge(halves[:h], f, set.Seed^uint64(t)*0x9e3779b97f4a7c15)
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
		if t == rounds-1 {
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
	if err := evalWorkers("MoNNA", workers[:h], xs, nil, losses); err != nil {
		return fail(err)
	}
	res.Loss = 0
	for i := 0; i < h; i++ {
		res.Loss += losses[i] / float64(h)
	}
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
