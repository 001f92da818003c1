package nn

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"github.com/gomx-dev/gomx/mathx/internal/kernels"
)

// Activation is the nonlinearity applied after a layer.
type Activation int

// The activations. The zero value is ReLU.
const (
	// ReLU is max(0, x); its derivative at 0 is taken as 0, as PyTorch does.
	ReLU Activation = iota
	// GELU is the exact x·Φ(x) = ½x(1 + erf(x/√2)) (PyTorch's default
	// nn.GELU, not the tanh approximation).
	GELU
	// Tanh is the hyperbolic tangent.
	Tanh
	// Identity passes its input on (a linear layer).
	Identity
)

// String returns the activation's name ("ReLU", "GELU", "Tanh",
// "Identity"), or "Activation(n)".
func (a Activation) String() string {
	switch a {
	case ReLU:
		return "ReLU"
	case GELU:
		return "GELU"
	case Tanh:
		return "Tanh"
	case Identity:
		return "Identity"
	}
	return fmt.Sprintf("Activation(%d)", int(a))
}

// Layer is one dense layer of an MLP: out = Act(in·Wᵀ + B).
//
// W and B are views into the network's Params, so writing them changes
// the network. Mask, when non-nil, fixes the layer's sparsity pattern:
// W[i] is kept where Mask[i] is true and held at exactly zero elsewhere
// (set through MLP.SetMask; training never changes it).
type Layer struct {
	In, Out int        // input and output widths
	W       []float64  // Out×In weights, row-major (PyTorch's Linear.weight)
	B       []float64  // Out biases; nil when the network has no biases
	Mask    []bool     // Out×In, true = kept; nil = dense
	Act     Activation // applied to this layer's output (Identity for the last layer)
	off     int        // offset of W in Params; B follows W
}

// MLP is a multilayer perceptron whose parameters live in one flat
// []float64, Params, with per-layer views in Layers. The layout is layer by
// layer: W (Out×In, row-major) then B (Out, when the network has biases).
// Functions taking a parameter vector (Objective.Loss, Interpolate, the
// soups) use this layout. Change Params in place (SetParams, copy, index):
// assigning a new slice to it would leave the layers' views on the old
// one.
type MLP struct {
	Sizes  []int     // widths: input, hidden…, output
	Bias   bool      // whether the layers have biases
	Params []float64 // every parameter, in the layout above
	Layers []Layer   // views into Params
}

// maxParams is the most parameters a network can have: their float64s
// must fit in an addressable slice.
const maxParams = math.MaxInt / 8

// NewMLP returns a network with the given widths (input first, output
// last; at least two), activation hidden after every layer but the last
// (which is Identity), biases when bias is true, initialised as PyTorch's
// nn.Linear is: weights and biases uniform in ±1/√In, drawn from a PCG
// seeded with seed, layer by layer, weights row by row.
func NewMLP(sizes []int, hidden Activation, bias bool, seed uint64) *MLP {
	if len(sizes) < 2 {
		panic(fmt.Sprintf("nn: NewMLP: sizes %v: need an input and an output width", sizes))
	}
	for i, s := range sizes {
		if s <= 0 {
			panic(fmt.Sprintf("nn: NewMLP: sizes[%d] = %d: widths must be positive", i, s))
		}
	}
	if hidden < ReLU || hidden > Identity {
		panic(fmt.Sprintf("nn: NewMLP: unknown activation %v", hidden))
	}
	m := &MLP{Sizes: append([]int(nil), sizes...), Bias: bias}
	n := 0
	for l := 0; l+1 < len(sizes); l++ {
		in, out := sizes[l], sizes[l+1]
		layer := 0
		if in <= maxParams/out {
			layer = in * out
			if bias {
				layer += out
			}
		}
		if layer == 0 || layer > maxParams || n > maxParams-layer {
			panic(fmt.Sprintf("nn: NewMLP: sizes %v: layer %d (sizes[%d] = %d, sizes[%d] = %d) brings the parameters beyond %d", sizes, l, l, in, l+1, out, maxParams))
		}
		n += layer
	}
	m.Params = make([]float64, n)
	m.Layers = make([]Layer, len(sizes)-1)
	off := 0
	for l := range m.Layers {
		in, out := sizes[l], sizes[l+1]
		act := hidden
		if l == len(m.Layers)-1 {
			act = Identity
		}
		m.Layers[l] = Layer{In: in, Out: out, Act: act, off: off}
		off += in * out
		if bias {
			off += out
		}
	}
	m.setViews()
	rng := rand.New(rand.NewPCG(seed, 0x6e6e))
	for _, L := range m.Layers {
		b := 1 / math.Sqrt(float64(L.In))
		for i := range L.W {
			L.W[i] = (2*rng.Float64() - 1) * b
		}
		for i := range L.B {
			L.B[i] = (2*rng.Float64() - 1) * b
		}
	}
	return m
}

