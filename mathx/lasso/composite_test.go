package lasso

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gomx-dev/gomx/mathx/prox"
	"gonum.org/v1/gonum/mat"
)

// TestCompositeL1 solves the lasso through the generic prox and compares
// with CD.
func TestCompositeL1(t *testing.T) {
	p, _ := problem(5, 120, 60, 6, 0.1, 0.1, nil)
	ref, err := CD(p, &Settings{Tol: 1e-14, MaxIter: 1000})
	if err != nil || ref.Status != Converged {
		t.Fatal(ref.Status, err)
	}
	c := &Composite{A: p.A, B: p.B, G: prox.Scale{F: prox.L1{}, Lambda: p.Lambda}}
	for name, solve := range map[string]func(*Composite, *Settings) (*Result, error){"ProxGradient": ProxGradient, "AccelProxGradient": AccelProxGradient} {
		res, err := solve(c, &Settings{Tol: 1e-10, MaxIter: 100000})
		if err != nil || res.Status != Converged {
			t.Fatalf("%s: %v %v", name, res.Status, err)
		}
		for j := range ref.X {
			if math.Abs(res.X[j]-ref.X[j]) > 1e-8 {
				t.Fatalf("%s: x[%d] = %g, CD %g", name, j, res.X[j], ref.X[j])
			}
		}
		if res.History[len(res.History)-1] > 1e-10 {
			t.Fatalf("%s: final gradient mapping %g", name, res.History[len(res.History)-1])
		}
	}
}

// TestCompositeGroupLasso checks the group-lasso optimality conditions:
// A_gᵀu = λw_g·x_g/‖x_g‖ on non-zero groups and ‖A_gᵀu‖ ≤ λw_g on zero
// groups, u = (b − Ax)/n.
func TestCompositeGroupLasso(t *testing.T) {
	p, _ := problem(6, 150, 40, 8, 0.1, 0.1, nil)
	var groups [][]int
	var w []float64
	for g := 0; g < 10; g++ {
		groups = append(groups, []int{4 * g, 4*g + 1, 4*g + 2, 4*g + 3})
		w = append(w, 0.5+0.1*float64(g))
	}
	lam := 2 * p.Lambda
	c := &Composite{A: p.A, B: p.B, G: prox.Scale{F: prox.GroupL2{Groups: groups, Weights: w}, Lambda: lam}}
	res, err := AccelProxGradient(c, &Settings{Tol: 1e-11, MaxIter: 100000})
	if err != nil || res.Status != Converged {
		t.Fatal(res.Status, err)
	}
	n, d := p.A.Dims()
	var ax, atu mat.VecDense
	ax.MulVec(p.A, mat.NewVecDense(d, res.X))
	u := mat.NewVecDense(n, nil)
	for i := 0; i < n; i++ {
		u.SetVec(i, (p.B[i]-ax.AtVec(i))/float64(n))
	}
	atu.MulVec(p.A.T(), u)
	zero, nonzero := 0, 0
	for g, idx := range groups {
		var xn, an float64
		for _, j := range idx {
			xn += res.X[j] * res.X[j]
			an += atu.AtVec(j) * atu.AtVec(j)
		}
		xn, an = math.Sqrt(xn), math.Sqrt(an)
		if xn == 0 {
			zero++
			if an > lam*w[g]*(1+1e-6) {
				t.Fatalf("group %d: ‖A_gᵀu‖ = %g > λw = %g", g, an, lam*w[g])
			}
			continue
		}
		nonzero++
		for _, j := range idx {
			if math.Abs(atu.AtVec(j)-lam*w[g]*res.X[j]/xn) > 1e-7 {
				t.Fatalf("group %d: optimality fails at %d", g, j)
			}
		}
	}
	if zero == 0 || nonzero == 0 {
		t.Fatalf("want both zero and non-zero groups, got %d and %d", zero, nonzero)
	}
}

