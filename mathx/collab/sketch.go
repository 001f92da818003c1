package collab

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// SketchKind names a sketching matrix R ∈ ℝ^{s×d}.
type SketchKind int

const (
	// NoSketch: no sketching, R = I (the messages are the d-vectors
	// themselves, clipped and noised when Sketching asks). The default.
	NoSketch SketchKind = iota
	// GaussianSketch: R has independent N(0, 1/s) entries.
	GaussianSketch
	// CountSketch: every column j of R has one nonzero entry σ_j ∈ {±1},
	// in a uniformly random row h(j) (Charikar, Chen & Farach-Colton
	// 2002; Clarkson & Woodruff 2013), applied in O(d) without forming R.
	CountSketch
)

// String returns the constant's name.
func (k SketchKind) String() string {
	switch k {
	case NoSketch:
		return "NoSketch"
	case GaussianSketch:
		return "GaussianSketch"
	case CountSketch:
		return "CountSketch"
	}
	return fmt.Sprintf("SketchKind(%d)", int(k))
}

// SketchMatrix is a random sketching matrix R ∈ ℝ^{s×d}, scaled so that
// E[RᵀR] = I: Sketch compresses g ∈ ℝ^d to Rg ∈ ℝ^s and Desketch maps
// y ∈ ℝ^s back to Rᵀy ∈ ℝ^d, so Rᵀ(Rg) is an unbiased estimate of g.
// Build one with NewSketch.
type SketchMatrix struct {
	kind SketchKind
	s, d int
	r    *mat.Dense // GaussianSketch
	row  []int      // CountSketch: h(j)
	sign []float64  // CountSketch: σ_j
}

// NewSketch returns an s×d sketching matrix of the given kind drawn from
// a PCG seeded with seed (the same seed gives the same matrix). A
// Gaussian sketch stores its s·d entries; a count sketch stores h and σ
// (2d numbers). It panics unless kind is GaussianSketch or CountSketch
// and s, d ≥ 1.
func NewSketch(kind SketchKind, s, d int, seed uint64) *SketchMatrix {
	if kind != GaussianSketch && kind != CountSketch || s < 1 || d < 1 {
		panic(fmt.Sprintf("collab.NewSketch: kind %v, s = %d, d = %d; want GaussianSketch or CountSketch and s, d ≥ 1", kind, s, d))
	}
	r := &SketchMatrix{kind: kind, s: s, d: d}
	if kind == GaussianSketch {
		r.r = mat.NewDense(s, d, nil)
	} else {
		r.row = make([]int, d)
		r.sign = make([]float64, d)
	}
	r.draw(seed)
	return r
}

// draw redraws r's random entries from a PCG seeded with seed.
func (r *SketchMatrix) draw(seed uint64) {
	if r.kind == GaussianSketch {
		rng := rand.New(rand.NewPCG(seed, 4))
		c := 1 / math.Sqrt(float64(r.s))
		raw := r.r.RawMatrix().Data
		for i := range raw {
			raw[i] = c * rng.NormFloat64()
		}
		return
	}
	rng := rand.New(rand.NewPCG(seed, 5))
	for j := range r.row {
		r.row[j] = rng.IntN(r.s)
		r.sign[j] = float64(1 - 2*int(rng.Uint64()&1))
	}
}

// Dims returns s and d.
func (r *SketchMatrix) Dims() (s, d int) { return r.s, r.d }

// Kind returns the kind of the sketch.
func (r *SketchMatrix) Kind() SketchKind { return r.kind }

