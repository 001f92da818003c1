package prox

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/gomx-dev/gomx/mathx/internal/mathxtest"
	"gonum.org/v1/gonum/mat"
)

// badInputs are issue 18's inputs for operators on R^10: zeros, a NaN,
// ±Inf, duplicated entries, and scales near the ends of float64.
func badInputs() []struct {
	name string
	x    []float64
} {
	r := newRand(18)
	with := func(k int, v float64) []float64 {
		x := randVec(r, 10, 1)
		x[k] = v
		return x
	}
	dup := make([]float64, 10)
	for i := range dup {
		dup[i] = 0.7
	}
	mixed := randVec(r, 10, 1e300)
	for i := 0; i < 10; i += 2 {
		mixed[i] *= 1e-600 / 1e300 * 1e300 // ~1e-300
	}
	return []struct {
		name string
		x    []float64
	}{
		{"zeros", make([]float64, 10)},
		{"NaN", with(3, math.NaN())},
		{"+Inf", with(0, math.Inf(1))},
		{"-Inf", with(7, math.Inf(-1))},
		{"duplicated", dup},
		{"1e300", randVec(r, 10, 1e300)},
		{"1e-300", randVec(r, 10, 1e-300)},
		{"1e±300", mixed},
	}
}

func hasNonFinite(x []float64) bool {
	for _, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return true
		}
	}
	return false
}

func hasNaN(x []float64) bool {
	for _, v := range x {
		if math.IsNaN(v) {
			return true
		}
	}
	return false
}

// TestPropertyBadInput is issue 18's property test for prox: every
// operator on every bad input returns within a second without panicking;
// a finite input gives a finite output (scales 1e±300 included), a point
// of the set for the projections, and a finite value; a NaN in the output
// comes only from a NaN or ±Inf in the input.
func TestPropertyBadInput(t *testing.T) {
	funcs := convexFuncs()
	funcs = append(funcs, []struct {
		name string
		f    Func
	}{{"L0", L0{}}, {"L0Ball", L0Ball{K: 3}}, {"GroupL0Ball", GroupL0Ball{Groups: testGroups, K: 2}}}...)
	sets := map[string]bool{"GroupL2Ball": true, "Box": true, "NonNeg": true, "Simplex": true, "L1Ball": true,
		"LInfBall": true, "L2Ball": true, "SpectralBall": true, "L0Ball": true, "GroupL0Ball": true}
	for _, in := range badInputs() {
		finiteIn := !hasNonFinite(in.x)
		for _, c := range funcs {
			for _, step := range []float64{0, 1e-300, 1, 1e300} {
				name := fmt.Sprintf("%s/%s/t=%g", c.name, in.name, step)
				dst := make([]float64, 10)
				var value float64
				err := mathxtest.Promptly(t, name, func() {
					c.f.Prox(dst, in.x, step)
					value = c.f.Value(dst)
				})
				switch {
				case err != nil:
					t.Errorf("%s: %v", name, err)
				case finiteIn && hasNonFinite(dst):
					t.Errorf("%s: finite input gives %v", name, dst)
				case hasNaN(dst) && finiteIn:
					t.Errorf("%s: NaN output %v from a finite input", name, dst)
				case finiteIn && sets[c.name] && value != 0:
					t.Errorf("%s: the projection %v is outside the set (value %g)", name, dst, value)
				case finiteIn && (math.IsNaN(value) || math.IsInf(value, -1)):
					t.Errorf("%s: value %g at the prox point", name, value)
				}
			}
		}
	}
}

