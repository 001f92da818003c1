package nn

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/gomx-dev/gomx/mathx/interrupt"
)

// Settings configures Train. The zero value of every field is its
// documented default.
type Settings struct {
	Loss      LossKind  // zero value: SoftmaxCE
	Precision Precision // of the loss; zero value: Float64

	// The optimiser, as in OptimizerSettings (zero values: Adam, LR 1e-3
	// (SGD 1e-2), no momentum, no weight decay, β₁ 0.9, β₂ 0.999, ε 1e-8,
	// no ⊥Grad).
	Optimizer   OptimizerKind // update rule; zero value: Adam
	LR          float64       // step size; 0 → 1e-3 (Adam, AdamW), 1e-2 (SGD)
	Momentum    float64       // SGD momentum; 0 → none
	WeightDecay float64       // L2 (SGD, Adam) or decoupled (AdamW) decay; 0 → none
	Beta1       float64       // Adam β₁; 0 → 0.9
	Beta2       float64       // Adam β₂; 0 → 0.999
	Eps         float64       // Adam ε; 0 → 1e-8
	OrthoGrad   bool          // ⊥Grad on each parameter tensor before the update

	// BatchSize is the number of samples per step; 0 → min(128, n); n or
	// more → full batch. Each epoch visits the training set in a new
	// random order; the last batch of an epoch may be smaller.
	BatchSize int
	MaxIter   int     // optimiser steps; 0 → 1000
	Tol       float64 // stop (Converged) when a batch's loss ≤ Tol; 0 → never
	Seed      uint64  // of the data order (PCG); the network is initialised by NewMLP's seed

	// Test, when non-nil, is evaluated with the training set every
	// EvalEvery steps into Result.Evals.
	Test *Dataset
	// EvalEvery is the number of steps between evaluations of the whole
	// training set (and Test) into Result.Evals; 0 or negative → only
	// after the last step (an evaluation costs a forward pass over every
	// sample). The last step is always evaluated.
	EvalEvery int

	Context       context.Context                // nil → the current cell's (mathx/interrupt)
	Callback      func(iter int, r *Result) bool // false stops training (Stopped)
	CallbackEvery int                            // call Callback every this many steps; 0 → 1

	opt OptimizerSettings // resolved
}

// Eval is an evaluation during training.
type Eval struct {
	Step  int     // steps done when it was taken
	Train Metrics // on the whole training set
	Test  Metrics // on Settings.Test (zero without one)
}

// Result is the outcome of Train.
type Result struct {
	Status     Status    // how training ended
	Iterations int       // optimiser steps done
	Epochs     int       // passes over the training set begun
	History    []float64 // loss of each step's batch (before its update)
	Evals      []Eval    // see Settings.EvalEvery
	Net        *MLP      // the trained network (the one passed to Train)
}

func (s *Settings) withDefaults(n int) Settings {
	var c Settings
	if s != nil {
		c = *s
	}
	checkLoss("Train", c.Loss, c.Precision)
	c.opt = OptimizerSettings{Kind: c.Optimizer, LR: c.LR, Momentum: c.Momentum, WeightDecay: c.WeightDecay,
		Beta1: c.Beta1, Beta2: c.Beta2, Eps: c.Eps, OrthoGrad: c.OrthoGrad}.withDefaults()
	if c.BatchSize < 0 || c.MaxIter < 0 || c.Tol < 0 || math.IsNaN(c.Tol) {
		panic(fmt.Sprintf("nn: Train: BatchSize = %d, MaxIter = %d, Tol = %g: want ≥ 0", c.BatchSize, c.MaxIter, c.Tol))
	}
	if c.BatchSize == 0 {
		c.BatchSize = 128
	}
	c.BatchSize = min(c.BatchSize, n)
	if c.MaxIter == 0 {
		c.MaxIter = 1000
	}
	if c.CallbackEvery <= 0 {
		c.CallbackEvery = 1
	}
	c.Context = interrupt.Or(c.Context)
	return c
}

