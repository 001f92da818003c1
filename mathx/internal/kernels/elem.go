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

// ReLU64 sets a[i] = max(z[i], 0) for i < len(a): z[i] where z[i] > 0
// or z[i] is NaN (its bits passed on), else +0; z must be at least as
// long as a.
func ReLU64(a, z []float64) {
	z = z[:len(a)]
	for i := relu64asm(a, z); i < len(a); i++ {
		a[i] = 0
		if v := z[i]; v > 0 || v != v {
			a[i] = v
		}
	}
}

// ReLU32 is ReLU64 in float32.
func ReLU32(a, z []float32) {
	z = z[:len(a)]
	for i := relu32asm(a, z); i < len(a); i++ {
		a[i] = 0
		if v := z[i]; v > 0 || v != v {
			a[i] = v
		}
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

// SGD64 is a step of SGD on the parameters p with gradient g: for each i
// in order,
//
//	b = g[i] + wd·p[i];  b = mom·m[i] + b when momentum;  q = p[i] − lr·b
//
// each operation rounded once (no fused multiply-add), and, while q and b
// are finite, old[i] = p[i], p[i] = q, m2[i] = b. It returns the index of
// the first element whose q or b is NaN or ±Inf (it and those after it
// are left unwritten), or −1. g, m2, old and, with momentum, m must be at
// least as long as p.
func SGD64(p, g, m, m2, old []float64, lr, mom, wd float64, momentum bool) int {
	n := len(p)
	g, m2, old = g[:n], m2[:n], old[:n]
	if momentum {
		m = m[:n]
	}
	for i := sgd64asm(p, g, m, m2, old, lr, mom, wd, momentum); i < n; i++ {
		// the conversions keep the compiler from fusing
		b := g[i] + float64(wd*p[i])
		if momentum {
			b = float64(mom*m[i]) + b
		}
		q := p[i] - float64(lr*b)
		if q-q != 0 || b-b != 0 {
			return i
		}
		old[i], p[i], m2[i] = p[i], q, b
	}
	return -1
}

// SGD32 is SGD64 in float32.
func SGD32(p, g, m, m2, old []float32, lr, mom, wd float32, momentum bool) int {
	n := len(p)
	g, m2, old = g[:n], m2[:n], old[:n]
	if momentum {
		m = m[:n]
	}
	for i := sgd32asm(p, g, m, m2, old, lr, mom, wd, momentum); i < n; i++ {
		b := g[i] + float32(wd*p[i])
		if momentum {
			b = float32(mom*m[i]) + b
		}
		q := p[i] - float32(lr*b)
		if q-q != 0 || b-b != 0 {
			return i
		}
		old[i], p[i], m2[i] = p[i], q, b
	}
	return -1
}

// AdamPlain64 takes Adam's step on the leading elements of p, in order,
// as long as they take its plain path and give finite values, and
// returns how many it did (the caller does the rest). c holds decay, wd,
// b1, 1−b1, b2, 1−b2, stepSize, sq2, eps and big; element i takes the
// plain path when v[i] ≥ 0 and |g'| ≤ big, with, each operation rounded
// once (no fused multiply-add):
//
//	q = p[i]·decay, g' = g[i] (adamW)   or   q = p[i], g' = g[i] + wd·p[i]
//	m' = b1·m[i] + (1−b1)·g';  v' = b2·v[i] + ((1−b2)·g')·g'
//	p' = q − (stepSize·m')/(√v'/sq2 + eps)
//
// and, when p', m' and v' are finite, old[i] = p[i], p[i] = p', m2[i] =
// m', v2[i] = v'. g, m, v, m2, v2 and old must be at least as long as p.
func AdamPlain64(p, g, m, v, m2, v2, old []float64, c *[10]float64, adamW bool) int {
	n := len(p)
	g, m, v, m2, v2, old = g[:n], m[:n], v[:n], m2[:n], v2[:n], old[:n]
	decay, wd, b1, b1c, b2, b2c, stepSize, sq2, eps, big := c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9]
	i := adam64asm(p, g, m, v, m2, v2, old, c, adamW)
	for ; i < n; i++ {
		q, gi := p[i], g[i]
		if adamW {
			q *= decay
		} else {
			gi += float64(wd * q)
		}
		if !(v[i] >= 0 && math.Abs(gi) <= big) {
			break
		}
		nm := float64(b1*m[i]) + float64(b1c*gi)
		nv := float64(b2*v[i]) + float64(float64(b2c*gi)*gi)
		np := q - float64(stepSize*nm)/(math.Sqrt(nv)/sq2+eps)
		if np-np != 0 || nm-nm != 0 || nv-nv != 0 {
			break
		}
		old[i], p[i], m2[i], v2[i] = p[i], np, nm, nv
	}
	return i
}

// AdamPlain32 is AdamPlain64 in float32.
func AdamPlain32(p, g, m, v, m2, v2, old []float32, c *[10]float32, adamW bool) int {
	n := len(p)
	g, m, v, m2, v2, old = g[:n], m[:n], v[:n], m2[:n], v2[:n], old[:n]
	decay, wd, b1, b1c, b2, b2c, stepSize, sq2, eps, big := c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9]
	i := adam32asm(p, g, m, v, m2, v2, old, c, adamW)
	for ; i < n; i++ {
		q, gi := p[i], g[i]
		if adamW {
			q *= decay
		} else {
			gi += float32(wd * q)
		}
		if !(v[i] >= 0 && float32(math.Abs(float64(gi))) <= big) {
			break
		}
		nm := float32(b1*m[i]) + float32(b1c*gi)
		nv := float32(b2*v[i]) + float32(float32(b2c*gi)*gi)
		np := q - float32(stepSize*nm)/(float32(math.Sqrt(float64(nv)))/sq2+eps)
		if np-np != 0 || nm-nm != 0 || nv-nv != 0 {
			break
		}
		old[i], p[i], m2[i], v2[i] = p[i], np, nm, nv
	}
	return i
}
