package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"
)

var edgeSizes = []int{1, 7, 8, 9, 63, 64, 65, 127, 128, 129, 255, 256, 257}

// refChain is the definition: each entry one chain of FMAs in p order.
func refChain[T Float](fma func(x, y, z T) T, tA, tB bool, m, n, k int, a []T, lda int, b []T, ldb int, acc bool, c []T, ldc int) {
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s T
			if acc {
				s = c[i*ldc+j]
			}
			for p := 0; p < k; p++ {
				var x, y T
				if tA {
					x = a[p*lda+i]
				} else {
					x = a[i*lda+p]
				}
				if tB {
					y = b[j*ldb+p]
				} else {
					y = b[p*ldb+j]
				}
				s = fma(x, y, s)
			}
			c[i*ldc+j] = s
		}
	}
}

func fma64(x, y, z float64) float64 { return math.FMA(x, y, z) }

type problem[T Float] struct {
	tA, tB        bool
	m, n, k       int
	a, b, c       []T
	lda, ldb, ldc int
	acc           bool
}

func (p *problem[T]) String() string {
	return fmt.Sprintf("tA=%v tB=%v m=%d n=%d k=%d lda=%d ldb=%d ldc=%d acc=%v", p.tA, p.tB, p.m, p.n, p.k, p.lda, p.ldb, p.ldc, p.acc)
}

func randSlice[T Float](r *rand.Rand, n int) []T {
	s := make([]T, n)
	for i := range s {
		s[i] = T(r.NormFloat64())
	}
	return s
}

// newProblem draws a problem with strides padded by 0 to 3 (often odd).
func newProblem[T Float](r *rand.Rand, m, n, k int) *problem[T] {
	p := &problem[T]{tA: r.IntN(2) == 1, tB: r.IntN(2) == 1, m: m, n: n, k: k, acc: r.IntN(2) == 1}
	ar, ac := m, k
	if p.tA {
		ar, ac = k, m
	}
	br, bc := k, n
	if p.tB {
		br, bc = n, k
	}
	p.lda, p.ldb, p.ldc = ac+r.IntN(4), bc+r.IntN(4), n+r.IntN(4)
	p.a = randSlice[T](r, (ar-1)*p.lda+ac)
	p.b = randSlice[T](r, (br-1)*p.ldb+bc)
	p.c = randSlice[T](r, (m-1)*p.ldc+n)
	return p
}

func (p *problem[T]) run(im *impl[T]) []T {
	c := append([]T(nil), p.c...)
	gemm(im, p.tA, p.tB, p.m, p.n, p.k, p.a, p.lda, p.b, p.ldb, p.acc, c, p.ldc)
	return c
}

func (p *problem[T]) ref(fma func(x, y, z T) T) []T {
	c := append([]T(nil), p.c...)
	refChain(fma, p.tA, p.tB, p.m, p.n, p.k, p.a, p.lda, p.b, p.ldb, p.acc, c, p.ldc)
	return c
}

// checkBits reports the first entry where got and want differ in bits,
// including entries of C outside the m×n view (which must be untouched).
func checkBits[T Float](t *testing.T, name string, p fmt.Stringer, got, want []T) {
	t.Helper()
	for i := range want {
		if math.Float64bits(float64(got[i])) != math.Float64bits(float64(want[i])) {
			t.Fatalf("%s %v: entry %d = %v, want %v", name, p, i, got[i], want[i])
		}
	}
}

// shapes returns the problem sizes: random triples of edge sizes, and a
// few with the inner dimension across cache blocks and wide C.
func shapes(r *rand.Rand, n int) [][3]int {
	var s [][3]int
	for i := 0; i < n; i++ {
		s = append(s, [3]int{edgeSizes[r.IntN(len(edgeSizes))], edgeSizes[r.IntN(len(edgeSizes))], edgeSizes[r.IntN(len(edgeSizes))]})
	}
	for _, sz := range edgeSizes {
		s = append(s, [3]int{sz, sz, sz}, [3]int{1, sz, 9}, [3]int{sz, 1, 7})
	}
	s = append(s, [3]int{9, 17, 600}, [3]int{13, 1100, 5}, [3]int{128, 256, 784}, [3]int{256, 784, 128}, [3]int{128, 784, 256}, [3]int{10, 256, 128}, [3]int{128, 10, 256}, [3]int{3, 5, 1030})
	return s
}

