package kernels

import "math"

// Element-wise kernels of a training step, vectorised on amd64 (AVX2) with
// the same bits as their portable loops.

// Axpy64 sets y[i] = fma(alpha, x[i], y[i]) (one rounding) for i <
// len(y); x must be at least as long.
func Axpy64(alpha float64, x, y []float64) {
	x = x[:len(y)]
	for i := axpy64asm(alpha, x, y); i < len(y); i++ {
		y[i] = math.FMA(alpha, x[i], y[i])
	}
}

// Axpy32 is Axpy64 in float32 (each element rounded once).
func Axpy32(alpha float32, x, y []float32) {
	x = x[:len(y)]
	for i := axpy32asm(alpha, x, y); i < len(y); i++ {
		y[i] = fma32(alpha, x[i], y[i])
	}
}

// ReLUGrad64 sets g[i] to +0 where z[i] > 0 does not hold (z[i] ≤ 0 or
// NaN), the backward pass of ReLU at pre-activations z; z must be at
// least as long as g.
func ReLUGrad64(g, z []float64) {
	z = z[:len(g)]
	for i := reluGrad64asm(g, z); i < len(g); i++ {
		if !(z[i] > 0) {
			g[i] = 0
		}
	}
}

// ReLUGrad32 is ReLUGrad64 in float32.
func ReLUGrad32(g, z []float32) {
	z = z[:len(g)]
	for i := reluGrad32asm(g, z); i < len(g); i++ {
		if !(z[i] > 0) {
			g[i] = 0
		}
	}
}
