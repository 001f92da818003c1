package nn

import (
	"fmt"
	"math"

	"github.com/gomx-dev/gomx/mathx/internal/kernels"
)

// LossKind chooses the training loss on the network's outputs (logits).
type LossKind int

// The losses. The zero value is SoftmaxCE.
const (
	// SoftmaxCE is the cross-entropy of softmax(z): −log(e^{z_c}/Σⱼe^{z_j}),
	// averaged over the batch (PyTorch's cross_entropy).
	SoftmaxCE LossKind = iota
	// StableMaxCE is the cross-entropy of StableMax(z) = s(z_c)/Σⱼs(z_j),
	// s(x) = x+1 for x ≥ 0 and 1/(1−x) for x < 0 (Prieto et al. 2025),
	// averaged over the batch.
	StableMaxCE
	// SquaredError is the mean over the batch and the outputs of
	// (z_k − t_k)² (PyTorch's mse_loss), with t the targets (the one-hot
	// labels when the data set has no Targets).
	SquaredError
)

// String returns the loss's name.
func (k LossKind) String() string {
	switch k {
	case SoftmaxCE:
		return "SoftmaxCE"
	case StableMaxCE:
		return "StableMaxCE"
	case SquaredError:
		return "SquaredError"
	}
	return fmt.Sprintf("LossKind(%d)", int(k))
}

// Precision is the floating-point format the loss (with its softmax or
// StableMax) and its gradient with respect to the logits are computed in,
// as the Grokking paper's softmax_precision; the logits are rounded to it
// on the way in. It is also the type of Settings.Compute, the precision
// Train computes the network's layers in (float64 everywhere else).
type Precision int

// The precisions. The zero value is Float64.
const (
	// Float64 computes the loss in float64.
	Float64 Precision = iota
	// Float32 rounds every step of the loss to float32 (the logits, their
	// shift by the maximum, each exponential, the running sum, the
	// logarithm, each probability and each gradient entry), so softmax
	// collapse happens as it does on a GPU: once the correct logit leads
	// the others by about 17, Σⱼe^{z_j−z_max} rounds to 1, the sample's
	// loss is exactly 0 and the gradient of its correct logit exactly 0;
	// once it leads by about 104 every other exponential underflows too
	// and the sample's whole gradient is exactly zero.
	Float32
)

// String returns "Float64" or "Float32".
func (p Precision) String() string {
	switch p {
	case Float64:
		return "Float64"
	case Float32:
		return "Float32"
	}
	return fmt.Sprintf("Precision(%d)", int(p))
}

func checkLoss(fn string, k LossKind, p Precision) {
	if k < SoftmaxCE || k > SquaredError {
		panic(fmt.Sprintf("nn: %s: unknown loss %v", fn, k))
	}
	if p != Float64 && p != Float32 {
		panic(fmt.Sprintf("nn: %s: unknown precision %v", fn, p))
	}
}

// rowLoss returns the loss of one sample with logits z and label c (or
// targets t for SquaredError) and, when g is non-nil, sets g to the
// gradient of that loss with respect to z multiplied by scale.
func rowLoss(k LossKind, p Precision, z []float64, c int, t []float64, g []float64, scale float64) float64 {
	if p == Float32 {
		return rowLoss32(k, z, c, t, g, scale)
	}
	switch k {
	case SoftmaxCE:
		m := math.Inf(-1)
		for _, v := range z {
			m = max(m, v)
		}
		var s float64
		for _, v := range z {
			s += math.Exp(v - m)
		}
		ls := math.Log(s)
		if g != nil {
			for j, v := range z {
				g[j] = math.Exp(v-m-ls) * scale
			}
			g[c] -= scale
		}
		return ls - (z[c] - m)
	case StableMaxCE:
		var s float64
		for _, v := range z {
			s += stable(v)
		}
		if math.IsInf(s, 1) && allFinite(z) {
			return stableCEScaled(z, c, g, scale) // Σs overflowed
		}
		if g != nil {
			for j, v := range z {
				g[j] = stableDeriv(v) / s * scale
			}
			g[c] -= stableDeriv(z[c]) / stable(z[c]) * scale
		}
		if r := stable(z[c]) / s; r < 0x1p-1022 && r == r {
			// s(z_c)/Σs underflows: log Σs − log s(z_c).
			return math.Log(s) - logStable(z[c])
		}
		return -math.Log(stable(z[c]) / s)
	default:
		K := float64(len(z))
		var l float64
		for j, v := range z {
			d := v - target(t, c, j)
			l += d * d
			if g != nil {
				g[j] = 2 * d / K * scale
			}
		}
		return l / K
	}
}

