package nn

import (
	"fmt"
	"math/rand/v2"
)

// SearchSettings configures RandomSearch.
type SearchSettings struct {
	Sizes   []int      // the largest network: input, hidden widths, output (at least one hidden layer when Widths)
	Hidden  Activation // of every candidate
	Bias    bool       // whether candidates have biases
	Density float64    // weight budget: Density times the weights of Sizes' dense network, in (0, 1]
	Trials  int        // candidates sampled; 0 → 16
	// Widths samples each hidden width too, uniformly in [⌈w/4⌉, w] for
	// Sizes' width w; otherwise every candidate has Sizes' widths.
	Widths bool
	// Train is every candidate's training (the same step budget for all);
	// its Seed is replaced by each candidate's. nil → Train's defaults.
	Train *Settings
	// Held, required, is the data the candidates are ranked on (accuracy,
	// then loss), with Train's loss and precision.
	Held *Dataset
	Seed uint64 // of the sampling, the initialisations, masks and data orders (PCG)
}

// Candidate is one sparse network of a random search and how it did.
type Candidate struct {
	Sizes     []int     // its widths
	Densities []float64 // its layer-wise densities
	Weights   int       // weights kept (biases excluded)
	Held      Metrics   // on SearchSettings.Held after training
	Result    *Result   // its training (Result.Net is the trained network)
}

// SearchResult is the outcome of RandomSearch.
type SearchResult struct {
	Status Status // MaxIterReached when every candidate was trained; else the one that ended it
	Budget int    // the weight budget
	// Trials are the sampled candidates in order; Best indexes the one
	// with the highest held-out accuracy (ties: lower loss, then lower
	// index).
	Trials []Candidate
	Best   int
	// ERK and Uniform are the baselines: Sizes' widths with ERKDensities
	// and UniformDensities at Density, trained the same way.
	ERK, Uniform Candidate
}

// RandomSearch is random search over sparse configurations under a
// parameter budget, the baseline of Farahani (2024, "Random Search as a
// Baseline for Sparse Neural Network Architecture Search", arXiv
// 2403.08265) at small scale, against ERK and uniform random masks: each
// of s.Trials candidates gets random layer-wise densities — raw weights
// u_l uniform in (0, 1], scaled so that the kept weights total the budget
// (Density times the dense network's weights), a layer whose density
// would exceed 1 made dense and the others scaled again, as for
// ERKDensities — and, with Widths, random hidden widths (a candidate
// whose dense network is within the budget is dense); it gets a random
// mask with those densities (RandomMasks), is trained from its own
// initialisation with s.Train, and is evaluated on s.Held. The two
// baselines have Sizes' widths and ERK or uniform densities. The
// baselines are trained first, then the candidates in order; a run that
// ends Canceled or Failed ends the search with what was done (Status
// and, for Failed, the error). Deterministic for s.Seed.
func RandomSearch(data *Dataset, s *SearchSettings) (*SearchResult, error) {
	if s == nil || data == nil || data.X == nil {
		panic("nn: RandomSearch: no data or no settings")
	}
	if len(s.Sizes) < 2 || s.Widths && len(s.Sizes) < 3 {
		panic(fmt.Sprintf("nn: RandomSearch: Sizes %v: want input and output widths (and a hidden layer with Widths)", s.Sizes))
	}
	for i, w := range s.Sizes {
		if w < 1 {
			panic(fmt.Sprintf("nn: RandomSearch: Sizes[%d] = %d, want ≥ 1", i, w))
		}
	}
	checkDensity("RandomSearch", s.Density)
	if s.Trials < 0 {
		panic(fmt.Sprintf("nn: RandomSearch: Trials = %d, want ≥ 0", s.Trials))
	}
	if s.Held == nil || s.Held.X == nil {
		panic("nn: RandomSearch: no Held data to rank the candidates on")
	}
	trials := s.Trials
	if trials == 0 {
		trials = 16
	}
	var ts Settings
	if s.Train != nil {
		ts = *s.Train
	}
	total := 0
	for l := 1; l < len(s.Sizes); l++ {
		total += s.Sizes[l-1] * s.Sizes[l]
	}
	res := &SearchResult{Status: MaxIterReached, Budget: int(s.Density*float64(total) + 0.5)}
	rng := rand.New(rand.NewPCG(s.Seed, 0x736561726368))
	train := func(sizes []int, dens []float64) (Candidate, error) {
		net := NewMLP(sizes, s.Hidden, s.Bias, rng.Uint64())
		RandomMasks(net, dens, rng.Uint64())
		c := ts
		c.Seed = rng.Uint64()
		r, err := Train(net, data, &c)
		cand := Candidate{Sizes: sizes, Densities: dens, Result: r}
		for l, L := range net.Layers {
			cand.Weights += int(net.Density(l)*float64(L.In*L.Out) + 0.5)
		}
		if err == nil && r.Status != Canceled {
			cand.Held = Evaluate(net, s.Held, c.Loss, c.Precision)
		}
		return cand, err
	}
	stop := func(c Candidate, err error) bool {
		if err != nil || c.Result.Status == Canceled {
			res.Status = c.Result.Status
			return true
		}
		return false
	}
	var err error
	if res.ERK, err = train(s.Sizes, ERKDensities(s.Sizes, s.Density)); stop(res.ERK, err) {
		return res, err
	}
	if res.Uniform, err = train(s.Sizes, UniformDensities(s.Sizes, s.Density)); stop(res.Uniform, err) {
		return res, err
	}
	for k := 0; k < trials; k++ {
		sizes := append([]int(nil), s.Sizes...)
		if s.Widths {
			for l := 1; l < len(sizes)-1; l++ {
				lo := (s.Sizes[l] + 3) / 4
				sizes[l] = lo + rng.IntN(s.Sizes[l]-lo+1)
			}
		}
		raw := make([]float64, len(sizes)-1)
		for l := range raw {
			raw[l] = 1 - rng.Float64() // in (0, 1]
		}
		c, err := train(sizes, budgetDensities(sizes, raw, float64(res.Budget)))
		res.Trials = append(res.Trials, c)
		if stop(c, err) {
			return res, err
		}
		b := res.Trials[res.Best].Held
		if k > 0 && (c.Held.Accuracy > b.Accuracy || c.Held.Accuracy == b.Accuracy && c.Held.Loss < b.Loss) {
			res.Best = k
		}
	}
	return res, nil
}

// budgetDensities returns densities d_l = min(1, ε·raw_l) for the layers
// of sizes with Σ d_l·n_l = budget (n_l the layer's weights), layers that
// would exceed 1 made dense and ε solved again over the others; all 1
// when the budget covers every weight.
func budgetDensities(sizes []int, raw []float64, budget float64) []float64 {
	L := len(sizes) - 1
	n := make([]float64, L)
	var all float64
	for l := range n {
		n[l] = float64(sizes[l] * sizes[l+1])
		all += n[l]
	}
	d := make([]float64, L)
	if budget >= all {
		for l := range d {
			d[l] = 1
		}
		return d
	}
	dense := make([]bool, L)
	for {
		rest, sum := budget, 0.0
		for l := range n {
			if dense[l] {
				rest -= n[l]
			} else {
				sum += raw[l] * n[l]
			}
		}
		eps := rest / sum
		again := false
		for l := range n {
			if !dense[l] && eps*raw[l] > 1 {
				dense[l], again = true, true
			}
		}
		if !again {
			for l := range d {
				d[l] = 1
				if !dense[l] {
					d[l] = max(eps*raw[l], 1e-12) // RandomMasks keeps at least one weight
				}
			}
			return d
		}
	}
}
