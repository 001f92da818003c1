package prox

import (
	"fmt"
	"math"
	"math/bits"
	"sort"
)

// HardThreshold writes x_i where |x_i| > t and 0 elsewhere (a tie
// |x_i| = t gives 0) into dst. It is the prox of λ‖·‖₀ with step s for
// t = sqrt(2sλ). dst may be x.
func HardThreshold(dst, x []float64, t float64) {
	checkLen("prox.HardThreshold", dst, x)
	checkStep("prox.HardThreshold", t)
	for i, v := range x {
		if math.Abs(v) > t || v != v {
			dst[i] = v
		} else {
			dst[i] = 0
		}
	}
}

// L0 is the (nonconvex) count of non-zeros ‖x‖₀; its prox with step t is
// the hard threshold at sqrt(2t). Use Scale for λ‖·‖₀.
type L0 struct{}

// Prox writes HardThreshold(x, sqrt(2t)) into dst.
func (L0) Prox(dst, x []float64, t float64) {
	checkStep("prox.L0.Prox", t)
	HardThreshold(dst, x, math.Sqrt(2*t))
}

// Value returns the number of non-zero entries.
func (L0) Value(x []float64) float64 {
	c := 0
	for _, v := range x {
		if v != 0 {
			c++
		}
	}
	return float64(c)
}

// ProjL0Ball writes a Euclidean projection of x onto {‖w‖₀ ≤ k} into dst:
// the k entries of largest |x_i| are kept, the rest set to 0. Ties in |x_i|
// are broken by the lower index (so the result is unique). It uses
// quickselect: O(n) expected time, allocation-free when dst is not x (dst
// is the scratch space); with dst == x it allocates one copy. k must be ≥ 0.
// A NaN ranks like ±Inf, above every finite value (it is kept and
// propagates).
func ProjL0Ball(dst, x []float64, k int) {
	checkLen("prox.ProjL0Ball", dst, x)
	if k < 0 {
		panic(fmt.Sprintf("prox.ProjL0Ball: k = %d, must be ≥ 0", k))
	}
	n := len(x)
	if k >= n {
		copy(dst, x)
		return
	}
	if k == 0 {
		for i := range dst {
			dst[i] = 0
		}
		return
	}
	scratch := dst
	if aliases(dst, x) {
		scratch = make([]float64, n)
	}
	for i, v := range x {
		scratch[i] = magnitude(v)
	}
	tau := selectKth(scratch, n-k) // the k-th largest |x_i|
	above := 0
	for _, v := range x {
		if magnitude(v) > tau {
			above++
		}
	}
	ties := k - above
	for i, v := range x {
		a := magnitude(v)
		switch {
		case a > tau:
			dst[i] = v
		case a == tau && ties > 0:
			dst[i] = v
			ties--
		default:
			dst[i] = 0
		}
	}
}

// magnitude is |v| with NaN ranked as +Inf.
func magnitude(v float64) float64 {
	if v != v {
		return math.Inf(1)
	}
	return math.Abs(v)
}

// selectKth partially sorts a (no NaN) and returns its j-th smallest
// element (0-based): Hoare partitioning around a median of three, and a
// sort of the remaining range after 2·log₂(n) + 8 rounds, so the worst
// case is O(n log n).
func selectKth(a []float64, j int) float64 {
	lo, hi := 0, len(a)-1
	for round := 0; lo < hi; round++ {
		if round > 2*bits.Len(uint(len(a)))+8 {
			sort.Float64s(a[lo : hi+1])
			return a[j]
		}
		mid := lo + (hi-lo)/2
		if a[mid] < a[lo] {
			a[mid], a[lo] = a[lo], a[mid]
		}
		if a[hi] < a[lo] {
			a[hi], a[lo] = a[lo], a[hi]
		}
		if a[hi] < a[mid] {
			a[hi], a[mid] = a[mid], a[hi]
		}
		p := a[mid]
		i, k := lo, hi
		for i <= k {
			for a[i] < p {
				i++
			}
			for a[k] > p {
				k--
			}
			if i <= k {
				a[i], a[k] = a[k], a[i]
				i++
				k--
			}
		}
		switch {
		case j <= k:
			hi = k
		case j >= i:
			lo = i
		default:
			return a[j]
		}
	}
	return a[j]
}

// L0Ball is the indicator of {‖x‖₀ ≤ K} (nonconvex); its prox is
// ProjL0Ball, as in TEDDY's projected gradient and iterative hard
// thresholding.
type L0Ball struct {
	K int
}

// Prox keeps the K largest |x_i| (ties to the lower index); t is ignored.
func (b L0Ball) Prox(dst, x []float64, t float64) { ProjL0Ball(dst, x, b.K) }

// Value is 0 when x has at most K non-zeros, +Inf otherwise.
func (b L0Ball) Value(x []float64) float64 { return indicator(L0{}.Value(x) <= float64(b.K)) }

// GroupL0Ball is the indicator of {at most K of the disjoint Groups are
// non-zero}; entries in no group are unconstrained. Its Euclidean
// projection keeps the K groups of largest ‖x_g‖₂ (ties to the lower group
// index) and zeroes the others.
type GroupL0Ball struct {
	Groups [][]int
	K      int
}

// Prox writes the projection into dst; t is ignored. It allocates
// O(len(Groups)).
func (b GroupL0Ball) Prox(dst, x []float64, t float64) {
	checkLen("prox.GroupL0Ball.Prox", dst, x)
	if b.K < 0 {
		panic(fmt.Sprintf("prox.GroupL0Ball.Prox: K = %d, must be ≥ 0", b.K))
	}
	copy(dst, x)
	if b.K >= len(b.Groups) {
		return
	}
	order := make([]int, len(b.Groups))
	score := make([]float64, len(b.Groups))
	for g, idx := range b.Groups {
		order[g] = g
		for _, i := range idx {
			score[g] += x[i] * x[i]
		}
	}
	sort.SliceStable(order, func(a, c int) bool { return score[order[a]] > score[order[c]] })
	for _, g := range order[b.K:] {
		for _, i := range b.Groups[g] {
			dst[i] = 0
		}
	}
}

// Value is 0 when at most K groups have a non-zero entry, +Inf otherwise.
func (b GroupL0Ball) Value(x []float64) float64 {
	c := 0
	for _, idx := range b.Groups {
		for _, i := range idx {
			if x[i] != 0 {
				c++
				break
			}
		}
	}
	return indicator(c <= b.K)
}
