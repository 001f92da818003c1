package collab_test

import (
	"fmt"

	"github.com/gomx-dev/gomx/mathx/collab"
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
// models: the honest nodes end on nearly the same model (Spread), with the
// attack-free loss.
func ExampleMoNNA() {
	data := collab.MakeClassification(2000, 10, 1.5, 7)
	workers := collab.LogisticWorkers(data, collab.DirichletSplit(data.Labels, 20, 1, 107), 1e-3, 0)
	s := &collab.Settings{MaxIter: 200, Step: 0.5, Momentum: 0.9, Byzantine: 2, Attack: collab.Attack{Kind: collab.ALIE}}
	r, err := collab.MoNNA(workers, make([]float64, 10), s)
	fmt.Println(r.Status, err)
	fmt.Printf("loss %.4f, spread %.3f, %d gradients, %d floats\n", r.Loss, r.Spread, r.GradEvals, r.FloatsSent)
	// Output:
	// Converged <nil>
	// loss 0.1675, spread 0.008, 3600 gradients, 760000 floats
}