// Sketch sets dst = Rg and returns it (dst nil: a new slice), the
// paper's sk(g): O(s·d) for a Gaussian sketch, O(d) for a count sketch.
// It panics unless len(g) = d and dst is nil or of length s.
func (r *SketchMatrix) Sketch(dst, g []float64) []float64 {
	if len(g) != r.d || dst != nil && len(dst) != r.s {
		panic(fmt.Sprintf("collab.SketchMatrix.Sketch: len(dst) = %d, len(g) = %d; want %d and %d", len(dst), len(g), r.s, r.d))
	}
	if dst == nil {
		dst = make([]float64, r.s)
	}
	if r.kind == GaussianSketch {
		for i := range dst {
			dst[i] = floats.Dot(r.r.RawRowView(i), g)
		}
		return dst
	}
	for i := range dst {
		dst[i] = 0
	}
	for j, x := range g {
		dst[r.row[j]] += r.sign[j] * x
	}
	return dst
}

// Desketch sets dst = Rᵀy and returns it (dst nil: a new slice), the
// paper's de-sketch desk(y). It panics unless len(y) = s and dst is nil
// or of length d.
func (r *SketchMatrix) Desketch(dst, y []float64) []float64 {
	if len(y) != r.s || dst != nil && len(dst) != r.d {
		panic(fmt.Sprintf("collab.SketchMatrix.Desketch: len(dst) = %d, len(y) = %d; want %d and %d", len(dst), len(y), r.d, r.s))
	}
	if dst == nil {
		dst = make([]float64, r.d)
	}
	if r.kind == GaussianSketch {
		for j := range dst {
			dst[j] = 0
		}
		for i, t := range y {
			floats.AddScaled(dst, t, r.r.RawRowView(i))
		}
		return dst
	}
	for j := range dst {
		dst[j] = r.sign[j] * y[r.row[j]]
	}
	return dst
}

// Dense returns R as a new s×d matrix (for checks on small d).
func (r *SketchMatrix) Dense() *mat.Dense {
	if r.kind == GaussianSketch {
		return mat.DenseCopyOf(r.r)
	}
	m := mat.NewDense(r.s, r.d, nil)
	for j, i := range r.row {
		m.Set(i, j, r.sign[j])
	}
	return m
}

// Norm returns the spectral norm ‖R‖₂, the factor by which R can
// stretch a vector (Sketching's sensitivity). For a count sketch RRᵀ is
// diagonal with the number of columns hashed to each row, so ‖R‖₂ is
// the square root of the largest count, in O(d); for a Gaussian sketch
// it is the square root of the largest eigenvalue of RRᵀ (or RᵀR when
// d < s), computed in O(min(s, d)²·max(s, d)).
func (r *SketchMatrix) Norm() float64 {
	if r.kind == CountSketch {
		count := make([]int, r.s)
		top := 0
		for _, i := range r.row {
			count[i]++
			top = max(top, count[i])
		}
		return math.Sqrt(float64(top))
	}
	var m mat.Matrix = r.r
	if r.d < r.s {
		m = r.r.T()
	}
	k, _ := m.Dims()
	gram := mat.NewSymDense(k, nil)
	gram.SymOuterK(1, m)
	var eig mat.EigenSym
	if !eig.Factorize(gram, false) {
		panic("collab.SketchMatrix.Norm: the eigendecomposition of RRᵀ did not converge")
	}
	top := 0.0
	for _, v := range eig.Values(nil) {
		top = max(top, v)
	}
	return math.Sqrt(top)
}

// Sketching configures the workers' messages in Simulate
// (Settings.Sketch): sketched gradients, and their differentially
// private variant. The zero value sends the d-vectors unchanged.
type Sketching struct {
	// Kind is the sketch (default NoSketch: R = I).
	Kind SketchKind
	// Size is s, the rows of R (0 → ⌈d/10⌉); it must be 0 under
	// NoSketch.
	Size int
	// Clip is C > 0: every message vector v is first scaled to
	// v·min(1, C/‖v‖) (0: no clipping). Epsilon > 0 needs it, since it
	// bounds the sensitivity.
	Clip float64
	// Epsilon and Delta, when Epsilon > 0, make every message
	// (ε, δ)-differentially private with respect to any change of the
	// worker's data (see Sigma); they need 0 < ε < 1 and 0 < δ < 1.
	// Epsilon 0 adds no noise (and Delta must be 0).
	Epsilon, Delta float64
}

