package prox

import (
	"fmt"
	"gonum.org/v1/gonum/floats"
	"math"
	"slices"
	"sort"
)

// ProjBox writes clip(x_i, lo_i, hi_i) into dst. lo and hi have len(x),
// or are nil for −∞ and +∞; lo_i ≤ hi_i, neither NaN (it panics naming
// the entry otherwise: an empty box has no projection). A NaN x_i gives
// NaN, ±Inf is clipped. dst may be x.
func ProjBox(dst, x, lo, hi []float64) {
	checkLen("prox.ProjBox", dst, x)
	if lo != nil && len(lo) != len(x) || hi != nil && len(hi) != len(x) {
		panic(fmt.Sprintf("prox.ProjBox: len(x) = %d, len(lo) = %d, len(hi) = %d", len(x), len(lo), len(hi)))
	}
	for i, v := range x {
		if lo != nil {
			if !(lo[i] <= v) {
				if lo[i] != lo[i] || hi != nil && !(lo[i] <= hi[i]) {
					panic(fmt.Sprintf("prox.ProjBox: lo[%d] = %g, hi[%d] = %g: want lo ≤ hi", i, lo[i], i, boundAt(hi, i, 1)))
				}
				if v == v {
					v = lo[i]
				}
			}
		}
		if hi != nil {
			if !(v <= hi[i]) {
				if hi[i] != hi[i] || lo != nil && !(lo[i] <= hi[i]) {
					panic(fmt.Sprintf("prox.ProjBox: lo[%d] = %g, hi[%d] = %g: want lo ≤ hi", i, boundAt(lo, i, -1), i, hi[i]))
				}
				if v == v {
					v = hi[i]
				}
			}
		}
		dst[i] = v
	}
}

// boundAt returns b[i], or the infinity of sign for a nil b.
func boundAt(b []float64, i, sign int) float64 {
	if b == nil {
		return math.Inf(sign)
	}
	return b[i]
}

// Box is the indicator of {x: Lo_i ≤ x_i ≤ Hi_i}; a nil bound is
// unbounded on that side.
type Box struct {
	Lo, Hi []float64
}

// Prox clips x to the box; t is ignored.
func (b Box) Prox(dst, x []float64, t float64) { ProjBox(dst, x, b.Lo, b.Hi) }

// Value is 0 inside the box and +Inf outside.
func (b Box) Value(x []float64) float64 {
	for i, v := range x {
		if b.Lo != nil && v < b.Lo[i] || b.Hi != nil && v > b.Hi[i] {
			return math.Inf(1)
		}
	}
	return 0
}

// NonNeg is the indicator of the non-negative orthant; its prox is
// max(x, 0).
type NonNeg struct{}

// Prox writes max(x_i, 0) into dst; t is ignored.
func (NonNeg) Prox(dst, x []float64, t float64) {
	checkLen("prox.NonNeg.Prox", dst, x)
	for i, v := range x {
		if v < 0 {
			v = 0
		}
		dst[i] = v
	}
}

// Value is 0 when every x_i ≥ 0, +Inf otherwise.
func (NonNeg) Value(x []float64) float64 {
	for _, v := range x {
		if v < 0 {
			return math.Inf(1)
		}
	}
	return 0
}

// LInfBall is the indicator of {‖x‖∞ ≤ R}; its prox is clip(x, −R, R).
type LInfBall struct {
	R float64
}

// Prox writes clip(x, −R, R) into dst; t is ignored.
func (b LInfBall) Prox(dst, x []float64, t float64) {
	checkLen("prox.LInfBall.Prox", dst, x)
	checkRadius("prox.LInfBall.Prox", b.R)
	for i, v := range x {
		switch {
		case v > b.R:
			dst[i] = b.R
		case v < -b.R:
			dst[i] = -b.R
		default:
			dst[i] = v
		}
	}
}

// Value is 0 when max|x_i| ≤ R, +Inf otherwise.
func (b LInfBall) Value(x []float64) float64 { return indicator(LInf{}.Value(x) <= b.R) }

// Conj returns R·‖·‖₁, the support function of the ball.
func (b LInfBall) Conj() Func { return Scale{F: L1{}, Lambda: b.R} }

// L2Ball is the indicator of {‖x‖₂ ≤ R}; its prox rescales x onto the
// sphere when it lies outside.
type L2Ball struct {
	R float64
}

