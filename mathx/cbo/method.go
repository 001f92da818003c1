package cbo

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/optimize"
)

// Method is consensus-based optimisation as a gonum optimize.Method, so
//
//	optimize.Minimize(problem, x0, settings, &cbo.Method{Settings: s})
//
// works like any other gonum global method. The particles start uniform in
// the cube x0 ± Settings.InitRadius (or at Settings.Init / around
// Settings.InitCenter when set). Every major iteration evaluates all N
// particles (concurrently when optimize.Settings.Concurrent > 1; the
// trajectory does not depend on it), reports the best particle seen so far
// as the location, and makes one CBO step. The method ends by itself with
// optimize.MethodConverge once the consensus diameter is ≤ Settings.Tol;
// optimize.Settings (function evaluations, major iterations, the default
// function converger) bound the rest. MaxIter, DiffTol, Context, Callback
// and the recording fields of Settings are not used: gonum's Settings
// control termination. A Method value must not be used by two Minimize
// calls at once.
type Method struct {
	// Settings are the CBO parameters.
	Settings Settings

	q         params
	dim       int
	status    optimize.Status
	err       error
	bestF     float64
	bestX     []float64
	consensus []float64
}

// Uses reports that Method needs only the objective.
func (*Method) Uses(has optimize.Available) (optimize.Available, error) {
	return optimize.Available{}, nil
}

// Init sets the method up for a problem of dimension dim and returns the
// number of concurrent evaluations it will use, min(tasks, N).
func (m *Method) Init(dim, tasks int) int {
	if dim <= 0 {
		panic(fmt.Sprintf("cbo.Method.Init: dim = %d, want > 0", dim))
	}
	m.q = settingsParams("cbo.Method", dim, &m.Settings)
	m.dim = dim
	m.status, m.err = optimize.NotTerminated, nil
	m.bestF = math.Inf(1)
	m.bestX = make([]float64, dim)
	m.consensus = nil
	return max(1, min(tasks, m.q.n))
}

// Status reports whether the method has converged or failed.
func (m *Method) Status() (optimize.Status, error) {
	return m.status, m.err
}

// Consensus returns the consensus point of the last completed iteration
// (nil before the first).
func (m *Method) Consensus() []float64 {
	return m.consensus
}

// Run runs the optimisation; optimize.Minimize calls it.
func (m *Method) Run(operation chan<- optimize.Task, result <-chan optimize.Task, tasks []optimize.Task) {
	q := m.q
	if q.center == nil {
		q.center = append([]float64(nil), tasks[0].X...)
	}
	r := newRun(&Problem{Dim: m.dim}, &q)
	n, d := r.n, r.d
	m.consensus = make([]float64, d)
	row := func(i int) []float64 { return r.xs[i*d : (i+1)*d] }
	// evaluate sends every particle for evaluation and collects the
	// energies; it reports false when the optimisation was ended.
	evaluate := func() bool {
		sent, got := 0, 0
		for ; sent < len(tasks) && sent < n; sent++ {
			t := tasks[sent]
			t.ID, t.Op = sent, optimize.FuncEvaluation
			copy(t.X, row(sent))
			operation <- t
		}
		for got < n {
			t := <-result
			switch t.Op {
			case optimize.PostIteration:
				return false
			case optimize.FuncEvaluation:
				r.f[t.ID] = t.F
				got++
				if sent < n {
					t.ID = sent
					copy(t.X, row(sent))
					operation <- t
					sent++
				}
			default:
				panic(fmt.Sprintf("cbo.Method: unexpected operation %v", t.Op))
			}
		}
		return true
	}
	for k := 0; ; k++ {
		if !evaluate() {
			break
		}
		if q.alphaESS > 0 {
			r.alpha = r.essAlpha()
		}
		var diam float64
		if weights(r.w, r.f, r.alpha) {
			r.consensusOf(r.c, r.w, nil)
			copy(m.consensus, r.c)
			diam = r.diameter()
			for i, v := range r.f {
				if v < m.bestF {
					m.bestF = v
					copy(m.bestX, row(i))
				}
			}
		} else {
			m.err = fmt.Errorf("%w at iteration %d", errNoFiniteEnergy, k)
		}
		t := tasks[0]
		t.ID, t.F = -1, m.bestF
		copy(t.X, m.bestX)
		switch {
		case m.err != nil:
			m.status = optimize.Failure
		case math.IsNaN(diam) || math.IsInf(diam, 0):
			m.status = optimize.Failure
			m.err = fmt.Errorf("cbo: particles left the floating-point range at iteration %d", k)
		case k == 0 && r.collapsed(diam):
			m.status, m.err = optimize.Failure, r.startError()
		case q.tol >= 0 && diam <= q.tol && (k > 0 || diam == 0):
			m.status = optimize.MethodConverge
		}
		if m.status != optimize.NotTerminated {
			t.Op = optimize.MethodDone
			operation <- t
			for t := range result {
				if t.Op != optimize.PostIteration && t.Op != optimize.MajorIteration {
					panic(fmt.Sprintf("cbo.Method: unexpected operation %v", t.Op))
				}
			}
			close(operation)
			return
		}
		t.Op = optimize.MajorIteration
		operation <- t
		if t := <-result; t.Op == optimize.PostIteration {
			break
		}
		r.step()
		if q.alphaESS == 0 && q.alphaFactor != 1 {
			r.alpha = math.Min(r.alpha*q.alphaFactor, q.alphaMax)
		}
	}
	for range result {
	}
	close(operation)
}
