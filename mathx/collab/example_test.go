package collab_test

import (
	"fmt"

	"github.com/gomx-dev/gomx/mathx/collab"
	"github.com/gomx-dev/gomx/mathx/nn"
	"gonum.org/v1/gonum/floats"
)

// Five gradients, one of them Byzantine (the last): the mean is dragged
// away, the robust rules are not.
func ExampleKrum() {
	v := [][]float64{{1, 1}, {1.2, 0.9}, {0.9, 1.1}, {1.1, 1}, {-50, 80}}
	mean, _ := collab.Mean(v)
	med, _ := collab.CoordMedian(v)
	tm, _ := collab.TrimmedMean(v, 1)
	krum, _ := collab.Krum(v, 1)
	idx, _ := collab.KrumSelect(v, 1, 5)
	fmt.Printf("mean %.2f\nmedian %.2f\ntrimmed %.2f\nkrum %.2f, scores order %v\n", mean, med, tm, krum, idx)
	// Output:
	// mean [-9.16 16.80]
	// median [1.00 1.00]
	// trimmed [1.00 1.03]
	// krum [1.10 1.00], scores order [3 0 1 2 4]
}

// The geometric median of four points of a square and a far outlier: on
// the diagonal at 1 + 1/√3, where the unit vectors to the five points sum
// to zero.
func ExampleGeoMedian() {
	r, err := collab.GeoMedian([][]float64{{0, 0}, {2, 0}, {0, 2}, {2, 2}, {100, 100}}, nil)
	fmt.Println(r.Status, err)
	fmt.Printf("%.6f\n", r.X)
	// Output:
	// Converged <nil>
	// [1.577350 1.577350]
}

// Four gradients close to e₁ and one far outlier along e₃: the Flag
// Aggregator's one-dimensional subspace (r = 1) is the line of e₁, which
// reconstructs the honest vectors almost entirely and the outlier not at
// all, so the outlier adds nothing to the aggregate but its count; the
// mean is dragged by 50/5 = 10 along e₃.
func ExampleFlag() {
	v := [][]float64{{1, 0, 0}, {0.9, 0.1, 0}, {1.1, -0.1, 0}, {1, 0.05, 0}, {0, 0, 50}}
	r, err := collab.Flag(v, 1, 0, nil)
	fmt.Println(r.Status, err)
	fmt.Printf("aggregate %.3f\nratios %.4f\n", r.X, r.Ratios)
	mean, _ := collab.Mean(v)
	fmt.Printf("mean %.3f\n", mean)
	// Output:
	// Converged <nil>
	// aggregate [0.799 0.000 0.000]
	// ratios [1.0000 0.9878 0.9918 0.9975 0.0000]
	// mean [0.800 0.010 10.000]
}

// Twenty workers, two Byzantine sending the sign-flipped honest mean ×20:
// under the mean the loss grows without bound, the trimmed mean after
// nearest-neighbour mixing trains as if there were no attack.
func ExampleSimulate() {
	data := collab.MakeClassification(2000, 10, 1.5, 7)
	parts := collab.DirichletSplit(data.Labels, 20, 1, 107)
	workers := collab.LogisticWorkers(data, parts, 1e-3, 0)
	x0 := make([]float64, 10)
	s := &collab.Settings{MaxIter: 200, Step: 0.5, Momentum: 0.9, Byzantine: 2}
	clean, _ := collab.Simulate(workers, x0, s)
	s.Attack = collab.Attack{Kind: collab.SignFlip, Scale: 20}
	naive, _ := collab.Simulate(workers, x0, s)
	fmt.Printf("no attack: loss %.4f\n", clean.Loss)
	fmt.Printf("mean under attack: loss %.0f\n", naive.Loss)
	s.Aggregator = collab.Aggregator{Rule: collab.RuleTrimmedMean, NNM: true}
	robust, _ := collab.Simulate(workers, x0, s)
	fmt.Printf("%v: loss %.4f, %d gradients, %d floats sent\n", s.Aggregator, robust.Loss, robust.GradEvals, robust.FloatsSent)
	// Output:
	// no attack: loss 0.1653
	// mean under attack: loss 269
	// NNM+TrimmedMean: loss 0.1670, 3600 gradients, 80000 floats sent
}

// MoNNA on the same twenty nodes, two Byzantine ones broadcasting ALIE
// models: each honest node hears from itself, the two Byzantine nodes and
// 15 random honest ones, and averages the 16 nearest; the honest nodes
// end on nearly the same model (Spread), with the attack-free loss.
func ExampleMoNNA() {
	data := collab.MakeClassification(2000, 10, 1.5, 7)
	workers := collab.LogisticWorkers(data, collab.DirichletSplit(data.Labels, 20, 1, 107), 1e-3, 0)
	s := &collab.Settings{MaxIter: 200, Step: 0.5, Momentum: 0.9, Byzantine: 2, Attack: collab.Attack{Kind: collab.ALIE}}
	r, err := collab.MoNNA(workers, make([]float64, 10), s)
	fmt.Println(r.Status, err)
	fmt.Printf("loss %.4f, spread %.3f, %d gradients, %d floats\n", r.Loss, r.Spread, r.GradEvals, r.FloatsSent)
	// Output:
	// Converged <nil>
	// loss 0.1672, spread 0.010, 3600 gradients, 760000 floats
}

