package collab

import (
	"context"
	"fmt"
	"math"

	"github.com/gomx-dev/gomx/mathx/interrupt"
)

// A setup is what Simulate and MoNNA share: their checked settings with
// the defaults filled in, who computes gradients, and the workers'
// gradient, momentum and loss buffers.
type setup struct {
	name     string // "Simulate", for messages
	set      Settings
	n, d, f  int // workers, dimension, Byzantine workers
	h        int // honest workers: the first h
	computes int // the workers that compute a gradient (see newSetup)
	rounds   int
	step     float64
	ctx      context.Context

	grads, moms [][]float64
	losses      []float64
}

// newSetup checks the arguments of function name (Simulate, MoNNA),
// panicking as its doc says, and sets the defaults: 100 rounds, step 0.1.
// The honest workers compute gradients, and so do the Byzantine ones that
// follow the protocol (under NoAttack and LabelFlip). A non-finite entry
// of x0 is an error wrapping ErrNonFinite.
func newSetup(name string, workers []Func, x0 []float64, s *Settings) (*setup, error) {
	u := &setup{name: name}
	if s != nil {
		u.set = *s
	}
	u.n, u.d, u.f = len(workers), len(x0), u.set.Byzantine
	if u.n == 0 || u.d == 0 {
		panic(fmt.Sprintf("collab.%s: %d workers, len(x0) = %d; want both ≥ 1", name, u.n, u.d))
	}
	if u.f < 0 || u.f >= u.n {
		panic(fmt.Sprintf("collab.%s: Byzantine = %d with %d workers, want 0 ≤ f < n", name, u.f, u.n))
	}
	if !(u.set.Step >= 0) || !(u.set.Momentum >= 0 && u.set.Momentum < 1) || u.set.MaxIter < 0 {
		panic(fmt.Sprintf("collab.%s: Step = %v, Momentum = %v, MaxIter = %d; want Step ≥ 0, 0 ≤ Momentum < 1, MaxIter ≥ 0", name, u.set.Step, u.set.Momentum, u.set.MaxIter))
	}
	u.rounds = u.set.MaxIter
	if u.rounds == 0 {
		u.rounds = 100
	}
	u.step = u.set.Step
	if u.step == 0 {
		u.step = 0.1
	}
	u.ctx = interrupt.Or(u.set.Context)
	u.h = u.n - u.f
	u.computes = u.h
	if u.set.Attack.Kind == NoAttack || u.set.Attack.Kind == LabelFlip {
		u.computes = u.n
	}
	u.grads = make([][]float64, u.n)
	u.moms = make([][]float64, u.n)
	for i := range u.grads {
		u.grads[i] = make([]float64, u.d)
		u.moms[i] = make([]float64, u.d)
	}
	u.losses = make([]float64, u.n)
	for j, t := range x0 {
		if math.IsNaN(t) || math.IsInf(t, 0) {
			return u, fmt.Errorf("collab.%s: x0[%d] = %v: %w", name, j, t, ErrNonFinite)
		}
	}
	return u, nil
}

// meanLoss is the mean of the honest workers' losses.
func (u *setup) meanLoss() float64 {
	var l float64
	for i := 0; i < u.h; i++ {
		l += u.losses[i] / float64(u.h)
	}
	return l
}

// momentum updates the momentum of the workers that computed a gradient:
// m_i ← β·m_i + (1 − β)·g_i.
func (u *setup) momentum() {
	beta := u.set.Momentum
	for i := 0; i < u.computes; i++ {
		for j, g := range u.grads[i] {
			u.moms[i][j] = beta*u.moms[i][j] + (1-beta)*g
		}
	}
}

// forge returns the Byzantine workers' vectors of round t, made by the
// attack from the honest ones.
func (u *setup) forge(honest [][]float64, t int) ([][]float64, error) {
	return u.set.Attack.Forge(honest, u.f, u.set.Seed^uint64(t)*0x9e3779b97f4a7c15)
}
