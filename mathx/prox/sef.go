package prox

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"sort"
)

// SEF is the sparse envelope function of Beck & Refael, the convex
// envelope (biconjugate) of ½‖x‖² + δ(‖x‖₀ ≤ K): the half squared
// K-support norm ½‖x‖²₍K₎. It equals ½‖x‖² exactly on K-sparse x and is
// larger elsewhere; K = 1 gives ½‖x‖₁², K ≥ len(x) gives ½‖x‖².
type SEF struct {
	K int
}

// Value returns ½‖x‖²₍K₎ by the closed form: with β = |x| sorted
// decreasingly and h the unique integer in [0, K) with
// β_h > T_h/(K − h) ≥ β_{h+1} (1-based, β_0 = +∞, T_h = Σ_{i>h} β_i),
// the value is ½Σ_{i≤h} β_i² + T_h²/(2(K − h)). It allocates a sorted copy.
func (s SEF) Value(x []float64) float64 {
	checkK("prox.SEF.Value", s.K)
	beta := make([]float64, len(x))
	for i, v := range x {
		beta[i] = math.Abs(v)
	}
	if s.K == 0 {
		return indicator(L0{}.Value(x) == 0)
	}
	sort.Sort(sort.Reverse(sort.Float64Slice(beta)))
	return sefValueSorted(beta, s.K)
}

// sefValueSorted evaluates the closed form on decreasingly sorted β ≥ 0.
func sefValueSorted(beta []float64, k int) float64 {
	n := len(beta)
	if k >= n {
		return 0.5 * dot(beta, beta)
	}
	var tail float64
	for _, b := range beta {
		tail += b
	}
	var head float64 // Σ_{i≤h} β_i²
	// h counts head entries; beta[h-1] is β_h and beta[h] is β_{h+1} (1-based).
	// In exact arithmetic exactly one h satisfies both inequalities; under
	// rounding the h with the smallest violation is used.
	best, bestViol := 0.0, math.Inf(1)
	for h := 0; h < k; h++ {
		avg := tail / float64(k-h)
		viol := math.Max(0, beta[h]-avg)
		if h > 0 {
			viol = math.Max(viol, avg-beta[h-1])
		}
		if viol < bestViol {
			best, bestViol = 0.5*head+tail*tail/(2*float64(k-h)), viol
			if viol == 0 && (h == 0 || beta[h-1] > avg) {
				break
			}
		}
		head += beta[h] * beta[h]
		tail -= beta[h]
	}
	return best
}

// Prox writes prox_{t·SEF}(v) into dst, computed exactly through the
// Moreau decomposition prox_{tS}(v) = v − t·w, w = prox_{S*/t}(v/t), where
// S*(y) = ½·(sum of the K largest y_i²). With u = |v/t| sorted
// decreasingly, w (same signs and order) is the weighted non-increasing
// isotonic regression of targets t·u_i/(1+t) with weights 1 + 1/t for the
// first K entries and u_i with weight 1 for the rest, solved by
// pool-adjacent-violators after an O(n log n) sort. It allocates O(n).
func (s SEF) Prox(dst, v []float64, t float64) {
	checkLen("prox.SEF.Prox", dst, v)
	checkStep("prox.SEF.Prox", t)
	checkK("prox.SEF.Prox", s.K)
	n := len(v)
	if t == 0 || n == 0 {
		copy(dst, v)
		return
	}
	if s.K == 0 {
		// SEF with K = 0 is the indicator of {0}.
		for i := range dst {
			dst[i] = 0
		}
		return
	}
	// Sort |v| decreasingly with the indices (ties in any order: the prox
	// is unique, so tied entries get equal outputs).
	order := make([]absIndex, n)
	for i, vi := range v {
		order[i] = absIndex{math.Abs(vi), i}
	}
	slices.SortFunc(order, func(a, b absIndex) int { return cmp.Compare(b.abs, a.abs) })
	y := make([]float64, n)
	c := make([]float64, n)
	for j, o := range order {
		u := o.abs / t
		if j < s.K {
			c[j] = 1 + 1/t
			y[j] = t * u / (1 + t)
		} else {
			c[j] = 1
			y[j] = u
		}
	}
	w := isotonicDecreasing(y, c)
	for j, o := range order {
		i := o.index
		mag := o.abs - t*w[j]
		if mag < 0 {
			mag = 0
		}
		dst[i] = math.Copysign(mag, v[i])
	}
}

// absIndex is an entry's magnitude and position.
type absIndex struct {
	abs   float64
	index int
}

// isotonicDecreasing returns the weighted least-squares non-increasing fit
// argmin Σ c_i (w_i − y_i)² s.t. w_1 ≥ … ≥ w_n (pool adjacent violators).
func isotonicDecreasing(y, c []float64) []float64 {
	n := len(y)
	val := make([]float64, 0, n)
	wt := make([]float64, 0, n)
	cnt := make([]int, 0, n)
	for i := range y {
		val = append(val, y[i])
		wt = append(wt, c[i])
		cnt = append(cnt, 1)
		for m := len(val); m > 1 && val[m-2] < val[m-1]; m = len(val) {
			w := wt[m-2] + wt[m-1]
			val[m-2] = (wt[m-2]*val[m-2] + wt[m-1]*val[m-1]) / w
			wt[m-2] = w
			cnt[m-2] += cnt[m-1]
			val, wt, cnt = val[:m-1], wt[:m-1], cnt[:m-1]
		}
	}
	out := make([]float64, n)
	i := 0
	for b, v := range val {
		for j := 0; j < cnt[b]; j++ {
			out[i] = v
			i++
		}
	}
	return out
}

