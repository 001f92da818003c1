// Package curvature measures and uses the second-order information of a
// differentiable objective f(x, grad) — the Hessian's extreme eigenvalues,
// its trace and its spectral density — and multiplies by the inverse of
// an empirical Fisher matrix with M-FAC.
//
// # Hessian-vector products
//
// Everything spectral works on an Operator, a symmetric map given by its
// products v ↦ Hv. FiniteDiff builds one for any Func by a central
// difference of gradients, Hv ≈ (∇f(x + hv) − ∇f(x − hv))/(2h), with
// ‖hv‖ = ε^(1/3)·max(1, ‖x‖) (error about ε^(2/3) on a well-scaled f);
// its Check method estimates the asymmetry and the truncation error so a
// bad step is seen, not silently used. Models with exact products
// implement HessVec — LeastSquares and (ℓ2-regularised) Logistic here, in
// mathx/lasso's scaling — and Exact turns them into an Operator; Matrix
// and FuncOperator wrap a known matrix or any product function.
//
// # Spectra
//
//   - Lanczos: k extreme eigenpairs by the Lanczos process with full
//     reorthogonalisation (two passes of classical Gram–Schmidt), stopped
//     on the Ritz residuals ‖Hy − θy‖ = β_j|e_jᵀs|; it restarts inside an
//     invariant subspace so it finds multiple eigenvalues (Golub & Van
//     Loan, Matrix Computations, §10.1; Parlett, The Symmetric Eigenvalue
//     Problem).
//   - Power: power iteration for the eigenvalue of largest magnitude, the
//     baseline of the sharpness literature.
//   - Hutchinson: tr(H) ≈ mean of zᵀHz over Rademacher z, with the
//     standard error of the mean (Hutchinson 1989; Avron & Toledo 2011).
//   - SLQ: the spectral density by stochastic Lanczos quadrature — for
//     each Rademacher probe, Lanczos's tridiagonal T gives Gauss
//     quadrature nodes (its eigenvalues) and weights (squared first
//     components of its eigenvectors); their average, broadened by
//     Gaussians, estimates (1/d)Σδ(t − λ_i), and its moments estimate
//     tr(Hᵖ)/d with a standard error (Ubaru, Chen & Saad, SIAM J. Matrix
//     Anal. Appl. 2017; Ghorbani, Krishnan & Xiao, ICML 2019, arXiv
//     1901.10159; Lin, Saad & Yang, SIAM Review 2016).
//   - Spectrum and Dense: the exact spectrum of small operators with
//     gonum's mat.EigenSym (d products, O(d³)).
//
// All randomness comes from math/rand/v2's PCG seeded with Settings.Seed,
// and nothing runs in parallel, so results are bit-identical for a seed
// whatever GOMAXPROCS.
//
// Names beside PyHessian (Yao, Gholami, Keutzer & Mahoney, arXiv
// 1912.07145), the peer library of Hessian spectra for neural networks:
//
//	gomx curvature                               PyHessian (hessian class)
//	FiniteDiff(f, x, 0) / Exact(model, x)        hessian(model, criterion, data)  (autograd products)
//	Lanczos(op, k, nil).Values                   eigenvalues(top_n=k)  (power iteration with deflation there)
//	Power(op, nil)                               eigenvalues(top_n=1)
//	Hutchinson(op, &Settings{MaxIter: n})        trace(maxIter=n)  (mean of Rademacher vᵀHv)
//	SLQ(op, &Settings{MaxIter: nv, Steps: it})   density(iter=it, n_v=nv)  (returns eigen_list, weight_list)
//	Result.Nodes, Result.Weights                 eigen_list_full, weight_list_full
//	Result.DensityAt(t, σ)                       get_esd_plot's Gaussian broadening (sigma²)
//
// # M-FAC
//
// MFACStatic and MFACDynamic multiply by the inverse of the dampened
// empirical Fisher F̂ = λI + (1/m)Σ g_i g_iᵀ of m gradients, exactly as
// Frantar, Kurtic & Alistarh define it ("M-FAC: Efficient Matrix-Free
// Approximations of Second-Order Information", NeurIPS 2021, arXiv
// 2107.03356): the Sherman–Morrison recursion over the rank-one terms,
// F̂_0⁻¹ = I/λ, F̂_i⁻¹ = F̂_{i−1}⁻¹ − v_i v_iᵀ/(m + g_iᵀv_i),
// v_i = F̂_{i−1}⁻¹g_i. The static algorithm stores the v_i (O(dm²) set-up,
// O(dm) per product, O(m) per element of F̂⁻¹, the diagonal for OBS
// pruning scores); the dynamic one stores the gradients, their Gram
// matrix and two m×m coefficient matrices, so a product costs
// O(dm + m²) and adding or removing a gradient of the sliding window
// O(dm + m³). Names beside the authors' PyTorch code (IST-DASLab/M-FAC):
//
//	gomx curvature                         M-FAC (prun.py, optim.py)
//	NewMFACStatic(G, λ).InvMulVec          HInvFastBatch(grads, damp=λ).mul
//	MFACStatic.InvDiag                     HInvFastBatch.diag
//	NewMFACDynamic(d, m, λ); Add(g)        HInvFastUpMulti(zeros(m, d), damp=λ).update(g)
//	MFACDynamic.InvMulVec                  HInvFastUpMulti.mul
//
// As in the authors' code, a window not yet full holds zero gradients and
// still divides by m.
//
// # Optimisers
//
// MFAC is the paper's M-FAC optimiser: each gradient enters an
// MFACDynamic window and the step is η·F̂⁻¹g (with optional momentum and
// weight decay, as in the authors' MFAC class). GradRegNewton is the
// gradient-regularised Newton method with approximate Hessians of
// Semenov, Jaggi & Doikov ("Gradient-Normalized Smoothness for
// Optimization with Approximate Hessians", arXiv 2506.13710, ICLR 2026):
// x⁺ = x − (H̃ + λI)⁻¹∇f(x), λ = ‖∇f(x)‖/γ, γ doubled after a step with
// f(x) − f(x⁺) ≥ ‖∇f(x⁺)‖²/(8λ) and halved (the step retried) otherwise,
// with H̃ the exact Hessian, a Gauss–Newton or an empirical Fisher matrix
// (EmpiricalFisher). Only the paper's abstract could be read here, not
// its text: the method is implemented from the statement of
// Algorithm 1 checked against the authors' code (epfml/grad-norm-smooth,
// grad_norm_smooth), whose departures are listed on GradRegNewton; the
// paper's own statement, its constants and its variants (other norms B,
// other adaptive searches) were not checked.
//
// # Sharpness and stability
//
// MeasureSharpness returns λmax, tr(H) and ‖H‖_F (the last two from one
// set of Rademacher probes, with standard errors) and a Recorder keeps
// them along a training run from its callback, to compare with 2/η:
// gradient descent is linearly stable at a minimum only if λmax ≤ 2/η,
// while for SGD Wu & Su (ICML 2023, arXiv 2305.17490; only the abstract
// could be read here) show tr(H) ≤ 2/η at a linearly stable global
// minimum; the earlier analysis of Wu, Ma & E (NeurIPS 2018) is in terms
// of ‖H‖_F. The batch-size dependence of these bounds is not encoded
// here: the package measures, the caller compares.
//
// # The notebook
//
// notebooks/07-curvature measures the papers' claims with this package and
// mathx/nn: a classifier's spectrum (a bulk and one outlier per class on
// the wider network), λmax rising to 2/η along gradient descent, tr H ≤ 2/η
// at the minima SGD with batch 1 reaches while GD's only have λmax ≤ 2/η,
// M-FAC's products against the dense inverse and the M-FAC optimiser
// against Adam (ahead of gradient descent, behind tuned Adam there).
// notebook07_test.go checks each claim with its thresholds.
//
// # Bad input
//
// Programmer errors panic with a message naming the function and the
// argument: a nil operator, model matrix or function, k outside 1…d,
// mismatched lengths, negative or NaN Settings fields, an unknown Which,
// a damp that is not > 0, logistic labels other than ±1. Data problems
// return errors: FiniteDiff for non-finite x, f(x) or ∇f(x) or a step lost
// in rounding; the spectral routines stop with Status Failed when a
// product holds NaN or ±Inf; M-FAC refuses gradients holding NaN or ±Inf,
// and gradients so large for the dampening that the products would hold
// no correct digit (the bound 1 + Σ‖g‖²/(m·damp) on F̂'s condition number
// above 1/ε; the products' relative error is about ε times it), the
// dynamic window then unchanged. Operators with entries near 1e±300 give
// residuals, traces, standard errors and ‖H‖_F without overflow or
// underflow (scaled sums). Every loop honours MaxIter and the context
// (checked after every product). The property tests (property_test.go)
// check this contract of issue 18 on every exported routine.
package curvature