// Train trains net on data with minibatch steps of the optimiser in s
// (nil: defaults), in place, and returns the result with the network.
// Training is deterministic: the same network, data and settings give
// bit-identical parameters and histories whatever GOMAXPROCS. It checks
// the context before every step and returns Canceled with the partial
// result when it is done (between chunks of 1024 rows inside a larger
// batch, abandoning that step). NaN or ±Inf in the data (X, Targets,
// Settings.Test) ends it with Failed and an error naming the entry before
// the first step; a non-finite loss or gradient, or an update that would
// make a parameter non-finite (divergence), ends it with Failed and an
// error naming the step, the parameters and the optimiser's state as they
// were before that step.
func Train(net *MLP, data *Dataset, s *Settings) (*Result, error) {
	if data == nil || data.X == nil {
		panic("nn: Train: no data")
	}
	c := s.withDefaults(data.Len())
	data.check("Train", net, c.Loss)
	if c.Test != nil {
		c.Test.check("Train (Settings.Test)", net, c.Loss)
	}
	r := &Result{Net: net, Status: MaxIterReached}
	for _, d := range []struct {
		name string
		d    *Dataset
	}{{"", data}, {"Settings.Test: ", c.Test}} {
		if err := d.d.nonFinite(); err != nil {
			r.Status = Failed
			return r, fmt.Errorf("nn: Train: %s%w; the parameters are unchanged", d.name, err)
		}
	}
	t := newTrainer(net, data, &c)
	return r, t.run(r)
}

// run takes the steps from the trainer's current one to its settings'
// MaxIter into r (Status, History, Evals) and evaluates after the last.
func (t *trainer) run(r *Result) error {
	c := t.s
	evalAt := -1
	for it := t.opt.Steps(); it < c.MaxIter; it++ {
		if c.Context.Err() != nil {
			r.Status = Canceled
			break
		}
		loss, err := t.step()
		if err == errCanceled {
			r.Status = Canceled
			break
		}
		r.History = append(r.History, loss)
		r.Iterations = t.opt.Steps()
		r.Epochs = t.epochs
		if err != nil {
			r.Status = Failed
			return fmt.Errorf("nn: Train: step %d: %w", it+1, err)
		}
		if c.EvalEvery > 0 && (it+1)%c.EvalEvery == 0 {
			r.Evals = append(r.Evals, t.evaluate(c.Test))
			evalAt = r.Iterations
		}
		if c.Callback != nil && (it+1)%c.CallbackEvery == 0 {
			ok, err := callback(c.Callback, it, r)
			if err != nil {
				r.Status = Failed
				return err
			}
			if !ok {
				r.Status = Stopped
				break
			}
		}
		if c.Tol > 0 && loss <= c.Tol {
			r.Status = Converged
			break
		}
	}
	if evalAt != r.Iterations && r.Status != Canceled {
		r.Evals = append(r.Evals, t.evaluate(c.Test))
	}
	return nil
}

func callback(f func(int, *Result) bool, it int, r *Result) (ok bool, err error) {
	defer func() {
		if e := recover(); e != nil {
			err = fmt.Errorf("nn: Train: panic in callback: %v", e)
		}
	}()
	return f(it, r), nil
}

// trainer holds what training needs between steps.
type trainer struct {
	net    *MLP
	data   *Dataset
	s      *Settings
	opt    *Optimizer
	rng    *rand.Rand
	perm   []int
	pos    int
	epochs int
	w      work
	grad   []float64
	labels []int
	tgt    []float64
}

func newTrainer(net *MLP, data *Dataset, s *Settings) *trainer {
	n := data.Len()
	t := &trainer{
		net: net, data: data, s: s,
		opt:  NewOptimizer(net, s.opt),
		rng:  newOrderRNG(s.Seed),
		perm: make([]int, n),
		pos:  n,
		grad: make([]float64, len(net.Params)),
	}
	for i := range t.perm {
		t.perm[i] = i
	}
	return t
}

