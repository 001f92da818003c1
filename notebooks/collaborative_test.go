package notebooks

// The numbers notebook 08-collaborative prints and the ranges they must
// lie in: its claims, checked on every run of the notebook
// (TestRunNotebooks). mathx/collab's notebook08_test.go checks the same
// claims on the same runs without the notebook, with the measured values
// in its comments. Kept in a file of its own so that notebooks being
// written beside it do not edit the same map literal.
func init() {
	expected["08-collaborative"] = []expectation{
		// Blanchard et al.: the mean breaks under Gaussian noise and
		// label flip; sign flip, ALIE and IPM only slow it.
		{`the mean under Gaussian noise: loss ratio at least (\S+),`, 100, 1e300},
		{`accuracy drop at least (\S+) over the four settings`, 0.1, 1},
		{`the mean under label flip \(α = 10\): loss ratio (\S+) at f/n = 0.1`, 1.3, 1e300},
		{`the mean under label flip \(α = 10\): loss ratio \S+ at f/n = 0.1, (\S+) at f/n = 0.3`, 2, 1e300},
		{`the mean under sign flip, ALIE and IPM: largest loss ratio (\S+)`, 0, 1.15},
		// …while every robust method stays near the honest-only run on
		// near-IID data.
		{`every robust method under every attack: largest loss ratio (\S+) \(`, 0, 1.3},
		{`every robust method under every attack: .*largest accuracy drop (\S+)`, -1, 0.02},
		{`fraction of the robust methods' runs within 5 % of the honest-only loss: (\S+)`, 0.5, 1},
		// Krum's variance against Multi-Krum's.
		{`Krum − Multi-Krum (\S+) at f/n = 0.1`, 0.02, 1},
		{`Krum − Multi-Krum \S+ at f/n = 0.1, (\S+) at f/n = 0.3`, 0.02, 1},
		// ALIE and IPM barely register at this scale.
		{`under ALIE largest loss ratio (\S+),`, 0, 1.15},
		{`under ALIE largest loss ratio \S+, largest accuracy drop (\S+);`, -1, 0.02},
		{`under IPM largest loss ratio (\S+),`, 0, 1.1},
		{`under IPM largest loss ratio \S+, largest accuracy drop (\S+)`, -1, 0.02},
		// Heterogeneity costs the robust rules loss, not accuracy; mimic
		// adds at most 30 %.
		{`loss ratios in \[\S+, (\S+)\] at α = 10`, 0, 1.07},
		{`at α = 10 and in \[(\S+), \S+\] at α = 0.1`, 1.1, 1e300},
		{`accuracy drops at α = 0.1 in \[(\S+),`, -0.02, 1},
		{`accuracy drops at α = 0.1 in \[\S+, (\S+)\]`, -1, 0.02},
		{`mimic's loss ratio over the no-attack one: largest (\S+)`, 0, 1.3},
		// NNM does not lower the trimmed mean's worst case here.
		{`NNM − plain (\S+) and`, 0, 1e300},
		{`NNM − plain \S+ and (\S+)`, 0, 1e300},
		// Flag is the most robust rule in no setting.
		{`f/n = 0.1, α = 10: Flag's worst loss ratio \S+, rank (\d+)`, 2, 8},
		{`f/n = 0.3, α = 10: Flag's worst loss ratio \S+, rank (\d+)`, 2, 8},
		{`f/n = 0.1, α = 0.1: Flag's worst loss ratio \S+, rank (\d+)`, 2, 8},
		{`f/n = 0.3, α = 0.1: Flag's worst loss ratio \S+, rank (\d+)`, 2, 8},
		// MoNNA stays within a quarter of its attack-free loss except
		// with heterogeneous data and f/n = 0.3.
		{`f/n = 0.1, α = 10: MoNNA's loss under attack over its attack-free loss, largest (\S+)`, 0, 1.25},
		{`f/n = 0.3, α = 10: MoNNA's loss under attack over its attack-free loss, largest (\S+)`, 0, 1.25},
		{`f/n = 0.1, α = 0.1: MoNNA's loss under attack over its attack-free loss, largest (\S+)`, 0, 1.25},
		{`f/n = 0.3, α = 0.1: MoNNA's loss under attack over its attack-free loss, largest (\S+)`, 1.3, 1e300},
		// Nabli & Oyallon: DADAO needs fewer communications and gradients
		// than gossip GD's best constant step, whose larger steps stall;
		// with noise its floor grows like σ².
		{`steps 1/L … 1/\((\d+)L\) stall`, 16, 16},
		{`gossip GD / DADAO: communications (\S+),`, 2, 1e300},
		{`gossip GD / DADAO: communications \S+, gradients (\S+)`, 4, 1e300},
		{`ratio (\S+) against σ² ratio 100`, 30, 300},
		// Song et al.: sketches reach the loss with at most half the
		// bytes; the one-message inversion recovers the example from the
		// gradient and from a large count sketch, not from a small sketch
		// nor through the private variant's noise.
		{`sketch / full (\S+) \(Gaussian\)`, 0, 0.5},
		{`\(Gaussian\), (\S+) \(count\)`, 0, 0.5},
		{`recovered example: unsketched (\S+),`, 0, 1e-12},
		{`private unsketched (\S+)`, 1, 1e300},
		{`count sketch s = 100d: (\S+);`, 0, 1e-12},
		{`s = d/5: count sketch (\S+),`, 1, 1e300},
		{`s = d/5: count sketch \S+, Gaussian sketch (\S+)`, 1, 1e300},
		{`smallest error over every sketch and size (\S+)`, 1, 1e300},
	}
}
