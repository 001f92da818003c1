package prox

import (
	"math"
	"strings"
	"testing"
)

// TestTV1DLargeLambda is issue 18's repro: for x = (1, −2, 0.5) the
// answer is the mean −1/6 for every λ ≥ 7/6 = max_k |cumsum(x − x̄)_k|,
// but the scan gave 0.5 at λ = 1e16, −4096 at 1e20 and NaN at +Inf. Below
// the bound the closed form is the two pieces (1 − λ, (λ − 1.5)/2,
// (λ − 1.5)/2) for 5/6 ≤ λ < 7/6 (derived from the optimality conditions
// in the test's comment); the answers must agree to 1e-15.
func TestTV1DLargeLambda(t *testing.T) {
	x := []float64{1, -2, 0.5}
	mean := -1.0 / 6
	cases := []struct {
		lambda float64
		want   []float64
	}{
		{7.0 / 6, []float64{mean, mean, mean}},
		{1.5, []float64{mean, mean, mean}},
		{1e3, []float64{mean, mean, mean}},
		{1e16, []float64{mean, mean, mean}},
		{1e20, []float64{mean, mean, mean}},
		{1e300, []float64{mean, mean, mean}},
		{math.MaxFloat64, []float64{mean, mean, mean}},
		{math.Inf(1), []float64{mean, mean, mean}},
		{1, []float64{0, -0.25, -0.25}},
		{0.9, []float64{0.1, -0.3, -0.3}},
		{1.1, []float64{-0.1, -0.2, -0.2}},
	}
	for _, c := range cases {
		for _, inPlace := range []bool{false, true} {
			dst := make([]float64, 3)
			src := x
			if inPlace {
				src = append([]float64(nil), x...)
				dst = src
			}
			TV1D(dst, src, c.lambda)
			for i := range dst {
				if math.Abs(dst[i]-c.want[i]) > 1e-15 {
					t.Errorf("TV1D(x, %g) (in place %v) = %v, want %v", c.lambda, inPlace, dst, c.want)
					break
				}
			}
		}
	}
	// One element, and non-finite entries.
	one := []float64{3}
	TV1D(one, one, 1e300)
	if one[0] != 3 {
		t.Errorf("TV1D([3], 1e300) = %v, want [3]", one)
	}
	dst := make([]float64, 3)
	TV1D(dst, []float64{1, math.Inf(1), 0.5}, 1)
	if dst[0] != 2 || !math.IsInf(dst[1], 1) || dst[2] != 1.5 {
		t.Errorf("TV1D([1 +Inf 0.5], 1) = %v, want the limit [2 +Inf 1.5]", dst)
	}
	for _, lambda := range []float64{0.1, 1e16, math.Inf(1)} {
		TV1D(dst, []float64{1, math.NaN(), 0.5}, lambda)
		for _, v := range dst {
			if !math.IsNaN(v) {
				t.Errorf("TV1D with a NaN, λ = %g: %v, want all NaN", lambda, dst)
				break
			}
		}
	}
}

// TestTV1DBoundProperty: on random data, the result is the mean exactly
// when λ is at least the dual bound, and not constant just below it.
func TestTV1DBoundProperty(t *testing.T) {
	r := newRand(181)
	for trial := 0; trial < 200; trial++ {
		n := 2 + r.IntN(30)
		x := randVec(r, n, math.Pow(10, float64(r.IntN(13)-6)))
		var mean float64
		for _, v := range x {
			mean += v
		}
		mean /= float64(n)
		var cs, bound float64
		for _, v := range x[:n-1] {
			cs += v - mean
			bound = math.Max(bound, math.Abs(cs))
		}
		dst := make([]float64, n)
		TV1D(dst, x, bound*(1+1e-12))
		for _, v := range dst {
			if math.Abs(v-mean) > 1e-13*bound {
				t.Fatalf("n=%d: λ just above the bound %g gives %v, want the mean %g", n, bound, dst, mean)
			}
		}
		TV1D(dst, x, bound*0.9)
		spread := 0.0
		for _, v := range dst {
			spread = math.Max(spread, math.Abs(v-dst[0]))
		}
		if spread == 0 {
			t.Fatalf("n=%d: λ = 0.9·bound gives a constant %v", n, dst)
		}
	}
}

