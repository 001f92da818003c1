package ot

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// Metric selects a ground cost between points.
type Metric int

const (
	// SqEuclidean is ‖x − y‖₂², POT's ot.dist default.
	SqEuclidean Metric = iota
	// Euclidean is ‖x − y‖₂.
	Euclidean
	// Cityblock is ‖x − y‖₁.
	Cityblock
)

// String returns the metric's name as POT spells it.
func (m Metric) String() string {
	switch m {
	case SqEuclidean:
		return "sqeuclidean"
	case Euclidean:
		return "euclidean"
	case Cityblock:
		return "cityblock"
	}
	return fmt.Sprintf("Metric(%d)", int(m))
}

// Dist returns the n×m cost matrix C_ij = metric(xs_i, xt_j) between the
// rows of xs (n×d) and xt (m×d), as POT's ot.dist(xs, xt, metric).
// Differences are formed directly, so the costs are exact to rounding and
// never negative; Euclidean distances are rescaled where the sum of
// squares would overflow or underflow, so they are exact at any scale.
// SqEuclidean costs beyond the float64 range overflow to +Inf (which the
// solvers read as a forbidden pair: rescale such points first). NaN
// coordinates give NaN costs, ±Inf ones +Inf against finite points and NaN
// against the same infinity. It panics if the dimensions differ.
func Dist(xs, xt mat.Matrix, metric Metric) *mat.Dense {
	switch metric {
	case SqEuclidean:
		return pairwise("Dist", xs, xt, func(s float64) float64 { return s }, func(d float64) float64 { return d * d }, false)
	case Euclidean:
		return pairwise("Dist", xs, xt, math.Sqrt, func(d float64) float64 { return d * d }, true)
	case Cityblock:
		return pairwise("Dist", xs, xt, func(s float64) float64 { return s }, math.Abs, false)
	}
	panic(fmt.Sprintf("ot.Dist: unknown metric %d", int(metric)))
}

// Minkowski returns C_ij = (Σ_k |xs_ik − xt_jk|^p)^(1/p), the l_p distance
// (POT's ot.dist(…, metric='minkowski', p=p)), rescaled as Dist's
// Euclidean distances are, so exact at any scale and any p. Raise it to
// the power p with PowCost for the W_p^p cost. Non-finite coordinates as
// in Dist. It panics if p < 1 or the dimensions differ.
func Minkowski(xs, xt mat.Matrix, p float64) *mat.Dense {
	if !(p >= 1) {
		panic(fmt.Sprintf("ot.Minkowski: p = %v, want p ≥ 1", p))
	}
	return pairwise("Minkowski", xs, xt, func(s float64) float64 { return math.Pow(s, 1/p) },
		func(d float64) float64 { return math.Pow(math.Abs(d), p) }, true)
}

// PowCost returns a new matrix with entries C_ij^p.
func PowCost(C mat.Matrix, p float64) *mat.Dense {
	n, m := C.Dims()
	out := mat.NewDense(n, m, nil)
	for i := 0; i < n; i++ {
		for j := 0; j < m; j++ {
			out.Set(i, j, math.Pow(C.At(i, j), p))
		}
	}
	return out
}

// pairwise returns C_ij = outer(Σ_k inner(xs_ik − xt_jk)). With rescale
// (outer a root of inner, homogeneous of degree 1), a sum that is 0, below
// 2⁻⁹⁶⁹ (where subnormal terms lose bits) or +Inf is recomputed on the
// differences divided by their largest magnitude.
func pairwise(fn string, xs, xt mat.Matrix, outer, inner func(float64) float64, rescale bool) *mat.Dense {
	n, d := xs.Dims()
	m, d2 := xt.Dims()
	if d != d2 {
		panic(fmt.Sprintf("ot.%s: xs is %d×%d but xt is %d×%d", fn, n, d, m, d2))
	}
	a, b := mat.DenseCopyOf(xs).RawMatrix(), mat.DenseCopyOf(xt).RawMatrix()
	out := make([]float64, n*m)
	for i := 0; i < n; i++ {
		xi := a.Data[i*a.Stride : i*a.Stride+d]
		for j := 0; j < m; j++ {
			yj := b.Data[j*b.Stride : j*b.Stride+d]
			var s float64
			for k, x := range xi {
				s += inner(x - yj[k])
			}
			if rescale && (s < 0x1p-969 || s > math.MaxFloat64) {
				out[i*m+j] = scaledRoot(xi, yj, outer, inner)
				continue
			}
			out[i*m+j] = outer(s)
		}
	}
	return mat.NewDense(n, m, out)
}

// scaledRoot is M·outer(Σ_k inner((x_k − y_k)/M)), M = max_k |x_k − y_k|.
func scaledRoot(x, y []float64, outer, inner func(float64) float64) float64 {
	var big float64
	for k, v := range x {
		big = math.Max(big, math.Abs(v-y[k]))
	}
	if big == 0 || math.IsInf(big, 1) {
		return big
	}
	var s float64
	for k, v := range x {
		s += inner((v - y[k]) / big)
	}
	return big * outer(s)
}

// GridPoints returns the (h·w)×2 pixel coordinates (row, column) of an h×w
// image in row-major pixel order, the support of an image seen as a
// distribution.
func GridPoints(h, w int) *mat.Dense {
	if h <= 0 || w <= 0 {
		panic(fmt.Sprintf("ot.GridPoints: %d×%d grid", h, w))
	}
	pts := mat.NewDense(h*w, 2, nil)
	for r := 0; r < h; r++ {
		for c := 0; c < w; c++ {
			pts.Set(r*w+c, 0, float64(r))
			pts.Set(r*w+c, 1, float64(c))
		}
	}
	return pts
}

// GridDist returns the (h·w)×(h·w) cost between the pixels of two h×w
// images (unit pixel spacing, row-major pixel order): Dist(GridPoints(h, w),
// GridPoints(h, w), metric).
func GridDist(h, w int, metric Metric) *mat.Dense {
	p := GridPoints(h, w)
	return Dist(p, p, metric)
}
