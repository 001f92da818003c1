package cbo

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"github.com/gomx-dev/gomx/mathx/interrupt"
)

// Noise selects the diffusion term of the CBO step.
type Noise int

const (
	// Isotropic noise σ √dt ‖x_i − c‖₂ ξ_i (CBXpy noise='isotropic', the
	// default). Its mean-field analysis needs roughly 2λ > σ²d, so it
	// struggles in high dimension.
	Isotropic Noise = iota
	// Anisotropic noise σ √dt (x_i − c) ⊙ ξ_i, coordinate by coordinate
	// (CBXpy noise='anisotropic'); its behaviour does not depend on d.
	Anisotropic
)

// String returns the CBXpy name of the noise.
func (n Noise) String() string {
	switch n {
	case Isotropic:
		return "isotropic"
	case Anisotropic:
		return "anisotropic"
	}
	return fmt.Sprintf("Noise(%d)", int(n))
}

// Problem is the function to minimise over R^Dim, optionally restricted
// to a box.
type Problem struct {
	// Dim is the dimension d of the search space (> 0).
	Dim int
	// Func returns the objective at one point x (len(x) == Dim). It must
	// not modify x. RunMany and Method may call it from several
	// goroutines at once.
	Func func(x []float64) float64
	// Batch, when non-nil, is used instead of Func: it writes the
	// objective of every row of X (N×Dim, the particles) into f. It must
	// not modify X.
	Batch func(X *mat.Dense, f []float64)
	// Lower and Upper, when non-nil (length Dim), are box constraints:
	// after each step every coordinate is clipped into [Lower_j, Upper_j],
	// and the initial particles are drawn uniformly in the box when both
	// are finite and Settings.Init is nil.
	Lower, Upper []float64
}

// Settings are the parameters of Minimize and RunMany. The zero value of
// every field is its documented default; a nil *Settings means all
// defaults. Names follow CBXpy (see the package documentation).
type Settings struct {
	// N is the number of particles (CBXpy N). 0 → 20.
	N int
	// Dt is the Euler–Maruyama time step (CBXpy dt). 0 → 0.01.
	Dt float64
	// Lambda is the drift rate towards the consensus (CBXpy lamda). 0 → 1.
	Lambda float64
	// Sigma is the noise strength (CBXpy sigma). 0 → 5.1 (for a noiseless
	// drift use a tiny value such as 1e-300).
	Sigma float64
	// Alpha is the inverse temperature of the weights exp(−α f) (CBXpy
	// alpha). 0 → 1; use math.Inf(1) for the best particle as consensus
	// and AlphaESS = 1 for α ≈ 0 (the plain mean, to rounding).
	Alpha float64
	// Noise is Isotropic (the zero value, CBXpy's default) or Anisotropic.
	Noise Noise
	// MaxIter is the number of CBO steps (CBXpy max_it). 0 → 1000.
	MaxIter int
	// Tol stops the run with Converged once the consensus diameter
	// max_i ‖x_i − c‖_∞ is ≤ Tol, tested from iteration 1 (the initial
	// particles are not a result). 0 → 1e-10; negative → never. Initial
	// particles at one point (N = 1, or equal rows of Init) cannot move:
	// the run fails at once unless a box pins every coordinate there.
	Tol float64
	// DiffTol stops the run with Converged once the consensus moved by
	// ‖c_k − c_{k−1}‖_∞ ≤ DiffTol in one step (stagnation, CBXpy
	// diff_tol). 0 → never.
	DiffTol float64
	// AlphaFactor multiplies α after every step, up to AlphaMax (CBXpy
	// scheduler multiply(factor, maximum)). 0 → 1 (α stays fixed).
	AlphaFactor float64
	// AlphaMax caps α for both schedulers. 0 → 1e5.
	AlphaMax float64
	// AlphaESS, when in (0, 1], replaces the multiplicative scheduler: at
	// every step α ∈ [0, AlphaMax] is set by bisection so that the
	// effective sample size (Σw)²/Σw² is AlphaESS·N (CBXpy
	// effective_sample_size(eta)). 0 → off.
	AlphaESS float64
	// BatchSize, when in (0, N), turns on the random batch method: every
	// step the particles are shuffled into batches of BatchSize (the last
	// one smaller) and each particle drifts towards its own batch's
	// consensus. 0 → one batch of all N particles.
	BatchSize int
	// Init, when non-nil (N×Dim), is copied as the initial particles.
	Init *mat.Dense
	// InitCenter and InitRadius: without Init (and without a finite box)
	// the particles start uniform in the cube InitCenter ± InitRadius.
	// nil → the origin; 0 → 1 (CBXpy's U(−1, 1)^d).
	InitCenter []float64
	InitRadius float64
	// RecordEvery, when > 0, records the consensus point every RecordEvery
	// iterations (and at the last one) in Result.Path.
	RecordEvery int
	// RecordParticles also copies the particles at the recorded
	// iterations into Result.Snapshots (N×Dim each).
	RecordParticles bool
	// Seed seeds the run's generator, math/rand/v2 PCG(Seed,
	// 0x6a09e667f3bcc909). Results are bit-identical for a seed.
	Seed uint64
	// Context stops the run with Canceled when done; nil → the current
	// cell's context (mathx/interrupt).
	Context context.Context
	// Callback, when non-nil, is called every CallbackEvery iterations
	// with the live result (Consensus, X, History so far; read it during
	// the call, do not keep or modify it). Returning false stops the run
	// with Stopped; a panic in it is returned as an error. RunMany may
	// call it from several goroutines at once.
	Callback func(iter int, r *Result) bool
	// CallbackEvery is the callback period in iterations. 0 → 1.
	CallbackEvery int
}

