//go:build !amd64

package ot

import "gonum.org/v1/gonum/floats"

// dot returns Σ x_i·y_i; len(y) ≥ len(x).
func dot(x, y []float64) float64 { return floats.Dot(x, y[:len(x)]) }

// axpy sets y += alpha·x; len(y) ≥ len(x).
func axpy(alpha float64, x, y []float64) { floats.AddScaled(y[:len(x)], alpha, x) }
