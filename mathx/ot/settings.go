package ot

import (
	"context"
	"errors"

	"gonum.org/v1/gonum/mat"
)

// Norm selects the marginal-error measure that Settings.Tol is compared with.
type Norm int

const (
	// L1 is ‖P1 − a‖₁ + ‖Pᵀ1 − b‖₁, the total l1 marginal error (default).
	L1 Norm = iota
	// L2Col is ‖Pᵀ1 − b‖₂, POT's stopping measure; with CheckEvery 10,
	// Sinkhorn and SinkhornLog stop at POT's iteration (Result.Iterations =
	// POT's niter + 1).
	L2Col
)

// ErrUnderflow is returned (wrapped) when the Gibbs kernel exp(−M/reg)
// underflows so that a row or column of the scaled plan vanishes or
// becomes subnormal (below 2.2e-308 its relative precision is gone), or a
// scaling overflows. The scaling-domain Sinkhorn reports it; the other
// solvers recover from it.
var ErrUnderflow = errors.New("ot: kernel underflow or scaling overflow")

// ErrInfeasible is returned (wrapped, with Status Failed) when no plan
// meets the marginals: their masses differ (by more than 1e-9·Σa) or are
// 0, or a point with positive mass has cost +Inf to every point of
// positive mass on the other side (or, for EMD, the forbidden pairs leave
// no augmenting path).
var ErrInfeasible = errors.New("ot: infeasible problem")

// Settings configures the iterative solvers. A nil *Settings or a zero field
// means the documented default.
type Settings struct {
	// MaxIter bounds the iterations: Sinkhorn sweeps for the Sinkhorn
	// solvers (0 → 10000), Newton iterations for SNS (0 → 1000; its warm-up
	// runs at most 10000 sweeps).
	MaxIter int
	// Tol is the stopping threshold on the marginal error chosen by Norm,
	// relative to the mass Σa (0 → 1e-9): for probability vectors it is
	// POT's stopThr, and scaling a and b by any factor (1e-300 or 1e300)
	// changes neither the iterations nor the status.
	Tol float64
	// Norm is the marginal-error measure compared with Tol (default L1).
	Norm Norm
	// CheckEvery is the cadence of the stopping test for the Sinkhorn
	// solvers: it runs after iteration 1, 1+CheckEvery, 1+2·CheckEvery, …
	// as in POT (0 → 10). The marginal error is still recorded in
	// Result.History after every iteration.
	CheckEvery int
	// Context cancels the solver (checked every iteration); nil → the
	// current cell's context from mathx/interrupt.
	Context context.Context
	// Callback, when non-nil, is called after every stopping test (for SNS,
	// after every Newton iteration) with the current iteration and a Result holding Iterations, History, Passes and
	// the current potentials (Plan is nil). Returning false stops the solver
	// with Status Stopped. A panic in it is returned as an error.
	Callback func(iter int, r *Result) bool

	// Tau is the absorption threshold of SinkhornStabilized: when a scaling
	// leaves [1/Tau, Tau] it is absorbed into the potentials and the kernel
	// is recomputed (0 → 1e3, POT's tau).
	Tau float64
	// EpsScaling is the factor (in (0,1)) by which SinkhornStabilized lowers
	// reg from stage to stage. 0 → automatic: factor 0.5 starting from
	// (max M − min M)/20 when reg is below that, no ε-scaling otherwise; a
	// negative value turns ε-scaling off.
	EpsScaling float64

	// WarmUp is the number of Sinkhorn iterations SNS runs before its
	// Newton steps (0 → 20, the paper's N1); more run while Sinkhorn is
	// predicted to converge within another WarmUp iterations.
	WarmUp int
	// Delta is SNS's sparsification level: an entry P_ij of the plan is
	// dropped from the Hessian when it is below Delta·min(r_i/m, b_j/n), r
	// the current row sums, so the mass dropped from any row is at most
	// Delta·r_i. 0 → min(1e-2, marginal error/mass), which makes the Newton
	// steps asymptotically exact.
	Delta float64
	// TrustRegion switches SNS from its Armijo line search to SSNS's
	// globalisation (Tang & Qiu, NeurIPS 2024): Newton systems shifted by
	// µ·‖∇D‖ with µ adapted by the ratio of actual to predicted dual
	// increase, steps from {1, 0.5, 0.25, 0.1}, no Sinkhorn fallback.
	TrustRegion bool
}

