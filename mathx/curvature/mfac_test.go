package curvature

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

func randGrads(m, d int, seed uint64) *mat.Dense {
	rng := rand.New(rand.NewPCG(seed, 3))
	g := mat.NewDense(m, d, nil)
	for i := 0; i < m; i++ {
		for j := 0; j < d; j++ {
			g.Set(i, j, rng.NormFloat64())
		}
	}
	return g
}

// denseFisherInverse returns (damp·I + (1/m)Σ g gᵀ)⁻¹ over the rows of g,
// by a Cholesky factorisation of the explicit matrix.
func denseFisherInverse(g *mat.Dense, m int, damp float64) *mat.Dense {
	_, d := g.Dims()
	var ggt mat.Dense
	ggt.Mul(g.T(), g)
	f := mat.NewSymDense(d, nil)
	for i := 0; i < d; i++ {
		for j := i; j < d; j++ {
			v := ggt.At(i, j) / float64(m)
			if i == j {
				v += damp
			}
			f.SetSym(i, j, v)
		}
	}
	var ch mat.Cholesky
	if !ch.Factorize(f) {
		panic("not positive definite")
	}
	var inv mat.SymDense
	if err := ch.InverseTo(&inv); err != nil {
		panic(err)
	}
	out := mat.NewDense(d, d, nil)
	out.Copy(&inv)
	return out
}

func relErr(got []float64, want mat.Vector) float64 {
	var num, den float64
	for i, g := range got {
		num = math.Max(num, math.Abs(g-want.AtVec(i)))
		den = math.Max(den, math.Abs(want.AtVec(i)))
	}
	return num / den
}

// TestMFACMatchesDenseInverse is issue 20's Done-when: both algorithms'
// products match the explicit dense inverse to 1e-9 (largest error over
// the largest entry), d = 200, m = 32, for dampening 1e-4 … 1 (condition
// numbers up to about 1e5).
func TestMFACMatchesDenseInverse(t *testing.T) {
	const d, m = 200, 32
	g := randGrads(m, d, 1)
	rng := rand.New(rand.NewPCG(2, 2))
	x := make([]float64, d)
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	for _, damp := range []float64{1e-4, 1e-2, 1} {
		t.Run(fmt.Sprint("damp=", damp), func(t *testing.T) {
			inv := denseFisherInverse(g, m, damp)
			var want mat.VecDense
			want.MulVec(inv, mat.NewVecDense(d, x))
			st, err := NewMFACStatic(g, damp)
			if err != nil {
				t.Fatal(err)
			}
			got := make([]float64, d)
			st.InvMulVec(got, x)
			eStatic := relErr(got, &want)
			if eStatic > 1e-9 {
				t.Errorf("static: relative error %.2g", eStatic)
			}
			dy := NewMFACDynamic(d, m, damp)
			for i := 0; i < m; i++ {
				if _, err := dy.Add(g.RawRowView(i)); err != nil {
					t.Fatal(err)
				}
			}
			dy.InvMulVec(got, x)
			eDyn := relErr(got, &want)
			if eDyn > 1e-9 {
				t.Errorf("dynamic: relative error %.2g", eDyn)
			}
			t.Logf("relative error: static %.2g, dynamic %.2g", eStatic, eDyn)
			// aliasing dst and x
			y := append([]float64(nil), x...)
			st.InvMulVec(y, y)
			if e := relErr(y, &want); e > 1e-9 {
				t.Errorf("static in place: relative error %.2g", e)
			}
			// element queries and the diagonal
			diag := st.InvDiag()
			for _, ij := range [][2]int{{0, 0}, {3, 17}, {199, 5}, {100, 100}} {
				if e := math.Abs(st.InvAt(ij[0], ij[1]) - inv.At(ij[0], ij[1])); e > 1e-9*inv.At(0, 0) {
					t.Errorf("InvAt%v error %.2g", ij, e)
				}
			}
			for i := 0; i < d; i++ {
				if e := math.Abs(diag[i] - inv.At(i, i)); e > 1e-9*inv.At(i, i) {
					t.Errorf("InvDiag[%d] error %.2g", i, e)
					break
				}
			}
		})
	}
}

// TestMFACDynamicWindow: after 45 gradients the window of 32 holds the
// last 32; after Remove, the slot's gradient is gone; partially filled
// windows still divide by m.
func TestMFACDynamicWindow(t *testing.T) {
	const d, m, damp = 120, 32, 1e-2
	g := randGrads(45, d, 4)
	x := randGrads(1, d, 5).RawRowView(0)
	dy := NewMFACDynamic(d, m, damp)
	check := func(rows []int, what string) {
		t.Helper()
		sub := mat.NewDense(max(len(rows), 1), d, nil)
		for i, r := range rows {
			sub.SetRow(i, g.RawRowView(r))
		}
		inv := denseFisherInverse(sub, m, damp)
		var want mat.VecDense
		want.MulVec(inv, mat.NewVecDense(d, x))
		got := make([]float64, d)
		dy.InvMulVec(got, x)
		if e := relErr(got, &want); e > 1e-9 {
			t.Errorf("%s: relative error %.2g", what, e)
		}
	}
	check(nil, "empty")
	for i := 0; i < 10; i++ {
		dy.Add(g.RawRowView(i))
	}
	check([]int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, "10 of 32")
	for i := 10; i < 45; i++ {
		dy.Add(g.RawRowView(i))
	}
	var last []int
	for i := 13; i < 45; i++ {
		last = append(last, i)
	}
	check(last, "sliding window")
	if dy.Len() != m {
		t.Errorf("Len = %d, want %d", dy.Len(), m)
	}
	// gradient 40 went into slot 40 % 32 = 8
	dy.Remove(8)
	var rest []int
	for _, i := range last {
		if i != 40 {
			rest = append(rest, i)
		}
	}
	check(rest, "after Remove")
	if dy.Len() != m-1 {
		t.Errorf("Len = %d after Remove, want %d", dy.Len(), m-1)
	}
	bad := make([]float64, d)
	bad[3] = math.NaN()
	if _, err := dy.Add(bad); err == nil {
		t.Error("Add(NaN) gave no error")
	}
	check(rest, "after a refused Add")
}

// TestOBS: the OBS score is the increase of the quadratic model
// ½δᵀF̂δ when the update removes w_j, and the update zeroes w_j.
func TestOBS(t *testing.T) {
	const d, m, damp = 60, 16, 1e-1
	g := randGrads(m, d, 6)
	w := randGrads(1, d, 7).RawRowView(0)
	st, _ := NewMFACStatic(g, damp)
	scores := st.OBSScores(w)
	var ggt mat.Dense
	ggt.Mul(g.T(), g)
	for _, j := range []int{0, 13, 59} {
		dw := st.OBSUpdate(w, j)
		if math.Abs(w[j]+dw[j]) > 1e-12*math.Abs(w[j]) {
			t.Errorf("update %d: w_j + δ_j = %v", j, w[j]+dw[j])
		}
		// ½ δᵀ F̂ δ, F̂ = damp·I + GᵀG/m
		var fd mat.VecDense
		fd.MulVec(&ggt, mat.NewVecDense(d, dw))
		q := 0.5 * (damp*floats.Dot(dw, dw) + floats.Dot(dw, fd.RawVector().Data)/m)
		if math.Abs(q-scores[j]) > 1e-9*scores[j] {
			t.Errorf("score %d = %v, quadratic model increase %v", j, scores[j], q)
		}
	}
}
