package sae

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"sync"

	"gonum.org/v1/gonum/mat"

	"github.com/gomx-dev/gomx/mathx/interrupt"
)

// Settings configures training. The zero value of every field is its
// documented default.
type Settings struct {
	Selection // sparsity rule; zero value: TopK with K = 8

	MaxIter int     // optimiser steps; 0 → 1000
	Tol     float64 // stop (Converged) when a batch's NMSE ≤ Tol; 0 → never

	LR    float64 // Adam step size; 0 → 1e-3
	Beta1 float64 // Adam β₁; 0 → 0.9
	Beta2 float64 // Adam β₂; 0 → 0.999
	Eps   float64 // Adam ε; 0 → 1e-8

	// AuxK is the number of dead latents the aux-k loss uses per token;
	// 0 → min(F/2, 512); negative turns the aux-k loss off.
	AuxK int
	// AuxCoef weighs the aux-k loss; 0 → 1/32.
	AuxCoef float64
	// DeadTokens is how many tokens a latent may go without firing before
	// it counts as dead; 0 → 1000 batches' worth.
	DeadTokens int

	// GradX, for GradientTopK, holds the host model's ∇ₓL for each batch
	// of the data (parallel to it).
	GradX []*mat.Dense

	Context       context.Context                // nil → the current cell's (mathx/interrupt)
	Callback      func(iter int, r *Result) bool // false stops training (Stopped)
	CallbackEvery int                            // call Callback every this many steps; 0 → 1
}

func (s *Settings) withDefaults() Settings {
	var c Settings
	if s != nil {
		c = *s
	}
	def := func(p *float64, v float64) {
		if *p == 0 {
			*p = v
		}
	}
	if c.MaxIter == 0 {
		c.MaxIter = 1000
	}
	def(&c.LR, 1e-3)
	def(&c.Beta1, 0.9)
	def(&c.Beta2, 0.999)
	def(&c.Eps, 1e-8)
	def(&c.AuxCoef, 1.0/32)
	if c.CallbackEvery <= 0 {
		c.CallbackEvery = 1
	}
	c.Context = interrupt.Or(c.Context)
	return c
}

// Result is the outcome of Train.
type Result struct {
	Status     Status
	Iterations int       // steps done
	History    []float64 // NMSE of each step's batch (before its update)
	AuxHistory []float64 // aux-k loss of each step (0 when no latent is dead)
	Model      *Model    // the trained model (the one passed to Train)
	Dead       int       // latents dead at the end
	Tokens     int       // tokens seen
}

// Trainer holds a model and everything training needs between steps: Adam
// moments, per-latent firing counters and scratch space.
type Trainer struct {
	Model *Model
	s     Settings

	step      int
	tokens    int
	sinceFire []int // tokens since each latent last fired

	grad    params
	m1, m2  params
	pass    Pass
	aux     sparse     // aux-k codes
	auxRec  *mat.Dense // their reconstruction of the residual
	g       []float64  // ∂L/∂x̂, B×D
	gAux    []float64  // AuxCoef·∂L_aux/∂ê, B×D
	colMain columns
	colAux  columns
}

// params is the flat layout of a model's parameters.
type params struct{ wenc, wdec, benc, bpre []float64 }

func newParams(d, f int) params {
	return params{make([]float64, f*d), make([]float64, f*d), make([]float64, f), make([]float64, d)}
}

func (p params) slices() [4][]float64 { return [4][]float64{p.wenc, p.wdec, p.benc, p.bpre} }

// NewTrainer prepares to train m with s (nil means defaults).
func NewTrainer(m *Model, s *Settings) *Trainer {
	return &Trainer{
		Model:     m,
		s:         s.withDefaults(),
		sinceFire: make([]int, m.F),
		grad:      newParams(m.D, m.F),
		m1:        newParams(m.D, m.F),
		m2:        newParams(m.D, m.F),
	}
}

// StepStats is what one training step measured.
type StepStats struct {
	NMSE, Aux float64 // losses on the batch before the update
	Dead      int     // latents dead before the update
}

// Dead reports which latents count as dead now.
func (t *Trainer) Dead() []bool {
	limit := t.deadTokens()
	d := make([]bool, len(t.sinceFire))
	for j, n := range t.sinceFire {
		d[j] = n >= limit
	}
	return d
}

func (t *Trainer) deadTokens() int {
	if t.s.DeadTokens > 0 {
		return t.s.DeadTokens
	}
	if t.pass.B > 0 {
		return 1000 * t.pass.B
	}
	return math.MaxInt
}

func (t *Trainer) auxK() int {
	if t.s.AuxK < 0 {
		return 0
	}
	if t.s.AuxK == 0 {
		return min(t.Model.F/2, 512)
	}
	return t.s.AuxK
}

