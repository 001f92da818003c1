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

// Diameter returns the Euclidean diameter of the domain in R^d.
func (D Domain) Diameter(d int) float64 {
	switch D.Kind {
	case BallDomain:
		return 2 * D.Radius
	case BoxDomain:
		return (D.Hi - D.Lo) * math.Sqrt(float64(d))
	default:
		if d == 1 {
			return 0
		}
		return math.Sqrt2
	}
}

// Center writes the domain's centre (0, the box's midpoint, or the
// uniform distribution) into x.
func (D Domain) Center(x []float64) {
	for i := range x {
		switch D.Kind {
		case BallDomain:
			x[i] = 0
		case BoxDomain:
			x[i] = D.Lo/2 + D.Hi/2 // no overflow near ±MaxFloat64
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
