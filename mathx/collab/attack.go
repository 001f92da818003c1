package collab

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/stat/distuv"
)

// AttackKind names what the Byzantine workers send.
type AttackKind int

const (
	// NoAttack: Byzantine workers follow the protocol (the baseline run).
	NoAttack AttackKind = iota
	// SignFlip: each sends −Scale·μ, μ the mean of the honest vectors
	// (Scale 0 → 1, the usual definition; Scale > n/f − 1 reverses the
	// mean's direction).
	SignFlip
	// Gaussian: each sends μ + Scale·ξ with ξ ~ N(0, I) drawn anew for
	// each sender and round (Scale 0 → 200, the σ of Xie et al. 2018's
	// Gaussian attack).
	Gaussian
	// ALIE, "a little is enough" (Baruch, Baruch & Goldberg 2019, arXiv
	// 1902.06156): all send μ − z·σ, σ the coordinate-wise standard
	// deviation of the honest vectors (divided by their count), with the
	// paper's z = Φ⁻¹((n − s)/n), s = ⌊n/2 + 1⌋ − f, for n workers of which
	// f are Byzantine (Scale > 0 overrides z). With n = 20, f = 2,
	// z ≈ 0.1257; with n = 10, f = 1, z = 0 and ALIE sends μ.
	ALIE
	// IPM, inner-product manipulation (Xie, Koyejo & Gupta 2020, arXiv
	// 1903.03936): all send −ε·μ with ε = Scale (0 → 0.1, the paper's
	// choice against median and Krum).
	IPM
	// Mimic (Karimireddy, He & Jaggi 2022, arXiv 2006.09365): all send a
	// copy of one honest worker's vector, the honest worker Target. The
	// paper picks the worker along the honest vectors' top principal
	// direction with a running estimate; this simpler fixed choice is
	// the variant used here.
	Mimic
	// LabelFlip: Byzantine workers follow the protocol on data whose
	// labels were flipped (see FlipLabels): it is a data transform, so
	// Forge does not produce it; Simulate computes the Byzantine workers'
	// gradients on their own objectives, which the caller builds on
	// flipped data.
	LabelFlip
)

// String returns the constant's name.
func (k AttackKind) String() string {
	switch k {
	case NoAttack:
		return "NoAttack"
	case SignFlip:
		return "SignFlip"
	case Gaussian:
		return "Gaussian"
	case ALIE:
		return "ALIE"
	case IPM:
		return "IPM"
	case Mimic:
		return "Mimic"
	case LabelFlip:
		return "LabelFlip"
	}
	return fmt.Sprintf("AttackKind(%d)", int(k))
}

// Attack is an attack and its parameter; the zero value is NoAttack.
type Attack struct {
	Kind AttackKind
	// Scale is the attack's parameter (see each AttackKind); 0 means its
	// documented default.
	Scale float64
	// Target is Mimic's honest worker (an index into the honest vectors).
	Target int
}

// ALIEZ returns ALIE's z = Φ⁻¹((n − s)/n), s = ⌊n/2 + 1⌋ − f, for n
// workers of which f are Byzantine (0 when (n − s)/n ≤ 1/2 is not above
// one half). It panics unless 0 ≤ f < n.
func ALIEZ(n, f int) float64 {
	if f < 0 || f >= n {
		panic(fmt.Sprintf("collab.ALIEZ: n = %d, f = %d, want 0 ≤ f < n", n, f))
	}
	s := n/2 + 1 - f
	p := float64(n-s) / float64(n)
	if p <= 0.5 {
		return 0
	}
	if p >= 1 {
		p = 1 - 1/float64(2*n)
	}
	return distuv.UnitNormal.Quantile(p)
}

// Forge returns the f vectors the Byzantine workers send, given the
// honest workers' vectors (omniscient attackers, as in the papers), for
// n = len(honest) + f workers. Randomness (Gaussian) comes from a PCG
// seeded with seed, so a seed gives the same vectors. It panics on f < 0,
// no honest vectors, mismatched lengths or a Target out of range; it
// returns an error for LabelFlip (a data transform: see FlipLabels), an
// unknown kind, or a non-finite honest entry.
func (a Attack) Forge(honest [][]float64, f int, seed uint64) ([][]float64, error) {
	if f < 0 {
		panic(fmt.Sprintf("collab.Attack.Forge: f = %d, want ≥ 0", f))
	}
	h, d, err := check("Attack.Forge", honest)
	if a.Kind == Mimic && (a.Target < 0 || a.Target >= h) {
		panic(fmt.Sprintf("collab.Attack.Forge: Mimic Target = %d with %d honest vectors", a.Target, h))
	}
	if err != nil {
		return nil, err
	}
	if a.Kind == LabelFlip {
		return nil, errors.New("collab.Attack.Forge: LabelFlip is a data transform (FlipLabels), not a forged vector")
	}
	mu, _ := Mean(honest)
	out := make([][]float64, f)
	for b := range out {
		out[b] = make([]float64, d)
	}
	switch a.Kind {
	case NoAttack:
		return nil, errors.New("collab.Attack.Forge: NoAttack forges nothing: Byzantine workers follow the protocol")
	case SignFlip, IPM:
		c := a.Scale
		if c == 0 {
			c = 1
			if a.Kind == IPM {
				c = 0.1
			}
		}
		for _, o := range out {
			for j := range o {
				o[j] = -c * mu[j]
			}
		}
	case Gaussian:
		c := a.Scale
		if c == 0 {
			c = 200
		}
		rng := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
		for _, o := range out {
			for j := range o {
				o[j] = mu[j] + c*rng.NormFloat64()
			}
		}
	case ALIE:
		z := a.Scale
		if z == 0 {
			z = ALIEZ(h+f, f)
		}
		sd := make([]float64, d)
		s := maxAbs(honest)
		for _, v := range honest {
			for j, x := range v {
				if s > 0 {
					e := (x - mu[j]) / s
					sd[j] += e * e
				}
			}
		}
		for j := range sd {
			sd[j] = math.Sqrt(sd[j]/float64(h)) * s
		}
		for _, o := range out {
			for j := range o {
				o[j] = mu[j] - z*sd[j]
			}
		}
	case Mimic:
		for _, o := range out {
			copy(o, honest[a.Target])
		}
	default:
		return nil, fmt.Errorf("collab.Attack.Forge: unknown attack %v", a.Kind)
	}
	return out, nil
}
