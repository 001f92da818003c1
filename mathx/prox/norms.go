package prox

import (
	"fmt"
	"gonum.org/v1/gonum/floats"
	"math"
)

// SoftThreshold writes the prox of t‖·‖₁, sign(x_i)·max(|x_i| − t, 0),
// into dst. dst may be x. A NaN entry stays NaN; t = +Inf maps every
// other entry to 0, ±Inf included (the limit t → ∞ of the prox, not the
// undefined ∞ − ∞).
func SoftThreshold(dst, x []float64, t float64) {
	checkLen("prox.SoftThreshold", dst, x)
	checkStep("prox.SoftThreshold", t)
	if math.IsInf(t, 1) {
		for i, v := range x {
			dst[i] = 0
			if v != v {
				dst[i] = v
			}
		}
		return
	}
	for i, v := range x {
		// v − clip(v, −t, t) with the branch-free builtins; NaN passes
		// through.
		dst[i] = v - min(max(v, -t), t)
	}
}

// L1 is the ℓ1 norm ‖x‖₁ = Σ|x_i|; its prox is the soft threshold.
type L1 struct{}

// Prox writes sign(x_i)·max(|x_i| − t, 0) into dst.
func (L1) Prox(dst, x []float64, t float64) { SoftThreshold(dst, x, t) }

// Value returns ‖x‖₁.
func (L1) Value(x []float64) float64 {
	var s float64
	for _, v := range x {
		s += math.Abs(v)
	}
	return s
}

// Conj returns the indicator of the unit ℓ∞ ball.
func (L1) Conj() Func { return LInfBall{R: 1} }

// L2Norm is the Euclidean norm ‖x‖₂ (not squared); its prox is the block
// soft threshold max(1 − t/‖x‖, 0)·x.
type L2Norm struct{}

// Prox writes max(1 − t/‖x‖, 0)·x into dst. It couples the entries, so a
// NaN in x makes every entry NaN; with ±Inf entries it returns x (the
// limit), or 0 when t = +Inf.
func (L2Norm) Prox(dst, x []float64, t float64) {
	checkLen("prox.L2Norm.Prox", dst, x)
	checkStep("prox.L2Norm.Prox", t)
	nrm := floats.Norm(x, 2)
	if nan, pos, neg := nonFiniteNorm(x, nrm); nan || pos+neg > 0 {
		// The rule of the projections: NaN everywhere for a NaN; for ±Inf
		// entries the limit, x itself (0 for t = +Inf).
		for i, v := range x {
			switch {
			case nan:
				dst[i] = math.NaN()
			case math.IsInf(t, 1):
				dst[i] = 0
			default:
				dst[i] = v
			}
		}
		return
	}
	scale := 0.0
	if nrm > t {
		scale = 1 - t/nrm
	}
	for i, v := range x {
		dst[i] = scale * v
	}
}

// Value returns ‖x‖₂.
func (L2Norm) Value(x []float64) float64 { return floats.Norm(x, 2) }

// Conj returns the indicator of the unit ℓ2 ball.
func (L2Norm) Conj() Func { return L2Ball{R: 1} }

// SqL2 is half the squared Euclidean norm ½‖x‖²; its prox is x/(1+t). It is
// its own conjugate.
type SqL2 struct{}

// Prox writes x/(1+t) into dst.
func (SqL2) Prox(dst, x []float64, t float64) {
	checkLen("prox.SqL2.Prox", dst, x)
	checkStep("prox.SqL2.Prox", t)
	s := 1 / (1 + t)
	for i, v := range x {
		dst[i] = s * v
	}
}

// Value returns ½‖x‖².
func (SqL2) Value(x []float64) float64 { return 0.5 * dot(x, x) }

// Conj returns ½‖·‖² itself.
func (SqL2) Conj() Func { return SqL2{} }

// ElasticNet is L1·‖x‖₁ + (L2/2)·‖x‖² (L1, L2 ≥ 0); its prox is
// soft(x, t·L1)/(1 + t·L2).
type ElasticNet struct {
	L1, L2 float64
}

// Prox writes soft(x, t·L1)/(1 + t·L2) into dst.
func (e ElasticNet) Prox(dst, x []float64, t float64) {
	if e.L1 < 0 || e.L2 < 0 {
		panic(fmt.Sprintf("prox.ElasticNet.Prox: negative weight L1=%g L2=%g", e.L1, e.L2))
	}
	SoftThreshold(dst, x, t*e.L1)
	s := 1 / (1 + t*e.L2)
	for i := range dst {
		dst[i] *= s
	}
}

