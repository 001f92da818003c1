package curvature

import (
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// randSym returns a random symmetric d×d matrix of the given kind and an
// Operator that applies it as a product of factors, never as the matrix:
//
//	"wigner": (M + Mᵀ)/(2√d), M Gaussian — semicircle on [−√2, √2];
//	"wishart": BᵀB/n − 0.5·I, B n×d Gaussian, n = 2d — Marchenko–Pastur, shifted;
//	"spiked": QΛQᵀ with 5 outliers 10, 8, 6, 4, 2 over a bulk in [0, 0.5]
//	          (Q from the QR of a Gaussian matrix), the shape of a
//	          classifier's Hessian.
func randSym(kind string, d int, seed uint64) (*mat.SymDense, Operator) {
	rng := rand.New(rand.NewPCG(seed, 7))
	gauss := func(r, c int) *mat.Dense {
		a := mat.NewDense(r, c, nil)
		for i := 0; i < r; i++ {
			for j := 0; j < c; j++ {
				a.Set(i, j, rng.NormFloat64())
			}
		}
		return a
	}
	switch kind {
	case "wigner":
		m := gauss(d, d)
		s := 1 / (2 * math.Sqrt(float64(d)))
		h := mat.NewSymDense(d, nil)
		for i := 0; i < d; i++ {
			for j := i; j < d; j++ {
				h.SetSym(i, j, s*(m.At(i, j)+m.At(j, i)))
			}
		}
		op := FuncOperator(d, func(dst, v []float64) {
			x := mat.NewVecDense(d, v)
			y := mat.NewVecDense(d, dst)
			var t mat.VecDense
			y.MulVec(m, x)
			t.MulVec(m.T(), x)
			y.AddVec(y, &t)
			y.ScaleVec(s, y)
		})
		return h, op
	case "wishart":
		n := 2 * d
		b := gauss(n, d)
		var ata mat.Dense
		ata.Mul(b.T(), b)
		h := mat.NewSymDense(d, nil)
		for i := 0; i < d; i++ {
			for j := i; j < d; j++ {
				v := ata.At(i, j) / float64(n)
				if i == j {
					v -= 0.5
				}
				h.SetSym(i, j, v)
			}
		}
		op := FuncOperator(d, func(dst, v []float64) {
			var bv mat.VecDense
			bv.MulVec(b, mat.NewVecDense(d, v))
			y := mat.NewVecDense(d, dst)
			y.MulVec(b.T(), &bv)
			y.ScaleVec(1/float64(n), y)
			y.AddScaledVec(y, -0.5, mat.NewVecDense(d, v))
		})
		return h, op
	case "spiked":
		var qr mat.QR
		qr.Factorize(gauss(d, d))
		var q mat.Dense
		qr.QTo(&q)
		lam := make([]float64, d)
		for i := range lam {
			lam[i] = 0.5 * rng.Float64()
		}
		copy(lam, []float64{10, 8, 6, 4, 2})
		var ql mat.Dense
		ql.Scale(1, &q)
		for j := 0; j < d; j++ {
			for i := 0; i < d; i++ {
				ql.Set(i, j, q.At(i, j)*lam[j])
			}
		}
		var full mat.Dense
		full.Mul(&ql, q.T())
		h := mat.NewSymDense(d, nil)
		for i := 0; i < d; i++ {
			for j := i; j < d; j++ {
				h.SetSym(i, j, 0.5*(full.At(i, j)+full.At(j, i)))
			}
		}
		tmp := make([]float64, d)
		op := FuncOperator(d, func(dst, v []float64) {
			t := mat.NewVecDense(d, tmp)
			t.MulVec(q.T(), mat.NewVecDense(d, v))
			for i := range tmp {
				tmp[i] *= lam[i]
			}
			mat.NewVecDense(d, dst).MulVec(&q, t)
		})
		return h, op
	}
	panic("unknown kind " + kind)
}

// exactEig returns the eigenvalues of h in decreasing order.
func exactEig(h *mat.SymDense) []float64 {
	var es mat.EigenSym
	if !es.Factorize(h, false) {
		panic("EigenSym failed")
	}
	v := es.Values(nil)
	for i, j := 0, len(v)-1; i < j; i, j = i+1, j-1 {
		v[i], v[j] = v[j], v[i]
	}
	return v
}

func trace(h *mat.SymDense) float64 {
	var t float64
	for i := 0; i < h.SymmetricDim(); i++ {
		t += h.At(i, i)
	}
	return t
}