// newOrderRNG returns the generator of the data order for seed.
func newOrderRNG(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x747261696e)) }

// trainChunk is the number of rows of a batch computed at once: a larger
// batch is summed chunk by chunk (in a fixed order, so results do not
// depend on anything else), with the context checked between chunks.
const trainChunk = 1024

// errCanceled reports a step abandoned because the context was done.
var errCanceled = errors.New("canceled")

// step takes one optimiser step on the next batch and returns the batch's
// loss before it; on a non-finite loss or gradient, or when the context
// is done between chunks of a large batch, it changes nothing and returns
// an error (errCanceled for the context).
func (t *trainer) step() (float64, error) {
	n := len(t.perm)
	if t.pos >= n {
		t.rng.Shuffle(n, func(i, j int) { t.perm[i], t.perm[j] = t.perm[j], t.perm[i] })
		t.pos = 0
		t.epochs++
	}
	batch := t.perm[t.pos:min(n, t.pos+t.s.BatchSize)]
	t.pos += len(batch)
	B := len(batch)
	in := t.net.Sizes[0]
	K := t.net.Sizes[len(t.net.Sizes)-1]
	var sum, zmax float64
	for lo := 0; lo < B; lo += trainChunk {
		if lo > 0 && t.s.Context.Err() != nil {
			return math.NaN(), errCanceled
		}
		rows := batch[lo:min(B, lo+trainChunk)]
		R := len(rows)
		t.w.x = grow(t.w.x, R*in)
		for r, i := range rows {
			copy(t.w.x[r*in:(r+1)*in], t.data.X.RawRowView(i))
		}
		logits := t.w.forward(t.net, t.net.Params, t.w.x, R)
		if t.s.Precision == Float32 {
			for _, z := range logits {
				zmax = max(zmax, math.Abs(z))
			}
		}
		t.w.g = grow(t.w.g, R*K)
		for r, i := range rows {
			sum += rowLoss(t.s.Loss, t.s.Precision, logits[r*K:(r+1)*K], t.data.label(i), t.data.targetRow(i), t.w.g[r*K:(r+1)*K], 1/float64(B))
		}
		beta := 1.0
		if lo == 0 {
			beta = 0
		}
		t.w.backward(t.net, t.net.Params, t.w.x, R, t.grad, beta)
	}
	loss := sum / float64(B)
	if math.IsNaN(loss) || math.IsInf(loss, 0) || !allFinite(t.grad) {
		for _, i := range batch {
			for j, v := range t.data.X.RawRowView(i) {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					return loss, fmt.Errorf("X[%d,%d] = %g: the data must be finite; the parameters are unchanged", i, j, v)
				}
			}
			if tr := t.data.targetRow(i); tr != nil {
				for j, v := range tr {
					if math.IsNaN(v) || math.IsInf(v, 0) {
						return loss, fmt.Errorf("Targets[%d,%d] = %g: the targets must be finite; the parameters are unchanged", i, j, v)
					}
				}
			}
		}
		if zmax > math.MaxFloat32 {
			return loss, fmt.Errorf("loss %g or a gradient is not finite: a logit (|z| = %g) left float32's range, the loss's Precision; the parameters are unchanged", loss, zmax)
		}
		return loss, fmt.Errorf("loss %g or a gradient is not finite: the network has diverged (learning rate too large?); the parameters are unchanged", loss)
	}
	if err := t.opt.Step(t.grad); err != nil {
		return loss, fmt.Errorf("the network has diverged: %w", err)
	}
	return loss, nil
}

func allFinite(x []float64) bool {
	for _, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}

func (t *trainer) evaluate(test *Dataset) Eval {
	e := Eval{Step: t.opt.Steps(), Train: Evaluate(t.net, t.data, t.s.Loss, t.s.Precision)}
	if test != nil {
		e.Test = Evaluate(t.net, test, t.s.Loss, t.s.Precision)
	}
	return e
}
