//go:build !amd64

package kernels

import "unsafe"

func axpy32asm(alpha float32, x, y []float32) int { return 0 }
func axpy64asm(alpha float64, x, y []float64) int { return 0 }
func reluGrad32asm(g, z []float32) int            { return 0 }
func reluGrad64asm(g, z []float64) int            { return 0 }
func sgd64asm(p, g, m, m2, old []float64, lr, mom, wd float64, momentum bool) int {
	return 0
}
func sgd32asm(p, g, m, m2, old []float32, lr, mom, wd float32, momentum bool) int {
	return 0
}
func relu32asm(a, z []float32) int { return 0 }
func relu64asm(a, z []float64) int { return 0 }
func adam64asm(p, g, m, v, m2, v2, old []float64, c *[10]float64, adamW bool) int {
	return 0
}
func adam32asm(p, g, m, v, m2, v2, old []float32, c *[10]float32, adamW bool) int {
	return 0
}
func transpose8[T Float](d []T, src unsafe.Pointer, ld, kc, w int) int { return 0 }
func expShift32asm(d, z []float32, m, ls float32) int                  { return 0 }
