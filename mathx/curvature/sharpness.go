package curvature

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/gomx-dev/gomx/mathx/interrupt"
	"gonum.org/v1/gonum/floats"
)

// Sharpness holds the curvature measures of the stability literature at
// one point: λmax, which linear stability of gradient descent with step η
// bounds by 2/η (and which rises to about 2/η along a run, the edge of
// stability: Cohen et al., arXiv 2103.00065), and tr(H) and ‖H‖_F, which
// linear stability of SGD bounds instead (Wu, Ma & E, NeurIPS 2018; Wu &
// Su, "The Implicit Regularization of Dynamical Stability in Stochastic
// Gradient Descent", ICML 2023, arXiv 2305.17490: a global minimum
// linearly stable for SGD has tr(H) ≤ 2/η). Compare them with 2/η.
type Sharpness struct {
	// Iter is the iteration the measure was taken at (Recorder), or 0.
	Iter int
	// LambdaMax is the largest eigenvalue, by Lanczos.
	LambdaMax float64
	// Trace is Hutchinson's estimate of tr(H), TraceStdErr its standard
	// error.
	Trace, TraceStdErr float64
	// Frobenius is the estimate of ‖H‖_F = √tr(H²) from the same probes
	// (the mean of ‖Hz‖²), FrobeniusStdErr its standard error (by the
	// delta method, se(tr H²)/(2‖H‖_F)).
	Frobenius, FrobeniusStdErr float64
	// MatVecs counts products with the operator.
	MatVecs int
}

// MeasureSharpness returns λmax (Lanczos for k = 1 with default settings
// and s's Seed and Context), tr(H) and ‖H‖_F (s.MaxIter Rademacher probes,
// default 100, each giving zᵀHz and ‖Hz‖² from one product) of op. A nil s
// means all defaults. It returns an error when Lanczos fails or a product
// holds NaN or ±Inf, or the context is done.
func MeasureSharpness(op Operator, s *Settings) (Sharpness, error) {
	const name = "curvature.MeasureSharpness"
	if op == nil {
		panic(name + ": nil operator")
	}
	if s == nil {
		s = &Settings{}
	}
	checkSettings(name, s)
	var out Sharpness
	lr, err := Lanczos(op, 1, &Settings{Seed: s.Seed, Context: s.Context})
	out.MatVecs += lr.MatVecs
	if err != nil {
		return out, fmt.Errorf("%s: %w", name, err)
	}
	if lr.Status == Canceled {
		return out, fmt.Errorf("%s: canceled", name)
	}
	out.LambdaMax = lr.Values[0]
	probes := s.MaxIter
	if probes == 0 {
		probes = 100
	}
	ctx := interrupt.Or(s.Context)
	d := op.Dim()
	rng := rand.New(rand.NewPCG(s.Seed, streamProbe))
	z, hz := make([]float64, d), make([]float64, d)
	tr, fr := make([]float64, probes), make([]float64, probes)
	for i := 0; i < probes; i++ {
		if ctx.Err() != nil {
			return out, fmt.Errorf("%s: canceled", name)
		}
		rademacher(rng, z)
		op.MulVec(hz, z)
		out.MatVecs++
		if firstNonFinite(hz) >= 0 {
			return out, fmt.Errorf("%s: probe %d: %w", name, i+1, errNonFinite)
		}
		tr[i] = floats.Dot(z, hz)
		fr[i] = floats.Norm(hz, 2)
	}
	out.Trace, out.TraceStdErr = meanStdErr(tr)
	// ‖Hz‖² relative to the largest ‖Hz‖, so that ‖H‖_F near 1e±300
	// neither overflows nor underflows.
	scale := floats.Max(fr)
	if scale > 0 {
		for i, v := range fr {
			fr[i] = (v / scale) * (v / scale)
		}
		f2, se2 := meanStdErr(fr)
		out.Frobenius = math.Sqrt(f2) * scale
		out.FrobeniusStdErr = se2 / (2 * math.Sqrt(f2)) * scale
	}
	return out, nil
}

// Recorder keeps Sharpness measures along a training run: call Record
// from the run's callback with the iteration and the Hessian operator at
// the current point (FiniteDiff of the loss, or Exact of a model).
type Recorder struct {
	// Every records one iteration in Every (default 1: all).
	Every int
	// Settings configures each MeasureSharpness (nil: defaults).
	Settings *Settings
	// Records are the measures taken, in order.
	Records []Sharpness
}

// Record measures op when iter is a multiple of Every and appends the
// result to Records. It returns MeasureSharpness's error (nothing is
// appended then).
func (r *Recorder) Record(iter int, op Operator) error {
	every := r.Every
	if every < 0 {
		panic(fmt.Sprintf("curvature.Recorder.Record: Every = %d, want ≥ 0", every))
	}
	if every == 0 {
		every = 1
	}
	if iter%every != 0 {
		return nil
	}
	m, err := MeasureSharpness(op, r.Settings)
	if err != nil {
		return err
	}
	m.Iter = iter
	r.Records = append(r.Records, m)
	return nil
}

// LambdaMax returns the recorded λmax values, ready to plot against 2/η.
func (r *Recorder) LambdaMax() []float64 {
	out := make([]float64, len(r.Records))
	for i, m := range r.Records {
		out[i] = m.LambdaMax
	}
	return out
}

// Traces returns the recorded tr(H) estimates.
func (r *Recorder) Traces() []float64 {
	out := make([]float64, len(r.Records))
	for i, m := range r.Records {
		out[i] = m.Trace
	}
	return out
}

// Iters returns the recorded iterations.
func (r *Recorder) Iters() []int {
	out := make([]int, len(r.Records))
	for i, m := range r.Records {
		out[i] = m.Iter
	}
	return out
}
