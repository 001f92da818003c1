package nn

import (
	"fmt"
	"math"
)

// Objective is the mean loss of a network over a data set as a function of
// the parameter vector (in the layout of MLP.Params), usable as a gonum
// optimize.Problem (Func, Grad) or by mathx/curvature and prox through
// Loss. It evaluates the whole data set, 512 rows at a time, with its own
// scratch space: one Objective must not be used by two goroutines at once.
type Objective struct {
	Net       *MLP      // architecture and masks (its Params are not used by Loss)
	Data      *Dataset  // the samples the loss is averaged over
	Kind      LossKind  // the loss
	Precision Precision // of the loss
	w         work[float64]
}

// NewObjective returns the objective of net's architecture and masks on
// data with the given loss and precision. It panics when data does not fit
// the network.
func NewObjective(net *MLP, data *Dataset, loss LossKind, prec Precision) *Objective {
	return newObjective("NewObjective", net, data, loss, prec)
}

// newObjective is NewObjective panicking with fn's name.
func newObjective(fn string, net *MLP, data *Dataset, loss LossKind, prec Precision) *Objective {
	checkLoss(fn, loss, prec)
	data.check(fn, net, loss)
	return &Objective{Net: net, Data: data, Kind: loss, Precision: prec}
}

// Loss returns the mean loss at params and, when grad is non-nil, sets
// grad to its gradient (zero at masked weights). Masked weights of params
// are used as they are: keep them zero.
func (o *Objective) Loss(params, grad []float64) float64 {
	n := len(o.Net.Params)
	if len(params) != n || (grad != nil && len(grad) != n) {
		panic(fmt.Sprintf("nn: Objective.Loss: len(params) = %d, len(grad) = %d, the network has %d parameters", len(params), len(grad), n))
	}
	l, _ := o.eval(params, grad)
	return l
}

// Func returns the mean loss at params (gonum's optimize.Problem.Func).
func (o *Objective) Func(params []float64) float64 { return o.Loss(params, nil) }

// Grad sets grad to the gradient at params (gonum's
// optimize.Problem.Grad).
func (o *Objective) Grad(grad, params []float64) {
	if grad == nil {
		panic("nn: Objective.Grad: nil grad")
	}
	o.Loss(params, grad)
}

// Metrics are a network's figures on a data set.
type Metrics struct {
	Loss     float64 // mean loss
	Accuracy float64 // fraction of samples whose largest logit is the label's (ties to the lower class; a sample with a NaN logit is never a hit)
	// ZeroLoss is the fraction of samples whose loss is exactly 0. For
	// SoftmaxCE these are the samples in softmax collapse, as the Grokking
	// paper's authors measure it: Σⱼe^{z_j−z_max} rounded to 1, so the
	// correct-class probability is exactly 1 and the gradient of the
	// correct logit exactly 0.
	ZeroLoss float64
	// ZeroGrad is the fraction of samples whose gradient with respect to
	// the logits is exactly zero in every entry, which in Float32 needs
	// every other logit about 104 below the correct one (e^−104
	// underflows): these samples teach the network nothing at all.
	ZeroGrad float64
}

// Evaluate returns the network's metrics on data (full data set, its
// current parameters).
func Evaluate(net *MLP, data *Dataset, loss LossKind, prec Precision) Metrics {
	o := newObjective("Evaluate", net, data, loss, prec)
	_, m := o.eval(net.Params, nil)
	return m
}

// eval runs the whole data set; with grad non-nil it fills the gradient.
func (o *Objective) eval(params, grad []float64) (float64, Metrics) {
	N := o.Data.Len()
	K := o.Net.Sizes[len(o.Net.Sizes)-1]
	var sum float64
	var acc, zl, zg int
	for lo := 0; lo < N; lo += chunk {
		hi := min(N, lo+chunk)
		rows := hi - lo
		logits := o.w.forward(o.Net, params, rawRows(o.Data.X, lo, hi), rows)
		o.w.g = grow(o.w.g, rows*K)
		for r := 0; r < rows; r++ {
			i := lo + r
			z := logits[r*K : (r+1)*K]
			g := o.w.g[r*K : (r+1)*K]
			c := o.Data.label(i)
			l := rowLoss(o.Kind, o.Precision, z, c, o.Data.targetRow(i), g, 1/float64(N))
			sum += l
			if l == 0 {
				zl++
			}
			if allZero(g) {
				zg++
			}
			if o.Data.Labels != nil && argmax(z) == c && !hasNaNLogit(z) {
				acc++
			}
		}
		if grad != nil {
			o.w.backward(o.Net, params, rawRows(o.Data.X, lo, hi), rows, grad, lo > 0)
		}
	}
	loss := sum / float64(N)
	return loss, Metrics{Loss: loss, Accuracy: float64(acc) / float64(N), ZeroLoss: float64(zl) / float64(N), ZeroGrad: float64(zg) / float64(N)}
}

func hasNaNLogit(z []float64) bool {
	for _, v := range z {
		if math.IsNaN(v) {
			return true
		}
	}
	return false
}

func allZero(g []float64) bool {
	for _, v := range g {
		if v != 0 {
			return false
		}
	}
	return true
}

// argmax returns the index of the largest entry (the first of ties; NaN
// entries never win).
func argmax(z []float64) int {
	best := 0
	for j, v := range z {
		if v > z[best] {
			best = j
		}
	}
	return best
}
