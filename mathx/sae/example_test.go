package sae_test

import (
	"fmt"

	"github.com/gomx-dev/gomx/mathx/sae"
)

// Train a small TopK SAE on toy data in superposition and see how many
// of the true directions it recovers.
func ExampleTrain() {
	toy := sae.Superposition(16, 24, 3.0/24, 16, 256, 1)
	m := sae.NewModel(16, 48, 1)
	m.SetPreBias(toy.Batches[0])
	r, err := sae.Train(m, toy.Batches, &sae.Settings{
		Selection: sae.Selection{Kind: sae.TopK, K: 3},
		MaxIter:   1500,
		LR:        3e-3,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	_, recovered := m.Recovery(toy.Dirs, 0.9)
	fmt.Println(r.Status, r.Iterations)
	fmt.Printf("NMSE fell below 0.3: %v\n", r.History[len(r.History)-1] < 0.3)
	fmt.Printf("recovered at least 80%% of the directions: %v\n", recovered >= 0.8)
	// Output:
	// MaxIterReached 1500
	// NMSE fell below 0.3: true
	// recovered at least 80% of the directions: true
}

// Encode a batch with Mutual Choice: the batch shares a budget of k·B
// active latents.
func ExampleModel_Forward() {
	toy := sae.Superposition(8, 16, 0.2, 1, 32, 2)
	m := sae.NewModel(8, 32, 2)
	m.SetPreBias(toy.Batches[0])
	p := m.Forward(toy.Batches[0], sae.Selection{Kind: sae.MutualChoice, K: 2}, nil)
	total := 0
	for _, n := range p.Active() {
		total += n
	}
	fmt.Println("active in the batch:", total, "of a budget of", 2*32)
	// Output:
	// active in the batch: 64 of a budget of 64
}