func (m *MLP) setViews() {
	for l := range m.Layers {
		L := &m.Layers[l]
		L.W = m.Params[L.off : L.off+L.In*L.Out]
		L.B = nil
		if m.Bias {
			L.B = m.Params[L.off+L.In*L.Out : L.off+L.In*L.Out+L.Out]
		}
	}
}

// NumParams returns len(Params).
func (m *MLP) NumParams() int { return len(m.Params) }

// Clone returns a deep copy: its own Params, views and masks.
func (m *MLP) Clone() *MLP {
	c := &MLP{Sizes: append([]int(nil), m.Sizes...), Bias: m.Bias, Params: append([]float64(nil), m.Params...)}
	c.Layers = append([]Layer(nil), m.Layers...)
	for l := range c.Layers {
		if c.Layers[l].Mask != nil {
			c.Layers[l].Mask = append([]bool(nil), c.Layers[l].Mask...)
		}
	}
	c.setViews()
	return c
}

// SetParams copies p into Params (it panics unless len(p) ==
// NumParams()) and zeroes the masked weights.
func (m *MLP) SetParams(p []float64) {
	if len(p) != len(m.Params) {
		panic(fmt.Sprintf("nn: MLP.SetParams: len(p) = %d, the network has %d parameters", len(p), len(m.Params)))
	}
	copy(m.Params, p)
	m.applyMasks(m.Params)
}

// Tensors returns the [start, end) ranges in Params of each parameter
// tensor, in order: W of layer 0, B of layer 0 (with biases), W of layer
// 1, … These are the tensors ⊥Grad projects separately.
func (m *MLP) Tensors() [][2]int {
	var t [][2]int
	for _, L := range m.Layers {
		t = append(t, [2]int{L.off, L.off + L.In*L.Out})
		if m.Bias {
			t = append(t, [2]int{L.off + L.In*L.Out, L.off + L.In*L.Out + L.Out})
		}
	}
	return t
}

// SetMask fixes the sparsity pattern of layer l's weights: keep has In·Out
// entries (row-major, as W), true for the weights that stay; masked
// weights are set to zero now and kept at zero by training. A nil keep
// makes the layer dense again (its masked weights stay zero until
// trained). Biases are never masked.
func (m *MLP) SetMask(l int, keep []bool) {
	if l < 0 || l >= len(m.Layers) {
		panic(fmt.Sprintf("nn: MLP.SetMask: layer %d of %d", l, len(m.Layers)))
	}
	L := &m.Layers[l]
	if keep == nil {
		L.Mask = nil
		return
	}
	if len(keep) != L.In*L.Out {
		panic(fmt.Sprintf("nn: MLP.SetMask: layer %d is %d×%d, len(keep) = %d", l, L.Out, L.In, len(keep)))
	}
	L.Mask = append(L.Mask[:0:0], keep...)
	for i, k := range keep {
		if !k {
			L.W[i] = 0
		}
	}
}

// Density returns the fraction of weights (biases excluded) that are not
// masked, over the whole network (layer < 0) or of one layer.
func (m *MLP) Density(layer int) float64 {
	kept, total := 0, 0
	for l, L := range m.Layers {
		if layer >= 0 && l != layer {
			continue
		}
		total += L.In * L.Out
		if L.Mask == nil {
			kept += L.In * L.Out
			continue
		}
		for _, k := range L.Mask {
			if k {
				kept++
			}
		}
	}
	if total == 0 {
		panic(fmt.Sprintf("nn: MLP.Density: layer %d of %d", layer, len(m.Layers)))
	}
	return float64(kept) / float64(total)
}

