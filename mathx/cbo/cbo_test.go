package cbo

import (
	"context"
	"math"
	"runtime"
	"strings"
	"testing"
	"time"

	"gonum.org/v1/gonum/mat"
)

func infDist(a, b []float64) float64 {
	m := 0.0
	for j := range a {
		m = math.Max(m, math.Abs(a[j]-b[j]))
	}
	return m
}

// quadratic is a convex quadratic with minimiser (1, −2) and condition 10.
func quadratic(x []float64) float64 {
	a, b := x[0]-1, x[1]+2
	return a*a + 10*b*b + 3*a*b
}

// TestConvexQuadraticConverges: d = 2, every one of 20 seeds collapses
// (diameter ≤ 1e-10) within tol of the minimiser, for both noises, the
// random batch method and the ESS scheduler. CBO's consensus is accurate
// only up to the Laplace-principle error of finite α and N, hence tol.
func TestConvexQuadraticConverges(t *testing.T) {
	xstar := []float64{1, -2}
	tests := []struct {
		name string
		s    Settings
		tol  float64
	}{
		{"isotropic", Settings{N: 50, Sigma: 1, Alpha: 1e4, Dt: 0.05, MaxIter: 5000, InitRadius: 3}, 0.01},
		{"isotropic alpha 1e5", Settings{N: 100, Sigma: 1, Alpha: 1e5, Dt: 0.05, MaxIter: 5000, InitRadius: 3}, 0.005},
		{"anisotropic", Settings{N: 100, Sigma: 1, Alpha: 1e4, Dt: 0.05, MaxIter: 5000, Noise: Anisotropic, InitRadius: 3}, 0.05},
		{"random batch", Settings{N: 100, BatchSize: 20, Sigma: 1, Alpha: 1e4, Dt: 0.05, MaxIter: 5000, Noise: Anisotropic, InitRadius: 3}, 0.05},
		{"ESS scheduler", Settings{N: 50, Sigma: 1, AlphaESS: 0.1, Dt: 0.05, MaxIter: 5000, InitRadius: 3}, 0.01},
	}
	p := &Problem{Dim: 2, Func: quadratic}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ok := 0
			for seed := range uint64(20) {
				s := tc.s
				s.Seed = seed
				res, err := Minimize(p, &s)
				if err != nil {
					t.Fatalf("seed %d: %v", seed, err)
				}
				if e := infDist(res.Consensus, xstar); e < tc.tol && res.Status == Converged {
					ok++
				} else {
					t.Logf("seed %d: status %v after %d iterations, ||c - x*||_inf = %.3g", seed, res.Status, res.Iterations, e)
				}
			}
			if ok != 20 {
				t.Errorf("%d/20 seeds converged, want 20", ok)
			}
		})
	}
}

// TestRastriginSuccess is a shortened CBXpy success evaluation (d = 20,
// N = 40, anisotropic, σ = 10.1, α = 30, dt = 0.01, U(−3,3) start):
// 20 runs of 5 000 steps; CBXpy reports 100/100, and 18/20 is the lower end
// of a 95 % binomial interval around a success rate of 0.95.
func TestRastriginSuccess(t *testing.T) {
	p := &Problem{Dim: 20, Func: Rastrigin}
	s := &Settings{N: 40, Dt: 0.01, Sigma: 10.1, Alpha: 30, Noise: Anisotropic, MaxIter: 5000, InitRadius: 3}
	seeds := make([]uint64, 20)
	for i := range seeds {
		seeds[i] = uint64(1000 + i)
	}
	res, err := RunMany(p, s, seeds)
	if err != nil {
		t.Fatal(err)
	}
	ok := 0
	for _, r := range res {
		if infDist(r.Consensus, make([]float64, 20)) < 0.25 {
			ok++
		}
	}
	if ok < 18 {
		t.Errorf("success %d/20, want ≥ 18", ok)
	}
}