// Result is the outcome of a CBO run. Iteration k means the state after
// k steps; iteration 0 is the initial particles.
type Result struct {
	// Status says why the run ended.
	Status Status
	// Iterations is the number of CBO steps done.
	Iterations int
	// History[k] is the least particle energy min_i f(x_i) at iteration k
	// (length Iterations+1).
	History []float64
	// Diameter[k] is the consensus diameter max_i ‖x_i − c_k‖_∞.
	Diameter []float64
	// AlphaHistory[k] is the α used at iteration k.
	AlphaHistory []float64
	// Consensus is the consensus point of the final particles.
	Consensus []float64
	// ConsensusEnergy is f(Consensus).
	ConsensusEnergy float64
	// Best is the particle with the least energy seen during the run and
	// BestEnergy its energy.
	Best       []float64
	BestEnergy float64
	// X holds the final particles (N×Dim).
	X *mat.Dense
	// Path has one row per recorded iteration (Settings.RecordEvery): the
	// consensus point at iteration PathIters[r]. nil when not recording.
	Path      *mat.Dense
	PathIters []int
	// Snapshots are the particles at PathIters (Settings.RecordParticles).
	Snapshots []*mat.Dense
	// Evaluations counts objective evaluations (one per particle per
	// iteration, plus one for ConsensusEnergy).
	Evaluations int
}

// seedStream is the PCG stream constant paired with Settings.Seed.
const seedStream = 0x6a09e667f3bcc909

// params are Settings with the defaults filled in.
type params struct {
	n, maxIter, batch, recordEvery, cbEvery int
	dt, lambda, sigma, alpha                float64
	tol, diffTol                            float64
	alphaFactor, alphaMax, alphaESS         float64
	noise                                   Noise
	init                                    *mat.Dense
	center                                  []float64
	radius                                  float64
	recordParticles                         bool
	seed                                    uint64
	ctx                                     context.Context
	callback                                func(int, *Result) bool
}

