// Package sae trains sparse autoencoders (SAEs) on CPU: TopK, Mutual Choice
// (BatchTopK), Feature Choice and gradient-TopK (g-SAE) selection, with
// hand-written forward and backward passes on gonum, Adam, and the aux-k
// loss against dead latents.
//
// # The model
//
// For a batch x (B×D) and F latents,
//
//	pre = (x − b_pre)·W_encᵀ + b_enc
//	z   = select(pre)                 (k active latents per row for TopK)
//	x̂   = z·W_decᵀ + b_pre            (W_dec has unit-norm columns)
//	L   = Σ‖x̂ − x‖² / Σ‖x − x̄‖²       (normalised MSE)  + α·L_aux
//
// Only the encoder product is dense: z has k non-zeros per row, so
// decoding and most of the backward pass cost O(B·k·D) instead of
// O(B·F·D). Training follows Gao et al.: tied initialisation
// (W_enc = W_decᵀ), b_pre at the data mean, the decoder gradient's
// component parallel to each column removed before the Adam step and the
// columns renormalised after it. The aux-k loss reconstructs the residual
// e = x − x̂ (a constant for the gradient) from the top AuxK
// pre-activations among latents that have not fired for DeadTokens
// tokens: L_aux = Σ‖e − ê‖² / Σ‖e − ē‖², α = 1/32.
//
// # Selection rules
//
//   - TopK: the k largest pre-activations of each row, ReLU on the kept
//     values (Gao et al. 2024, "Scaling and evaluating sparse
//     autoencoders", arXiv 2406.04093).
//   - MutualChoice: the k·B largest entries of ReLU(pre) over the batch
//     (BatchTopK); FeatureChoice: each latent keeps its m best tokens,
//     m = max(1, k·B/F), or Zipf-shaped capacities (Ayonrinde 2024,
//     "Adaptive Sparse Allocation with Mutual Choice & Feature Choice
//     Sparse Autoencoders", arXiv 2411.02124). Their outputs depend on the
//     batch. The paper's aux_zipf_loss is not implemented; training uses
//     the aux-k loss. The Zipf capacity ranking rule (by total ReLU(pre)
//     in the batch) has not been checked against the paper.
//   - GradientTopK: latents ranked by s = pre + β·pre·|W_decᵀ∇ₓL| with the
//     host model's gradient ∇ₓL, the kept values the ordinary activations
//     (Olmo et al. 2025, "Features that Make a Difference: Leveraging
//     Gradients for Improved Dictionary Learning", arXiv 2411.10397; the
//     paper's pre/post-ReLU choice and normalisation are unverified, this
//     package uses pre-activations). β = 0 is exactly TopK.
//
// Ties go to the lower index (latent for TopK, row-major position for
// Mutual Choice, row for Feature Choice).
//
// # Peers
//
// OpenAI's sparse_autoencoder (model.py) and SAELens; the names map as
//
//	sparse_autoencoder / SAELens     sae
//	encoder.weight (F×d)             Model.WEnc
//	decoder.weight (d×F)             Model.Decoder() (stored as WDecT, F×d)
//	pre_bias, latent_bias            Model.BPre, Model.BEnc
//	TopK(k)                          Selection{Kind: TopK, K: k}
//	BatchTopK                        Selection{Kind: MutualChoice}
//	normalized_mean_squared_error    Pass.NMSE, Metrics.NMSE
//	auxk_loss (auxk, dead_steps)     Settings.AuxK, Settings.DeadTokens
//
// Training is deterministic: a model, data and settings give bit-identical
// results whatever GOMAXPROCS. Everything is float64 and pure Go.
//
// # Bad input
//
// Programmer errors panic with a message naming the function and the
// argument: a batch or gradient whose shape does not match the model,
// no data, GradientTopK without one gradient per batch, a negative K, an
// unknown selection kind, non-positive model sizes, Superposition's p
// outside [0, 1], a NaN or ±Inf in SetPreBias's data (which then leaves
// BPre as it was). Data problems are
// reported without changing the model: Trainer.Step returns an error and
// leaves parameters, Adam moments and firing counters as they were when
// the batch holds NaN or ±Inf (named by position), has no variance (one
// row or identical rows: the NMSE divides by zero), has squared errors
// that overflow or underflow (entries beyond about 1e±150: rescale the
// data) or the loss or a gradient is not finite (divergence); Train then
// ends with Status Failed
// and that error, the model at its last finite state. Train honours
// Settings.MaxIter and checks the context before every step; a step is a
// fixed amount of work. Save refuses a model with a NaN or ±Inf parameter
// and Load a checkpoint holding one (naming it); Load allocates as data
// arrives, so a corrupt header cannot make it allocate gigabytes.
// Recovery is exact for directions at any scale and NaN for a zero or
// non-finite direction.
package sae
