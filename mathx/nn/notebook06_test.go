package nn

import (
	"math"
	"os"
	"testing"
)

// The claims of notebooks/06-training-dynamics, each with the notebook's
// settings and the thresholds its cells are checked against
// (notebooks/notebooks_test.go checks the printed numbers of the same
// runs). Measured values are in each test's comment.

// splitRange returns the rows [lo, hi) of d.
func splitRange(d *Dataset, lo, hi int) *Dataset {
	rows := make([]int, hi-lo)
	for i := range rows {
		rows[i] = lo + i
	}
	return d.Subset(rows)
}

// TestNotebook06Grokking: the notebook's grokking cell, (a+b) mod 29
// with half the pairs for training, hidden widths 96, full-batch AdamW
// without weight decay (lr 0.02, β₂ 0.9, ε 1e-25), the softmax
// cross-entropy in float32, 300 steps each. Claim (Prieto et al.):
// without regularisation the baseline memorises and its softmax
// collapses, so it never generalises; ⊥Grad groks. Thresholds: ⊥Grad test
// accuracy ≥ 0.85; baseline training accuracy 1, test < 0.2, ≥ 0.4 of its
// training samples collapsed (loss exactly 0). Measured: ⊥Grad test
// 0.917; baseline test 0.005, collapsed 0.669.
func TestNotebook06Grokking(t *testing.T) {
	run := func(ortho bool) Eval {
		train, test := ModularAddition(29, 0.5, 1)
		net := NewMLP([]int{58, 96, 96, 29}, ReLU, false, 1)
		r, err := Train(net, train, &Settings{Precision: Float32, Optimizer: AdamW, LR: 0.02, Beta2: 0.9, Eps: 1e-25,
			OrthoGrad: ortho, BatchSize: train.Len(), MaxIter: 300, Seed: 1, Test: test})
		if err != nil {
			t.Fatal(err)
		}
		return r.Evals[len(r.Evals)-1]
	}
	o, b := run(true), run(false)
	t.Logf("⊥Grad train %.3f test %.3f | baseline train %.3f test %.3f collapsed %.3f", o.Train.Accuracy, o.Test.Accuracy, b.Train.Accuracy, b.Test.Accuracy, b.Train.ZeroLoss)
	if o.Test.Accuracy < 0.85 {
		t.Errorf("⊥Grad test accuracy %.3f, want ≥ 0.85", o.Test.Accuracy)
	}
	if b.Train.Accuracy != 1 || b.Test.Accuracy >= 0.2 || b.Train.ZeroLoss < 0.4 {
		t.Errorf("baseline train %.3f test %.3f collapsed %.3f, want 1, < 0.2, ≥ 0.4", b.Train.Accuracy, b.Test.Accuracy, b.Train.ZeroLoss)
	}
}

// TestNotebook06StableMax: the notebook's StableMax cell, the setting
// of TestStableMaxGroks cut to 1600 steps: (a+b) mod 41, 70 % of the
// pairs for training, widths 64, AdamW (lr 0.01, β₂ 0.99, ε 1e-25),
// StableMax cross-entropy in float64. Claim: StableMax groks without
// regularisation, later than ⊥Grad. Thresholds: memorised first
// (training accuracy 1 and test < 0.2 at step 800), test accuracy at
// 1600 ≥ 0.25 and above that at 800 (generalisation under way; the
// 4000-step run of TestStableMaxGroks reaches 0.943). Measured: test
// 0.073 at 800, 0.341 at 1600. Long (1600 steps, about 12 s): make
// conformance only.
func TestNotebook06StableMax(t *testing.T) {
	if os.Getenv("GOMX_CONFORMANCE") != "1" {
		t.Skip("long (1600 grokking steps, about 12 s): runs in make conformance (GOMX_CONFORMANCE=1)")
	}
	train, test := ModularAddition(41, 0.7, 1)
	net := NewMLP([]int{82, 64, 64, 41}, ReLU, false, 1)
	r, err := Train(net, train, &Settings{Loss: StableMaxCE, Optimizer: AdamW, LR: 0.01, Beta2: 0.99, Eps: 1e-25,
		BatchSize: train.Len(), MaxIter: 1600, Seed: 1, Test: test, EvalEvery: 800})
	if err != nil {
		t.Fatal(err)
	}
	e8, e16 := r.Evals[0], r.Evals[1]
	t.Logf("step 800 train %.3f test %.3f; step 1600 train %.3f test %.3f", e8.Train.Accuracy, e8.Test.Accuracy, e16.Train.Accuracy, e16.Test.Accuracy)
	if e8.Train.Accuracy != 1 || e8.Test.Accuracy >= 0.2 {
		t.Errorf("step 800: train %.3f test %.3f, want 1 and < 0.2", e8.Train.Accuracy, e8.Test.Accuracy)
	}
	if e16.Test.Accuracy < 0.25 || e16.Test.Accuracy <= e8.Test.Accuracy {
		t.Errorf("step 1600: test %.3f, want ≥ 0.25 and above step 800's %.3f", e16.Test.Accuracy, e8.Test.Accuracy)
	}
}

