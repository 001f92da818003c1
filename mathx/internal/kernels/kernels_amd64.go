package kernels

import (
	"time"
	"unsafe"

	"golang.org/x/sys/cpu"
)

//go:generate sh -c "go run gen_asm.go > gemm_amd64.s"

// The micro-kernels of gemm_amd64.s (see gen_asm.go): an MR×NR tile from
// packed panels, every entry a chain of FMAs from zero (load = 0) or from
// C.

//go:noescape
func microAVX2F64(k int, a, b, c unsafe.Pointer, ldc int, load int)

//go:noescape
func microAVX2F32(k int, a, b, c unsafe.Pointer, ldc int, load int)

//go:noescape
func microAVX512F64(k int, a, b, c unsafe.Pointer, ldc int, load int)

//go:noescape
func microAVX512F32(k int, a, b, c unsafe.Pointer, ldc int, load int)

func peakAVX2(iters int)
func peakAVX512(iters int)

// fma32asm and fma64asm are one VFMADD231SS/SD, for the tests.
func fma32asm(x, y, z float32) float32
func fma64asm(x, y, z float64) float64

var (
	haveAVX2   = cpu.X86.HasAVX2 && cpu.X86.HasFMA
	haveAVX512 = haveAVX2 && cpu.X86.HasAVX512F
)

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func wrap64(mr, nr int, f func(k int, a, b, c unsafe.Pointer, ldc int, load int)) func(k int, a, b, c []float64, ldc int, load bool) {
	return func(k int, a, b, c []float64, ldc int, load bool) {
		_, _, _ = a[k*mr-1], b[k*nr-1], c[(mr-1)*ldc+nr-1]
		f(k, ptr(a), ptr(b), ptr(c), ldc, b2i(load))
	}
}

func wrap32(mr, nr int, f func(k int, a, b, c unsafe.Pointer, ldc int, load int)) func(k int, a, b, c []float32, ldc int, load bool) {
	return func(k int, a, b, c []float32, ldc int, load bool) {
		_, _, _ = a[k*mr-1], b[k*nr-1], c[(mr-1)*ldc+nr-1]
		f(k, ptr(a), ptr(b), ptr(c), ldc, b2i(load))
	}
}

func asmImpls64() []*impl[float64] {
	var s []*impl[float64]
	if haveAVX512 {
		s = append(s, &impl[float64]{name: "avx512", mr: 8, nr: 16, kc: 256, mc: 128, nc: 1024, micro: wrap64(8, 16, microAVX512F64)})
	}
	if haveAVX2 {
		s = append(s, &impl[float64]{name: "avx2", mr: 6, nr: 8, kc: 256, mc: 120, nc: 1024, micro: wrap64(6, 8, microAVX2F64)})
	}
	return s
}

func asmImpls32() []*impl[float32] {
	var s []*impl[float32]
	if haveAVX512 {
		s = append(s, &impl[float32]{name: "avx512", mr: 8, nr: 32, kc: 512, mc: 128, nc: 1024, micro: wrap32(8, 32, microAVX512F32)})
	}
	if haveAVX2 {
		s = append(s, &impl[float32]{name: "avx2", mr: 6, nr: 16, kc: 512, mc: 120, nc: 1024, micro: wrap32(6, 16, microAVX2F32)})
	}
	return s
}

// PeakGFLOPS measures the double-precision FMA throughput of one core
// with the widest vectors the kernels use (2 flops per lane per FMA),
// running independent FMA chains for about d; the best of a few runs.
// It returns 0 without SIMD kernels.
func PeakGFLOPS(d time.Duration) float64 {
	var f func(int)
	var flopsPerIter float64
	switch Impl() {
	case "avx512":
		f, flopsPerIter = peakAVX512, 8*24*8*2
	case "avx2":
		f, flopsPerIter = peakAVX2, 8*12*4*2
	default:
		return 0
	}
	return measurePeak(f, flopsPerIter, d)
}