// WGSEF is the weighted group sparse envelope function, defined here as
// the biconjugate of ½Σ_g W_g‖x_g‖² + δ(at most K groups non-zero) over
// disjoint Groups with weights W_g > 0 (nil: all 1); entries in no group
// are not penalised. It equals SEF_K applied to the vector of
// sqrt(W_g)·‖x_g‖. This definition has not been checked against Refael,
// Arbel & Huleihel (arXiv 2212.12921).
type WGSEF struct {
	Groups  [][]int
	Weights []float64
	K       int
}

// Value returns SEF_K(u), u_g = sqrt(W_g)·‖x_g‖.
func (s WGSEF) Value(x []float64) float64 {
	checkK("prox.WGSEF.Value", s.K)
	checkPositiveWeights("prox.WGSEF.Value", s.Groups, s.Weights)
	u := make([]float64, len(s.Groups))
	for g, idx := range s.Groups {
		var q float64
		for _, i := range idx {
			q += x[i] * x[i]
		}
		u[g] = math.Sqrt(weight(s.Weights, g) * q)
	}
	return SEF{K: s.K}.Value(u)
}

// Prox writes prox_{t·WGSEF}(v) into dst. Each group is scaled along its
// own direction, v_g·μ_g/(t·W_g + μ_g), where μ ∈ [0,1]^G, Σμ = K is the
// subgradient of the conjugate's top-K sum at the solution: with
// c_g = ‖v_g‖/(t·sqrt(W_g)), μ_g = clip(t·W_g·(c_g/τ − 1), 0, 1) and τ ≥ 0
// solves Σ_g μ_g(τ) = K exactly (a sort of the 2G breakpoints, then one
// linear equation in 1/τ). Groups with μ_g = 0 are zeroed, groups with
// μ_g = 1 get the ridge shrinkage 1/(1 + t·W_g). Derived from the
// optimality conditions (not from the paper); it reduces to SEF.Prox for
// singleton groups with unit weights. It allocates O(G).
func (s WGSEF) Prox(dst, v []float64, t float64) {
	checkLen("prox.WGSEF.Prox", dst, v)
	checkStep("prox.WGSEF.Prox", t)
	checkK("prox.WGSEF.Prox", s.K)
	checkPositiveWeights("prox.WGSEF.Prox", s.Groups, s.Weights)
	copy(dst, v)
	if t == 0 {
		return
	}
	G := len(s.Groups)
	cg := make([]float64, G)
	td := make([]float64, G)
	positive := 0
	for g, idx := range s.Groups {
		var q float64
		for _, i := range idx {
			q += v[i] * v[i]
		}
		td[g] = t * weight(s.Weights, g)
		cg[g] = math.Sqrt(q) / (t * math.Sqrt(weight(s.Weights, g)))
		if cg[g] > 0 {
			positive++
		}
	}
	mu := func(g int, tau float64) float64 {
		switch {
		case tau <= 0:
			return 1
		case math.IsInf(tau, 1):
			return 0
		}
		return math.Min(1, math.Max(0, td[g]*(cg[g]/tau-1)))
	}
	tau := 0.0
	if s.K == 0 {
		tau = math.Inf(1)
	} else if positive > s.K {
		tau = wgsefTau(cg, td, s.K)
	}
	for g, idx := range s.Groups {
		f := 0.0
		if cg[g] > 0 {
			m := mu(g, tau)
			f = m / (td[g] + m)
		}
		for _, i := range idx {
			dst[i] = f * v[i]
		}
	}
}

// wgsefTau returns τ > 0 with Σ_g clip(td_g(c_g/τ − 1), 0, 1) = k, given
// more than k groups with c_g > 0.
func wgsefTau(cg, td []float64, k int) float64 {
	type bp struct {
		at float64
		g  int
	}
	pts := make([]bp, 0, 2*len(cg))
	for g, c := range cg {
		if c > 0 {
			pts = append(pts, bp{c, g}, bp{c * td[g] / (td[g] + 1), g})
		}
	}
	sort.Slice(pts, func(a, b int) bool { return pts[a].at > pts[b].at })
	// sums returns (#full, Σ td·c, Σ td) of the groups strictly between
	// their breakpoints at tau, and #full counts μ = 1.
	sums := func(tau float64) (full, b, c float64) {
		for g, cv := range cg {
			if cv <= 0 {
				continue
			}
			lo := cv * td[g] / (td[g] + 1)
			switch {
			case tau <= lo:
				full++
			case tau < cv:
				b += td[g] * cv
				c += td[g]
			}
		}
		return full, b, c
	}
	// Walk the intervals (pts[j+1].at, pts[j].at] from large τ down; Σμ
	// grows from 0 as τ falls, so the first interval whose lower end
	// reaches K holds τ.
	hi := pts[0].at
	for j := 0; j < len(pts); j++ {
		lo := 0.0
		if j+1 < len(pts) {
			lo = pts[j+1].at
		}
		if lo == hi {
			continue
		}
		full, b, c := sums(0.5 * (lo + hi))
		// On this interval Σμ(τ) = full + b/τ − c.
		if lo > 0 && full+b/lo-c < float64(k) {
			hi = lo
			continue
		}
		if b == 0 {
			return 0.5 * (lo + hi)
		}
		return b / (float64(k) - full + c)
	}
	panic("prox.WGSEF.Prox: threshold search failed")
}

func checkK(name string, k int) {
	if k < 0 {
		panic(fmt.Sprintf("%s: K = %d, must be ≥ 0", name, k))
	}
}

func checkPositiveWeights(name string, groups [][]int, w []float64) {
	checkWeights(name, groups, w)
	for g, v := range w {
		if v == 0 {
			panic(fmt.Sprintf("%s: weight %d is 0, must be > 0", name, g))
		}
	}
}
