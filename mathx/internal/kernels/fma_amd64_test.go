package kernels

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestFMA32 checks fma32 against VFMADD231SS, and math.FMA against
// VFMADD231SD, on random operands and on near-ties, where rounding the
// float64 result of math.FMA to float32 would round twice.
func TestFMA32(t *testing.T) {
	if !haveAVX2 {
		t.Skip("no FMA")
	}
	r := rand.New(rand.NewPCG(9, 10))
	f32 := func() float32 {
		return float32(r.NormFloat64() * math.Ldexp(1, r.IntN(40)-20))
	}
	doubles := 0
	for i := 0; i < 2_000_000; i++ {
		x, y := f32(), f32()
		var z float32
		switch i % 4 {
		case 0:
			z = f32()
		case 1: // cancel most of the product: the result keeps its low bits
			z = -float32(float64(x) * float64(y))
		case 2: // x·y an exact float32 tie (25 bits, odd), z below float64's half ulp of it
			xi, yi := 1<<12+2*r.IntN(1<<11)+1, 1<<11+2*r.IntN(1<<10)+1
			e := r.IntN(20) - 10
			x, y = float32(math.Ldexp(float64(xi), e-12)), float32(math.Ldexp(float64(yi), -e-11))
			if r.IntN(2) == 0 {
				x = -x
			}
			p := float64(x) * float64(y)
			z = float32(math.Ldexp(r.Float64()+0.5, math.Ilogb(p)-54-r.IntN(30)))
			if r.IntN(2) == 0 {
				z = -z
			}
		case 3:
			z = float32(math.Ldexp(float64(f32()), -r.IntN(120)))
		}
		got, want := fma32(x, y, z), fma32asm(x, y, z)
		if math.Float32bits(got) != math.Float32bits(want) {
			t.Fatalf("fma32(%v, %v, %v) = %v, VFMADD231SS %v", x, y, z, got, want)
		}
		if float32(math.FMA(float64(x), float64(y), float64(z))) != want {
			doubles++
		}
		a, b, c := r.NormFloat64(), r.NormFloat64(), r.NormFloat64()
		if math.FMA(a, b, c) != fma64asm(a, b, c) {
			t.Fatalf("math.FMA(%v, %v, %v) differs from VFMADD231SD", a, b, c)
		}
	}
	t.Logf("float32(math.FMA) in float64 rounded twice wrongly in %d of 2e6 cases", doubles)
	// A constructed case: x·x = 1 + 2⁻¹¹ + 2⁻²⁴, a float32 tie, and
	// z = 2⁻⁶⁰: the exact sum is just above the tie and rounds up; rounded
	// to float64 first it is the tie itself and rounds to even, down.
	x, z := float32(1+math.Ldexp(1, -12)), float32(math.Ldexp(1, -60))
	if got, want := fma32(x, x, z), fma32asm(x, x, z); got != want || want != float32(1+math.Ldexp(1, -11)+math.Ldexp(1, -23)) {
		t.Fatalf("constructed case: fma32 = %v, VFMADD231SS %v", got, want)
	}
	if float32(math.FMA(float64(x), float64(x), float64(z))) == fma32asm(x, x, z) {
		t.Fatal("constructed case: the double rounding did not show")
	}
	if doubles == 0 {
		t.Fatal("the near-tie cases never caught a double rounding")
	}
}
