package collab

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// BenchmarkNNM: MoNNA's mixing step (all-to-all nearest-neighbour
// averaging, f = n/10) for n workers × d = 10,000; issue 21's target is
// ≤ 20 ms for n = 100 on 2 cores. The cost is O(n²·d): two n×n×d
// products (the Gram matrix and the mixing) plus n sorts of n distances.
//
//	go test -run - -bench NNM -cpu 2 ./mathx/collab
func BenchmarkNNM(b *testing.B) {
	const d = 10000
	for _, n := range []int{25, 50, 100, 200} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			rng := rand.New(rand.NewPCG(1, 2))
			x := mat.NewDense(n, d, nil)
			for i := range x.RawMatrix().Data {
				x.RawMatrix().Data[i] = rng.NormFloat64()
			}
			dst := mat.NewDense(n, d, nil)
			b.SetBytes(int64(8 * n * d))
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if err := NNMDense(dst, x, n/10); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
