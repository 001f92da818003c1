package curvature

import (
	"context"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

func logisticProblem(n, d int, seed uint64, l2 float64) *Logistic {
	rng := rand.New(rand.NewPCG(seed, 1))
	a := mat.NewDense(n, d, nil)
	w := make([]float64, d)
	for j := range w {
		w[j] = rng.NormFloat64()
	}
	b := make([]float64, n)
	for i := 0; i < n; i++ {
		var z float64
		for j := 0; j < d; j++ {
			a.Set(i, j, rng.NormFloat64())
			z += a.At(i, j) * w[j]
		}
		b[i] = 1
		if rng.Float64() > sigmoid(z) {
			b[i] = -1
		}
	}
	return &Logistic{A: a, B: b, L2: l2}
}

func lsProblem(n, d int, seed uint64, l2 float64) *LeastSquares {
	rng := rand.New(rand.NewPCG(seed, 1))
	a := mat.NewDense(n, d, nil)
	b := make([]float64, n)
	for i := 0; i < n; i++ {
		b[i] = rng.NormFloat64()
		for j := 0; j < d; j++ {
			a.Set(i, j, rng.NormFloat64())
		}
	}
	return &LeastSquares{A: a, B: b, L2: l2}
}

// TestModelDerivatives checks each model's gradient against gonum's
// diff/fd (central, 1e-6 relative) and its HessVec and Hessian against
// each other and against fd's central Jacobian of the gradient (1e-7),
// and SampleGrads' mean against the loss gradient without L2.
func TestModelDerivatives(t *testing.T) {
	type model interface {
		Objective(x, grad []float64) float64
		HessVec(dst, x, v []float64)
		Hessian(x []float64) *mat.SymDense
		SampleGrads(x []float64) *mat.Dense
	}
	const n, d = 40, 6
	for name, m := range map[string]model{
		"ls":       lsProblem(n, d, 1, 0.3),
		"logistic": logisticProblem(n, d, 2, 0.1),
	} {
		rng := rand.New(rand.NewPCG(3, 3))
		x := make([]float64, d)
		for i := range x {
			x[i] = rng.NormFloat64()
		}
		f := func(x []float64) float64 { return m.Objective(x, nil) }
		grad := make([]float64, d)
		m.Objective(x, grad)
		num := fd.Gradient(nil, f, x, &fd.Settings{Formula: fd.Central})
		for i := range grad {
			if math.Abs(grad[i]-num[i]) > 1e-6*math.Max(1, math.Abs(num[i])) {
				t.Errorf("%s: grad[%d] = %v, fd %v", name, i, grad[i], num[i])
			}
		}
		h := m.Hessian(x)
		hfd := mat.NewDense(d, d, nil)
		fd.Jacobian(hfd, func(g, x []float64) { m.Objective(x, g) }, x, &fd.JacobianSettings{Formula: fd.Central})
		hv := make([]float64, d)
		e := make([]float64, d)
		for j := 0; j < d; j++ {
			e[j] = 1
			m.HessVec(hv, x, e)
			e[j] = 0
			for i := 0; i < d; i++ {
				if math.Abs(hv[i]-h.At(i, j)) > 1e-13 {
					t.Errorf("%s: HessVec column %d row %d = %v, Hessian %v", name, j, i, hv[i], h.At(i, j))
				}
				if math.Abs(h.At(i, j)-hfd.At(i, j)) > 1e-7*math.Max(1, math.Abs(h.At(i, j))) {
					t.Errorf("%s: Hessian[%d,%d] = %v, fd %v", name, i, j, h.At(i, j), hfd.At(i, j))
				}
			}
		}
		sg := m.SampleGrads(x)
		mean := make([]float64, d)
		for i := 0; i < n; i++ {
			floats.Add(mean, sg.RawRowView(i))
		}
		floats.Scale(1/float64(n), mean)
		var l2 float64
		switch mm := m.(type) {
		case *LeastSquares:
			l2 = mm.L2
		case *Logistic:
			l2 = mm.L2
		}
		floats.AddScaled(mean, l2, x)
		if dist := floats.Distance(mean, grad, math.Inf(1)); dist > 1e-13 {
			t.Errorf("%s: mean of SampleGrads + L2·x differs from grad by %v", name, dist)
		}
	}
}

// TestFiniteDiffMatchesExact: the central difference at the default step
// matches the exact logistic Hessian-vector product to 1e-8 relative
// (the expected error is about ε^(2/3) ≈ 4e-11 times the scale), for x of
// norm 1e-3 to 10, and Check reports both errors below 1e-7. At ‖x‖ = 1e3
// the logistic loss is saturated (|a_iᵀx| ~ 1e3, curvature only where
// a_iᵀx ≈ 0) while the step grows with ‖x‖: the product is off by about
// 1e-6 and Check must say so (truncation > 1e-7).
func TestFiniteDiffMatchesExact(t *testing.T) {
	const n, d = 200, 30
	m := logisticProblem(n, d, 4, 1e-3)
	for _, scale := range []float64{1e-3, 1, 10, 1e3} {
		rng := rand.New(rand.NewPCG(5, 5))
		x := make([]float64, d)
		for i := range x {
			x[i] = scale * rng.NormFloat64() / math.Sqrt(d)
		}
		op, err := FiniteDiff(m.Objective, x, 0)
		if err != nil {
			t.Fatal(err)
		}
		ex := Exact(m, x)
		v := make([]float64, d)
		for i := range v {
			v[i] = rng.NormFloat64()
		}
		got, want := make([]float64, d), make([]float64, d)
		op.MulVec(got, v)
		ex.MulVec(want, v)
		rel := floats.Distance(got, want, 2) / floats.Norm(want, 2)
		asym, trunc := op.Check(1)
		if scale == 1e3 {
			if trunc <= 1e-7 {
				t.Errorf("‖x‖ ≈ %g: relative error %.2g, but Check's truncation %.2g does not flag it", scale, rel, trunc)
			}
			continue
		}
		if rel > 1e-8 {
			t.Errorf("‖x‖ ≈ %g: relative error %.2g", scale, rel)
		}
		if asym > 1e-7 || trunc > 1e-7 {
			t.Errorf("‖x‖ ≈ %g: Check = %.2g, %.2g", scale, asym, trunc)
		}
		t.Logf("‖x‖ ≈ %g: relative error %.2g, Check asymmetry %.2g truncation %.2g, step %.3g", scale, rel, asym, trunc, op.Step())
	}
	// On a quadratic the difference is exact up to rounding.
	ls := lsProblem(50, 10, 6, 0.5)
	x := make([]float64, 10)
	op, _ := FiniteDiff(ls.Objective, x, 0)
	vals, _, err := Spectrum(op, false)
	if err != nil {
		t.Fatal(err)
	}
	ex := exactEig(ls.Hessian(x))
	for i := range ex {
		if math.Abs(vals[i]-ex[i]) > 1e-8 {
			t.Errorf("least squares: eigenvalue %d by differences %v, exact %v", i, vals[i], ex[i])
		}
	}
	if op.Evals() != 1+2*10 {
		t.Errorf("Evals = %d, want 21", op.Evals())
	}
}

func TestSpectrumVectors(t *testing.T) {
	h, op := randSym("wigner", 40, 1)
	vals, vecs, err := Spectrum(op, true)
	if err != nil {
		t.Fatal(err)
	}
	ex := exactEig(h)
	for i := range ex {
		if math.Abs(vals[i]-ex[i]) > 1e-12 {
			t.Errorf("value %d: %v, want %v", i, vals[i], ex[i])
		}
		var hv mat.VecDense
		col := vecs.ColView(i)
		hv.MulVec(h, col)
		hv.AddScaledVec(&hv, -vals[i], col)
		if hv.Norm(2) > 1e-12 {
			t.Errorf("pair %d residual %v", i, hv.Norm(2))
		}
	}
}

// TestDeterministic: identical results for a seed whatever GOMAXPROCS.
func TestDeterministic(t *testing.T) {
	_, op := randSym("wishart", 80, 3)
	run := func() []float64 {
		var out []float64
		r, _ := Lanczos(op, 3, &Settings{Seed: 9})
		out = append(out, r.Values...)
		r, _ = Hutchinson(op, &Settings{Seed: 9, MaxIter: 7})
		out = append(out, r.Trace, r.StdErr)
		r, _ = SLQ(op, &Settings{Seed: 9, MaxIter: 3, Steps: 10})
		out = append(out, r.Density...)
		r, _ = Power(op, &Settings{Seed: 9, MaxIter: 20})
		return append(out, r.Values...)
	}
	prev := runtime.GOMAXPROCS(1)
	a := run()
	runtime.GOMAXPROCS(prev)
	b := run()
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			t.Fatalf("result %d differs: %v vs %v", i, a[i], b[i])
		}
	}
	r1, _ := Lanczos(op, 3, &Settings{Seed: 1, MaxIter: 5})
	r2, _ := Lanczos(op, 3, &Settings{Seed: 2, MaxIter: 5})
	if r1.Values[0] == r2.Values[0] {
		t.Error("different seeds gave the same 5-step Ritz value")
	}
}

