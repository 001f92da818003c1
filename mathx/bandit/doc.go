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
// many seeds in parallel and returns mean, median and quantile bands, pulls
// per arm and wall times; Grid does so for environments × policies.
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
//	LinUCB            <θ̂,x> + β_t‖x‖_{V⁻¹}, Sherman–Morrison V⁻¹          Abbasi-Yadkori, Pál, Szepesvári 2011 (OFUL); Li et al. 2010 (arXiv 1003.0146)
//	LinTS             draw θ̃ ~ N(θ̂, v²V⁻¹)                               Agrawal, Goyal 2013 (arXiv 1209.3352)
//	PhasedElimination G-optimal design per phase, eliminate by 2ε_l       Lattimore, Szepesvári 2020 ch. 22; Lattimore, Szepesvári, Weisz 2020 (arXiv 1911.07676)
//	SparseETC         uniform exploration, Lasso, commit                  Hao, Lattimore, Wang 2020 (arXiv 2011.04020)
//
// # Sparse misspecified linear bandits
//
// NewSparseLinear builds the setting of Dong & Yang, "Does Sparsity Help
// in Learning Misspecified Linear Bandits?" (ICML 2023, arXiv 2303.16998):
// rewards <θ, x> + ε(x) + noise with ‖θ‖₀ ≤ s and |ε(x)| ≤ ε. The paper
// shows O(ε)-optimal actions are reachable with O(ε^{-s} d^s) queries;
// its algorithm is not implemented. The two baselines are:
// PhasedElimination, whose recommendation is O(ε sqrt(d))-optimal under
// misspecification, and SparseETC, which is O(ε sqrt(s))-optimal once the
// Lasso finds the support. GOptimalDesign and Lasso are exported for use
// on their own.
//
// # Theory curves
//
// UCB1Bound is UCB1's bound Σ_{Δ>0} 8 ln T/Δ + (1+π²/3)ΣΔ; LaiRobbins is
// the constant c of the asymptotic lower bound c·ln T for Bernoulli arms;
// EXP3Bound is sqrt(2TK ln K), the bound on EXP3's expected regret with
// η = EXP3Rate(K, T) against any oblivious sequence (Lattimore &
// Szepesvári, Thm 11.2). The tests hold the simulated medians to them.
//
// # Peer names
//
// SMPyBandits (Python) is the closest peer library; the tests check
// closed-form bounds rather than its outputs. Names map as follows
// (checked against SMPyBandits' source: Arms/, Policies/UCBalpha.py,
// klUCB.py, Exp3.py, EpsilonGreedy.py, Evaluator.py):
//
//	gomx bandit            SMPyBandits
//	NewBernoulli           Arms.Bernoulli
//	NewGaussian            Arms.Gaussian
//	NewEpsGreedy           Policies.EpsilonDecreasing (its ε decays differently)
//	NewUCB1                Policies.UCBalpha(alpha=4): μ̂ + sqrt(α ln t/(2N))
//	NewUCBV                Policies.UCBV
//	NewKLUCB(k, 0)         Policies.klUCB(c=1, klucb=klucbBern): its c
//	                       multiplies ln t, ours is the ln ln t constant
//	NewThompsonBeta        Policies.Thompson (Beta posterior)
//	NewThompsonGaussian    Policies.Thompson (posterior=Gauss)
//	NewEXP3                Policies.Exp3WithHorizon
//	NewEXP3IX              (no counterpart found)
//	Simulate, Grid         Environment.Evaluator (plotRegrets)
//
// # Randomness and concurrency
//
// Every random number comes from a math/rand/v2 PCG: the environment's
// noise from Settings.Seed, a policy's draws from the seed it was made
// with. Simulate's run i uses seed Settings.Seed+i for both, so its curves
// are bit-identical whatever GOMAXPROCS or Settings.Workers. Environments
// are read-only after construction and may be shared; policies are not.
//
// # Bad input
//
// Programmer errors panic with a message naming the function and the
// argument (empty or mismatched inputs, probabilities outside [0, 1],
// negative noise, T < 0). Data problems end Run at once with Status Failed
// and an error naming the round: a reward that is NaN or ±Inf, an arm's
// mean that is not finite (the regret would be undefined), cumulative
// means that overflow, an arm index out of range, or a panic in the
// policy, the environment or the callback — which is how the linear
// policies report a state beyond the range of floats (V = λI + Σ x xᵀ,
// b = Σ r x or θ̂ overflowing, as with features near 1e200). A policy's
// Select never panics: every constructor panics, naming the argument, on
// a NaN parameter or action, or an infinite one (except where its doc
// gives +Inf a meaning, as ε-greedy's c and d), and every Update on an
// arm out of range or a NaN or ±Inf reward, so a policy's state stays
// finite;
// LinUCB and LinTS fall back to an eigendecomposition of V where its
// Cholesky factorisation fails in floating point (features near 1e150),
// PhasedElimination scales the actions by a power of two. The
// only loop is over the T rounds; the context is checked every 1024 of
// them. A run that completes reports Converged with a finite regret
// curve. The helpers without an error return panic, naming the argument,
// where their result would be undefined: a mean outside [0, 1] in
// UCB1Bound and LaiRobbins, k or T below 1 in the EXP3 and UCB1 bounds, a
// NaN or ±Inf in GOptimalDesign's actions or in Lasso's X or y. The
// scalar KLBernoulli and KLUpper return NaN for NaN arguments.
// GOptimalDesign and Lasso rescale their data by powers of two, so they
// hold from 1e-300 to 1e300.
package bandit