// TestCompositeTV: with A = I the TV-regularised least squares
// (1/2n)‖x − b‖² + λ·TV(x) is solved in closed form by TV1D(b, nλ).
func TestCompositeTV(t *testing.T) {
	const n = 80
	r := rand.New(rand.NewPCG(8, 1))
	b := make([]float64, n)
	level := 0.0
	for i := range b {
		if i%20 == 0 {
			level = 3 * r.NormFloat64()
		}
		b[i] = level + 0.3*r.NormFloat64()
	}
	eye := mat.NewDiagDense(n, nil)
	for i := 0; i < n; i++ {
		eye.SetDiag(i, 1)
	}
	lam := 0.01
	res, err := AccelProxGradient(&Composite{A: eye, B: b, G: prox.Scale{F: prox.TV{}, Lambda: lam}}, &Settings{Tol: 1e-12})
	if err != nil || res.Status != Converged {
		t.Fatal(res.Status, err)
	}
	want := make([]float64, n)
	prox.TV1D(want, b, n*lam)
	for i := range want {
		if math.Abs(res.X[i]-want[i]) > 1e-9 {
			t.Fatalf("x[%d] = %g, TV1D %g", i, res.X[i], want[i])
		}
	}
}

// TestIHT: proximal gradient onto the ℓ0 ball (iterative hard
// thresholding, TEDDY's projected gradient) recovers a K-sparse truth from
// noiseless Gaussian measurements, for several seeds.
func TestIHT(t *testing.T) {
	for seed := uint64(0); seed < 3; seed++ {
		p, x0 := problem(20+seed, 250, 500, 10, 0, 0.1, nil)
		res, err := ProxGradient(&Composite{A: p.A, B: p.B, G: prox.L0Ball{K: 10}}, &Settings{Tol: 1e-10, MaxIter: 5000})
		if err != nil || res.Status != Converged {
			t.Fatalf("seed %d: %v %v", seed, res.Status, err)
		}
		for j := range x0 {
			if (x0[j] != 0) != (res.X[j] != 0) || math.Abs(res.X[j]-x0[j]) > 1e-8 {
				t.Fatalf("seed %d: x[%d] = %g, truth %g", seed, j, res.X[j], x0[j])
			}
		}
		for k := 1; k < len(res.Objective); k++ {
			if res.Objective[k] > res.Objective[k-1]*(1+1e-12)+1e-300 {
				t.Fatalf("seed %d: objective increased at %d", seed, k)
			}
		}
	}
}

// TestCompositeLogistic: ℓ1-logistic through the generic prox equals FISTA
// on the Problem.
func TestCompositeLogistic(t *testing.T) {
	p, _ := problem(9, 200, 30, 5, 0.5, 0.1, nil)
	for i, v := range p.B {
		p.B[i] = math.Copysign(1, v)
	}
	p.Loss, p.Lambda = Logistic, 0.02
	ref, err := FISTA(p, &Settings{Tol: 1e-13, MaxIter: 100000})
	if err != nil || ref.Status != Converged {
		t.Fatal(ref.Status, err)
	}
	res, err := AccelProxGradient(&Composite{A: p.A, B: p.B, Loss: Logistic, G: prox.Scale{F: prox.L1{}, Lambda: p.Lambda}}, &Settings{Tol: 1e-10, MaxIter: 100000})
	if err != nil || res.Status != Converged {
		t.Fatal(res.Status, err)
	}
	for j := range ref.X {
		if math.Abs(res.X[j]-ref.X[j]) > 1e-7 {
			t.Fatalf("x[%d] = %g, FISTA %g", j, res.X[j], ref.X[j])
		}
	}
}

// TestCompositeNuclear: with A = I, (1/2n)‖x − b‖² + λ‖X‖_* is solved in
// closed form by singular value thresholding at nλ.
func TestCompositeNuclear(t *testing.T) {
	const rows, cols = 6, 5
	n := rows * cols
	r := rand.New(rand.NewPCG(10, 1))
	b := make([]float64, n)
	for i := range b {
		b[i] = r.NormFloat64()
	}
	eye := mat.NewDiagDense(n, nil)
	for i := 0; i < n; i++ {
		eye.SetDiag(i, 1)
	}
	lam := 0.05
	g := prox.Scale{F: prox.Nuclear{Rows: rows, Cols: cols}, Lambda: lam}
	res, err := AccelProxGradient(&Composite{A: eye, B: b, G: g}, &Settings{Tol: 1e-12})
	if err != nil || res.Status != Converged {
		t.Fatal(res.Status, err)
	}
	var want mat.Dense
	if err := prox.ProxNuclear(&want, mat.NewDense(rows, cols, b), float64(n)*lam); err != nil {
		t.Fatal(err)
	}
	for i, v := range want.RawMatrix().Data {
		if math.Abs(res.X[i]-v) > 1e-9 {
			t.Fatalf("x[%d] = %g, SVT %g", i, res.X[i], v)
		}
	}
}