// Value returns L1·‖x‖₁ + (L2/2)·‖x‖².
func (e ElasticNet) Value(x []float64) float64 {
	return e.L1*L1{}.Value(x) + 0.5*e.L2*dot(x, x)
}

// GroupSoftThreshold writes the prox of t·Σ_g w_g‖x_g‖₂ into dst: each
// group is scaled by max(1 − t·w_g/‖x_g‖, 0). groups are disjoint lists of
// indices in [0, len(x)) (it panics naming the index otherwise); entries
// in no group are copied unchanged. w nil means all weights 1; otherwise
// len(w) == len(groups) and w_g ≥ 0. dst may be x. The disjointness check
// allocates a bitset only when an index is ≥ 4096.
func GroupSoftThreshold(dst, x []float64, groups [][]int, w []float64, t float64) {
	checkLen("prox.GroupSoftThreshold", dst, x)
	checkStep("prox.GroupSoftThreshold", t)
	checkWeights("prox.GroupSoftThreshold", groups, w)
	checkGroups("prox.GroupSoftThreshold", len(x), groups)
	copy(dst, x)
	for g, idx := range groups {
		tw := t * weight(w, g)
		var s float64
		for _, i := range idx {
			s += x[i] * x[i]
		}
		nrm := math.Sqrt(s)
		scale := 0.0
		if nrm > tw {
			scale = 1 - tw/nrm
		}
		for _, i := range idx {
			dst[i] = scale*x[i] + 0 // + 0 turns −0 into +0
		}
	}
}

// GroupL2 is the group lasso penalty Σ_g W_g‖x_g‖₂ over disjoint groups of
// indices (the ℓ2,1 norm); entries in no group are not penalised. Weights
// nil means all 1.
type GroupL2 struct {
	Groups  [][]int
	Weights []float64
}

// Prox writes the group soft threshold of x with step t into dst.
func (g GroupL2) Prox(dst, x []float64, t float64) {
	GroupSoftThreshold(dst, x, g.Groups, g.Weights, t)
}

// Value returns Σ_g W_g‖x_g‖₂.
func (g GroupL2) Value(x []float64) float64 {
	checkWeights("prox.GroupL2.Value", g.Groups, g.Weights)
	var s float64
	for k, idx := range g.Groups {
		var q float64
		for _, i := range idx {
			q += x[i] * x[i]
		}
		s += weight(g.Weights, k) * math.Sqrt(q)
	}
	return s
}

// Conj returns the indicator of {y: ‖y_g‖ ≤ W_g for every group, y_i = 0
// outside the groups}.
func (g GroupL2) Conj() Func { return GroupL2Ball(g) }

// GroupL2Ball is the indicator of the product of ℓ2 balls {‖x_g‖₂ ≤ W_g},
// with x_i = 0 for entries in no group (the dual ball of GroupL2). Weights
// nil means all radii 1.
type GroupL2Ball struct {
	Groups  [][]int
	Weights []float64
}

// Prox projects each group onto its ball and zeroes the entries in no
// group; t is ignored.
func (g GroupL2Ball) Prox(dst, x []float64, t float64) {
	checkLen("prox.GroupL2Ball.Prox", dst, x)
	checkWeights("prox.GroupL2Ball.Prox", g.Groups, g.Weights)
	checkGroups("prox.GroupL2Ball.Prox", len(x), g.Groups)
	for k, idx := range g.Groups {
		r := weight(g.Weights, k)
		var q float64
		for _, i := range idx {
			q += x[i] * x[i]
		}
		nrm := math.Sqrt(q)
		scale := 1.0
		if nrm > r {
			scale = r / nrm
		}
		for _, i := range idx {
			dst[i] = scale * x[i]
		}
	}
	in := groupMask(len(x), g.Groups)
	for i := range dst {
		if !in[i] {
			dst[i] = 0
		}
	}
}