// applyMasks zeroes the masked weight entries of the parameter-layout
// vector p (parameters or a gradient).
func (m *MLP) applyMasks(p []float64) { applyMasks(m, p) }

func applyMasks[T kernels.Float](m *MLP, p []T) {
	for _, L := range m.Layers {
		if L.Mask == nil {
			continue
		}
		w := p[L.off : L.off+L.In*L.Out]
		for i, k := range L.Mask {
			if !k {
				w[i] = 0
			}
		}
	}
}

// Predict returns the logits (outputs before any loss) for the rows of x.
func (m *MLP) Predict(x mat.Matrix) *mat.Dense {
	r, c := x.Dims()
	if c != m.Sizes[0] {
		panic(fmt.Sprintf("nn: MLP.Predict: x is %d×%d, the network takes %d inputs", r, c, m.Sizes[0]))
	}
	xd := mat.DenseCopyOf(x)
	out := mat.NewDense(r, m.Sizes[len(m.Sizes)-1], nil)
	var w work[float64]
	for lo := 0; lo < r; lo += chunk {
		hi := min(r, lo+chunk)
		logits := w.forward(m, m.Params, rawRows(xd, lo, hi), hi-lo)
		k := m.Sizes[len(m.Sizes)-1]
		for i := 0; i < hi-lo; i++ {
			copy(out.RawRowView(lo+i), logits[i*k:(i+1)*k])
		}
	}
	return out
}

// chunk is the number of rows evaluated at once over a whole data set
// (bounds the workspace; fixed, so results do not depend on anything
// else).
const chunk = 512

// rawRows returns rows [lo, hi) of x as one contiguous row-major slice
// (x must have no padding: mat.NewDense's layout).
func rawRows(x *mat.Dense, lo, hi int) []float64 {
	raw := x.RawMatrix()
	if raw.Stride != raw.Cols {
		panic("nn: internal: strided matrix")
	}
	return raw.Data[lo*raw.Stride : hi*raw.Stride]
}

// work holds the forward activations and backward scratch for batches of
// up to cap rows, in the precision T of the products (float64, or float32
// for Settings.Compute Float32).
type work[T kernels.Float] struct {
	z, a   [][]T // per layer: pre-activations and outputs, rows×Out
	h      [][]T // storage of a for layers that are not Identity
	d1, d2 []T   // backward scratch, rows×max width
	g      []T   // ∂L/∂logits
	x      []T   // gathered batch inputs
}

func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

// forward computes the network at params (the layout of m.Params) on the
// rows×In matrix x (row-major) and returns the logits (rows×Out, a view
// into w).
func (w *work[T]) forward(m *MLP, params, x []T, rows int) []T {
	if len(w.z) != len(m.Layers) {
		w.z = make([][]T, len(m.Layers))
		w.h = make([][]T, len(m.Layers))
		w.a = make([][]T, len(m.Layers))
	}
	in := x
	for l, L := range m.Layers {
		w.z[l] = grow(w.z[l], rows*L.Out)
		z := w.z[l]
		W := params[L.off : L.off+L.In*L.Out]
		gemm(false, true, rows, L.Out, L.In, in, L.In, W, L.In, false, z, L.Out)
		if m.Bias {
			// z += b row by row, as fma(1, b, z): one rounding, the plain sum
			b := params[L.off+L.In*L.Out : L.off+L.In*L.Out+L.Out]
			for r := 0; r < rows; r++ {
				axpy(1, b, z[r*L.Out:(r+1)*L.Out])
			}
		}
		if L.Act == Identity {
			w.a[l] = z
		} else {
			w.h[l] = grow(w.h[l], rows*L.Out)
			w.a[l] = w.h[l]
			activate(L.Act, w.a[l], z)
		}
		in = w.a[l]
	}
	return in
}

