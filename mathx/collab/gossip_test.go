package collab

import (
	"context"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"
	"time"

	"github.com/gomx-dev/gomx/mathx/internal/mathxtest"
	"gonum.org/v1/gonum/mat"
)

// quadWorkers returns f_i(x) = ½(x − c_i)ᵀA_i(x − c_i) for the given
// Hessians and centres.
func quadWorkers(a []*mat.SymDense, c [][]float64) []Func {
	ws := make([]Func, len(c))
	for i := range c {
		ai, ci := a[i], c[i]
		ws[i] = func(x, grad []float64) float64 {
			d := len(x)
			r := make([]float64, d)
			for j := range r {
				r[j] = x[j] - ci[j]
			}
			var f float64
			for j := 0; j < d; j++ {
				var g float64
				for k := 0; k < d; k++ {
					g += ai.At(j, k) * r[k]
				}
				f += 0.5 * r[j] * g
				if grad != nil {
					grad[j] = g
				}
			}
			return f
		}
	}
	return ws
}

// randSPD returns a d × d symmetric matrix with eigenvalues spread evenly
// over [lo, hi] in a random basis.
func randSPD(d int, lo, hi float64, rng *rand.Rand) *mat.SymDense {
	q := mat.NewDense(d, d, nil)
	for i := 0; i < d; i++ {
		for j := 0; j < d; j++ {
			q.Set(i, j, rng.NormFloat64())
		}
	}
	var qr mat.QR
	qr.Factorize(q)
	var o mat.Dense
	qr.QTo(&o)
	a := mat.NewSymDense(d, nil)
	for i := 0; i < d; i++ {
		for j := i; j < d; j++ {
			var s float64
			for k := 0; k < d; k++ {
				ev := lo
				if d > 1 {
					ev = lo + (hi-lo)*float64(k)/float64(d-1)
				}
				s += o.At(i, k) * ev * o.At(j, k)
			}
			a.SetSym(i, j, s)
		}
	}
	return a
}

func randCentres(n, d int, scale float64, rng *rand.Rand) [][]float64 {
	c := make([][]float64, n)
	for i := range c {
		c[i] = make([]float64, d)
		for j := range c[i] {
			c[i][j] = scale * rng.NormFloat64()
		}
	}
	return c
}

// Gossip GD on f_i = ½(x − c_i)ᵀA(x − c_i) with one Hessian A: W is
// doubly stochastic, so x̄ ← x̄ − γ·(1/n)ΣA(x_i − c_i) = x̄ − γA(x̄ − c̄),
// exactly centralised gradient descent on f = (1/n)Σf_i whatever the
// consensus error; History is f(x̄_t) of that iteration.
func TestGossipAverageIsCentralGD(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	const n, d = 9, 4
	a := randSPD(d, 0.5, 2, rng)
	as := make([]*mat.SymDense, n)
	for i := range as {
		as[i] = a
	}
	c := randCentres(n, d, 3, rng)
	ws := quadWorkers(as, c)
	cbar := make([]float64, d)
	honestMean(cbar, c)
	// f(x) = ½(x − c̄)ᵀA(x − c̄) + (1/n)Σ½(c_i − c̄)ᵀA(c_i − c̄).
	var konst float64
	for i := range c {
		konst += ws[i](cbar, nil) / n
	}
	for _, g := range []*Graph{Ring(n), Torus(3, 3), ErdosRenyi(n, 0.3, 4), Complete(n)} {
		checkCentral(t, ws, g, a, cbar, konst)
	}
}