// check panics unless c's fields are valid for dimension d, naming fn,
// and returns the sketch size s (d under NoSketch).
func (c Sketching) check(fn string, d int) int {
	bad := c.Kind < NoSketch || c.Kind > CountSketch || c.Size < 0 || c.Kind == NoSketch && c.Size != 0 ||
		!(c.Clip >= 0) || math.IsInf(c.Clip, 0) || !(c.Epsilon >= 0 && c.Epsilon < 1) || !(c.Delta >= 0 && c.Delta < 1) ||
		c.Epsilon > 0 && (c.Clip == 0 || c.Delta == 0) || c.Epsilon == 0 && c.Delta != 0
	if bad {
		panic(fmt.Sprintf("collab.%s: Sketch = %+v; want a known Kind, Size ≥ 0 (0 under NoSketch), Clip ≥ 0, and either Epsilon = Delta = 0 or 0 < Epsilon < 1, 0 < Delta < 1 with Clip > 0", fn, c))
	}
	switch {
	case c.Kind == NoSketch:
		return d
	case c.Size == 0:
		return (d + 9) / 10
	}
	return c.Size
}

// GaussianSigma is the noise scale of the Gaussian mechanism for
// (ε, δ)-differential privacy of a query of ℓ2-sensitivity Δ:
// σ = Δ·√(2 ln(1.25/δ))/ε (Dwork & Roth, The Algorithmic Foundations of
// Differential Privacy, 2014, Theorem A.1, which holds for ε ∈ (0, 1)).
// It panics unless 0 < ε < 1, 0 < δ < 1 and Δ ≥ 0 is finite.
func GaussianSigma(epsilon, delta, sensitivity float64) float64 {
	if !(epsilon > 0 && epsilon < 1) || !(delta > 0 && delta < 1) || !(sensitivity >= 0) || math.IsInf(sensitivity, 0) {
		panic(fmt.Sprintf("collab.GaussianSigma: epsilon = %v, delta = %v, sensitivity = %v; want 0 < epsilon < 1, 0 < delta < 1, finite sensitivity ≥ 0", epsilon, delta, sensitivity))
	}
	return sensitivity * math.Sqrt(2*math.Log(1.25/delta)) / epsilon
}

// Sigma is the standard deviation of the noise c adds to every
// coordinate of a message sketched by r (nil: R = I): 0 when Epsilon is
// 0, else GaussianSigma(ε, δ, 2·C·‖R‖₂). The message R·clip_C(v) of any
// data lies in a ball of radius C‖R‖₂, so changing the worker's data
// moves it by at most Δ = 2C‖R‖₂, its ℓ2-sensitivity; R is drawn
// independently of the data, so conditioning on it is allowed. Over T
// rounds the messages are (Tε, Tδ)-private by basic composition (Dwork &
// Roth, Theorem 3.16). It panics on c's invalid fields.
func (c Sketching) Sigma(r *SketchMatrix) float64 {
	d := 1
	if r != nil {
		d = r.d
	}
	c.check("Sketching.Sigma", d)
	if c.Epsilon == 0 {
		return 0
	}
	norm := 1.0
	if r != nil {
		norm = r.Norm()
	}
	return GaussianSigma(c.Epsilon, c.Delta, 2*c.Clip*norm)
}

