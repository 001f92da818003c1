package kernels

import (
	"math"
	"unsafe"
)

//go:noescape
func axpy32avx(n int, alpha float32, x, y unsafe.Pointer)

//go:noescape
func axpy64avx(n int, alpha float64, x, y unsafe.Pointer)

//go:noescape
func relugrad32avx(n int, grad, z unsafe.Pointer)

//go:noescape
func relugrad64avx(n int, grad, z unsafe.Pointer)

//go:noescape
func sgd64avx(n int, p, grad, m, m2, old unsafe.Pointer, lr, mom, wd float64, useMom int) int

//go:noescape
func sgd32avx(n int, p, grad, m, m2, old unsafe.Pointer, lr, mom, wd float32, useMom int) int

//go:noescape
func relu32avx(n int, a, z unsafe.Pointer)

//go:noescape
func relu64avx(n int, a, z unsafe.Pointer)

//go:noescape
func adam64avx(n int, p, grad, m, v, m2, v2, old unsafe.Pointer, c *[10]float64, adamW int) int

//go:noescape
func adam32avx(n int, p, grad, m, v, m2, v2, old unsafe.Pointer, c *[10]float32, adamW int) int

//go:noescape
func transpose8f32avx(n int, src unsafe.Pointer, ld int, dst unsafe.Pointer, w int)

//go:noescape
func expShift32avx(n int, d, z unsafe.Pointer, m, ls float32, tab *[64]float64, c *expConsts)

// expConsts are expShift32avx's constants, each repeated for the lanes
// (see exp32): 64/ln 2, ln 2/64, the rounding magic, 1/24, 1/6, 1/2, 1
// (float64), then −104, 89, +Inf (float32).
type expConsts struct {
	f64 [7][4]float64
	f32 [3][4]float32
}

var expC = func() (c expConsts) {
	for i, v := range [7]float64{64 / math.Ln2, math.Ln2 / 64, 0x1.8p52, 1.0 / 24, 1.0 / 6, 0.5, 1} {
		c.f64[i] = [4]float64{v, v, v, v}
	}
	for i, v := range [3]float32{-104, 89, float32(math.Inf(1))} {
		c.f32[i] = [4]float32{v, v, v, v}
	}
	return c
}()

// simdElem reports whether the element-wise kernels may use assembly (the
// implementation in use is not the portable one).
func simdElem() bool { return haveAVX2 && impl64.name != "go" }

func axpy32asm(alpha float32, x, y []float32) int {
	n := len(y) &^ 7
	if !simdElem() || n == 0 {
		return 0
	}
	axpy32avx(n, alpha, ptr(x), ptr(y))
	return n
}

func axpy64asm(alpha float64, x, y []float64) int {
	n := len(y) &^ 3
	if !simdElem() || n == 0 {
		return 0
	}
	axpy64avx(n, alpha, ptr(x), ptr(y))
	return n
}

func reluGrad32asm(g, z []float32) int {
	n := len(g) &^ 7
	if !simdElem() || n == 0 {
		return 0
	}
	relugrad32avx(n, ptr(g), ptr(z))
	return n
}

func reluGrad64asm(g, z []float64) int {
	n := len(g) &^ 3
	if !simdElem() || n == 0 {
		return 0
	}
	relugrad64avx(n, ptr(g), ptr(z))
	return n
}

func sgd64asm(p, g, m, m2, old []float64, lr, mom, wd float64, momentum bool) int {
	if !simdElem() || len(p) < 4 {
		return 0
	}
	mp := ptr(p) // not read without momentum
	if momentum {
		mp = ptr(m)
	}
	return sgd64avx(len(p), ptr(p), ptr(g), mp, ptr(m2), ptr(old), lr, mom, wd, b2i(momentum))
}

func sgd32asm(p, g, m, m2, old []float32, lr, mom, wd float32, momentum bool) int {
	if !simdElem() || len(p) < 8 {
		return 0
	}
	mp := ptr(p)
	if momentum {
		mp = ptr(m)
	}
	return sgd32avx(len(p), ptr(p), ptr(g), mp, ptr(m2), ptr(old), lr, mom, wd, b2i(momentum))
}

func relu32asm(a, z []float32) int {
	n := len(a) &^ 7
	if !simdElem() || n == 0 {
		return 0
	}
	relu32avx(n, ptr(a), ptr(z))
	return n
}

func relu64asm(a, z []float64) int {
	n := len(a) &^ 3
	if !simdElem() || n == 0 {
		return 0
	}
	relu64avx(n, ptr(a), ptr(z))
	return n
}

func adam64asm(p, g, m, v, m2, v2, old []float64, c *[10]float64, adamW bool) int {
	if !simdElem() || len(p) < 4 {
		return 0
	}
	return adam64avx(len(p), ptr(p), ptr(g), ptr(m), ptr(v), ptr(m2), ptr(v2), ptr(old), c, b2i(adamW))
}

func adam32asm(p, g, m, v, m2, v2, old []float32, c *[10]float32, adamW bool) int {
	if !simdElem() || len(p) < 8 {
		return 0
	}
	return adam32avx(len(p), ptr(p), ptr(g), ptr(m), ptr(v), ptr(m2), ptr(v2), ptr(old), c, b2i(adamW))
}

// transpose8 sets d[p·w+r] = src[r·ld+p] for r < 8 and p below the
// largest multiple of 8 ≤ kc, for float32 with AVX2, and returns that
// multiple (0 otherwise: the caller does it all).
func transpose8[T Float](d []T, src unsafe.Pointer, ld, kc, w int) int {
	n := kc / 8
	if unsafe.Sizeof(d[0]) != 4 || !simdElem() || n == 0 {
		return 0
	}
	_ = d[(8*n-1)*w+7]
	transpose8f32avx(n, src, ld, unsafe.Pointer(&d[0]), w)
	return 8 * n
}

func expShift32asm(d, z []float32, m, ls float32) int {
	n := len(z) &^ 3
	if !simdElem() || n == 0 {
		return 0
	}
	expShift32avx(n, ptr(d), ptr(z), m, ls, &exp2Tab, &expC)
	return n
}