// Step does one Adam step on batch x (B×D); gradX is the host gradient for
// GradientTopK (nil otherwise). When the batch's loss or a gradient entry
// is not finite — x holds NaN or ±Inf, the batch has no variance (one row,
// or identical rows: the NMSE divides by zero), its squared errors
// overflow or underflow (entries beyond about 1e±150), or the model has
// diverged — Step changes nothing (parameters, Adam moments, firing counters) and
// returns the stats with an error saying which. A finite gradient with a
// learning rate so large that the update overflows is reported by the
// next Step.
func (t *Trainer) Step(x, gradX *mat.Dense) (StepStats, error) {
	m := t.Model
	t.Model.forward(&t.pass, x, t.s.Selection, gradX)
	dead := t.Dead()
	nDead := 0
	for _, d := range dead {
		if d {
			nDead++
		}
	}
	st := t.gradients(dead, nDead)
	st.Dead = nDead
	if err := t.checkFinite(st); err != nil {
		return st, err
	}
	// firing counters
	p := &t.pass
	fired := make([]bool, m.F)
	for _, j := range p.codes.idx {
		fired[j] = true
	}
	for j := range t.sinceFire {
		if fired[j] {
			t.sinceFire[j] = 0
		} else {
			t.sinceFire[j] += p.B
		}
	}
	t.tokens += p.B
	t.update()
	return st, nil
}

// checkFinite returns an error saying why the step cannot be taken when
// the losses in st or the gradients in t.grad are not finite.
func (t *Trainer) checkFinite(st StepStats) error {
	if finite(st.NMSE) && finite(st.Aux) && allFinite(t.grad.slices()) {
		return nil
	}
	p := &t.pass
	for r := 0; r < p.B; r++ {
		for c, v := range p.X.RawRowView(r) {
			if !finite(v) {
				return fmt.Errorf("sae: Trainer.Step: x[%d,%d] = %g: the batch must be finite; the model is unchanged", r, c, v)
			}
		}
	}
	num, den := errorTerms(p.X, p.Recon)
	switch {
	case den == 0 && identicalRows(p.X):
		return fmt.Errorf("sae: Trainer.Step: the batch (%d rows) has no variance around its mean (one row, or identical rows), so its NMSE is undefined; the model is unchanged", p.B)
	case den == 0:
		return errors.New("sae: Trainer.Step: the batch's squared deviations from its mean underflow to 0 (entries near 1e-160 or below): rescale the data; the model is unchanged")
	case math.IsInf(den, 1) || math.IsInf(num, 1):
		return fmt.Errorf("sae: Trainer.Step: the batch's squared errors overflow (Σ‖x − x̄‖² = %g, Σ‖x̂ − x‖² = %g): rescale the data; the model is unchanged", den, num)
	}
	return fmt.Errorf("sae: Trainer.Step: loss %g (aux %g) or a gradient is not finite: the model has diverged (learning rate too large?); the model is unchanged", st.NMSE, st.Aux)
}