// stableCEScaled is the StableMax cross-entropy of one sample, and its
// gradient times scale into g when non-nil, with Σⱼs(z_j) taken over its
// largest term M (it overflows at finite logits near math.MaxFloat64):
// the loss is log Σ(s/M) − log(s(z_c)/M), or log M + log Σ(s/M) −
// log s(z_c) when s(z_c)/M underflows.
func stableCEScaled(z []float64, c int, g []float64, scale float64) float64 {
	M := 0.0
	for _, v := range z {
		M = max(M, stable(v))
	}
	var s float64
	for _, v := range z {
		s += stable(v) / M
	}
	if g != nil {
		for j, v := range z {
			g[j] = stableDeriv(v) / M / s * scale
		}
		g[c] -= stableDeriv(z[c]) / stable(z[c]) * scale
	}
	if r := stable(z[c]) / M; r >= 0x1p-1022 {
		return math.Log(s) - math.Log(r)
	}
	return math.Log(M) + math.Log(s) - logStable(z[c])
}

// logStable is log s(x) without overflow or underflow: log1p(x) for x ≥ 0,
// −log1p(−x) below.
func logStable(x float64) float64 {
	if x >= 0 {
		return math.Log1p(x)
	}
	return -math.Log1p(-x)
}

// stable is StableMax's s(x): x+1 for x ≥ 0, 1/(1−x) for x < 0.
func stable(x float64) float64 {
	if x >= 0 {
		return x + 1
	}
	return 1 / (1 - x)
}

// stableDeriv is s′(x): 1 for x ≥ 0, 1/(1−x)² for x < 0.
func stableDeriv(x float64) float64 {
	if x >= 0 {
		return 1
	}
	r := 1 / (1 - x)
	return r * r
}

func target(t []float64, c, j int) float64 {
	if t != nil {
		return t[j]
	}
	if j == c {
		return 1
	}
	return 0
}

// exp32 returns e^x rounded to float32 (kernels.ExpShift32 on one value).
func exp32(x float32) float32 {
	var d [1]float32
	kernels.ExpShift32(d[:], []float32{x}, 0, 0)
	return d[0]
}

// expTo32 sets d[j] = e^((float32(z[j]) − m) − ls) rounded to float32,
// for every j (kernels.ExpShift32, float64 slices through float32
// copies).
func expTo32[T kernels.Float](d, z []T, m, ls float32) {
	if z32, ok := any(z).([]float32); ok {
		kernels.ExpShift32(any(d).([]float32), z32, m, ls)
		return
	}
	var zb, db [64]float32
	for lo := 0; lo < len(z); lo += len(zb) {
		n := min(len(zb), len(z)-lo)
		for j, v := range z[lo : lo+n] {
			zb[j] = float32(v)
		}
		kernels.ExpShift32(db[:n], zb[:n], m, ls)
		for j, v := range db[:n] {
			d[lo+j] = T(v)
		}
	}
}

func log32(x float32) float32 { return float32(math.Log(float64(x))) }