// TestSeedReproducible: the same seed gives bit-identical results with
// GOMAXPROCS 1 and 2, from Minimize and from RunMany; other seeds differ.
func TestSeedReproducible(t *testing.T) {
	p := &Problem{Dim: 5, Func: Ackley}
	s := &Settings{N: 30, Sigma: 1, Alpha: 50, Noise: Anisotropic, MaxIter: 300, InitRadius: 4, BatchSize: 7}
	seeds := []uint64{3, 1, 4, 1, 5, 9, 2, 6}
	prev := runtime.GOMAXPROCS(1)
	defer runtime.GOMAXPROCS(prev)
	one, err := RunMany(p, s, seeds)
	if err != nil {
		t.Fatal(err)
	}
	runtime.GOMAXPROCS(2)
	two, err := RunMany(p, s, seeds)
	if err != nil {
		t.Fatal(err)
	}
	same := func(a, b *Result) bool {
		if a.Iterations != b.Iterations || a.Status != b.Status || !mat.Equal(a.X, b.X) {
			return false
		}
		for _, pair := range [][2][]float64{{a.Consensus, b.Consensus}, {a.History, b.History}, {a.Diameter, b.Diameter}, {a.Best, b.Best}} {
			if len(pair[0]) != len(pair[1]) {
				return false
			}
			for i := range pair[0] {
				if math.Float64bits(pair[0][i]) != math.Float64bits(pair[1][i]) {
					return false
				}
			}
		}
		return true
	}
	for i, seed := range seeds {
		if !same(one[i], two[i]) {
			t.Errorf("seed %d: GOMAXPROCS 1 and 2 differ", seed)
		}
		s1 := *s
		s1.Seed = seed
		single, err := Minimize(p, &s1)
		if err != nil {
			t.Fatal(err)
		}
		if !same(single, one[i]) {
			t.Errorf("seed %d: Minimize and RunMany differ", seed)
		}
	}
	if same(one[0], one[1]) {
		t.Error("seeds 3 and 1 gave identical runs")
	}
	if !same(one[1], one[3]) {
		t.Error("seed 1 twice gave different runs")
	}
}

// TestRunManyPanic: a panic in the objective of one run comes back as an
// error naming the seed; the other runs finish.
func TestRunManyPanic(t *testing.T) {
	p := &Problem{Dim: 2, Func: func(x []float64) float64 {
		if x[0] > 2.9 {
			panic("boom")
		}
		return Sphere(x)
	}}
	s := &Settings{Sigma: 1, Noise: Anisotropic, InitRadius: 3, N: 50}
	seeds := []uint64{1, 2, 3, 4}
	res, err := RunMany(p, s, seeds)
	if err == nil || !strings.Contains(err.Error(), "boom") || !strings.Contains(err.Error(), "seed") {
		t.Fatalf("err = %v, want the panic message and the seed", err)
	}
	failed := 0
	for _, r := range res {
		if r == nil {
			t.Fatal("nil result")
		}
		if r.Status == Failed {
			failed++
		}
	}
	if failed == 0 {
		t.Error("no run has Status Failed")
	}
}

// TestStops: callback stop, callback panic, cancellation, stagnation,
// MaxIter, and divergence each end the run with their status.
func TestStops(t *testing.T) {
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	p := &Problem{Dim: 2, Func: Sphere}
	tests := []struct {
		name    string
		p       *Problem
		s       Settings
		status  Status
		iters   int // -1: any
		wantErr bool
	}{
		{"callback stop", p, Settings{Callback: func(k int, r *Result) bool { return k < 7 }}, Stopped, 7, false},
		{"callback every", p, Settings{CallbackEvery: 5, Callback: func(k int, r *Result) bool { return k < 7 }}, Stopped, 10, false},
		{"callback panic", p, Settings{Callback: func(int, *Result) bool { panic("cb") }}, Failed, 0, true},
		{"canceled", p, Settings{Context: canceled}, Canceled, 0, false},
		{"max iter", p, Settings{MaxIter: 17, Tol: -1}, MaxIterReached, 17, false},
		{"diameter", p, Settings{Sigma: 0.1, Alpha: 1e4, Dt: 0.1}, Converged, -1, false},
		{"stagnation", p, Settings{Sigma: 0.1, Alpha: 10, Dt: 0.1, Tol: -1, DiffTol: 1e-6, RecordEvery: 1}, Converged, -1, false},
		{"diverges", &Problem{Dim: 20, Func: Rastrigin}, Settings{N: 100, InitRadius: 3}, Failed, -1, true},
		{"NaN particle", p, Settings{N: 3, Init: mat.NewDense(3, 2, []float64{math.NaN(), 0, 1, 1, 2, 2})}, Failed, 0, true},
	}
	for _, tc := range tests {
		res, err := Minimize(tc.p, &tc.s)
		if (err != nil) != tc.wantErr || res.Status != tc.status || tc.iters >= 0 && res.Iterations != tc.iters {
			t.Errorf("%s: status %v, iterations %d, err %v; want %v, %d, error %v", tc.name, res.Status, res.Iterations, err, tc.status, tc.iters, tc.wantErr)
			continue
		}
		if len(res.History) != res.Iterations+1 || len(res.Diameter) != res.Iterations+1 || len(res.AlphaHistory) != res.Iterations+1 {
			t.Errorf("%s: history lengths %d, %d, %d for %d iterations", tc.name, len(res.History), len(res.Diameter), len(res.AlphaHistory), res.Iterations)
		}
		switch {
		case tc.status == Converged && tc.s.DiffTol == 0:
			if d := res.Diameter[res.Iterations]; d > 1e-10 {
				t.Errorf("%s: final diameter %v > 1e-10", tc.name, d)
			}
			if e := infDist(res.Consensus, []float64{0, 0}); e > 0.01 {
				t.Errorf("%s: consensus %v, want ≈ 0", tc.name, res.Consensus)
			}
		case tc.status == Converged:
			k := res.Iterations
			if k == 0 || infDist(res.Path.RawRowView(k), res.Path.RawRowView(k-1)) > tc.s.DiffTol {
				t.Errorf("%s: stopped at iteration %d before the consensus stagnated", tc.name, k)
			}
		}
	}
}

