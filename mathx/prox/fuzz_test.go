package prox

import (
	"encoding/binary"
	"math"
	"testing"
)

// floatsFrom decodes up to 64 finite float64 values in [-1e6, 1e6] from b.
func floatsFrom(b []byte) []float64 {
	var out []float64
	for len(b) >= 8 && len(out) < 64 {
		v := math.Float64frombits(binary.LittleEndian.Uint64(b))
		b = b[8:]
		if math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > 1e6 {
			continue
		}
		out = append(out, v)
	}
	return out
}

// FuzzSimplex checks the simplex and ℓ1-ball projections against the sort
// formula and their optimality conditions on arbitrary inputs.
func FuzzSimplex(f *testing.F) {
	f.Add([]byte{0, 0, 0, 0, 0, 0, 240, 63, 0, 0, 0, 0, 0, 0, 0, 64}, 1.0)
	f.Add(make([]byte, 64), 0.5)
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24}, 3.0)
	f.Fuzz(func(t *testing.T, raw []byte, z float64) {
		x := floatsFrom(raw)
		if len(x) == 0 || !(z > 1e-6) || z > 1e6 {
			return
		}
		scale := 1 + linf(x) + z
		got := make([]float64, len(x))
		ProjSimplex(got, x, z)
		theta := sortSimplex(x, z)
		for i, v := range x {
			if math.Abs(got[i]-math.Max(v-theta, 0)) > 1e-9*scale {
				t.Fatalf("simplex[%d] = %g, sort formula %g", i, got[i], math.Max(v-theta, 0))
			}
		}
		ProjL1Ball(got, x, z)
		// p = x − θ loses the digits of θ below ulp(max|x|): the sum can
		// exceed z by a few ulps of max|x| per entry.
		if l1norm(got) > z+1e-15*float64(len(x))*scale {
			t.Fatalf("l1 ball: ‖p‖₁ = %g > %g", l1norm(got), z)
		}
		for i := range got {
			if got[i]*x[i] < 0 || math.Abs(got[i]) > math.Abs(x[i]) {
				t.Fatalf("l1 ball: p[%d] = %g for x = %g", i, got[i], x[i])
			}
		}
	})
}

// FuzzTV1D checks the TV prox's dual certificate on arbitrary inputs.
func FuzzTV1D(f *testing.F) {
	f.Add([]byte{0, 0, 0, 0, 0, 0, 240, 63, 0, 0, 0, 0, 0, 0, 0, 64, 0, 0, 0, 0, 0, 0, 0, 0}, 0.5)
	f.Add(make([]byte, 80), 1.0)
	f.Fuzz(func(t *testing.T, raw []byte, lambda float64) {
		x := floatsFrom(raw)
		if len(x) == 0 || !(lambda >= 0) || lambda > 1e6 {
			return
		}
		p := make([]float64, len(x))
		TV1D(p, x, lambda)
		tvCertificate(t, x, p, lambda)
	})
}

// anyFloatsFrom decodes up to 16 float64 values from b, NaN, ±Inf and
// every scale included.
func anyFloatsFrom(b []byte) []float64 {
	var out []float64
	for len(b) >= 8 && len(out) < 16 {
		out = append(out, math.Float64frombits(binary.LittleEndian.Uint64(b)))
		b = b[8:]
	}
	return out
}

// FuzzBadInput is issue 18's contract on arbitrary bit patterns: the
// vector operators never panic on data (only on programmer errors, which
// the step filter excludes), a finite input gives a finite output, a
// projection of a finite input lands in its set, and NaN comes out only
// when NaN or ±Inf went in. Hangs fail through go test's -timeout.
func FuzzBadInput(f *testing.F) {
	bits := func(vs ...float64) []byte {
		b := make([]byte, 0, 8*len(vs))
		for _, v := range vs {
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
		}
		return b
	}
	f.Add(bits(1, -2, 0.5), 1e16)
	f.Add(bits(math.Inf(1), 1, 3), 1.0)
	f.Add(bits(1, math.NaN(), 3), 0.5)
	f.Add(bits(1e300, -1e300, 1e300, 5), 1e-300)
	f.Add(bits(1e20, 1, 2), math.Inf(1))
	f.Add(bits(math.MaxFloat64, -math.MaxFloat64, 4.9e-324), 2.0)
	f.Fuzz(func(t *testing.T, raw []byte, step float64) {
		x := anyFloatsFrom(raw)
		if len(x) == 0 || !(step >= 0) {
			return
		}
		finiteIn := true
		for _, v := range x {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				finiteIn = false
			}
		}
		groups := make([][]int, 0, len(x)/2+1)
		for i := 0; i < len(x); i += 2 {
			g := []int{i}
			if i+1 < len(x) {
				g = append(g, i+1)
			}
			groups = append(groups, g)
		}
		lo, hi := make([]float64, len(x)), make([]float64, len(x))
		for i := range lo {
			lo[i], hi[i] = -1, 1
		}
		ops := []struct {
			name string
			op   func(dst, x []float64)
			set  Func // the set a projection must land in (nil: none)
		}{
			{"SoftThreshold", func(d, x []float64) { SoftThreshold(d, x, step) }, nil},
			{"HardThreshold", func(d, x []float64) { HardThreshold(d, x, step) }, nil},
			{"ProjBox", func(d, x []float64) { ProjBox(d, x, lo, hi) }, Box{Lo: lo, Hi: hi}},
			{"ProjSimplex", func(d, x []float64) { ProjSimplex(d, x, 1) }, Simplex{Z: 1}},
			{"ProjL1Ball", func(d, x []float64) { ProjL1Ball(d, x, 1) }, L1Ball{R: 1}},
			{"ProjL0Ball", func(d, x []float64) { ProjL0Ball(d, x, 1) }, nil},
			{"TV1D", func(d, x []float64) { TV1D(d, x, step) }, nil},
			{"GroupSoftThreshold", func(d, x []float64) { GroupSoftThreshold(d, x, groups, nil, step) }, nil},
			{"L2Ball", func(d, x []float64) { L2Ball{R: 1}.Prox(d, x, step) }, L2Ball{R: 1}},
			{"LInfBall", func(d, x []float64) { LInfBall{R: 1}.Prox(d, x, step) }, LInfBall{R: 1}},
		}
		for _, o := range ops {
			for _, inPlace := range []bool{false, true} {
				src := append([]float64(nil), x...)
				dst := make([]float64, len(x))
				if inPlace {
					dst = src
				}
				o.op(dst, src)
				nan, inf := false, false
				for _, v := range dst {
					nan = nan || math.IsNaN(v)
					inf = inf || math.IsInf(v, 0)
				}
				switch {
				case finiteIn && (nan || inf):
					t.Fatalf("%s(%v, %g) = %v from a finite input", o.name, x, step, dst)
				case finiteIn && o.set != nil && o.set.Value(dst) != 0:
					t.Fatalf("%s(%v) = %v is outside the set", o.name, x, dst)
				}
			}
		}
	})
}