func orInt(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

func orFloat(v, def float64) float64 {
	if v == 0 {
		return def
	}
	return v
}

// resolve checks the problem and the settings (panicking on programmer
// errors, naming fn) and fills in the defaults.
func resolve(fn string, p *Problem, s *Settings) params {
	checkProblem(fn, p)
	return settingsParams(fn, p.Dim, s)
}

// checkProblem panics when p is not a usable problem.
func checkProblem(fn string, p *Problem) {
	if p == nil {
		panic(fn + ": nil Problem")
	}
	if p.Dim <= 0 {
		panic(fmt.Sprintf("%s: Problem.Dim = %d, want > 0", fn, p.Dim))
	}
	if p.Func == nil && p.Batch == nil {
		panic(fn + ": Problem has neither Func nor Batch")
	}
	if p.Lower != nil && len(p.Lower) != p.Dim || p.Upper != nil && len(p.Upper) != p.Dim {
		panic(fmt.Sprintf("%s: Problem.Dim = %d but len(Lower) = %d, len(Upper) = %d", fn, p.Dim, len(p.Lower), len(p.Upper)))
	}
	for j := range p.Lower {
		if p.Upper != nil && !(p.Lower[j] <= p.Upper[j]) {
			panic(fmt.Sprintf("%s: Lower[%d] = %v > Upper[%d] = %v", fn, j, p.Lower[j], j, p.Upper[j]))
		}
	}
}

// settingsParams checks s for a problem of dimension dim and fills in the
// defaults.
func settingsParams(fn string, dim int, s *Settings) params {
	if s == nil {
		s = &Settings{}
	}
	q := params{
		n:               orInt(s.N, 20),
		maxIter:         orInt(s.MaxIter, 1000),
		batch:           s.BatchSize,
		recordEvery:     s.RecordEvery,
		cbEvery:         orInt(s.CallbackEvery, 1),
		dt:              orFloat(s.Dt, 0.01),
		lambda:          orFloat(s.Lambda, 1),
		sigma:           orFloat(s.Sigma, 5.1),
		alpha:           orFloat(s.Alpha, 1),
		tol:             orFloat(s.Tol, 1e-10),
		diffTol:         s.DiffTol,
		alphaFactor:     orFloat(s.AlphaFactor, 1),
		alphaMax:        orFloat(s.AlphaMax, 1e5),
		alphaESS:        s.AlphaESS,
		noise:           s.Noise,
		init:            s.Init,
		center:          s.InitCenter,
		radius:          orFloat(s.InitRadius, 1),
		recordParticles: s.RecordParticles,
		seed:            s.Seed,
		ctx:             s.Context,
		callback:        s.Callback,
	}
	switch {
	case q.n < 1 || q.maxIter < 0 || q.batch < 0 || q.recordEvery < 0 || q.cbEvery < 0:
		panic(fmt.Sprintf("%s: N = %d, MaxIter = %d, BatchSize = %d, RecordEvery = %d, CallbackEvery = %d: want N ≥ 1 and the others ≥ 0",
			fn, s.N, s.MaxIter, s.BatchSize, s.RecordEvery, s.CallbackEvery))
	case !(q.dt > 0) || !(q.lambda >= 0) || !(q.sigma >= 0) || !(q.alpha >= 0) || !(q.radius >= 0):
		panic(fmt.Sprintf("%s: Dt = %v, Lambda = %v, Sigma = %v, Alpha = %v, InitRadius = %v: want Dt > 0, the others ≥ 0",
			fn, s.Dt, s.Lambda, s.Sigma, s.Alpha, s.InitRadius))
	case !(q.alphaFactor > 0) || !(q.alphaMax > 0) || !(q.alphaESS >= 0 && q.alphaESS <= 1):
		panic(fmt.Sprintf("%s: AlphaFactor = %v, AlphaMax = %v, AlphaESS = %v: want the first two > 0 and AlphaESS in [0, 1]",
			fn, s.AlphaFactor, s.AlphaMax, s.AlphaESS))
	case q.noise != Isotropic && q.noise != Anisotropic:
		panic(fmt.Sprintf("%s: unknown Noise %d", fn, int(q.noise)))
	}
	if q.init != nil {
		if r, c := q.init.Dims(); r != q.n || c != dim {
			panic(fmt.Sprintf("%s: Init is %d×%d, want N×Dim = %d×%d", fn, r, c, q.n, dim))
		}
	}
	if q.center != nil && len(q.center) != dim {
		panic(fmt.Sprintf("%s: len(InitCenter) = %d, want Dim = %d", fn, len(q.center), dim))
	}
	if q.batch >= q.n {
		q.batch = 0
	}
	return q
}

// Minimize runs consensus-based optimisation on p: N particles move by
// the Euler–Maruyama step
//
//	x_i ← x_i − λ dt (x_i − c) + σ √dt D_i ξ_i,   c = Σ_i w_i x_i,  w ∝ exp(−α f(x_i)),
//
// with D_i = ‖x_i − c‖₂ (Isotropic) or diag(x_i − c) (Anisotropic), until
// the consensus diameter is ≤ Tol, the consensus stagnates (DiffTol), or
// MaxIter steps are done. The returned Result carries the final consensus
// point, the best particle seen, and per-iteration histories. A run whose
// particles leave the floating-point range, or whose objective or callback
// panics, returns an error with Status Failed (and the partial result).
func Minimize(p *Problem, s *Settings) (*Result, error) {
	q := resolve("cbo.Minimize", p, s)
	return minimize(p, &q)
}

// run is the state of one CBO run.
type run struct {
	p        *Problem
	q        *params
	n, d     int
	x        *mat.Dense
	xs       []float64 // x's backing array, row-major, stride d
	f        []float64 // energies
	w        []float64 // weights
	c, cPrev []float64 // consensus, previous consensus
	alpha    float64
	rng      *rand.Rand // uniforms and shuffles
	norm     normal     // normal variates, from the same PCG as rng
	res      *Result
	// random batch method
	perm   []int
	fb, wb []float64 // energies and weights of one batch
	cb     []float64 // batch consensus points, one row of d per batch
	// recording
	path []float64
}

func newRun(p *Problem, q *params) *run {
	n, d := q.n, p.Dim
	pcg := rand.NewPCG(q.seed, seedStream)
	r := &run{
		p: p, q: q, n: n, d: d,
		f: make([]float64, n), w: make([]float64, n),
		c: make([]float64, d), cPrev: make([]float64, d),
		alpha: q.alpha,
		rng:   rand.New(pcg),
		norm:  normal{pcg},
		res: &Result{
			Best:       make([]float64, d),
			BestEnergy: math.Inf(1),
		},
	}
	r.xs = make([]float64, n*d)
	r.x = mat.NewDense(n, d, r.xs)
	if q.batch > 0 {
		r.perm = make([]int, n)
		for i := range r.perm {
			r.perm[i] = i
		}
		r.fb = make([]float64, q.batch)
		r.wb = make([]float64, q.batch)
		r.cb = make([]float64, ((n+q.batch-1)/q.batch)*d)
	}
	r.initParticles()
	return r
}

// initParticles fills x from Init, the box, or the cube around InitCenter.
func (r *run) initParticles() {
	if r.q.init != nil {
		r.x.Copy(r.q.init)
		r.clip()
		return
	}
	lo, hi := r.p.Lower, r.p.Upper
	box := lo != nil && hi != nil
	for j := 0; box && j < r.d; j++ {
		box = !math.IsInf(lo[j], 0) && !math.IsInf(hi[j], 0)
	}
	for i := 0; i < r.n; i++ {
		row := r.xs[i*r.d : (i+1)*r.d]
		for j := range row {
			u := r.rng.Float64()
			switch {
			case box:
				row[j] = lo[j] + (hi[j]-lo[j])*u
			default:
				c := 0.0
				if r.q.center != nil {
					c = r.q.center[j]
				}
				row[j] = c + r.q.radius*(2*u-1)
			}
		}
	}
	r.clip()
}

// evaluate computes the energies of all particles; a panic in the objective
// becomes an error.
func (r *run) evaluate() (err error) {
	defer func() {
		if e := recover(); e != nil {
			err = fmt.Errorf("cbo: objective panicked: %v", e)
		}
	}()
	if r.p.Batch != nil {
		r.p.Batch(r.x, r.f)
	} else {
		d := r.d
		for i := range r.f {
			r.f[i] = r.p.Func(r.xs[i*d : (i+1)*d : (i+1)*d])
		}
	}
	r.res.Evaluations += r.n
	return nil
}

// pointEnergy evaluates the objective at one point.
func (r *run) pointEnergy(x []float64) (v float64, err error) {
	defer func() {
		if e := recover(); e != nil {
			err = fmt.Errorf("cbo: objective panicked: %v", e)
		}
	}()
	r.res.Evaluations++
	if r.p.Func != nil {
		return r.p.Func(x), nil
	}
	out := []float64{0}
	r.p.Batch(mat.NewDense(1, r.d, append([]float64(nil), x...)), out)
	return out[0], nil
}

// consensusOf writes Σ_k w_k x_{idx_k} (idx nil: all particles) into c.
func (r *run) consensusOf(c, w []float64, idx []int) {
	for j := range c {
		c[j] = 0
	}
	d := r.d
	for k, wk := range w {
		if wk == 0 {
			continue
		}
		i := k
		if idx != nil {
			i = idx[k]
		}
		row := r.xs[i*d : (i+1)*d]
		for j, v := range row {
			c[j] += wk * v
		}
	}
}

// diameter returns max_{i,j} |x_ij − c_j|, NaN if any particle is NaN.
func (r *run) diameter() float64 {
	m := 0.0
	d := r.d
	for i := 0; i < r.n; i++ {
		row := r.xs[i*d : (i+1)*d]
		for j, v := range row {
			a := math.Abs(v - r.c[j])
			if a > m {
				m = a
			} else if a != a {
				return a
			}
		}
	}
	return m
}

// essAlpha returns α ∈ [0, alphaMax] with ESS(α) ≈ η N by bisection (ESS
// decreases in α).
func (r *run) essAlpha() float64 {
	target := r.q.alphaESS * float64(r.n)
	if weights(r.w, r.f, r.q.alphaMax) && ess(r.w) >= target {
		return r.q.alphaMax
	}
	lo, hi := 0.0, r.q.alphaMax
	for range 60 {
		mid := 0.5 * (lo + hi)
		if !weights(r.w, r.f, mid) {
			return mid
		}
		if ess(r.w) >= target {
			lo = mid
		} else {
			hi = mid
		}
		if hi-lo <= 1e-12*hi {
			break
		}
	}
	return lo
}

// step moves every particle once.
func (r *run) step() {
	ldt := r.q.lambda * r.q.dt
	sdt := r.q.sigma * math.Sqrt(r.q.dt)
	d := r.d
	if r.q.batch == 0 {
		for i := 0; i < r.n; i++ {
			r.move(r.xs[i*d:(i+1)*d], r.c, ldt, sdt)
		}
		return
	}
	// Random batch method: shuffle, then each batch drifts to its own
	// consensus point.
	r.rng.Shuffle(r.n, func(i, j int) { r.perm[i], r.perm[j] = r.perm[j], r.perm[i] })
	B := r.q.batch
	for b := 0; b*B < r.n; b++ {
		idx := r.perm[b*B : min((b+1)*B, r.n)]
		fb, wb := r.fb[:len(idx)], r.wb[:len(idx)]
		for k, i := range idx {
			fb[k] = r.f[i]
		}
		cb := r.cb[b*d : (b+1)*d]
		if weights(wb, fb, r.alpha) {
			r.consensusOf(cb, wb, idx)
		} else {
			copy(cb, r.c)
		}
	}
	for b := 0; b*B < r.n; b++ {
		cb := r.cb[b*d : (b+1)*d]
		for _, i := range r.perm[b*B : min((b+1)*B, r.n)] {
			r.move(r.xs[i*d:(i+1)*d], cb, ldt, sdt)
		}
	}
}

// move applies one Euler–Maruyama step to the particle x towards c.
func (r *run) move(x, c []float64, ldt, sdt float64) {
	c = c[:len(x)]
	if r.q.noise == Anisotropic {
		for j, v := range x {
			diff := v - c[j]
			x[j] = v - ldt*diff + sdt*diff*r.norm.next()
		}
		return
	}
	nrm := 0.0
	for j, v := range x {
		diff := v - c[j]
		nrm += diff * diff
	}
	s := sdt * math.Sqrt(nrm)
	for j, v := range x {
		diff := v - c[j]
		x[j] = v - ldt*diff + s*r.norm.next()
	}
}

// clip projects the particles onto the box constraints.
func (r *run) clip() {
	lo, hi := r.p.Lower, r.p.Upper
	if lo == nil && hi == nil {
		return
	}
	d := r.d
	for i := 0; i < r.n; i++ {
		row := r.xs[i*d : (i+1)*d]
		for j, v := range row {
			if lo != nil && v < lo[j] {
				row[j] = lo[j]
			} else if hi != nil && v > hi[j] {
				row[j] = hi[j]
			}
		}
	}
}

// record appends the consensus (and particles) of iteration k.
func (r *run) record(k int) {
	res := r.res
	if n := len(res.PathIters); n > 0 && res.PathIters[n-1] == k {
		return
	}
	res.PathIters = append(res.PathIters, k)
	r.path = append(r.path, r.c...)
	if r.q.recordParticles {
		res.Snapshots = append(res.Snapshots, mat.DenseCopyOf(r.x))
	}
}

// callback calls the user callback, turning a panic into an error.
func (r *run) callback(k int) (cont bool, err error) {
	defer func() {
		if e := recover(); e != nil {
			err = fmt.Errorf("cbo: callback panicked: %v", e)
		}
	}()
	return r.q.callback(k, r.res), nil
}

func minimize(p *Problem, q *params) (*Result, error) {
	r := newRun(p, q)
	res := r.res
	res.X = r.x
	res.Consensus = r.c
	ctx := interrupt.Or(q.ctx)
	err := r.loop(ctx)
	res.Consensus = append([]float64(nil), r.c...)
	if r.path != nil {
		res.Path = mat.NewDense(len(res.PathIters), r.d, r.path)
	}
	res.ConsensusEnergy = math.NaN()
	if err == nil {
		res.ConsensusEnergy, err = r.pointEnergy(res.Consensus)
	}
	if err != nil {
		res.Status = Failed
	}
	return res, err
}

// loop runs the iterations and sets Status and Iterations.
func (r *run) loop(ctx context.Context) error {
	res, q := r.res, r.q
	for k := 0; ; k++ {
		res.Iterations = k
		if err := r.evaluate(); err != nil {
			return err
		}
		if q.alphaESS > 0 {
			r.alpha = r.essAlpha()
		}
		copy(r.cPrev, r.c)
		if !weights(r.w, r.f, r.alpha) {
			return fmt.Errorf("%w at iteration %d", errNoFiniteEnergy, k)
		}
		r.consensusOf(r.c, r.w, nil)
		diam := r.diameter()
		fmin := math.Inf(1)
		ibest := 0
		for i, v := range r.f {
			if v < fmin {
				fmin, ibest = v, i
			}
		}
		if fmin < res.BestEnergy {
			res.BestEnergy = fmin
			copy(res.Best, r.xs[ibest*r.d:(ibest+1)*r.d])
		}
		res.History = append(res.History, fmin)
		res.Diameter = append(res.Diameter, diam)
		res.AlphaHistory = append(res.AlphaHistory, r.alpha)
		if q.recordEvery > 0 && k%q.recordEvery == 0 {
			r.record(k)
		}
		status, stop := Status(0), true
		switch {
		case math.IsNaN(diam) || math.IsInf(diam, 0):
			return fmt.Errorf("cbo: particles left the floating-point range at iteration %d (consensus diameter %v); reduce Sigma or Dt, or use Anisotropic noise", k, diam)
		case k == 0 && r.collapsed(diam):
			return r.startError()
		case q.tol >= 0 && diam <= q.tol && (k > 0 || diam == 0):
			status = Converged
		case k > 0 && q.diffTol > 0 && maxAbsDiff(r.c, r.cPrev) <= q.diffTol:
			status = Converged
		case ctx.Err() != nil:
			status = Canceled
		default:
			stop = false
		}
		if !stop && q.callback != nil && k%q.cbEvery == 0 {
			cont, err := r.callback(k)
			if err != nil {
				return err
			}
			status, stop = Stopped, !cont
		}
		if !stop && k == q.maxIter {
			status, stop = MaxIterReached, true
		}
		if stop {
			res.Status = status
			if q.recordEvery > 0 {
				r.record(k)
			}
			return nil
		}
		r.step()
		r.clip()
		if q.alphaESS == 0 && q.alphaFactor != 1 {
			r.alpha = math.Min(r.alpha*q.alphaFactor, q.alphaMax)
		}
	}
}

// collapsed reports whether a swarm of consensus diameter diam sits at one
// point that the box does not pin every coordinate to (where that point
// would be the only feasible one, and the answer).
func (r *run) collapsed(diam float64) bool {
	if diam != 0 {
		return false
	}
	lo, hi := r.p.Lower, r.p.Upper
	if lo == nil || hi == nil {
		return true
	}
	for j := range lo {
		if lo[j] != hi[j] {
			return true
		}
	}
	return false
}

// startError is the error of a swarm that starts collapsed.
func (r *run) startError() error {
	return fmt.Errorf("%w: N = %d; use N ≥ 2 particles at distinct points (Settings.N, Settings.Init)", errCollapsed, r.n)
}

// maxAbsDiff returns max_j |a_j − b_j|, NaN if any difference is NaN.
func maxAbsDiff(a, b []float64) float64 {
	m := 0.0
	for j, v := range a {
		if d := math.Abs(v - b[j]); d > m {
			m = d
		} else if d != d {
			return d
		}
	}
	return m
}
