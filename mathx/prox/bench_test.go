package prox

import (
	"testing"
)

// benchN is the vector length of the throughput benchmarks (10⁶ entries).
const benchN = 1_000_000

// reportPerElement adds an ns/element metric (time per vector entry).
func reportPerElement(b *testing.B) {
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/benchN, "ns/elem")
}

func benchOp(b *testing.B, op func(dst, x []float64)) {
	x := randVec(newRand(99), benchN, 1)
	dst := make([]float64, benchN)
	b.SetBytes(8 * benchN)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		op(dst, x)
	}
	reportPerElement(b)
}

func BenchmarkSoftThreshold(b *testing.B) {
	benchOp(b, func(dst, x []float64) { SoftThreshold(dst, x, 0.5) })
}

func BenchmarkProjSimplex(b *testing.B) {
	benchOp(b, func(dst, x []float64) { ProjSimplex(dst, x, 1) })
}

func BenchmarkProjL1Ball(b *testing.B) {
	benchOp(b, func(dst, x []float64) { ProjL1Ball(dst, x, 100) })
}

func BenchmarkProjL0Ball(b *testing.B) {
	benchOp(b, func(dst, x []float64) { ProjL0Ball(dst, x, 1000) })
}

func BenchmarkTV1D(b *testing.B) {
	benchOp(b, func(dst, x []float64) { TV1D(dst, x, 0.5) })
}

func BenchmarkSEF(b *testing.B) {
	f := SEF{K: 1000}
	benchOp(b, func(dst, x []float64) { f.Prox(dst, x, 0.5) })
}
