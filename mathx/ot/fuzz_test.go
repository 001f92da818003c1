package ot

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// FuzzEntropic checks the promise of the package on random small problems
// (sizes 1–12, costs of any offset and scale, zero-mass points, reg from
// 1 down to 1e-4 of the cost range): no solver returns Converged with wrong
// marginals or a non-finite plan, the plain solver fails only with
// ErrUnderflow and without a plan, and the other solvers never fail.
func FuzzEntropic(f *testing.F) {
	f.Add(uint64(1), uint8(5), uint8(7), 1.0, 0.0, uint8(0))
	f.Add(uint64(2), uint8(12), uint8(3), 3.0, 100.0, uint8(1))
	f.Add(uint64(3), uint8(1), uint8(9), 4.0, -50.0, uint8(2))
	f.Add(uint64(4), uint8(8), uint8(8), 2.5, 1e6, uint8(3))
	f.Fuzz(func(t *testing.T, seed uint64, nb, mb uint8, regExp, shift float64, mode uint8) {
		if math.IsNaN(regExp) || math.IsNaN(shift) || math.IsInf(shift, 0) || math.Abs(shift) > 1e12 {
			return
		}
		rng := rand.New(rand.NewPCG(seed, 99))
		n, m := 1+int(nb)%12, 1+int(mb)%12
		scale := math.Pow(10, float64(int(mode>>2)%7)-3)
		M := mat.NewDense(n, m, nil)
		for i := 0; i < n; i++ {
			for j := 0; j < m; j++ {
				M.Set(i, j, shift+scale*rng.Float64())
			}
		}
		a, b := randMass(rng, n, mode&1 != 0), randMass(rng, m, mode&2 != 0)
		reg := scale * math.Pow(10, -math.Min(4, math.Abs(math.Mod(regExp, 5))))
		s := &Settings{MaxIter: 3000}
		for _, sv := range entropic {
			r, err := sv.fn(a, b, M, reg, s)
			if err != nil {
				if sv.name != "Sinkhorn" || !errors.Is(err, ErrUnderflow) || r.Plan != nil || r.Status != Failed {
					t.Fatalf("%s: err %v status %v", sv.name, err, r.Status)
				}
				continue
			}
			for _, x := range r.Plan.RawMatrix().Data {
				if !(x >= 0) || math.IsInf(x, 0) {
					t.Fatalf("%s: plan entry %v", sv.name, x)
				}
			}
			if r.Status == Converged && r.RowErr+r.ColErr > 1e-7 {
				t.Fatalf("%s: Converged with marginal error %g (row %g col %g)", sv.name, r.RowErr+r.ColErr, r.RowErr, r.ColErr)
			}
		}
	})
}

// randMass returns random weights summing to 1, with some zeros if asked.
func randMass(rng *rand.Rand, n int, zeros bool) []float64 {
	w := make([]float64, n)
	var s float64
	for i := range w {
		if zeros && n > 1 && i%3 == 1 {
			continue
		}
		w[i] = rng.Float64() + 1e-3
		s += w[i]
	}
	for i := range w {
		w[i] /= s
	}
	return w
}
