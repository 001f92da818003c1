package online

import (
	"fmt"
	"math"
)

// HintWeighting selects how optimistic FTRL and OMD use the hint M_t: as
// given, or scaled by a weight α_t ∈ [0, 1] learned online so that bad
// hints cost little (Settings.HintWeight).
type HintWeighting int

const (
	// FullHint plays the hint as given (α_t = 1): the optimistic OMD of
	// the SEA paper and of Rakhlin & Sridharan 2013. Exact hints help most,
	// but a bad hint costs up to the factor ‖g − M‖²/‖g‖² in the step size
	// and moves x_t the wrong way: with M_t = −g_t the regret bound grows
	// 2× and the realised regret can be several times plain OMD's.
	FullHint HintWeighting = iota
	// LearnedHint plays α_t M_t, with α_t ∈ [0, 1] learned from the rounds
	// before t on the losses ℓ_s(α) = ‖g_s − α M_s‖²_* (dual norm: the
	// Euclidean norm, or the sup norm for Entropic), the quantity the
	// adaptive step and Result.Bound scale with. Hints are the two
	// "hinters" M_t and 0, combined with a weight learned online as in
	// Flaspohler, Orabona, Cohen, Mouatadid, Oprescu, Orenstein, Mackey
	// 2021 ("Online Learning with Optimism and Delay", ICML, arXiv
	// 2106.06885, learning to hint), here with the squared error as the
	// hint loss:
	//
	//	Euclidean: α_t = clip(Σ_{s<t}⟨g_s, M_s⟩ / Σ_{s<t}‖M_s‖², 0, 1)
	//	           (follow the leader, the least-squares weight; 0 while
	//	           Σ‖M_s‖² = 0);
	//	Entropic:  α_{t+1} = clip(α_t − ℓ'_t(α_t)/sqrt(2 Σ_{s≤t} ℓ'_s(α_s)²), 0, 1),
	//	           α_1 = 0 (adaptive projected subgradient descent on
	//	           [0, 1], Orabona, arXiv 1912.13213, §4.2.1; ℓ'_t is the
	//	           derivative of the active coordinate of the sup norm).
	//
	// Then Σ_t ‖g_t − α_t M_t‖²_* ≤ min_{α∈[0,1]} Σ_t ‖g_t − α M_t‖²_* +
	// R_α(T), at most min(Σ‖g_t‖²_*, Σ‖g_t − M_t‖²_*) + R_α(T), where the
	// weight learner's regret R_α(T) is at most the be-the-leader sum
	// Σ_t ℓ_t(α_t) − ℓ_t(α_{t+1}) for follow the leader (logarithmic in T
	// for bounded g_s, M_s with Σ‖M_s‖² growing linearly) and
	// √2·sqrt(Σ_t ℓ'_t(α_t)²) for the subgradient method. So exact hints
	// are trusted (α → 1), negated hints are ignored (α → 0, plain OMD),
	// and a scaled hint M = c·g is rescaled (α → 1/c for c ≥ 1).
	// Euclidean: α = 1 from round 2 on for exact hints and 0 for negated
	// ones; Entropic: α stays 0 for negated hints and approaches 1
	// geometrically for exact ones. Result.Bound stays certified: the
	// one-step lemma of optimistic OMD holds for any hint fixed before g_t
	// is seen, and α_t M_t is one.
	LearnedHint
)

// String returns the constant's name.
func (w HintWeighting) String() string {
	switch w {
	case FullHint:
		return "FullHint"
	case LearnedHint:
		return "LearnedHint"
	}
	return fmt.Sprintf("HintWeighting(%d)", int(w))
}

// hinter produces the hint played in round t, α_t M_t, with M_t from
// Settings.Hint or the last gradient and α_t from hintWeight.
type hinter struct {
	on   bool
	fn   func(t int, dst []float64)
	last []float64 // g_{t−1}
	raw  []float64 // M_t, kept only with LearnedHint
	m    []float64 // α_t M_t, the hint played
	w    hintWeight
}

func newHinter(set *Settings, d int) hinter {
	h := hinter{on: set.Optimistic, fn: set.Hint, last: make([]float64, d), m: make([]float64, d),
		w: hintWeight{sup: set.Mirror == Entropic, alpha: 1}}
	if h.on && set.HintWeight == LearnedHint {
		h.raw = make([]float64, d)
		h.w.alpha = 0
	}
	return h
}

// hint sets h.m to α_t M_t (0 without optimism).
func (h *hinter) hint(t int) {
	if !h.on {
		for i := range h.m {
			h.m[i] = 0
		}
		return
	}
	dst := h.m
	if h.raw != nil {
		dst = h.raw
	}
	if h.fn != nil {
		h.fn(t, dst)
	} else {
		copy(dst, h.last)
	}
	if h.raw != nil {
		for i, v := range h.raw {
			h.m[i] = h.w.alpha * v
		}
	}
}

// seen records g_t: the next default hint, and the weight's loss.
func (h *hinter) seen(g []float64) {
	if h.raw != nil {
		h.w.update(g, h.raw)
	}
	copy(h.last, g)
}

// weight returns the weight of the next round's hint (0 without optimism).
func (h *hinter) weight() float64 {
	if !h.on {
		return 0
	}
	return h.w.alpha
}

// hintWeight learns α ∈ [0, 1] on ℓ_s(α) = ‖g_s − α M_s‖²_* (see
// LearnedHint): follow the leader in closed form for the Euclidean norm,
// adaptive projected subgradient descent for the sup norm.
type hintWeight struct {
	sup    bool
	alpha  float64
	gm, mm float64 // Σ⟨g_s, M_s⟩ and Σ‖M_s‖² (Euclidean)
	dsq    float64 // Σ ℓ'_s(α_s)² (sup norm)
}

// update learns from round s's g_s and M_s. When the sums overflow
// (gradients beyond about 1e154) the ratio is NaN and α keeps its value.
func (w *hintWeight) update(g, m []float64) {
	if !w.sup {
		for i, gi := range g {
			w.gm += gi * m[i]
			w.mm += m[i] * m[i]
		}
		if r := w.gm / w.mm; w.mm > 0 && !math.IsNaN(r) {
			w.alpha = clip01(r)
		}
		return
	}
	k, e := 0, 0.0
	for i, gi := range g {
		if v := gi - w.alpha*m[i]; math.Abs(v) > math.Abs(e) {
			k, e = i, v
		}
	}
	d := -2 * e * m[k]
	w.dsq += d * d
	if a := w.alpha - d/math.Sqrt(2*w.dsq); w.dsq > 0 && !math.IsNaN(a) {
		w.alpha = clip01(a)
	}
}

func clip01(v float64) float64 { return math.Min(math.Max(v, 0), 1) }
