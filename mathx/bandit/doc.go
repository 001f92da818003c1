// Package bandit provides multi-armed and linear bandit environments,
// policies and a simulator that draws regret curves over many seeds.
//
// # Model
//
// At each round t = 1..T a Policy selects an arm A_t of an Environment
// and sees the reward X_t; the regret after T rounds is
//
//	R_T = max_i Σ_{t≤T} μ_t(i) − Σ_{t≤T} μ_t(A_t),
//
// with μ_t(i) = Environment.Mean(t, i): for stochastic environments this is
// the pseudo-regret T μ* − Σ μ(A_t); for oblivious adversarial ones it is
// the realised regret against the best fixed arm in hindsight. Run plays
// one policy once and keeps R_t for every t; Simulate plays a policy over
// many seeds in parallel and returns mean, median and quantile bands.
//
// # Algorithms
//
//	policy            index / rule                                        source
//	EpsGreedy         explore w.p. min(1, cK/(d²t)), else greedy          Auer, Cesa-Bianchi, Fischer 2002
//	UCB1              μ̂ + sqrt(2 ln t/n)                                  Auer, Cesa-Bianchi, Fischer 2002
//	UCBV              μ̂ + sqrt(2V̂ζ ln t/n) + 3bζ ln t/n                   Audibert, Munos, Szepesvári 2009
//	KLUCB             max{q: n kl(μ̂,q) ≤ ln t + c ln ln t}                Garivier, Cappé 2011 (arXiv 1102.2490)
//	ThompsonBeta      draw Beta(1+S, 1+F)                                 Thompson 1933; Agrawal, Goyal 2012 (arXiv 1111.1797)
//	ThompsonGaussian  draw N(μ̂, σ²/n)                                     Agrawal, Goyal 2013 (arXiv 1209.3353)
//	EXP3              P ∝ exp(−η L̂), L̂ importance-weighted losses        Auer et al. 2002; Lattimore, Szepesvári 2020 §11
//	EXP3-IX           loss estimate ℓ/(P + γ)                             Neu 2015 (arXiv 1506.03271)
//
// Bounds used by the tests: UCB1 regret ≤ Σ_{Δ>0} 8 ln T/Δ + (1+π²/3)ΣΔ;
// EXP3 with η = sqrt(2 ln K/(TK)) has expected regret ≤ sqrt(2TK ln K)
// against any oblivious sequence (Lattimore & Szepesvári, Thm 11.2).
//
// # Peer names
//
// SMPyBandits (Python) is the closest peer library; it is not installed
// here, so the tests check closed-form bounds instead. Names map as
// follows (SMPyBandits names recalled from its documentation, not
// re-checked here):
//
//	gomx bandit            SMPyBandits
//	NewBernoulli           Arms.Bernoulli
//	NewGaussian            Arms.Gaussian
//	NewEpsGreedy           Policies.EpsilonDecreasing
//	NewUCB1                Policies.UCBalpha (alpha = 4, i.e. sqrt(2 ln t/n))
//	NewUCBV                Policies.UCBV
//	NewKLUCB               Policies.klUCB (klucb = klucbBern, c)
//	NewThompsonBeta        Policies.Thompson (posterior = Beta)
//	NewThompsonGaussian    Policies.Thompson (posterior = Gauss)
//	NewEXP3                Policies.Exp3WithHorizon
//	NewEXP3IX              (no counterpart known)
//	Simulate               Environment.Evaluator (plotRegrets)
//
// # Randomness and concurrency
//
// Every random number comes from a math/rand/v2 PCG: the environment's
// noise from Settings.Seed, a policy's draws from the seed it was made
// with. Simulate's run i uses seed Settings.Seed+i for both, so its curves
// are bit-identical whatever GOMAXPROCS or Settings.Workers. Environments
// are read-only after construction and may be shared; policies are not.
package bandit
