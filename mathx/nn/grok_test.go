package nn

import (
	"os"
	"slices"
	"sync"
	"testing"
	"time"
)

// The grokking experiment of Prieto et al. (arXiv 2501.04697) at CPU
// size: (a+b) mod 41 with 40 % of the 1681 pairs for training, the
// authors' MLP (one-hot a and b in, two hidden ReLU layers, here of 128,
// no biases), full-batch AdamW without weight decay (lr 0.02, β₂ 0.9,
// ε 1e-25), the softmax cross-entropy computed in float32, 500 steps for
// every run.
const (
	grokP     = 41
	grokFrac  = 0.4
	grokWidth = 128
	grokSteps = 500
)

func grokRun(seed uint64, ortho bool, loss LossKind, prec Precision) (Eval, time.Duration) {
	train, test := ModularAddition(grokP, grokFrac, seed)
	net := NewMLP([]int{2 * grokP, grokWidth, grokWidth, grokP}, ReLU, false, seed)
	start := time.Now()
	r, err := Train(net, train, &Settings{
		Loss: loss, Precision: prec,
		Optimizer: AdamW, LR: 0.02, Beta2: 0.9, Eps: 1e-25, OrthoGrad: ortho,
		BatchSize: train.Len(), MaxIter: grokSteps, Seed: seed,
		Test: test, EvalEvery: -1,
	})
	if err != nil {
		panic(err)
	}
	return r.Evals[len(r.Evals)-1], time.Since(start)
}

// TestGrokking checks both sides of the paper's claim with the same step
// budget, medians over the seeds (data split, initialisation, order)
// compared with the thresholds of issue 19:
//
//   - ⊥Grad generalises: test accuracy ≥ 0.90.
//   - The baseline memorises (training accuracy 1) and stops there (test
//     accuracy < 0.20) with its softmax collapsed: ≥ 50 % of the training
//     samples have a float32 loss of exactly 0 — their correct-class
//     probability rounded to 1, so the gradient of their correct logit is
//     exactly 0 (the authors' measure).
//
// make test runs seed 1 (two runs in parallel, about 10 s on 2 shared
// cores); make conformance (GOMX_CONFORMANCE=1) seeds 1, 2 and 3 (about
// 30 s). Measured: ⊥Grad test accuracy 0.994, 0.955, 0.956; baseline
// training accuracy 1, test accuracy 0.000, 96 % of the training samples
// collapsed (0.963, 0.958, 0.964). A whole
// sample's gradient is exactly zero only once every other logit trails by
// about 104 (e^−104 underflows float32); few samples get there in this
// budget (Metrics.ZeroGrad is logged).
func TestGrokking(t *testing.T) {
	seeds := []uint64{1}
	if os.Getenv("GOMX_CONFORMANCE") == "1" {
		seeds = []uint64{1, 2, 3}
	}
	ortho := make([]Eval, len(seeds))
	base := make([]Eval, len(seeds))
	var wg sync.WaitGroup
	start := time.Now()
	for i, seed := range seeds {
		wg.Add(2)
		go func() { defer wg.Done(); ortho[i], _ = grokRun(seed, true, SoftmaxCE, Float32) }()
		go func() { defer wg.Done(); base[i], _ = grokRun(seed, false, SoftmaxCE, Float32) }()
	}
	wg.Wait()
	for i, seed := range seeds {
		t.Logf("seed %d: ⊥Grad train %.3f test %.3f | baseline train %.3f test %.3f, zero loss %.3f, zero gradient %.3f",
			seed, ortho[i].Train.Accuracy, ortho[i].Test.Accuracy,
			base[i].Train.Accuracy, base[i].Test.Accuracy, base[i].Train.ZeroLoss, base[i].Train.ZeroGrad)
	}
	t.Logf("%d runs of %d steps in %v", 2*len(seeds), grokSteps, time.Since(start))
	med := func(e []Eval, f func(Eval) float64) float64 {
		v := make([]float64, len(e))
		for i := range e {
			v[i] = f(e[i])
		}
		slices.Sort(v)
		return v[len(v)/2]
	}
	if m := med(ortho, func(e Eval) float64 { return e.Test.Accuracy }); m < 0.90 {
		t.Errorf("⊥Grad: median test accuracy %.3f, want ≥ 0.90", m)
	}
	if m := med(base, func(e Eval) float64 { return e.Train.Accuracy }); m != 1 {
		t.Errorf("baseline: median training accuracy %.3f, want 1", m)
	}
	if m := med(base, func(e Eval) float64 { return e.Test.Accuracy }); m >= 0.20 {
		t.Errorf("baseline: median test accuracy %.3f, want < 0.20", m)
	}
	if m := med(base, func(e Eval) float64 { return e.Train.ZeroLoss }); m < 0.50 {
		t.Errorf("baseline: median fraction of collapsed training samples %.3f, want ≥ 0.50", m)
	}
}
