package nn_test

import (
	"fmt"

	"gonum.org/v1/gonum/optimize"

	"github.com/gomx-dev/gomx/mathx/curvature"
	"github.com/gomx-dev/gomx/mathx/nn"
)

// Train a small MLP on a three-class Gaussian mixture with Adam.
func ExampleTrain() {
	data := nn.GaussianMixture(3, 4, 300, 6, 1)
	net := nn.NewMLP([]int{4, 32, 3}, nn.ReLU, true, 1)
	r, err := nn.Train(net, data, &nn.Settings{MaxIter: 300, LR: 0.01, BatchSize: 64})
	if err != nil {
		fmt.Println(err)
		return
	}
	last := r.Evals[len(r.Evals)-1]
	fmt.Println(r.Status, r.Iterations)
	fmt.Printf("training accuracy ≥ 0.95: %v\n", last.Train.Accuracy >= 0.95)
	// Output:
	// MaxIterReached 300
	// training accuracy ≥ 0.95: true
}

// Grokking modular addition with ⊥Grad: the same full-batch AdamW run
// without it memorises the training pairs and never generalises.
func ExampleSettings_orthoGrad() {
	train, test := nn.ModularAddition(29, 0.5, 1)
	net := nn.NewMLP([]int{58, 96, 96, 29}, nn.ReLU, false, 1)
	r, _ := nn.Train(net, train, &nn.Settings{
		Precision: nn.Float32,
		Optimizer: nn.AdamW, LR: 0.02, Beta2: 0.9, Eps: 1e-25, OrthoGrad: true,
		BatchSize: train.Len(), MaxIter: 300, Test: test, EvalEvery: -1,
	})
	last := r.Evals[len(r.Evals)-1]
	fmt.Printf("train %.2f, test above 0.8: %v\n", last.Train.Accuracy, last.Test.Accuracy > 0.8)
	// Output:
	// train 1.00, test above 0.8: true
}

// Layer-wise densities for a random sparse network at 10 % density: ERK
// gives the small output layer more (here all) of its weights.
func ExampleERKDensities() {
	sizes := []int{784, 256, 256, 10}
	fmt.Printf("ERK     %.3f\n", nn.ERKDensities(sizes, 0.1))
	fmt.Printf("uniform %.3f\n", nn.UniformDensities(sizes, 0.1))
	net := nn.NewMLP(sizes, nn.ReLU, true, 1)
	nn.RandomMasks(net, nn.ERKDensities(sizes, 0.1), 2)
	fmt.Printf("density %.3f\n", net.Density(-1))
	// Output:
	// ERK     [0.081 0.122 1.000]
	// uniform [0.100 0.100 0.100]
	// density 0.100
}

// The loss barrier on the straight line between two networks trained
// from different initialisations.
func ExampleBarrier() {
	data := nn.GaussianMixture(3, 4, 300, 3, 1)
	a := nn.NewMLP([]int{4, 16, 3}, nn.ReLU, true, 1)
	b := nn.NewMLP([]int{4, 16, 3}, nn.ReLU, true, 2)
	nn.Train(a, data, &nn.Settings{MaxIter: 200, LR: 0.01})
	nn.Train(b, data, &nn.Settings{MaxIter: 200, LR: 0.01})
	p := nn.Barrier(a, a.Params, b.Params, data, nn.SoftmaxCE, nn.Float64, 11)
	fmt.Println(len(p.Alpha), p.Alpha[5])
	fmt.Println("barrier ≥ 0:", p.LossBarrier >= 0)
	// Output:
	// 11 0.5
	// barrier ≥ 0: true
}

// Objective makes the training loss a function of the flat parameter
// vector, here minimised with gonum's L-BFGS.
func ExampleObjective() {
	data := nn.GaussianMixture(2, 3, 200, 4, 1)
	net := nn.NewMLP([]int{3, 8, 2}, nn.Tanh, true, 1)
	obj := nn.NewObjective(net, data, nn.SoftmaxCE, nn.Float64)
	before := obj.Func(net.Params)
	res, err := optimize.Minimize(optimize.Problem{Func: obj.Func, Grad: obj.Grad}, net.Params,
		&optimize.Settings{MajorIterations: 50}, &optimize.LBFGS{})
	if err != nil {
		fmt.Println(err)
		return
	}
	net.SetParams(res.X)
	fmt.Println("loss fell below a tenth:", obj.Func(net.Params) < before/10)
	fmt.Printf("accuracy ≥ 0.95: %v\n", nn.Evaluate(net, data, nn.SoftmaxCE, nn.Float64).Accuracy >= 0.95)
	// Output:
	// loss fell below a tenth: true
	// accuracy ≥ 0.95: true
}

