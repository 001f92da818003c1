package sae

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestEncodeProduct checks the encoder product (mathx/internal/kernels)
// against a plain triple loop of fused multiply-adds in index order, bit
// for bit, on sizes with edge blocks.
func TestEncodeProduct(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, sz := range [][3]int{{13, 21, 7}, {4, 8, 1}, {64, 512, 64}, {5, 3, 9}} {
		bsz, f, d := sz[0], sz[1], sz[2]
		x := make([]float64, bsz*d)
		w := make([]float64, f*d)
		bias := make([]float64, f)
		for i := range x {
			x[i] = rng.NormFloat64()
		}
		for i := range w {
			w[i] = rng.NormFloat64()
		}
		for i := range bias {
			bias[i] = rng.NormFloat64()
		}
		pre := make([]float64, bsz*f)
		encodeProduct(pre, f, x, bsz, d, w, d, f, bias)
		for b := 0; b < bsz; b++ {
			for j := 0; j < f; j++ {
				var acc float64
				for i := 0; i < d; i++ {
					acc = math.FMA(x[b*d+i], w[j*d+i], acc)
				}
				if want := bias[j] + acc; pre[b*f+j] != want {
					t.Fatalf("%v: pre[%d][%d] = %.17g, want %.17g", sz, b, j, pre[b*f+j], want)
				}
			}
		}
	}
}

func BenchmarkEncodeProduct(b *testing.B) {
	const bsz, f, d = 1024, 512, 64
	x := make([]float64, bsz*d)
	w := make([]float64, f*d)
	for i := range x {
		x[i] = float64(i%13) - 6
	}
	for i := range w {
		w[i] = float64(i%7) - 3
	}
	pre := make([]float64, bsz*f)
	bias := make([]float64, f)
	for i := 0; i < b.N; i++ {
		encodeProduct(pre, f, x, bsz, d, w, d, f, bias)
	}
	b.ReportMetric(float64(b.N)*2*bsz*f*d/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}
