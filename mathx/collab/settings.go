package collab

import (
	"context"
	"fmt"

	"gonum.org/v1/gonum/mat"
)

// Rule names a server's aggregation rule.
type Rule int

const (
	// RuleMean: Mean, the non-robust baseline. The default.
	RuleMean Rule = iota
	// RuleMedian: CoordMedian.
	RuleMedian
	// RuleTrimmedMean: TrimmedMean with Aggregator.F.
	RuleTrimmedMean
	// RuleGeoMedian: GeoMedian with Aggregator.Tol.
	RuleGeoMedian
	// RuleKrum: Krum with Aggregator.F.
	RuleKrum
	// RuleMultiKrum: MultiKrum with Aggregator.F and Aggregator.M.
	RuleMultiKrum
	// RuleCenteredClip: CenteredClip around the previous aggregate, with
	// Aggregator.Tau and Aggregator.Iters.
	RuleCenteredClip
	// RuleFlag: the Flag Aggregator, Flag with Aggregator.R,
	// Aggregator.Lambda, Aggregator.Tol and Aggregator.MaxIter.
	RuleFlag
)

// String returns the constant's name.
func (r Rule) String() string {
	switch r {
	case RuleMean:
		return "Mean"
	case RuleMedian:
		return "CoordMedian"
	case RuleTrimmedMean:
		return "TrimmedMean"
	case RuleGeoMedian:
		return "GeoMedian"
	case RuleKrum:
		return "Krum"
	case RuleMultiKrum:
		return "MultiKrum"
	case RuleCenteredClip:
		return "CenteredClip"
	case RuleFlag:
		return "Flag"
	}
	return fmt.Sprintf("Rule(%d)", int(r))
}

// Aggregator is a server's aggregation rule with its parameters; the zero
// value is the mean.
type Aggregator struct {
	Rule Rule
	// F is the number of Byzantine vectors the rule assumes (trimmed
	// mean, Krum, NNM); in Simulate, 0 means Settings.Byzantine.
	F int
	// NNM applies nearest-neighbour mixing (NNMDense with F) before the
	// rule, the "fixing by mixing" recipe.
	NNM bool
	// M is MultiKrum's number of selected vectors (0 → n − F).
	M int
	// Tau and Iters are CenteredClip's radius (0 → the adaptive median
	// radius) and iterations (0 → 1).
	Tau   float64
	Iters int
	// Tol and MaxIter are GeoMedian's or Flag's (0 → their defaults).
	Tol     float64
	MaxIter int
	// R and Lambda are Flag's subspace dimension r (0 → 1) and weight λ
	// of its pairwise terms (0: none), the Flag Aggregator authors'
	// r_col and lambda_.
	R      int
	Lambda float64
}

// String describes the rule, as "NNM+Krum(f=2)" (F shown when set).
func (a Aggregator) String() string {
	s := a.Rule.String()
	if a.F > 0 && a.Rule != RuleMean && a.Rule != RuleMedian && a.Rule != RuleGeoMedian && a.Rule != RuleCenteredClip && a.Rule != RuleFlag {
		s += fmt.Sprintf("(f=%d)", a.F)
	}
	if a.NNM {
		s = "NNM+" + s
	}
	return s
}

// Aggregate applies the rule to v; prev is the previous aggregate, the
// centre of CenteredClip (nil → zeros; other rules ignore it). It panics
// on the programmer errors of the rule it calls and returns their errors
// (ErrNonFinite for a non-finite entry).
func (a Aggregator) Aggregate(v [][]float64, prev []float64) ([]float64, error) {
	if a.NNM {
		m, err := NNM(v, a.F)
		if err != nil {
			return nil, err
		}
		v = Rows(m)
	}
	switch a.Rule {
	case RuleMean:
		return Mean(v)
	case RuleMedian:
		return CoordMedian(v)
	case RuleTrimmedMean:
		return TrimmedMean(v, a.F)
	case RuleGeoMedian:
		r, err := GeoMedian(v, &Settings{Tol: a.Tol, MaxIter: a.MaxIter, Context: context.Background()})
		if err != nil {
			return nil, err
		}
		return r.X, nil
	case RuleKrum:
		return Krum(v, a.F)
	case RuleMultiKrum:
		m := a.M
		if m == 0 {
			m = len(v) - a.F
		}
		return MultiKrum(v, a.F, m)
	case RuleCenteredClip:
		return CenteredClip(v, prev, a.Tau, a.Iters)
	case RuleFlag:
		r, err := Flag(v, a.R, a.Lambda, &Settings{Tol: a.Tol, MaxIter: a.MaxIter, Context: context.Background()})
		if err != nil {
			return nil, err
		}
		return r.X, nil
	}
	panic(fmt.Sprintf("collab.Aggregator.Aggregate: unknown rule %v", a.Rule))
}

