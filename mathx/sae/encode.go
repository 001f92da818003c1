package sae

import (
	"fmt"
	"math"
	"runtime"
	"sort"
	"sync"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"
)

// Kind is the rule that chooses which latents are active.
type Kind int

// Selection rules.
const (
	// TopK keeps the K largest pre-activations of each row (Gao et al.);
	// ties go to the lower latent index.
	TopK Kind = iota
	// MutualChoice keeps the K·B largest entries of ReLU(pre) over the
	// whole batch (BatchTopK), so tokens get a variable number of
	// latents; ties go to the lower row-major index.
	MutualChoice
	// FeatureChoice lets each latent keep its largest M entries of
	// ReLU(pre) along the batch (uniform capacity, or Zipf-shaped
	// capacities with ZipfExponent > 0); ties go to the lower row.
	FeatureChoice
	// GradientTopK (g-SAE) ranks latents by s = pre + β·pre·|W_decᵀ∇ₓL|
	// using the host model's gradient ∇ₓL, and keeps the ordinary
	// activations of the K best; β = 0 is exactly TopK.
	GradientTopK
)

func (k Kind) String() string {
	switch k {
	case TopK:
		return "TopK"
	case MutualChoice:
		return "MutualChoice"
	case FeatureChoice:
		return "FeatureChoice"
	case GradientTopK:
		return "GradientTopK"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Selection configures the sparsity rule.
type Selection struct {
	Kind Kind
	// K is the number of active latents per token (per token on average
	// for MutualChoice and FeatureChoice). 0 means 8.
	K int
	// M is FeatureChoice's capacity per latent; 0 means max(1, K·B/F).
	M int
	// ZipfExponent > 0 gives FeatureChoice latents Zipf-shaped capacities
	// m_j ∝ rank_j^−s summing to K·B, ranked by their total ReLU(pre) in
	// the batch (the paper's exact rule is unverified; 0 is uniform).
	ZipfExponent float64
	// Beta is GradientTopK's weight on the gradient term.
	Beta float64
}

func (s Selection) k() int {
	if s.K == 0 {
		return 8
	}
	if s.K < 0 {
		panic(fmt.Sprintf("sae: Selection.K = %d is negative", s.K))
	}
	return s.K
}

// Pass is one forward pass through a model: the pre-activations, the
// active latents as a sparse matrix by rows, and the reconstruction.
type Pass struct {
	B, D, F int
	X       *mat.Dense // the input, B×D (not copied)
	Pre     *mat.Dense // B×F pre-activations
	Recon   *mat.Dense // B×D reconstruction
	xc      []float64  // x − b_pre, B×D
	codes   sparse     // active latents with their positive values
}

// sparse is a B×F matrix in compressed rows, column indices ascending.
type sparse struct {
	ptr []int // len B+1
	idx []int
	val []float64
}

func (s *sparse) reset() {
	s.ptr = append(s.ptr[:0], 0)
	s.idx = s.idx[:0]
	s.val = s.val[:0]
}

func (s *sparse) endRow() { s.ptr = append(s.ptr, len(s.idx)) }

// emptyRows makes s a matrix of n empty rows.
func (s *sparse) emptyRows(n int) {
	s.reset()
	for ; n > 0; n-- {
		s.endRow()
	}
}

// Z returns the codes as a dense B×F matrix.
func (p *Pass) Z() *mat.Dense {
	z := mat.NewDense(p.B, p.F, nil)
	for b := 0; b < p.B; b++ {
		for e := p.codes.ptr[b]; e < p.codes.ptr[b+1]; e++ {
			z.Set(b, p.codes.idx[e], p.codes.val[e])
		}
	}
	return z
}

// Active returns the number of active latents of each row.
func (p *Pass) Active() []int {
	n := make([]int, p.B)
	for b := range n {
		n[b] = p.codes.ptr[b+1] - p.codes.ptr[b]
	}
	return n
}

// NMSE returns Σ_b‖x̂_b − x_b‖² / Σ_b‖x_b − x̄‖², the normalised
// reconstruction error of the pass. It does not depend on the data's
// scale and is computed on x and x̂ scaled by a power of two, so it holds
// from 1e-300 to 1e300; for a batch without variance (one row, identical
// rows) it is +Inf, or NaN when the reconstruction is exact too.
func (p *Pass) NMSE() float64 {
	num, den, _ := scaledErrorTerms(p.X, p.Recon)
	return num / den
}

// MSE returns the mean over all B·D entries of (x̂ − x)², computed on
// scaled data (see NMSE): +Inf only where the mean itself exceeds the
// float64 range.
func (p *Pass) MSE() float64 {
	num, _, e := scaledErrorTerms(p.X, p.Recon)
	return math.Ldexp(num/float64(p.B*p.D), 2*e)
}

// scaledErrorTerms is errorTerms of x·2⁻ᵉ and recon·2⁻ᵉ, with e = 0 when
// the largest finite entry is in [2⁻¹⁰⁰, 2¹⁰⁰] (the same arithmetic as
// errorTerms there), else the exponent that brings it to [½, 1).
func scaledErrorTerms(x, recon *mat.Dense) (num, den float64, e int) {
	big := 0.0
	for _, m := range []*mat.Dense{x, recon} {
		r, _ := m.Dims()
		for i := 0; i < r; i++ {
			for _, v := range m.RawRowView(i) {
				if a := math.Abs(v); a > big && a <= math.MaxFloat64 {
					big = a
				}
			}
		}
	}
	if big == 0 || big >= 0x1p-100 && big <= 0x1p100 {
		num, den = errorTerms(x, recon)
		return num, den, 0
	}
	_, e = math.Frexp(big)
	xs, rs := mat.DenseCopyOf(x), mat.DenseCopyOf(recon)
	for _, m := range []*mat.Dense{xs, rs} {
		m.Apply(func(_, _ int, v float64) float64 { return math.Ldexp(v, -e) }, m)
	}
	num, den = errorTerms(xs, rs)
	return num, den, e
}

func errorTerms(x, recon *mat.Dense) (num, den float64) {
	b, d := x.Dims()
	mean := make([]float64, d)
	for r := 0; r < b; r++ {
		axpy(1, x.RawRowView(r), mean)
	}
	scale(mean, 1/float64(b))
	for r := 0; r < b; r++ {
		xr, yr := x.RawRowView(r), recon.RawRowView(r)
		for i := range xr {
			e := yr[i] - xr[i]
			c := xr[i] - mean[i]
			num += e * e
			den += c * c
		}
	}
	return num, den
}

// Forward runs x (B×D) through the model with the selection rule sel.
// gradX (B×D, the host model's ∇ₓL) is needed only for GradientTopK and
// ignored otherwise.
func (m *Model) Forward(x *mat.Dense, sel Selection, gradX *mat.Dense) *Pass {
	p := &Pass{}
	m.forward(p, x, sel, gradX)
	return p
}

// Encode returns the dense B×F codes of x under sel.
func (m *Model) Encode(x *mat.Dense, sel Selection, gradX *mat.Dense) *mat.Dense {
	return m.Forward(x, sel, gradX).Z()
}

func (m *Model) forward(p *Pass, x *mat.Dense, sel Selection, gradX *mat.Dense) {
	bsz, d := x.Dims()
	if d != m.D || bsz == 0 {
		panic(fmt.Sprintf("sae: Forward: x is %d×%d, model wants B×%d with B > 0", bsz, d, m.D))
	}
	if sel.Kind == GradientTopK {
		if gradX == nil {
			panic("sae: Forward: GradientTopK needs gradX")
		}
		if r, c := gradX.Dims(); r != bsz || c != d {
			panic(fmt.Sprintf("sae: Forward: gradX is %d×%d, want %d×%d", r, c, bsz, d))
		}
	}
	p.B, p.D, p.F, p.X = bsz, d, m.F, x
	p.xc = grow(p.xc, bsz*d)
	for b := 0; b < bsz; b++ {
		xr := x.RawRowView(b)
		row := p.xc[b*d : (b+1)*d]
		for i := range row {
			row[i] = xr[i] - m.BPre[i]
		}
	}
	if p.Pre == nil || rows(p.Pre) != bsz {
		p.Pre = mat.NewDense(bsz, m.F, nil)
		p.Recon = mat.NewDense(bsz, d, nil)
	}
	pre := p.Pre.RawMatrix()
	enc := m.WEnc.RawMatrix()
	encodeProduct(pre.Data, pre.Stride, p.xc, bsz, d, enc.Data, enc.Stride, m.F, m.BEnc)

	switch sel.Kind {
	case TopK:
		selectTopK(&p.codes, pre, sel.k(), nil)
	case GradientTopK:
		score := mat.NewDense(bsz, m.F, nil)
		blas64.Gemm(blas.NoTrans, blas.Trans, 1, gradX.RawMatrix(), m.WDecT.RawMatrix(), 0, score.RawMatrix())
		s := score.RawMatrix()
		for b := 0; b < bsz; b++ {
			pr := pre.Data[b*pre.Stride : b*pre.Stride+m.F]
			sr := s.Data[b*s.Stride : b*s.Stride+m.F]
			for j, v := range pr {
				sr[j] = v + sel.Beta*v*math.Abs(sr[j])
			}
		}
		selectTopK(&p.codes, pre, sel.k(), &s)
	case MutualChoice:
		selectMutual(&p.codes, pre, sel.k()*bsz)
	case FeatureChoice:
		selectFeature(&p.codes, pre, capacities(pre, sel))
	default:
		panic(fmt.Sprintf("sae: unknown selection kind %v", sel.Kind))
	}
	m.decode(p.Recon, &p.codes, true)
}

// decode writes out = codes·WDecT (+ BPre when bias).
func (m *Model) decode(out *mat.Dense, c *sparse, bias bool) {
	raw := out.RawMatrix()
	dec := m.WDecT.RawMatrix()
	for b := 0; b < raw.Rows; b++ {
		row := raw.Data[b*raw.Stride : b*raw.Stride+raw.Cols]
		if bias {
			copy(row, m.BPre)
		} else {
			clear(row)
		}
		for e := c.ptr[b]; e < c.ptr[b+1]; e++ {
			j := c.idx[e]
			axpy(c.val[e], dec.Data[j*dec.Stride:j*dec.Stride+raw.Cols], row)
		}
	}
}

// better reports whether entry a ranks above entry b: larger value, then
// lower index.
func better(va, vb float64, a, b int) bool {
	return va > vb || (va == vb && a < b)
}

// topIndices writes into idx the positions of the k best entries of v
// (larger value first, ties to the lower position; NaN ranks last), in
// ascending position order. It uses a size-k min-heap: O(n log k).
func topIndices(v []float64, k int, idx []int) []int {
	idx = idx[:0]
	if k > len(v) {
		k = len(v)
	}
	if k == 0 {
		return idx
	}
	val := func(i int) float64 {
		if x := v[i]; x == x {
			return x
		}
		return math.Inf(-1)
	}
	// heap of the k best so far, worst at the root
	worse := func(a, b int) bool { return better(val(b), val(a), b, a) }
	down := func(h []int, i int) {
		for {
			l := 2*i + 1
			if l >= len(h) {
				return
			}
			w := l
			if r := l + 1; r < len(h) && worse(h[r], h[l]) {
				w = r
			}
			if !worse(h[w], h[i]) {
				return
			}
			h[i], h[w] = h[w], h[i]
			i = w
		}
	}
	for i := 0; i < k; i++ {
		idx = append(idx, i)
	}
	for i := k/2 - 1; i >= 0; i-- {
		down(idx, i)
	}
	thr := val(idx[0])
	for i := k; i < len(v); i++ {
		// a later entry enters only if strictly larger than the worst kept
		// one (ties go to the lower index); NaN never does.
		if v[i] > thr {
			idx[0] = i
			down(idx, 0)
			thr = val(idx[0])
		}
	}
	sort.Ints(idx)
	return idx
}

// selectTopK keeps per row the k best entries of score (pre when score is
// nil) and stores the positive pre-activations among them.
func selectTopK(c *sparse, pre blas64.General, k int, score *blas64.General) {
	c.reset()
	if score == nil {
		score = &pre
	}
	// rows are independent: split them over the cores, then concatenate
	// in row order, so the result does not depend on the split.
	workers := min(runtime.GOMAXPROCS(0), max(1, pre.Rows/64))
	parts := make([][]int, pre.Rows)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		lo, hi := w*pre.Rows/workers, (w+1)*pre.Rows/workers
		wg.Add(1)
		go func() {
			defer wg.Done()
			buf := make([]int, k*(hi-lo))
			for b := lo; b < hi; b++ {
				sr := score.Data[b*score.Stride : b*score.Stride+pre.Cols]
				o := (b - lo) * k
				parts[b] = topIndices(sr, k, buf[o:o:o+k])
			}
		}()
	}
	wg.Wait()
	for b := 0; b < pre.Rows; b++ {
		pr := pre.Data[b*pre.Stride : b*pre.Stride+pre.Cols]
		for _, j := range parts[b] {
			if pr[j] > 0 {
				c.idx = append(c.idx, j)
				c.val = append(c.val, pr[j])
			}
		}
		c.endRow()
	}
}

// selectMutual keeps the n largest entries of ReLU(pre) over the whole
// matrix (ties to the lower row-major index); zeros carry nothing, so only
// positive entries compete.
func selectMutual(c *sparse, pre blas64.General, n int) {
	cols := pre.Cols
	cand := make([]int, 0, pre.Rows*cols/4)
	vals := make([]float64, pre.Rows*cols)
	for b := 0; b < pre.Rows; b++ {
		pr := pre.Data[b*pre.Stride : b*pre.Stride+cols]
		for j, v := range pr {
			vals[b*cols+j] = v
			if v > 0 {
				cand = append(cand, b*cols+j)
			}
		}
	}
	if n < len(cand) {
		quickselect(cand, vals, n)
		cand = cand[:n]
	}
	keep := make([]bool, len(vals))
	for _, e := range cand {
		keep[e] = true
	}
	fillFromMask(c, pre, keep)
}

func fillFromMask(c *sparse, pre blas64.General, keep []bool) {
	c.reset()
	cols := pre.Cols
	for b := 0; b < pre.Rows; b++ {
		pr := pre.Data[b*pre.Stride : b*pre.Stride+cols]
		km := keep[b*cols : (b+1)*cols]
		for j, k := range km {
			if k {
				c.idx = append(c.idx, j)
				c.val = append(c.val, pr[j])
			}
		}
		c.endRow()
	}
}

// quickselect reorders idx so that its first n entries are the n best by
// (vals desc, index asc). Deterministic pivots (median of three).
func quickselect(idx []int, vals []float64, n int) {
	lo, hi := 0, len(idx)
	for hi-lo > 1 {
		mid := lo + (hi-lo)/2
		a, b, c := idx[lo], idx[mid], idx[hi-1]
		piv := b
		if better(vals[a], vals[b], a, b) != better(vals[a], vals[c], a, c) {
			piv = a
		} else if better(vals[b], vals[a], b, a) == better(vals[b], vals[c], b, c) {
			piv = c
		}
		// three-way partition: better than pivot, the pivot, worse.
		i, j := lo, hi-1
		for i <= j {
			for better(vals[idx[i]], vals[piv], idx[i], piv) {
				i++
			}
			for better(vals[piv], vals[idx[j]], piv, idx[j]) {
				j--
			}
			if i <= j {
				idx[i], idx[j] = idx[j], idx[i]
				i++
				j--
			}
		}
		// [lo, j] rank above the pivot, [i, hi) below, between is the pivot.
		switch {
		case n < j+1:
			hi = j + 1
		case n > i:
			lo = i
		default:
			return
		}
	}
}

// capacities returns FeatureChoice's per-latent capacity.
func capacities(pre blas64.General, sel Selection) []int {
	bsz, f := pre.Rows, pre.Cols
	total := sel.k() * bsz
	caps := make([]int, f)
	if sel.ZipfExponent <= 0 {
		m := sel.M
		if m == 0 {
			m = max(1, total/f)
		}
		for j := range caps {
			caps[j] = m
		}
		return caps
	}
	// Zipf profile over latents ranked by their total ReLU(pre).
	mass := make([]float64, f)
	for b := 0; b < bsz; b++ {
		for j, v := range pre.Data[b*pre.Stride : b*pre.Stride+f] {
			if v > 0 {
				mass[j] += v
			}
		}
	}
	order := make([]int, f)
	for j := range order {
		order[j] = j
	}
	sort.SliceStable(order, func(a, b int) bool { return mass[order[a]] > mass[order[b]] })
	w := make([]float64, f)
	var sum float64
	for r := range w {
		w[r] = math.Pow(float64(r+1), -sel.ZipfExponent)
		sum += w[r]
	}
	assigned := 0
	for r, j := range order {
		caps[j] = min(bsz, int(math.Floor(float64(total)*w[r]/sum)))
		assigned += caps[j]
	}
	total = min(total, bsz*f)
	for assigned < total { // the remainder goes to the top ranks, one each per round
		for r := 0; assigned < total && r < f; r++ {
			if j := order[r]; caps[j] < bsz {
				caps[j]++
				assigned++
			}
		}
	}
	return caps
}

// selectFeature keeps for each latent j its caps[j] largest positive
// entries along the batch (ties to the lower row).
func selectFeature(c *sparse, pre blas64.General, caps []int) {
	bsz, f := pre.Rows, pre.Cols
	keep := make([]bool, bsz*f)
	col := make([]float64, bsz)
	var idx []int
	for j := 0; j < f; j++ {
		for b := 0; b < bsz; b++ {
			v := pre.Data[b*pre.Stride+j]
			if v <= 0 {
				v = math.Inf(-1)
			}
			col[b] = v
		}
		idx = topIndices(col, caps[j], idx)
		for _, b := range idx {
			if col[b] > 0 {
				keep[b*f+j] = true
			}
		}
	}
	fillFromMask(c, pre, keep)
}

func grow(s []float64, n int) []float64 {
	if cap(s) < n {
		return make([]float64, n)
	}
	return s[:n]
}

func rows(a *mat.Dense) int { r, _ := a.Dims(); return r }