// TestGemm64 checks every implementation against the FMA chain bit for
// bit (so the assembly and the portable code agree) on random shapes.
func TestGemm64(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, sh := range shapes(r, 60) {
		p := newProblem[float64](r, sh[0], sh[1], sh[2])
		want := p.ref(fma64)
		for _, im := range impls64 {
			checkBits(t, im.name, p, p.run(im), want)
		}
	}
}

func TestGemm32(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, sh := range shapes(r, 60) {
		p := newProblem[float32](r, sh[0], sh[1], sh[2])
		want := p.ref(fma32)
		for _, im := range impls32 {
			checkBits(t, im.name, p, p.run(im), want)
		}
		// and the chain is a product: compare with float64 sums
		q := &problem[float64]{tA: p.tA, tB: p.tB, m: p.m, n: p.n, k: p.k, lda: p.lda, ldb: p.ldb, ldc: p.ldc, acc: p.acc,
			a: widen(p.a), b: widen(p.b), c: widen(p.c)}
		exact := q.ref(fma64)
		for i := range exact {
			if d := math.Abs(float64(want[i]) - exact[i]); d > 1e-5*float64(p.k+1)*math.Sqrt(float64(p.k+1)) {
				t.Fatalf("%v: entry %d = %v, float64 %v", p, i, want[i], exact[i])
			}
		}
	}
}

func widen(s []float32) []float64 {
	w := make([]float64, len(s))
	for i, v := range s {
		w[i] = float64(v)
	}
	return w
}

// TestGemmPlainSum checks the reference chain itself against a plain sum.
func TestGemmPlainSum(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	p := newProblem[float64](r, 33, 29, 300)
	p.acc = false
	got := p.run(impl64)
	for i := 0; i < p.m; i++ {
		for j := 0; j < p.n; j++ {
			s := 0.0
			for q := 0; q < p.k; q++ {
				var x, y float64
				if p.tA {
					x = p.a[q*p.lda+i]
				} else {
					x = p.a[i*p.lda+q]
				}
				if p.tB {
					y = p.b[j*p.ldb+q]
				} else {
					y = p.b[q*p.ldb+j]
				}
				s += x * y
			}
			if d := math.Abs(got[i*p.ldc+j] - s); d > 1e-12 {
				t.Fatalf("C[%d][%d] = %v, plain sum %v", i, j, got[i*p.ldc+j], s)
			}
		}
	}
}

// TestGemmThreads checks that results do not depend on GOMAXPROCS.
func TestGemmThreads(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	r := rand.New(rand.NewPCG(7, 8))
	for _, sh := range [][3]int{{128, 256, 784}, {256, 784, 128}, {128, 256, 256}, {257, 129, 65}, {10, 256, 128}} {
		p := newProblem[float64](r, sh[0], sh[1], sh[2])
		p32 := newProblem[float32](r, sh[0], sh[1], sh[2])
		runtime.GOMAXPROCS(1)
		want, want32 := p.run(impl64), p32.run(impl32)
		for _, procs := range []int{2, 3, 5, 8} {
			runtime.GOMAXPROCS(procs)
			checkBits(t, fmt.Sprint("GOMAXPROCS=", procs), p, p.run(impl64), want)
			checkBits(t, fmt.Sprint("GOMAXPROCS=", procs), p32, p32.run(impl32), want32)
		}
	}
}

func TestGemmZeroK(t *testing.T) {
	c := []float64{1, 2, 3, 4}
	Gemm64(false, false, 2, 2, 0, nil, 0, nil, 2, true, c, 2)
	if c[3] != 4 {
		t.Fatal("accumulate with k = 0 changed C")
	}
	Gemm64(false, false, 2, 2, 0, nil, 0, nil, 2, false, c, 2)
	if c[0] != 0 || c[3] != 0 {
		t.Fatal("overwrite with k = 0 did not clear C")
	}
}

func TestGemmPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("no panic on a short A")
		}
	}()
	Gemm64(false, false, 2, 2, 2, make([]float64, 3), 2, make([]float64, 4), 2, false, make([]float64, 4), 2)
}

// mlpShapes are the dense products of a training step of the MLP
// 784-256-256-10 at batch 128: forward X·Wᵀ, weight gradients Gᵀ·X, input
// gradients G·W.
var mlpShapes = []struct {
	name    string
	tA, tB  bool
	m, n, k int
}{
	{"fwd1_X·W1ᵀ", false, true, 128, 256, 784},
	{"fwd2_H·W2ᵀ", false, true, 128, 256, 256},
	{"fwd3_H·W3ᵀ", false, true, 128, 10, 256},
	{"gW1_Gᵀ·X", true, false, 256, 784, 128},
	{"gW2_Gᵀ·H", true, false, 256, 256, 128},
	{"gX2_G·W2", false, false, 128, 256, 256},
	{"gX3_G·W3", false, false, 128, 256, 10},
}

