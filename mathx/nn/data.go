package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/mat"
)

// Dataset is a set of samples: inputs X (n×d), class labels (for the
// cross-entropy losses and accuracy) and, optionally, real targets for
// SquaredError (n×outputs; when nil, SquaredError uses the one-hot
// labels).
type Dataset struct {
	X       *mat.Dense // inputs, one sample per row
	Labels  []int      // class of each row, in [0, Classes)
	Targets *mat.Dense // optional regression targets
	Classes int        // number of classes
}

// Len returns the number of samples.
func (d *Dataset) Len() int {
	r, _ := d.X.Dims()
	return r
}

// nonFinite returns an error naming the first NaN or ±Inf entry of X
// or Targets (nil for a nil data set or finite data).
func (d *Dataset) nonFinite() error {
	if d == nil {
		return nil
	}
	for _, m := range []struct {
		name string
		x    *mat.Dense
	}{{"X", d.X}, {"Targets", d.Targets}} {
		if m.x == nil {
			continue
		}
		r, _ := m.x.Dims()
		for i := 0; i < r; i++ {
			for j, v := range m.x.RawRowView(i) {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					return fmt.Errorf("%s[%d,%d] = %g: the data must be finite", m.name, i, j, v)
				}
			}
		}
	}
	return nil
}

// check panics with fn's name unless d fits net.
func (d *Dataset) check(fn string, net *MLP, k LossKind) {
	if d == nil || d.X == nil {
		panic(fmt.Sprintf("nn: %s: no data", fn))
	}
	n, c := d.X.Dims()
	if c != net.Sizes[0] {
		panic(fmt.Sprintf("nn: %s: data has %d features, the network takes %d inputs", fn, c, net.Sizes[0]))
	}
	if raw := d.X.RawMatrix(); raw.Stride != raw.Cols {
		panic(fmt.Sprintf("nn: %s: X is a strided view; pass a mat.DenseCopyOf it", fn))
	}
	out := net.Sizes[len(net.Sizes)-1]
	if k == SquaredError && d.Targets != nil {
		tr, tc := d.Targets.Dims()
		if tr != n || tc != out {
			panic(fmt.Sprintf("nn: %s: Targets are %d×%d, want %d×%d", fn, tr, tc, n, out))
		}
		if raw := d.Targets.RawMatrix(); raw.Stride != raw.Cols {
			panic(fmt.Sprintf("nn: %s: Targets is a strided view; pass a mat.DenseCopyOf it", fn))
		}
		return
	}
	if len(d.Labels) != n {
		panic(fmt.Sprintf("nn: %s: %d labels for %d samples", fn, len(d.Labels), n))
	}
	for i, y := range d.Labels {
		if y < 0 || y >= out {
			panic(fmt.Sprintf("nn: %s: Labels[%d] = %d, the network has %d outputs", fn, i, y, out))
		}
	}
}

// targetRow returns row i of the targets, or nil (one-hot labels).
func (d *Dataset) targetRow(i int) []float64 {
	if d.Targets == nil {
		return nil
	}
	return d.Targets.RawRowView(i)
}

func (d *Dataset) label(i int) int {
	if d.Labels == nil {
		return 0
	}
	return d.Labels[i]
}

// Subset returns the samples at the given rows, copied, in that order.
func (d *Dataset) Subset(rows []int) *Dataset {
	if len(rows) == 0 {
		panic("nn: Dataset.Subset: no rows")
	}
	n, c := d.X.Dims()
	for _, r := range rows {
		if r < 0 || r >= n {
			panic(fmt.Sprintf("nn: Dataset.Subset: row %d of %d", r, n))
		}
	}
	s := &Dataset{X: mat.NewDense(len(rows), c, nil), Classes: d.Classes}
	if d.Labels != nil {
		s.Labels = make([]int, len(rows))
	}
	if d.Targets != nil {
		_, tc := d.Targets.Dims()
		s.Targets = mat.NewDense(len(rows), tc, nil)
	}
	for i, r := range rows {
		s.X.SetRow(i, d.X.RawRowView(r))
		if d.Labels != nil {
			s.Labels[i] = d.Labels[r]
		}
		if d.Targets != nil {
			s.Targets.SetRow(i, d.Targets.RawRowView(r))
		}
	}
	return s
}