// backward sets grad (parameter layout; acc false) or adds to it (acc
// true) the gradient given ∂L/∂logits in w.g, after forward on x.
func (w *work[T]) backward(m *MLP, params, x []T, rows int, grad []T, acc bool) {
	maxW := 0
	for _, s := range m.Sizes {
		maxW = max(maxW, s)
	}
	w.d1 = grow(w.d1, rows*maxW)
	w.d2 = grow(w.d2, rows*maxW)
	g := w.g // ∂L/∂z of the current layer
	for l := len(m.Layers) - 1; l >= 0; l-- {
		L := m.Layers[l]
		in := x
		if l > 0 {
			in = w.a[l-1]
		}
		gW := grad[L.off : L.off+L.In*L.Out]
		gemm(true, false, L.Out, L.In, rows, g, L.Out, in, L.In, acc, gW, L.In)
		if m.Bias {
			// the rows of g summed in order, each as fma(1, g, gb)
			gb := grad[L.off+L.In*L.Out : L.off+L.In*L.Out+L.Out]
			if !acc {
				clear(gb)
			}
			for r := 0; r < rows; r++ {
				axpy(1, g[r*L.Out:(r+1)*L.Out], gb)
			}
		}
		if L.Mask != nil {
			for i, k := range L.Mask {
				if !k {
					gW[i] = 0
				}
			}
		}
		if l == 0 {
			break
		}
		// ∂L/∂a_{l−1} = g·W, then through layer l−1's activation
		next := w.d1[:rows*L.In]
		if len(g) > 0 && len(w.d1) > 0 && &g[0] == &w.d1[0] {
			next = w.d2[:rows*L.In]
		}
		W := params[L.off : L.off+L.In*L.Out]
		gemm(false, false, rows, L.In, L.Out, g, L.Out, W, L.In, false, next, L.In)
		P := m.Layers[l-1]
		activateGrad(P.Act, next, w.z[l-1], w.a[l-1])
		g = next
	}
}

// gemm is C = op(A)·op(B) (acc false) or C += op(A)·op(B) on row-major
// slices, on the package's SIMD kernels (mathx/internal/kernels): the same
// bits on every CPU and thread count.
func gemm[T kernels.Float](tA, tB bool, m, n, k int, a []T, lda int, b []T, ldb int, acc bool, c []T, ldc int) {
	switch a := any(a).(type) {
	case []float64:
		kernels.Gemm64(tA, tB, m, n, k, a, lda, any(b).([]float64), ldb, acc, any(c).([]float64), ldc)
	case []float32:
		kernels.Gemm32(tA, tB, m, n, k, a, lda, any(b).([]float32), ldb, acc, any(c).([]float32), ldc)
	}
}

// axpy sets y[i] = fma(alpha, x[i], y[i]) for i < len(y) (kernels.Axpy64
// or Axpy32).
func axpy[T kernels.Float](alpha T, x, y []T) {
	switch y := any(y).(type) {
	case []float64:
		kernels.Axpy64(float64(alpha), any(x).([]float64), y)
	case []float32:
		kernels.Axpy32(float32(alpha), any(x).([]float32), y)
	}
}

const invSqrt2 = 0.7071067811865476
const invSqrt2Pi = 0.3989422804014327

// activate sets a = act(z) element-wise (GELU and Tanh computed in float64
// and rounded to T).
func activate[T kernels.Float](act Activation, a, z []T) {
	switch act {
	case ReLU:
		switch a := any(a).(type) {
		case []float64:
			kernels.ReLU64(a, any(z).([]float64))
		case []float32:
			kernels.ReLU32(a, any(z).([]float32))
		}
	case GELU:
		for i, v := range z {
			x := float64(v)
			a[i] = T(0.5 * x * (1 + math.Erf(x*invSqrt2)))
		}
	case Tanh:
		for i, v := range z {
			a[i] = T(math.Tanh(float64(v)))
		}
	default:
		copy(a, z)
	}
}

// activateGrad multiplies g by act′(z) element-wise (a = act(z)).
func activateGrad[T kernels.Float](act Activation, g, z, a []T) {
	switch act {
	case ReLU:
		switch g := any(g).(type) {
		case []float64:
			kernels.ReLUGrad64(g, any(z).([]float64))
		case []float32:
			kernels.ReLUGrad32(g, any(z).([]float32))
		}
	case GELU:
		for i, v := range z {
			x := float64(v)
			g[i] = T(float64(g[i]) * (0.5*(1+math.Erf(x*invSqrt2)) + x*invSqrt2Pi*math.Exp(-0.5*x*x)))
		}
	case Tanh:
		for i, t := range a {
			g[i] *= 1 - t*t
		}
	}
}
