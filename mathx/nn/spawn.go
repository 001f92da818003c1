package nn

import "fmt"

// Spawn is the experiment of Frankle et al. (2020, arXiv 1912.05671) on
// when networks become linearly connected: it trains net for k steps with
// s (its data order seeded by s.Seed), then copies it, optimiser state
// included (momentum, Adam's moments and step count), and trains each copy
// — a child — for the remaining s.MaxIter − k steps, child A's data order
// seeded by seedA and child B's by seedB (each child begins a new epoch in
// its own order). net is left as the parent at step k; the children are the
// results' Nets, with Iterations, History and Evals counted from the
// parent's start (History and Evals hold the child's own steps only). The
// children are trained one after the other, A first, with s's callback
// (which sees the child's Result); k = 0 spawns from the initialisation,
// k = s.MaxIter gives two copies of the parent.
//
// The loss barrier between the children, Barrier(net, a.Net.Params,
// b.Net.Params, …), measures their linear mode connectivity.
//
// When the parent's training ends early (Canceled, Stopped, Converged,
// Failed), both results carry its status and a copy of the parent, and
// no child is trained; err is the parent's error. When child A's ends
// Canceled or Failed, child B is not trained (its result is a copy of the
// parent with A's status).
func Spawn(net *MLP, data *Dataset, k int, seedA, seedB uint64, s *Settings) (a, b *Result, err error) {
	if data == nil || data.X == nil {
		panic("nn: Spawn: no data")
	}
	c := s.withDefaults(data.Len())
	if k < 0 || k > c.MaxIter {
		panic(fmt.Sprintf("nn: Spawn: k = %d, want in [0, MaxIter = %d]", k, c.MaxIter))
	}
	data.check("Spawn", net, c.Loss)
	if c.Test != nil {
		c.Test.check("Spawn (Settings.Test)", net, c.Loss)
	}
	pc := c
	pc.MaxIter = k
	pc.EvalEvery, pc.Test = 0, nil
	t := newTrainer(net, data, &pc)
	pr := &Result{Net: net, Status: MaxIterReached}
	if k > 0 {
		err = t.run(pr)
	}
	copyOf := func(st Status) *Result {
		return &Result{Status: st, Iterations: pr.Iterations, Epochs: pr.Epochs, Net: net.Clone()}
	}
	if err != nil || pr.Status != MaxIterReached {
		return copyOf(pr.Status), copyOf(pr.Status), err
	}
	child := func(seed uint64) (*Result, error) {
		ct := t.spawn(&c, seed)
		r := &Result{Net: ct.net, Status: MaxIterReached, Iterations: pr.Iterations, Epochs: pr.Epochs}
		return r, ct.run(r)
	}
	if a, err = child(seedA); err != nil || a.Status == Canceled {
		return a, copyOf(a.Status), err
	}
	b, err = child(seedB)
	return a, b, err
}

// spawn returns a copy of t with its own network (a clone), optimiser
// state and buffers, settings s, and a new data order seeded by seed that
// begins with the next step.
func (t *trainer) spawn(s *Settings, seed uint64) *trainer {
	// t.net holds t's parameters (run writes them back at its end), with
	// the masks the caller may have set since
	net := t.net.Clone()
	c := newTrainer(net, t.data, s)
	if t.e32 != nil {
		c.e32.opt.copyState(&t.e32.opt)
	} else {
		c.e64.opt.copyState(&t.e64.opt)
	}
	c.rng = newOrderRNG(seed)
	c.epochs = t.epochs
	return c
}