// ModularAddition returns the task (a + b) mod p over all p² pairs, split
// at random (PCG seeded with seed) into int(trainFrac·p²) training samples
// and the rest for testing, as the Grokking paper's code does. Each input
// is the one-hot code of a followed by that of b (2p features); the label
// is (a + b) mod p (p classes). Within each split, samples keep the order
// a·p + b.
func ModularAddition(p int, trainFrac float64, seed uint64) (train, test *Dataset) {
	if p < 2 {
		panic(fmt.Sprintf("nn: ModularAddition: p = %d, want ≥ 2", p))
	}
	if !(trainFrac > 0 && trainFrac < 1) {
		panic(fmt.Sprintf("nn: ModularAddition: trainFrac = %g, want in (0, 1)", trainFrac))
	}
	n := p * p
	nTrain := int(trainFrac * float64(n))
	if nTrain < 1 || nTrain >= n {
		panic(fmt.Sprintf("nn: ModularAddition: trainFrac = %g leaves an empty split of %d pairs", trainFrac, n))
	}
	all := &Dataset{X: mat.NewDense(n, 2*p, nil), Labels: make([]int, n), Classes: p}
	for a := 0; a < p; a++ {
		for b := 0; b < p; b++ {
			i := a*p + b
			row := all.X.RawRowView(i)
			row[a] = 1
			row[p+b] = 1
			all.Labels[i] = (a + b) % p
		}
	}
	rng := rand.New(rand.NewPCG(seed, 0x6d6f64))
	perm := rng.Perm(n)
	tr, te := perm[:nTrain], perm[nTrain:]
	slices.Sort(tr)
	slices.Sort(te)
	return all.Subset(tr), all.Subset(te)
}

// GaussianMixture returns n samples in dim dimensions from k classes:
// class means drawn uniformly on the sphere of radius sep, each sample its
// class mean plus standard normal noise; sample i has class i mod k. PCG
// seeded with seed.
func GaussianMixture(k, dim, n int, sep float64, seed uint64) *Dataset {
	if k < 1 || dim < 1 || n < 1 {
		panic(fmt.Sprintf("nn: GaussianMixture(k=%d, dim=%d, n=%d): sizes must be positive", k, dim, n))
	}
	if !(sep >= 0) || math.IsInf(sep, 0) {
		panic(fmt.Sprintf("nn: GaussianMixture: sep = %g, want finite ≥ 0", sep))
	}
	rng := rand.New(rand.NewPCG(seed, 0x676d6d))
	means := make([]float64, k*dim)
	for c := 0; c < k; c++ {
		mu := means[c*dim : (c+1)*dim]
		for {
			var ss float64
			for i := range mu {
				mu[i] = rng.NormFloat64()
				ss += mu[i] * mu[i]
			}
			if ss > 0 {
				f := sep / math.Sqrt(ss)
				for i := range mu {
					if math.IsInf(f, 0) {
						mu[i] = sep * (mu[i] / math.Sqrt(ss)) // sep near math.MaxFloat64
					} else {
						mu[i] *= f
					}
				}
				break
			}
		}
	}
	d := &Dataset{X: mat.NewDense(n, dim, nil), Labels: make([]int, n), Classes: k}
	for i := 0; i < n; i++ {
		c := i % k
		d.Labels[i] = c
		row := d.X.RawRowView(i)
		for j := range row {
			row[j] = means[c*dim+j] + rng.NormFloat64()
		}
	}
	return d
}

// OpposingSignals returns a two-class, two-feature data set in the spirit
// of Rosenfeld & Risteski's "Outliers with Opposing Signals": a label
// y ∈ {0, 1} (sign σ = 2y−1) and
//
//	x₁ = σ·signal + 0.5·ε₁          a small, consistent feature
//	x₂ = ±σ·big + 0.5·ε₂             a large one: +σ for most samples, −σ
//	                                  for the outliers
//
// with standard normal ε. The first int(outlierFrac·n) samples are the
// outliers (their large feature opposes the label); the others follow it.
// Labels alternate 0, 1, 0, … PCG seeded with seed.
func OpposingSignals(n int, outlierFrac, signal, big float64, seed uint64) *Dataset {
	if n < 2 {
		panic(fmt.Sprintf("nn: OpposingSignals: n = %d, want ≥ 2", n))
	}
	if !(outlierFrac >= 0 && outlierFrac <= 1) {
		panic(fmt.Sprintf("nn: OpposingSignals: outlierFrac = %g, want in [0, 1]", outlierFrac))
	}
	if math.IsNaN(signal) || math.IsInf(signal, 0) || math.IsNaN(big) || math.IsInf(big, 0) {
		panic(fmt.Sprintf("nn: OpposingSignals: signal = %g, big = %g, want finite", signal, big))
	}
	rng := rand.New(rand.NewPCG(seed, 0x6f7070))
	d := &Dataset{X: mat.NewDense(n, 2, nil), Labels: make([]int, n), Classes: 2}
	nOut := int(outlierFrac * float64(n))
	for i := 0; i < n; i++ {
		y := i % 2
		s := float64(2*y - 1)
		dir := 1.0
		if i < nOut {
			dir = -1
		}
		d.Labels[i] = y
		d.X.Set(i, 0, s*signal+0.5*rng.NormFloat64())
		d.X.Set(i, 1, dir*s*big+0.5*rng.NormFloat64())
	}
	return d
}
