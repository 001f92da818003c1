package sae

import "testing"

// BenchmarkTrainStep measures one Adam step of the peer benchmark's
// configuration: d = 64, F = 512, k = 8, B = 1024.
func BenchmarkTrainStep(b *testing.B) {
	toy := Superposition(64, 256, 8.0/256, 4, 1024, 1)
	m := NewModel(64, 512, 1)
	m.SetPreBias(toy.Batches[0])
	t := NewTrainer(m, nil)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := t.Step(toy.Batches[i%len(toy.Batches)], nil); err != nil {
			b.Fatal(err)
		}
	}
	// FLOPs of the dense encoder product, the step's dominant cost.
	b.ReportMetric(float64(b.N)*2*1024*64*512/b.Elapsed().Seconds()/1e9, "encGFLOP/s")
}
