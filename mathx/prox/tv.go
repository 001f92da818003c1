package prox

import (
	"fmt"
	"math"
)

// TV1D writes the prox of λ·Σ_i |x_{i+1} − x_i| (1-D total variation,
// the fused-lasso signal approximator) into dst by Condat's direct
// algorithm ("A direct algorithm for 1D total variation denoising", IEEE
// SPL 2013): one forward scan that emits constant segments, O(n) on
// typical inputs (O(n²) in the worst case), no extra memory. dst may be x
// (the scan writes only behind the position it reads). lambda must be ≥ 0
// (+Inf allowed).
//
// When lambda ≥ max_k |Σ_{i≤k} (x_i − x̄)| (k < n−1, x̄ the mean), the
// dual bound beyond which the answer is the constant x̄, TV1D returns x̄
// without the scan: the scan subtracts lambda from the data and would
// lose digits in proportion to lambda. Below the bound lambda is at most
// n times the data's spread, so the scan's error stays relative to the
// data. A NaN in x makes every entry NaN; ±Inf entries give the limit
// (neighbours of +Inf are raised by lambda, as for a large finite entry).
func TV1D(dst, x []float64, lambda float64) {
	checkLen("prox.TV1D", dst, x)
	if !(lambda >= 0) {
		panic(fmt.Sprintf("prox.TV1D: lambda %g must be ≥ 0", lambda))
	}
	n := len(x)
	if n == 0 {
		return
	}
	if lambda == 0 {
		copy(dst, x)
		return
	}
	if mean, bound := tvBound(x); math.IsInf(lambda, 1) || lambda >= bound {
		for i := range dst {
			dst[i] = mean
		}
		return
	}
	k, k0, kplus, kminus := 0, 0, 0, 0
	umin, umax := lambda, -lambda
	vmin, vmax := x[0]-lambda, x[0]+lambda
	twoLambda := 2 * lambda
	for {
		for k == n-1 {
			switch {
			case umin < 0:
				for {
					dst[k0] = vmin
					k0++
					if k0 > kminus {
						break
					}
				}
				k, kminus = k0, k0
				vmin = x[k0]
				umin = lambda
				umax = vmin + umin - vmax
			case umax > 0:
				for {
					dst[k0] = vmax
					k0++
					if k0 > kplus {
						break
					}
				}
				k, kplus = k0, k0
				vmax = x[k0]
				umax = -lambda
				umin = vmax + umax - vmin
			default:
				vmin += umin / float64(k-k0+1)
				for ; k0 <= k; k0++ {
					dst[k0] = vmin
				}
				return
			}
		}
		umin += x[k+1] - vmin
		umax += x[k+1] - vmax
		switch {
		case umin < -lambda:
			for {
				dst[k0] = vmin
				k0++
				if k0 > kminus {
					break
				}
			}
			k, kminus, kplus = k0, k0, k0
			vmin = x[k0]
			vmax = vmin + twoLambda
			umin, umax = lambda, -lambda
		case umax > lambda:
			for {
				dst[k0] = vmax
				k0++
				if k0 > kplus {
					break
				}
			}
			k, kminus, kplus = k0, k0, k0
			vmax = x[k0]
			vmin = vmax - twoLambda
			umin, umax = lambda, -lambda
		default:
			k++
			if umin >= lambda {
				kminus = k
				vmin += (umin - lambda) / float64(kminus-k0+1)
				umin = lambda
			}
			if umax <= -lambda {
				kplus = k
				vmax += (umax + lambda) / float64(kplus-k0+1)
				umax = -lambda
			}
		}
	}
}

// tvBound returns the mean x̄ of x and max_k |Σ_{i≤k} (x_i − x̄)| over
// k < n−1 (0 for one element; NaN when x holds NaN or ±Inf). The sum is
// taken over x_i/n when Σx_i overflows.
func tvBound(x []float64) (mean, bound float64) {
	n := float64(len(x))
	var sum float64
	for _, v := range x {
		sum += v
	}
	mean = sum / n
	if math.IsInf(mean, 0) {
		mean = 0
		for _, v := range x {
			mean += v / n
		}
	}
	var cs, lo, hi float64
	for _, v := range x[:len(x)-1] {
		cs += v - mean
		lo, hi = min(lo, cs), max(hi, cs) // the builtins propagate NaN
	}
	return mean, max(hi, -lo)
}

// TV is the unweighted 1-D total variation Σ_i |x_{i+1} − x_i|; its prox
// with step t is TV1D(x, t). Use Scale for a weight.
type TV struct{}

// Prox writes TV1D(x, t) into dst.
func (TV) Prox(dst, x []float64, t float64) { TV1D(dst, x, t) }

// Value returns Σ_i |x_{i+1} − x_i|.
func (TV) Value(x []float64) float64 {
	var s float64
	for i := 1; i < len(x); i++ {
		s += math.Abs(x[i] - x[i-1])
	}
	return s
}
