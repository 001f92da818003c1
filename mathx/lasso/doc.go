// Package lasso solves ℓ1-regularised regression — the lasso, the elastic
// net and ℓ1-logistic regression — by proximal gradient (ISTA, FISTA) and
// coordinate descent with cyclic, random and greedy (Gauss–Southwell)
// selection, all stopped on one relative duality gap, and composite
// problems with any mathx/prox penalty by proximal gradient.
//
// The objective, in scikit-learn's scaling, for A n×d:
//
//	P(x) = (1/2n)‖Ax − b‖² + λ‖x‖₁ + (L2/2)‖x‖²            (Squared)
//	P(x) = (1/n)Σ log(1 + exp(−b_i a_iᵀx)) + λ‖x‖₁ + (L2/2)‖x‖²   (Logistic, b_i = ±1)
//
// Its Fenchel dual is D(u) = −F*(−u) − G*(Aᵀu) with F the loss and G the
// penalty. Every solver builds u from the current residual (r/n for the
// squared loss), rescales it into the dual-feasible set when L2 = 0, and
// stops when (P − D)/P ≤ Settings.Tol. For the lasso the dual point is
// u = λθ with θ = r/max(nλ, ‖Aᵀr‖∞), r = b − Ax, so that
// D = (‖b‖² − ‖b − nλθ‖²)/(2n); Gap returns P and D and RelGap the
// relative gap (P − D)/P, so a solution from any solver (scikit-learn's
// in bench/lasso) is measured at the same accuracy. λ_max = ‖Aᵀb‖∞/n is the smallest λ with x = 0.
//
// Algorithms: ISTA / FISTA (Beck & Teboulle, SIAM J. Imaging Sci. 2009)
// with backtracking and the adaptive restart of O'Donoghue & Candès
// (arXiv 1204.3982); coordinate descent (Friedman, Hastie & Tibshirani
// 2010, the algorithm of scikit-learn and glmnet); Gauss–Southwell and
// Gauss–Southwell–Lipschitz selection (Nutini, Schmidt, Laradji, Friedlander
// & Koepke, ICML 2015, arXiv 1506.00552; Nutini, Laradji & Schmidt, "Let's
// Make Block Coordinate Descent Converge Faster", JMLR 2022, arXiv
// 1712.08859), here the GS-s rule for the non-smooth ℓ1 term.
//
// Names beside scikit-learn (the peer, sklearn.linear_model):
//
//	gomx lasso                                   scikit-learn
//	Problem{A, B, Lambda: α}                     Lasso(alpha=α, fit_intercept=False)
//	Problem{Lambda: α·ρ, L2: α·(1−ρ)}             ElasticNet(alpha=α, l1_ratio=ρ)
//	Problem{Loss: Logistic, Lambda: λ}           LogisticRegression(penalty="l1", C=1/(nλ), fit_intercept=False)
//	CD(p, &Settings{Rule: Cyclic})               selection="cyclic" (default)
//	CD(p, &Settings{Rule: Random, Seed: s})      selection="random", random_state
//	Settings.Tol on the relative gap (P−D)/P     tol on the gap scaled by ‖b‖²/n
//	Settings.MaxIter (epochs for CD)             max_iter
//	Result.X, Result.Iterations                  coef_, n_iter_
//
// Composite problems loss(Ax; b) + G(x) with any prox.Func G (group lasso,
// total variation, SEF, the ℓ0 ball of iterative hard thresholding and
// TEDDY, or a user type) are solved by ProxGradient and AccelProxGradient,
// which stop on the gradient-mapping norm instead of a duality gap.
//
// No intercept is fitted: centre A and b first if one is wanted.
//
// # Bad input
//
// Programmer errors panic with a message naming the function and the
// argument: a nil problem, matrix or penalty, len(b) different from A's
// rows, Lambda or L2 negative, NaN or +Inf (or both 0 where a penalty is
// needed), logistic labels other than ±1, len(X0) different from A's
// columns, an unknown Rule or Loss, MaxIter or CheckEvery negative, Tol
// not > 0. Data problems return promptly with Status Failed, an error
// saying what and where, and the last finite X: NaN or ±Inf in A, b or X0
// (named by index, before any iteration), a column whose squared norm
// overflows (CD), a non-finite Lipschitz estimate, objective or gradient
// during the run (the scale of A or b overflows), backtracking without
// sufficient decrease in its 100 trials (ISTA, FISTA and the composite
// solvers). Every loop honours a limit and the context: Settings.MaxIter
// outer iterations (for CD, MaxIter epochs of d coordinate updates,
// working-set sweeps included); inside them, 100 backtracking trials
// (context checked each trial) and 1000 working-set sweeps per CD round
// (context checked each sweep). When Lambda is below the rounding of Aᵀr/n (about
// 1e-16·‖A‖·‖b‖/n), no duality gap can be certified and the run ends
// MaxIterReached near the least-squares solution; it never reports
// Converged on non-finite values. Gap and RelGap, which return no error,
// give NaN for non-finite A, b or x, never a gap of 0.
package lasso