func TestStopCancelFail(t *testing.T) {
	_, op := randSym("wigner", 100, 1)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for name, run := range map[string]func(*Settings) (*Result, error){
		"Lanczos":    func(s *Settings) (*Result, error) { return Lanczos(op, 2, s) },
		"Power":      func(s *Settings) (*Result, error) { return Power(op, s) },
		"Hutchinson": func(s *Settings) (*Result, error) { return Hutchinson(op, s) },
		"SLQ":        func(s *Settings) (*Result, error) { return SLQ(op, s) },
	} {
		r, err := run(&Settings{Context: ctx})
		if err != nil || r.Status != Canceled {
			t.Errorf("%s canceled: status %v err %v", name, r.Status, err)
		}
		r, err = run(&Settings{Callback: func(int, *Result) bool { return false }})
		if err != nil || r.Status != Stopped || r.Iterations == 0 {
			t.Errorf("%s stopped: status %v err %v iterations %d", name, r.Status, err, r.Iterations)
		}
		r, err = run(&Settings{Callback: func(int, *Result) bool { panic("boom") }})
		if err == nil || r.Status != Stopped {
			t.Errorf("%s callback panic: status %v err %v", name, r.Status, err)
		}
	}
	calls := 0
	nan := FuncOperator(10, func(dst, v []float64) {
		calls++
		for i := range dst {
			dst[i] = float64(i+1) * v[i]
		}
		if calls == 3 {
			dst[4] = math.NaN()
		}
	})
	for name, run := range map[string]func() (*Result, error){
		"Lanczos":    func() (*Result, error) { return Lanczos(nan, 2, nil) },
		"Power":      func() (*Result, error) { return Power(nan, nil) },
		"Hutchinson": func() (*Result, error) { return Hutchinson(nan, nil) },
		"SLQ":        func() (*Result, error) { return SLQ(nan, nil) },
	} {
		calls = 0
		r, err := run()
		if err == nil || r.Status != Failed {
			t.Errorf("%s NaN product: status %v err %v", name, r.Status, err)
		}
	}
}

