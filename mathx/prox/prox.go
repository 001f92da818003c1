package prox

import (
	"fmt"
	"math"
)

// Func is a closed function with an exact proximal operator.
//
// Prox writes prox_{t·f}(x) = argmin_u f(u) + ‖u − x‖²/(2t) into dst for a
// step t ≥ 0 (t = 0 gives the projection onto the domain of f for
// indicators and x itself otherwise). dst and x have the same length; dst
// may be x itself (in place) but must not overlap it partially.
//
// Value returns f(x); indicators return 0 inside the set and +Inf outside
// (with a relative tolerance of 1e-12 for equality constraints).
type Func interface {
	Prox(dst, x []float64, t float64)
	Value(x []float64) float64
}

// Conjugater is a Func whose convex conjugate f*(y) = sup_x ⟨x, y⟩ − f(x)
// has a closed form with its own exact prox.
type Conjugater interface {
	Func
	// Conj returns f*.
	Conj() Func
}

// Scale is the function Lambda·F. Its prox is F's prox with step
// Lambda·t. Lambda must be ≥ 0.
type Scale struct {
	F      Func
	Lambda float64
}

// Prox writes prox_{t·Lambda·F}(x) into dst.
func (s Scale) Prox(dst, x []float64, t float64) {
	if s.Lambda < 0 {
		panic(fmt.Sprintf("prox.Scale: negative Lambda %g", s.Lambda))
	}
	s.F.Prox(dst, x, t*s.Lambda)
}

// Value returns Lambda·F(x) (0 when Lambda is 0, even for an indicator).
func (s Scale) Value(x []float64) float64 {
	if s.Lambda == 0 {
		return 0
	}
	return s.Lambda * s.F.Value(x)
}

// ProxConj writes prox_{t·f*}(x) into dst using the Moreau decomposition
// prox_{t f*}(x) = x − t·prox_{f/t}(x/t); it needs only f's prox. For t = 0
// it copies x. dst may be x (a temporary copy is then allocated). Where
// the decomposition cannot be evaluated — x holds ±Inf, or x/t overflows
// or underflows below the normal range — ProxConj uses f.Conj()'s prox
// when f is a Conjugater (exact at any scale, and the limit for ±Inf).
// Otherwise an overflow fills dst with NaN rather than return the ∞ − ∞
// of the formula, and an underflow keeps the formula, whose error is then
// below t times the underflow threshold (2.2e-308·t) per entry.
func ProxConj(f Func, dst, x []float64, t float64) {
	checkLen("prox.ProxConj", dst, x)
	checkStep("prox.ProxConj", t)
	if t == 0 {
		copy(dst, x)
		return
	}
	src := x
	if aliases(dst, x) {
		src = append([]float64(nil), x...)
	}
	overflow, underflow := false, false
	for i, v := range src {
		q := v / t
		overflow = overflow || math.IsInf(q, 0)
		underflow = underflow || v != 0 && math.Abs(q) < 0x1p-1022
		dst[i] = q
	}
	if c, ok := f.(Conjugater); ok && (overflow || underflow) {
		c.Conj().Prox(dst, src, t)
		return
	}
	if overflow {
		for i := range dst {
			dst[i] = math.NaN()
		}
		return
	}
	f.Prox(dst, dst, 1/t)
	for i, v := range src {
		dst[i] = v - t*dst[i]
	}
}

// MoreauEnvelope returns the Moreau envelope
// M_{t f}(x) = min_u f(u) + ‖u − x‖²/(2t) = f(p) + ‖p − x‖²/(2t), p = prox_{t f}(x),
// for t > 0. scratch receives p; it must have len(x) or be nil (then it is
// allocated). An entry where p_i = x_i = ±Inf (operators that pass large
// entries through, as NonNeg or L0 do) adds 0 to the distance, its limit.
func MoreauEnvelope(f Func, x []float64, t float64, scratch []float64) float64 {
	if !(t > 0) {
		panic(fmt.Sprintf("prox.MoreauEnvelope: step %g must be > 0", t))
	}
	if scratch == nil {
		scratch = make([]float64, len(x))
	}
	checkLen("prox.MoreauEnvelope", scratch, x)
	f.Prox(scratch, x, t)
	// ‖p − x‖ scaled as in norm2, so that it neither overflows nor
	// underflows before the division by t.
	var scale, ssq float64 = 0, 1
	for i, v := range x {
		if scratch[i] == v {
			continue
		}
		a := math.Abs(scratch[i] - v)
		if scale < a {
			ssq = 1 + ssq*(scale/a)*(scale/a)
			scale = a
		} else {
			ssq += (a / scale) * (a / scale)
		}
	}
	d := scale * math.Sqrt(ssq)
	return f.Value(scratch) + d*(d/(2*t))
}

func checkLen(name string, dst, x []float64) {
	if len(dst) != len(x) {
		panic(fmt.Sprintf("%s: len(dst) = %d, len(x) = %d", name, len(dst), len(x)))
	}
}

func checkStep(name string, t float64) {
	if !(t >= 0) {
		panic(fmt.Sprintf("%s: step %g must be ≥ 0", name, t))
	}
}

// aliases reports whether a and b share their first element.
func aliases(a, b []float64) bool {
	return len(a) > 0 && len(b) > 0 && &a[0] == &b[0]
}

// indicator returns 0 when ok and +Inf otherwise.
func indicator(ok bool) float64 {
	if ok {
		return 0
	}
	return math.Inf(1)
}