// pruneData is the notebook's data for random pruning and soups: a
// 10-class Gaussian mixture in 32 dimensions (means at radius 2.5, so
// the classes overlap), 2000 training samples, then held-out samples.
func pruneData() (train, held, test *Dataset) {
	all := GaussianMixture(10, 32, 4000, 2.5, 2)
	return splitRange(all, 0, 2000), splitRange(all, 2000, 3000), splitRange(all, 3000, 4000)
}

// pruneRun trains a network of hidden widths w (two layers) with random
// masks of the densities (nil: dense) and returns its test accuracy.
func pruneRun(train, test *Dataset, w int, dens func([]int, float64) []float64, density float64, seed uint64) float64 {
	sizes := []int{32, w, w, 10}
	net := NewMLP(sizes, ReLU, true, seed)
	if dens != nil {
		RandomMasks(net, dens(sizes, density), seed+100)
	}
	if _, err := Train(net, train, &Settings{LR: 0.003, BatchSize: 64, MaxIter: 400, Seed: seed}); err != nil {
		panic(err)
	}
	return Evaluate(net, test, SoftmaxCE, Float64).Accuracy
}

// TestNotebook06RandomPruning: the notebook's random-pruning cell, one
// seed, hidden widths 32 and 128, random masks at 50, 80 and 90 %
// sparsity with ERK and uniform layer-wise densities, trained from
// scratch (Adam, lr 0.003, batch 64, 400 steps). Claim (Liu et al.):
// random sparse networks trained from scratch match the dense one at
// moderate sparsity, and the wider the network the higher the sparsity at
// which they still match. Thresholds: at 50 % sparsity every sparse run
// within 0.03 of its dense network; at 90 % the wide network's ERK run
// within 0.03 of dense and the narrow one's more than 0.1 below it.
// Measured (test accuracy, ERK/uniform): width 32 dense 0.770,
// 0.761/0.773, 0.684/0.680, 0.364/0.325 at 50/80/90 %; width 128 dense
// 0.745, 0.745/0.752, 0.757/0.781, 0.779/0.769. ERK and uniform differ
// little: with 32 inputs and 10 outputs the layers' ERK densities are
// close to uniform.
func TestNotebook06RandomPruning(t *testing.T) {
	train, _, test := pruneData()
	gap90 := map[int]float64{}
	for _, w := range []int{32, 128} {
		dense := pruneRun(train, test, w, nil, 1, 1)
		for _, sp := range []float64{0.5, 0.8, 0.9} {
			erk := pruneRun(train, test, w, ERKDensities, 1-sp, 1)
			uni := pruneRun(train, test, w, UniformDensities, 1-sp, 1)
			t.Logf("width %d sparsity %.0f%%: dense %.3f ERK %.3f uniform %.3f", w, 100*sp, dense, erk, uni)
			if sp == 0.5 && (dense-erk > 0.03 || dense-uni > 0.03) {
				t.Errorf("width %d at 50 %%: ERK %.3f, uniform %.3f, dense %.3f: want within 0.03", w, erk, uni, dense)
			}
			if sp == 0.9 {
				gap90[w] = dense - erk
			}
		}
	}
	if gap90[128] > 0.03 || gap90[32] <= 0.1 {
		t.Errorf("dense − ERK at 90 %%: width 128 %.3f (want ≤ 0.03), width 32 %.3f (want > 0.1)", gap90[128], gap90[32])
	}
}

