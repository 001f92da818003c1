//go:build !amd64

package kernels

import "time"

func asmImpls64() []*impl[float64] { return nil }
func asmImpls32() []*impl[float32] { return nil }

// PeakGFLOPS returns 0: there are no SIMD kernels on this architecture.
func PeakGFLOPS(d time.Duration) float64 { return 0 }
