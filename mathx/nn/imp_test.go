package nn

import (
	"math"
	"testing"
)

// TestPruneIterative: the densities of the rounds are density^(r/rounds),
// the masks nested; with one round and rewind 0 the final run is Train
// from the initialisation with the one-shot mask of the trained dense
// network (bit for bit), and net ends as that run's network.
func TestPruneIterative(t *testing.T) {
	data := GaussianMixture(3, 6, 300, 3, 1)
	s := &Settings{LR: 0.01, BatchSize: 32, MaxIter: 60, Seed: 4}
	net := NewMLP([]int{6, 24, 24, 3}, ReLU, true, 2)
	rs, err := PruneIterative(net, data, 0.125, 3, 10, s)
	if err != nil || len(rs) != 4 {
		t.Fatalf("%d results, %v", len(rs), err)
	}
	for r, res := range rs {
		want := math.Pow(0.125, float64(r)/3)
		if d := res.Net.Density(-1); math.Abs(d-want) > 0.01 {
			t.Errorf("round %d: density %.4f, want %.4f", r, d, want)
		}
		if res.Iterations != 60 || res.Status != MaxIterReached {
			t.Errorf("round %d: %v after %d steps", r, res.Status, res.Iterations)
		}
		if r == 0 {
			continue
		}
		for l, L := range res.Net.Layers {
			prev := rs[r-1].Net.Layers[l].Mask
			for i, keep := range L.Mask {
				if keep && prev != nil && !prev[i] {
					t.Fatalf("round %d, layer %d: weight %d revived", r, l, i)
				}
			}
		}
	}
	if rs[3].Net != net {
		t.Error("the last result's network is not net")
	}

	init := NewMLP([]int{6, 24, 24, 3}, ReLU, true, 2)
	one := init.Clone()
	rs, err = PruneIterative(one, data, 0.3, 1, 0, s)
	if err != nil {
		t.Fatal(err)
	}
	dense := init.Clone()
	Train(dense, data, s)
	PruneGlobal(dense, 0.3)
	manual := init.Clone()
	for l, L := range dense.Layers {
		manual.SetMask(l, L.Mask)
	}
	Train(manual, data, s)
	for i := range manual.Params {
		if manual.Params[i] != one.Params[i] {
			t.Fatalf("parameter %d: %g, manual pruning with rewinding to 0 gives %g", i, one.Params[i], manual.Params[i])
		}
	}
	m := Evaluate(one, data, SoftmaxCE, Float64)
	t.Logf("one round at density 0.3: training accuracy %.3f", m.Accuracy)
}

// TestRandomSearch: every candidate keeps at most the budget (plus one
// weight per layer of rounding), the search is deterministic, Best is
// the best held-out accuracy, and at this size random search's best is
// within 0.05 of the better baseline (the paper's finding, at its scale,
// is that it is no better than random masks).
func TestRandomSearch(t *testing.T) {
	all := GaussianMixture(5, 8, 1200, 3, 3)
	train, held := splitRange(all, 0, 800), splitRange(all, 800, 1200)
	s := &SearchSettings{Sizes: []int{8, 48, 48, 5}, Density: 0.2, Trials: 6, Widths: true, Held: held, Seed: 5,
		Train: &Settings{LR: 0.01, BatchSize: 64, MaxIter: 150}}
	r, err := RandomSearch(train, s)
	if err != nil || r.Status != MaxIterReached || len(r.Trials) != 6 {
		t.Fatalf("%v, %d trials, %v", r.Status, len(r.Trials), err)
	}
	for k, c := range append(r.Trials, r.ERK, r.Uniform) {
		if c.Weights > r.Budget+len(c.Sizes)-1 {
			t.Errorf("candidate %d (%v, densities %.3f) keeps %d weights, budget %d", k, c.Sizes, c.Densities, c.Weights, r.Budget)
		}
		t.Logf("%v densities %.3f: %d weights, held accuracy %.3f", c.Sizes, c.Densities, c.Weights, c.Held.Accuracy)
	}
	for k, c := range r.Trials {
		if c.Held.Accuracy > r.Trials[r.Best].Held.Accuracy {
			t.Errorf("trial %d has accuracy %.3f above Best's", k, c.Held.Accuracy)
		}
	}
	again, _ := RandomSearch(train, s)
	for k := range r.Trials {
		if again.Trials[k].Held != r.Trials[k].Held {
			t.Fatalf("trial %d differs between two runs", k)
		}
	}
	best := r.Trials[r.Best].Held.Accuracy
	base := max(r.ERK.Held.Accuracy, r.Uniform.Held.Accuracy)
	t.Logf("random search best %.3f, ERK %.3f, uniform %.3f", best, r.ERK.Held.Accuracy, r.Uniform.Held.Accuracy)
	if best < base-0.05 {
		t.Errorf("random search's best %.3f, baselines' best %.3f", best, base)
	}
}
