package bandit

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sort"
	"sync"
	"time"

	"gonum.org/v1/gonum/mat"

	"github.com/gomx-dev/gomx/mathx/interrupt"
)

// Result is the outcome of one Run.
type Result struct {
	// Status says how the run ended.
	Status Status
	// Iterations is the number of rounds played.
	Iterations int
	// History[t-1] is the regret after round t: max_i Σ_{s≤t} Mean(s, i)
	// minus Σ_{s≤t} Mean(s, A_s) (the pseudo-regret for stochastic
	// environments, the realised regret against the best fixed arm for
	// oblivious ones).
	History []float64
	// Regret is the last entry of History (0 before any round).
	Regret float64
	// Pulls[i] counts the rounds arm i was played.
	Pulls []int
	// Reward is the total reward observed.
	Reward float64
	// Elapsed is the wall time of the run.
	Elapsed time.Duration
}

// player holds the per-round state of one run, so that Run and Simulate
// share a loop that allocates nothing per round.
type player struct {
	env    Environment
	pol    Policy
	rng    *rand.Rand
	cum    []float64 // Σ Mean(s, i) per arm
	got    float64   // Σ Mean(s, A_s)
	pulls  []int
	reward float64
}

func newPlayer(env Environment, pol Policy, seed uint64) *player {
	k := env.Arms()
	return &player{env: env, pol: pol, rng: rand.New(rand.NewPCG(seed, envStream)), cum: make([]float64, k), pulls: make([]int, k)}
}

// round plays round t and returns the regret after it, or an error for a
// bad arm, a non-finite reward or mean, or a regret that overflows.
func (p *player) round(t int) (float64, error) {
	a := p.pol.Select(t)
	if a < 0 || a >= len(p.cum) {
		return 0, fmt.Errorf("bandit: policy selected arm %d at round %d, want 0..%d", a, t, len(p.cum)-1)
	}
	r := p.env.Pull(t, a, p.rng)
	if math.IsNaN(r) || math.IsInf(r, 0) {
		return 0, fmt.Errorf("bandit: arm %d paid %v at round %d", a, r, t)
	}
	p.pol.Update(a, r)
	p.pulls[a]++
	p.reward += r
	best := math.Inf(-1)
	for i := range p.cum {
		m := p.env.Mean(t, i)
		if math.IsNaN(m) || math.IsInf(m, 0) {
			return 0, fmt.Errorf("bandit: the mean of arm %d at round %d is %v, so the regret is not defined", i, t, m)
		}
		p.cum[i] += m
		best = math.Max(best, p.cum[i])
	}
	p.got += p.env.Mean(t, a)
	g := best - p.got
	if math.IsNaN(g) || math.IsInf(g, 0) {
		return 0, fmt.Errorf("bandit: the cumulative means overflow at round %d (best %v, played %v)", t, best, p.got)
	}
	return g, nil
}

// Run plays policy against env for T rounds and returns the regret after
// every round. Noise is drawn from a PCG seeded with s.Seed; a policy that
// randomises has its own seed. It panics when T < 0.
func Run(env Environment, policy Policy, T int, s *Settings) (res *Result, err error) {
	if T < 0 {
		panic(fmt.Sprintf("bandit.Run: T = %d < 0", T))
	}
	set := s.orDefault()
	ctx := interrupt.Or(set.Context)
	start := time.Now()
	p := newPlayer(env, policy, set.Seed)
	res = &Result{History: make([]float64, 0, T), Pulls: p.pulls}
	defer func() {
		res.Reward = p.reward
		res.Elapsed = time.Since(start)
		if e := recover(); e != nil {
			res.Status = Failed
			err = fmt.Errorf("bandit.Run: panic in round %d (policy, environment or callback): %v", res.Iterations+1, e)
		}
	}()
	for t := 1; t <= T; t++ {
		if t&1023 == 0 && ctx.Err() != nil {
			res.Status = Canceled
			return res, nil
		}
		g, err := p.round(t)
		if err != nil {
			res.Status = Failed
			return res, err
		}
		res.History = append(res.History, g)
		res.Iterations = t
		res.Regret = g
		if set.Callback != nil && t%set.CallbackEvery == 0 && !set.Callback(t, res) {
			res.Status = Stopped
			return res, nil
		}
	}
	res.Status = Converged
	return res, nil
}

// PolicyFactory makes a fresh policy for one run of Simulate from that
// run's seed; it is called from several goroutines.
type PolicyFactory func(seed uint64) Policy