// identicalRows reports whether every row of x equals the first.
func identicalRows(x *mat.Dense) bool {
	r, _ := x.Dims()
	first := x.RawRowView(0)
	for i := 1; i < r; i++ {
		for j, v := range x.RawRowView(i) {
			if v != first[j] {
				return false
			}
		}
	}
	return true
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// allFinite reports whether every entry of every slice is finite.
func allFinite(xs [4][]float64) bool {
	for _, x := range xs {
		for _, v := range x {
			if !finite(v) {
				return false
			}
		}
	}
	return true
}

// gradients computes the loss and fills t.grad.
func (t *Trainer) gradients(dead []bool, nDead int) StepStats {
	p := &t.pass
	B, D := p.B, p.D
	num, den := errorTerms(p.X, p.Recon)
	st := StepStats{NMSE: num / den}
	for _, a := range t.grad.slices() {
		clear(a)
	}
	t.g = grow(t.g, B*D)
	for b := 0; b < B; b++ {
		xr, yr := p.X.RawRowView(b), p.Recon.RawRowView(b)
		gr := t.g[b*D : (b+1)*D]
		for i := range gr {
			gr[i] = 2 * (yr[i] - xr[i]) / den
		}
		axpy(1, gr, t.grad.bpre)
	}
	t.aux.emptyRows(B)
	if k := t.auxK(); k > 0 && nDead > 0 {
		resid := make([]float64, B*D)
		for b := 0; b < B; b++ {
			xr, yr := p.X.RawRowView(b), p.Recon.RawRowView(b)
			for i := 0; i < D; i++ {
				resid[b*D+i] = xr[i] - yr[i]
			}
		}
		st.Aux = t.auxLoss(dead, k, resid)
	}
	t.backward()
	return st
}

// backward accumulates the parameter gradients of the active entries
// (main codes with upstream gradient t.g, aux-k codes with t.gAux),
// latent by latent: every latent's sums run over rows in order, so the
// split over cores does not change a bit.
func (t *Trainer) backward() {
	m, p := t.Model, &t.pass
	D, F := p.D, p.F
	t.colMain = byLatent(t.colMain, &p.codes, F)
	t.colAux = byLatent(t.colAux, &t.aux, F)
	dec := m.WDecT.RawMatrix()
	workers := min(runtime.GOMAXPROCS(0), max(1, len(p.codes.idx)/2048))
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		lo, hi := w*F/workers, (w+1)*F/workers
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := lo; j < hi; j++ {
				dj := dec.Data[j*dec.Stride : j*dec.Stride+D]
				gw, ge := t.grad.wdec[j*D:(j+1)*D], t.grad.wenc[j*D:(j+1)*D]
				var gb float64
				for pass, col := range [2]*columns{&t.colMain, &t.colAux} {
					codes, up := &p.codes, t.g
					if pass == 1 {
						codes, up = &t.aux, t.gAux
					}
					for _, e := range col.entries[col.ptr[j]:col.ptr[j+1]] {
						b := col.row[e]
						ub := up[b*D : (b+1)*D]
						dp := dot(ub, dj) // ∂L/∂pre of the entry (ReLU passes it: pre > 0)
						axpy(codes.val[e], ub, gw)
						axpy(dp, p.xc[b*D:(b+1)*D], ge)
						gb += dp
					}
				}
				t.grad.benc[j] = gb
			}
		}()
	}
	wg.Wait()
	// b_pre enters pre as −b_pre·W_encᵀ.
	enc := m.WEnc.RawMatrix()
	for j, gb := range t.grad.benc {
		if gb != 0 {
			axpy(-gb, enc.Data[j*enc.Stride:j*enc.Stride+D], t.grad.bpre)
		}
	}
}

// columns indexes a sparse matrix's entries by latent.
type columns struct {
	ptr     []int // len F+1
	entries []int // entry numbers, by latent, rows ascending
	row     []int // row of each entry (indexed by entry number)
}

func byLatent(c columns, s *sparse, f int) columns {
	n := len(s.idx)
	c.ptr = growInts(c.ptr, f+1)
	clear(c.ptr)
	for _, j := range s.idx {
		c.ptr[j+1]++
	}
	for j := 0; j < f; j++ {
		c.ptr[j+1] += c.ptr[j]
	}
	c.entries = growInts(c.entries, n)
	c.row = growInts(c.row, n)
	fill := append([]int(nil), c.ptr[:f]...)
	for b := 0; b+1 < len(s.ptr); b++ {
		for e := s.ptr[b]; e < s.ptr[b+1]; e++ {
			j := s.idx[e]
			c.entries[fill[j]] = e
			fill[j]++
			c.row[e] = b
		}
	}
	return c
}

func growInts(s []int, n int) []int {
	if cap(s) < n {
		return make([]int, n)
	}
	return s[:n]
}

// auxLoss chooses the aux-k codes (the top k pre-activations among dead
// latents), reconstructs the residual resid (B×D, e = x − x̂, a constant
// for the gradient) from them and returns the aux-k loss
// ‖e − ê‖² / ‖e − ē‖²; it leaves AuxCoef·∂loss/∂ê in t.gAux.
func (t *Trainer) auxLoss(dead []bool, k int, resid []float64) float64 {
	m, p := t.Model, &t.pass
	B, D, F := p.B, p.D, p.F
	pre := p.Pre.RawMatrix()
	t.aux.reset()
	masked := make([]float64, F)
	var idx []int
	for b := 0; b < B; b++ {
		pr := pre.Data[b*pre.Stride : b*pre.Stride+F]
		for j, v := range pr {
			if dead[j] {
				masked[j] = v
			} else {
				masked[j] = math.Inf(-1)
			}
		}
		idx = topIndices(masked, k, idx)
		for _, j := range idx {
			if dead[j] && pr[j] > 0 {
				t.aux.idx = append(t.aux.idx, j)
				t.aux.val = append(t.aux.val, pr[j])
			}
		}
		t.aux.endRow()
	}
	if t.auxRec == nil || rows(t.auxRec) != B {
		t.auxRec = mat.NewDense(B, D, nil)
	}
	m.decode(t.auxRec, &t.aux, false)
	mean := make([]float64, D)
	for b := 0; b < B; b++ {
		axpy(1, resid[b*D:(b+1)*D], mean)
	}
	scale(mean, 1/float64(B))
	var num, den float64
	t.gAux = grow(t.gAux, B*D)
	for b := 0; b < B; b++ {
		ar := t.auxRec.RawRowView(b)
		for i := 0; i < D; i++ {
			e := resid[b*D+i]
			r := e - ar[i]
			t.gAux[b*D+i] = r
			num += r * r
			c := e - mean[i]
			den += c * c
		}
	}
	if den == 0 {
		t.aux.emptyRows(B)
		return 0
	}
	scale(t.gAux, -2*t.s.AuxCoef/den)
	return num / den
}