// TestNotebook06SparseSoup: the notebook's soup cell. A dense network
// (widths 64, Adam lr 0.003, 400 steps) pruned by global magnitude to 20
// % density, then five copies retrained with different data orders (200
// steps each), sharing the mask; their uniform and greedy soups (greedy
// on held-out data). Claim (Zimmer et al.): the soup keeps the sparsity
// and beats its ingredients. Thresholds: the soups' density 0.2; the
// uniform soup's test accuracy above the best ingredient's and its test
// loss below the ingredients' mean. Measured: ingredients' accuracy
// 0.752–0.762 (loss 0.7467–0.7641, mean 0.7538), uniform soup 0.765
// (loss 0.7469); the greedy soup kept only the best ingredient.
func TestNotebook06SparseSoup(t *testing.T) {
	train, held, test := pruneData()
	parent := NewMLP([]int{32, 64, 64, 10}, ReLU, true, 1)
	if _, err := Train(parent, train, &Settings{LR: 0.003, BatchSize: 64, MaxIter: 400, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	PruneGlobal(parent, 0.2)
	var ing [][]float64
	var best, meanLoss float64
	for seed := uint64(1); seed <= 5; seed++ {
		c := parent.Clone()
		if _, err := Train(c, train, &Settings{LR: 0.003, BatchSize: 64, MaxIter: 200, Seed: seed + 10}); err != nil {
			t.Fatal(err)
		}
		ing = append(ing, c.Params)
		m := Evaluate(c, test, SoftmaxCE, Float64)
		best = max(best, m.Accuracy)
		meanLoss += m.Loss / 5
		t.Logf("ingredient %d: test accuracy %.3f loss %.4f", seed, m.Accuracy, m.Loss)
	}
	soup := parent.Clone()
	soup.SetParams(UniformSoup(parent, ing))
	ms := Evaluate(soup, test, SoftmaxCE, Float64)
	g, used := GreedySoup(parent, ing, held, SoftmaxCE, Float64)
	greedy := parent.Clone()
	greedy.SetParams(g)
	mg := Evaluate(greedy, test, SoftmaxCE, Float64)
	t.Logf("uniform soup: accuracy %.3f loss %.4f density %.3f; greedy soup (%v): accuracy %.3f loss %.4f", ms.Accuracy, ms.Loss, soup.Density(-1), used, mg.Accuracy, mg.Loss)
	if math.Abs(soup.Density(-1)-0.2) > 1e-3 || math.Abs(greedy.Density(-1)-0.2) > 1e-3 {
		t.Errorf("soup densities %.3f, %.3f, want 0.2", soup.Density(-1), greedy.Density(-1))
	}
	if ms.Accuracy <= best || ms.Loss >= meanLoss {
		t.Errorf("uniform soup: accuracy %.3f (best ingredient %.3f), loss %.4f (ingredients' mean %.4f)", ms.Accuracy, best, ms.Loss, meanLoss)
	}
}

// spawnBarriers spawns two children at each step k from one parent on
// the notebook's LMC task — (a+b) mod 23 with 60 % of the pairs, widths
// 128, Adam lr 0.01, batch 16, 600 steps in all — and returns the loss
// barrier between them on the training set.
func spawnBarriers(ks []int) []float64 {
	train, _ := ModularAddition(23, 0.6, 1)
	var b []float64
	for _, k := range ks {
		net := NewMLP([]int{46, 128, 128, 23}, ReLU, true, 1)
		ca, cb, err := Spawn(net, train, k, 11, 12, &Settings{LR: 0.01, BatchSize: 16, MaxIter: 600, Seed: 1})
		if err != nil {
			panic(err)
		}
		b = append(b, Barrier(net, ca.Net.Params, cb.Net.Params, train, SoftmaxCE, Float64, 11).LossBarrier)
	}
	return b
}

// TestNotebook06SpawnBarrier: the notebook's LMC cell. Claim (Frankle et
// al. 2020, and the Landscaping LMC paper's account of it): children
// spawned from a common parent are separated by a loss barrier when
// spawned at initialisation and become linearly connected once the spawn
// step passes a short early phase. Thresholds: barrier at k = 0 ≥ 0.3,
// at k = 300 (half-way) ≤ 0.01, and at k = 100 below a tenth of k = 0's.
// Measured: 1.026 at 0, 0.035 at 10, 0.041 at 30, 0.002 at 100, 0.000 at
// 300.
func TestNotebook06SpawnBarrier(t *testing.T) {
	b := spawnBarriers([]int{0, 100, 300})
	t.Logf("loss barrier at k = 0, 100, 300: %.4f %.4f %.4f", b[0], b[1], b[2])
	if b[0] < 0.3 || b[2] > 0.01 || b[1] >= b[0]/10 {
		t.Errorf("barriers %.4f, %.4f, %.4f at k = 0, 100, 300: want ≥ 0.3, < a tenth of the first, ≤ 0.01", b[0], b[1], b[2])
	}
}

// opposingRun trains the notebook's opposing-signals network — widths
// 2-32-32-2, full-batch SGD at lr, 400 steps — on OpposingSignals(400,
// outlierFrac, 1, 8) and returns, after each step, the loss on all
// samples, on the outliers and on the others.
func opposingRun(outlierFrac, lr float64) (all, out, in []float64) {
	data := OpposingSignals(400, outlierFrac, 1, 8, 1)
	nOut := int(outlierFrac * 400)
	dOut, dIn := splitRange(data, 0, max(nOut, 1)), splitRange(data, nOut, 400)
	net := NewMLP([]int{2, 32, 32, 2}, ReLU, true, 1)
	_, err := Train(net, data, &Settings{Optimizer: SGD, LR: lr, BatchSize: 400, MaxIter: 400, Seed: 1,
		Callback: func(int, *Result) bool {
			all = append(all, Evaluate(net, data, SoftmaxCE, Float64).Loss)
			out = append(out, Evaluate(net, dOut, SoftmaxCE, Float64).Loss)
			in = append(in, Evaluate(net, dIn, SoftmaxCE, Float64).Loss)
			return true
		}})
	if err != nil {
		panic(err)
	}
	return all, out, in
}

// spikes returns the steps i at which the loss rose by more than half
// (loss[i] > 1.5·loss[i−1]), the notebook's marked spikes.
func spikes(loss []float64) []int {
	var s []int
	for i := 1; i < len(loss); i++ {
		if loss[i] > 1.5*loss[i-1] {
			s = append(s, i)
		}
	}
	return s
}

// TestNotebook06OpposingSignals: the notebook's last cell. Claim
// (Rosenfeld & Risteski): a few outliers whose large feature opposes the
// majority's drive the loss spikes of training: at a spike one group's
// loss jumps while the other's falls, the network swinging between using
// the large feature for the majority and against it for the outliers.
// Thresholds: with 5 % outliers at lr 1, ≥ 5 spikes, and at ≥ 80 % of
// them the losses of outliers and majority move in opposite directions;
// the same run without outliers has at most a fifth as many spikes.
// Measured: 5 % outliers, 17 spikes, all 17 opposite; without outliers 0.
func TestNotebook06OpposingSignals(t *testing.T) {
	all, out, in := opposingRun(0.05, 1)
	s := spikes(all)
	opposite := 0
	for _, i := range s {
		if (out[i]-out[i-1])*(in[i]-in[i-1]) < 0 {
			opposite++
		}
	}
	clean, _, _ := opposingRun(0, 1)
	c := spikes(clean)
	t.Logf("5 %% outliers: %d spikes at %v, %d with outliers and majority opposite; no outliers: %d spikes", len(s), s, opposite, len(c))
	if len(s) < 5 || float64(opposite) < 0.8*float64(len(s)) || 5*len(c) > len(s) {
		t.Errorf("%d spikes, %d opposite, %d without outliers: want ≥ 5, ≥ 80 %% opposite, at most a fifth without outliers", len(s), opposite, len(c))
	}
}

// searchRun is the notebook's random-search cell: widths up to
// 32-64-64-10 at 10 % of the weights, 8 candidates with random
// layer-wise densities (and, with widths, random hidden widths), each
// trained like the random-pruning runs (Adam, lr 0.003, batch 64, 400
// steps), ranked on the held-out samples; it returns the test accuracies
// of the best candidate, of ERK and of uniform masks.
func searchRun(widths bool) (best, erk, uni float64, r *SearchResult) {
	train, held, test := pruneData()
	r, err := RandomSearch(train, &SearchSettings{Sizes: []int{32, 64, 64, 10}, Bias: true, Density: 0.1, Trials: 8, Widths: widths,
		Held: held, Seed: 1, Train: &Settings{LR: 0.003, BatchSize: 64, MaxIter: 400}})
	if err != nil {
		panic(err)
	}
	acc := func(c Candidate) float64 { return Evaluate(c.Result.Net, test, SoftmaxCE, Float64).Accuracy }
	return acc(r.Trials[r.Best]), acc(r.ERK), acc(r.Uniform), r
}

// TestNotebook06RandomSearch: the notebook's random-search cell. Claim
// (Farahani 2024): the sparse configurations random search finds are no
// better than random sparse networks at the same sparsity — a neutral
// baseline. Thresholds: searching layer-wise densities only, the best
// candidate's test accuracy within ±0.03 of the better of ERK and
// uniform; searching widths too, at least that minus 0.03 (it may do
// better: narrower, denser layers). Measured (test accuracy): densities
// only, best candidate 0.667 against ERK 0.692 and uniform 0.655; with
// widths, 0.745 (hidden widths 35 and 28, densities 0.29/0.21/0.53).
func TestNotebook06RandomSearch(t *testing.T) {
	for _, widths := range []bool{false, true} {
		best, erk, uni, r := searchRun(widths)
		for k, c := range r.Trials {
			t.Logf("widths %v, candidate %d: %v densities %.3f, held %.3f", widths, k, c.Sizes, c.Densities, c.Held.Accuracy)
		}
		t.Logf("widths %v: test accuracy of the best candidate (%d) %.3f, ERK %.3f, uniform %.3f", widths, r.Best, best, erk, uni)
		d := best - max(erk, uni)
		if d < -0.03 || !widths && d > 0.03 {
			t.Errorf("widths %v: best candidate − best baseline %.3f", widths, d)
		}
	}
}