// Prox writes the projection of x onto the ball into dst; t is ignored.
// Non-finite entries follow the rule of the projections: a NaN makes
// every entry NaN; k ±Inf entries get ±R/√k, the others 0 (the limit as
// they grow at one rate).
func (b L2Ball) Prox(dst, x []float64, t float64) {
	checkLen("prox.L2Ball.Prox", dst, x)
	checkRadius("prox.L2Ball.Prox", b.R)
	nrm := floats.Norm(x, 2)
	if nan, pos, neg := nonFiniteNorm(x, nrm); nan || pos+neg > 0 {
		nonFiniteLimit(dst, x, nan, b.R/math.Sqrt(float64(pos+neg)))
		return
	}
	s := 1.0
	if nrm > b.R {
		s = b.R / nrm
	}
	for i, v := range x {
		dst[i] = s * v
	}
}

// Value is 0 when ‖x‖₂ ≤ R(1 + 1e-12), +Inf otherwise.
func (b L2Ball) Value(x []float64) float64 { return indicator(floats.Norm(x, 2) <= b.R*(1+1e-12)) }

// Conj returns R·‖·‖₂, the support function of the ball.
func (b L2Ball) Conj() Func { return Scale{F: L2Norm{}, Lambda: b.R} }

// ProjSimplex writes the Euclidean projection of x onto the simplex
// {w ≥ 0, Σw = z} into dst: max(x_i − θ, 0) with the unique θ that makes
// the sum z. z must be > 0. θ is found by Newton's method on the piecewise
// linear convex Σ max(x_i − θ, 0) − z started below θ (Michelot's
// algorithm), from a lower bound that for n ≥ 4096 is sharpened by the
// tangent at a guess from a 1024-point sample: a few passes on typical
// inputs, each over the remaining candidates kept in dst (when dst is x,
// over all of x, with no extra memory); after 40 passes the remaining
// candidates are sorted (O(n log n)).
// The entries are exact up to a few ulps of max|x_i| (θ is subtracted)
// when |max x_i| ≤ 1024·z; beyond, θ is taken relative to the largest
// entry, so that the error stays near 1e-12·z instead of growing with
// max|x_i| (ProjSimplex([1e20, 1, 2], 1) = [1, 0, 0]).
// Non-finite entries follow the rule of the projections (see the package
// doc): a NaN in x makes every entry NaN; otherwise the result is the
// limit as the infinite entries grow at one rate — the +Inf entries share
// z equally and the others are 0; −Inf entries are 0 and the rest is
// projected without them (all −Inf: z/len(x) each). dst may be x.
func ProjSimplex(dst, x []float64, z float64) {
	checkLen("prox.ProjSimplex", dst, x)
	if !(z > 0) || math.IsInf(z, 1) {
		panic(fmt.Sprintf("prox.ProjSimplex: z = %g, must be finite and > 0", z))
	}
	if len(x) == 0 {
		panic("prox.ProjSimplex: empty x")
	}
	theta, off := simplexThreshold(x, z, false, scratchFor(dst, x))
	if math.IsNaN(theta) {
		// x holds a NaN or +Inf, or every entry is −Inf.
		nan, pos, neg := nonFinite(x)
		for i, v := range x {
			switch {
			case nan:
				dst[i] = math.NaN()
			case pos > 0 && math.IsInf(v, 1):
				dst[i] = z / float64(pos)
			case pos > 0:
				dst[i] = 0
			default:
				dst[i] = z / float64(neg)
			}
		}
		return
	}
	for i, v := range x {
		v = v - off - theta
		if v > 0 {
			dst[i] = v
		} else {
			dst[i] = 0
		}
	}
}

// Simplex is the indicator of {w ≥ 0, Σw = Z}, Z > 0.
type Simplex struct {
	Z float64
}

// Prox writes the projection onto the simplex into dst; t is ignored.
func (s Simplex) Prox(dst, x []float64, t float64) { ProjSimplex(dst, x, s.Z) }

// Value is 0 when x ≥ 0 and |Σx − Z| ≤ 1e-12·Z·max(1, len(x))^½, +Inf
// otherwise.
func (s Simplex) Value(x []float64) float64 {
	var sum float64
	for _, v := range x {
		if v < 0 {
			return math.Inf(1)
		}
		sum += v
	}
	return indicator(math.Abs(sum-s.Z) <= 1e-12*s.Z*math.Sqrt(math.Max(1, float64(len(x)))))
}