// Message returns the message a worker sends for its vector v under c
// with the sketch r (nil: R = I, for NoSketch): R·clip_C(v) + N(0, σ²I)
// with σ = sigma, normally c.Sigma(r) (computed once per round by the
// caller, as Simulate does), the noise drawn from a PCG seeded with
// seed. dst (nil: a new slice) receives it and is returned; v is not
// modified. It panics on mismatched lengths or sigma < 0.
func (c Sketching) Message(dst, v []float64, r *SketchMatrix, sigma float64, seed uint64) []float64 {
	if !(sigma >= 0) || math.IsInf(sigma, 0) {
		panic(fmt.Sprintf("collab.Sketching.Message: sigma = %v, want finite ≥ 0", sigma))
	}
	m := len(v)
	if r != nil {
		if len(v) != r.d {
			panic(fmt.Sprintf("collab.Sketching.Message: len(v) = %d for a sketch of d = %d", len(v), r.d))
		}
		m = r.s
	}
	if dst == nil {
		dst = make([]float64, m)
	}
	if len(dst) != m {
		panic(fmt.Sprintf("collab.Sketching.Message: len(dst) = %d, want %d", len(dst), m))
	}
	scale := 1.0
	if c.Clip > 0 {
		n := floats.Norm(v, 2)
		if math.IsInf(n, 1) {
			// ‖v‖ overflows: clip v/a instead, a = max|v_j|, to the same
			// C·v/‖v‖ (a NaN or ±Inf entry stays non-finite)
			a := 0.0
			for _, x := range v {
				a = max(a, math.Abs(x))
			}
			u := make([]float64, len(v))
			for j, x := range v {
				u[j] = x / a
			}
			v, n = u, floats.Norm(u, 2)
		}
		if n > c.Clip {
			scale = c.Clip / n
		}
	}
	if r != nil {
		r.Sketch(dst, v)
	} else {
		copy(dst, v)
	}
	if scale != 1 {
		floats.Scale(scale, dst)
	}
	if sigma > 0 {
		rng := rand.New(rand.NewPCG(seed, 6))
		for i := range dst {
			dst[i] += sigma * rng.NormFloat64()
		}
	}
	return dst
}

// sketcher is Simulate's sketching of the messages of one round: R_t
// drawn afresh from the round's seed (shared by the server and the
// workers), the workers' messages, the previous update sketched by R_t
// (CenteredClip's centre) and the de-sketched aggregate.
type sketcher struct {
	cfg  Sketching
	r    *SketchMatrix // nil under NoSketch
	msgs [][]float64
	prev []float64 // R_t·(the previous update direction), length s
	full []float64 // Rᵀ·aggregate, length d
}

// newSketcher returns Simulate's sketcher for n workers in dimension d,
// or nil when c is the zero value (the vectors are sent as they are). It
// panics on c's invalid fields.
func newSketcher(c Sketching, n, d int) *sketcher {
	s := c.check("Simulate", d)
	if c == (Sketching{}) {
		return nil
	}
	k := &sketcher{cfg: c, msgs: make([][]float64, n), prev: make([]float64, s), full: make([]float64, d)}
	if c.Kind != NoSketch {
		k.r = NewSketch(c.Kind, s, d, 0)
	}
	for i := range k.msgs {
		k.msgs[i] = make([]float64, s)
	}
	return k
}

// size is the length of a message.
func (k *sketcher) size() int { return len(k.prev) }

// round draws R_t from seed and returns the messages of vs (the vectors
// of the workers that follow the protocol), each with its own noise.
func (k *sketcher) round(vs [][]float64, seed uint64) [][]float64 {
	if k.r != nil {
		k.r.draw(seed)
	}
	sigma := k.cfg.Sigma(k.r)
	for i, v := range vs {
		k.cfg.Message(k.msgs[i], v, k.r, sigma, seed^uint64(i+1)*0xbf58476d1ce4e5b9)
	}
	return k.msgs[:len(vs)]
}

// centre returns R_t·prev (prev in ℝ^d; nil stays nil).
func (k *sketcher) centre(prev []float64) []float64 {
	if prev == nil {
		return nil
	}
	if k.r == nil {
		copy(k.prev, prev)
	} else {
		k.r.Sketch(k.prev, prev)
	}
	return k.prev
}

// desketch returns Rᵀa.
func (k *sketcher) desketch(a []float64) []float64 {
	if k.r == nil {
		copy(k.full, a)
	} else {
		k.r.Desketch(k.full, a)
	}
	return k.full
}