// TestCancelMidRun: cancelling from another goroutine stops a long run
// promptly with Canceled and the partial result.
func TestCancelMidRun(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	started := make(chan struct{})
	p := &Problem{Dim: 10, Func: Rastrigin}
	s := &Settings{MaxIter: 1 << 30, Tol: -1, Sigma: 1, Noise: Anisotropic, Context: ctx,
		Callback: func(k int, r *Result) bool {
			if k == 5 {
				close(started)
			}
			return true
		}}
	go func() {
		<-started
		cancel()
	}()
	start := time.Now()
	res, err := Minimize(p, s)
	if err != nil || res.Status != Canceled || res.Iterations < 5 || len(res.Consensus) != 10 || len(res.History) != res.Iterations+1 {
		t.Fatalf("status %v after %d iterations, err %v", res.Status, res.Iterations, err)
	}
	if el := time.Since(start); el > 60*time.Second {
		t.Errorf("cancel took %v", el)
	}
}

// TestHistoryRecording: the path and snapshots are taken every k steps and
// at the end, and History is the least energy of the recorded particles.
func TestHistoryRecording(t *testing.T) {
	p := &Problem{Dim: 3, Func: Sphere}
	s := &Settings{N: 8, MaxIter: 23, Tol: -1, Sigma: 0.5, RecordEvery: 5, RecordParticles: true, Seed: 7}
	res, err := Minimize(p, s)
	if err != nil {
		t.Fatal(err)
	}
	want := []int{0, 5, 10, 15, 20, 23}
	if len(res.PathIters) != len(want) {
		t.Fatalf("PathIters = %v, want %v", res.PathIters, want)
	}
	for i, k := range want {
		if res.PathIters[i] != k {
			t.Fatalf("PathIters = %v, want %v", res.PathIters, want)
		}
		snap := res.Snapshots[i]
		f := make([]float64, 8)
		fmin := math.Inf(1)
		for r := range f {
			f[r] = Sphere(snap.RawRowView(r))
			fmin = math.Min(fmin, f[r])
		}
		if fmin != res.History[k] {
			t.Errorf("iteration %d: History = %v, snapshot min energy %v", k, res.History[k], fmin)
		}
		c, _ := Consensus(nil, snap, f, 1)
		for j := range c {
			if math.Abs(c[j]-res.Path.At(i, j)) > 1e-15 {
				t.Errorf("iteration %d: Path row %v, consensus of snapshot %v", k, res.Path.RawRowView(i), c)
				break
			}
		}
	}
	if !mat.Equal(res.Snapshots[len(want)-1], res.X) {
		t.Error("last snapshot is not the final particles")
	}
	if res.Evaluations != 8*24+1 {
		t.Errorf("Evaluations = %d, want %d", res.Evaluations, 8*24+1)
	}
	if res.ConsensusEnergy != Sphere(res.Consensus) {
		t.Errorf("ConsensusEnergy = %v, want %v", res.ConsensusEnergy, Sphere(res.Consensus))
	}
	for k, v := range res.History {
		if res.BestEnergy > v {
			t.Errorf("BestEnergy %v > History[%d] = %v", res.BestEnergy, k, v)
		}
	}
}

// TestBatchObjective: the batched signature gives the same run as the
// per-point one.
func TestBatchObjective(t *testing.T) {
	s := &Settings{Sigma: 1, Alpha: 30, Noise: Anisotropic, Seed: 11, MaxIter: 200}
	a, err := Minimize(&Problem{Dim: 4, Func: Rastrigin}, s)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Minimize(&Problem{Dim: 4, Batch: func(X *mat.Dense, f []float64) {
		for i := range f {
			f[i] = Rastrigin(X.RawRowView(i))
		}
	}}, s)
	if err != nil {
		t.Fatal(err)
	}
	if !mat.Equal(a.X, b.X) || a.ConsensusEnergy != b.ConsensusEnergy {
		t.Error("batched and per-point objectives gave different runs")
	}
}