// mustPanic runs f and checks that it panics with a message containing
// every one of want.
func mustPanic(t *testing.T, name string, f func(), want ...string) {
	t.Helper()
	defer func() {
		t.Helper()
		p := recover()
		msg, _ := p.(string)
		if p == nil {
			t.Errorf("%s: no panic", name)
			return
		}
		for _, w := range want {
			if !strings.Contains(msg, w) {
				t.Errorf("%s: panic %q does not name %q", name, msg, w)
			}
		}
	}()
	f()
}

// TestBrokenPreconditions: overlapping groups (the result depended on
// whether dst was x) and lo > hi (ProjBox returned hi) are programmer
// errors: a panic naming the argument.
func TestBrokenPreconditions(t *testing.T) {
	x := []float64{3, 4, 1, 2}
	dst := make([]float64, 4)
	cases := []struct {
		name string
		f    func()
		want []string
	}{
		{"GroupSoftThreshold overlap", func() { GroupSoftThreshold(dst, x, [][]int{{0, 1}, {1, 2}}, nil, 1) }, []string{"groups[1][0] = 1", "disjoint"}},
		{"GroupSoftThreshold repeat", func() { GroupSoftThreshold(dst, x, [][]int{{0, 0}}, nil, 1) }, []string{"groups[0][1] = 0"}},
		{"GroupSoftThreshold range", func() { GroupSoftThreshold(dst, x, [][]int{{0}, {4}}, nil, 1) }, []string{"groups[1][0] = 4", "[0, 4)"}},
		{"GroupSoftThreshold negative", func() { GroupSoftThreshold(dst, x, [][]int{{-1}}, nil, 1) }, []string{"groups[0][0] = -1"}},
		{"GroupSoftThreshold large overlap", func() {
			big := make([]float64, 10000)
			GroupSoftThreshold(big, big, [][]int{{9000, 5000}, {5000}}, nil, 1)
		}, []string{"groups[1][0] = 5000"}},
		{"GroupL2 overlap", func() { GroupL2{Groups: [][]int{{0, 1}, {1}}}.Prox(dst, x, 1) }, []string{"groups[1][0] = 1"}},
		{"GroupL2Ball overlap", func() { GroupL2Ball{Groups: [][]int{{2}, {3, 2}}}.Prox(dst, x, 1) }, []string{"groups[1][1] = 2"}},
		{"ProjBox lo > hi, x below", func() { ProjBox(dst, x, []float64{0, 5, 0, 0}, []float64{9, 4.5, 9, 9}) }, []string{"lo[1] = 5", "hi[1] = 4.5"}},
		{"ProjBox lo > hi, x above", func() { ProjBox(dst, x, []float64{0, 0, 3, 0}, []float64{9, 9, 2, 9}) }, []string{"lo[2] = 3", "hi[2] = 2"}},
		{"ProjBox lo > hi, x between", func() { ProjBox(dst, x, []float64{0, 0, 0, 3}, []float64{9, 9, 9, 1}) }, []string{"lo[3] = 3", "hi[3] = 1"}},
		{"ProjBox NaN lo", func() { ProjBox(dst, x, []float64{math.NaN(), 0, 0, 0}, nil) }, []string{"lo[0] = NaN"}},
		{"ProjBox NaN hi", func() { ProjBox(dst, x, nil, []float64{9, 9, 9, math.NaN()}) }, []string{"hi[3] = NaN"}},
		{"Box lo > hi", func() { Box{Lo: []float64{1, 1, 1, 1}, Hi: []float64{2, 0, 2, 2}}.Prox(dst, x, 1) }, []string{"lo[1] = 1", "hi[1] = 0"}},
	}
	for _, c := range cases {
		mustPanic(t, c.name, c.f, c.want...)
	}
	// Disjoint groups and valid boxes still work, in place and not.
	GroupSoftThreshold(dst, x, [][]int{{0, 1}, {3}}, nil, 1)
	if want := []float64{2.4, 3.2, 1, 1}; !sameVec(dst, want) {
		t.Errorf("GroupSoftThreshold = %v, want %v", dst, want)
	}
	ProjBox(dst, []float64{math.Inf(-1), math.NaN(), 5, math.Inf(1)}, []float64{0, 0, 0, 0}, []float64{1, 1, 1, 1})
	if dst[0] != 0 || !math.IsNaN(dst[1]) || dst[2] != 1 || dst[3] != 1 {
		t.Errorf("ProjBox([-Inf NaN 5 +Inf], 0, 1) = %v, want [0 NaN 1 1]", dst)
	}
}