// A small MLP (5-16-3, tanh) trained by Simulate on a three-class
// Gaussian mixture spread over eight workers by Dirichlet(0.5) label
// proportions: NNWorkers makes each worker's objective from its rows.
func ExampleNNWorkers() {
	data := nn.GaussianMixture(3, 5, 600, 5, 1)
	net := nn.NewMLP([]int{5, 16, 3}, nn.Tanh, true, 2)
	parts := collab.DirichletSplit(data.Labels, 8, 0.5, 3)
	workers := collab.NNWorkers(net, data, parts, nn.SoftmaxCE, nn.Float64)
	r, err := collab.Simulate(workers, net.Params, &collab.Settings{MaxIter: 150, Step: 0.5, Momentum: 0.9})
	fmt.Println(r.Status, err)
	trained := net.Clone()
	trained.SetParams(r.X)
	m := nn.Evaluate(trained, data, nn.SoftmaxCE, nn.Float64)
	fmt.Printf("loss %.3f → %.3f, accuracy %.3f\n", r.History[0], r.Loss, m.Accuracy)
	// Output:
	// Converged <nil>
	// loss 1.244 → 0.046, accuracy 0.982
}

// Ten workers on least squares in d = 50 send 10-row count sketches of
// their gradients instead of the gradients: five times fewer floats a
// round, about as many rounds to the same loss.
func ExampleSketching() {
	data := collab.MakeRegression(1000, 50, 4, 0.1, 1)
	workers := collab.LeastSquaresWorkers(data, collab.DirichletSplit(data.Labels, 10, 1, 1))
	for _, sk := range []collab.Sketching{{}, {Kind: collab.CountSketch, Size: 10}} {
		r, err := collab.Simulate(workers, make([]float64, 50), &collab.Settings{MaxIter: 400, Step: 0.02, Sketch: sk})
		rounds := 0
		for rounds < len(r.History) && r.History[rounds] > 0.01 {
			rounds++
		}
		fmt.Printf("%v: %v %v, loss %.5f; loss ≤ 0.01 after %d rounds, %d floats\n", sk.Kind, r.Status, err, r.Loss, rounds, rounds*r.FloatsSent/r.Iterations)
	}
	// Output:
	// NoSketch: Converged <nil>, loss 0.00452; loss ≤ 0.01 after 286 rounds, 286000 floats
	// CountSketch: Converged <nil>, loss 0.00481; loss ≤ 0.01 after 312 rounds, 62400 floats
}

// A curious server recovers a worker's only example a (feature 0 the
// constant 1) from the worker's count-sketched gradient, de-sketched:
// sketching hides nothing. The private variant's noise (ε = 0.5,
// δ = 1e-5, clipping at C = ‖g‖) defeats the attack.
func ExampleInvertLinear() {
	data := collab.MakeRegression(1, 4, 1, 0, 3)
	data.X.Set(0, 0, 1)
	g := make([]float64, 4)
	collab.LeastSquares(data, []int{0})([]float64{0.5, -1, 0.2, 0.3}, g)
	r := collab.NewSketch(collab.CountSketch, 400, 4, 1)
	fmt.Printf("example    %.3f\n", data.X.RawRowView(0))
	for _, cfg := range []collab.Sketching{{Kind: collab.CountSketch, Size: 400}, {Kind: collab.CountSketch, Size: 400, Clip: floats.Norm(g, 2), Epsilon: 0.5, Delta: 1e-5}} {
		msg := cfg.Message(nil, g, r, cfg.Sigma(r), 2)
		a, err := collab.InvertLinear(r.Desketch(nil, msg), 0)
		fmt.Printf("ε = %-4v %.3f %v\n", cfg.Epsilon, a, err)
	}
	// Output:
	// example    [1.000 0.641 -1.379 2.364]
	// ε = 0    [1.000 0.641 -1.379 2.364] <nil>
	// ε = 0.5  [1.000 -0.759 1.409 2.505] <nil>
}

// Sixteen workers on a ring, each with its own share of an
// ℓ2-regularised logistic regression (λ = 0.1 = μ; L from
// LogisticSmoothness): DADAO, whose gossip fires at the rate √(2χ₁χ₂) ≈
// 39.7 per unit of time the graph's spectrum gives, against synchronous
// gossip gradient descent allowed as many communications. DADAO's average is at the optimum
// (f* = 0.4662639, to 7 digits) and its nodes nearly agree; gossip GD's
// constant step leaves its nodes apart and its average above f*.
func ExampleDADAO() {
	data := collab.MakeClassification(800, 5, 1, 3)
	parts := collab.DirichletSplit(data.Labels, 16, 0.5, 4)
	workers := collab.LogisticWorkers(data, parts, 0.1, 0)
	L := collab.LogisticSmoothness(data, parts, 0.1)
	g := collab.Ring(16)
	sp := g.Spectrum()
	fmt.Printf("ring: χ₁ = %.1f, χ₂ = %.1f, Mixing %.4f; L = %.3f\n", sp.Chi1, sp.Chi2, sp.Mixing, L)
	x0 := make([]float64, 5)
	r, err := collab.DADAO(workers, x0, g, &collab.Settings{Mu: 0.1, L: L, MaxIter: 300, Seed: 1})
	fmt.Println(r.Status, err)
	fmt.Printf("DADAO: f(x̄) = %.7f, spread %.0e, %d gradients, %d communications\n", r.Loss, r.Spread, r.GradEvals, r.Communications)
	gd, _ := collab.Gossip(workers, x0, g, &collab.Settings{Step: 0.8, MaxIter: r.Communications / len(g.Edges())})
	fmt.Printf("gossip GD: f(x̄) = %.7f, spread %.3f, %d gradients, %d communications\n", gd.Loss, gd.Spread, gd.GradEvals, gd.Communications)
	// Output:
	// ring: χ₁ = 105.1, χ₂ = 7.5, Mixing 0.9493; L = 1.237
	// Converged <nil>
	// DADAO: f(x̄) = 0.4662639, spread 5e-05, 4769 gradients, 11954 communications
	// gossip GD: f(x̄) = 0.4663122, spread 0.217, 11952 gradients, 11952 communications
}