// Settings configures GeoMedian, Flag, Simulate, MoNNA and the decentralised
// methods Gossip, AsyncGossip and DADAO. The zero value of every field is
// its documented default; a nil *Settings means all defaults.
type Settings struct {
	// MaxIter bounds GeoMedian's iterations (default 10,000), Flag's
	// (default 1000), Simulate's, MoNNA's and Gossip's rounds (default
	// 100), or the simulated time of AsyncGossip and DADAO in units of
	// their Poisson clocks (default 100).
	MaxIter int
	// Tol is GeoMedian's step tolerance (default 1e-12, see GeoMedian)
	// or Flag's on its objective's decrease (default 1e-9, see Flag);
	// for Simulate, 0 runs all MaxIter rounds and Tol > 0 stops Converged
	// once ‖(1/h)Σ honest gradients‖ ≤ Tol, and Gossip, AsyncGossip and
	// DADAO once ‖∇f(x̄)‖ ≤ Tol at the nodes' average x̄ (MoNNA does not
	// use it).
	Tol float64
	// Seed seeds every random draw (Gaussian attack, the decentralised
	// methods' Poisson clocks and gradient noise): a seed gives
	// bit-identical results whatever GOMAXPROCS.
	Seed uint64
	// Context cancels the run (checked every iteration or round, and
	// every 1024 events of AsyncGossip and DADAO); nil means the current
	// cell's context (mathx/interrupt).
	Context context.Context
	// Callback is called after every iteration, round or unit of time
	// (AsyncGossip, DADAO) with the live result; returning false stops
	// with Status Stopped. A panic in it is recovered and returned as an
	// error.
	Callback func(iter int, r *Result) bool

	// Step is the learning rate γ of Simulate, MoNNA, Gossip and
	// AsyncGossip (default 0.1).
	Step float64
	// Momentum is the workers' Polyak momentum β ∈ [0, 1): each sends
	// m_t = β·m_{t−1} + (1 − β)·g_t, m_0 = 0 (default 0: plain gradients).
	Momentum float64
	// Byzantine is f, the number of Byzantine workers: the last f of the
	// n workers (default 0).
	Byzantine int
	// Attack is what the Byzantine workers send (default NoAttack).
	Attack Attack
	// Aggregator is the server's rule (default the mean).
	Aggregator Aggregator
	// Sketch makes Simulate's workers send sketched (and optionally
	// clipped and noised, differentially private) vectors (default: the
	// vectors themselves). MoNNA does not use it.
	Sketch Sketching

	// GradNoise is σ ≥ 0 of the decentralised methods' stochastic
	// gradient oracle: every gradient they compute gets N(0, σ²) noise
	// added to each coordinate, drawn from the seeded stream (default 0:
	// exact gradients; Gossip with σ > 0 is gossip SGD).
	GradNoise float64
	// CommRate is the total rate of the edges' Poisson clocks in
	// AsyncGossip and DADAO, in edge activations per unit of time, spread
	// uniformly over the edges (default: |E| for AsyncGossip, one
	// activation per edge per unit of time; DADAO's √(2χ₁χ₂)).
	CommRate float64
	// Mu and L are DADAO's μ and L: every worker's objective must be
	// μ-strongly convex and L-smooth, 0 < μ ≤ L (no default: DADAO
	// panics without them; LogisticSmoothness gives L for
	// LogisticWorkers).
	Mu, L float64
}

// Result is the outcome of GeoMedian, Flag, Simulate, MoNNA, Gossip,
// AsyncGossip or DADAO.
type Result struct {
	// Status says why the run ended.
	Status Status
	// Iterations counts GeoMedian's or Flag's iterations, the rounds of
	// Simulate, MoNNA and Gossip, or the units of time AsyncGossip and
	// DADAO simulated.
	Iterations int
	// History is GeoMedian's objective Σ‖x_t − v_i‖ (on the vectors
	// divided by their largest |entry|), Flag's smoothed objective (at the
	// start and after every iteration), or Simulate's loss: the mean of
	// the honest workers' objectives at the model x_t of round t (before
	// its update), one entry per iteration or round (MoNNA's: at the
	// honest nodes' own models). For Gossip,
	// AsyncGossip and DADAO it is f(x̄) = (1/n)Σ_i f_i(x̄) at the nodes'
	// average model x̄ at the start of each round or unit of time.
	History []float64
	// X is the geometric median, the Flag aggregate or the final model
	// (the nodes' average for the decentralised methods).
	X []float64
	// Loss is the mean honest loss at the final X (Simulate, MoNNA and
	// the decentralised methods; this costs one more evaluation of each
	// honest objective, not counted in GradEvals).
	Loss float64
	// GradEvals counts gradient computations (one per worker that
	// computes one, per round; one per gradient event in AsyncGossip and
	// DADAO): Byzantine workers compute none except under NoAttack and
	// LabelFlip.
	GradEvals int
	// FloatsSent counts communicated floats: every round, n·d from the
	// workers to the server and n·d for the model broadcast back
	// (Simulate; n·s each way with a sketch of s rows, see
	// Settings.Sketch), n·(n−1)·d for every node's broadcast (MoNNA), or
	// 2·d per Communication (Gossip, AsyncGossip, DADAO).
	FloatsSent int
	// Spread is MoNNA's and the decentralised methods' largest distance
	// of an honest model from the honest average X at the end (0 for
	// Simulate).
	Spread float64

	// Communications counts the decentralised methods' pairwise
	// exchanges: edges used, one per activation of an edge (every edge
	// once per round in Gossip), each sending d floats both ways.
	Communications int
	// HistoryGradEvals and HistoryComms are GradEvals and Communications
	// when each History entry was recorded (decentralised methods), the
	// x-axes of History against computation and communication.
	HistoryGradEvals, HistoryComms []int
	// Models holds the decentralised methods' node models, one row per
	// node: at the end, or the current ones when Callback is called.
	Models *mat.Dense
	// Ratios are Flag's reconstruction ratios ‖Y*ᵀv_i‖²/‖v_i‖², one per
	// vector: each worker's quality in the subspace Y*.
	Ratios []float64
	// Subspace is Flag's Y*: orthonormal columns spanning the subspace.
	Subspace *mat.Dense
}
