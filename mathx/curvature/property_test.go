package curvature

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/gomx-dev/gomx/mathx/internal/mathxtest"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// Issue 18's property tests for curvature: every exported routine on
// zeros, one element, duplicated rows, NaN, ±Inf and scales 1e±300
// returns within a second (mathxtest.Promptly), and either is correct —
// against an independent answer: the eigenvalues of the unscaled matrix
// times the scale, the trace, a dense inverse — or reports Failed or an
// error; never Converged with values that are not finite.

// symCase is a symmetric matrix base·scale with a known answer when
// base is finite.
type symCase struct {
	name  string
	base  []float64 // d×d, symmetric
	scale float64
	bad   bool // base holds NaN or ±Inf: every routine must fail
}

func symCases() []symCase {
	nan, inf := math.NaN(), math.Inf(1)
	spd := []float64{4, 1, 0, 1, 3, 1, 0, 1, 2}
	// (1/n)AᵀA of A with a duplicated row: rank 2 of 3.
	dup := []float64{2, 4, 2, 4, 8, 4, 2, 4, 3}
	return []symCase{
		{"zeros", make([]float64, 9), 1, false},
		{"one element", []float64{5}, 1, false},
		{"one negative element", []float64{-2}, 1, false},
		{"duplicated rows", dup, 1, false},
		{"indefinite", []float64{1, 2, 0, 2, -3, 1, 0, 1, 0.5}, 1, false},
		{"scale 1e300", spd, 1e300, false},
		{"scale 1e-300", spd, 1e-300, false},
		{"NaN", []float64{4, 1, 0, 1, nan, 1, 0, 1, 2}, 1, true},
		{"+Inf", []float64{inf, 1, 0, 1, 3, 1, 0, 1, 2}, 1, true},
		{"-Inf off the diagonal", []float64{4, -inf, 0, -inf, 3, 1, 0, 1, 2}, 1, true},
	}
}

func (c symCase) matrix() *mat.SymDense {
	d := int(math.Sqrt(float64(len(c.base))))
	s := mat.NewSymDense(d, nil)
	for i := 0; i < d; i++ {
		for j := i; j < d; j++ {
			s.SetSym(i, j, c.base[i*d+j]*c.scale)
		}
	}
	return s
}

// exact returns the eigenvalues (decreasing) and the trace of base·scale
// from the unscaled base.
func (c symCase) exact() (eig []float64, tr float64) {
	b := c
	b.scale = 1
	eig = exactEig(b.matrix())
	for i := range eig {
		eig[i] *= c.scale
	}
	return eig, trace(b.matrix()) * c.scale
}

