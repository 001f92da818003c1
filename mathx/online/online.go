package online

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/gomx-dev/gomx/mathx/interrupt"
)

// Environment is an online convex optimisation problem: a sequence of
// convex losses f_1, f_2, … on R^d. Rounds are numbered from 1. Loss must
// not depend on the learner's past points other than through x (an
// oblivious adversary), so several algorithms can be compared on one
// sequence.
type Environment interface {
	// Dim returns d.
	Dim() int
	// Loss returns f_t(x) and writes ∇f_t(x) into grad.
	Loss(t int, x, grad []float64) float64
}

// Mirror selects the mirror map ψ of FTRL and OMD.
type Mirror int

const (
	// Euclidean is ψ(x) = ½‖x‖²: steps are projected gradient steps.
	Euclidean Mirror = iota
	// Entropic is ψ(x) = Σ x_i ln x_i on the simplex: multiplicative
	// weights, computed in the log domain.
	Entropic
)

// Settings control OGD, FTRL and OMD. The zero value of every field is its
// documented default; a nil *Settings means all defaults. There is no
// MaxIter or Tol: the horizon T is an argument and nothing converges.
type Settings struct {
	// Seed is unused by the deterministic algorithms here; it is kept so
	// Settings has the same shape in every mathx package.
	Seed uint64
	// Context cancels the run; nil means the current cell's context
	// (mathx/interrupt). It is checked every 256 rounds.
	Context context.Context
	// Callback, when non-nil, is called after every CallbackEvery rounds
	// with the partial result; returning false stops the run with Status
	// Stopped. A panic in it is recovered and returned as an error.
	Callback func(iter int, r *Result) bool
	// CallbackEvery is the number of rounds between callbacks (0 → 1).
	CallbackEvery int
	// X0 is the first point (nil → the domain's centre).
	X0 []float64
	// Comparator u, when non-nil, makes History the regret against u:
	// History[t-1] = Σ_{s≤t} f_s(x_s) − f_s(u). Nil: cumulative loss.
	Comparator []float64
	// Mirror is the mirror map of FTRL and OMD (Entropic needs the simplex).
	Mirror Mirror
	// Eta, when positive, is a constant step size. Otherwise the step is
	// adaptive (self-confident): η_t = D/sqrt(Delta + Σ_{s<t} ‖g_s − M_s‖²)
	// with D the domain's diameter (Euclidean) or sqrt(ln d) and the sup
	// norm (Entropic); M_s = 0 without optimism.
	Eta float64
	// Delta is δ in the adaptive step (0 → 1).
	Delta float64
	// StrongConvexity λ > 0 switches OGD to η_t = 1/(λ t).
	StrongConvexity float64
	// Optimistic turns on hints M_t in FTRL and OMD (two-step optimistic
	// OMD of Rakhlin & Sridharan 2013, Chiang et al. 2012).
	Optimistic bool
	// Hint, when non-nil, writes the hint M_t for round t into dst (for
	// example a known or predicted gradient). Nil with Optimistic means
	// M_t = g_{t-1}, the last gradient (M_1 = 0).
	Hint func(t int, dst []float64)
	// HintWeight selects how the hint is used: FullHint (the zero value,
	// the paper's optimistic OMD: play M_t as given) or LearnedHint (play
	// α_t M_t with α_t ∈ [0, 1] learned online, robust to bad hints).
	HintWeight HintWeighting
}

func (s *Settings) orDefault() Settings {
	var v Settings
	if s != nil {
		v = *s
	}
	if v.CallbackEvery <= 0 {
		v.CallbackEvery = 1
	}
	if v.Delta <= 0 {
		v.Delta = 1
	}
	return v
}

// Result is the outcome of one run.
type Result struct {
	// Status says how the run ended.
	Status Status
	// Iterations is the number of rounds played.
	Iterations int
	// History[t-1] is the regret against Settings.Comparator after round t,
	// or the cumulative loss when there is no comparator.
	History []float64
	// X is the last point played.
	X []float64
	// Loss is Σ f_t(x_t).
	Loss float64
	// Regret is the last entry of History when a comparator was given,
	// NaN otherwise.
	Regret float64
	// Alpha is the hint weight the next round would use: learned from all
	// rounds played with LearnedHint, 1 with FullHint, 0 without
	// Settings.Optimistic (and for OGD).
	Alpha float64
	// GradSq is Σ_t ‖g_t − M_t‖² (squared sup norm for Entropic), the
	// quantity the adaptive bounds scale with.
	GradSq float64
	// Bound is a certified upper bound on the regret against every fixed
	// u in the domain, computed from the run (NaN where none is derived):
	// for Euclidean OMD and OGD (η_t non-increasing, D the diameter)
	//	Bound = D²/(2η_T) + Σ_t η_t ‖g_t − M_t‖²,
	// for Entropic OMD with a constant η
	//	Bound = max_i ln(1/x̂_1(i))/η + η Σ_t ‖g_t − M_t‖²_∞.
	// Both follow from the one-step lemma of optimistic mirror descent
	// (Rakhlin & Sridharan 2013, Lemma 1; Pinsker for the entropic case)
	// and hold for convex losses, with M_t = 0 for plain steps and M_t
	// replaced by the hint played, α_t M_t, with LearnedHint (GradSq too).
	Bound float64
	// Elapsed is the wall time of the run.
	Elapsed time.Duration
}

