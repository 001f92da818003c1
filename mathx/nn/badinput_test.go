package nn

import (
	"fmt"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestBadInputPanics: programmer errors panic with the function's name
// and the argument.
func TestBadInputPanics(t *testing.T) {
	net := NewMLP([]int{3, 4, 2}, ReLU, true, 1)
	data := randomData(5, 3, 2, false, 1)
	wrongWidth := randomData(5, 4, 2, false, 1)
	badLabel := randomData(5, 3, 2, false, 1)
	badLabel.Labels[2] = 7
	for _, c := range []struct {
		want string
		f    func()
	}{
		{"NewMLP: sizes [3]", func() { NewMLP([]int{3}, ReLU, true, 1) }},
		{"sizes[1] = 0", func() { NewMLP([]int{3, 0, 2}, ReLU, true, 1) }},
		{"unknown activation", func() { NewMLP([]int{3, 2}, Activation(9), true, 1) }},
		{"network takes 3 inputs", func() { Train(net, wrongWidth, nil) }},
		{"Labels[2] = 7", func() { Train(net, badLabel, nil) }},
		{"unknown loss", func() { Train(net, data, &Settings{Loss: LossKind(5)}) }},
		{"unknown precision", func() { NewObjective(net, data, SoftmaxCE, Precision(3)) }},
		{"LR = -1", func() { Train(net, data, &Settings{LR: -1}) }},
		{"Beta2 = 1", func() { NewOptimizer(net, OptimizerSettings{Beta2: 1}) }},
		{"unknown optimizer", func() { NewOptimizer(net, OptimizerSettings{Kind: OptimizerKind(4)}) }},
		{"BatchSize = -1", func() { Train(net, data, &Settings{BatchSize: -1}) }},
		{"len(params) = 3", func() { NewObjective(net, data, SoftmaxCE, Float64).Loss(make([]float64, 3), nil) }},
		{"SetMask: layer 0 is 4×3, len(keep) = 2", func() { net.Clone().SetMask(0, make([]bool, 2)) }},
		{"density 1.5", func() { ERKDensities([]int{3, 4}, 1.5) }},
		{"density 0", func() { RandomMasks(net.Clone(), []float64{0, 0.5}, 1) }},
		{"1 densities for 2 layers", func() { PruneLayerwise(net.Clone(), []float64{0.5}) }},
		{"Barrier: points = 1", func() { Barrier(net, net.Params, net.Params, data, SoftmaxCE, Float64, 1) }},
		{"Interpolate: len(a) = 2, len(b) = 3", func() { Interpolate(nil, make([]float64, 2), make([]float64, 3), 0.5) }},
		{"no ingredients", func() { UniformSoup(net, nil) }},
		{"ModularAddition: p = 1", func() { ModularAddition(1, 0.5, 1) }},
		{"trainFrac = 1", func() { ModularAddition(5, 1, 1) }},
		{"Predict: x is 2×5", func() { net.Predict(mat.NewDense(2, 5, nil)) }},
		{"SetParams: len(p) = 1", func() { net.Clone().SetParams([]float64{1}) }},
	} {
		func() {
			defer func() {
				e := recover()
				if e == nil {
					t.Errorf("%q: no panic", c.want)
					return
				}
				msg := fmt.Sprint(e)
				if !strings.HasPrefix(msg, "nn: ") || !strings.Contains(msg, c.want) {
					t.Errorf("panic %q, want it to name %q", msg, c.want)
				}
			}()
			c.f()
		}()
	}
}