func checkCentral(t *testing.T, ws []Func, g *Graph, a *mat.SymDense, cbar []float64, konst float64) {
	t.Helper()
	d := len(cbar)
	const gamma, rounds = 0.3, 60
	x0 := []float64{1, -2, 0.5, 3}[:d]
	r, err := Gossip(ws, x0, g, &Settings{Step: gamma, MaxIter: rounds})
	if err != nil || r.Status != Converged || r.Iterations != rounds || len(r.History) != rounds {
		t.Fatalf("n = %d: %v, %v, %d iterations", g.N(), err, r.Status, r.Iterations)
	}
	x := append([]float64(nil), x0...)
	grad := make([]float64, d)
	central := quadWorkers([]*mat.SymDense{a}, [][]float64{cbar})[0]
	for k := 0; k < rounds; k++ {
		f := central(x, grad) + konst
		if math.Abs(r.History[k]-f) > 1e-12*math.Max(1, f) {
			t.Errorf("n = %d, round %d: f(x̄) = %.15g, centralised GD %.15g", g.N(), k, r.History[k], f)
			break
		}
		for j := range x {
			x[j] -= gamma * grad[j]
		}
	}
	for j := range x {
		if math.Abs(r.X[j]-x[j]) > 1e-12 {
			t.Errorf("n = %d: X = %v, centralised GD %v", g.N(), r.X, x)
			break
		}
	}
	m := len(g.Edges())
	if r.GradEvals != rounds*g.N() || r.Communications != rounds*m || r.FloatsSent != 2*rounds*m*d {
		t.Errorf("n = %d: counts %d, %d, %d", g.N(), r.GradEvals, r.Communications, r.FloatsSent)
	}
	if r.HistoryComms[rounds-1] != (rounds-1)*m || r.HistoryGradEvals[rounds-1] != (rounds-1)*g.N() {
		t.Errorf("n = %d: history counts %d, %d", g.N(), r.HistoryComms[rounds-1], r.HistoryGradEvals[rounds-1])
	}
}

// With constant gradients (f_i(x) = c_iᵀx) every round is
// x ← W(x − γc), so the disagreement e_t = (I − J)x_t follows
// e_{t+1} = P·e_t − γP·c with P = W − J, and e_t − e_∞ = P^t(e_0 − e_∞):
// it matches that closed form and contracts by |λ₂(W)| =
// Spectrum().Mixing per round once the other modes have died out.
func TestGossipConsensusRate(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	for _, g := range []*Graph{Ring(12), Torus(4, 5), ErdosRenyi(14, 0.3, 1)} {
		n := g.N()
		c := randCentres(n, 1, 1, rng)
		ws := make([]Func, n)
		for i := range ws {
			ci := c[i][0]
			ws[i] = func(x, grad []float64) float64 {
				if grad != nil {
					grad[0] = ci
				}
				return ci * x[0]
			}
		}
		const gamma = 0.5
		// e_∞ = −γ(I − P)⁻¹P(c − c̄𝟙).
		w := g.Metropolis()
		p := mat.NewDense(n, n, nil)
		p.Apply(func(i, j int, v float64) float64 { return v - 1/float64(n) }, w)
		cv := mat.NewVecDense(n, nil)
		for i := range c {
			cv.SetVec(i, c[i][0])
		}
		var pc mat.VecDense
		pc.MulVec(p, cv)
		imp := mat.NewDense(n, n, nil)
		imp.Apply(func(i, j int, v float64) float64 {
			if i == j {
				return 1 - v
			}
			return -v
		}, p)
		var einf mat.VecDense
		if err := einf.SolveVec(imp, &pc); err != nil {
			t.Fatal(err)
		}
		einf.ScaleVec(-gamma, &einf)
		var dev []float64 // ‖e_t − e_∞‖ per round
		pt := mat.NewVecDense(n, nil)
		pt.ScaleVec(-1, &einf) // P^t(e_0 − e_∞) with e_0 = 0
		worst := 0.0
		cb := func(it int, r *Result) bool {
			var mean float64
			for i := 0; i < n; i++ {
				mean += r.Models.At(i, 0) / float64(n)
			}
			var q float64
			pt.MulVec(p, mat.VecDenseCopyOf(pt))
			for i := 0; i < n; i++ {
				e := r.Models.At(i, 0) - mean - einf.AtVec(i)
				q += e * e
				worst = math.Max(worst, math.Abs(e-pt.AtVec(i)))
			}
			dev = append(dev, math.Sqrt(q))
			return true
		}
		const rounds = 300
		if _, err := Gossip(ws, []float64{0}, g, &Settings{Step: gamma, MaxIter: rounds, Callback: cb}); err != nil {
			t.Fatal(err)
		}
		if worst > 1e-12 {
			t.Errorf("n = %d: e_t − e_∞ differs from P^t(e_0 − e_∞) by %v", n, worst)
		}
		mix := g.Spectrum().Mixing
		// The ratio at a round where the deviation is still far above
		// rounding (≥ 1e-10).
		k := 0
		for k+1 < len(dev) && dev[k+1] > 1e-10 {
			k++
		}
		if k < 60 {
			t.Fatalf("n = %d: the deviation fell below 1e-10 after %d rounds", n, k)
		}
		if ratio := dev[k] / dev[k-1]; math.Abs(ratio-mix) > 1e-4 {
			t.Errorf("n = %d: contraction %v at round %d, Mixing %v", n, ratio, k, mix)
		}
	}
}

