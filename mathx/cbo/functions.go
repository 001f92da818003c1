package cbo

import (
	"fmt"
	"math"
)

// TestFunction is a benchmark objective with known global minimisers.
type TestFunction struct {
	// Name is the usual name of the function.
	Name string
	// Func evaluates it.
	Func func(x []float64) float64
	// Dim is the only dimension it is defined in, or 0 for any d ≥ MinDim.
	Dim int
	// MinDim is the least dimension it is defined in.
	MinDim int
	// Low and High bound the usual search box [Low, High]^d.
	Low, High float64
	// Min is the global minimum value.
	Min float64
	// Minimizers returns the global minimisers in dimension d.
	Minimizers func(d int) [][]float64
}

// TestFunctions returns the test-function set: Sphere, Rastrigin (CBXpy's
// sum form), Ackley, Rosenbrock, Himmelblau (four minimisers), and the
// nonsmooth Schwefel 2.22 and Bukin N.6.
func TestFunctions() []TestFunction {
	zeros := func(d int) [][]float64 { return [][]float64{make([]float64, d)} }
	return []TestFunction{
		{Name: "Sphere", Func: Sphere, MinDim: 1, Low: -5, High: 5, Minimizers: zeros},
		{Name: "Rastrigin", Func: Rastrigin, MinDim: 1, Low: -5.12, High: 5.12, Minimizers: zeros},
		{Name: "Ackley", Func: Ackley, MinDim: 1, Low: -32.768, High: 32.768, Minimizers: zeros},
		{Name: "Rosenbrock", Func: Rosenbrock, MinDim: 2, Low: -5, High: 10, Minimizers: func(d int) [][]float64 {
			x := make([]float64, d)
			for i := range x {
				x[i] = 1
			}
			return [][]float64{x}
		}},
		{Name: "Himmelblau", Func: Himmelblau, Dim: 2, MinDim: 2, Low: -5, High: 5, Minimizers: func(int) [][]float64 {
			return [][]float64{
				{3, 2},
				{-2.805118086952745, 3.131312518250573},
				{-3.779310253377747, -3.283185991286169},
				{3.5844283403304917, -1.8481265269644034},
			}
		}},
		{Name: "Schwefel222", Func: Schwefel222, MinDim: 1, Low: -10, High: 10, Minimizers: zeros},
		{Name: "Bukin6", Func: Bukin6, Dim: 2, MinDim: 2, Low: -15, High: 5, Minimizers: func(int) [][]float64 {
			return [][]float64{{-10, 1}}
		}},
	}
}

// Sphere returns Σ x_i², minimum 0 at the origin.
func Sphere(x []float64) float64 {
	s := 0.0
	for _, v := range x {
		s += v * v
	}
	return s
}

// Rastrigin returns 10 d + Σ (x_i² − 10 cos(2π x_i)), minimum 0 at the
// origin: the sum form CBXpy's code computes (its docstring's 1/d factor
// would change the effective α by d). cos(2π x) is evaluated by exact
// reduction modulo 1, a 65-entry table and short Taylor polynomials, within
// 1e-15 of the exact value.
func Rastrigin(x []float64) float64 {
	s := 10 * float64(len(x))
	for _, v := range x {
		s += v*v - 10*cos2pi(v)
	}
	return s
}

// Ackley returns −20 exp(−0.2 √(Σx_i²/d)) − exp(Σ cos(2π x_i)/d) + 20 + e,
// minimum 0 at the origin.
func Ackley(x []float64) float64 {
	if len(x) == 0 {
		panic("cbo.Ackley: empty x")
	}
	s2, sc := 0.0, 0.0
	for _, v := range x {
		s2 += v * v
		sc += cos2pi(v)
	}
	n := float64(len(x))
	// Grouped so that the minimum is exactly 0.
	return (20 - 20*math.Exp(-0.2*math.Sqrt(s2/n))) + (math.E - math.Exp(sc/n))
}

// Rosenbrock returns Σ_{i<d−1} 100 (x_{i+1} − x_i²)² + (1 − x_i)², minimum 0
// at (1, …, 1). It panics when d < 2.
func Rosenbrock(x []float64) float64 {
	if len(x) < 2 {
		panic(fmt.Sprintf("cbo.Rosenbrock: len(x) = %d, want ≥ 2", len(x)))
	}
	s := 0.0
	for i := 0; i+1 < len(x); i++ {
		a, b := x[i+1]-x[i]*x[i], 1-x[i]
		s += 100*a*a + b*b
	}
	return s
}

// Himmelblau returns (x² + y − 11)² + (x + y² − 7)², minimum 0 at four
// points, among them (3, 2). It panics unless len(x) == 2.
func Himmelblau(x []float64) float64 {
	if len(x) != 2 {
		panic(fmt.Sprintf("cbo.Himmelblau: len(x) = %d, want 2", len(x)))
	}
	a := x[0]*x[0] + x[1] - 11
	b := x[0] + x[1]*x[1] - 7
	return a*a + b*b
}

// Schwefel222 returns Σ|x_i| + Π|x_i|, a nonsmooth function with minimum 0
// at the origin.
func Schwefel222(x []float64) float64 {
	s, p := 0.0, 1.0
	for _, v := range x {
		a := math.Abs(v)
		s += a
		p *= a
	}
	return s + p
}

// Bukin6 returns 100 √|y − 0.01 x²| + 0.01 |x + 10|, a nonsmooth function
// with a curved ridge of local minima and the global minimum 0 at
// (−10, 1). It panics unless len(x) == 2.
func Bukin6(x []float64) float64 {
	if len(x) != 2 {
		panic(fmt.Sprintf("cbo.Bukin6: len(x) = %d, want 2", len(x)))
	}
	return 100*math.Sqrt(math.Abs(x[1]-0.01*x[0]*x[0])) + 0.01*math.Abs(x[0]+10)
}

// cosTab[k] and sinTab[k] are cos(2πk/128) and sin(2πk/128), k = 0..64.
var cosTab, sinTab [65]float64

func init() {
	for k := range cosTab {
		cosTab[k] = math.Cos(2 * math.Pi * float64(k) / 128)
		sinTab[k] = math.Sin(2 * math.Pi * float64(k) / 128)
	}
}

// cos2pi returns cos(2π x). The reduction t = |x − round(x)| ∈ [0, 1/2] is
// exact, so large |x| loses nothing; t = k/128 + r with |r| ≤ 1/256, and
// cos(2πt) = cos(2πk/128) cos(2πr) − sin(2πk/128) sin(2πr) with short
// Taylor polynomials for |2πr| ≤ 0.025 (truncation below 1e-20).
func cos2pi(x float64) float64 {
	if !(math.Abs(x) < 1<<50) {
		return math.Cos(2 * math.Pi * math.Mod(x, 1))
	}
	const magic = 0x1.8p52 // adding and subtracting it rounds to an integer
	t := math.Abs(x - ((x + magic) - magic))
	kf := (t*128 + magic) - magic
	k := min(int(kf), 64) // t ≤ 1/2, so k ≤ 64
	b := 2 * math.Pi * (t - kf/128)
	b2 := b * b
	cb := 1 + b2*(-1.0/2+b2*(1.0/24+b2*(-1.0/720+b2*(1.0/40320))))
	sb := b * (1 + b2*(-1.0/6+b2*(1.0/120+b2*(-1.0/5040))))
	return cosTab[k]*cb - sinTab[k]*sb
}