func benchGemm[T Float](b *testing.B, im *impl[T], tA, tB bool, m, n, k int) {
	r := rand.New(rand.NewPCG(1, 1))
	p := newProblem[T](r, m, n, k)
	p.tA, p.tB = tA, tB
	p = newProblemT(r, p)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		gemm(im, p.tA, p.tB, m, n, k, p.a, p.lda, p.b, p.ldb, false, p.c, p.ldc)
	}
	b.ReportMetric(2*float64(m*n*k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

// newProblemT redraws p's operands for its (fixed) transposes, unpadded.
func newProblemT[T Float](r *rand.Rand, p *problem[T]) *problem[T] {
	q := &problem[T]{tA: p.tA, tB: p.tB, m: p.m, n: p.n, k: p.k, lda: p.k, ldb: p.n, ldc: p.n}
	if q.tA {
		q.lda = q.m
	}
	if q.tB {
		q.ldb = q.k
	}
	q.a = randSlice[T](r, q.m*q.k)
	q.b = randSlice[T](r, q.k*q.n)
	q.c = randSlice[T](r, q.m*q.n)
	return q
}

// BenchmarkMLP runs the MLP's products with every implementation.
func BenchmarkMLP(b *testing.B) {
	for _, s := range mlpShapes {
		for i, im := range impls64 {
			b.Run(fmt.Sprintf("f64/%s/%s", im.name, s.name), func(b *testing.B) { benchGemm(b, im, s.tA, s.tB, s.m, s.n, s.k) })
			im32 := impls32[i]
			b.Run(fmt.Sprintf("f32/%s/%s", im.name, s.name), func(b *testing.B) { benchGemm(b, im32, s.tA, s.tB, s.m, s.n, s.k) })
		}
	}
}

// BenchmarkPeak measures the FMA throughput of one core once (whatever
// b.N), for the fraction of peak of the other benchmarks.
func BenchmarkPeak(b *testing.B) {
	b.ReportMetric(PeakGFLOPS(500e6), "GFLOP/s")
}

// TestElem checks the element-wise kernels of every implementation
// against their loops written out, bit for bit (NaN payloads included),
// at every length up to 40 and with ties of ReLU at ±0 and NaN.
func TestElem(t *testing.T) {
	defer Use(Impls()[0])
	for _, name := range Impls() {
		if err := Use(name); err != nil {
			t.Fatal(err)
		}
		testElem(t)
	}
}

func testElem(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for n := 0; n <= 40; n++ {
		x, y, z := randSlice[float64](r, n), randSlice[float64](r, n), randSlice[float64](r, n)
		for i := range z {
			switch r.IntN(6) {
			case 0:
				z[i] = 0
			case 1:
				z[i] = math.Copysign(0, -1)
			case 2:
				z[i] = math.NaN()
			}
		}
		alpha := r.NormFloat64()
		y1, g1, a1 := append([]float64(nil), y...), append([]float64(nil), x...), make([]float64, n)
		Axpy64(alpha, x, y1)
		ReLUGrad64(g1, z)
		ReLU64(a1, z)
		y2, g2, a2 := append([]float64(nil), y...), append([]float64(nil), x...), make([]float64, n)
		for i := range y2 {
			y2[i] = math.FMA(alpha, x[i], y2[i])
			if !(z[i] > 0) {
				g2[i] = 0
			}
			a2[i] = 0 // +0 for z ≤ 0, −0 included
			if z[i] > 0 || math.IsNaN(z[i]) {
				a2[i] = z[i]
			}
		}
		checkBits(t, "Axpy64", fmt.Stringer(nil), y1, y2)
		checkBits(t, "ReLUGrad64", fmt.Stringer(nil), g1, g2)
		checkBits(t, "ReLU64", fmt.Stringer(nil), a1, a2)
		x32, y32, z32 := narrow(x), narrow(y), narrow(z)
		a32 := float32(alpha)
		y1s, g1s, a1s := append([]float32(nil), y32...), append([]float32(nil), x32...), make([]float32, n)
		Axpy32(a32, x32, y1s)
		ReLUGrad32(g1s, z32)
		ReLU32(a1s, z32)
		y2s, g2s, a2s := append([]float32(nil), y32...), append([]float32(nil), x32...), make([]float32, n)
		for i := range y2s {
			y2s[i] = fma32(a32, x32[i], y2s[i])
			if !(z32[i] > 0) {
				g2s[i] = 0
			}
			if z32[i] > 0 || z32[i] != z32[i] {
				a2s[i] = z32[i]
			}
		}
		checkBits(t, "Axpy32", fmt.Stringer(nil), y1s, y2s)
		checkBits(t, "ReLUGrad32", fmt.Stringer(nil), g1s, g2s)
		checkBits(t, "ReLU32", fmt.Stringer(nil), a1s, a2s)
	}
}

// TestSGD checks SGD64 and SGD32 against the step written out, bit for
// bit, at every length up to 40, with and without momentum, and with a
// non-finite gradient entry or an overflowing update at a random place:
// the elements before it are updated, it and those after it not.
func TestSGD(t *testing.T) {
	defer Use(Impls()[0])
	for _, name := range Impls() {
		if err := Use(name); err != nil {
			t.Fatal(err)
		}
		testSGD(t)
	}
}

func testSGD(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	for n := 0; n <= 40; n++ {
		for _, momentum := range []bool{false, true} {
			for _, bad := range []float64{0, math.NaN(), math.Inf(-1), 1e300} {
				p, g, m := randSlice[float64](r, n), randSlice[float64](r, n), randSlice[float64](r, n)
				at := -1
				if bad != 0 && n > 0 {
					at = r.IntN(n)
					g[at] = bad
				}
				lr, mom, wd := 0.01+r.Float64(), r.Float64(), r.Float64()
				if bad == 1e300 {
					lr = 1e300 // lr·b overflows at the 1e300 entry only
				}
				sgdCase(t, n, momentum, at, p, g, m, lr, mom, wd)
				p32, g32, m32 := narrow(p), narrow(g), narrow(m)
				if bad == 1e300 {
					lr = 1e30
				}
				sgdCase(t, n, momentum, at, p32, g32, m32, float32(lr), float32(mom), float32(wd))
			}
		}
	}
}

func sgdCase[T Float](t *testing.T, n int, momentum bool, at int, p, g, m []T, lr, mom, wd T) {
	t.Helper()
	p1, m2, old := append([]T(nil), p...), make([]T, n), make([]T, n)
	var got int
	switch p1 := any(p1).(type) {
	case []float64:
		got = SGD64(p1, any(g).([]float64), any(m).([]float64), any(m2).([]float64), any(old).([]float64), float64(lr), float64(mom), float64(wd), momentum)
	case []float32:
		got = SGD32(p1, any(g).([]float32), any(m).([]float32), any(m2).([]float32), any(old).([]float32), float32(lr), float32(mom), float32(wd), momentum)
	}
	want := -1
	p2, m22, old2 := append([]T(nil), p...), make([]T, n), make([]T, n)
	for i := range p2 {
		b := g[i] + T(wd*p2[i])
		if momentum {
			b = T(mom*m[i]) + b
		}
		q := p2[i] - T(lr*b)
		if math.IsNaN(float64(q)) || math.IsInf(float64(q), 0) || math.IsNaN(float64(b)) || math.IsInf(float64(b), 0) {
			want = i
			break
		}
		old2[i], p2[i], m22[i] = p2[i], q, b
	}
	if at >= 0 && want != at {
		t.Fatalf("n %d: the reference fails at %d, want %d (bad test case)", n, want, at)
	}
	if got != want {
		t.Errorf("SGD %T n %d momentum %v: returned %d, want %d", lr, n, momentum, got, want)
	}
	checkBits(t, "SGD p", fmt.Stringer(nil), p1, p2)
	checkBits(t, "SGD m2", fmt.Stringer(nil), m2, m22)
	checkBits(t, "SGD old", fmt.Stringer(nil), old, old2)
}

// TestAdamPlain checks AdamPlain64 and AdamPlain32 of every
// implementation against Adam's plain step written out, bit for bit, at
// every length up to 40, Adam and AdamW, with an element that must stop
// it at a random place (a negative v, a gradient beyond big, a NaN
// gradient, an overflowing step): the elements before it are done, it
// and those after it not.
func TestAdamPlain(t *testing.T) {
	defer Use(Impls()[0])
	for _, name := range Impls() {
		if err := Use(name); err != nil {
			t.Fatal(err)
		}
		r := rand.New(rand.NewPCG(15, 16))
		for n := 0; n <= 40; n++ {
			for _, adamW := range []bool{false, true} {
				for stop := 0; stop < 5; stop++ {
					p, g, m := randSlice[float64](r, n), randSlice[float64](r, n), randSlice[float64](r, n)
					v := make([]float64, n)
					for i := range v {
						v[i] = r.Float64()
					}
					c := [10]float64{0.99, 0.01, 0.9, 0.1, 0.999, 0.001, 0.01, 0.3, 1e-8, 1e150}
					c32 := [10]float32{0.99, 0.01, 0.9, 0.1, 0.999, 0.001, 0.01, 0.3, 1e-8, 0x1p60}
					at := -1
					if stop > 0 && n > 0 {
						at = r.IntN(n)
						switch stop {
						case 1:
							v[at] = -1
						case 2:
							g[at] = 1e160
						case 3:
							g[at] = math.NaN()
						case 4:
							// √v' tiny at the element: the step 1e300·m'/√v' overflows
							g[at], v[at] = 1, 0
							c[5], c[6], c[8] = 1e-300, 1e300, 1e-300
							c32[5], c32[6], c32[8] = 1e-40, 1e30, 1e-38
						}
					}
					adamCase(t, name, n, adamW, at, p, g, m, v, &c)
					adamCase(t, name, n, adamW, at, narrow(p), narrow(g), narrow(m), narrow(v), &c32)
				}
			}
		}
	}
}

func adamCase[T Float](t *testing.T, impl string, n int, adamW bool, at int, p, g, m, v []T, c *[10]T) {
	t.Helper()
	p1, m2, v2, old := append([]T(nil), p...), make([]T, n), make([]T, n), make([]T, n)
	var got int
	switch p1 := any(p1).(type) {
	case []float64:
		got = AdamPlain64(p1, any(g).([]float64), any(m).([]float64), any(v).([]float64), any(m2).([]float64), any(v2).([]float64), any(old).([]float64), any(c).(*[10]float64), adamW)
	case []float32:
		got = AdamPlain32(p1, any(g).([]float32), any(m).([]float32), any(v).([]float32), any(m2).([]float32), any(v2).([]float32), any(old).([]float32), any(c).(*[10]float32), adamW)
	}
	p2, m22, v22, old2 := append([]T(nil), p...), make([]T, n), make([]T, n), make([]T, n)
	want := 0
	for ; want < n; want++ {
		i := want
		q, gi := p2[i], g[i]
		if adamW {
			q = T(q * c[0])
		} else {
			gi = gi + T(c[1]*q)
		}
		if !(v[i] >= 0 && math.Abs(float64(gi)) <= float64(c[9])) {
			break
		}
		nm := T(c[2]*m[i]) + T(c[3]*gi)
		nv := T(c[4]*v[i]) + T(T(c[5]*gi)*gi)
		np := q - T(c[6]*nm)/(T(math.Sqrt(float64(nv)))/c[7]+c[8])
		f := func(x T) bool { return !math.IsNaN(float64(x)) && !math.IsInf(float64(x), 0) }
		if !f(np) || !f(nm) || !f(nv) {
			break
		}
		old2[i], p2[i], m22[i], v22[i] = p2[i], np, nm, nv
	}
	if at >= 0 && want != at && at < n {
		// the injected element must be where the reference stops
		t.Fatalf("%s n %d: the reference stops at %d, want %d (bad test case)", impl, n, want, at)
	}
	if got != want {
		t.Errorf("%s AdamPlain %T n %d adamW %v: did %d, want %d", impl, p[0:0], n, adamW, got, want)
	}
	checkBits(t, impl+" Adam p", fmt.Stringer(nil), p1, p2)
	checkBits(t, impl+" Adam m2", fmt.Stringer(nil), m2, m22)
	checkBits(t, impl+" Adam v2", fmt.Stringer(nil), v2, v22)
	checkBits(t, impl+" Adam old", fmt.Stringer(nil), old, old2)
}

// TestExpShift32 checks ExpShift32 of every implementation against
// exp32 element by element, bit for bit, at every length up to 40, with
// shifts that put some arguments below −104 and above 89, NaN and ±Inf
// among the inputs; and exp32 itself against e^y from math.Exp rounded
// to float32: equal on all but a few of 10⁶ points in [−104, 89], never
// more than one float32 ulp apart, 0 from −104 down, +Inf from 89.
func TestExpShift32(t *testing.T) {
	defer Use(Impls()[0])
	for _, name := range Impls() {
		if err := Use(name); err != nil {
			t.Fatal(err)
		}
		r := rand.New(rand.NewPCG(17, 18))
		for n := 0; n <= 40; n++ {
			z := make([]float32, n)
			for i := range z {
				z[i] = float32(60 * r.NormFloat64())
				switch r.IntN(12) {
				case 0:
					z[i] = float32(math.NaN())
				case 1:
					z[i] = float32(math.Inf(1 - 2*r.IntN(2)))
				}
			}
			m, ls := float32(10*r.NormFloat64()), float32(r.Float64())
			d := make([]float32, n)
			ExpShift32(d, z, m, ls)
			for j := range z {
				want := exp32((z[j] - m) - ls)
				if math.Float32bits(d[j]) != math.Float32bits(want) {
					t.Fatalf("%s n %d: ExpShift32 entry %d (y = %v) = %v, exp32 %v", name, n, j, (z[j]-m)-ls, d[j], want)
				}
			}
		}
	}
	r := rand.New(rand.NewPCG(19, 20))
	diff := 0
	for i := 0; i < 1000000; i++ {
		y := float32(-104 + 193*r.Float64())
		got, want := exp32(y), float32(math.Exp(float64(y)))
		if got != want {
			diff++
			if math.Abs(float64(got)-float64(want)) > float64(math.Nextafter32(want, float32(math.Inf(1)))-want) {
				t.Fatalf("exp32(%v) = %v, e^y in float32 %v: more than an ulp apart", y, got, want)
			}
		}
	}
	if diff > 10 {
		t.Errorf("exp32 differs from float32(math.Exp) at %d of 10⁶ points, want ≤ 10", diff)
	}
	for _, y := range []float32{-104, -105, float32(math.Inf(-1))} {
		if v := exp32(y); v != 0 {
			t.Errorf("exp32(%v) = %v, want 0", y, v)
		}
	}
	if v := exp32(89); !math.IsInf(float64(v), 1) {
		t.Errorf("exp32(89) = %v, want +Inf", v)
	}
	if v := exp32(-103.9); v < 0x1p-149 {
		t.Errorf("exp32(-103.9) = %v, want ≥ 2^-149", v)
	}
}

func narrow(s []float64) []float32 {
	w := make([]float32, len(s))
	for i, v := range s {
		w[i] = float32(v)
	}
	return w
}

// BenchmarkMicro runs the micro-kernels alone on panels in L1 (k = 256).
func BenchmarkMicro(b *testing.B) {
	const k = 256
	for i, im := range impls64 {
		b.Run("f64/"+im.name, func(b *testing.B) {
			a, bp, c := make([]float64, k*im.mr), make([]float64, k*im.nr), make([]float64, im.mr*im.nr)
			for i := 0; i < b.N; i++ {
				im.micro(k, a, bp, c, im.nr, true)
			}
			b.ReportMetric(2*float64(k*im.mr*im.nr)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
		im32 := impls32[i]
		b.Run("f32/"+im.name, func(b *testing.B) {
			a, bp, c := make([]float32, k*im32.mr), make([]float32, k*im32.nr), make([]float32, im32.mr*im32.nr)
			for i := 0; i < b.N; i++ {
				im32.micro(k, a, bp, c, im32.nr, true)
			}
			b.ReportMetric(2*float64(k*im32.mr*im32.nr)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

// TestGemmNonFinite checks that NaN and ±Inf in A, B or C reach exactly
// the entries the reference chain gives them (NaN payloads aside), and
// not the padded lanes' neighbours.
func TestGemmNonFinite(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	special := []float64{math.Inf(1), math.Inf(-1), math.NaN(), 0, math.Copysign(0, -1), math.MaxFloat64}
	for trial := 0; trial < 40; trial++ {
		p := newProblem[float64](r, edgeSizes[r.IntN(8)], edgeSizes[r.IntN(8)], edgeSizes[r.IntN(8)])
		for _, s := range [][]float64{p.a, p.b, p.c} {
			for n := r.IntN(4); n > 0; n-- {
				s[r.IntN(len(s))] = special[r.IntN(len(special))]
			}
		}
		want := p.ref(fma64)
		for _, im := range impls64 {
			got := p.run(im)
			for i := range want {
				if !(math.IsNaN(got[i]) && math.IsNaN(want[i])) && math.Float64bits(got[i]) != math.Float64bits(want[i]) {
					t.Fatalf("%s %v: entry %d = %v, want %v", im.name, p, i, got[i], want[i])
				}
			}
		}
	}
}