// Asynchronous gossip: its clocks have the stated rates (the counts are
// Poisson: within 4 standard deviations of n·T and CommRate·T), and on
// workers sharing one minimiser it converges to it at every node.
func TestAsyncGossip(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	const n, d = 9, 3
	g := Torus(3, 3)
	as := make([]*mat.SymDense, n)
	for i := range as {
		as[i] = randSPD(d, 0.5, 1.5, rng)
	}
	centre := []float64{1, -1, 2}
	cs := make([][]float64, n)
	for i := range cs {
		cs[i] = centre
	}
	ws := quadWorkers(as, cs)
	for _, rate := range []float64{0, 40} {
		const T = 200
		r, err := AsyncGossip(ws, make([]float64, d), g, &Settings{Step: 0.5, MaxIter: T, CommRate: rate, Seed: 5})
		if err != nil || r.Status != Converged || r.Iterations != T {
			t.Fatalf("rate %v: %v %v", rate, err, r.Status)
		}
		comm := rate
		if comm == 0 {
			comm = float64(len(g.Edges()))
		}
		if e := float64(n * T); math.Abs(float64(r.GradEvals)-e) > 4*math.Sqrt(e) {
			t.Errorf("rate %v: %d gradients, want about %v", rate, r.GradEvals, e)
		}
		if e := comm * T; math.Abs(float64(r.Communications)-e) > 4*math.Sqrt(e) {
			t.Errorf("rate %v: %d communications, want about %v", rate, r.Communications, e)
		}
		if r.FloatsSent != 2*d*r.Communications {
			t.Errorf("rate %v: %d floats for %d communications", rate, r.FloatsSent, r.Communications)
		}
		for i := 0; i < n; i++ {
			for j := 0; j < d; j++ {
				if math.Abs(r.Models.At(i, j)-centre[j]) > 1e-10 {
					t.Errorf("rate %v: node %d at %v, want %v", rate, i, mat.Row(nil, i, r.Models), centre)
				}
			}
		}
	}
}

// A seed gives bit-identical results whatever GOMAXPROCS, noise included.
func TestDecentralDeterminism(t *testing.T) {
	data := MakeClassification(320, 4, 1, 5)
	ws := LogisticWorkers(data, DirichletSplit(data.Labels, 8, 0.5, 6), 0.1, 0)
	g := Ring(8)
	runs := map[string]func() (*Result, error){
		"Gossip SGD": func() (*Result, error) {
			return Gossip(ws, make([]float64, 4), g, &Settings{MaxIter: 30, Step: 0.5, Momentum: 0.5, GradNoise: 0.1, Seed: 7})
		},
		"AsyncGossip": func() (*Result, error) {
			return AsyncGossip(ws, make([]float64, 4), g, &Settings{MaxIter: 20, Step: 0.5, GradNoise: 0.1, Seed: 7})
		},
		"DADAO": func() (*Result, error) {
			return DADAO(ws, make([]float64, 4), g, &Settings{MaxIter: 20, Mu: 0.1, L: 1, GradNoise: 0.01, Seed: 7})
		},
	}
	old := runtime.GOMAXPROCS(0)
	defer runtime.GOMAXPROCS(old)
	for name, run := range runs {
		var res [2]*Result
		for k, procs := range []int{1, 2} {
			runtime.GOMAXPROCS(procs)
			r, err := run()
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			res[k] = r
		}
		a, b := res[0], res[1]
		if !eqVec(a.X, b.X, 0) || !eqVec(a.History, b.History, 0) || !mat.Equal(a.Models, b.Models) || a.GradEvals != b.GradEvals || a.Communications != b.Communications {
			t.Errorf("%s: GOMAXPROCS 1 and 2 differ: %v vs %v", name, a.X, b.X)
		}
		// Another seed gives another run.
		if name != "DADAO" {
			continue
		}
		c, _ := DADAO(ws, make([]float64, 4), g, &Settings{MaxIter: 20, Mu: 0.1, L: 1, Seed: 8})
		if c.Communications == a.Communications && eqVec(c.X, a.X, 0) {
			t.Errorf("DADAO: seeds 7 and 8 give the same run")
		}
	}
}