// SimResult summarises Simulate: regret curves over seeds at the rounds
// in Rounds.
type SimResult struct {
	// Status is Converged when every run finished, Canceled when the
	// context ended first (curves then cover only the finished runs),
	// Failed when a run failed.
	Status Status
	// Runs is the number of finished runs.
	Runs int
	// Rounds are the rounds at which the curves are recorded.
	Rounds []int
	// Mean, Median, Lower and Upper are the mean, median and the
	// Settings.Lower/Upper quantiles (type-7, linear interpolation) of
	// the regret over runs at each of Rounds.
	Mean, Median, Lower, Upper []float64
	// Regret is Runs × len(Rounds): every run's curve.
	Regret *mat.Dense
	// Pulls is Runs × K: pulls per arm in every run.
	Pulls *mat.Dense
	// Seconds[i] is run i's wall time in seconds.
	Seconds []float64
	// Elapsed is the wall time of the whole simulation.
	Elapsed time.Duration
}

// Simulate plays newPolicy(seed) against env for T rounds for the seeds
// s.Seed, s.Seed+1, …, s.Seed+Runs-1 on Workers goroutines. Run i equals
// Run(env, newPolicy(s.Seed+i), T, &Settings{Seed: s.Seed+i}), so the
// curves are bit-identical for a seed whatever the number of workers.
// It panics when T < 1 or newPolicy is nil.
func Simulate(env Environment, newPolicy PolicyFactory, T int, s *Settings) (*SimResult, error) {
	res, err := simulate("Simulate", []Environment{env}, []PolicyFactory{newPolicy}, T, s)
	return res[0][0], err
}

// Grid is Simulate for every pair of environment and policy: result[i][j]
// summarises policy j on environment i, each over the same seeds. All
// envs × policies × Runs runs share one pool of Workers goroutines. On an
// error the results hold what finished and the error names the first
// failing pair. It panics when T < 1, a list is empty or a policy is nil.
func Grid(envs []Environment, policies []PolicyFactory, T int, s *Settings) ([][]*SimResult, error) {
	return simulate("Grid", envs, policies, T, s)
}

// simJob is one run of one (environment, policy) cell.
type simJob struct{ cell, run int }

func simulate(fn string, envs []Environment, pols []PolicyFactory, T int, s *Settings) ([][]*SimResult, error) {
	if T < 1 || len(envs) == 0 || len(pols) == 0 {
		panic(fmt.Sprintf("bandit.%s: T = %d, %d environments, %d policies", fn, T, len(envs), len(pols)))
	}
	for j, p := range pols {
		if p == nil {
			panic(fmt.Sprintf("bandit.%s: policy %d is nil", fn, j))
		}
	}
	set := s.orDefault()
	if !(set.Lower >= 0 && set.Lower <= set.Upper && set.Upper <= 1) {
		panic(fmt.Sprintf("bandit.%s: quantiles Lower %v, Upper %v", fn, set.Lower, set.Upper))
	}
	ctx := interrupt.Or(set.Context)
	start := time.Now()
	npts := min(set.Points, T)
	rounds := make([]int, npts)
	for j := range rounds {
		rounds[j] = int(math.Round(float64(j+1) * float64(T) / float64(npts)))
	}
	runs := set.Runs
	ncell := len(envs) * len(pols)
	curves := make([]*mat.Dense, ncell)
	pulls := make([]*mat.Dense, ncell)
	secs := make([][]float64, ncell)
	done := make([][]bool, ncell)
	errs := make([][]error, ncell)
	for c := range curves {
		curves[c] = mat.NewDense(runs, npts, nil)
		pulls[c] = mat.NewDense(runs, envs[c/len(pols)].Arms(), nil)
		secs[c] = make([]float64, runs)
		done[c] = make([]bool, runs)
		errs[c] = make([]error, runs)
	}
	workers := set.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = min(workers, runs*ncell)
	next := make(chan simJob)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for job := range next {
				c, i := job.cell, job.run
				env, pol := envs[c/len(pols)], pols[c%len(pols)]
				errs[c][i] = simulateOne(env, pol, T, set.Seed+uint64(i), rounds, curves[c].RawRowView(i), pulls[c].RawRowView(i), &secs[c][i], ctx.Done())
				done[c][i] = errs[c][i] == nil && ctx.Err() == nil
			}
		}()
	}