// TestPropertySpectral: Lanczos (three Which), Power, Hutchinson (with and
// without Tol), SLQ, MeasureSharpness, Recorder.Record, Spectrum and
// Dense on each symCase, through Matrix and through FuncOperator.
func TestPropertySpectral(t *testing.T) {
	for _, c := range symCases() {
		a := c.matrix()
		d := a.SymmetricDim()
		ops := map[string]Operator{
			"Matrix":       Matrix(a),
			"FuncOperator": FuncOperator(d, func(dst, v []float64) { mat.NewVecDense(d, dst).MulVec(a, mat.NewVecDense(d, v)) }),
		}
		var eig []float64
		var tr, norm float64
		if !c.bad {
			eig, tr = c.exact()
			for _, l := range eig {
				norm = math.Max(norm, math.Abs(l))
			}
		}
		close := func(got, want, rel float64) bool {
			return math.Abs(got-want) <= rel*math.Max(norm, math.SmallestNonzeroFloat64)
		}
		for on, op := range ops {
			name := c.name + "/" + on
			type run struct {
				routine string
				call    func() (*Result, error)
			}
			for _, w := range []Which{LargestAlgebraic, SmallestAlgebraic, LargestMagnitude} {
				w := w
				var r *Result
				var err error
				if perr := mathxtest.Promptly(t, name, func() { r, err = Lanczos(op, 1, &Settings{Which: w}) }); perr != nil {
					t.Errorf("%s: Lanczos %v: %v", name, w, perr)
					continue
				}
				if !checkStatus(t, name+"/Lanczos "+w.String(), c.bad, r.Status, err, r.Values) {
					continue
				}
				var want float64
				switch w {
				case LargestAlgebraic:
					want = eig[0]
				case SmallestAlgebraic:
					want = eig[len(eig)-1]
				default:
					want = eig[0]
					if math.Abs(eig[len(eig)-1]) > math.Abs(want) {
						want = eig[len(eig)-1]
					}
				}
				if r.Status != Converged || !close(r.Values[0], want, 1e-10) {
					t.Errorf("%s: Lanczos %v: %v, %v; want Converged, %v", name, w, r.Status, r.Values, want)
				}
			}
			// All d eigenvalues at once (k = d), for the one-element and
			// rank-deficient cases.
			var r *Result
			var err error
			if perr := mathxtest.Promptly(t, name, func() { r, err = Lanczos(op, d, nil) }); perr != nil {
				t.Errorf("%s: Lanczos k = d: %v", name, perr)
			} else if checkStatus(t, name+"/Lanczos k = d", c.bad, r.Status, err, r.Values) {
				for i := range eig {
					if !close(r.Values[i], eig[i], 1e-10) {
						t.Errorf("%s: Lanczos k = d: %v, want %v", name, r.Values, eig)
						break
					}
				}
			}

			if perr := mathxtest.Promptly(t, name, func() { r, err = Power(op, nil) }); perr != nil {
				t.Errorf("%s: Power: %v", name, perr)
			} else if c.bad || norm == 0 {
				// Hv = 0 for the zero matrix: Power reports it.
				if r.Status != Failed || err == nil {
					t.Errorf("%s: Power: %v, %v; want Failed with an error", name, r.Status, err)
				}
			} else if checkStatus(t, name+"/Power", false, r.Status, err, r.Values) && r.Status == Converged {
				if math.Abs(math.Abs(r.Values[0])-norm) > 1e-6*norm {
					t.Errorf("%s: Power Converged at %v, want |λ| = %v", name, r.Values[0], norm)
				}
			}

			for _, tol := range []float64{0, 1e-3} {
				if perr := mathxtest.Promptly(t, name, func() { r, err = Hutchinson(op, &Settings{Tol: tol}) }); perr != nil {
					t.Errorf("%s: Hutchinson: %v", name, perr)
					continue
				}
				if !checkStatus(t, name+"/Hutchinson", c.bad, r.Status, err, []float64{r.Trace, r.StdErr}) {
					continue
				}
				if math.Abs(r.Trace-tr) > 5*r.StdErr+1e-12*norm {
					t.Errorf("%s: Hutchinson Tol %g: trace %v ± %v, want %v", name, tol, r.Trace, r.StdErr, tr)
				}
			}

			if perr := mathxtest.Promptly(t, name, func() { r, err = SLQ(op, nil) }); perr != nil {
				t.Errorf("%s: SLQ: %v", name, perr)
			} else if checkStatus(t, name+"/SLQ", c.bad, r.Status, err, append(append([]float64{r.Sigma}, r.Grid...), r.Density...)) {
				m1, se := r.Moment(1)
				if math.Abs(m1*float64(d)-tr) > 5*se*float64(d)+1e-12*norm*float64(d) {
					t.Errorf("%s: SLQ tr(H)/d %v ± %v, want %v", name, m1, se, tr/float64(d))
				}
				var integral float64
				for i := 1; i < len(r.Grid); i++ {
					integral += 0.5 * (r.Density[i] + r.Density[i-1]) * (r.Grid[i] - r.Grid[i-1])
				}
				if math.Abs(integral-1) > 1e-3 {
					t.Errorf("%s: SLQ density integrates to %v", name, integral)
				}
				if got := r.DensityAt([]float64{math.Inf(-1), math.Inf(1)}, r.Sigma); got[0] != 0 || got[1] != 0 {
					t.Errorf("%s: DensityAt(±Inf) = %v, want 0", name, got)
				}
				if m2, _ := r.Moment(2); c.scale <= 1 && (math.IsNaN(m2) || math.IsInf(m2, 0) || m2 < 0) {
					t.Errorf("%s: SLQ second moment %v", name, m2)
				}
			}

			var sh Sharpness
			if perr := mathxtest.Promptly(t, name, func() { sh, err = MeasureSharpness(op, nil) }); perr != nil {
				t.Errorf("%s: MeasureSharpness: %v", name, perr)
			} else if c.bad {
				if err == nil {
					t.Errorf("%s: MeasureSharpness gave %+v without an error", name, sh)
				}
			} else {
				var fro float64
				for _, l := range eig {
					fro = math.Hypot(fro, l)
				}
				vals := []float64{sh.LambdaMax, sh.Trace, sh.TraceStdErr, sh.Frobenius, sh.FrobeniusStdErr}
				if err != nil || firstNonFinite(vals) >= 0 || !close(sh.LambdaMax, eig[0], 1e-10) ||
					math.Abs(sh.Trace-tr) > 5*sh.TraceStdErr+1e-12*norm || math.Abs(sh.Frobenius-fro) > 5*sh.FrobeniusStdErr+1e-12*norm {
					t.Errorf("%s: MeasureSharpness %+v, %v; want λmax %v, trace %v, ‖H‖_F %v", name, sh, err, eig[0], tr, fro)
				}
			}
			rec := &Recorder{Every: 2}
			if perr := mathxtest.Promptly(t, name, func() { err = rec.Record(4, op); _ = rec.Record(5, op) }); perr != nil {
				t.Errorf("%s: Recorder: %v", name, perr)
			} else if want := 1; c.bad && (err == nil || len(rec.Records) != 0) || !c.bad && (err != nil || len(rec.Records) != want ||
				rec.Iters()[0] != 4 || rec.LambdaMax()[0] != rec.Records[0].LambdaMax || rec.Traces()[0] != rec.Records[0].Trace) {
				t.Errorf("%s: Recorder: %v, records %+v", name, err, rec.Records)
			}

			var vals []float64
			var vecs *mat.Dense
			if perr := mathxtest.Promptly(t, name, func() { vals, vecs, err = Spectrum(op, true) }); perr != nil {
				t.Errorf("%s: Spectrum: %v", name, perr)
			} else if c.bad {
				if err == nil {
					t.Errorf("%s: Spectrum %v without an error", name, vals)
				}
			} else if err != nil || vecs == nil {
				t.Errorf("%s: Spectrum: %v", name, err)
			} else {
				for i := range eig {
					if !close(vals[i], eig[i], 1e-12) {
						t.Errorf("%s: Spectrum %v, want %v", name, vals, eig)
						break
					}
				}
			}
			var dense *mat.SymDense
			if perr := mathxtest.Promptly(t, name, func() { dense = Dense(op) }); perr != nil {
				t.Errorf("%s: Dense: %v", name, perr)
			} else if !c.bad && !mat.Equal(dense, a) {
				t.Errorf("%s: Dense differs from the matrix", name)
			}
		}
	}
}