func TestBadInput(t *testing.T) {
	mustPanic := func(name string, f func()) {
		t.Helper()
		defer func() {
			if recover() == nil {
				t.Errorf("%s did not panic", name)
			}
		}()
		f()
	}
	_, op := randSym("wigner", 10, 1)
	mustPanic("Lanczos k=0", func() { Lanczos(op, 0, nil) })
	mustPanic("Lanczos k>d", func() { Lanczos(op, 11, nil) })
	mustPanic("Lanczos nil", func() { Lanczos(nil, 1, nil) })
	mustPanic("MaxIter<0", func() { Power(op, &Settings{MaxIter: -1}) })
	mustPanic("Tol NaN", func() { Hutchinson(op, &Settings{Tol: math.NaN()}) })
	mustPanic("Which", func() { Lanczos(op, 1, &Settings{Which: 7}) })
	mustPanic("Points=1", func() { SLQ(op, &Settings{Points: 1}) })
	mustPanic("damp 0", func() { NewMFACDynamic(3, 2, 0) })
	mustPanic("MFAC dims", func() { NewMFACDynamic(0, 2, 1) })
	mustPanic("static damp", func() { NewMFACStatic(mat.NewDense(2, 2, nil), -1) })
	mustPanic("InvMulVec len", func() { NewMFACDynamic(3, 2, 1).InvMulVec(make([]float64, 2), make([]float64, 3)) })
	mustPanic("LS len", func() { lsProblem(5, 3, 1, 0).Objective(make([]float64, 2), nil) })
	mustPanic("labels", func() { (&Logistic{A: mat.NewDense(1, 1, []float64{1}), B: []float64{0}}).Objective([]float64{0}, nil) })
	mustPanic("FiniteDiff step", func() { FiniteDiff(func(x, g []float64) float64 { return 0 }, []float64{1}, -1) })
	if _, err := FiniteDiff(func(x, g []float64) float64 { return math.NaN() }, []float64{1}, 0); err == nil {
		t.Error("FiniteDiff: NaN f(x) gave no error")
	}
	if _, err := FiniteDiff(func(x, g []float64) float64 { return 0 }, []float64{math.Inf(1)}, 0); err == nil {
		t.Error("FiniteDiff: Inf x gave no error")
	}
	if _, err := FiniteDiff(func(x, g []float64) float64 { return 0 }, []float64{1e10}, 1e-30); err == nil {
		t.Error("FiniteDiff: a step lost in rounding gave no error")
	}
	g := mat.NewDense(2, 2, []float64{1, 2, math.NaN(), 0})
	if _, err := NewMFACStatic(g, 1); err == nil {
		t.Error("NewMFACStatic: NaN gradient gave no error")
	}
}
