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

// FuzzBadInput is issue 18's contract for the entropic solvers on inputs
// FuzzEntropic leaves out: forbidden (+Inf) pairs in any pattern, feasible
// or not, and marginals, costs and reg at any scale. Every solver returns
// (hangs fail through go test's -timeout) without a panic; Failed comes
// with an error and no plan (ErrInfeasible whenever a row or column with
// mass is +Inf throughout); otherwise the plan is finite, non-negative and
// zero on forbidden pairs, and Converged means marginals met to 1e-7 of
// the mass.
func FuzzBadInput(f *testing.F) {
	f.Add(uint64(1), uint8(3), uint8(3), uint16(0x0038), 0.0, 0.0, 0.0)     // a forbidden row
	f.Add(uint64(2), uint8(4), uint8(2), uint16(0x0011), 300.0, 0.0, -1.0)  // mass 1e300
	f.Add(uint64(3), uint8(2), uint8(5), uint16(0x0000), -300.0, 0.0, -3.0) // mass 1e-300
	f.Add(uint64(4), uint8(5), uint8(5), uint16(0x1111), 0.0, 300.0, 2.0)   // costs 1e300
	f.Add(uint64(5), uint8(3), uint8(4), uint16(0x0006), 0.0, -300.0, -4.0) // costs 1e-300, a forbidden pair pattern
	f.Fuzz(func(t *testing.T, seed uint64, nb, mb uint8, forbid uint16, massExp, costExp, regExp float64) {
		if !(math.Abs(massExp) <= 300) || !(math.Abs(costExp) <= 300) || !(math.Abs(regExp) <= 6) {
			return
		}
		rng := rand.New(rand.NewPCG(seed, 18))
		n, m := 1+int(nb)%5, 1+int(mb)%5
		scale := math.Pow(10, costExp)
		M := mat.NewDense(n, m, nil)
		forbidden := make([]bool, n*m)
		for k := 0; k < n*m; k++ {
			v := scale * rng.Float64()
			if k < 16 && forbid&(1<<k) != 0 {
				v, forbidden[k] = math.Inf(1), true
			}
			M.Set(k/m, k%m, v)
		}
		mass := math.Pow(10, massExp)
		a, b := randMass(rng, n, seed%3 == 0), randMass(rng, m, seed%5 == 0)
		for i := range a {
			a[i] *= mass
		}
		for j := range b {
			b[j] *= mass
		}
		var sa float64
		for _, x := range a {
			sa += x
		}
		// A row or column with mass whose costs are all +Inf (among the
		// points with mass) admits no plan.
		infeasible := false
		for i := 0; i < n; i++ {
			all := a[i] > 0
			for j := 0; j < m; j++ {
				all = all && (b[j] == 0 || forbidden[i*m+j])
			}
			infeasible = infeasible || all
		}
		for j := 0; j < m; j++ {
			all := b[j] > 0
			for i := 0; i < n; i++ {
				all = all && (a[i] == 0 || forbidden[i*m+j])
			}
			infeasible = infeasible || all
		}
		reg := scale * math.Pow(10, regExp)
		if !(reg > 0) || math.IsInf(reg, 0) {
			return
		}
		for _, sv := range entropic {
			r, err := sv.fn(a, b, M, reg, &Settings{MaxIter: 2000})
			switch {
			case infeasible:
				if r.Status != Failed || !errors.Is(err, ErrInfeasible) || r.Plan != nil {
					t.Fatalf("%s: infeasible problem gave %v, %v", sv.name, r.Status, err)
				}
				continue
			case r.Status == Failed:
				if err == nil || r.Plan != nil {
					t.Fatalf("%s: Failed with err %v and plan %v", sv.name, err, r.Plan)
				}
				continue
			case err != nil:
				t.Fatalf("%s: %v with error %v", sv.name, r.Status, err)
			}
			for k, x := range r.Plan.RawMatrix().Data {
				if !(x >= 0) || math.IsInf(x, 0) || forbidden[k] && x != 0 {
					t.Fatalf("%s: plan entry %d = %v (forbidden %v)", sv.name, k, x, forbidden[k])
				}
			}
			if r.Status == Converged && r.RowErr+r.ColErr > 1e-7*sa {
				t.Fatalf("%s: Converged with marginal error %g, mass %g", sv.name, r.RowErr+r.ColErr, sa)
			}
		}
	})
}