// TestPropertyShapes: the vector operators on one-element inputs give the
// closed form (the prox of a scalar); on empty inputs they do nothing,
// except where the call is a programmer error with these arguments (a
// one-entry box or group for an empty x, the empty simplex), which panics.
func TestPropertyShapes(t *testing.T) {
	x := []float64{-2.5}
	cases := []struct {
		name       string
		f          func(dst, x []float64)
		want       float64
		emptyPanic bool
	}{
		{"SoftThreshold", func(d, x []float64) { SoftThreshold(d, x, 1) }, -1.5, false},
		{"HardThreshold", func(d, x []float64) { HardThreshold(d, x, 1) }, -2.5, false},
		{"ProjBox", func(d, x []float64) { ProjBox(d, x, []float64{-1}, []float64{1}) }, -1, true},
		{"ProjSimplex", func(d, x []float64) { ProjSimplex(d, x, 2) }, 2, true},
		{"ProjL1Ball", func(d, x []float64) { ProjL1Ball(d, x, 2) }, -2, false},
		{"ProjL0Ball", func(d, x []float64) { ProjL0Ball(d, x, 1) }, -2.5, false},
		{"TV1D", func(d, x []float64) { TV1D(d, x, 5) }, -2.5, false},
		{"GroupSoftThreshold", func(d, x []float64) { GroupSoftThreshold(d, x, [][]int{{0}}, nil, 1) }, -1.5, true},
	}
	for _, c := range cases {
		dst := make([]float64, 1)
		if err := mathxtest.Promptly(t, c.name, func() { c.f(dst, x) }); err != nil || dst[0] != c.want {
			t.Errorf("%s on [-2.5]: %v (%v), want %g", c.name, dst, err, c.want)
		}
		if err := mathxtest.Promptly(t, c.name+"/empty", func() { c.f(nil, nil) }); (err != nil) != c.emptyPanic {
			t.Errorf("%s on an empty vector: %v, want a panic: %v", c.name, err, c.emptyPanic)
		}
	}
}

