package collab

import (
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// quad1 is ½(x − c)² in one dimension.
func quad1(c float64) Func {
	return func(x, g []float64) float64 {
		if g != nil {
			g[0] = x[0] - c
		}
		return 0.5 * (x[0] - c) * (x[0] - c)
	}
}

// One round by hand: f_i = ½(x − c_i)², c = 0, 1, 10, γ = 1, β = 0,
// F = 1: the half-steps are c_i; node 0 and 1 average {0, 1} → 0.5, node
// 2 averages {10, 1} → 5.5; X = 6.5/3, Spread = 5.5 − 6.5/3.
func TestMoNNAByHand(t *testing.T) {
	ws := []Func{quad1(0), quad1(1), quad1(10)}
	r, err := MoNNA(ws, []float64{0}, &Settings{MaxIter: 1, Step: 1, Aggregator: Aggregator{F: 1}})
	if err != nil || r.Status != Converged {
		t.Fatal(r.Status, err)
	}
	X := 6.5 / 3
	loss := (0.5*X*X + 0.5*(X-1)*(X-1) + 0.5*(X-10)*(X-10)) / 3
	if math.Abs(r.X[0]-X) > 1e-15 || math.Abs(r.Spread-(5.5-X)) > 1e-14 || math.Abs(r.Loss-loss) > 1e-14 {
		t.Errorf("X %v, Spread %v, Loss %v; want %v, %v, %v", r.X, r.Spread, r.Loss, X, 5.5-X, loss)
	}
	if math.Abs(r.History[0]-(0+0.5+50)/3) > 1e-14 || r.GradEvals != 3 || r.FloatsSent != 3*2*1 {
		t.Errorf("History %v, GradEvals %d, FloatsSent %d", r.History, r.GradEvals, r.FloatsSent)
	}
}

// MoNNA on robustProblem (20 nodes, 2 Byzantine, α = 1, γ = 0.5,
// β = 0.9, 200 rounds): under sign flip ×20 and ALIE on the models, the
// honest average's loss is within a factor 1.25 of the attack-free run
// (median of three data seeds), and the honest models agree (Spread
// ≤ 0.5). Measured (go test -run TestMoNNARobust -v; each honest node
// hearing from 18 of the 20): ratios 0.986 (sign flip ×20, IPM,
// Gaussian) and 0.997 (ALIE), spread ≤ 0.012.
func TestMoNNARobust(t *testing.T) {
	run := func(seed uint64, atk Attack) *Result {
		ws := robustProblem(1, seed, false)
		r, err := MoNNA(ws, make([]float64, 10), &Settings{MaxIter: 200, Step: 0.5, Momentum: 0.9, Byzantine: 2, Attack: atk, Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	for _, atk := range []Attack{{Kind: SignFlip, Scale: 20}, {Kind: ALIE}, {Kind: IPM}, {Kind: Gaussian}} {
		var ratio [3]float64
		var spread float64
		for k, s := range []uint64{7, 8, 9} {
			base, r := run(s, Attack{}), run(s, atk)
			ratio[k] = r.Loss / base.Loss
			spread = math.Max(spread, r.Spread)
		}
		m := median3(ratio)
		if !(m <= 1.25) || !(spread <= 0.5) {
			t.Errorf("MoNNA under %v ×%g: loss ratio %.4g, spread %.3g; want ≤ 1.25, ≤ 0.5", atk.Kind, atk.Scale, m, spread)
		} else {
			t.Logf("MoNNA under %v ×%g: loss ratio %.4g, largest spread %.3g", atk.Kind, atk.Scale, m, spread)
		}
	}
}

func TestMoNNADeterministic(t *testing.T) {
	run := func(procs int) *Result {
		old := runtime.GOMAXPROCS(procs)
		defer runtime.GOMAXPROCS(old)
		r, err := MoNNA(robustProblem(0.5, 3, false), make([]float64, 10), &Settings{MaxIter: 30, Momentum: 0.5, Byzantine: 2, Attack: Attack{Kind: Gaussian}, Seed: 42})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	a, b := run(1), run(2)
	if a.Loss != b.Loss || a.Spread != b.Spread || !eqVec(a.X, b.X, 0) || !eqVec(a.History, b.History, 0) {
		t.Errorf("GOMAXPROCS 1 and 2 differ: %v vs %v", a.Loss, b.Loss)
	}
}

// MoNNA's receive model by hand: five nodes on the line, honest
// half-steps 0, 1, 3, 7 and a Byzantine 100 (h = 4, f = 1, F = 1). Each
// honest node receives n − f = 4: itself, the Byzantine one and two of
// its three honest others, drawn at random, and averages the
// n − f − F = 3 nearest, which are always itself and the two others
// (100 is the farthest). Every outcome is one of the three
// (c_i + c_j + c_k)/3, and over 3000 rounds each pair is drawn with
// frequency 1/3 ± 0.05 (about 6 standard deviations).
func TestMoNNAReceiveByHand(t *testing.T) {
	c := []float64{0, 1, 3, 7, 100}
	halves := make([][]float64, 5)
	for i := range halves {
		halves[i] = []float64{c[i]}
	}
	const rounds = 3000
	count := map[[2]int]int{}
	for r := 0; r < rounds; r++ {
		dst := [][]float64{{0}, {0}, {0}, {0}}
		if err := nna(dst, halves, 4, 1, 11, r); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 4; i++ {
			found := false
			for j := 0; j < 4; j++ {
				for k := j + 1; k < 4; k++ {
					if j == i || k == i {
						continue
					}
					if math.Abs(dst[i][0]-(c[i]+c[j]+c[k])/3) < 1e-12 {
						found = true
						if i == 0 {
							count[[2]int{j, k}]++
						}
					}
				}
			}
			if !found {
				t.Fatalf("round %d, node %d: %v is not the mean of itself and two honest others", r, i, dst[i][0])
			}
		}
	}
	for _, pair := range [][2]int{{1, 2}, {1, 3}, {2, 3}} {
		if fr := float64(count[pair]) / rounds; math.Abs(fr-1.0/3) > 0.05 {
			t.Errorf("node 0 drew honest nodes %v with frequency %.3f, want 1/3", pair, fr)
		}
	}
	// A Byzantine half-step close to a node is kept: node 0 (at 0) with
	// the Byzantine one at 0.5 keeps {0, 0.5} and the nearer of its two
	// honest others.
	halves[4][0] = 0.5
	dst := [][]float64{{0}, {0}, {0}, {0}}
	if err := nna(dst, halves, 4, 1, 11, 0); err != nil {
		t.Fatal(err)
	}
	if g := dst[0][0]; math.Abs(g-1.5/3) > 1e-12 && math.Abs(g-3.5/3) > 1e-12 {
		t.Errorf("node 0 with the Byzantine at 0.5: %v, want (0 + 0.5 + 1)/3 or (0 + 0.5 + 3)/3", g)
	}
}

// Without Byzantine nodes every node receives all n half-steps, and the
// mixing is NNM with F: nna agrees with NNMDense on random vectors.
func TestMoNNANoByzantineIsNNM(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	const n, d, fa = 7, 3, 2
	x := mat.NewDense(n, d, nil)
	for i := range x.RawMatrix().Data {
		x.RawMatrix().Data[i] = rng.NormFloat64()
	}
	want := mat.NewDense(n, d, nil)
	if err := NNMDense(want, x, fa); err != nil {
		t.Fatal(err)
	}
	got := mat.NewDense(n, d, nil)
	if err := nna(Rows(got), Rows(x), n, fa, 1, 0); err != nil {
		t.Fatal(err)
	}
	if !mat.EqualApprox(got, want, 1e-14) {
		t.Errorf("nna %v, NNMDense %v", mat.Formatted(got), mat.Formatted(want))
	}
}