// checkStatus checks the contract on a spectral result: bad input gives
// Failed with an error; otherwise no error and, unless Failed, finite
// values. It reports whether the values may be checked further.
func checkStatus(t *testing.T, name string, bad bool, st Status, err error, vals []float64) bool {
	t.Helper()
	if bad {
		if st != Failed || err == nil {
			t.Errorf("%s: %v, %v; want Failed with an error", name, st, err)
		}
		return false
	}
	if st == Failed {
		if err == nil {
			t.Errorf("%s: Failed without an error", name)
		}
		return false
	}
	if err != nil {
		t.Errorf("%s: %v with error %v", name, st, err)
		return false
	}
	if i := firstNonFinite(vals); i >= 0 {
		t.Errorf("%s: %v with value %d = %v", name, st, i, vals[i])
		return false
	}
	return true
}

// TestPropertyFiniteDiff: FiniteDiff and its methods on quadratics at
// zero, one coordinate, 1e±300 and NaN/±Inf points, and on functions
// whose value or gradient is not finite.
func TestPropertyFiniteDiff(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	// f(x) = ½ Σ c_i x_i² + x₀x₁ (d ≥ 2) has the Hessian diag(c) + the coupling.
	quad := func(x, g []float64) float64 {
		var f float64
		for i, v := range x {
			f += 0.5 * float64(i+1) * v * v
			if g != nil {
				g[i] = float64(i+1) * v
			}
		}
		if len(x) > 1 {
			f += x[0] * x[1]
			if g != nil {
				g[0] += x[1]
				g[1] += x[0]
			}
		}
		return f
	}
	hess := func(d int) []float64 {
		h := make([]float64, d*d)
		for i := 0; i < d; i++ {
			h[i*d+i] = float64(i + 1)
		}
		if d > 1 {
			h[1], h[d] = 1, 1
		}
		return h
	}
	sqrtSum := func(x, g []float64) float64 { // ∇ is NaN once a coordinate is < 0
		var f float64
		for i, v := range x {
			f += math.Sqrt(v)
			if g != nil {
				g[i] = 0.5 / math.Sqrt(v)
			}
		}
		return f
	}
	nanF := func(x, g []float64) float64 {
		for i := range g {
			g[i] = 0
		}
		return nan
	}
	infGrad := func(x, g []float64) float64 {
		for i := range g {
			g[i] = inf
		}
		return 0
	}
	cases := []struct {
		name    string
		f       Func
		x       []float64
		wantErr string // FiniteDiff's error, "" for none
		hess    []float64
		failing bool // the products are not finite: Lanczos must fail
	}{
		{"zeros", quad, []float64{0, 0, 0}, "", hess(3), false},
		{"one element", quad, []float64{2}, "", hess(1), false},
		{"scale 1e-300", quad, []float64{1e-300, -2e-300, 3e-300}, "", hess(3), false},
		{"scale 1e150", quad, []float64{1e150, 0, 0}, "", hess(3), false},
		{"scale 1e300 (f overflows)", quad, []float64{1e300, 1e300, 0}, "f(x) = +Inf", nil, false},
		{"NaN in x", quad, []float64{0, nan, 0}, "x[1] = NaN", nil, false},
		{"-Inf in x", quad, []float64{-inf, 0}, "x[0] = -Inf", nil, false},
		{"f NaN", nanF, []float64{1, 2}, "f(x) = NaN", nil, false},
		{"gradient +Inf", infGrad, []float64{1, 2}, "∇f(x)[0] = +Inf", nil, false},
		{"gradient NaN beyond x", sqrtSum, []float64{1e-30, 1}, "", nil, true},
	}
	for _, c := range cases {
		var fd *FiniteDifference
		var err error
		if perr := mathxtest.Promptly(t, c.name, func() { fd, err = FiniteDiff(c.f, c.x, 0) }); perr != nil {
			t.Errorf("%s: FiniteDiff: %v", c.name, perr)
			continue
		}
		if c.wantErr != "" {
			if err == nil || fd != nil || !strings.Contains(err.Error(), c.wantErr) {
				t.Errorf("%s: FiniteDiff: %v, %v; want an error naming %q", c.name, fd, err, c.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: FiniteDiff: %v", c.name, err)
			continue
		}
		d := len(c.x)
		if fd.Dim() != d || fd.Evals() != 1 || !(fd.Step() >= DefaultStep) {
			t.Errorf("%s: Dim %d, Evals %d, Step %v", c.name, fd.Dim(), fd.Evals(), fd.Step())
		}
		var r *Result
		if perr := mathxtest.Promptly(t, c.name, func() { r, err = Lanczos(fd, 1, nil) }); perr != nil {
			t.Errorf("%s: Lanczos: %v", c.name, perr)
			continue
		}
		if c.failing {
			if r.Status != Failed || err == nil {
				t.Errorf("%s: Lanczos on NaN products: %v, %v; want Failed", c.name, r.Status, err)
			}
			continue
		}
		want := exactEig(mat.NewSymDense(d, c.hess))
		if err != nil || math.Abs(r.Values[0]-want[0]) > 1e-6*want[0] {
			t.Errorf("%s: Lanczos on FiniteDiff: %v, %v; want %v", c.name, r.Values, err, want[0])
		}
		col := make([]float64, d)
		e := make([]float64, d)
		e[0] = 1
		fd.MulVec(col, e)
		for i := range col {
			if math.Abs(col[i]-c.hess[i*d]) > 1e-6 {
				t.Errorf("%s: MulVec(e₀) = %v, want column %v", c.name, col, c.hess[:d])
				break
			}
		}
		fd.MulVec(col, make([]float64, d))
		if floats.Norm(col, 2) != 0 {
			t.Errorf("%s: MulVec(0) = %v", c.name, col)
		}
		if asym, trunc := fd.Check(1); !(asym < 1e-6) || !(trunc < 1e-6) {
			t.Errorf("%s: Check = %v, %v", c.name, asym, trunc)
		}
	}
}

// modelCase is a data set for LeastSquares and Logistic.
type modelCase struct {
	name string
	n, d int
	a    []float64
	b    []float64 // targets; the labels are their signs (+1 for 0)
	bad  bool      // A or b holds NaN or ±Inf, or the objective overflows at 0
}

func modelCases() []modelCase {
	nan, inf := math.NaN(), math.Inf(1)
	base := []float64{1, 2, 3, 1, 0.5, -1, 2, 0, 1, -1, 1, 1}
	scale := func(f float64) []float64 {
		out := make([]float64, len(base))
		for i, v := range base {
			out[i] = v * f
		}
		return out
	}
	b := []float64{1, -1, 1, -1}
	return []modelCase{
		{"A zero", 4, 3, make([]float64, 12), b, false},
		{"b zero", 4, 3, base, make([]float64, 4), false},
		{"one element", 1, 1, []float64{2}, []float64{3}, false},
		{"duplicated rows", 4, 3, []float64{1, 2, 3, 1, 2, 3, 2, 0, 1, 2, 0, 1}, b, false},
		{"A 1e-300", 4, 3, scale(1e-300), b, false},
		{"A 1e300", 4, 3, scale(1e300), b, false},
		{"b 1e300", 4, 3, base, []float64{1e300, -1e300, 1e300, -1e300}, false},
		{"NaN in A", 4, 3, append([]float64{nan}, base[1:]...), b, true},
		{"+Inf in A", 4, 3, append([]float64{inf}, base[1:]...), b, true},
		{"NaN in b", 4, 3, base, []float64{1, nan, 1, -1}, true},
	}
}

// TestPropertyModels: LeastSquares and Logistic (Objective, HessVec,
// Hessian, SampleGrads, Dim) and the optimisers GradRegNewton (exact and
// EmpiricalFisher H̃) and MFAC on them: a run that says Converged has a
// finite X whose gradient, recomputed, is within Tol; Failed comes with an
// error; nothing else carries an error. HessVec and Hessian agree where
// finite.
func TestPropertyModels(t *testing.T) {
	for _, c := range modelCases() {
		A := mat.NewDense(c.n, c.d, c.a)
		labels := make([]float64, c.n)
		for i, v := range c.b {
			labels[i] = 1
			if v < 0 {
				labels[i] = -1
			}
		}
		ls := &LeastSquares{A: A, B: c.b}
		lg := &Logistic{A: A, B: labels, L2: 1e-3}
		if c.name == "NaN in b" {
			lg = &Logistic{A: mat.NewDense(c.n, c.d, append([]float64{math.NaN()}, c.a[1:]...)), B: labels}
		}
		type model interface {
			Objective(x, grad []float64) float64
			HessVec(dst, x, v []float64)
			Hessian(x []float64) *mat.SymDense
			SampleGrads(x []float64) *mat.Dense
			Dim() int
		}
		for mn, m := range map[string]model{"LeastSquares": ls, "Logistic": lg} {
			name := mn + "/" + c.name
			x := make([]float64, c.d)
			for i := range x {
				x[i] = 0.1 * float64(i+1)
			}
			var h *mat.SymDense
			var sg *mat.Dense
			hv := make([]float64, c.d)
			if perr := mathxtest.Promptly(t, name, func() {
				m.Objective(x, make([]float64, c.d))
				h = m.Hessian(x)
				sg = m.SampleGrads(x)
				e := make([]float64, c.d)
				e[0] = 1
				m.HessVec(hv, x, e)
			}); perr != nil {
				t.Errorf("%s: %v", name, perr)
				continue
			}
			if m.Dim() != c.d {
				t.Errorf("%s: Dim %d", name, m.Dim())
			}
			if r, _ := sg.Dims(); r != c.n {
				t.Errorf("%s: SampleGrads has %d rows", name, r)
			}
			if firstNonFinite(h.RawSymmetric().Data) < 0 {
				for i := 0; i < c.d; i++ {
					if math.Abs(hv[i]-h.At(i, 0)) > 1e-12*math.Max(1, math.Abs(h.At(i, 0))) {
						t.Errorf("%s: HessVec(e₀) = %v, Hessian's column %v", name, hv, mat.Col(nil, 0, h))
						break
					}
				}
			}
			x0 := make([]float64, c.d)
			fisher := func(x []float64) *mat.SymDense { return EmpiricalFisher(m.SampleGrads(x), 1e-6) }
			runs := []struct {
				opt string
				run func() (*OptResult, error)
			}{
				{"GradRegNewton", func() (*OptResult, error) {
					return GradRegNewton(m.Objective, m.Hessian, &OptSettings{X0: x0, MaxIter: 100})
				}},
				{"GradRegNewton/Fisher", func() (*OptResult, error) {
					return GradRegNewton(m.Objective, fisher, &OptSettings{X0: x0, MaxIter: 100})
				}},
				{"MFAC", func() (*OptResult, error) {
					return MFAC(m.Objective, &OptSettings{X0: x0, MaxIter: 200, LearningRate: 0.1, Damp: 1e-3, Window: 4})
				}},
			}
			for _, rn := range runs {
				var r *OptResult
				var err error
				if perr := mathxtest.Promptly(t, name, func() { r, err = rn.run() }); perr != nil {
					t.Errorf("%s: %s: %v", name, rn.opt, perr)
					continue
				}
				switch {
				case r.Status == Failed:
					if err == nil {
						t.Errorf("%s: %s: Failed without an error", name, rn.opt)
					}
				case c.bad:
					t.Errorf("%s: %s: %v on bad data, error %v", name, rn.opt, r.Status, err)
				case err != nil:
					t.Errorf("%s: %s: %v with error %v", name, rn.opt, r.Status, err)
				case firstNonFinite(r.X) >= 0:
					t.Errorf("%s: %s: %v with X = %v", name, rn.opt, r.Status, r.X)
				case r.Status == Converged:
					g := make([]float64, c.d)
					f := m.Objective(r.X, g)
					if math.IsNaN(f) || math.IsInf(f, 0) || floats.Norm(g, 2) > 1e-8 {
						t.Errorf("%s: %s: Converged at f = %v, ‖∇f‖ = %v", name, rn.opt, f, floats.Norm(g, 2))
					}
				}
			}
		}
	}
}

// TestPropertyMFAC: NewMFACStatic and MFACDynamic (and their methods) on
// zero, one, duplicated, tiny and huge gradients and dampening, and on
// NaN/±Inf gradients: finite cases match the dense inverse of
// EmpiricalFisher to 1e-9 relative; bad gradients give an error and leave
// a dynamic window unchanged.
func TestPropertyMFAC(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	base := []float64{1, 2, 0, -1, 0.5, 1, 1, -2, 3, 0, 1, 1}
	scale := func(f float64) []float64 {
		out := make([]float64, len(base))
		for i, v := range base {
			out[i] = v * f
		}
		return out
	}
	cases := []struct {
		name    string
		m, d    int
		g       []float64
		damp    float64
		wantErr string
	}{
		{"zeros", 3, 4, make([]float64, 12), 1e-2, ""},
		{"one element", 1, 1, []float64{3}, 0.5, ""},
		{"duplicated rows", 3, 4, append(append(append([]float64(nil), base[:4]...), base[:4]...), base[8:]...), 1e-3, ""},
		{"gradients 1e-300", 3, 4, scale(1e-300), 1e-3, ""},
		{"gradients 1e100, damp 1e200", 3, 4, scale(1e100), 1e200, ""},
		{"gradients 1e300", 3, 4, scale(1e300), 1, "too small"},
		{"damp 1e-300", 4, 3, base, 1e-300, "too small"},
		{"damp 1e-12", 4, 3, base, 1e-12, ""},
		{"damp 1e300", 3, 4, base, 1e300, ""},
		{"NaN", 3, 4, append([]float64{nan}, base[1:]...), 1, "= NaN"},
		{"-Inf", 3, 4, append(append([]float64(nil), base[:5]...), append([]float64{-inf}, base[6:]...)...), 1, "= -Inf"},
	}
	for _, c := range cases {
		G := mat.NewDense(c.m, c.d, c.g)
		x := make([]float64, c.d)
		for i := range x {
			x[i] = float64(i+1) - 0.5
		}
		var want []float64
		var wantDiag []float64
		if c.wantErr == "" {
			f := EmpiricalFisher(G, c.damp)
			var ch mat.Cholesky
			if !ch.Factorize(f) {
				t.Fatalf("%s: dense Fisher not positive definite", c.name)
			}
			var inv mat.SymDense
			if err := ch.InverseTo(&inv); err != nil {
				t.Fatal(err)
			}
			want = make([]float64, c.d)
			mat.NewVecDense(c.d, want).MulVec(&inv, mat.NewVecDense(c.d, x))
			for i := 0; i < c.d; i++ {
				wantDiag = append(wantDiag, inv.At(i, i))
			}
		}
		// The products' relative error is about ε·(1 + Σ‖g‖²/(m·damp))
		// (see maxCond): 1e-9, or 10 times that bound when larger.
		var kappa float64 = 1
		for i := 0; i < c.m; i++ {
			n := floats.Norm(G.RawRowView(i), 2)
			kappa += n / float64(c.m) * n / c.damp
		}
		tol := math.Max(1e-9, 10*0x1p-52*kappa)
		near := func(got, want []float64) bool {
			return floats.Distance(got, want, math.Inf(1)) <= tol*floats.Norm(want, math.Inf(1))
		}
		var s *MFACStatic
		var err error
		if perr := mathxtest.Promptly(t, c.name, func() { s, err = NewMFACStatic(G, c.damp) }); perr != nil {
			t.Errorf("%s: NewMFACStatic: %v", c.name, perr)
			continue
		}
		if c.wantErr != "" {
			if err == nil || s != nil || !strings.Contains(err.Error(), c.wantErr) && !strings.Contains(err.Error(), "denominator") {
				t.Errorf("%s: NewMFACStatic: %v; want an error (%s)", c.name, err, c.wantErr)
			}
		} else if err != nil {
			t.Errorf("%s: NewMFACStatic: %v", c.name, err)
		} else {
			got := make([]float64, c.d)
			s.InvMulVec(got, x)
			if !near(got, want) || s.Dim() != c.d || s.M() != c.m {
				t.Errorf("%s: static InvMulVec %v, want %v", c.name, got, want)
			}
			if diag := s.InvDiag(); !near(diag, wantDiag) || math.Abs(s.InvAt(0, 0)-wantDiag[0]) > tol*wantDiag[0] {
				t.Errorf("%s: InvDiag %v, InvAt(0,0) %v, want %v", c.name, diag, s.InvAt(0, 0), wantDiag)
			}
			w := []float64{1, -2, 0.5, 3}[:c.d]
			sc := s.OBSScores(w)
			dw := s.OBSUpdate(w, 0)
			if firstNonFinite(sc) >= 0 || math.Abs(w[0]+dw[0]) > 1e-12*math.Abs(w[0]) {
				t.Errorf("%s: OBSScores %v, OBSUpdate %v", c.name, sc, dw)
			}
		}

		var win *MFACDynamic
		if perr := mathxtest.Promptly(t, c.name, func() {
			win = NewMFACDynamic(c.d, c.m, c.damp)
			before := make([]float64, c.d)
			win.InvMulVec(before, x)
			for i := 0; i < c.m; i++ {
				_, err = win.Add(G.RawRowView(i))
				if err != nil {
					after := make([]float64, c.d)
					win.InvMulVec(after, x)
					if win.Len() != i || !floats.Equal(after, before) {
						t.Errorf("%s: window changed by a refused gradient: Len %d, %v vs %v", c.name, win.Len(), after, before)
					}
					return
				}
				win.InvMulVec(before, x)
			}
		}); perr != nil {
			t.Errorf("%s: MFACDynamic: %v", c.name, perr)
			continue
		}
		if c.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), c.wantErr) {
				t.Errorf("%s: MFACDynamic.Add: %v; want an error naming %q", c.name, err, c.wantErr)
			}
			continue
		}
		got := make([]float64, c.d)
		win.InvMulVec(got, x)
		if err != nil || !near(got, want) || win.Len() != c.m || win.M() != c.m || win.Dim() != c.d {
			t.Errorf("%s: dynamic InvMulVec %v (%v), want %v", c.name, got, err, want)
		}
		// Remove and Set back give the same product.
		win.Remove(0)
		if win.Len() != c.m-1 {
			t.Errorf("%s: Len after Remove %d", c.name, win.Len())
		}
		if err := win.Set(0, G.RawRowView(0)); err != nil {
			t.Errorf("%s: Set: %v", c.name, err)
		}
		win.InvMulVec(got, x)
		if !near(got, want) {
			t.Errorf("%s: after Remove and Set: %v, want %v", c.name, got, want)
		}
	}
}