// ⊥Grad removes the part of a gradient along the weights and keeps its
// length.
func ExampleOrthoGrad() {
	theta := []float64{1, 0}
	g := []float64{3, 4}
	nn.OrthoGrad(theta, g)
	fmt.Println(g)
	// Output:
	// [0 5]
}

// Average networks retrained from one pruned parent: they share its mask,
// and so does their soup.
func ExampleUniformSoup() {
	data := nn.GaussianMixture(3, 4, 300, 3, 1)
	parent := nn.NewMLP([]int{4, 32, 3}, nn.ReLU, true, 1)
	nn.Train(parent, data, &nn.Settings{MaxIter: 200, LR: 0.01})
	nn.PruneGlobal(parent, 0.3)
	var ingredients [][]float64
	for seed := uint64(1); seed <= 3; seed++ {
		child := parent.Clone()
		nn.Train(child, data, &nn.Settings{MaxIter: 100, LR: 0.003, Seed: seed})
		ingredients = append(ingredients, child.Params)
	}
	soup := parent.Clone()
	soup.SetParams(nn.UniformSoup(parent, ingredients))
	fmt.Printf("density %.2f\n", soup.Density(-1))
	// Output:
	// density 0.30
}

// The sharpness (largest Hessian eigenvalue) of the training loss at a
// trained network, with mathx/curvature: Objective.Loss is a
// curvature.Func of the flat parameter vector.
func ExampleObjective_sharpness() {
	data := nn.GaussianMixture(3, 4, 200, 3, 1)
	net := nn.NewMLP([]int{4, 16, 3}, nn.Tanh, true, 1)
	nn.Train(net, data, &nn.Settings{MaxIter: 200, LR: 0.01})
	obj := nn.NewObjective(net, data, nn.SoftmaxCE, nn.Float64)
	h, err := curvature.FiniteDiff(obj.Loss, net.Params, 0)
	if err != nil {
		fmt.Println(err)
		return
	}
	r, err := curvature.Lanczos(h, 1, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(r.Status, "λmax > 0:", r.Values[0] > 0)
	// Output:
	// Converged λmax > 0: true
}

// Children spawned from one parent after a few steps of training end
// linearly connected: no loss barrier between them (here at step 300 of
// 600 on modular addition; spawned at step 0 they are separated).
func ExampleSpawn() {
	train, _ := nn.ModularAddition(23, 0.6, 1)
	net := nn.NewMLP([]int{46, 128, 128, 23}, nn.ReLU, true, 1)
	a, b, err := nn.Spawn(net, train, 300, 11, 12, &nn.Settings{LR: 0.01, BatchSize: 16, MaxIter: 600, Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	p := nn.Barrier(net, a.Net.Params, b.Net.Params, train, nn.SoftmaxCE, nn.Float64, 11)
	fmt.Println(a.Iterations, b.Iterations, "barrier below 0.01:", p.LossBarrier < 0.01)
	// Output:
	// 600 600 barrier below 0.01: true
}

// Iterative magnitude pruning with rewinding to step 10: three rounds
// down to 1/8 of the weights, each keeping half of those left.
func ExamplePruneIterative() {
	data := nn.GaussianMixture(3, 6, 300, 3, 1)
	net := nn.NewMLP([]int{6, 24, 24, 3}, nn.ReLU, true, 2)
	rs, err := nn.PruneIterative(net, data, 0.125, 3, 10, &nn.Settings{LR: 0.01, BatchSize: 32, MaxIter: 60})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range rs {
		fmt.Printf("%.3f ", r.Net.Density(-1))
	}
	fmt.Println()
	// Output:
	// 1.000 0.500 0.250 0.125
}