// TestPropertyMatrix covers the matrix operators (ProxNuclear,
// ProjSpectralBall, NuclearNorm and the Funcs Nuclear and SpectralBall)
// on issue 18's inputs: closed forms for one entry, zeros, duplicated
// rows (rank one) and diagonal matrices at scales 1e-300 to 1e307; an
// error naming the entry for NaN and ±Inf, where gonum's SVD returns
// zeros, and NuclearNorm = +Inf for ±Inf.
func TestPropertyMatrix(t *testing.T) {
	inf, nan := math.Inf(1), math.NaN()
	s10 := math.Sqrt(10)
	type mcase struct {
		name       string
		x          []float64
		r, c       int
		t, rad     float64
		prox, proj []float64 // nil: an error is expected
		norm       float64
		normErr    bool
	}
	cases := []mcase{
		{"1×1", []float64{-2.5}, 1, 1, 1, 1, []float64{-1.5}, []float64{-1}, 2.5, false},
		{"zeros", make([]float64, 6), 3, 2, 1, 1, make([]float64, 6), make([]float64, 6), 0, false},
		{"duplicated rows", []float64{1, 2, 1, 2}, 2, 2, 1, 1,
			[]float64{1 - 1/s10, 2 - 2/s10, 1 - 1/s10, 2 - 2/s10}, []float64{1 / s10, 2 / s10, 1 / s10, 2 / s10}, s10, false},
		{"NaN", []float64{1, 2, 3, nan, 5, 6}, 3, 2, 1, 1, nil, nil, nan, true},
		{"+Inf", []float64{1, 2, 3, inf, 5, 6}, 3, 2, 1, 1, nil, nil, inf, false},
		{"-Inf", []float64{-inf, 2, 3, 4, 5, 6}, 3, 2, 1, 1, nil, nil, inf, false},
		{"NaN and Inf", []float64{inf, 2, 3, nan, 5, 6}, 3, 2, 1, 1, nil, nil, nan, true},
	}
	for _, s := range []float64{1e-300, 1e-150, 1e150, 1e300, 1e307} {
		// diag(3s, s) in a 3×2 matrix: thresholding at 2s keeps (s, 0),
		// clipping at 2s gives (2s, s).
		cases = append(cases, mcase{fmt.Sprintf("diag at %g", s), []float64{0, s, 3 * s, 0, 0, 0}, 3, 2, 2 * s, 2 * s,
			[]float64{0, 0, s, 0, 0, 0}, []float64{0, s, 2 * s, 0, 0, 0}, 4 * s, false})
	}
	for _, c := range cases {
		x := mat.NewDense(c.r, c.c, c.x)
		scale := 0.0
		for _, v := range c.x {
			scale = math.Max(scale, math.Abs(v))
		}
		for _, op := range []struct {
			name string
			f    func(dst *mat.Dense) error
			want []float64
		}{
			{"ProxNuclear", func(d *mat.Dense) error { return ProxNuclear(d, x, c.t) }, c.prox},
			{"ProjSpectralBall", func(d *mat.Dense) error { return ProjSpectralBall(d, x, c.rad) }, c.proj},
		} {
			name := op.name + "/" + c.name
			var dst mat.Dense
			var err error
			if p := mathxtest.Promptly(t, name, func() { err = op.f(&dst) }); p != nil {
				t.Errorf("%s: %v", name, p)
				continue
			}
			if op.want == nil {
				if err == nil || !strings.Contains(err.Error(), "must be finite") {
					t.Errorf("%s: error %v, want one naming the non-finite entry", name, err)
				}
				continue
			}
			if err != nil {
				t.Errorf("%s: %v", name, err)
				continue
			}
			if !closeTol(dst.RawMatrix().Data, op.want, 1e-14*scale) {
				t.Errorf("%s: %v, want %v", name, dst.RawMatrix().Data, op.want)
			}
		}
		var norm float64
		var err error
		if p := mathxtest.Promptly(t, "NuclearNorm/"+c.name, func() { norm, err = NuclearNorm(x) }); p != nil {
			t.Errorf("NuclearNorm/%s: %v", c.name, p)
		} else if (err != nil) != c.normErr || !closeTol([]float64{norm}, []float64{c.norm}, 1e-14*scale) && norm != c.norm {
			t.Errorf("NuclearNorm/%s: %g, %v; want %g, error %v", c.name, norm, err, c.norm, c.normErr)
		}
		// The Funcs on the same data: NaN output for non-finite input.
		nuc, ball := Nuclear{Rows: c.r, Cols: c.c}, SpectralBall{Rows: c.r, Cols: c.c, R: c.rad}
		for _, f := range []struct {
			name string
			f    Func
			want []float64
		}{{"Nuclear", nuc, c.prox}, {"SpectralBall", ball, c.proj}} {
			dst := make([]float64, len(c.x))
			f.f.Prox(dst, c.x, c.t)
			want := f.want
			if want == nil {
				want = make([]float64, len(c.x))
				for i := range want {
					want[i] = nan
				}
			}
			if !closeTol(dst, want, 1e-14*scale) {
				t.Errorf("%s.Prox/%s: %v, want %v", f.name, c.name, dst, want)
			}
		}
		if v := nuc.Value(c.x); !closeTol([]float64{v}, []float64{c.norm}, 1e-14*scale) && v != c.norm {
			t.Errorf("Nuclear.Value/%s: %g, want %g", c.name, v, c.norm)
		}
		wantIn := 0.0
		switch {
		case math.IsNaN(c.norm):
			wantIn = nan
		case math.IsInf(c.norm, 1):
			wantIn = inf
		case c.proj != nil && !closeTol(c.proj, c.x, 0):
			wantIn = inf // clipping moved x: it is outside the ball
		}
		if v := ball.Value(c.x); !(v == wantIn || math.IsNaN(v) && math.IsNaN(wantIn)) {
			t.Errorf("SpectralBall.Value/%s: %g, want %g", c.name, v, wantIn)
		}
	}
}

