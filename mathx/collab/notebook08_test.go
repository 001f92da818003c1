package collab

import (
	"math"
	"sort"
	"sync"
	"testing"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// The claims of notebooks/08-collaborative, each with the notebook's
// settings and the thresholds its cells are checked against
// (notebooks/collaborative_test.go checks the numbers the notebook prints
// from the same runs). Measured values are in each test's comment
// (go test -run TestNotebook08 -v prints them).
//
// The experiment: ℓ2-regularised logistic regression (λ = 1e-3) on
// MakeClassification(3000, 10, 1.5, seed) — the first 2000 examples
// split over n = 20 workers by DirichletSplit(α, seed + 100), the last
// 1000 the test set — trained for 100 rounds (γ = 0.5, momentum 0.9) by
// each method of nb08Methods under each attack of nb08Attacks with
// f = 2 or 6 Byzantine workers (f/n = 0.1, 0.3) and α = 10 or 0.1, for
// data seeds 1, 2 and 3. A run's loss ratio is its final mean honest
// loss over that of the honest-only run (the mean rule on the h = n − f
// honest workers alone, no Byzantine worker); medians over the seeds.

// nb08Method is a row of the notebook's grid: a server rule for
// Simulate, or MoNNA.
type nb08Method struct {
	name  string
	agg   Aggregator
	monna bool
}

var nb08Methods = []nb08Method{
	{"mean", Aggregator{}, false},
	{"coord. median", Aggregator{Rule: RuleMedian}, false},
	{"trimmed mean", Aggregator{Rule: RuleTrimmedMean}, false},
	{"geo. median", Aggregator{Rule: RuleGeoMedian}, false},
	{"Krum", Aggregator{Rule: RuleKrum}, false},
	{"Multi-Krum", Aggregator{Rule: RuleMultiKrum}, false},
	{"centred clip", Aggregator{Rule: RuleCenteredClip}, false},
	{"NNM+trimmed mean", Aggregator{Rule: RuleTrimmedMean, NNM: true}, false},
	{"Flag", Aggregator{Rule: RuleFlag, Tol: 1e-6}, false},
	{"MoNNA", Aggregator{}, true},
}

var nb08Attacks = []Attack{{}, {Kind: SignFlip}, {Kind: Gaussian}, {Kind: ALIE}, {Kind: IPM}, {Kind: Mimic}, {Kind: LabelFlip}}

// nb08Settings: f/n = 0.1 and 0.3 at α = 10 (near IID), then at α = 0.1
// (most workers hold one class).
var nb08Settings = []struct {
	f     int
	alpha float64
}{{2, 10}, {6, 10}, {2, 0.1}, {6, 0.1}}

var nb08Seeds = []uint64{1, 2, 3}

// nb08Accuracy is the fraction of the test examples (rows 2000–2999)
// that x classifies right (aᵀx > 0 for class 1).
func nb08Accuracy(data *Data, x []float64) float64 {
	right := 0
	for i := 2000; i < 3000; i++ {
		var z float64
		for j, a := range data.X.RawRowView(i) {
			z += a * x[j]
		}
		if (z > 0) == (data.Y[i] == 1) {
			right++
		}
	}
	return float64(right) / 1000
}

// nb08Run is one run's final mean honest loss and test accuracy.
type nb08Run struct{ loss, acc float64 }

// nb08Grid holds every run: base[setting][seed] is the honest-only run,
// runs[setting][attack][method][seed] the others.
type nb08Grid struct {
	base [][]nb08Run
	runs [][][][]nb08Run
}

var (
	nb08Once sync.Once
	nb08     *nb08Grid
	nb08Err  error
)

func nb08Compute() (*nb08Grid, error) {
	g := &nb08Grid{base: make([][]nb08Run, len(nb08Settings)), runs: make([][][][]nb08Run, len(nb08Settings))}
	for si, st := range nb08Settings {
		g.base[si] = make([]nb08Run, len(nb08Seeds))
		g.runs[si] = make([][][]nb08Run, len(nb08Attacks))
		for ai := range nb08Attacks {
			g.runs[si][ai] = make([][]nb08Run, len(nb08Methods))
			for mi := range nb08Methods {
				g.runs[si][ai][mi] = make([]nb08Run, len(nb08Seeds))
			}
		}
		for k, seed := range nb08Seeds {
			data := MakeClassification(3000, 10, 1.5, seed)
			parts := DirichletSplit(data.Labels[:2000], 20, st.alpha, seed+100)
			honest := LogisticWorkers(data, parts[:20-st.f], 1e-3, 0)
			b, err := Simulate(honest, make([]float64, 10), &Settings{MaxIter: 100, Step: 0.5, Momentum: 0.9})
			if err != nil {
				return nil, err
			}
			g.base[si][k] = nb08Run{b.Loss, nb08Accuracy(data, b.X)}
			for ai, atk := range nb08Attacks {
				flipped := 0
				if atk.Kind == LabelFlip {
					flipped = st.f
				}
				ws := LogisticWorkers(data, parts, 1e-3, flipped)
				for mi, m := range nb08Methods {
					s := &Settings{MaxIter: 100, Step: 0.5, Momentum: 0.9, Byzantine: st.f, Attack: atk, Aggregator: m.agg, Seed: seed}
					var r *Result
					var err error
					if m.monna {
						r, err = MoNNA(ws, make([]float64, 10), s)
					} else {
						r, err = Simulate(ws, make([]float64, 10), s)
					}
					run := nb08Run{math.Inf(1), 0}
					if err == nil {
						run = nb08Run{r.Loss, nb08Accuracy(data, r.X)}
					}
					g.runs[si][ai][mi][k] = run
				}
			}
		}
	}
	return g, nil
}

func nb08Get(t *testing.T) *nb08Grid {
	t.Helper()
	nb08Once.Do(func() { nb08, nb08Err = nb08Compute() })
	if nb08Err != nil {
		t.Fatal(nb08Err)
	}
	return nb08
}

func nb08Median(x []float64) float64 {
	s := append([]float64(nil), x...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// ratio is the median over seeds of the run's loss over the honest-only
// run's.
func (g *nb08Grid) ratio(si, ai, mi int) float64 {
	r := make([]float64, len(nb08Seeds))
	for k := range r {
		r[k] = g.runs[si][ai][mi][k].loss / g.base[si][k].loss
	}
	return nb08Median(r)
}

// accDrop is the median over seeds of the honest-only run's test
// accuracy minus the run's.
func (g *nb08Grid) accDrop(si, ai, mi int) float64 {
	r := make([]float64, len(nb08Seeds))
	for k := range r {
		r[k] = g.base[si][k].acc - g.runs[si][ai][mi][k].acc
	}
	return nb08Median(r)
}

// The method indices of nb08Methods used by the claims.
const (
	nb08Mean      = 0
	nb08TM        = 2
	nb08Krum      = 4
	nb08MultiKrum = 5
	nb08NNMTM     = 7
	nb08Flag      = 8
	nb08MoNNA     = 9
)

// nb08Robust are the methods other than the mean.
var nb08Robust = []int{1, 2, 3, 4, 5, 6, 7, 8, 9}

// TestNotebook08Mean: Blanchard et al.'s claim that one Byzantine worker
// can move the mean anywhere. Thresholds: under the Gaussian attack
// (σ = 200) the mean's loss ratio ≥ 100 and its accuracy drop ≥ 0.1 in
// all four settings; under label flip at α = 10 its ratio ≥ 1.3 at f/n =
// 0.1 and ≥ 2 at f/n = 0.3. Recorded, against the claim's spirit: under
// sign flip, ALIE and IPM at their papers' parameters the mean's ratio
// stays ≤ 1.15 (an honest majority only slows it). Measured: Gaussian
// ratio ≥ 422, drop ≥ 0.158; label flip 1.495 and 2.661; sign flip,
// ALIE, IPM at most 1.102.
func TestNotebook08Mean(t *testing.T) {
	g := nb08Get(t)
	minR, minD, mild := math.Inf(1), math.Inf(1), 0.0
	for si := range nb08Settings {
		minR, minD = math.Min(minR, g.ratio(si, 2, nb08Mean)), math.Min(minD, g.accDrop(si, 2, nb08Mean))
		for _, ai := range []int{1, 3, 4} {
			mild = math.Max(mild, g.ratio(si, ai, nb08Mean))
		}
	}
	lf1, lf3 := g.ratio(0, 6, nb08Mean), g.ratio(1, 6, nb08Mean)
	t.Logf("Gaussian: ratio ≥ %.4g, drop ≥ %.3f; label flip %.3f, %.3f; sign flip/ALIE/IPM ≤ %.3f", minR, minD, lf1, lf3, mild)
	if !(minR >= 100) || !(minD >= 0.1) {
		t.Errorf("mean under Gaussian: smallest ratio %.4g, drop %.3f; want ≥ 100, ≥ 0.1", minR, minD)
	}
	if !(lf1 >= 1.3) || !(lf3 >= 2) || !(lf3 > lf1) {
		t.Errorf("mean under label flip: %.3f, %.3f; want ≥ 1.3, ≥ 2 and more at f/n = 0.3", lf1, lf3)
	}
	if !(mild <= 1.15) {
		t.Errorf("mean under sign flip, ALIE, IPM: largest ratio %.3f, want ≤ 1.15", mild)
	}
}

// TestNotebook08IID: the robust rules' guarantee on near-IID data. At α =
// 10, every method but the mean under every attack at both fractions
// ends with a loss ratio ≤ 1.3 and an accuracy drop ≤ 0.02; at least half
// of these 126 runs are within 5 % of the honest-only loss, and the
// farthest is Krum's. Measured: at most 1.239 (Krum under mimic, f/n =
// 0.3) and 0.015; 0.79 of the runs within 5 %.
func TestNotebook08IID(t *testing.T) {
	g := nb08Get(t)
	worst, worstAt, drop, within, cells := 0.0, 0, 0.0, 0, 0
	for si := range nb08Settings[:2] {
		for ai := range nb08Attacks {
			for _, mi := range nb08Robust {
				r := g.ratio(si, ai, mi)
				if r > worst {
					worst, worstAt = r, mi
				}
				if r <= 1.05 {
					within++
				}
				cells++
				drop = math.Max(drop, g.accDrop(si, ai, mi))
			}
		}
	}
	frac := float64(within) / float64(cells)
	t.Logf("α = 10: largest ratio %.3f (%s), largest drop %.3f, fraction within 5 %% %.2f", worst, nb08Methods[worstAt].name, drop, frac)
	if !(worst <= 1.3) || !(drop <= 0.02) || worstAt != nb08Krum || !(frac >= 0.5) {
		t.Errorf("α = 10: largest ratio %.3f (%s), drop %.3f, within 5 %%: %.2f; want ≤ 1.3 (Krum), ≤ 0.02, ≥ 0.5", worst, nb08Methods[worstAt].name, drop, frac)
	}
}

// TestNotebook08Krum: Krum's single-vector variance against
// Multi-Krum's mean of n − f: without attack at α = 10, Krum's loss ratio
// exceeds Multi-Krum's by ≥ 0.02 at both fractions. Measured: 0.032 and
// 0.049.
func TestNotebook08Krum(t *testing.T) {
	g := nb08Get(t)
	for si := range nb08Settings[:2] {
		d := g.ratio(si, 0, nb08Krum) - g.ratio(si, 0, nb08MultiKrum)
		t.Logf("f = %d: Krum − Multi-Krum %.3f", nb08Settings[si].f, d)
		if !(d >= 0.02) {
			t.Errorf("f = %d: Krum − Multi-Krum %.3f, want ≥ 0.02", nb08Settings[si].f, d)
		}
	}
}

// TestNotebook08SmallAttacks: ALIE and IPM (claimed by their papers to
// defeat median- and Krum-type rules) at α = 10: the robust methods'
// largest loss ratio ≤ 1.15 under ALIE and ≤ 1.1 under IPM, accuracy
// drops ≤ 0.02 — the claim is not reproduced at this scale. Measured:
// ALIE 1.105 (Krum), drop 0.012 (MoNNA); IPM 1.072 (Flag), drop 0.004.
func TestNotebook08SmallAttacks(t *testing.T) {
	g := nb08Get(t)
	for _, c := range []struct {
		ai  int
		max float64
	}{{3, 1.15}, {4, 1.1}} {
		w, d := 0.0, 0.0
		for si := range nb08Settings[:2] {
			for _, mi := range nb08Robust {
				w, d = math.Max(w, g.ratio(si, c.ai, mi)), math.Max(d, g.accDrop(si, c.ai, mi))
			}
		}
		t.Logf("%v: largest ratio %.3f, drop %.3f", nb08Attacks[c.ai].Kind, w, d)
		if !(w <= c.max) || !(d <= 0.02) {
			t.Errorf("%v: largest ratio %.3f, drop %.3f; want ≤ %g, ≤ 0.02", nb08Attacks[c.ai].Kind, w, d, c.max)
		}
	}
}

// TestNotebook08Heterogeneity: Karimireddy, He & Jaggi's claim that
// robust rules lose on heterogeneous data without any attack. Without
// attack, the robust methods' loss ratios are ≤ 1.07 at α = 10 and
// ≥ 1.1 at α = 0.1, while their accuracy drops at α = 0.1 stay within
// ±0.02 (the loss half holds, the accuracy half does not); mimic raises
// a robust method's α = 0.1 ratio by a factor ≤ 1.3 over its no-attack
// one; every robust method's worst ratio over the attacks is larger at
// α = 0.1 than at α = 10 (same f). Measured: [1.002, 1.059],
// [1.161, 1.490], drops in [−0.010, −0.003], mimic factor at most 1.19
// (Krum).
func TestNotebook08Heterogeneity(t *testing.T) {
	g := nb08Get(t)
	iidHi, hetLo, dLo, dHi, mimic := 0.0, math.Inf(1), math.Inf(1), math.Inf(-1), 0.0
	for si := range nb08Settings {
		for _, mi := range nb08Robust {
			r := g.ratio(si, 0, mi)
			if si < 2 {
				iidHi = math.Max(iidHi, r)
				continue
			}
			hetLo = math.Min(hetLo, r)
			d := g.accDrop(si, 0, mi)
			dLo, dHi = math.Min(dLo, d), math.Max(dHi, d)
			mimic = math.Max(mimic, g.ratio(si, 5, mi)/r)
		}
	}
	t.Logf("no attack: α = 10 ≤ %.3f, α = 0.1 ≥ %.3f, drops [%.3f, %.3f]; mimic factor ≤ %.3f", iidHi, hetLo, dLo, dHi, mimic)
	if !(iidHi <= 1.07) || !(hetLo >= 1.1) {
		t.Errorf("no attack: α = 10 largest ratio %.3f (want ≤ 1.07), α = 0.1 smallest %.3f (want ≥ 1.1)", iidHi, hetLo)
	}
	if !(dLo >= -0.02) || !(dHi <= 0.02) {
		t.Errorf("no attack, α = 0.1: accuracy drops [%.3f, %.3f], want within ±0.02", dLo, dHi)
	}
	if !(mimic <= 1.3) {
		t.Errorf("mimic over no attack at α = 0.1: %.3f, want ≤ 1.3", mimic)
	}
	for _, mi := range nb08Robust {
		for si := 0; si < 2; si++ {
			iid, het := g.worstOver(si, mi), g.worstOver(si+2, mi)
			if !(het > iid) {
				t.Errorf("%s, f = %d: worst ratio over the attacks %.3f at α = 0.1, %.3f at α = 10; the notebook says worse on heterogeneous data", nb08Methods[mi].name, nb08Settings[si].f, het, iid)
			}
		}
	}
}

// worstOver is the largest loss ratio of method mi over the attacks.
func (g *nb08Grid) worstOver(si, mi int) float64 {
	w := 0.0
	for ai := range nb08Attacks {
		w = math.Max(w, g.ratio(si, ai, mi))
	}
	return w
}

// TestNotebook08NNM: Allouah et al.'s claim that NNM lowers a rule's
// worst-case error under heterogeneity, not reproduced: at α = 0.1 the
// worst loss ratio over the attacks of NNM + trimmed mean is at least
// the trimmed mean's at both fractions; NNM lowers the ratio under the
// Gaussian attack and raises it under sign flip. Measured: worst 1.961
// against 1.308 (f/n = 0.1), 3.874 against 2.198 (f/n = 0.3); Gaussian
// 1.000 against 1.023 and 1.176; sign flip 1.961 against 1.308, 3.874
// against 2.198.
func TestNotebook08NNM(t *testing.T) {
	g := nb08Get(t)
	for si := 2; si < 4; si++ {
		f := nb08Settings[si].f
		tm, nnm := g.worstOver(si, nb08TM), g.worstOver(si, nb08NNMTM)
		t.Logf("f = %d: worst: trimmed mean %.3f, NNM+trimmed mean %.3f", f, tm, nnm)
		if !(nnm >= tm) {
			t.Errorf("f = %d: NNM+TM worst %.3f below TM's %.3f: the notebook says NNM does not help here", f, nnm, tm)
		}
		for _, c := range []struct {
			ai    int
			helps bool
		}{{2, true}, {1, false}} {
			tm, nnm := g.ratio(si, c.ai, nb08TM), g.ratio(si, c.ai, nb08NNMTM)
			t.Logf("f = %d, %v: trimmed mean %.3f, NNM+trimmed mean %.3f", f, nb08Attacks[c.ai].Kind, tm, nnm)
			if (nnm < tm) != c.helps {
				t.Errorf("f = %d, %v: NNM+TM %.3f, TM %.3f; the notebook says NNM helps: %v", f, nb08Attacks[c.ai].Kind, nnm, tm, c.helps)
			}
		}
	}
}

// TestNotebook08Flag: the Flag Aggregator paper's claim that it improves
// on the robustness of existing rules. Flag's worst loss ratio over the
// attacks is ranked among the eight server-side robust rules (1 = the
// smallest) in each setting; the claim would make it first. Threshold:
// rank ≥ 2 in every setting — it is the most robust in none. Measured:
// ranks 6, 6, 2, 5 (f/n = 0.1, 0.3 at α = 10, then at α = 0.1).
func TestNotebook08Flag(t *testing.T) {
	g := nb08Get(t)
	for si := range nb08Settings {
		rank := nb08Rank(g, si)
		t.Logf("f = %d, α = %g: Flag worst %.3f, rank %d of 8", nb08Settings[si].f, nb08Settings[si].alpha, g.worstOver(si, nb08Flag), rank)
		if rank < 2 {
			t.Errorf("f = %d, α = %g: Flag ranks %d, want ≥ 2 (the notebook says it is the most robust in no setting)", nb08Settings[si].f, nb08Settings[si].alpha, rank)
		}
	}
}

// nb08Rank is 1 + the number of server-side robust rules (methods 1–8)
// whose worst loss ratio over the attacks is below Flag's.
func nb08Rank(g *nb08Grid, si int) int {
	fw, rank := g.worstOver(si, nb08Flag), 1
	for mi := 1; mi <= 8; mi++ {
		if mi != nb08Flag && g.worstOver(si, mi) < fw {
			rank++
		}
	}
	return rank
}

// monnaOwn is the median over seeds of MoNNA's loss under attack ai over
// its own attack-free loss.
func (g *nb08Grid) monnaOwn(si, ai int) float64 {
	r := make([]float64, len(nb08Seeds))
	for k := range r {
		r[k] = g.runs[si][ai][nb08MoNNA][k].loss / g.runs[si][0][nb08MoNNA][k].loss
	}
	return nb08Median(r)
}

// TestNotebook08MoNNA: MoNNA's claim that the honest nodes learn as if
// the Byzantine ones were absent. Thresholds: MoNNA's loss under every
// attack over its attack-free loss (per seed, median) ≤ 1.25 at α = 10
// and at α = 0.1 with f/n = 0.1; recorded against the claim, at α = 0.1
// and f/n = 0.3 the largest is ≥ 1.3. Measured: 1.002, 1.158, 1.026 and
// 1.447 (f/n = 0.1, 0.3 at α = 10, then at α = 0.1).
func TestNotebook08MoNNA(t *testing.T) {
	g := nb08Get(t)
	for si, st := range nb08Settings {
		w := 0.0
		for ai := 1; ai < len(nb08Attacks); ai++ {
			w = math.Max(w, g.monnaOwn(si, ai))
		}
		t.Logf("f = %d, α = %g: MoNNA's largest ratio to its attack-free run %.3f", st.f, st.alpha, w)
		if si < 3 && !(w <= 1.25) {
			t.Errorf("f = %d, α = %g: MoNNA's largest own ratio %.3f, want ≤ 1.25", st.f, st.alpha, w)
		}
		if si == 3 && !(w >= 1.3) {
			t.Errorf("f = %d, α = %g: MoNNA's largest own ratio %.3f, the notebook says ≥ 1.3", st.f, st.alpha, w)
		}
	}
}

// TestNotebook08DADAO: the notebook's DADAO cell. ℓ2-regularised
// logistic regression (λ = μ = 0.1) on MakeClassification(800, 5, 1, 3)
// split over a ring of 16 by DirichletSplit(0.5, 4); L from
// LogisticSmoothness (the largest λ_max(A_iᵀA_i)/(4m_i) + λ); f* the
// loss of 1000 rounds of centralised gradient descent (Simulate, step
// 1/L; its last rounds no longer change f). The target f(x̄) − f* ≤ 1e-6 at the nodes' mean, read off
// Result.History. Claim (Nabli & Oyallon): DADAO reaches it with fewer
// gradients and fewer communications than gossip GD. Thresholds: gossip
// GD's best step of 2^−k/L, k = 0 … 7, needs ≥ 2 times DADAO's
// communications and ≥ 4 times its gradients (DADAO: median of clock
// seeds 1, 2, 3), and the steps 1/L … 1/(16L) never reach the target
// (the constant-step bias). With gradient noise σ = 0.01 and 0.1 the
// claim is a floor of order σ²/√(μL): the mean gap over the last 50 time
// units (median of the three seeds) grows by a factor in [30, 300] for
// a σ² ratio of 100. Measured: DADAO 2,314 gradients, 5,867
// communications; gossip GD's best 1/(32L), 18,496 of each: ratios 3.15
// and 7.99; floors 3.90e-6 and 3.93e-4, ratio 101.
func TestNotebook08DADAO(t *testing.T) {
	const nodes, dim, lam, target = 16, 5, 0.1, 1e-6
	data := MakeClassification(800, dim, 1, 3)
	parts := DirichletSplit(data.Labels, nodes, 0.5, 4)
	ws := LogisticWorkers(data, parts, lam, 0)
	L := LogisticSmoothness(data, parts, lam)
	central, err := Simulate(ws, make([]float64, dim), &Settings{Step: 1 / L, MaxIter: 1000})
	if err != nil {
		t.Fatal(err)
	}
	fstar := central.Loss
	if h := central.History; h[len(h)-1] != fstar {
		t.Fatalf("centralised GD still moving: f = %v at the last round, %v at the end", h[len(h)-1], fstar)
	}
	ring := Ring(nodes)
	reach := func(r *Result) (int, int, bool) {
		for i, f := range r.History {
			if f-fstar <= target {
				return r.HistoryGradEvals[i], r.HistoryComms[i], true
			}
		}
		return 0, 0, false
	}
	tail := func(r *Result) float64 {
		var s float64
		for _, f := range r.History[len(r.History)-50:] {
			s += (f - fstar) / 50
		}
		return s
	}
	var grads, comms []float64
	for _, seed := range []uint64{1, 2, 3} {
		r, err := DADAO(ws, make([]float64, dim), ring, &Settings{Mu: lam, L: L, MaxIter: 300, Seed: seed})
		gr, cm, ok := reach(r)
		if err != nil || !ok {
			t.Fatalf("DADAO seed %d: %v, target reached %v", seed, err, ok)
		}
		grads, comms = append(grads, float64(gr)), append(comms, float64(cm))
	}
	bestK, bestGrads, bestComms := -1, 0, 0
	for k := 0; k <= 7; k++ {
		r, err := Gossip(ws, make([]float64, dim), ring, &Settings{Step: math.Ldexp(1/L, -k), MaxIter: 3000})
		if err != nil {
			t.Fatal(err)
		}
		gr, cm, ok := reach(r)
		if k <= 4 && ok {
			t.Errorf("gossip GD at step 1/(%dL) reached the target; the notebook says it stalls", 1<<k)
		}
		if ok && (bestK < 0 || cm < bestComms) {
			bestK, bestGrads, bestComms = k, gr, cm
		}
	}
	if bestK < 0 {
		t.Fatal("no gossip GD step reached the target")
	}
	cr, gr := float64(bestComms)/nb08Median(comms), float64(bestGrads)/nb08Median(grads)
	t.Logf("DADAO %.0f gradients, %.0f communications; gossip GD 1/(%dL) %d, %d: ratios %.2f, %.2f", nb08Median(grads), nb08Median(comms), 1<<bestK, bestGrads, bestComms, cr, gr)
	if !(cr >= 2) || !(gr >= 4) {
		t.Errorf("gossip GD / DADAO: communications %.2f (want ≥ 2), gradients %.2f (want ≥ 4)", cr, gr)
	}
	var floor []float64
	for _, sigma := range []float64{0.01, 0.1} {
		var tails []float64
		for _, seed := range []uint64{1, 2, 3} {
			r, err := DADAO(ws, make([]float64, dim), ring, &Settings{Mu: lam, L: L, MaxIter: 300, Seed: seed, GradNoise: sigma})
			if err != nil {
				t.Fatal(err)
			}
			tails = append(tails, tail(r))
		}
		floor = append(floor, nb08Median(tails))
	}
	t.Logf("noise floors %.3g, %.3g: ratio %.1f", floor[0], floor[1], floor[1]/floor[0])
	if q := floor[1] / floor[0]; !(q >= 30 && q <= 300) {
		t.Errorf("noise floors %.3g, %.3g: ratio %.1f, want in [30, 300] (σ² ratio 100)", floor[0], floor[1], q)
	}
}

// TestNotebook08Sketch: the notebook's sketching cell. Least squares on
// MakeRegression(1000, 50, 4, 0.1, seed) over 10 workers
// (DirichletSplit(1, seed)), f* from the normal equations
// (Σ_i A_iᵀA_i/m_i)x = Σ_i A_iᵀy_i/m_i. Bytes (8 per float) until
// f − f* ≤ 1e-3·(f(0) − f*), each method at its best step of 0.01, 0.02,
// 0.025, 0.03 (1000 rounds at most), medians over data seeds 1, 2, 3.
// Claim (Song et al.): sketching cuts the communication to a given loss.
// Threshold: Gaussian and count sketches with s = 10 need less than half
// of full gradients' bytes. Measured: 1272 kB full, 314 kB Gaussian,
// 318 kB count (0.247 and 0.250).
func TestNotebook08Sketch(t *testing.T) {
	sketches := []Sketching{{}, {Kind: GaussianSketch, Size: 10}, {Kind: CountSketch, Size: 10}}
	bytesTo := make([][]float64, len(sketches))
	for _, seed := range []uint64{1, 2, 3} {
		data := MakeRegression(1000, 50, 4, 0.1, seed)
		parts := DirichletSplit(data.Labels, 10, 1, seed)
		ws := LeastSquaresWorkers(data, parts)
		lhs := mat.NewSymDense(50, nil)
		rhs := mat.NewVecDense(50, nil)
		for _, p := range parts {
			a := mat.NewDense(len(p), 50, nil)
			y := mat.NewVecDense(len(p), nil)
			for r, i := range p {
				a.SetRow(r, data.X.RawRowView(i))
				y.SetVec(r, data.Y[i])
			}
			var ata mat.SymDense
			ata.SymOuterK(1/float64(len(p)), a.T())
			lhs.AddSym(lhs, &ata)
			var aty mat.VecDense
			aty.MulVec(a.T(), y)
			rhs.AddScaledVec(rhs, 1/float64(len(p)), &aty)
		}
		var xs mat.VecDense
		if err := xs.SolveVec(lhs, rhs); err != nil {
			t.Fatal(err)
		}
		fs, f0 := 0.0, 0.0
		for _, w := range ws {
			fs += w(xs.RawVector().Data, nil) / 10
			f0 += w(make([]float64, 50), nil) / 10
		}
		for si, sk := range sketches {
			best := 0.0
			for _, step := range []float64{0.01, 0.02, 0.025, 0.03} {
				reached := 0.0
				Simulate(ws, make([]float64, 50), &Settings{MaxIter: 1000, Step: step, Sketch: sk, Seed: seed, Callback: func(it int, r *Result) bool {
					if r.History[len(r.History)-1]-fs <= 1e-3*(f0-fs) {
						reached = float64(8 * (it - 1) * r.FloatsSent / it)
						return false
					}
					return true
				}})
				if reached > 0 && (best == 0 || reached < best) {
					best = reached
				}
			}
			if best == 0 {
				t.Fatalf("seed %d, %v: no step reached the target", seed, sk.Kind)
			}
			bytesTo[si] = append(bytesTo[si], best)
		}
	}
	full := nb08Median(bytesTo[0])
	for si := 1; si < 3; si++ {
		q := nb08Median(bytesTo[si]) / full
		t.Logf("%v: %.0f kB against %.0f kB full: %.3f", sketches[si].Kind, nb08Median(bytesTo[si])/1e3, full/1e3, q)
		if !(q < 0.5) {
			t.Errorf("%v: %.3f of full gradients' bytes, want < 0.5", sketches[si].Kind, q)
		}
	}
}

// nb08Leak is the notebook's leakage measure: the median over examples
// 1 … 21 (MakeRegression(1, 50, 1, 0, seed) with feature 0 set to 1) of
// the relative error of InvertLinear on what a server sees of the
// least-squares gradient at x_j = sin(j + seed): the message itself
// (NoSketch) or its de-sketch by a sketch of the kind and size drawn from
// seed + 1000, the message clipped at ‖g‖ with the noise of ε = eps,
// δ = 1e-5 when eps > 0.
func nb08Leak(kind SketchKind, size int, eps float64) float64 {
	var errs []float64
	for seed := uint64(1); seed <= 21; seed++ {
		ex := MakeRegression(1, 50, 1, 0, seed)
		ex.X.Set(0, 0, 1)
		x := make([]float64, 50)
		for j := range x {
			x[j] = math.Sin(float64(j) + float64(seed))
		}
		g := make([]float64, 50)
		LeastSquares(ex, []int{0})(x, g)
		cfg := Sketching{Kind: kind, Size: size}
		var r *SketchMatrix
		if kind != NoSketch {
			r = NewSketch(kind, size, 50, seed+1000)
		}
		if eps > 0 {
			cfg.Clip, cfg.Epsilon, cfg.Delta = floats.Norm(g, 2), eps, 1e-5
		}
		seen := cfg.Message(nil, g, r, cfg.Sigma(r), seed+2000)
		if r != nil {
			seen = r.Desketch(nil, seen)
		}
		e := math.Inf(1)
		if a, err := InvertLinear(seen, 0); err == nil {
			e = floats.Distance(a, ex.X.RawRowView(0), 2) / floats.Norm(ex.X.RawRowView(0), 2)
		}
		errs = append(errs, e)
	}
	return nb08Median(errs)
}

// TestNotebook08Leakage: the notebook's leakage cell. Claim (Song et
// al.): sketching does not stop gradient leakage; noise (differential
// privacy) does. Thresholds: the unsketched gradient and a count sketch
// with s = 100d give the example to 1e-12; at s = d/5 (the sketch that
// saves bandwidth) both sketches leave an error ≥ 1 — the one-message
// inversion fails there, half of the claim not reproduced; with the
// private variant's noise (ε = 0.5) the error is ≥ 1 at every size
// (d/5 … 100d) for both sketches and unsketched; without noise, from
// s = d to 100d the error decreases with s for both sketches. Measured:
// 3.6e-17, 3.9e-17; 1.61 (count), 1.15 (Gaussian); smallest noisy error
// 1.11; count 1.18, 0.457, 0.135, 3.9e-17 and Gaussian 1.50, 0.789,
// 0.460, 0.158 at s = d, 4d, 20d, 100d.
func TestNotebook08Leakage(t *testing.T) {
	for _, kind := range []SketchKind{CountSketch, GaussianSketch} {
		prev := math.Inf(1)
		for _, s := range []int{50, 200, 1000, 5000} {
			e := nb08Leak(kind, s, 0)
			if !(e < prev) {
				t.Errorf("%v: error %.3g at s = %d, not below %.3g at the size before", kind, e, s, prev)
			}
			prev = e
		}
	}
	plain, big := nb08Leak(NoSketch, 0, 0), nb08Leak(CountSketch, 5000, 0)
	c10, g10 := nb08Leak(CountSketch, 10, 0), nb08Leak(GaussianSketch, 10, 0)
	noisy := nb08Leak(NoSketch, 0, 0.5)
	for _, kind := range []SketchKind{CountSketch, GaussianSketch} {
		for _, s := range []int{10, 50, 200, 1000, 5000} {
			noisy = math.Min(noisy, nb08Leak(kind, s, 0.5))
		}
	}
	t.Logf("unsketched %.2g, count s = 100d %.2g; s = d/5: count %.3f, Gaussian %.3f; smallest noisy %.3f", plain, big, c10, g10, noisy)
	if !(plain <= 1e-12) || !(big <= 1e-12) {
		t.Errorf("unsketched %.2g, count sketch s = 100d %.2g: want ≤ 1e-12", plain, big)
	}
	if !(c10 >= 1) || !(g10 >= 1) {
		t.Errorf("s = d/5: count %.3f, Gaussian %.3f: want ≥ 1", c10, g10)
	}
	if !(noisy >= 1) {
		t.Errorf("with noise: smallest error %.3f, want ≥ 1", noisy)
	}
}