feed:
	for c := 0; c < ncell; c++ {
		for i := 0; i < runs; i++ {
			select {
			case next <- simJob{c, i}:
			case <-ctx.Done():
				break feed
			}
		}
	}
	close(next)
	wg.Wait()
	elapsed := time.Since(start)
	out := make([][]*SimResult, len(envs))
	var firstErr error
	for e := range envs {
		out[e] = make([]*SimResult, len(pols))
		for p := range pols {
			c := e*len(pols) + p
			res := summarise(curves[c], pulls[c], secs[c], done[c], set)
			res.Rounds, res.Elapsed = rounds, elapsed
			for i, err := range errs[c] {
				if err != nil {
					res.Status = Failed
					if firstErr == nil {
						firstErr = fmt.Errorf("bandit.%s: environment %d, policy %d, run %d (seed %d): %w", fn, e, p, i, set.Seed+uint64(i), err)
					}
					break
				}
			}
			out[e][p] = res
		}
	}
	return out, firstErr
}

// summarise keeps the finished runs of one cell and computes the curves.
func summarise(curves, pulls *mat.Dense, secs []float64, done []bool, set Settings) *SimResult {
	_, npts := curves.Dims()
	_, k := pulls.Dims()
	res := &SimResult{}
	var keep []int
	for i, ok := range done {
		if ok {
			keep = append(keep, i)
		}
	}
	if len(keep) < len(done) {
		res.Status = Canceled
	}
	res.Runs = len(keep)
	res.Regret = mat.NewDense(max(len(keep), 1), npts, nil)
	res.Pulls = mat.NewDense(max(len(keep), 1), k, nil)
	for r, i := range keep {
		res.Regret.SetRow(r, curves.RawRowView(i))
		res.Pulls.SetRow(r, pulls.RawRowView(i))
		res.Seconds = append(res.Seconds, secs[i])
	}
	if len(keep) == 0 {
		return res
	}
	res.Mean = make([]float64, npts)
	res.Median = make([]float64, npts)
	res.Lower = make([]float64, npts)
	res.Upper = make([]float64, npts)
	col := make([]float64, len(keep))
	for j := 0; j < npts; j++ {
		sum := 0.0
		for r, i := range keep {
			col[r] = curves.At(i, j)
			sum += col[r]
		}
		sort.Float64s(col)
		res.Mean[j] = sum / float64(len(col))
		res.Median[j] = Quantile(col, 0.5)
		res.Lower[j] = Quantile(col, set.Lower)
		res.Upper[j] = Quantile(col, set.Upper)
	}
	return res
}

// simulateOne plays one run and writes the regret at rounds into curve.
func simulateOne(env Environment, newPolicy PolicyFactory, T int, seed uint64, rounds []int, curve, pulls []float64, secs *float64, cancel <-chan struct{}) (err error) {
	start := time.Now()
	defer func() {
		*secs = time.Since(start).Seconds()
		if e := recover(); e != nil {
			err = fmt.Errorf("panic: %v", e)
		}
	}()
	p := newPlayer(env, newPolicy(seed), seed)
	j := 0
	for t := 1; t <= T; t++ {
		if t&1023 == 0 {
			select {
			case <-cancel:
				return nil
			default:
			}
		}
		g, err := p.round(t)
		if err != nil {
			return err
		}
		if t == rounds[j] {
			curve[j] = g
			j++
		}
	}
	for i, n := range p.pulls {
		pulls[i] = float64(n)
	}
	return nil
}

// Quantile returns the q-quantile of sorted data by linear interpolation
// between order statistics (type 7, numpy's default), exact at order
// statistics, ±Inf next to a finite value, and without overflow between
// finite ones; between −Inf and +Inf it is NaN. It panics on empty data or q
// outside [0, 1].
func Quantile(sorted []float64, q float64) float64 {
	n := len(sorted)
	if n == 0 || !(q >= 0 && q <= 1) {
		panic(fmt.Sprintf("bandit.Quantile: %d values, q = %v", n, q))
	}
	h := q * float64(n-1)
	lo := int(math.Floor(h))
	if lo >= n-1 {
		return sorted[n-1]
	}
	a, b, f := sorted[lo], sorted[lo+1], h-float64(lo)
	switch d := b - a; {
	case f == 0 || a == b:
		return a // also for ±Inf, where f·(b − a) would be NaN
	case math.IsInf(a, -1) != math.IsInf(b, 1):
		// One end infinite: the interpolation is that end.
		if math.IsInf(a, -1) {
			return a
		}
		return b
	case math.IsInf(d, 0):
		return a*(1-f) + b*f // b − a overflows
	default:
		return a + f*d
	}
}