// rowLoss32 is rowLoss with every operation rounded to float32, on
// logits z and gradient g of type T (float64, or float32 when the network
// computes in float32: the same values). The softmax gradient is
// PyTorch's log_softmax backward: g_j = exp(logp_j) − [j = c], logp_j =
// (z_j − z_max) − log Σ.
func rowLoss32[T kernels.Float](k LossKind, z []T, c int, t []float64, g []T, scale float64) float64 {
	switch k {
	case SoftmaxCE:
		m := float32(math.Inf(-1))
		for _, v := range z {
			m = max(m, float32(v))
		}
		var s float32
		if g == nil {
			for _, v := range z {
				s += exp32(float32(v) - m)
			}
			return float64(-((float32(z[c]) - m) - log32(s)))
		}
		expTo32(g, z, m, 0)
		for _, e := range g {
			s += float32(e)
		}
		ls := log32(s)
		if ls != 0 { // else g holds exp((z − m) − 0) already (softmax collapse)
			expTo32(g, z, m, ls)
		}
		for j, p := range g {
			pj := float32(p)
			if j == c {
				pj -= 1
			}
			g[j] = T(float64(pj) * scale)
		}
		return float64(-((float32(z[c]) - m) - ls))
	case StableMaxCE:
		var s float32
		for _, v := range z {
			s += stable32(float32(v))
		}
		zc := float32(z[c])
		if g != nil {
			corr := stableDeriv32(zc) / stable32(zc)
			for j, v := range z {
				gj := stableDeriv32(float32(v)) / s
				if j == c {
					gj -= corr
				}
				g[j] = T(float64(gj) * scale)
			}
		}
		return float64(-log32(stable32(zc) / s))
	default:
		K := float32(len(z))
		var l float32
		for j, v := range z {
			d := float32(v) - float32(target(t, c, j))
			l += d * d
			if g != nil {
				g[j] = T(float64(2*d/K) * scale)
			}
		}
		return float64(l / K)
	}
}

func stable32(x float32) float32 {
	if x >= 0 {
		return x + 1
	}
	return 1 / (1 - x)
}

func stableDeriv32(x float32) float32 {
	if x >= 0 {
		return 1
	}
	r := 1 / (1 - x)
	return r * r
}

// StableMax returns StableMax(z)_j = s(z_j)/Σₖs(z_k) with s(x) = x+1 for
// x ≥ 0 and 1/(1−x) for x < 0, the Grokking paper's replacement for the
// softmax (its exp grows linearly above 0 and decays like 1/|x| below).
//
// An entry +Inf takes the limit: the +Inf entries share probability 1
// equally; a sum of s overflowing at finite logits is taken over its
// largest term.
func StableMax(z []float64) []float64 {
	out := make([]float64, len(z))
	var s float64
	for j, v := range z {
		out[j] = stable(v)
		s += out[j]
	}
	if math.IsInf(s, 1) {
		if infLimit(z, out) {
			return out
		}
		M := 0.0
		for _, v := range out {
			M = max(M, v)
		}
		s = 0
		for j := range out {
			out[j] /= M
			s += out[j]
		}
	}
	for j := range out {
		out[j] /= s
	}
	return out
}

// infLimit sets out to the limit of a softmax-like map at logits z with
// +Inf entries (1/count at each, 0 elsewhere) and reports whether there
// are any; a NaN in z makes out all NaN (and reports true).
func infLimit(z, out []float64) bool {
	n := 0
	for _, v := range z {
		if math.IsNaN(v) {
			for j := range out {
				out[j] = math.NaN()
			}
			return true
		}
		if math.IsInf(v, 1) {
			n++
		}
	}
	if n == 0 {
		return false
	}
	for j, v := range z {
		out[j] = 0
		if math.IsInf(v, 1) {
			out[j] = 1 / float64(n)
		}
	}
	return true
}

// Softmax returns softmax(z)_j = e^{z_j}/Σₖe^{z_k}, computed in precision
// p (shifted by the maximum; in Float32 rounded at every step, so it can
// return exactly 1 and 0). An entry +Inf (in Float32, beyond float32's
// range) takes the limit: the +Inf entries share probability 1 equally.
func Softmax(z []float64, p Precision) []float64 {
	out := make([]float64, len(z))
	if len(z) == 0 {
		return out
	}
	if p == Float32 {
		m := float32(math.Inf(-1))
		for _, v := range z {
			m = max(m, float32(v))
		}
		if math.IsInf(float64(m), 1) {
			z32 := make([]float64, len(z))
			for j, v := range z {
				z32[j] = float64(float32(v))
			}
			infLimit(z32, out)
			return out
		}
		var s float32
		for _, v := range z {
			s += exp32(float32(v) - m)
		}
		for j, v := range z {
			out[j] = float64(exp32(float32(v)-m) / s)
		}
		return out
	}
	m := math.Inf(-1)
	for _, v := range z {
		m = max(m, v)
	}
	if math.IsInf(m, 1) {
		infLimit(z, out)
		return out
	}
	var s float64
	for j, v := range z {
		out[j] = math.Exp(v - m)
		s += out[j]
	}
	for j := range out {
		out[j] /= s
	}
	return out
}
