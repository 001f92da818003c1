package sae

import "github.com/gomx-dev/gomx/mathx/internal/kernels"

// The encoder product pre = bias + xc·W_encᵀ is the one dense O(B·F·D)
// computation of a step. It runs on mathx/internal/kernels (AVX-512 or
// AVX2 assembly where the CPU has it, a portable kernel with the same bits
// elsewhere): each entry's sum over i is one chain of fused multiply-adds
// in index order from zero, then the bias is added, the same bits whatever
// the kernel and GOMAXPROCS.

// encodeProduct sets pre[b][j] = bias[j] + Σᵢ x[b][i]·w[j][i] for x (B×D,
// stride D), w (F×D, stride ws) and pre (B×F, stride ps).
func encodeProduct(pre []float64, ps int, x []float64, bsz, d int, w []float64, ws, f int, bias []float64) {
	kernels.Gemm64(false, true, bsz, f, d, x, d, w, ws, false, pre, ps)
	for b := 0; b < bsz; b++ {
		row := pre[b*ps : b*ps+f]
		for j, v := range bias[:f] {
			row[j] = v + row[j]
		}
	}
}