// update removes the radial part of each decoder gradient, takes an Adam
// step and renormalises the decoder.
func (t *Trainer) update() {
	m := t.Model
	D := m.D
	dec := rawData(m.WDecT)
	for j := 0; j < m.F; j++ {
		w, g := dec[j*D:(j+1)*D], t.grad.wdec[j*D:(j+1)*D]
		axpy(-dot(g, w), w, g)
	}
	t.step++
	s := t.s
	c1 := 1 - math.Pow(s.Beta1, float64(t.step))
	c2 := 1 - math.Pow(s.Beta2, float64(t.step))
	stepSize := s.LR / c1
	sq2 := math.Sqrt(c2)
	ps := [4][]float64{rawData(m.WEnc), dec, m.BEnc, m.BPre}
	gs, m1s, m2s := t.grad.slices(), t.m1.slices(), t.m2.slices()
	adam := func(p, g, m1, m2 []float64) {
		for i := range p {
			m1[i] = s.Beta1*m1[i] + (1-s.Beta1)*g[i]
			m2[i] = s.Beta2*m2[i] + (1-s.Beta2)*g[i]*g[i]
			p[i] -= stepSize * m1[i] / (math.Sqrt(m2[i])/sq2 + s.Eps)
		}
	}
	// the two weight matrices on their own goroutines; element-wise, so
	// the split changes nothing
	var wg sync.WaitGroup
	for a := 0; a < 2; a++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			adam(ps[a], gs[a], m1s[a], m2s[a])
		}()
	}
	for a := 2; a < 4; a++ {
		adam(ps[a], gs[a], m1s[a], m2s[a])
	}
	wg.Wait()
	m.normaliseDecoder()
}

// Train trains m on the batches of data (each B×D), cycling through them,
// for s.MaxIter Adam steps; s == nil means defaults. The model is updated
// in place and returned in the result. Training is deterministic: the same
// model, data and settings give bit-identical results whatever GOMAXPROCS.
func Train(m *Model, data []*mat.Dense, s *Settings) (*Result, error) {
	if len(data) == 0 {
		panic("sae: Train: no data")
	}
	t := NewTrainer(m, s)
	if t.s.Kind == GradientTopK && len(t.s.GradX) != len(data) {
		panic(fmt.Sprintf("sae: Train: GradientTopK needs one gradient per batch, have %d for %d batches", len(t.s.GradX), len(data)))
	}
	r := &Result{Model: m, Status: MaxIterReached}
	ctx := t.s.Context
	for it := 0; it < t.s.MaxIter; it++ {
		if ctx.Err() != nil {
			r.Status = Canceled
			break
		}
		var gx *mat.Dense
		if t.s.Kind == GradientTopK {
			gx = t.s.GradX[it%len(data)]
		}
		st, err := t.Step(data[it%len(data)], gx)
		r.History = append(r.History, st.NMSE)
		r.AuxHistory = append(r.AuxHistory, st.Aux)
		r.Iterations = it + 1
		r.Tokens = t.tokens
		r.Dead = st.Dead
		if err != nil {
			r.Status = Failed
			return r, fmt.Errorf("sae: Train: step %d on batch %d: %w", it+1, it%len(data), err)
		}
		if t.s.Callback != nil && (it+1)%t.s.CallbackEvery == 0 {
			ok, err := callback(t.s.Callback, it, r)
			if err != nil {
				r.Status = Failed
				return r, err
			}
			if !ok {
				r.Status = Stopped
				break
			}
		}
		if t.s.Tol > 0 && st.NMSE <= t.s.Tol {
			r.Status = Converged
			break
		}
	}
	nd := 0
	for _, d := range t.Dead() {
		if d {
			nd++
		}
	}
	r.Dead = nd
	return r, nil
}

func callback(f func(int, *Result) bool, it int, r *Result) (ok bool, err error) {
	defer func() {
		if e := recover(); e != nil {
			err = fmt.Errorf("sae: Train: panic in callback: %v", e)
		}
	}()
	return f(it, r), nil
}