// ProjL1Ball writes the Euclidean projection of x onto {‖w‖₁ ≤ r} into
// dst: x itself when inside, else sign(x_i)·max(|x_i| − θ, 0) with θ from
// the simplex projection of |x| (see ProjSimplex for the method). r must be
// ≥ 0. Non-finite entries follow the rule of the projections (see the
// package doc): a NaN in x makes every entry NaN; otherwise the ±Inf
// entries share the radius equally, with their signs (the limit as they
// grow at one rate), and the other entries are 0 — ProjL1Ball([+Inf, 1,
// 3], 1) = [1, 0, 0]. dst may be x.
func ProjL1Ball(dst, x []float64, r float64) {
	checkLen("prox.ProjL1Ball", dst, x)
	checkRadius("prox.ProjL1Ball", r)
	var l1 float64
	for _, v := range x {
		l1 += math.Abs(v)
	}
	if math.IsNaN(l1) || math.IsInf(l1, 1) {
		// A NaN or ±Inf entry, or finite entries whose sum overflows.
		if nan, pos, neg := nonFinite(x); nan || pos+neg > 0 {
			nonFiniteLimit(dst, x, nan, r/float64(pos+neg))
			return
		}
	}
	if l1 <= r {
		copy(dst, x)
		return
	}
	if r == 0 {
		for i := range dst {
			dst[i] = 0
		}
		return
	}
	theta, off := simplexThreshold(x, r, true, scratchFor(dst, x))
	for i, v := range x {
		if a := math.Abs(v) - off - theta; a > 0 {
			dst[i] = math.Copysign(a, v)
		} else {
			dst[i] = 0
		}
	}
}

// nonFinite reports whether x holds a NaN (then the counts are not
// complete) and counts its +Inf and −Inf entries.
func nonFinite(x []float64) (nan bool, pos, neg int) {
	for _, v := range x {
		if v-v == 0 {
			continue
		}
		switch {
		case v != v:
			return true, pos, neg
		case v > 0:
			pos++
		default:
			neg++
		}
	}
	return false, pos, neg
}

// L1Ball is the indicator of {‖x‖₁ ≤ R}, R ≥ 0.
type L1Ball struct {
	R float64
}

// Prox writes the projection onto the ℓ1 ball into dst; t is ignored.
func (b L1Ball) Prox(dst, x []float64, t float64) { ProjL1Ball(dst, x, b.R) }

// Value is 0 when ‖x‖₁ ≤ R(1 + 1e-12), +Inf otherwise.
func (b L1Ball) Value(x []float64) float64 { return indicator(L1{}.Value(x) <= b.R*(1+1e-12)) }

// Conj returns R·‖·‖∞, the support function of the ball.
func (b L1Ball) Conj() Func { return Scale{F: LInf{}, Lambda: b.R} }

// scratchFor returns dst as scratch space unless it is x itself.
func scratchFor(dst, x []float64) []float64 {
	if aliases(dst, x) {
		return nil
	}
	return dst
}

func checkRadius(name string, r float64) {
	if !(r >= 0) {
		panic(fmt.Sprintf("%s: radius %g must be ≥ 0", name, r))
	}
}

// sampleSize is the sample behind simplexThreshold's first guess.
const sampleSize = 1024

// sampleGuess returns the simplex threshold of a strided sample of
// sampleSize values of x (|x| when abs) for the radius z scaled to the
// sample: an estimate of θ, not a bound.
func sampleGuess(x []float64, z float64, abs bool, off float64) float64 {
	var buf [sampleSize]float64
	stride := len(x) / sampleSize
	for i := range buf {
		v := x[i*stride]
		if abs {
			v = math.Abs(v)
		}
		buf[i] = v - off
	}
	slices.Sort(buf[:])
	zs := z * float64(sampleSize) / float64(len(x))
	g := math.Inf(1)
	var cs float64
	for j := sampleSize - 1; j >= 0; j-- {
		cs += buf[j]
		if th := (cs - zs) / float64(sampleSize-j); buf[j] > th {
			g = th
		}
	}
	return g
}

// firstPass returns, for v_i = x_i − off (|x_i| − off when abs), Σv_i,
// max v_i and s_g = Σ_{v>g} v, c_g = #{v > g} for g the guess of θ from a
// strided sample (+Inf, so s_g = c_g = 0, below 4·sampleSize entries).
func firstPass(x []float64, z float64, abs bool, off float64) (sum, sg float64, cg int, vmax float64) {
	g := math.Inf(1)
	if len(x) >= 4*sampleSize {
		g = sampleGuess(x, z, abs, off)
	}
	vmax = math.Inf(-1)
	for _, v := range x {
		if abs {
			v = math.Abs(v)
		}
		v -= off
		sum += v
		if v > vmax {
			vmax = v
		}
		if v > g {
			sg += v
			cg++
		}
	}
	return sum, sg, cg, vmax
}

