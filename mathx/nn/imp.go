package nn

import (
	"fmt"
	"math"
)

// PruneIterative is iterative magnitude pruning with rewinding (Frankle &
// Carbin 2019, arXiv 1803.03635; with rewinding to step k, Frankle et al.
// 2020, arXiv 1912.05671): it trains net for rewind steps with s and
// keeps that state (parameters and optimiser state), then, for each of
// rounds rounds, trains a copy of the kept state to s.MaxIter steps,
// prunes the trained copy's weights by global magnitude (PruneGlobal) to
// density^(r/rounds) in round r — every round keeps the same fraction of
// the weights left — and rewinds: the kept state takes the new mask, its
// other weights as they were at step rewind. A last run trains the
// rewound network at the final density to s.MaxIter steps.
//
// Every run continues from step rewind with a new data order seeded by
// s.Seed (the same in every round). It returns the rounds+1 runs' results
// in order — the dense run first, the final sparse network last — and
// leaves net as the last run's network (its masks and trained parameters).
// Masks net already has are kept (their weights rank last). When a run
// ends Canceled or Failed the results so far are returned (the last one
// with that status, and its error) and net is left at step rewind with the
// masks found so far.
func PruneIterative(net *MLP, data *Dataset, density float64, rounds, rewind int, s *Settings) ([]*Result, error) {
	if data == nil || data.X == nil {
		panic("nn: PruneIterative: no data")
	}
	checkDensity("PruneIterative", density)
	c := s.withDefaults(data.Len())
	if rounds < 1 {
		panic(fmt.Sprintf("nn: PruneIterative: rounds = %d, want ≥ 1", rounds))
	}
	if rewind < 0 || rewind > c.MaxIter {
		panic(fmt.Sprintf("nn: PruneIterative: rewind = %d, want in [0, MaxIter = %d]", rewind, c.MaxIter))
	}
	data.check("PruneIterative", net, c.Loss)
	if c.Test != nil {
		c.Test.check("PruneIterative (Settings.Test)", net, c.Loss)
	}
	pc := c
	pc.MaxIter = rewind
	pc.EvalEvery, pc.Test, pc.Callback = 0, nil, nil
	base := newTrainer(net, data, &pc)
	if rewind > 0 {
		r := &Result{Net: net, Status: MaxIterReached}
		if err := base.run(r); err != nil || r.Status == Canceled {
			return []*Result{r}, err
		}
	}
	var results []*Result
	for round := 0; round <= rounds; round++ {
		ct := base.spawn(&c, c.Seed)
		r := &Result{Net: ct.net, Status: MaxIterReached, Iterations: rewind, Epochs: base.epochs}
		err := ct.run(r)
		results = append(results, r)
		if err != nil || r.Status == Canceled {
			return results, err
		}
		if round == rounds {
			for l := range net.Layers {
				net.SetMask(l, ct.net.Layers[l].Mask)
			}
			net.SetParams(ct.net.Params)
			r.Net = net
			break
		}
		pruned := ct.net.Clone()
		PruneGlobal(pruned, math.Pow(density, float64(round+1)/float64(rounds)))
		for l, L := range pruned.Layers {
			net.SetMask(l, L.Mask)
			if L.Mask == nil {
				continue
			}
			off := net.Layers[l].off
			for i, keep := range L.Mask {
				if !keep {
					base.zeroState(off + i)
				}
			}
		}
	}
	return results, nil
}