// Result is what every solver returns. The plan satisfies
// P_ij = exp((F_i + G_j − M_ij)/reg) for the entropic solvers.
type Result struct {
	// Status says how the solver ended.
	Status Status
	// Iterations is the number of outer iterations: Sinkhorn sweeps, or SNS's
	// warm-up sweeps plus its Newton iterations (a fallback to Sinkhorn
	// counts as one).
	Iterations int
	// History holds the total l1 marginal error ‖P1−a‖₁ + ‖Pᵀ1−b‖₁ after
	// every iteration.
	History []float64
	// Plan is the transport plan (n×m), nil after a failure.
	Plan *mat.Dense
	// F and G are the dual potentials (defined up to F+c, G−c).
	F, G []float64
	// Cost is the linear cost ⟨P, M⟩.
	Cost float64
	// Objective is ⟨P, M⟩ + reg·Σ P_ij log P_ij (POT's entropic objective).
	Objective float64
	// Dual is ⟨F, a⟩ + ⟨G, b⟩ − reg·Σ_ij exp((F_i+G_j−M_ij)/reg) + reg·Σa,
	// a lower bound of the optimal Objective, equal to it at the optimum
	// (POT's + reg for probability vectors).
	Dual float64
	// RowErr and ColErr are ‖P1 − a‖₁ and ‖Pᵀ1 − b‖₁ of the returned plan.
	RowErr, ColErr float64
	// Passes counts sweeps over an n×m array (a scaling Sinkhorn iteration
	// counts 2, as two mat-vecs), the work measure of the benchmarks. The
	// final evaluation of the plan and costs is not counted.
	Passes int
	// Absorptions counts kernel recomputations of SinkhornStabilized
	// (absorptions, ε-scaling stages and recoveries from underflow).
	Absorptions int
	// Fallbacks counts the recoveries from underflow (SinkhornStabilized,
	// also in SNS's warm-up) and from a stalled line search (SNS).
	Fallbacks int
	// NewtonSteps counts SNS's Newton steps, CGIterations their conjugate
	// gradient iterations.
	NewtonSteps, CGIterations int
}

// Entries returns the entries of the plan that are at least minValue, as
// parallel slices of row indices, column indices and values in row-major
// order: a sparse view of a large plan.
func (r *Result) Entries(minValue float64) (rows, cols []int, vals []float64) {
	if r.Plan == nil {
		return nil, nil, nil
	}
	n, m := r.Plan.Dims()
	raw := r.Plan.RawMatrix()
	for i := 0; i < n; i++ {
		row := raw.Data[i*raw.Stride : i*raw.Stride+m]
		for j, p := range row {
			if p >= minValue {
				rows = append(rows, i)
				cols = append(cols, j)
				vals = append(vals, p)
			}
		}
	}
	return rows, cols, vals
}

type config struct {
	maxIter, checkEvery, warmUp int
	tol, tau, epsScaling, delta float64
	norm                        Norm
	trustRegion                 bool
	noPlan                      bool // the caller goes on from the potentials
	warmStop                    bool // stop once Sinkhorn is slow (SNS's warm-up)
	ctx                         context.Context
	callback                    func(int, *Result) bool
}

func resolve(s *Settings, defMaxIter int) config {
	if s == nil {
		s = &Settings{}
	}
	c := config{maxIter: s.MaxIter, checkEvery: s.CheckEvery, warmUp: s.WarmUp, tol: s.Tol,
		tau: s.Tau, epsScaling: s.EpsScaling, delta: s.Delta, norm: s.Norm, callback: s.Callback, trustRegion: s.TrustRegion}
	if c.maxIter <= 0 {
		c.maxIter = defMaxIter
	}
	if c.checkEvery <= 0 {
		c.checkEvery = 10
	}
	if c.warmUp <= 0 {
		c.warmUp = 20
	}
	if c.tol <= 0 {
		c.tol = 1e-9
	}
	if c.tau <= 0 {
		c.tau = 1e3
	}
	c.ctx = interruptOr(s.Context)
	return c
}
