package kernels

import "unsafe"

//go:noescape
func axpy32avx(n int, alpha float32, x, y unsafe.Pointer)

//go:noescape
func axpy64avx(n int, alpha float64, x, y unsafe.Pointer)

//go:noescape
func relugrad32avx(n int, grad, z unsafe.Pointer)

//go:noescape
func relugrad64avx(n int, grad, z unsafe.Pointer)

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
