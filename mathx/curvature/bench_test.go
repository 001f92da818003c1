package curvature

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// BenchmarkMFAC times M-FAC with m = 32 over d = 1e3 … 1e6: the static
// product (O(dm)), the dynamic product (O(dm + m²)) and the dynamic
// window's Add of a gradient (O(dm + m³)) and Remove (O(d + m³)). Fit log(ns/op) against log d
// for the slope (1 for linear time):
//
//	go test -run '^$' -bench MFAC -benchtime 200ms ./mathx/curvature
func BenchmarkMFAC(b *testing.B) {
	const m = 32
	for _, d := range []int{1e3, 1e4, 1e5, 1e6} {
		rng := rand.New(rand.NewPCG(uint64(d), 1))
		data := make([]float64, m*d)
		for i := range data {
			data[i] = rng.NormFloat64()
		}
		grads := mat.NewDense(m, d, data)
		x := make([]float64, d)
		for i := range x {
			x[i] = rng.NormFloat64()
		}
		y := make([]float64, d)
		b.Run(fmt.Sprintf("static-mul/d=%d", d), func(b *testing.B) {
			st, err := NewMFACStatic(grads, 1e-4)
			if err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				st.InvMulVec(y, x)
			}
		})
		dy := NewMFACDynamic(d, m, 1e-4)
		for i := 0; i < m; i++ {
			dy.Add(grads.RawRowView(i))
		}
		b.Run(fmt.Sprintf("dynamic-mul/d=%d", d), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				dy.InvMulVec(y, x)
			}
		})
		b.Run(fmt.Sprintf("dynamic-add/d=%d", d), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				dy.Add(grads.RawRowView(i % m))
			}
		})
		b.Run(fmt.Sprintf("dynamic-remove/d=%d", d), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				dy.Remove(i % m)
			}
		})
	}
}

// BenchmarkMFACDynamicM times the dynamic window's Add, Remove and product at
// d = 1e4 for m = 32 … 512, where the m³ term of Add shows:
//
//	go test -run '^$' -bench MFACDynamicM -benchtime 200ms ./mathx/curvature
func BenchmarkMFACDynamicM(b *testing.B) {
	const d = 10000
	rng := rand.New(rand.NewPCG(1, 1))
	for _, m := range []int{32, 128, 512} {
		dy := NewMFACDynamic(d, m, 1e-4)
		g := make([]float64, d)
		for i := 0; i < m; i++ {
			for j := range g {
				g[j] = rng.NormFloat64()
			}
			dy.Add(g)
		}
		y := make([]float64, d)
		b.Run(fmt.Sprintf("add/m=%d", m), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				dy.Add(g)
			}
		})
		b.Run(fmt.Sprintf("mul/m=%d", m), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				dy.InvMulVec(y, g)
			}
		})
		b.Run(fmt.Sprintf("remove/m=%d", m), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				dy.Remove(i % m)
			}
		})
	}
}

// BenchmarkLanczos: 10 top eigenvalues of a d = 500 Wishart matrix given
// as products.
func BenchmarkLanczos(b *testing.B) {
	_, op := randSym("wishart", 500, 1)
	for i := 0; i < b.N; i++ {
		Lanczos(op, 10, nil)
	}
}
