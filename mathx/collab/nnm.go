package collab

import (
	"fmt"
	"math"
	"sort"

	"github.com/gomx-dev/gomx/mathx/internal/kernels"
	"gonum.org/v1/gonum/mat"
)

// NNM is nearest-neighbour mixing (Allouah et al. 2023, "Fixing by
// mixing: a recipe for optimal Byzantine ML under heterogeneity", arXiv
// 2302.01772; the mixing step of MoNNA, Farhadkhani et al. 2023, arXiv
// 2209.10931 as this package's doc reads it): every vector v_i is
// replaced by the mean of its n − f nearest vectors in Euclidean distance
// (v_i itself among them; ties broken by the lower index). It returns the
// n mixed vectors as the rows of a new matrix; see NNMDense.
func NNM(v [][]float64, f int) (*mat.Dense, error) {
	n, d, err := check("NNM", v)
	if f < 0 || f >= n {
		panic(fmt.Sprintf("collab.NNM: f = %d with n = %d vectors, want 0 ≤ f < n", f, n))
	}
	if err != nil {
		return nil, err
	}
	x := mat.NewDense(n, d, nil)
	for i, vi := range v {
		copy(x.RawRowView(i), vi)
	}
	dst := mat.NewDense(n, d, nil)
	return dst, NNMDense(dst, x, f)
}

// NNMDense writes the nearest-neighbour mixing of the rows of x (n×d)
// into dst (n×d, not overlapping x; see NNM). The squared distances come
// from one product, ‖x_i‖² + ‖x_k‖² − 2·(XXᵀ)_ik, and the mixing is a
// second one, W·X with W's row i holding 1/(n − f) on the neighbours of
// i: O(n²·d) in two matrix products (mathx/internal/kernels, bit-identical
// whatever GOMAXPROCS). The Gram form loses accuracy on distances much
// smaller than the vectors' norms (relative error about ε·‖x‖²/dist²),
// which can only swap neighbours at nearly equal distances. Vectors
// with entries beyond 1e±100 are mixed on a copy divided by the largest
// |entry|. It panics on a dimension mismatch or unless 0 ≤ f < n; a
// non-finite entry returns an error wrapping ErrNonFinite.
func NNMDense(dst, x *mat.Dense, f int) error {
	n, d := x.Dims()
	if r, c := dst.Dims(); r != n || c != d {
		panic(fmt.Sprintf("collab.NNMDense: dst is %d×%d, x is %d×%d", r, c, n, d))
	}
	if f < 0 || f >= n {
		panic(fmt.Sprintf("collab.NNMDense: f = %d with n = %d rows, want 0 ≤ f < n", f, n))
	}
	xr := x.RawMatrix()
	s := 0.0
	for i := 0; i < n; i++ {
		for _, t := range xr.Data[i*xr.Stride : i*xr.Stride+d] {
			a := math.Abs(t)
			if !(a <= math.MaxFloat64) { // NaN or ±Inf
				return fmt.Errorf("collab.NNMDense: row %d holds %v: %w", i, t, ErrNonFinite)
			}
			if a > s {
				s = a
			}
		}
	}
	if s == 0 {
		dst.Zero()
		return nil
	}
	scaled := s > 1e100 || s < 1e-100
	if scaled {
		c := mat.NewDense(n, d, nil)
		c.Scale(1/s, x)
		x = c
		xr = c.RawMatrix()
	}
	g := make([]float64, n*n)
	kernels.Gemm64(false, true, n, n, d, xr.Data, xr.Stride, xr.Data, xr.Stride, false, g, n)
	w := make([]float64, n*n)
	mixWeights(w, g, n, f)
	dr := dst.RawMatrix()
	kernels.Gemm64(false, false, n, d, n, w, n, xr.Data, xr.Stride, false, dr.Data, dr.Stride)
	if scaled {
		dst.Scale(s, dst)
	}
	return nil
}

// mixWeights fills the n×n mixing matrix from the Gram matrix g.
func mixWeights(w, g []float64, n, f int) {
	k := n - f
	idx := make([]int, n)
	dist := make([]float64, n)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			dist[j] = math.Max(0, g[i*n+i]+g[j*n+j]-2*g[i*n+j])
			idx[j] = j
		}
		dist[i] = -1 // itself first, whatever the rounding
		sort.SliceStable(idx, func(a, b int) bool { return dist[idx[a]] < dist[idx[b]] })
		for _, j := range idx[:k] {
			w[i*n+j] = 1 / float64(k)
		}
	}
}
