package nn

import (
	"context"
	"math"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/gomx-dev/gomx/mathx/interrupt"
)

// TestTrainDeterministicAcrossGOMAXPROCS trains the same network with the
// same settings under GOMAXPROCS 1, 2 and 4, with layers large enough for
// the kernels to split their work over goroutines (256×256 outputs), and
// requires bit-identical parameters and histories.
func TestTrainDeterministicAcrossGOMAXPROCS(t *testing.T) {
	data := GaussianMixture(10, 32, 600, 4, 1)
	run := func(procs int) ([]float64, []float64) {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		net := NewMLP([]int{32, 256, 256, 10}, GELU, true, 3)
		RandomMasks(net, ERKDensities(net.Sizes, 0.5), 4)
		r, err := Train(net, data, &Settings{BatchSize: 256, MaxIter: 8, Optimizer: AdamW, WeightDecay: 0.01, OrthoGrad: true, Seed: 5, EvalEvery: -1})
		if err != nil {
			t.Fatal(err)
		}
		return net.Params, r.History
	}
	p1, h1 := run(1)
	for _, procs := range []int{2, 4} {
		p, h := run(procs)
		for i := range p1 {
			if math.Float64bits(p[i]) != math.Float64bits(p1[i]) {
				t.Fatalf("GOMAXPROCS %d: parameter %d = %v, with 1: %v", procs, i, p[i], p1[i])
			}
		}
		for i := range h1 {
			if math.Float64bits(h[i]) != math.Float64bits(h1[i]) {
				t.Fatalf("GOMAXPROCS %d: loss of step %d = %v, with 1: %v", procs, i, h[i], h1[i])
			}
		}
	}
}

// TestTrainCanceled: a context canceled during training ends it at the
// next step with Canceled and the partial history; an interrupted cell
// (mathx/interrupt) does the same when Settings.Context is nil; a cancel
// from another goroutine during a long run returns promptly.
func TestTrainCanceled(t *testing.T) {
	data := GaussianMixture(3, 4, 200, 3, 1)
	ctx, cancel := context.WithCancel(context.Background())
	r, err := Train(NewMLP([]int{4, 8, 3}, ReLU, true, 1), data, &Settings{
		MaxIter: 100, Context: ctx,
		Callback: func(it int, _ *Result) bool {
			if it == 4 {
				cancel()
			}
			return true
		},
	})
	if err != nil || r.Status != Canceled || r.Iterations != 5 || len(r.History) != 5 {
		t.Errorf("canceled after step 5: status %v, %d steps, %d losses, err %v", r.Status, r.Iterations, len(r.History), err)
	}

	done, stop := context.WithCancel(context.Background())
	stop()
	interrupt.Set(done)
	r, _ = Train(NewMLP([]int{4, 8, 3}, ReLU, true, 1), data, nil)
	interrupt.Set(nil)
	if r.Status != Canceled || r.Iterations != 0 {
		t.Errorf("interrupted cell: status %v after %d steps", r.Status, r.Iterations)
	}

	ctx, cancel = context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	r, _ = Train(NewMLP([]int{4, 64, 64, 3}, ReLU, true, 1), data, &Settings{MaxIter: 1 << 30, Context: ctx, EvalEvery: -1})
	if el := time.Since(start); r.Status != Canceled || el > time.Second {
		t.Errorf("cancel after 50 ms: status %v after %v (%d steps)", r.Status, el, r.Iterations)
	}

	// A full batch of 16384 rows (a step of about 8 GFLOP) is abandoned
	// between chunks: Canceled well before the step could end, parameters
	// unchanged, nothing recorded.
	big := GaussianMixture(10, 64, 16384, 3, 1)
	net := NewMLP([]int{64, 256, 256, 10}, ReLU, true, 1)
	before := append([]float64(nil), net.Params...)
	ctx, cancel = context.WithCancel(context.Background())
	time.AfterFunc(20*time.Millisecond, cancel)
	start = time.Now()
	r, _ = Train(net, big, &Settings{BatchSize: big.Len(), MaxIter: 1, Context: ctx, EvalEvery: -1})
	el := time.Since(start)
	if r.Status != Canceled || r.Iterations != 0 || len(r.History) != 0 {
		t.Errorf("cancel within a step: status %v, %d steps, history %v after %v", r.Status, r.Iterations, r.History, el)
	}
	for i := range before {
		if net.Params[i] != before[i] {
			t.Fatal("a canceled step changed the parameters")
		}
	}
	t.Logf("a step of 16384 rows canceled after %v", el)
}