// learner is one algorithm's state: play writes x_t, observe takes g_t.
type learner interface {
	play(t int, x []float64)
	observe(t int, g []float64)
	gradSq() float64
	bound() float64
	weight() float64
}

// run is the loop shared by the entry points.
func run(fn string, env Environment, dom Domain, T int, s *Settings, mk func(set *Settings, d int) learner) (res *Result, err error) {
	d := env.Dim()
	if T < 0 || d < 1 {
		panic(fmt.Sprintf("online.%s: T = %d, dimension %d", fn, T, d))
	}
	set := s.orDefault()
	if set.X0 != nil && len(set.X0) != d {
		panic(fmt.Sprintf("online.%s: len(X0) = %d, dimension %d", fn, len(set.X0), d))
	}
	if set.Comparator != nil && len(set.Comparator) != d {
		panic(fmt.Sprintf("online.%s: len(Comparator) = %d, dimension %d", fn, len(set.Comparator), d))
	}
	if set.HintWeight != FullHint && set.HintWeight != LearnedHint {
		panic(fmt.Sprintf("online.%s: unknown HintWeight %v", fn, set.HintWeight))
	}
	if set.Mirror == Entropic && dom.Kind != SimplexDomain {
		panic(fmt.Sprintf("online.%s: the entropic mirror map needs the simplex", fn))
	}
	if diam := dom.Diameter(d); math.IsInf(diam, 1) && !(set.Eta > 0) {
		panic(fmt.Sprintf("online.%s: the domain's diameter is +Inf (%+v): the adaptive step D/sqrt(Σ‖g‖²) needs a bounded domain or Settings.Eta > 0", fn, dom))
	}
	ctx := interrupt.Or(set.Context)
	start := time.Now()
	l := mk(&set, d)
	x := make([]float64, d)
	g := make([]float64, d)
	gu := make([]float64, d)
	res = &Result{History: make([]float64, 0, T), X: x, Regret: math.NaN()}
	defer func() {
		res.Elapsed = time.Since(start)
		res.GradSq = l.gradSq()
		res.Bound = l.bound()
		res.Alpha = l.weight()
		if e := recover(); e != nil {
			res.Status = Failed
			err = fmt.Errorf("online.%s: panic in round %d (environment, hint or callback): %v", fn, res.Iterations+1, e)
		}
	}()
	h := 0.0
	for t := 1; t <= T; t++ {
		if t&255 == 0 && ctx.Err() != nil {
			res.Status = Canceled
			return res, nil
		}
		l.play(t, x)
		if !finite(x) {
			res.Status = Failed
			return res, fmt.Errorf("online.%s: round %d: the point to play is not finite (%v): the learner's state overflowed", fn, t, x)
		}
		f := env.Loss(t, x, g)
		if math.IsNaN(f) || math.IsInf(f, 0) || !finite(g) {
			res.Status = Failed
			return res, fmt.Errorf("online.%s: round %d: loss %v or its gradient is not finite", fn, t, f)
		}
		res.Loss += f
		h += f
		if set.Comparator != nil {
			h -= env.Loss(t, set.Comparator, gu)
		}
		l.observe(t, g)
		res.History = append(res.History, h)
		res.Iterations = t
		if set.Comparator != nil {
			res.Regret = h
		}
		if set.Callback != nil && t%set.CallbackEvery == 0 && !set.Callback(t, res) {
			res.Status = Stopped
			return res, nil
		}
	}
	res.Status = Converged
	return res, nil
}

func finite(v []float64) bool {
	for _, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return false
		}
	}
	return true
}

// stepper computes the adaptive or constant step size and accumulates
// Σ‖g − M‖² into *gradSq.
type stepper struct {
	eta, diam, delta, sum float64
	sup                   bool
}

func newStepper(set *Settings, dom Domain, d int) stepper {
	st := stepper{eta: set.Eta, diam: dom.Diameter(d), delta: set.Delta}
	if set.Mirror == Entropic {
		st.diam = math.Sqrt(math.Log(float64(d)))
		st.sup = true
	}
	return st
}

func (s *stepper) step() float64 {
	if s.eta > 0 {
		return s.eta
	}
	return s.diam / math.Sqrt(s.delta+s.sum)
}

// add accumulates ‖g − m‖² (m nil means 0) and returns it.
func (s *stepper) add(g, m []float64) float64 {
	v := 0.0
	for i, gi := range g {
		e := gi
		if m != nil {
			e -= m[i]
		}
		if s.sup {
			v = math.Max(v, e*e)
		} else {
			v += e * e
		}
	}
	s.sum += v
	return v
}
