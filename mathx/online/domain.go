package online

import (
	"fmt"
	"math"

	"github.com/gomx-dev/gomx/mathx/prox"
)

// DomainKind names the shape of a Domain.
type DomainKind int

const (
	// BallDomain is the Euclidean ball {‖x‖₂ ≤ Radius}.
	BallDomain DomainKind = iota
	// BoxDomain is the box [Lo, Hi]^d.
	BoxDomain
	// SimplexDomain is the probability simplex {x ≥ 0, Σx = 1}.
	SimplexDomain
)

// Domain is the convex set the learner plays in.
type Domain struct {
	// Kind is the shape.
	Kind DomainKind
	// Radius of a ball.
	Radius float64
	// Lo and Hi bound every coordinate of a box.
	Lo, Hi float64
}

// Ball returns the Euclidean ball of radius r > 0 centred at 0. It panics
// unless r is finite and > 0 (the learners' steps need a finite
// diameter).
func Ball(r float64) Domain {
	if !(r > 0) || math.IsInf(r, 1) {
		panic(fmt.Sprintf("online.Ball: radius %v, want finite and > 0", r))
	}
	return Domain{Kind: BallDomain, Radius: r}
}

// Box returns [lo, hi]^d, lo < hi. It panics unless lo < hi and both are
// finite.
func Box(lo, hi float64) Domain {
	if !(lo < hi) {
		panic(fmt.Sprintf("online.Box: lo %v ≥ hi %v", lo, hi))
	}
	if math.IsInf(lo, 0) || math.IsInf(hi, 0) {
		panic(fmt.Sprintf("online.Box: lo %v, hi %v, want finite bounds", lo, hi))
	}
	return Domain{Kind: BoxDomain, Lo: lo, Hi: hi}
}

// Simplex returns the probability simplex.
func Simplex() Domain { return Domain{Kind: SimplexDomain} }

// Diameter returns the Euclidean diameter of the domain in R^d: 2·Radius
// for a ball, (Hi − Lo)·√d for a box, √2 for the simplex (0 for d = 1),
// and 0 for d = 0. It is +Inf for an unbounded domain (a box with an
// infinite bound or a ball of infinite radius, which Box and Ball refuse
// but a Domain literal can hold) and where the diameter exceeds the
// float64 range (Box(-1e308, 1e308), Ball(1e308)); the rounding of
// Hi − Lo to +Inf happens only there. It panics, naming the field, for a
// Domain that is not a set of R^d: d < 0, a NaN, negative radius or
// bound, Lo > Hi, or Lo = Hi = ±Inf.
func (D Domain) Diameter(d int) float64 {
	if d < 0 {
		panic(fmt.Sprintf("online.Domain.Diameter: d = %d < 0", d))
	}
	switch D.Kind {
	case BallDomain:
		if !(D.Radius >= 0) {
			panic(fmt.Sprintf("online.Domain.Diameter: Radius = %v", D.Radius))
		}
		if d == 0 {
			return 0
		}
		return 2 * D.Radius
	case BoxDomain:
		if !(D.Lo <= D.Hi) || D.Lo == D.Hi && math.IsInf(D.Lo, 0) {
			panic(fmt.Sprintf("online.Domain.Diameter: box Lo = %v, Hi = %v", D.Lo, D.Hi))
		}
		if d == 0 || D.Lo == D.Hi {
			return 0
		}
		return (D.Hi - D.Lo) * math.Sqrt(float64(d))
	default:
		if d <= 1 {
			return 0
		}
		return math.Sqrt2
	}
}

// Center writes the domain's centre (0, the box's midpoint, or the
// uniform distribution) into x; for a box with an infinite bound (a
// Domain literal; Box refuses one), the box's point nearest 0.
func (D Domain) Center(x []float64) {
	for i := range x {
		switch D.Kind {
		case BallDomain:
			x[i] = 0
		case BoxDomain:
			x[i] = D.Lo/2 + D.Hi/2 // no overflow near ±MaxFloat64
			if math.IsInf(D.Lo, 0) || math.IsInf(D.Hi, 0) {
				x[i] = math.Min(math.Max(0, D.Lo), D.Hi) // unbounded: the point nearest 0
			}
		default:
			x[i] = 1 / float64(len(x))
		}
	}
}

// Project replaces x by its Euclidean projection onto the domain, at any
// scale of x: the ball and the simplex are prox.L2Ball (whose norm is
// computed scaled, so entries near 1e300 do not overflow) and
// prox.ProjSimplex (of a copy kept in scratch, len(x) or more; it keeps
// the mass when the entries dwarf it). Allocation-free; non-finite
// entries follow prox's rule (a NaN makes every entry NaN).
func (D Domain) Project(x, scratch []float64) {
	switch D.Kind {
	case BallDomain:
		prox.L2Ball{R: D.Radius}.Prox(x, x, 0)
	case BoxDomain:
		for i, v := range x {
			x[i] = math.Min(math.Max(v, D.Lo), D.Hi)
		}
	default:
		u := scratch[:len(x)]
		copy(u, x)
		prox.ProjSimplex(x, u, 1)
	}
}

// Minimize writes into x the minimiser over the domain of <c, x> (a
// vertex or boundary point; ties go to the lowest index on the simplex).
// It is exact at any scale of c; a NaN in c makes every entry of x NaN,
// and ±Inf entries of c act as the largest (on the ball they share the
// radius, as in the limit).
func (D Domain) Minimize(c, x []float64) {
	for _, v := range c {
		if v != v {
			for i := range x {
				x[i] = math.NaN()
			}
			return
		}
	}
	switch D.Kind {
	case BallDomain:
		n := prox.L2Norm{}.Value(c) // scaled: no overflow or underflow
		if !(n <= math.MaxFloat64) {
			// ±Inf entries (n is +Inf, or NaN for two of them): the ball's
			// projection of −c is the limit.
			for i, v := range c {
				x[i] = -v
			}
			prox.L2Ball{R: D.Radius}.Prox(x, x, 0)
			return
		}
		for i, v := range c {
			x[i] = 0
			if n > 0 {
				x[i] = -D.Radius * (v / n)
			}
		}
	case BoxDomain:
		for i, v := range c {
			x[i] = D.Hi
			if v > 0 {
				x[i] = D.Lo
			}
		}
	default:
		best := 0
		for i, v := range c {
			if v < c[best] {
				best = i
			}
			x[i] = 0
		}
		x[best] = 1
	}
}
