// Package nn trains small multilayer perceptrons on a CPU in seconds: dense
// layers with optional fixed sparsity masks, hand-written backward passes
// on SIMD kernels (in float64, or float32 with Settings.Compute),
// SGD/Adam/AdamW with an optional ⊥Grad step, random (uniform or ERK)
// masks and magnitude pruning, interpolation barriers and model soups,
// and the data sets of the papers on training dynamics it exists to
// reproduce.
//
// # The model
//
// An MLP with widths n₀, n₁, …, n_L computes, for a batch X (B×n₀),
//
//	A₀ = X,   Z_l = A_{l−1}·W_lᵀ + b_l,   A_l = act_l(Z_l)
//
// with W_l of shape n_l×n_{l−1} (row-major, PyTorch's Linear.weight), the
// hidden activation (ReLU, GELU, tanh or identity) on every layer but the
// last, whose outputs are the logits. All parameters live in one flat
// []float64, MLP.Params (layer by layer: W then b), with per-layer views
// in MLP.Layers; Objective.Loss(params, grad) is the mean loss over a data
// set as a function of that vector, so gonum's optimize, mathx/curvature
// and prox can work on it. A layer's Mask holds its weights at exactly
// zero where it is off, through training, pruning and averaging.
//
// # Losses and precision
//
//   - SoftmaxCE: −log softmax(z)_c.
//   - StableMaxCE: −log(s(z_c)/Σⱼ s(z_j)) with s(x) = x+1 for x ≥ 0 and
//     1/(1−x) for x < 0 (Prieto et al. 2025, "Grokking at the Edge of
//     Numerical Stability", arXiv 2501.04697, and their code's
//     stablemax_cross_entropy, whose 1e-30 in 1/(1−x+ε) is left out).
//   - SquaredError: the mean of (z_k − t_k)² over samples and outputs.
//
// Settings.Precision (the authors' softmax_precision) chooses the format
// the loss and its gradient with respect to the logits are computed in;
// the layers' own precision is Settings.Compute (below). In Float32
// every operation is rounded to float32, so softmax collapse happens as
// it does on a GPU: once the correct logit leads the others by about 17,
// Σⱼe^{z_j−z_max} rounds to 1 and the sample's loss is exactly 0
// (Metrics.ZeroLoss, the authors' softmax-collapse measure); the
// gradient of its correct logit is exactly 0, and once it leads by about
// 104 the others' exponentials underflow and the sample's whole gradient
// is exactly zero (Metrics.ZeroGrad). Float64 only moves these
// thresholds (to about 37 and 745).
//
// Settings.Compute chooses the precision Train computes the network in:
// Float64 (the default) trains MLP.Params in place; Float32 trains a
// float32 copy of them (forward and backward products on float32
// kernels, float32 activations, gradients and optimiser state, as a
// PyTorch model converted with .to(torch.float32)) and writes it back
// into MLP.Params, whose values are then float32 numbers.
//
// # Speed
//
// The dense products run on hand-written SIMD kernels
// (mathx/internal/kernels, with a bit-identical portable version), and
// the optimiser's step is one pass over the parameters (the finiteness
// check fused into it). bench/nn compares Train with PyTorch on the CPU
// at equal thread counts and precision (make bench-nn; the README has
// the figures).
//
// # Optimisers
//
// SGD (momentum, L2 weight decay), Adam (L2 weight decay) and AdamW
// (decoupled weight decay) follow torch.optim's update rules and default
// hyperparameters (but AdamW's weight decay defaults to 0 here). ⊥Grad
// (OptimizerSettings.OrthoGrad) replaces the gradient g of each parameter
// tensor θ (each W, each b) by g⊥ = g − (θᵀg/θᵀθ)θ rescaled to ‖g‖
// before the update, as the authors' OrthoGrad wrapper does.
//
// # Masks and pruning
//
// UniformDensities and ERKDensities (RigL's Erdős–Rényi-Kernel rule,
// Evci et al. 2020, arXiv 1911.11134: density ∝ (n_in+n_out)/(n_in·n_out),
// layers that would exceed 1 made dense) give layer-wise densities;
// RandomMasks draws masks with them (Liu et al. 2022, "The Unreasonable
// Effectiveness of Random Pruning", arXiv 2202.02643). PruneGlobal and
// PruneLayerwise mask by weight magnitude, one shot; PruneIterative is
// iterative magnitude pruning with rewinding (train, prune globally,
// rewind the kept weights and the optimiser to step k, retrain; Frankle
// & Carbin 2019, Frankle et al. 2020). RandomSearch samples layer-wise
// densities (and hidden widths) under a weight budget, trains each
// candidate with the same step budget and ranks them on held-out data,
// beside ERK and uniform masks at the same budget (Farahani 2024, "Random
// Search as a Baseline for Sparse Neural Network Architecture Search",
// arXiv 2403.08265).
//
// # Model operations
//
// Interpolate and Barrier measure the loss barrier
// B = max_α L(αθ_A+(1−α)θ_B) − [αL(θ_A)+(1−α)L(θ_B)] along the straight
// line between two networks (linear mode connectivity, Frankle et al.
// 2020, arXiv 1912.05671), and the same for the error; Spawn is Frankle
// et al.'s experiment: a parent trained for k steps is copied, optimiser
// state included, and the two children are trained on with different data
// orders, to measure the barrier between them. UniformSoup and
// GreedySoup average networks that share a mask (Wortsman et al. 2022,
// arXiv 2203.05482; Zimmer et al., "Sparse Model Soups", arXiv
// 2306.16788); the soup keeps the mask.
//
// # Data
//
// ModularAddition is the grokking task (a+b) mod p with one-hot a and b
// concatenated and a random train fraction, as in the authors' code;
// GaussianMixture has k classes; OpposingSignals is a two-feature set in
// which a few outliers carry a large feature opposite to everyone else's;
// LoadIDX reads MNIST-format files a user has.
//
// # Peers
//
// PyTorch's names map as
//
//	PyTorch                                  nn
//	nn.Linear(in, out).weight, .bias         Layer.W (Out×In), Layer.B
//	F.cross_entropy                          SoftmaxCE
//	F.mse_loss                               SquaredError
//	torch.optim.SGD/Adam/AdamW               OptimizerSettings{Kind: SGD/Adam/AdamW}
//	lr, momentum, weight_decay, betas, eps   LR, Momentum, WeightDecay, Beta1/Beta2, Eps
//	authors' softmax_precision 32/64         Precision Float32/Float64
//	model.to(torch.float32)                  Settings.Compute Float32
//	authors' OrthoGrad(base optimizer)       OptimizerSettings.OrthoGrad
//	authors' stablemax_cross_entropy         StableMaxCE
//
// # What was and was not checked against the papers
//
// StableMax, the float32 softmax cross-entropy, ⊥Grad, the modular
// addition data and the MLP without biases follow the code of the
// Grokking paper's authors (github.com/LucasPrietoAl/
// grokking-at-the-edge-of-numerical-stability), and ERKDensities RigL's
// get_sparsities_erdos_renyi (github.com/google-research/rigl,
// rigl/sparse_utils.py), both read for this package; RigL counts kept
// weights as n − ⌊(1−d)·n⌋, this package as round(d·n). The papers' own
// text (arXiv PDFs) could not be read here beyond abstracts and excerpts:
// the greedy soup follows Wortsman et al.'s description as Sparse Model
// Soups summarise it, the barrier the definition in issue 19, and
// OpposingSignals is a construction in the spirit of Rosenfeld & Risteski
// ("Outliers with Opposing Signals Have an Outsized Effect on Neural
// Network Optimization", arXiv 2311.04163), not their exact data. Of
// the Random Search paper only the abstract and the first lines of its
// introduction could be read: it searches the node space of an
// overparameterised parent (which units to keep) and finds the networks
// it selects neither better nor faster to train than random sparse ones
// at the same sparsity. Its sampling distribution, sparsity levels,
// budgets and networks could not be read; RandomSearch samples instead
// what issue 19 asks for, layer-wise densities (uniform raw weights,
// scaled to the budget as ERK is) and optionally widths (uniform in
// [⌈w/4⌉, w]), and its comparison is with ERK and uniform masks.
//
// # Determinism and bad input
//
// Randomness comes only from PCGs seeded by the caller; training gives
// bit-identical results for a seed whatever GOMAXPROCS (the kernels
// split their work by output tiles, each entry summed in a fixed order).
// Programmer errors (widths, shapes, labels out of range, densities
// outside (0, 1]) panic with a message naming the function and the
// argument; NaN or ±Inf in the data ends Train with Status Failed and an
// error naming the entry before the first step, and a non-finite loss or
// gradient, or an update that would make a parameter non-finite, at the
// step where it happens, the parameters and the optimiser's state as
// before that step (Optimizer.Step returns that error itself). A sample
// with a NaN logit is never counted accurate; softmax, StableMax, their
// losses, ⊥Grad, Adam and the soups are computed so that values up to
// ±math.MaxFloat64 give the right result.
package nn
