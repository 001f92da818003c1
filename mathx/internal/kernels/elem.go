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

// ExpShift32 sets d[j] = e^y rounded to float32 for j < len(z), with y =
// (z[j] − m) − ls rounded to float32 at each step (a softmax's
// exponentials: ls = 0 gives e^(z[j]−m)). It computes in float64 with a
// relative error below 1e-13 (y = (n/64)·ln 2 + r, |r| ≤ ln 2/128, e^r by
// its Taylor polynomial of degree 4, 2^(n/64) from a table of the
// correctly rounded values), so that the rounding to float32 is the
// correct one but for values within 1e-13 of a tie between two float32s;
// every operation is rounded on its own (no fused multiply-add), so the
// bits are the same on every CPU and implementation. Below −104 (e^y <
// 2^−150) it gives 0, above 89 +Inf, and y itself when y is NaN. d must
// be at least as long as z.
func ExpShift32(d, z []float32, m, ls float32) {
	d = d[:len(z)]
	for j := expShift32asm(d, z, m, ls); j < len(z); j++ {
		d[j] = exp32((z[j] - m) - ls)
	}
}

// exp32 is ExpShift32's e^y.
func exp32(y float32) float32 {
	const magic = 0x1.8p52 // adding and subtracting it rounds to an integer
	switch {
	case y != y:
		return y
	case y < -104:
		return 0
	case y > 89:
		return float32(math.Inf(1))
	}
	yd := float64(y)
	t := float64(yd*(64/math.Ln2)) + magic
	nf := t - magic
	r := yd - float64(nf*(math.Ln2/64))
	p := 1 + float64(r*float64(1+float64(r*float64(0.5+float64(r*float64(1.0/6+float64(r*(1.0/24))))))))
	n := int(nf)
	// times 2^(n>>6), added to the exponent (it stays normal)
	return float32(math.Float64frombits(math.Float64bits(p*exp2Tab[n&63]) + uint64(n>>6)<<52))
}

// exp2Tab holds 2^(j/64), j = 0…63, correctly rounded.
var exp2Tab = [64]float64{
	0x1.0000000000000p+0, 0x1.02c9a3e778061p+0, 0x1.059b0d3158574p+0, 0x1.0874518759bc8p+0,
	0x1.0b5586cf9890fp+0, 0x1.0e3ec32d3d1a2p+0, 0x1.11301d0125b51p+0, 0x1.1429aaea92de0p+0,
	0x1.172b83c7d517bp+0, 0x1.1a35beb6fcb75p+0, 0x1.1d4873168b9aap+0, 0x1.2063b88628cd6p+0,
	0x1.2387a6e756238p+0, 0x1.26b4565e27cddp+0, 0x1.29e9df51fdee1p+0, 0x1.2d285a6e4030bp+0,
	0x1.306fe0a31b715p+0, 0x1.33c08b26416ffp+0, 0x1.371a7373aa9cbp+0, 0x1.3a7db34e59ff7p+0,
	0x1.3dea64c123422p+0, 0x1.4160a21f72e2ap+0, 0x1.44e086061892dp+0, 0x1.486a2b5c13cd0p+0,
	0x1.4bfdad5362a27p+0, 0x1.4f9b2769d2ca7p+0, 0x1.5342b569d4f82p+0, 0x1.56f4736b527dap+0,
	0x1.5ab07dd485429p+0, 0x1.5e76f15ad2148p+0, 0x1.6247eb03a5585p+0, 0x1.6623882552225p+0,
	0x1.6a09e667f3bcdp+0, 0x1.6dfb23c651a2fp+0, 0x1.71f75e8ec5f74p+0, 0x1.75feb564267c9p+0,
	0x1.7a11473eb0187p+0, 0x1.7e2f336cf4e62p+0, 0x1.82589994cce13p+0, 0x1.868d99b4492edp+0,
	0x1.8ace5422aa0dbp+0, 0x1.8f1ae99157736p+0, 0x1.93737b0cdc5e5p+0, 0x1.97d829fde4e50p+0,
	0x1.9c49182a3f090p+0, 0x1.a0c667b5de565p+0, 0x1.a5503b23e255dp+0, 0x1.a9e6b5579fdbfp+0,
	0x1.ae89f995ad3adp+0, 0x1.b33a2b84f15fbp+0, 0x1.b7f76f2fb5e47p+0, 0x1.bcc1e904bc1d2p+0,
	0x1.c199bdd85529cp+0, 0x1.c67f12e57d14bp+0, 0x1.cb720dcef9069p+0, 0x1.d072d4a07897cp+0,
	0x1.d5818dcfba487p+0, 0x1.da9e603db3285p+0, 0x1.dfc97337b9b5fp+0, 0x1.e502ee78b3ff6p+0,
	0x1.ea4afa2a490dap+0, 0x1.efa1bee615a27p+0, 0x1.f50765b6e4540p+0, 0x1.fa7c1819e90d8p+0,
}