// Value is 0 when every group is inside its ball (relative tolerance
// 1e-12) and the entries in no group are 0, +Inf otherwise.
func (g GroupL2Ball) Value(x []float64) float64 {
	checkWeights("prox.GroupL2Ball.Value", g.Groups, g.Weights)
	in := groupMask(len(x), g.Groups)
	for i, v := range x {
		if !in[i] && v != 0 {
			return math.Inf(1)
		}
	}
	for k, idx := range g.Groups {
		var q float64
		for _, i := range idx {
			q += x[i] * x[i]
		}
		if math.Sqrt(q) > weight(g.Weights, k)*(1+1e-12) {
			return math.Inf(1)
		}
	}
	return 0
}

// Conj returns GroupL2 with the same groups and weights.
func (g GroupL2Ball) Conj() Func { return GroupL2(g) }

// LInf is the ℓ∞ norm max|x_i|. Its prox is computed by the Moreau
// decomposition, x − Π_{‖·‖₁ ≤ t}(x): sign(x_i)·min(|x_i|, θ) with θ the
// ℓ1-ball projection threshold.
type LInf struct{}

// Prox writes prox_{t‖·‖∞}(x) into dst. It couples the entries, so it
// follows the rule of the projections (see the package doc): a NaN in x
// makes every entry NaN, at any t; ±Inf entries stay ±Inf for finite t
// (the limit), and t = +Inf gives 0.
func (LInf) Prox(dst, x []float64, t float64) {
	checkLen("prox.LInf.Prox", dst, x)
	checkStep("prox.LInf.Prox", t)
	var l1 float64
	for _, v := range x {
		l1 += math.Abs(v)
	}
	if l1 != l1 { // a NaN entry
		for i := range dst {
			dst[i] = math.NaN()
		}
		return
	}
	if t == 0 {
		copy(dst, x)
		return
	}
	if l1 <= t {
		for i := range dst {
			dst[i] = 0
		}
		return
	}
	theta, off := simplexThreshold(x, t, true, scratchFor(dst, x))
	theta += off
	for i, v := range x {
		switch {
		case v > theta:
			dst[i] = theta
		case v < -theta:
			dst[i] = -theta
		default:
			dst[i] = v
		}
	}
}

// Value returns max|x_i| (0 for an empty x).
func (LInf) Value(x []float64) float64 {
	var m float64
	for _, v := range x {
		m = math.Max(m, math.Abs(v))
	}
	return m
}

// Conj returns the indicator of the unit ℓ1 ball.
func (LInf) Conj() Func { return L1Ball{R: 1} }

// nonFiniteNorm is nonFinite(x) when nrm, x's norm, is NaN or +Inf, and
// reports finite otherwise, sparing the finite case a pass.
func nonFiniteNorm(x []float64, nrm float64) (nan bool, pos, neg int) {
	if nrm-nrm == 0 {
		return false, 0, 0
	}
	return nonFinite(x)
}

func dot(x, y []float64) float64 {
	var s float64
	for i, v := range x {
		s += v * y[i]
	}
	return s
}

func weight(w []float64, g int) float64 {
	if w == nil {
		return 1
	}
	return w[g]
}

func checkWeights(name string, groups [][]int, w []float64) {
	if w == nil {
		return
	}
	if len(w) != len(groups) {
		panic(fmt.Sprintf("%s: %d weights for %d groups", name, len(w), len(groups)))
	}
	for g, v := range w {
		if !(v >= 0) {
			panic(fmt.Sprintf("%s: weight %d is %g, must be ≥ 0", name, g, v))
		}
	}
}

// checkGroups panics, naming the entry, when an index of groups is
// outside [0, n) or appears twice (groups must be disjoint). Indices below
// 4096 are marked in a bitset on the stack.
func checkGroups(name string, n int, groups [][]int) {
	var small [64]uint64
	seen := small[:]
	for g, idx := range groups {
		for k, i := range idx {
			if i < 0 || i >= n {
				panic(fmt.Sprintf("%s: groups[%d][%d] = %d, want an index in [0, %d)", name, g, k, i, n))
			}
			if i/64 >= len(seen) {
				seen = append(seen, make([]uint64, n/64+1-len(seen))...)
			}
			if seen[i/64]&(1<<(i%64)) != 0 {
				panic(fmt.Sprintf("%s: groups[%d][%d] = %d is already in an earlier group; groups must be disjoint", name, g, k, i))
			}
			seen[i/64] |= 1 << (i % 64)
		}
	}
}

func groupMask(n int, groups [][]int) []bool {
	in := make([]bool, n)
	for _, idx := range groups {
		for _, i := range idx {
			in[i] = true
		}
	}
	return in
}
