package sae

import (
	"fmt"
	"gonum.org/v1/gonum/floats"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// Toy is synthetic data in superposition with its ground truth: NTrue unit
// directions in R^D, and batches whose rows are sparse non-negative
// combinations of them.
type Toy struct {
	Dirs    *mat.Dense   // NTrue×D, unit rows: the true features
	Batches []*mat.Dense // each B×D
	Codes   []*mat.Dense // each B×NTrue: the true activations
}

// Superposition makes toy data in superposition, the data bench/sae trains
// on (on both sides of its peer comparison): nTrue directions drawn
// uniformly on the unit sphere of R^d; each row activates every direction
// independently with probability p, with a magnitude uniform on (0, 1);
// x = Σ aᵢ fᵢ. It returns nBatches batches of size
// batch. Randomness comes from a PCG seeded with seed. It panics on sizes
// below 1 or p outside [0, 1] (NaN included).
func Superposition(d, nTrue int, p float64, nBatches, batch int, seed uint64) *Toy {
	if d <= 0 || nTrue <= 0 || nBatches <= 0 || batch <= 0 || !(p >= 0 && p <= 1) {
		panic(fmt.Sprintf("sae: Superposition(d=%d, nTrue=%d, p=%g, nBatches=%d, batch=%d): bad arguments", d, nTrue, p, nBatches, batch))
	}
	rng := rand.New(rand.NewPCG(seed, 0x70f))
	dirs := mat.NewDense(nTrue, d, nil)
	for i := 0; i < nTrue; i++ {
		row := dirs.RawRowView(i)
		for {
			for j := range row {
				row[j] = rng.NormFloat64()
			}
			if n := norm(row); n > 0 {
				scale(row, 1/n)
				break
			}
		}
	}
	t := &Toy{Dirs: dirs}
	for k := 0; k < nBatches; k++ {
		x := mat.NewDense(batch, d, nil)
		a := mat.NewDense(batch, nTrue, nil)
		for b := 0; b < batch; b++ {
			ar, xr := a.RawRowView(b), x.RawRowView(b)
			for i := range ar {
				if rng.Float64() < p {
					ar[i] = rng.Float64()
					axpy(ar[i], dirs.RawRowView(i), xr)
				}
			}
		}
		t.Batches = append(t.Batches, x)
		t.Codes = append(t.Codes, a)
	}
	return t
}

// Recovery measures how well the decoder found the true directions (rows
// of dirs): for each true direction the largest |cos| with a decoder
// direction; it returns their mean and the fraction above threshold
// (0.9 is the usual). The cosines use scaled norms, so directions at any
// scale count alike. A direction that is zero or not finite, or a decoder
// that is not finite, has no cosine: the mean is then NaN and the
// direction is not counted as recovered. It panics when dirs has no rows
// or the wrong width, or threshold is NaN.
func (m *Model) Recovery(dirs mat.Matrix, threshold float64) (meanMaxCos, fraction float64) {
	n, d := dirs.Dims()
	if d != m.D || n == 0 || threshold != threshold {
		panic(fmt.Sprintf("sae: Recovery: directions are %d×%d, model has D = %d, threshold %v", n, d, m.D, threshold))
	}
	dec := m.WDecT.RawMatrix()
	v := make([]float64, d)
	w := make([]float64, d)
	hit := 0
	for i := 0; i < n; i++ {
		mat.Row(v, i, dirs)
		nv := floats.Norm(v, 2)
		if !(nv > 0 && nv <= math.MaxFloat64) {
			meanMaxCos = math.NaN()
			continue
		}
		for k := range v {
			v[k] /= nv // not ·(1/nv), which overflows for subnormal nv
		}
		best := 0.0
		for j := 0; j < m.F; j++ {
			copy(w, dec.Data[j*dec.Stride:j*dec.Stride+d])
			nw := floats.Norm(w, 2)
			if nw == 0 {
				continue
			}
			for k := range w {
				w[k] /= nw
			}
			if c := math.Abs(dot(v, w)); c > best || c != c {
				best = c
			}
		}
		meanMaxCos += best
		if best > threshold {
			hit++
		}
	}
	return meanMaxCos / float64(n), float64(hit) / float64(n)
}

// Usage counts, for each latent, the rows of the batches in which it is
// active under sel (a feature-usage histogram's data). gradX is needed only
// for GradientTopK, one per batch.
func (m *Model) Usage(batches []*mat.Dense, sel Selection, gradX []*mat.Dense) []int {
	count := make([]int, m.F)
	var p Pass
	for i, x := range batches {
		var g *mat.Dense
		if gradX != nil {
			g = gradX[i]
		}
		m.forward(&p, x, sel, g)
		for _, j := range p.codes.idx {
			count[j]++
		}
	}
	return count
}

// Metrics summarises a model on some batches.
type Metrics struct {
	NMSE  float64 // Σ‖x̂ − x‖² / Σ‖x − x̄‖² over all rows (means per batch)
	L0    float64 // mean number of active latents per row
	Dead  int     // latents never active on these batches
	Dense int     // latents active on more than DenseFrac of the rows
}

// DenseFrac is the firing frequency above which Evaluate counts a latent
// as dense.
const DenseFrac = 0.1

// Evaluate runs the batches through m under sel and returns the metrics.
func (m *Model) Evaluate(batches []*mat.Dense, sel Selection, gradX []*mat.Dense) Metrics {
	var num, den float64
	var active, rowsSeen int
	count := make([]int, m.F)
	var p Pass
	for i, x := range batches {
		var g *mat.Dense
		if gradX != nil {
			g = gradX[i]
		}
		m.forward(&p, x, sel, g)
		n, dd := errorTerms(x, p.Recon)
		num += n
		den += dd
		active += len(p.codes.idx)
		rowsSeen += p.B
		for _, j := range p.codes.idx {
			count[j]++
		}
	}
	r := Metrics{NMSE: num / den, L0: float64(active) / float64(rowsSeen)}
	for _, c := range count {
		if c == 0 {
			r.Dead++
		}
		if float64(c) > DenseFrac*float64(rowsSeen) {
			r.Dense++
		}
	}
	return r
}
