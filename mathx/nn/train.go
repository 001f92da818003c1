package nn

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/gomx-dev/gomx/mathx/internal/kernels"
	"github.com/gomx-dev/gomx/mathx/interrupt"
)

// Settings configures Train. The zero value of every field is its
// documented default.
type Settings struct {
	Loss      LossKind  // zero value: SoftmaxCE
	Precision Precision // of the loss; zero value: Float64
	// Compute is the precision of the network's arithmetic in training:
	// the parameters, activations, gradients and optimiser state.
	// Float32 trains a float32 copy of net.Params (each parameter rounded
	// to float32 at the start) on the float32 kernels, as PyTorch's
	// model.to(torch.float32), and writes it back into net.Params (exactly)
	// before each Callback and evaluation and at the end, once a step has
	// been taken (a run that fails at its first step leaves net.Params as
	// they were); evaluations
	// (Result.Evals) run in float64 on those values. The loss is computed
	// from the float32 logits in Precision and its gradient rounded to
	// float32. A feature beyond float32's range becomes ±Inf, as in
	// PyTorch; a step that it makes non-finite fails naming the feature.
	// Zero value: Float64.
	Compute Precision

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
	if c.Compute != Float64 && c.Compute != Float32 {
		panic(fmt.Sprintf("nn: Train: unknown Compute precision %v", c.Compute))
	}
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
	defer t.sync()
	for it := t.steps(); it < c.MaxIter; it++ {
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
		r.Iterations = t.steps()
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
			t.sync()
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

// trainer holds what training needs between steps; the parameters,
// gradient, activations and optimiser state are in e64 or e32, by
// Settings.Compute.
type trainer struct {
	net     *MLP
	data    *Dataset
	s       *Settings
	rng     *rand.Rand
	perm    []int
	pos     int
	epochs  int
	tensors [][2]int
	e64     *engine[float64]
	e32     *engine[float32]
}

// engine is the part of a trainer in the precision T of its arithmetic.
type engine[T kernels.Float] struct {
	params []T // float64: net.Params itself; float32: a copy (sync writes it back)
	grad   []T
	w      work[T]
	opt    optCore[T]
	// z64, g64 hold one sample's logits and their gradient in float64 for
	// the loss when T is float32.
	z64, g64 []float64
}

func newEngine[T kernels.Float](net *MLP, s *Settings) *engine[T] {
	e := &engine[T]{grad: make([]T, len(net.Params)), opt: optCore[T]{S: s.opt}}
	if p, ok := any(net.Params).([]T); ok {
		e.params = p
	} else {
		e.params = make([]T, len(net.Params))
		for i, v := range net.Params {
			e.params[i] = T(v)
		}
	}
	e.opt.init(len(net.Params), s.opt.Kind)
	return e
}

func newTrainer(net *MLP, data *Dataset, s *Settings) *trainer {
	n := data.Len()
	t := &trainer{
		net: net, data: data, s: s,
		rng:     newOrderRNG(s.Seed),
		perm:    make([]int, n),
		pos:     n,
		tensors: net.Tensors(),
	}
	if s.Compute == Float32 {
		t.e32 = newEngine[float32](net, s)
	} else {
		t.e64 = newEngine[float64](net, s)
	}
	for i := range t.perm {
		t.perm[i] = i
	}
	return t
}

// steps returns the optimiser steps taken.
func (t *trainer) steps() int {
	if t.e32 != nil {
		return t.e32.opt.step
	}
	return t.e64.opt.step
}

// sync writes the trained parameters into net.Params (Compute Float32;
// Float64 trains net.Params in place) once a step has been taken, so that
// a run that fails at its first step, or is canceled before it, leaves
// net.Params as they were, not rounded to float32.
func (t *trainer) sync() {
	if t.e32 != nil && t.e32.opt.step > 0 {
		for i, v := range t.e32.params {
			t.net.Params[i] = float64(v)
		}
	}
}

// zeroState zeroes the optimiser's state of parameter i.
func (t *trainer) zeroState(i int) {
	if t.e32 != nil {
		t.e32.opt.zeroState(i)
	} else {
		t.e64.opt.zeroState(i)
	}
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
	if t.e32 != nil {
		return t.e32.step(t, batch)
	}
	return t.e64.step(t, batch)
}

// step is trainer.step in T on the given batch.
func (e *engine[T]) step(t *trainer, batch []int) (float64, error) {
	loss, err := e.gradient(t, batch)
	if err != nil {
		return loss, err
	}
	if loss-loss != 0 {
		return loss, t.nonFinite(batch, loss, e.maxLogit(t, batch))
	}
	err = e.opt.update(e.params, e.grad, t.tensors)
	if _, ok := err.(*gradError); ok {
		return loss, t.nonFinite(batch, loss, e.maxLogit(t, batch))
	}
	if err != nil {
		return loss, fmt.Errorf("the network has diverged: %w", err)
	}
	applyMasks(t.net, e.params)
	return loss, nil
}

// gradient sets e.grad to the gradient of the batch's mean loss at
// e.params and returns that loss, or errCanceled when the context is done
// between chunks.
func (e *engine[T]) gradient(t *trainer, batch []int) (float64, error) {
	B := len(batch)
	in := t.net.Sizes[0]
	K := t.net.Sizes[len(t.net.Sizes)-1]
	var sum float64
	for lo := 0; lo < B; lo += trainChunk {
		if lo > 0 && t.s.Context.Err() != nil {
			return math.NaN(), errCanceled
		}
		rows := batch[lo:min(B, lo+trainChunk)]
		R := len(rows)
		e.w.x = grow(e.w.x, R*in)
		x64, is64 := any(e.w.x).([]float64)
		for r, i := range rows {
			if is64 {
				copy(x64[r*in:(r+1)*in], t.data.X.RawRowView(i))
				continue
			}
			x := e.w.x[r*in : (r+1)*in]
			for j, v := range t.data.X.RawRowView(i) {
				x[j] = T(v)
			}
		}
		logits := e.w.forward(t.net, e.params, e.w.x, R)
		e.w.g = grow(e.w.g, R*K)
		sum += e.loss(t, rows, logits, e.w.g, 1/float64(B))
		e.w.backward(t.net, e.params, e.w.x, R, e.grad, lo > 0)
	}
	return sum / float64(B), nil
}

// loss returns the sum of the losses of the samples rows with the given
// logits (len(rows)×K) and sets g to their gradients times scale.
func (e *engine[T]) loss(t *trainer, rows []int, logits, g []T, scale float64) float64 {
	K := t.net.Sizes[len(t.net.Sizes)-1]
	kind, prec := t.s.Loss, t.s.Precision
	var sum float64
	l64, is64 := any(logits).([]float64)
	for r, i := range rows {
		z, gr := logits[r*K:(r+1)*K], g[r*K:(r+1)*K]
		switch {
		case prec == Float32:
			sum += rowLoss32(kind, z, t.data.label(i), t.data.targetRow(i), gr, scale)
		case is64:
			sum += rowLoss(kind, prec, l64[r*K:(r+1)*K], t.data.label(i), t.data.targetRow(i), any(gr).([]float64), scale)
		default:
			e.z64, e.g64 = grow(e.z64, K), grow(e.g64, K)
			for j, v := range z {
				e.z64[j] = float64(v)
			}
			sum += rowLoss(kind, prec, e.z64, t.data.label(i), t.data.targetRow(i), e.g64, scale)
			for j, v := range e.g64 {
				gr[j] = T(v)
			}
		}
	}
	return sum
}

// maxLogit returns the largest |logit| of the network on the batch (for
// the error of a step that failed); in float32 a NaN logit counts as
// +Inf (from finite parameters and data, it comes from values that
// overflowed float32).
func (e *engine[T]) maxLogit(t *trainer, batch []int) float64 {
	in := t.net.Sizes[0]
	var w work[T]
	x := make([]T, in)
	_, is32 := any(x).([]float32)
	zmax := 0.0
	for _, i := range batch {
		for j, v := range t.data.X.RawRowView(i) {
			x[j] = T(v)
		}
		for _, z := range w.forward(t.net, e.params, x, 1) {
			if is32 && z != z {
				return math.Inf(1)
			}
			zmax = max(zmax, math.Abs(float64(z)))
		}
	}
	return zmax
}

// nonFinite is the error of a step whose loss or gradient is not finite:
// the data of the batch if they are (or, with Compute Float32, a feature
// beyond float32's range), the float32 range, or divergence.
func (t *trainer) nonFinite(batch []int, loss, zmax float64) error {
	for _, i := range batch {
		for j, v := range t.data.X.RawRowView(i) {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("X[%d,%d] = %g: the data must be finite; the parameters are unchanged", i, j, v)
			}
			if t.s.Compute == Float32 && math.Abs(v) > math.MaxFloat32 {
				return fmt.Errorf("X[%d,%d] = %g is outside float32's range (Settings.Compute); the parameters are unchanged", i, j, v)
			}
		}
		if tr := t.data.targetRow(i); tr != nil {
			for j, v := range tr {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					return fmt.Errorf("Targets[%d,%d] = %g: the targets must be finite; the parameters are unchanged", i, j, v)
				}
			}
		}
	}
	if (t.s.Precision == Float32 || t.s.Compute == Float32) && zmax > math.MaxFloat32 {
		where := "the loss's Precision"
		if t.s.Compute == Float32 {
			where = "Settings.Compute"
		}
		return fmt.Errorf("loss %g or a gradient is not finite: a logit (|z| = %g) left float32's range, %s; the parameters are unchanged", loss, zmax, where)
	}
	return fmt.Errorf("loss %g or a gradient is not finite: the network has diverged (learning rate too large?); the parameters are unchanged", loss)
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
	t.sync()
	e := Eval{Step: t.steps(), Train: Evaluate(t.net, t.data, t.s.Loss, t.s.Precision)}
	if test != nil {
		e.Test = Evaluate(t.net, test, t.s.Loss, t.s.Precision)
	}
	return e
}
