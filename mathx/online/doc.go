// Package online provides online convex optimisation: online gradient
// descent, follow-the-regularised-leader and (optimistic) online mirror
// descent with Euclidean and entropic mirror maps, and the SEA model that
// interpolates between stochastic and adversarial loss sequences.
//
// # Model
//
// At each round t the learner plays x_t in a convex Domain, then sees the
// convex loss f_t and its gradient g_t = ∇f_t(x_t). The regret against a
// fixed u is R_T(u) = Σ_t f_t(x_t) − f_t(u). Optimistic methods also get a
// hint M_t, a guess of g_t before playing (by default the last gradient);
// their regret scales with Σ‖g_t − M_t‖² instead of Σ‖g_t‖².
//
// Two-step optimistic OMD (Chiang et al. 2012; Rakhlin & Sridharan 2013,
// arXiv 1208.3728) is the algorithm of the SEA paper (Chen, Zhang, Tu,
// Zhao, Zhang 2023, "Optimistic Online Mirror Descent for Bridging
// Stochastic and Adversarial Online Convex Optimization", arXiv
// 2302.04552):
//
//	x_t     = argmin_{x∈X} η_t <M_t, x> + B_ψ(x, x̂_t)
//	x̂_{t+1} = argmin_{x∈X} η_t <g_t, x> + B_ψ(x, x̂_t)
//
// with η_t = D/sqrt(δ + Σ_{s<t}‖g_s − M_s‖²) (self-confident). The paper
// bounds its regret by O(sqrt(σ²_{1:T}) + sqrt(Σ²_{1:T})) for convex smooth
// losses, σ² the cumulative stochastic variance and Σ² the cumulative
// adversarial variation; SEA.Variation returns both for a SEA sequence.
// The update is the standard one above; its step-size constants have not
// been checked against the paper's. Every OMD and OGD run reports a
// certified Bound on its regret computed from the run (see Result.Bound).
//
// # Robust hints
//
// A hint played as given (Settings.HintWeight FullHint, the default and
// the paper's algorithm) helps when it is good and hurts when it is bad:
// with M_t = −g_t the step halves and every played point moves the
// wrong way, so the realised regret can be several times plain OMD's (the
// certified bound only doubles). With HintWeight LearnedHint, FTRL and OMD
// play α_t M_t instead, with α_t ∈ [0, 1] learned online on the losses
// ‖g_s − α M_s‖²_* the regret bound scales with: follow the leader (the
// clipped least-squares weight Σ⟨g_s, M_s⟩/Σ‖M_s‖²) for Euclidean, adaptive
// projected subgradient descent for the sup norm of Entropic. This is the
// "learning to hint" idea of Flaspohler et al. 2021 ("Online Learning with
// Optimism and Delay", arXiv 2106.06885) with two hinters, M_t and 0.
// Then Σ‖g_t − α_t M_t‖²_* ≤ min(Σ‖g_t‖²_*, Σ‖g_t − M_t‖²_*) plus the
// weight learner's regret, and Result.Bound stays certified (the one-step
// lemma holds for any hint fixed before g_t). Exact hints keep nearly all
// their gain; negated hints are switched off (Result.Alpha reports the
// learned weight). Bhaskara, Cutkosky, Kumar, Purohit 2020 ("Online
// Learning with Imperfect Hints", arXiv 2002.04726) study robustness to
// bad directional hints with different algorithms, not implemented here.
// FullHint stays the default because it is the algorithm the SEA paper
// analyses (the SEA regime tests check it); LearnedHint gives up a little
// of an exact hint's gain while α is learned.
//
// # Entry points
//
//	OGD    projected online gradient descent (Zinkevich 2003); η_t = 1/(λt)
//	       for λ-strongly convex losses (Hazan, Agarwal, Kale 2007)
//	FTRL   linearised follow-the-regularised-leader, lazy projection
//	       (Euclidean) or Hedge (Entropic), optionally optimistic
//	OMD    online mirror descent, optionally optimistic
//
// # Peer names
//
// The tests compare with no peer library; they check closed forms (Hedge,
// lazy projection, the Euclidean projection onto the simplex) and certified
// bounds. The literature's names map as follows:
//
//	gomx online                 literature
//	OMD, Mirror: Entropic       Hedge / exponentiated gradient
//	OMD, Optimistic: true       optimistic OMD (OOMD), two-step
//	FTRL, Optimistic: true      optimistic FTRL (OFTRL)
//	Settings.Hint               predictable sequence M_t
//	HintWeight: LearnedHint     learned hint weight (learning to hint)
//	SEA                         SEA model (Sachs et al. 2022)
//
// All algorithms are deterministic; SEA noise is a stateless hash of
// (Seed, t, i), so different learners see the same sequence.
//
// # Bad input
//
// Programmer errors panic with a message naming the function and the
// argument: T or the dimension not positive, X0 or Comparator of the
// wrong length, an unknown HintWeight, the entropic mirror map off the
// simplex, a ball radius or box bounds that are not a finite set, NewSEA's
// parameters not finite, a Domain literal that is unbounded (its
// Diameter is +Inf) given to a learner with the adaptive step. Data problems
// end the run at once with Status Failed and an error naming the round: a
// loss or gradient that is NaN or ±Inf, a point to play that is not
// finite (the learner's state overflowed), a panic in the environment,
// the hint or the callback. The only loop is over the T rounds; the
// context is checked every 256 of them. Projections and linear
// minimisers are exact at any scale (Domain.Project, Domain.Minimize,
// which gives NaN for a NaN cost), and a learned hint weight keeps its value when
// its sums overflow (gradients beyond about 1e154), so finite losses at
// scales up to 1e300 run to the end. SEA.Best sums the centres in units
// of a power of two, so it is exact for centres from 1e-300 to 1e308.
package online
