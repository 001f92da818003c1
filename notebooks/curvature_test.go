package notebooks

// The numbers notebook 07-curvature prints and the ranges they must lie
// in: its claims, checked on every run of the notebook (TestRunNotebooks).
// mathx/curvature's notebook07_test.go checks the same claims on the same
// runs without the notebook. Kept in a file of its own so that notebooks
// being written beside it do not edit the same map literal.
func init() {
	expected["07-curvature"] = []expectation{
		// Sagun et al.: about one outlier per class (k ± 1; measured k on
		// the wide networks).
		{`k = 3, width 24 \(d = \d+, loss \S+\): (\d+) eigenvalues above the bulk's edge`, 2, 4},
		{`k = 5, width 24 \(d = \d+, loss \S+\): (\d+) eigenvalues above the bulk's edge`, 4, 6},
		// Cohen et al.: at η = 0.4 λmax hovers at 2/η from step 500 on
		// (measured λmax·η/2 in [0.928, 1.072]); at η = 0.2 it stays below
		// (measured at most 0.707).
		{`η = 0.4: .* over steps 500–1500 λmax·η/2 in \[(\S+),`, 0.85, 1},
		{`η = 0.4: .* over steps 500–1500 λmax·η/2 in \[\S+, (\S+)\]`, 1, 1.15},
		{`η = 0.2: .* over steps 500–1500 λmax·η/2 in \[\S+, (\S+)\]`, 0, 1},
		// Wu & Su: batch 1 keeps tr H ≤ 2/η (measured 0.76 at most); GD
		// keeps λmax ≤ 2/η (0.92) but not the trace (5.40).
		{`largest tr H·η/2 with batch 1: (\S+);`, 0, 1},
		// …and diverges at η = 0.1, 0.2 because no minimum with
		// tr H ≤ 20 is in reach: the trace at initialisation (measured
		// 23.7 ± 2.3) is above.
		{`at initialisation: λmax \S+, tr H (\S+) ±`, 20, 30},
		{`largest λmax·η/2 with GD: (\S+);`, 0, 1},
		{`largest tr H·η/2 with GD: (\S+)`, 2, 1e3},
		// M-FAC's products are the exact inverse (measured 5e-16).
		{`relative error static (\S+),`, 0, 1e-12},
		{`relative error static \S+, dynamic (\S+)`, 0, 1e-12},
	}
}