// TestProjectionsNonFinite: ProjSimplex and ProjL1Ball follow one rule —
// a NaN anywhere gives all NaN (ProjL1Ball gave [0 NaN 0]); ±Inf entries
// give the finite limit (ProjL1Ball([+Inf 1 3], 1) gave [0 0 0], the
// limit is [1 0 0]). The limits are checked against the projection of
// the same vector with the infinities replaced by ±1e15, the closed
// forms beside them.
func TestProjectionsNonFinite(t *testing.T) {
	inf, nan := math.Inf(1), math.NaN()
	finiteFor := func(x []float64) []float64 {
		out := append([]float64(nil), x...)
		for i, v := range out {
			if math.IsInf(v, 0) {
				out[i] = math.Copysign(1e15, v)
			}
		}
		return out
	}
	cases := []struct {
		name  string
		x     []float64
		z     float64
		proj  func(dst, x []float64, z float64)
		want  []float64
		limit bool // compare with the projection of finiteFor(x)
	}{
		{"L1Ball +Inf", []float64{inf, 1, 3}, 1, ProjL1Ball, []float64{1, 0, 0}, true},
		{"L1Ball -Inf", []float64{1, -inf, 3}, 2, ProjL1Ball, []float64{0, -2, 0}, true},
		{"L1Ball two Inf", []float64{inf, 1, -inf}, 1, ProjL1Ball, []float64{0.5, 0, -0.5}, true},
		{"Simplex +Inf", []float64{inf, 1, 3}, 1, ProjSimplex, []float64{1, 0, 0}, true},
		{"Simplex two +Inf", []float64{inf, -inf, inf}, 3, ProjSimplex, []float64{1.5, 0, 1.5}, true},
		{"Simplex -Inf", []float64{-inf, 0.2, 0.5}, 1, ProjSimplex, []float64{0, 0.35, 0.65}, true},
		{"Simplex all -Inf", []float64{-inf, -inf}, 1, ProjSimplex, []float64{0.5, 0.5}, true},
		{"L1Ball NaN", []float64{1, nan, 3}, 1, ProjL1Ball, []float64{nan, nan, nan}, false},
		{"L1Ball NaN inside", []float64{0.1, nan, 0.1}, 1, ProjL1Ball, []float64{nan, nan, nan}, false},
		{"L1Ball NaN and Inf", []float64{inf, nan}, 1, ProjL1Ball, []float64{nan, nan}, false},
		{"Simplex NaN", []float64{1, nan, 3}, 1, ProjSimplex, []float64{nan, nan, nan}, false},
		{"Simplex NaN and Inf", []float64{inf, nan}, 1, ProjSimplex, []float64{nan, nan}, false},
		{"LInf NaN", []float64{1, nan, 3}, 1, LInf{}.Prox, []float64{nan, nan, nan}, false},
		{"LInf NaN t=0", []float64{1, nan}, 0, LInf{}.Prox, []float64{nan, nan}, false},
		{"LInf NaN t=+Inf", []float64{1, nan}, inf, LInf{}.Prox, []float64{nan, nan}, false},
		{"LInf +Inf", []float64{inf, 1, -3}, 1, LInf{}.Prox, []float64{inf, 1, -3}, false},
		{"LInf ±Inf t=+Inf", []float64{inf, 1, -inf}, inf, LInf{}.Prox, []float64{0, 0, 0}, false},
		{"SoftThreshold ±Inf t=+Inf", []float64{inf, -1e300, -inf, 0}, inf, SoftThreshold, []float64{0, 0, 0, 0}, false},
		{"SoftThreshold NaN t=+Inf", []float64{inf, nan}, inf, SoftThreshold, []float64{0, nan}, false},
		{"L2Ball two Inf", []float64{inf, 1, -inf}, 2, l2Ball, []float64{math.Sqrt2, 0, -math.Sqrt2}, true},
		{"L2Ball NaN", []float64{0.1, nan}, 2, l2Ball, []float64{nan, nan}, false},
		{"L2Norm +Inf", []float64{inf, 1}, 1, L2Norm{}.Prox, []float64{inf, 1}, false},
		{"L2Norm ±Inf t=+Inf", []float64{inf, -inf, 1}, inf, L2Norm{}.Prox, []float64{0, 0, 0}, false},
		{"L2Norm NaN", []float64{3, nan}, 1, L2Norm{}.Prox, []float64{nan, nan}, false},
	}
	for _, c := range cases {
		for _, inPlace := range []bool{false, true} {
			src := append([]float64(nil), c.x...)
			dst := make([]float64, len(src))
			if inPlace {
				dst = src
			}
			c.proj(dst, src, c.z)
			if !sameVec(dst, c.want) {
				t.Errorf("%s (in place %v): %v, want %v", c.name, inPlace, dst, c.want)
			}
		}
		if c.limit {
			x := finiteFor(c.x)
			dst := make([]float64, len(x))
			c.proj(dst, x, c.z)
			if !closeTol(dst, c.want, 1e-12) {
				t.Errorf("%s: the projection of %v is %v, not near the limit %v", c.name, x, dst, c.want)
			}
		}
	}
}