// TestPropertyConjEnvelope covers ProxConj and MoreauEnvelope on the bad
// inputs: ProxConj agrees with the conjugate's own prox to 1e-12 of the
// input's scale (x/t overflowing or ±Inf included, where it switches to
// that prox), and is all NaN for a Func without a conjugate when x/t
// overflows; the envelope of t‖·‖₁ is the Huber function at every scale,
// +Inf at ±Inf, and that of NonNeg is ½‖min(x, 0)‖²/t, 0 at +Inf.
func TestPropertyConjEnvelope(t *testing.T) {
	conj := []struct {
		name string
		f    Conjugater
	}{
		{"L1", L1{}}, {"L2Norm", L2Norm{}}, {"LInf", LInf{}}, {"SqL2", SqL2{}},
		{"L1Ball", L1Ball{R: 2}}, {"LInfBall", LInfBall{R: 0.3}}, {"L2Ball", L2Ball{R: 1.2}},
	}
	for _, in := range badInputs() {
		scale := 0.0
		for _, v := range in.x {
			if !math.IsInf(v, 0) {
				scale = math.Max(scale, math.Abs(v))
			}
		}
		for _, c := range conj {
			got := make([]float64, 10)
			ProxConj(c.f, got, in.x, 0)
			if !closeTol(got, in.x, 0) {
				t.Errorf("ProxConj/%s/%s/t=0: %v, want x", c.name, in.name, got)
			}
			for _, step := range []float64{1e-300, 1, 1e300} {
				name := fmt.Sprintf("ProxConj/%s/%s/t=%g", c.name, in.name, step)
				got, want := make([]float64, 10), make([]float64, 10)
				if err := mathxtest.Promptly(t, name, func() {
					ProxConj(c.f, got, in.x, step)
					c.f.Conj().Prox(want, in.x, step)
				}); err != nil {
					t.Errorf("%s: %v", name, err)
					continue
				}
				if !closeTol(got, want, 1e-12*scale) {
					t.Errorf("%s: %v, the conjugate's prox gives %v", name, got, want)
				}
			}
		}
		// A Func without Conj: NaN when x/t overflows, x itself (the
		// conjugate of the indicator of {0} is 0) otherwise.
		dst := make([]float64, 10)
		ProxConj(zeroSet{}, dst, in.x, 1e-300)
		if overflow := hasNonFinite(in.x) || scale > 1e8; overflow != hasNaN(dst) || !overflow && !closeTol(dst, in.x, 0) {
			t.Errorf("ProxConj/zeroSet/%s: %v", in.name, dst)
		}
		for _, step := range []float64{1e-300, 1, 1e300} {
			var huber, nonneg float64
			for _, v := range in.x {
				if a := math.Abs(v); a <= step {
					huber += v / step * v / 2
				} else {
					huber += a - step/2
				}
				if v < 0 || v != v {
					nonneg += v / step * v / 2
				}
			}
			name := fmt.Sprintf("MoreauEnvelope/%s/t=%g", in.name, step)
			var gotH, gotN float64
			if err := mathxtest.Promptly(t, name, func() {
				gotH = MoreauEnvelope(L1{}, in.x, step, nil)
				gotN = MoreauEnvelope(NonNeg{}, in.x, step, make([]float64, 10))
			}); err != nil {
				t.Errorf("%s: %v", name, err)
				continue
			}
			for _, p := range [][2]float64{{gotH, huber}, {gotN, nonneg}} {
				if !(p[0] == p[1] || math.IsNaN(p[0]) && math.IsNaN(p[1]) || math.Abs(p[0]-p[1]) <= 1e-12*math.Abs(p[1])) {
					t.Errorf("%s: %g, want %g", name, p[0], p[1])
				}
			}
		}
	}
}

// zeroSet is the indicator of {0}, a Func without Conj.
type zeroSet struct{}

func (zeroSet) Prox(dst, x []float64, t float64) {
	for i := range dst {
		dst[i] = 0
	}
}

func (zeroSet) Value(x []float64) float64 {
	for _, v := range x {
		if v != 0 {
			return math.Inf(1)
		}
	}
	return 0
}