// TestBoxConstraints: particles stay in the box and the constrained
// minimiser of a sphere centred outside it is its projection.
func TestBoxConstraints(t *testing.T) {
	p := &Problem{Dim: 2, Func: func(x []float64) float64 {
		a, b := x[0]-3, x[1]+0.5
		return a*a + b*b
	}, Lower: []float64{-1, -1}, Upper: []float64{1, 1}}
	for seed := range uint64(5) {
		res, err := Minimize(p, &Settings{N: 50, Sigma: 1, Alpha: 1e4, Dt: 0.05, Seed: seed, MaxIter: 5000, RecordEvery: 10, RecordParticles: true})
		if err != nil {
			t.Fatal(err)
		}
		if e := infDist(res.Consensus, []float64{1, -0.5}); e > 0.01 {
			t.Errorf("seed %d: consensus %v, want (1, -0.5)", seed, res.Consensus)
		}
		for _, snap := range res.Snapshots {
			for _, v := range snap.RawMatrix().Data {
				if v < -1 || v > 1 {
					t.Fatalf("seed %d: particle coordinate %v outside [-1, 1]", seed, v)
				}
			}
		}
	}
}

// TestAlphaSchedulers: the multiplicative scheduler reaches its cap; the
// ESS scheduler holds the effective sample size at its target.
func TestAlphaSchedulers(t *testing.T) {
	p := &Problem{Dim: 3, Func: Rastrigin}
	res, err := Minimize(p, &Settings{Alpha: 2, AlphaFactor: 1.1, AlphaMax: 50, MaxIter: 60, Tol: -1, Sigma: 0.3})
	if err != nil {
		t.Fatal(err)
	}
	for k, a := range res.AlphaHistory {
		want := math.Min(2*math.Pow(1.1, float64(k)), 50)
		if math.Abs(a-want) > 1e-12*want {
			t.Fatalf("alpha at %d = %v, want %v", k, a, want)
		}
	}
	res, err = Minimize(p, &Settings{AlphaESS: 1, MaxIter: 5, Tol: -1, Sigma: 0.3})
	if err != nil {
		t.Fatal(err)
	}
	for k, a := range res.AlphaHistory {
		if a > 1e-6 {
			t.Errorf("AlphaESS = 1: alpha at %d = %v, want ≈ 0", k, a)
		}
	}
	s := &Settings{N: 50, AlphaESS: 0.3, MaxIter: 20, Tol: -1, Sigma: 0.3, RecordEvery: 1, RecordParticles: true, InitRadius: 4}
	res, err = Minimize(p, s)
	if err != nil {
		t.Fatal(err)
	}
	for i, snap := range res.Snapshots {
		k := res.PathIters[i]
		f := make([]float64, 50)
		for r := range f {
			f[r] = Rastrigin(snap.RawRowView(r))
		}
		if got := EffectiveSampleSize(f, res.AlphaHistory[k]); math.Abs(got-15) > 1e-6 {
			t.Errorf("iteration %d: ESS = %v at alpha %v, want 15", k, got, res.AlphaHistory[k])
		}
	}
}

func TestMinimizePanics(t *testing.T) {
	f := func(x []float64) float64 { return 0 }
	for name, fn := range map[string]func(){
		"nil problem":    func() { _, _ = Minimize(nil, nil) },
		"zero dim":       func() { _, _ = Minimize(&Problem{Func: f}, nil) },
		"no objective":   func() { _, _ = Minimize(&Problem{Dim: 2}, nil) },
		"box length":     func() { _, _ = Minimize(&Problem{Dim: 2, Func: f, Lower: []float64{0}}, nil) },
		"empty box":      func() { _, _ = Minimize(&Problem{Dim: 1, Func: f, Lower: []float64{1}, Upper: []float64{0}}, nil) },
		"negative dt":    func() { _, _ = Minimize(&Problem{Dim: 1, Func: f}, &Settings{Dt: -1}) },
		"init shape":     func() { _, _ = Minimize(&Problem{Dim: 2, Func: f}, &Settings{N: 3, Init: mat.NewDense(2, 2, nil)}) },
		"unknown noise":  func() { _, _ = Minimize(&Problem{Dim: 1, Func: f}, &Settings{Noise: 7}) },
		"ESS above one":  func() { _, _ = Minimize(&Problem{Dim: 1, Func: f}, &Settings{AlphaESS: 2}) },
		"center length":  func() { _, _ = Minimize(&Problem{Dim: 2, Func: f}, &Settings{InitCenter: []float64{1}}) },
		"RunMany checks": func() { _, _ = RunMany(&Problem{Dim: 0, Func: f}, nil, []uint64{1}) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			fn()
		}()
	}
}

func TestStatusString(t *testing.T) {
	want := []string{"Converged", "MaxIterReached", "Stopped", "Canceled", "Failed"}
	for i, w := range want {
		if got := Status(i).String(); got != w {
			t.Errorf("Status(%d) = %q, want %q", i, got, w)
		}
	}
	if Isotropic.String() != "isotropic" || Anisotropic.String() != "anisotropic" {
		t.Error("Noise names differ from CBXpy's")
	}
}