func l2Ball(dst, x []float64, r float64) { L2Ball{R: r}.Prox(dst, x, 0) }

// sameVec compares entrywise to 1e-15 absolute, NaN equal to NaN.
func sameVec(a, b []float64) bool { return closeTol(a, b, 1e-15) }

func closeTol(a, b []float64, tol float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.IsNaN(a[i]) != math.IsNaN(b[i]) || !math.IsNaN(a[i]) && math.Abs(a[i]-b[i]) > tol {
			return false
		}
	}
	return true
}

// TestProjectionsExtremeScale: when z is below the rounding of the
// largest entries, the threshold is computed relative to the largest
// entry (the projection is shift-invariant), so the mass is not lost:
// ProjSimplex([1e20, 1, 2], 1) was [0 0 0]. Closed forms: a single
// dominant entry takes all the mass; two tied ones share it; entries 2
// apart at 1e16 (exact integers) split as for (2, 0).
func TestProjectionsExtremeScale(t *testing.T) {
	cases := []struct {
		name string
		x    []float64
		z    float64
		proj func(dst, x []float64, z float64)
		want []float64
	}{
		{"Simplex 1e20", []float64{1e20, 1, 2}, 1, ProjSimplex, []float64{1, 0, 0}},
		{"Simplex tie 1e300", []float64{1e300, -3e299, 1e300}, 1, ProjSimplex, []float64{0.5, 0, 0.5}},
		{"Simplex near top", []float64{1e16 + 2, 1e16, 0}, 3, ProjSimplex, []float64{2.5, 0.5, 0}},
		{"Simplex -1e300", []float64{-1e300, -1e300 * (1 + 0x1p-52), -1e299}, 1, ProjSimplex, []float64{0, 0, 1}},
		{"L1Ball 1e300", []float64{-1e300, 1e299, 0}, 2, ProjL1Ball, []float64{-2, 0, 0}},
		{"L1Ball near top", []float64{1e16 + 2, -1e16, 5}, 3, ProjL1Ball, []float64{2.5, -0.5, 0}},
	}
	for _, c := range cases {
		for _, inPlace := range []bool{false, true} {
			src := append([]float64(nil), c.x...)
			dst := make([]float64, len(src))
			if inPlace {
				dst = src
			}
			c.proj(dst, src, c.z)
			if !sameVec(dst, c.want) {
				t.Errorf("%s (in place %v): %v, want %v", c.name, inPlace, dst, c.want)
			}
		}
	}
	// LInf's prox is x − Π_{‖·‖₁ ≤ t}(x): the same threshold.
	dst := make([]float64, 3)
	LInf{}.Prox(dst, []float64{1e20, 1, 2}, 1)
	if want := []float64{1e20 - 1, 1, 2}; !sameVec(dst, want) {
		t.Errorf("LInf.Prox([1e20 1 2], 1) = %v, want %v", dst, want)
	}
}
