package curvature

import (
	"context"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// Which selects the eigenvalues Lanczos looks for.
type Which int

const (
	// LargestAlgebraic: the k largest eigenvalues (the outliers of a
	// Hessian's spectrum, λmax for sharpness). The default.
	LargestAlgebraic Which = iota
	// SmallestAlgebraic: the k smallest eigenvalues (the most negative
	// curvature).
	SmallestAlgebraic
	// LargestMagnitude: the k eigenvalues of largest |λ|.
	LargestMagnitude
)

// String returns the constant's name.
func (w Which) String() string {
	switch w {
	case LargestAlgebraic:
		return "LargestAlgebraic"
	case SmallestAlgebraic:
		return "SmallestAlgebraic"
	case LargestMagnitude:
		return "LargestMagnitude"
	}
	return fmt.Sprintf("Which(%d)", int(w))
}

// Settings configures Lanczos, Power, Hutchinson and SLQ. The zero value
// of every field is its documented default; a nil *Settings means all
// defaults.
type Settings struct {
	// MaxIter bounds the iterations: Lanczos steps, i.e. the Krylov
	// dimension (default max(300, 20k), capped so that the kept basis of
	// d·MaxIter floats stays within 512 MiB but not below 2k + 20; never
	// more than d), power iterations (default 1000), Hutchinson probes
	// (default 100) or SLQ probe vectors (default 10).
	MaxIter int
	// Tol is compared with the residual ‖Hy − θy‖ of every wanted Ritz pair
	// divided by the largest |Ritz value| (Lanczos, default 1e-10), with the
	// residual ‖Hv − θv‖/|θ| of the power iterate (Power, default 1e-8) and
	// with the standard error divided by |trace| (Hutchinson: 0 runs all
	// MaxIter probes, Tol > 0 stops once it is met after at least 10
	// probes). SLQ has no tolerance.
	Tol float64
	// Seed seeds the PCG generator of the start vector (Lanczos, Power) and
	// of the Rademacher probes (Hutchinson, SLQ): results are identical for
	// a seed whatever GOMAXPROCS (nothing here runs in parallel).
	Seed uint64
	// Context cancels the run (checked after every product); nil means the
	// current cell's context (mathx/interrupt).
	Context context.Context
	// Callback is called after every iteration (Lanczos: every convergence
	// check) with the live result; returning false stops the run with
	// Status Stopped. A panic in it is recovered and returned as an error.
	Callback func(iter int, r *Result) bool
	// Which selects Lanczos's eigenvalues (default LargestAlgebraic).
	Which Which
	// Steps is SLQ's number of Lanczos steps per probe (default 80, at
	// most d): its quadrature is exact for polynomials of degree 2·Steps−1.
	Steps int
	// Sigma is the standard deviation of SLQ's Gaussian broadening
	// (default 1% of the range of the Ritz values; see Result.Density).
	Sigma float64
	// Points is the number of grid points of SLQ's Result.Grid (default
	// 1000).
	Points int
}

// Result is the outcome of Lanczos, Power, Hutchinson or SLQ; each fills
// the fields named for it.
type Result struct {
	// Status says why the run ended.
	Status Status
	// Iterations counts Lanczos steps, power iterations, Hutchinson probes
	// or SLQ probes.
	Iterations int
	// History is the convergence measure: the largest relative residual of
	// the wanted Ritz pairs at each convergence check (Lanczos; checked
	// every step up to 64, then every ⌈j/16⌉ steps), the relative residual
	// (Power), the running trace estimate (Hutchinson) or the running
	// estimate of tr(H)/d (SLQ), one entry per iteration or check.
	History []float64
	// Values are the eigenvalue estimates: Lanczos's k Ritz values (in
	// decreasing order for LargestAlgebraic, increasing for
	// SmallestAlgebraic, decreasing |λ| for LargestMagnitude) or Power's
	// one.
	Values []float64
	// Vectors holds the matching unit eigenvectors as columns (d×k).
	Vectors *mat.Dense
	// Residuals are ‖Hy − θy‖ of each pair.
	Residuals []float64
	// Trace and StdErr are Hutchinson's estimate of tr(H) and its standard
	// error (sample standard deviation of the probes over √probes): the
	// exact trace lies within 3·StdErr about 99% of the time once there
	// are tens of probes.
	Trace, StdErr float64
	// Nodes and Weights are SLQ's Gauss quadrature: for probe l, the Ritz
	// values Nodes[l] with weights Weights[l] (summing to 1). The spectral
	// density is estimated by (1/probes)·Σ_l Σ_i Weights[l][i]·δ(t − Nodes[l][i]).
	Nodes, Weights [][]float64
	// Sigma is the Gaussian broadening SLQ used for Density.
	Sigma float64
	// Grid and Density are SLQ's broadened density on Points equispaced
	// points from the smallest node − 5σ to the largest + 5σ; it
	// integrates to 1 (see DensityAt).
	Grid, Density []float64
	// MatVecs counts products with the operator.
	MatVecs int
}

// DensityAt returns SLQ's spectral density broadened by a Gaussian of
// standard deviation sigma,
// φ(t) = (1/probes)·Σ_l Σ_i Weights[l][i]·N(t; Nodes[l][i], sigma²),
// at each t. It panics when sigma is not > 0 or the result has no nodes.
func (r *Result) DensityAt(t []float64, sigma float64) []float64 {
	if !(sigma > 0) || math.IsInf(sigma, 0) {
		panic(fmt.Sprintf("curvature.Result.DensityAt: sigma = %v, want > 0 and finite", sigma))
	}
	if len(r.Nodes) == 0 {
		panic("curvature.Result.DensityAt: no SLQ nodes")
	}
	out := make([]float64, len(t))
	c := 1 / (sigma * math.Sqrt(2*math.Pi) * float64(len(r.Nodes)))
	for l, nodes := range r.Nodes {
		for i, th := range nodes {
			w := r.Weights[l][i] * c
			for k, tk := range t {
				z := (tk - th) / sigma
				out[k] += w * math.Exp(-0.5*z*z)
			}
		}
	}
	return out
}

// Moment returns SLQ's estimate of the p-th spectral moment tr(Hᵖ)/d,
// the mean over probes of Σ_i Weights[l][i]·Nodes[l][i]ᵖ, and its standard
// error (standard deviation over probes / √probes; 0 with one probe). For
// p ≤ 2·Steps − 1 each probe's quadrature is exact, so the error is only
// the stochastic one. These are moments of the unbroadened measure: the
// broadened density's second moment is larger by Sigma².
func (r *Result) Moment(p int) (mean, stderr float64) {
	if p < 0 {
		panic(fmt.Sprintf("curvature.Result.Moment: p = %d, want ≥ 0", p))
	}
	n := len(r.Nodes)
	if n == 0 {
		panic("curvature.Result.Moment: no SLQ nodes")
	}
	ms := make([]float64, n)
	for l, nodes := range r.Nodes {
		for i, th := range nodes {
			ms[l] += r.Weights[l][i] * math.Pow(th, float64(p))
		}
	}
	return meanStdErr(ms)
}

// meanStdErr returns the mean of x and its standard error, computed on
// x divided by its largest |x_i| so that samples near 1e±300 neither
// overflow nor underflow in the sums of squares.
func meanStdErr(x []float64) (mean, stderr float64) {
	n := float64(len(x))
	var scale float64
	for _, v := range x {
		scale = math.Max(scale, math.Abs(v))
	}
	if scale == 0 || math.IsInf(scale, 0) || math.IsNaN(scale) {
		for _, v := range x {
			mean += v
		}
		return mean / n, 0
	}
	for _, v := range x {
		mean += v / scale
	}
	mean /= n
	if len(x) < 2 {
		return mean * scale, 0
	}
	var ss float64
	for _, v := range x {
		t := v/scale - mean
		ss += t * t
	}
	return mean * scale, math.Sqrt(ss/(n-1)/n) * scale
}

func checkSettings(name string, s *Settings) {
	if s.MaxIter < 0 {
		panic(fmt.Sprintf("%s: MaxIter = %d, want ≥ 0", name, s.MaxIter))
	}
	if s.Tol < 0 || math.IsNaN(s.Tol) || math.IsInf(s.Tol, 0) {
		panic(fmt.Sprintf("%s: Tol = %v, want ≥ 0 and finite", name, s.Tol))
	}
	if s.Steps < 0 || s.Points < 0 || s.Points == 1 {
		panic(fmt.Sprintf("%s: Steps = %d, Points = %d, want Steps ≥ 0 and Points 0 or ≥ 2", name, s.Steps, s.Points))
	}
	if s.Sigma < 0 || math.IsNaN(s.Sigma) || math.IsInf(s.Sigma, 0) {
		panic(fmt.Sprintf("%s: Sigma = %v, want ≥ 0 and finite", name, s.Sigma))
	}
	if s.Which < LargestAlgebraic || s.Which > LargestMagnitude {
		panic(fmt.Sprintf("%s: unknown Which %d", name, int(s.Which)))
	}
}

// callback runs s.Callback, turning a panic into an error.
func callback(s *Settings, iter int, r *Result) (cont bool, err error) {
	if s.Callback == nil {
		return true, nil
	}
	defer func() {
		if p := recover(); p != nil {
			cont, err = false, fmt.Errorf("curvature: Callback panicked: %v", p)
		}
	}()
	return s.Callback(iter, r), nil
}