// michelotPasses bounds the Newton passes of simplexThreshold before it
// sorts the remaining candidates.
const michelotPasses = 40

// simplexThreshold returns θ and an offset off with
// Σ max(v_i − θ, 0) = z, v_i = x_i − off (or |x_i| − off when abs), for
// z > 0 and Σ|x_i| > z when abs; the projection is max(v_i − θ, 0). θ
// is NaN when x holds a NaN or +Inf (±Inf when abs), or only −Inf. off is 0 unless |max x_i| > 1024·z: then the
// rounding of x_i − θ, a few ulps of max|x_i|, would exceed 1e-12·z (and
// lose z entirely for x = (1e20, 1, 2), z = 1: θ = 1e20 − 1 rounds to
// 1e20 and every entry to 0), so the first pass is
// redone with off = max x_i — the projection does not change when a
// constant is subtracted from x — and θ and v_i − θ keep the accuracy of
// the entries near the top. Newton's method from below (Michelot):
// θ ← (Σ_{v>θ} v − z)/#{v>θ} never overshoots and stops when the set
// {v > θ} repeats. With scratch
// (len(x), not aliasing x) each pass keeps only the candidates v > θ,
// compacted in scratch, so later passes touch a shrinking set; without it
// every pass rereads x.
func simplexThreshold(x []float64, z float64, abs bool, scratch []float64) (theta, off float64) {
	n := len(x)
	sum, sg, cg, vmax := firstPass(x, z, abs, 0)
	if sum == sum && math.Abs(vmax) > 1024*z {
		off = vmax
		sum, sg, cg, vmax = firstPass(x, z, abs, off)
	}
	if sum != sum {
		// A NaN, +Inf (then off = +Inf), or only −Inf entries.
		return math.NaN(), 0
	}
	// Lower bounds of θ: Σ(v − θ) ≤ z, v_max − θ ≤ z, and the zero of the
	// tangent of the convex φ(θ) = Σ max(v − θ, 0) − z at g,
	// (s_g − z)/c_g, on either side of θ.
	theta = math.Max((sum-z)/float64(n), vmax-z)
	if cg > 0 {
		theta = math.Max(theta, (sg-z)/float64(cg))
	}
	var cand []float64
	prev := -1
	for pass := 0; pass < michelotPasses; pass++ {
		var s float64
		c := 0
		switch {
		case cand != nil:
			for _, v := range cand {
				cand[c] = v
				if v > theta {
					s += v
					c++
				}
			}
			cand = cand[:c]
		case scratch != nil:
			for _, v := range x {
				if abs {
					v = math.Abs(v)
				}
				v -= off
				scratch[c] = v
				if v > theta {
					s += v
					c++
				}
			}
			cand = scratch[:c]
		default:
			for _, v := range x {
				if abs {
					v = math.Abs(v)
				}
				v -= off
				if v > theta {
					s += v
					c++
				}
			}
		}
		if c == 0 {
			return theta, off
		}
		next := (s - z) / float64(c)
		if c == prev {
			return next, off
		}
		prev = c
		if next < theta {
			// Rounding: the Newton iterate cannot decrease.
			return theta, off
		}
		theta = next
	}
	if cand == nil {
		cand = make([]float64, 0, prev)
		for _, v := range x {
			if abs {
				v = math.Abs(v)
			}
			v -= off
			if v > theta {
				cand = append(cand, v)
			}
		}
	}
	sort.Sort(sort.Reverse(sort.Float64Slice(cand)))
	var cs float64
	best := theta
	for j, u := range cand {
		cs += u
		th := (cs - z) / float64(j+1)
		if u-th > 0 {
			best = th
		}
	}
	return best, off
}

// nonFiniteLimit writes the projections' answer for an x with NaN or
// infinite entries: every entry NaN when nan is set, else ±share at the
// ±Inf entries and 0 elsewhere.
func nonFiniteLimit(dst, x []float64, nan bool, share float64) {
	for i, v := range x {
		switch {
		case nan:
			dst[i] = math.NaN()
		case math.IsInf(v, 0):
			dst[i] = math.Copysign(share, v)
		default:
			dst[i] = 0
		}
	}
}
