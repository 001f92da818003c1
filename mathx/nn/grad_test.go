package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// randomData returns n samples of d standard normal features with labels
// in [0, k) and, with targets, normal regression targets.
func randomData(n, d, k int, targets bool, seed uint64) *Dataset {
	rng := rand.New(rand.NewPCG(seed, 7))
	ds := &Dataset{X: mat.NewDense(n, d, nil), Labels: make([]int, n), Classes: k}
	for i := 0; i < n; i++ {
		for j := 0; j < d; j++ {
			ds.X.Set(i, j, rng.NormFloat64())
		}
		ds.Labels[i] = rng.IntN(k)
	}
	if targets {
		ds.Targets = mat.NewDense(n, k, nil)
		for i := 0; i < n; i++ {
			for j := 0; j < k; j++ {
				ds.Targets.Set(i, j, rng.NormFloat64())
			}
		}
	}
	return ds
}

// gradConfigs calls f for every configuration the gradient tests check:
// each activation, loss (SquaredError with one-hot labels and with real
// targets), mask and bias configuration, at depths 1 and 3, with a
// network whose weights are scaled up by 2 (so the logits are not all
// near 0 and StableMax sees both branches), 9 samples of data and a name
// for messages.
func gradConfigs(f func(name string, net *MLP, data *Dataset, loss LossKind)) {
	for _, act := range []Activation{ReLU, GELU, Tanh, Identity} {
		for _, loss := range []LossKind{SoftmaxCE, StableMaxCE, SquaredError} {
			for _, targets := range []bool{false, true} {
				if targets && loss != SquaredError {
					continue
				}
				for _, masked := range []bool{false, true} {
					for _, bias := range []bool{false, true} {
						for _, sizes := range [][]int{{5, 4}, {5, 7, 6, 4}} {
							name := fmt.Sprintf("%v/%v/targets=%v/mask=%v/bias=%v/%v", act, loss, targets, masked, bias, sizes)
							seed := uint64(len(name))
							net := NewMLP(sizes, act, bias, seed)
							if masked {
								RandomMasks(net, ERKDensities(sizes, 0.5), seed+1)
							}
							for i := range net.Params {
								net.Params[i] *= 2
							}
							f(name, net, randomData(9, sizes[0], sizes[len(sizes)-1], targets, seed+2), loss)
						}
					}
				}
			}
		}
	}
}

// centralDiff returns (L(p + h·e_i) − L(p − h·e_i))/(2h) for the
// objective's loss L, leaving p as it was.
func centralDiff(o *Objective, p []float64, i int, h float64) float64 {
	old := p[i]
	p[i] = old + h
	fp := o.Loss(p, nil)
	p[i] = old - h
	fm := o.Loss(p, nil)
	p[i] = old
	return (fp - fm) / (2 * h)
}

// TestGradientsCentralDifferences checks the hand-written backward pass of
// every configuration of gradConfigs against central differences:
// |fd − g| ≤ 1e-6·max(1, |g|) for every parameter, h = 1e-5, in float64.
// Masked weights must have exactly zero gradient.
func TestGradientsCentralDifferences(t *testing.T) {
	const h = 1e-5
	worst := 0.0
	gradConfigs(func(name string, net *MLP, data *Dataset, loss LossKind) {
		o := NewObjective(net, data, loss, Float64)
		p := append([]float64(nil), net.Params...)
		g := make([]float64, len(p))
		o.Loss(p, g)
		for i := range p {
			if isMasked(net, i) {
				if g[i] != 0 {
					t.Errorf("%s: masked parameter %d has gradient %g", name, i, g[i])
				}
				continue
			}
			fd := centralDiff(o, p, i, h)
			err := math.Abs(fd-g[i]) / math.Max(1, math.Abs(g[i]))
			worst = math.Max(worst, err)
			if err > 1e-6 {
				t.Errorf("%s: parameter %d: backward %.10g, central difference %.10g", name, i, g[i], fd)
			}
		}
	})
	t.Logf("largest relative difference: %.3g", worst)
}

// isMasked reports whether parameter i of net is a masked weight.
func isMasked(net *MLP, i int) bool {
	for _, L := range net.Layers {
		if L.Mask != nil && i >= L.off && i < L.off+L.In*L.Out {
			return !L.Mask[i-L.off]
		}
	}
	return false
}

// TestObjectiveChunks checks that a data set larger than one chunk gives
// the same loss and gradient as the sum of its parts.
func TestObjectiveChunks(t *testing.T) {
	net := NewMLP([]int{3, 8, 4}, Tanh, true, 1)
	data := randomData(chunk+77, 3, 4, false, 2)
	o := NewObjective(net, data, SoftmaxCE, Float64)
	g := make([]float64, len(net.Params))
	l := o.Loss(net.Params, g)
	a := data.Subset(seq(0, chunk))
	b := data.Subset(seq(chunk, chunk+77))
	ga, gb := make([]float64, len(g)), make([]float64, len(g))
	la := NewObjective(net, a, SoftmaxCE, Float64).Loss(net.Params, ga)
	lb := NewObjective(net, b, SoftmaxCE, Float64).Loss(net.Params, gb)
	N := float64(data.Len())
	if want := (la*chunk + lb*77) / N; math.Abs(l-want) > 1e-12 {
		t.Errorf("loss %g, parts give %g", l, want)
	}
	for i := range g {
		want := (ga[i]*chunk + gb[i]*77) / N
		if math.Abs(g[i]-want) > 1e-12 {
			t.Fatalf("gradient %d: %g, parts give %g", i, g[i], want)
		}
	}
}

func seq(lo, hi int) []int {
	s := make([]int, hi-lo)
	for i := range s {
		s[i] = lo + i
	}
	return s
}
