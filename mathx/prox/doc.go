// Package prox provides exact proximal operators, projections, conjugates
// and Moreau envelopes, including the sparse envelope function (SEF) and
// its weighted group version.
//
// For a closed function f and a step t ≥ 0,
//
//	prox_{t f}(x) = argmin_u f(u) + ‖u − x‖²/(2t),
//
// and the Moreau decomposition x = prox_{t f}(x) + t·prox_{f*/t}(x/t) links
// a prox to that of the conjugate f*(y) = sup_x ⟨x, y⟩ − f(x). For a norm,
// f* is the indicator of the dual-norm unit ball, so the prox is x minus a
// projection (soft threshold = x − clip(x, −t, t)). The Moreau envelope
// M_{t f}(x) = f(p) + ‖p − x‖²/(2t), p = prox_{t f}(x), is a smooth
// approximation of f with gradient (x − p)/t.
//
// Every operator is a Func (Prox(dst, x, t) and Value(x)); norms and balls
// that have a closed-form conjugate are Conjugaters. dst may be x (in
// place). Operators on vectors are also plain functions (SoftThreshold,
// ProjSimplex, ProjL1Ball, ProjL0Ball, HardThreshold, TV1D, ...). All are
// allocation-free except SEF, WGSEF, GroupL0Ball and GroupL2Ball (O(n)
// bookkeeping), ProjL0Ball in place, and the nuclear-norm operators (SVD;
// Nuclear and SpectralBall view a vector as a row-major matrix).
//
// Sparse envelope: SEF_K(x) = (½‖·‖² + δ(‖·‖₀ ≤ K))**(x) = ½‖x‖²₍K₎, the
// half squared K-support norm (Argyriou, Foygel & Srebro 2012, arXiv
// 1204.5043; Beck & Refael, "Sparse regularization via bidualization",
// J. Global Optim. 2022). Its prox is computed exactly through the
// conjugate ½·(top-K sum of y²) and a weighted isotonic regression. WGSEF
// (Refael, Arbel & Huleihel, arXiv 2212.12921) is implemented as SEF_K of
// the weighted group norms sqrt(W_g)‖x_g‖; that definition and its prox
// (derived here from the optimality conditions and tested against an
// independent minimisation) have not been checked against the paper.
//
// Other sources: Parikh & Boyd, "Proximal Algorithms" (2014); Beck,
// "First-Order Methods in Optimization" (2017); Condat, "A direct
// algorithm for 1D total variation denoising" (IEEE SPL 2013) for TV1D;
// Michelot (1986) and Condat (2016) for the simplex; TEDDY (Seo et al.,
// ICLR 2024, arXiv 2402.01261) for the ℓ0-ball projection.
//
// Names beside pyproximal (the Python peer; one class per operator with a
// prox(x, tau) method — class names only, their scalings differ in places)
// and proxTV:
//
//	gomx prox                pyproximal / proxTV
//	L1{}.Prox(dst, x, t)     L1().prox(x, t)
//	L2Norm                   Euclidean
//	SqL2                     L2 (½‖x‖²)
//	ElasticNet{L1, L2}       ElasticNet
//	GroupL2{Groups, Weights} L21 (explicit, possibly unequal groups here)
//	LInf                     (Moreau of L1Ball)
//	Box{Lo, Hi}              Box
//	Simplex{Z}               Simplex
//	L1Ball{R}                L1Ball
//	L0{}, HardThreshold      L0
//	L0Ball{K}                L0Ball
//	ProxNuclear, Nuclear     Nuclear
//	TV1D(dst, x, λ)          proxTV.tv1_1d(x, λ)
//	ProxConj(f, ...)         proxdual
//
// Any type with these two methods is a Func, including a type defined in
// an interpreted cell: pass it directly as an argument
// (MoreauEnvelope(myFunc{}, ...)), but assign it to a prox.Func variable
// before putting it in a struct field (var f prox.Func = myFunc{};
// Scale{F: f}) — yaegi cannot store an interpreted struct in a compiled
// interface field directly.
//
// Tie rules: HardThreshold keeps |x_i| > t strictly; ProjL0Ball keeps the K
// largest |x_i| and breaks ties by the lower index.
//
// Bad input. Programmer errors panic with a message naming the function
// and the argument: mismatched lengths, a negative or NaN step or radius,
// lo_i > hi_i or a NaN bound in ProjBox, group indices out of range or
// shared by two groups where disjoint groups are required
// (GroupSoftThreshold, GroupL2Ball). Non-finite data never panics and
// never hangs: separable operators (SoftThreshold, HardThreshold, ProjBox)
// map a NaN entry to NaN in place (SoftThreshold with t = +Inf gives 0 for
// ±Inf, the limit); operators that couple the entries (ProjSimplex,
// ProjL1Ball, TV1D, LInf, L2Norm, L2Ball) make every entry NaN when x
// holds a NaN, and return the limit for ±Inf entries as documented on
// each, so a NaN in the output always means a NaN in the input. The matrix
// operators ProxNuclear and ProjSpectralBall return an error naming the
// entry for a NaN or ±Inf (an SVD is not defined there), and the Funcs
// Nuclear and SpectralBall then give NaN; ProxConj and MoreauEnvelope
// stay exact where x/t or ‖p − x‖² would overflow or underflow, as
// documented on each.
package prox
