package ot

import (
	"golang.org/x/sys/cpu"
	"gonum.org/v1/gonum/floats"
)

var haveAVX2FMA = cpu.X86.HasAVX2 && cpu.X86.HasFMA

//go:noescape
func dotAVX(n int, x, y *float64) float64

//go:noescape
func axpyAVX(n int, alpha float64, x, y *float64)

// dot returns Σ x_i·y_i (AVX2/FMA when the CPU has it); len(y) ≥ len(x).
func dot(x, y []float64) float64 {
	if haveAVX2FMA && len(x) > 0 {
		_ = y[len(x)-1]
		return dotAVX(len(x), &x[0], &y[0])
	}
	return floats.Dot(x, y[:len(x)])
}

// axpy sets y += alpha·x (AVX2/FMA when the CPU has it); len(y) ≥ len(x).
func axpy(alpha float64, x, y []float64) {
	if haveAVX2FMA && len(x) > 0 {
		_ = y[len(x)-1]
		axpyAVX(len(x), alpha, &x[0], &y[0])
		return
	}
	floats.AddScaled(y[:len(x)], alpha, x)
}
