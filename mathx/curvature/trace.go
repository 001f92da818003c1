package curvature

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/gomx-dev/gomx/mathx/interrupt"
	"gonum.org/v1/gonum/floats"
)

func rademacher(rng *rand.Rand, z []float64) {
	for i := 0; i < len(z); i += 64 {
		bits := rng.Uint64()
		for j := i; j < min(i+64, len(z)); j++ {
			if bits&1 == 1 {
				z[j] = 1
			} else {
				z[j] = -1
			}
			bits >>= 1
		}
	}
}

// Hutchinson estimates tr(H) by Hutchinson's estimator with Rademacher
// probes z (entries ±1 drawn with Settings.Seed): the mean of zᵀHz over
// MaxIter probes (default 100), one product each. Result.Trace is the
// estimate and Result.StdErr its standard error, the sample standard
// deviation of the zᵀHz over √probes; the variance of one probe is
// 2·Σ_{i≠j} H_ij², so the estimate is exact for a diagonal H. With
// Settings.Tol > 0 the run stops (Converged) once StdErr ≤ Tol·|Trace|
// after at least 10 probes. History is the running estimate.
//
// It panics when op is nil or on bad Settings; a product holding NaN or
// ±Inf ends the run with Status Failed and an error.
func Hutchinson(op Operator, s *Settings) (*Result, error) {
	const name = "curvature.Hutchinson"
	if op == nil {
		panic(name + ": nil operator")
	}
	if s == nil {
		s = &Settings{}
	}
	checkSettings(name, s)
	d := op.Dim()
	probes := s.MaxIter
	if probes == 0 {
		probes = 100
	}
	ctx := interrupt.Or(s.Context)
	rng := rand.New(rand.NewPCG(s.Seed, streamProbe))
	z, hz := make([]float64, d), make([]float64, d)
	samples := make([]float64, 0, probes)
	r := &Result{Status: Converged}
	for it := 1; it <= probes; it++ {
		rademacher(rng, z)
		op.MulVec(hz, z)
		r.MatVecs++
		if firstNonFinite(hz) >= 0 {
			r.Status = Failed
			return r, fmt.Errorf("%s: probe %d: %w", name, it, errNonFinite)
		}
		samples = append(samples, floats.Dot(z, hz))
		r.Iterations = it
		r.Trace, r.StdErr = meanStdErr(samples)
		r.History = append(r.History, r.Trace)
		if s.Tol > 0 && it >= 10 && r.StdErr <= s.Tol*math.Abs(r.Trace) {
			return r, nil
		}
		if it == probes {
			break
		}
		if cont, err := callback(s, it, r); err != nil || !cont {
			r.Status = Stopped
			return r, err
		}
		if ctx.Err() != nil {
			r.Status = Canceled
			return r, nil
		}
	}
	if s.Tol > 0 {
		r.Status = MaxIterReached
	}
	return r, nil
}

// SLQ estimates the spectral density of op by stochastic Lanczos
// quadrature (Ubaru, Chen & Saad 2017; Ghorbani, Krishnan & Xiao 2019):
// for each of MaxIter probes (default 10) u = z/√d with z Rademacher
// (Settings.Seed), Steps Lanczos steps (default 80, at most d, with full
// reorthogonalisation) from u give T's eigenvalues θ_i (the nodes) and the
// squared first components τ_i of its eigenvectors (the weights), the
// Gauss quadrature of the measure uᵀδ(t − H)u. Their average over probes
// estimates the density (1/d)Σ δ(t − λ_k); Result.Density is that
// average broadened by Gaussians of standard deviation Settings.Sigma
// (default 1% of the nodes' range) on Points grid points (default 1000),
// and Result.Moment its moments with standard errors. A probe whose
// Krylov space is invariant before Steps stops there (its quadrature is
// then exact). History is the running estimate of tr(H)/d.
//
// It panics when op is nil or on bad Settings; a product holding NaN or
// ±Inf ends the run with Status Failed and an error.
func SLQ(op Operator, s *Settings) (*Result, error) {
	const name = "curvature.SLQ"
	if op == nil {
		panic(name + ": nil operator")
	}
	if s == nil {
		s = &Settings{}
	}
	checkSettings(name, s)
	d := op.Dim()
	probes := s.MaxIter
	if probes == 0 {
		probes = 10
	}
	steps := s.Steps
	if steps == 0 {
		steps = 80
	}
	steps = min(steps, d)
	ctx := interrupt.Or(s.Context)
	rng := rand.New(rand.NewPCG(s.Seed, streamProbe))
	z := make([]float64, d)
	r := &Result{Status: Converged}
	var err error
	for it := 1; it <= probes; it++ {
		rademacher(rng, z)
		kr := newKrylov(op, z, rng)
		for len(kr.alpha) < steps {
			more, exhausted, serr := kr.step(false)
			if serr != nil {
				r.MatVecs += kr.ops
				r.Status = Failed
				err = fmt.Errorf("%s: probe %d, step %d: %w", name, it, len(kr.alpha)+1, serr)
				break
			}
			if !more || exhausted {
				break
			}
			if ctx.Err() != nil {
				break
			}
		}
		if r.Status == Failed {
			break
		}
		r.MatVecs += kr.ops
		if len(kr.alpha) < steps && ctx.Err() != nil {
			r.Status = Canceled
			break
		}
		theta, zz, rerr := kr.ritz()
		if rerr != nil {
			r.Status = Failed
			err = fmt.Errorf("%s: probe %d: %w", name, it, rerr)
			break
		}
		n := len(theta)
		w := make([]float64, n)
		for i := range w {
			w[i] = zz[i] * zz[i] // first row of the eigenvector matrix
		}
		r.Nodes = append(r.Nodes, theta)
		r.Weights = append(r.Weights, w)
		r.Iterations = it
		m1, _ := r.Moment(1)
		r.History = append(r.History, m1)
		if it == probes {
			break
		}
		if cont, cerr := callback(s, it, r); cerr != nil || !cont {
			r.Status = Stopped
			err = cerr
			break
		}
		if ctx.Err() != nil {
			r.Status = Canceled
			break
		}
	}
	if len(r.Nodes) > 0 {
		r.fillDensity(s)
	}
	return r, err
}

// fillDensity sets Sigma, Grid and Density from the nodes.
func (r *Result) fillDensity(s *Settings) {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, nodes := range r.Nodes {
		for _, t := range nodes {
			lo, hi = math.Min(lo, t), math.Max(hi, t)
		}
	}
	sigma := s.Sigma
	if sigma == 0 {
		sigma = 0.01 * (hi - lo)
		if sigma == 0 {
			sigma = 1e-3 * math.Max(1, math.Abs(hi))
		}
	}
	points := s.Points
	if points == 0 {
		points = 1000
	}
	r.Sigma = sigma
	r.Grid = make([]float64, points)
	a, b := lo-5*sigma, hi+5*sigma
	for i := range r.Grid {
		r.Grid[i] = a + (b-a)*float64(i)/float64(points-1)
	}
	r.Density = r.DensityAt(r.Grid, sigma)
}
