package nn

import (
	"testing"
)

// benchStep times training steps of net on batches of the given size and
// reports steps/s and GFLOP/s of the dense products (2·B·In·Out per layer
// forward, twice that backward, the first layer's input gradient not
// computed).
func benchStep(b *testing.B, sizes []int, batch int, data *Dataset, s Settings) {
	net := NewMLP(sizes, ReLU, s.Loss != SquaredError, 1)
	s.BatchSize = batch
	c := s.withDefaults(data.Len())
	t := newTrainer(net, data, &c)
	var flops float64
	for l := 0; l+1 < len(sizes); l++ {
		f := 2 * float64(batch*sizes[l]*sizes[l+1])
		flops += 3 * f
		if l == 0 {
			flops -= f
		}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := t.step(); err != nil {
			b.Fatal(err)
		}
	}
	sec := b.Elapsed().Seconds()
	b.ReportMetric(float64(b.N)/sec, "steps/s")
	b.ReportMetric(float64(b.N)*flops/sec/1e9, "GFLOP/s")
}

// BenchmarkMLP784 is the speed configuration: 784-256-256-10,
// batch 128, Adam, softmax cross-entropy in float64.
func BenchmarkMLP784(b *testing.B) {
	data := GaussianMixture(10, 784, 1024, 3, 1)
	benchStep(b, []int{784, 256, 256, 10}, 128, data, Settings{})
}

// BenchmarkMLP784Float32Loss is the same with the loss in float32 (the
// layers stay float64).
func BenchmarkMLP784Float32Loss(b *testing.B) {
	data := GaussianMixture(10, 784, 1024, 3, 1)
	benchStep(b, []int{784, 256, 256, 10}, 128, data, Settings{Precision: Float32})
}

// BenchmarkMLP784SGD is bench/nn's configuration: SGD with lr 0.01.
func BenchmarkMLP784SGD(b *testing.B) {
	data := GaussianMixture(10, 784, 1024, 3, 1)
	benchStep(b, []int{784, 256, 256, 10}, 128, data, Settings{Optimizer: SGD, LR: 0.01})
}

// BenchmarkMLP784SGDCompute32 is BenchmarkMLP784SGD with float32
// parameters and activations (Settings.Compute).
func BenchmarkMLP784SGDCompute32(b *testing.B) {
	data := GaussianMixture(10, 784, 1024, 3, 1)
	benchStep(b, []int{784, 256, 256, 10}, 128, data, Settings{Optimizer: SGD, LR: 0.01, Compute: Float32})
}

// BenchmarkGrokking is TestGrokking's network and full batch (p = 41,
// 672 training pairs), AdamW with ⊥Grad.
func BenchmarkGrokking(b *testing.B) {
	train, _ := ModularAddition(grokP, grokFrac, 1)
	benchStep(b, []int{2 * grokP, grokWidth, grokWidth, grokP}, train.Len(), train,
		Settings{Precision: Float32, Optimizer: AdamW, LR: 0.02, Beta2: 0.9, Eps: 1e-25, OrthoGrad: true})
}

// BenchmarkGrokkingCompute32 is BenchmarkGrokking with float32
// parameters and activations (Settings.Compute).
func BenchmarkGrokkingCompute32(b *testing.B) {
	train, _ := ModularAddition(grokP, grokFrac, 1)
	benchStep(b, []int{2 * grokP, grokWidth, grokWidth, grokP}, train.Len(), train,
		Settings{Precision: Float32, Compute: Float32, Optimizer: AdamW, LR: 0.02, Beta2: 0.9, Eps: 1e-25, OrthoGrad: true})
}