// TestPropertyArguments: programmer errors panic with a message naming
// the argument (gonum style), and so promptly.
func TestPropertyArguments(t *testing.T) {
	op := Matrix(mat.NewSymDense(2, []float64{2, 1, 1, 2}))
	quad := func(x, g []float64) float64 { copy(g, x); return floats.Dot(x, x) / 2 }
	s := NewMFACDynamic(2, 2, 1)
	st, _ := NewMFACStatic(mat.NewDense(1, 2, []float64{1, 2}), 1)
	ls := &LeastSquares{A: mat.NewDense(2, 2, []float64{1, 2, 3, 4}), B: []float64{1, 2}}
	slq, _ := SLQ(op, nil)
	cases := []struct {
		name, want string
		f          func()
	}{
		{"Lanczos k = 0", "k = 0", func() { Lanczos(op, 0, nil) }},
		{"Lanczos k > d", "k = 3", func() { Lanczos(op, 3, nil) }},
		{"Lanczos nil", "nil operator", func() { Lanczos(nil, 1, nil) }},
		{"Power Tol NaN", "Tol = NaN", func() { Power(op, &Settings{Tol: math.NaN()}) }},
		{"Hutchinson MaxIter", "MaxIter = -1", func() { Hutchinson(op, &Settings{MaxIter: -1}) }},
		{"SLQ Sigma", "Sigma = +Inf", func() { SLQ(op, &Settings{Sigma: math.Inf(1)}) }},
		{"Which", "unknown Which 7", func() { Lanczos(op, 1, &Settings{Which: 7}) }},
		{"MeasureSharpness nil", "nil operator", func() { MeasureSharpness(nil, nil) }},
		{"FuncOperator d = 0", "d = 0", func() { FuncOperator(0, func(dst, v []float64) {}) }},
		{"FiniteDiff empty x", "empty x", func() { FiniteDiff(quad, nil, 0) }},
		{"FiniteDiff step", "step = NaN", func() { FiniteDiff(quad, []float64{1}, math.NaN()) }},
		{"Exact nil", "nil HessVec", func() { Exact(nil, nil) }},
		{"Matrix nil", "nil matrix", func() { Matrix(nil) }},
		{"Dense nil", "nil operator", func() { Dense(nil) }},
		{"Spectrum nil", "nil operator", func() { Spectrum(nil, false) }},
		{"MulVec length", "len(dst) = 1", func() { op.MulVec(make([]float64, 1), make([]float64, 2)) }},
		{"DensityAt sigma", "sigma = 0", func() { slq.DensityAt([]float64{0}, 0) }},
		{"Moment p", "p = -1", func() { slq.Moment(-1) }},
		{"DensityAt no nodes", "no SLQ nodes", func() { (&Result{}).DensityAt([]float64{0}, 1) }},
		{"Recorder Every", "Every = -1", func() { (&Recorder{Every: -1}).Record(0, op) }},
		{"LeastSquares len(B)", "len(B) = 1", func() { (&LeastSquares{A: ls.A, B: []float64{1}}).Objective([]float64{0, 0}, nil) }},
		{"LeastSquares len(x)", "len(x) = 3", func() { ls.Objective(make([]float64, 3), nil) }},
		{"LeastSquares L2", "L2 = -1", func() { (&LeastSquares{A: ls.A, B: ls.B, L2: -1}).Hessian(nil) }},
		{"Logistic labels", "B[0] = 0", func() { (&Logistic{A: ls.A, B: []float64{0, 1}}).Objective([]float64{0, 0}, nil) }},
		{"Logistic nil A", "nil A", func() { (&Logistic{B: []float64{1}}).HessVec(nil, nil, nil) }},
		{"EmpiricalFisher damp", "damp = -1", func() { EmpiricalFisher(mat.NewDense(1, 1, []float64{1}), -1) }},
		{"NewMFACStatic damp", "damp = 0", func() { NewMFACStatic(mat.NewDense(1, 1, []float64{1}), 0) }},
		{"NewMFACDynamic d", "d = 0", func() { NewMFACDynamic(0, 2, 1) }},
		{"MFACDynamic.Set slot", "slot = 2", func() { s.Set(2, []float64{1, 1}) }},
		{"MFACDynamic.Add len", "len(g) = 3", func() { s.Add([]float64{1, 1, 1}) }},
		{"MFACDynamic.Remove slot", "slot = -1", func() { s.Remove(-1) }},
		{"MFACStatic.InvAt", "(2, 0) outside", func() { st.InvAt(2, 0) }},
		{"MFACStatic.OBSUpdate", "j = 5", func() { st.OBSUpdate([]float64{1, 1}, 5) }},
		{"MFACStatic.OBSScores", "len(w) = 1", func() { st.OBSScores([]float64{1}) }},
		{"GradRegNewton X0", "X0 is required", func() { GradRegNewton(quad, func([]float64) *mat.SymDense { return nil }, nil) }},
		{"GradRegNewton hess size", "hess returned", func() {
			GradRegNewton(quad, func([]float64) *mat.SymDense { return mat.NewSymDense(1, nil) }, &OptSettings{X0: []float64{1, 1}})
		}},
		{"MFAC Momentum", "Momentum = 1", func() { MFAC(quad, &OptSettings{X0: []float64{1}, Momentum: 1}) }},
		{"MFAC nil f", "nil f", func() { MFAC(nil, &OptSettings{X0: []float64{1}}) }},
	}
	for _, c := range cases {
		err := mathxtest.Promptly(t, c.name, c.f)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want a panic naming %q", c.name, err, c.want)
		}
	}
	for w, want := range map[Which]string{LargestAlgebraic: "LargestAlgebraic", SmallestAlgebraic: "SmallestAlgebraic", LargestMagnitude: "LargestMagnitude", 9: "Which(9)"} {
		if w.String() != want {
			t.Errorf("Which(%d).String() = %q", int(w), w.String())
		}
	}
}

