package collab

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"sync"
)

// Simulate runs synchronous distributed gradient descent between one
// server and n = len(workers) workers, the last s.Byzantine of them
// Byzantine, for s.MaxIter rounds from x0 (not modified). Each round t:
//
//  1. the server broadcasts x_t;
//  2. each honest worker i computes g_i = ∇f_i(x_t) and its momentum
//     m_i ← β·m_i + (1 − β)·g_i (β = s.Momentum, m_i = 0 at the start);
//  3. the Byzantine workers send s.Attack.Forge(honest m's, f, seed of
//     the round) — under LabelFlip (or NoAttack) they follow the
//     protocol on their own objectives instead;
//  4. the server sets x_{t+1} = x_t − γ·Aggregate(all n vectors, previous
//     aggregate), γ = s.Step.
//
// With s.Sketch set, the vectors are sent as messages (Sketching.Message):
// every round a fresh sketch R_t ∈ ℝ^{s×d} is drawn from the seed of the
// round (shared randomness: the server and the workers draw the same
// R_t), the workers that follow the protocol send R_t·clip(m_i) (plus
// the Gaussian noise of the differentially private variant), the
// Byzantine ones forge their messages from the honest messages, the
// server aggregates the n messages in ℝ^s (CenteredClip around R_t times
// the previous update) and broadcasts the aggregate a ∈ ℝ^s, and every
// worker de-sketches it: x_{t+1} = x_t − γ·R_tᵀa, for the mean
// x_{t+1} = x_t − γ·(1/n)Σ R_tᵀR_t m_i (see the package doc for what was
// read of the sketching paper).
//
// Honest gradients are computed concurrently (at most GOMAXPROCS at
// once; each worker's Func is called by one goroutine at a time, so
// distinct workers must not share mutable state) and every reduction is
// in worker order, so a seed gives bit-identical results whatever
// GOMAXPROCS. Result.History is the mean honest loss (1/h)Σ_{honest}
// f_i(x_t) per round, Result.X the last model, GradEvals and FloatsSent
// the counts (2·n·d floats a round, or 2·n·s with a sketch of s rows).
// A non-finite loss, gradient or aggregate stops the run with Status
// Failed and an error (a diverging run ends so). The context is
// checked every round; the goroutines end before Simulate returns.
//
// It panics when workers is empty, x0 is empty, Byzantine is not in
// [0, n), Step < 0, Momentum ∉ [0, 1), MaxIter < 0 or on invalid
// s.Sketch fields (see Sketching).
func Simulate(workers []Func, x0 []float64, s *Settings) (*Result, error) {
	u, err := newSetup("Simulate", workers, x0, s)
	x := append([]float64(nil), x0...)
	res := &Result{X: x}
	if err != nil {
		res.Status = Failed
		return res, err
	}
	set, n, d, f, h, computes, step := u.set, u.n, u.d, u.f, u.h, u.computes, u.step
	agg := set.Aggregator
	if agg.F == 0 {
		agg.F = f
	}
	sk := newSketcher(set.Sketch, n, d)
	msgLen := d
	if sk != nil {
		msgLen = sk.size()
	}
	var prev []float64
	sent := make([][]float64, n)
	xs := make([][]float64, n)
	for i := range xs {
		xs[i] = x
	}
	fail := func(err error) (*Result, error) {
		res.Status = Failed
		return res, err
	}

	for t := 0; t < u.rounds; t++ {
		if u.ctx.Err() != nil {
			res.Status = Canceled
			break
		}
		if err := evalWorkers("Simulate", workers[:computes], xs, u.grads, u.losses); err != nil {
			return fail(err)
		}
		res.GradEvals += computes
		loss := u.meanLoss()
		res.History = append(res.History, loss)
		res.Iterations = t + 1
		if math.IsNaN(loss) || math.IsInf(loss, 0) {
			return fail(fmt.Errorf("collab.Simulate: honest loss %v at round %d", loss, t))
		}
		var gn float64
		for j := 0; j < d; j++ {
			var g float64
			for i := 0; i < h; i++ {
				g += u.grads[i][j] / float64(h)
			}
			gn += g * g
		}
		if math.IsNaN(gn) || math.IsInf(gn, 0) {
			return fail(fmt.Errorf("collab.Simulate: non-finite honest gradient at round %d", t))
		}
		u.momentum()
		copy(sent, u.moms[:computes])
		centre := prev
		if sk != nil {
			copy(sent, sk.round(u.moms[:computes], set.Seed^uint64(t)*0x94d049bb133111eb))
			centre = sk.centre(prev)
		}
		if computes < n {
			byz, err := u.forge(sent[:h], t)
			if err != nil {
				return fail(err)
			}
			copy(sent[h:], byz)
		}
		a, err := agg.Aggregate(sent, centre)
		if err != nil {
			return fail(err)
		}
		if sk != nil {
			a = sk.desketch(a)
		}
		for j := range x {
			x[j] -= step * a[j]
			if math.IsNaN(x[j]) || math.IsInf(x[j], 0) {
				return fail(fmt.Errorf("collab.Simulate: model entry %d is %v after round %d", j, x[j], t))
			}
		}
		prev = append(prev[:0], a...)
		res.FloatsSent += 2 * n * msgLen
		if set.Callback != nil {
			ok, err := callback(set.Callback, t+1, res)
			if err != nil {
				return fail(err)
			}
			if !ok {
				res.Status = Stopped
				break
			}
		}
		if set.Tol > 0 && math.Sqrt(gn) <= set.Tol {
			res.Status = Converged
			break
		}
		if t == u.rounds-1 {
			res.Status = Converged
			if set.Tol > 0 {
				res.Status = MaxIterReached
			}
		}
	}
	if err := evalWorkers("Simulate", workers[:h], xs, nil, u.losses); err != nil {
		return fail(err)
	}
	res.Loss = u.meanLoss()
	if math.IsNaN(res.Loss) || math.IsInf(res.Loss, 0) {
		return fail(errors.New("collab.Simulate: final honest loss is not finite"))
	}
	return res, nil
}

// evalWorkers sets losses[i] = workers[i](xs[i], grads[i]) (grads nil:
// no gradients) for every i, at most GOMAXPROCS at once, each worker on
// one goroutine; a panic in a worker is returned as an error naming the
// first panicking worker.
func evalWorkers(fn string, workers []Func, xs, grads [][]float64, losses []float64) error {
	m := len(workers)
	panics := make([]any, m)
	procs := min(runtime.GOMAXPROCS(0), m)
	var wg sync.WaitGroup
	next := make(chan int, m)
	for i := 0; i < m; i++ {
		next <- i
	}
	close(next)
	for p := 0; p < procs; p++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				func() {
					defer func() {
						if r := recover(); r != nil {
							panics[i] = r
						}
					}()
					var gi []float64
					if grads != nil {
						gi = grads[i]
					}
					losses[i] = workers[i](xs[i], gi)
				}()
			}
		}()
	}
	wg.Wait()
	for i, p := range panics {
		if p != nil {
			return fmt.Errorf("collab.%s: worker %d's objective panicked: %v", fn, i, p)
		}
	}
	return nil
}