// TestTrainStatuses: MaxIterReached, Converged on Tol, Stopped by the
// callback, Failed with an error on a panicking callback and on NaN data
// (parameters unchanged).
func TestTrainStatuses(t *testing.T) {
	data := GaussianMixture(2, 3, 100, 6, 1)
	net := NewMLP([]int{3, 8, 2}, Tanh, true, 1)
	r, err := Train(net, data, &Settings{MaxIter: 7})
	if err != nil || r.Status != MaxIterReached || r.Iterations != 7 || len(r.Evals) == 0 || r.Evals[len(r.Evals)-1].Step != 7 {
		t.Errorf("MaxIter 7: %v, %d steps, evals %v, err %v", r.Status, r.Iterations, r.Evals, err)
	}
	r, _ = Train(net, data, &Settings{MaxIter: 5000, Tol: 0.05, LR: 0.01})
	if r.Status != Converged || r.History[len(r.History)-1] > 0.05 {
		t.Errorf("Tol 0.05: %v, last loss %g", r.Status, r.History[len(r.History)-1])
	}
	r, _ = Train(net, data, &Settings{MaxIter: 50, Callback: func(it int, _ *Result) bool { return it < 2 }})
	if r.Status != Stopped || r.Iterations != 3 {
		t.Errorf("callback false at step 3: %v after %d", r.Status, r.Iterations)
	}
	r, err = Train(net, data, &Settings{MaxIter: 50, Callback: func(int, *Result) bool { panic("boom") }})
	if r.Status != Failed || err == nil || !strings.Contains(err.Error(), "boom") {
		t.Errorf("panicking callback: %v, %v", r.Status, err)
	}
	bad := data.Subset(seq(0, 100))
	bad.X.Set(17, 1, math.NaN())
	before := append([]float64(nil), net.Params...)
	r, err = Train(net, bad, &Settings{BatchSize: 100})
	if r.Status != Failed || err == nil || !strings.Contains(err.Error(), "X[17,1]") {
		t.Errorf("NaN data: %v, %v", r.Status, err)
	}
	for i := range before {
		if net.Params[i] != before[i] {
			t.Fatal("NaN data changed the parameters")
		}
	}
}

// TestTrainKeepsMasksAndLearns: a sparse network learns a Gaussian
// mixture (training accuracy ≥ 0.9) with its masked weights at zero and
// its density unchanged; every loss and precision trains.
func TestTrainKeepsMasksAndLearns(t *testing.T) {
	data := GaussianMixture(4, 8, 400, 4, 2)
	for _, loss := range []LossKind{SoftmaxCE, StableMaxCE, SquaredError} {
		for _, prec := range []Precision{Float64, Float32} {
			for _, opt := range []OptimizerKind{SGD, Adam, AdamW} {
				net := NewMLP([]int{8, 32, 32, 4}, ReLU, true, 1)
				RandomMasks(net, ERKDensities(net.Sizes, 0.3), 2)
				d0 := net.Density(-1)
				lr := 0.01
				if opt == SGD {
					lr = 0.1
				}
				r, err := Train(net, data, &Settings{Loss: loss, Precision: prec, Optimizer: opt, LR: lr, Momentum: 0.9, MaxIter: 300, EvalEvery: -1})
				if err != nil {
					t.Fatal(err)
				}
				if acc := r.Evals[len(r.Evals)-1].Train.Accuracy; acc < 0.9 {
					t.Errorf("%v/%v/%v: training accuracy %.3f", loss, prec, opt, acc)
				}
				for i := range net.Params {
					if isMasked(net, i) && net.Params[i] != 0 {
						t.Fatalf("%v/%v/%v: masked weight %d = %g after training", loss, prec, opt, i, net.Params[i])
					}
				}
				if net.Density(-1) != d0 {
					t.Errorf("density changed: %g → %g", d0, net.Density(-1))
				}
			}
		}
	}
}