// TestPropertyContext: a canceled context stops every iterative routine
// promptly with Canceled (or, for MeasureSharpness and the optimisers, an
// error or Canceled), on an operator slow enough that it matters.
func TestPropertyContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	h, op := randSym("wishart", 300, 1)
	_ = h
	s := &Settings{Context: ctx}
	for name, f := range map[string]func() (*Result, error){
		"Lanczos":    func() (*Result, error) { return Lanczos(op, 3, s) },
		"Power":      func() (*Result, error) { return Power(op, s) },
		"Hutchinson": func() (*Result, error) { return Hutchinson(op, s) },
		"SLQ":        func() (*Result, error) { return SLQ(op, s) },
	} {
		var r *Result
		var err error
		if perr := mathxtest.Promptly(t, name, func() { r, err = f() }); perr != nil {
			t.Errorf("%s: %v", name, perr)
		} else if r.Status != Canceled || err != nil {
			t.Errorf("%s: %v, %v; want Canceled", name, r.Status, err)
		}
	}
	if _, err := MeasureSharpness(op, s); err == nil {
		t.Error("MeasureSharpness: no error on a canceled context")
	}
	quad := func(x, g []float64) float64 { copy(g, x); return floats.Dot(x, x) / 2 }
	for name, f := range map[string]func() (*OptResult, error){
		"GradRegNewton": func() (*OptResult, error) {
			return GradRegNewton(quad, func([]float64) *mat.SymDense { return mat.NewSymDense(1, []float64{1}) }, &OptSettings{X0: []float64{1}, Context: ctx})
		},
		"MFAC": func() (*OptResult, error) { return MFAC(quad, &OptSettings{X0: []float64{1}, Context: ctx}) },
	} {
		r, err := f()
		if r.Status != Canceled || err != nil {
			t.Errorf("%s: %v, %v; want Canceled", name, r.Status, err)
		}
	}
}