// Cancellation: a context done before the start returns Canceled at once
// with no round; one canceled by the callback stops at the next round
// with the history so far.
func TestDecentralCancel(t *testing.T) {
	data := MakeClassification(160, 3, 1, 5)
	ws := LogisticWorkers(data, DirichletSplit(data.Labels, 4, 1, 6), 0.1, 0)
	g := Ring(4)
	type run func(s *Settings) (*Result, error)
	runs := map[string]run{
		"Gossip":      func(s *Settings) (*Result, error) { return Gossip(ws, make([]float64, 3), g, s) },
		"AsyncGossip": func(s *Settings) (*Result, error) { return AsyncGossip(ws, make([]float64, 3), g, s) },
		"DADAO": func(s *Settings) (*Result, error) {
			s.Mu, s.L = 0.1, 2
			return DADAO(ws, make([]float64, 3), g, s)
		},
	}
	for name, rn := range runs {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		r, err := rn(&Settings{Context: ctx, MaxIter: 1000})
		if err != nil || r.Status != Canceled || len(r.History) != 0 {
			t.Errorf("%s, canceled before: %v %v %d", name, err, r.Status, len(r.History))
		}
		ctx, cancel = context.WithCancel(context.Background())
		r, err = rn(&Settings{Context: ctx, MaxIter: 1000, Callback: func(it int, _ *Result) bool {
			if it == 5 {
				cancel()
			}
			return true
		}})
		cancel()
		if err != nil || r.Status != Canceled || r.Iterations != 5 || len(r.History) != 5 || math.IsNaN(r.Loss) {
			t.Errorf("%s, canceled in round 5: %v %v, %d iterations, %d history", name, err, r.Status, r.Iterations, len(r.History))
		}
		r, err = rn(&Settings{MaxIter: 1000, Callback: func(it int, _ *Result) bool { return it < 3 }})
		if err != nil || r.Status != Stopped || r.Iterations != 3 {
			t.Errorf("%s, stopped by the callback: %v %v %d", name, err, r.Status, r.Iterations)
		}
		r, err = rn(&Settings{MaxIter: 100000, Tol: 1e-3})
		if err != nil || r.Status != Converged || r.Iterations >= 100000 {
			t.Errorf("%s, Tol 1e-3: %v %v %d", name, err, r.Status, r.Iterations)
		}
	}
}

// Cancellation inside a unit of time: with CommRate 1e12 a unit of
// AsyncGossip or DADAO holds maxEvents (2^24) events, seconds of work;
// a context canceled 20 ms into the first unit ends the run within a
// second, Canceled, with the history of its start and a finite loss.
func TestDecentralCancelMidUnit(t *testing.T) {
	data := MakeClassification(160, 3, 1, 5)
	ws := LogisticWorkers(data, DirichletSplit(data.Labels, 4, 1, 6), 0.1, 0)
	g := Ring(4)
	runs := map[string]func(s *Settings) (*Result, error){
		"AsyncGossip": func(s *Settings) (*Result, error) { return AsyncGossip(ws, make([]float64, 3), g, s) },
		"DADAO": func(s *Settings) (*Result, error) {
			s.Mu, s.L = 0.1, 2
			return DADAO(ws, make([]float64, 3), g, s)
		},
	}
	for name, rn := range runs {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
		var r *Result
		var err error
		mathxtest.Promptly(t, name, func() { r, err = rn(&Settings{Context: ctx, CommRate: 1e12, MaxIter: 3}) })
		cancel()
		if err != nil || r.Status != Canceled || len(r.History) != 1 || math.IsNaN(r.Loss) {
			t.Errorf("%s, canceled within a unit: %v %v, %d history, loss %v", name, err, r.Status, len(r.History), r.Loss)
		}
	}
}
