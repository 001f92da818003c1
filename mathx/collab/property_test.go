package collab

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/gomx-dev/gomx/mathx/internal/mathxtest"
	"github.com/gomx-dev/gomx/mathx/nn"
	"gonum.org/v1/gonum/mat"
)

// Issue 18's property tests for collab: every exported routine on zeros,
// one vector, duplicated rows, NaN, ±Inf and scales 1e±300 returns within
// a second (mathxtest.Promptly) and either is right — the aggregate of
// s·v is s times the aggregate of v (every rule here is equivariant under
// scaling), n copies of one vector aggregate to it — or returns an error
// wrapping ErrNonFinite (GeoMedian and Simulate with Status Failed).
// Programmer errors (too few vectors for f, mismatched lengths) panic
// with a message naming the function.

type aggCase struct {
	name string
	call func(v [][]float64) ([]float64, error)
	minN int // fewest vectors it accepts
}

func aggCases() []aggCase {
	geo := func(v [][]float64) ([]float64, error) {
		r, err := GeoMedian(v, nil)
		if err != nil && r.Status != Failed {
			return nil, errors.New("GeoMedian: error without Status Failed")
		}
		if err == nil && r.Status != Converged {
			return nil, errors.New("GeoMedian: " + r.Status.String())
		}
		return r.X, err
	}
	flag := func(v [][]float64) ([]float64, error) {
		r, err := Flag(v, 0, 0, nil)
		if err != nil && r.Status != Failed {
			return nil, errors.New("Flag: error without Status Failed")
		}
		if err == nil && r.Status != Converged {
			return nil, errors.New("Flag: " + r.Status.String())
		}
		return r.X, err
	}
	nnm := func(v [][]float64) ([]float64, error) {
		m, err := NNM(v, 1)
		if err != nil {
			return nil, err
		}
		return m.RawRowView(0), nil
	}
	nnmDense := func(v [][]float64) ([]float64, error) {
		x := mat.NewDense(len(v), len(v[0]), nil)
		for i := range v {
			copy(x.RawRowView(i), v[i])
		}
		dst := mat.NewDense(len(v), len(v[0]), nil)
		if err := NNMDense(dst, x, 0); err != nil {
			return nil, err
		}
		return dst.RawRowView(len(v) - 1), nil
	}
	krumScores := func(v [][]float64) ([]float64, error) {
		sc, err := KrumScores(v, 1)
		if err != nil {
			return nil, err
		}
		for _, x := range sc {
			if math.IsNaN(x) || x < 0 {
				return nil, errors.New("KrumScores: score NaN or negative")
			}
		}
		idx, _ := KrumSelect(v, 1, 2)
		return v[idx[0]], nil
	}
	return []aggCase{
		{"Mean", Mean, 1},
		{"CoordMedian", CoordMedian, 1},
		{"TrimmedMean", func(v [][]float64) ([]float64, error) { return TrimmedMean(v, (len(v)-1)/2) }, 1},
		{"GeoMedian", geo, 1},
		{"Krum", func(v [][]float64) ([]float64, error) { return Krum(v, 1) }, 4},
		{"KrumScores/KrumSelect", krumScores, 4},
		{"MultiKrum", func(v [][]float64) ([]float64, error) { return MultiKrum(v, 1, 2) }, 4},
		{"CenteredClip", func(v [][]float64) ([]float64, error) { return CenteredClip(v, nil, 0, 3) }, 1},
		{"NNM", nnm, 2},
		{"NNMDense", nnmDense, 1},
		{"Aggregator.Aggregate NNM+Krum", func(v [][]float64) ([]float64, error) {
			return Aggregator{Rule: RuleKrum, F: 1, NNM: true}.Aggregate(v, nil)
		}, 4},
		{"Aggregator.Aggregate CenteredClip", func(v [][]float64) ([]float64, error) {
			return Aggregator{Rule: RuleCenteredClip, Iters: 2}.Aggregate(v, make([]float64, len(v[0])))
		}, 1},
		{"Aggregator.Aggregate MultiKrum", func(v [][]float64) ([]float64, error) {
			return Aggregator{Rule: RuleMultiKrum, F: 1}.Aggregate(v, nil)
		}, 4},
		{"Aggregator.Aggregate GeoMedian", func(v [][]float64) ([]float64, error) {
			return Aggregator{Rule: RuleGeoMedian}.Aggregate(v, nil)
		}, 1},
		{"Aggregator.Aggregate TrimmedMean", func(v [][]float64) ([]float64, error) {
			return Aggregator{Rule: RuleTrimmedMean}.Aggregate(v, nil)
		}, 1},
		{"Aggregator.Aggregate Median", func(v [][]float64) ([]float64, error) {
			return Aggregator{Rule: RuleMedian}.Aggregate(v, nil)
		}, 1},
		{"Flag", flag, 1},
		{"Flag λ = 1, r = 2", func(v [][]float64) ([]float64, error) {
			r, err := Flag(v, 2, 1, nil)
			if err == nil && r.Status != Converged {
				return nil, errors.New("Flag: " + r.Status.String())
			}
			for _, x := range r.Ratios {
				if err == nil && !(x >= 0 && x <= 1) {
					return nil, errors.New("Flag: ratio outside [0, 1]")
				}
			}
			return r.X, err
		}, 1},
		{"Aggregator.Aggregate Flag", func(v [][]float64) ([]float64, error) {
			return Aggregator{Rule: RuleFlag}.Aggregate(v, nil)
		}, 1},
		{"Attack.Forge Mimic", func(v [][]float64) ([]float64, error) {
			out, err := Attack{Kind: Mimic}.Forge(v, 1, 0)
			if err != nil {
				return nil, err
			}
			return out[0], nil
		}, 1},
		{"Attack.Forge ALIE", func(v [][]float64) ([]float64, error) {
			out, err := Attack{Kind: ALIE, Scale: 1}.Forge(v, 2, 0)
			if err != nil {
				return nil, err
			}
			return out[1], nil
		}, 1},
		{"Attack.Forge SignFlip", func(v [][]float64) ([]float64, error) {
			out, err := Attack{Kind: SignFlip}.Forge(v, 1, 0)
			if err != nil {
				return nil, err
			}
			for j := range out[0] {
				out[0][j] = -out[0][j]
			}
			return out[0], nil
		}, 1},
	}
}

func scaleRows(v [][]float64, s float64) [][]float64 {
	out := make([][]float64, len(v))
	for i := range v {
		out[i] = make([]float64, len(v[i]))
		for j, x := range v[i] {
			out[i][j] = x * s
		}
	}
	return out
}

func TestPropertyAggregators(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	base := [][]float64{{1, 2, -3}, {0.5, -1, 2}, {4, 0, 1}, {-2, 3, 0.25}, {1.5, 1, -1}}
	dup := [][]float64{{1, -2, 3}, {1, -2, 3}, {1, -2, 3}, {1, -2, 3}, {1, -2, 3}}
	type input struct {
		name  string
		v     [][]float64
		scale float64 // compare with scale·agg(base) when > 0
		bad   bool
	}
	inputs := []input{
		{"zeros", scaleRows(base, 0), 0, false},
		{"duplicated rows", dup, 0, false},
		{"scale 1", base, 1, false},
		{"scale 1e300", scaleRows(base, 1e300), 1e300, false},
		{"scale 1e-300", scaleRows(base, 1e-300), 1e-300, false},
		{"NaN", [][]float64{{1, 2, 3}, {nan, 0, 0}, {1, 1, 1}, {0, 0, 0}, {2, 2, 2}}, 0, true},
		{"+Inf", [][]float64{{1, 2, 3}, {0, inf, 0}, {1, 1, 1}, {0, 0, 0}, {2, 2, 2}}, 0, true},
		{"-Inf", [][]float64{{1, 2, 3}, {0, 0, -inf}, {1, 1, 1}, {0, 0, 0}, {2, 2, 2}}, 0, true},
	}
	for _, c := range aggCases() {
		ref, err := c.call(base)
		if err != nil {
			t.Fatalf("%s on the base case: %v", c.name, err)
		}
		for _, in := range inputs {
			name := c.name + "/" + in.name
			var got []float64
			var err error
			if perr := mathxtest.Promptly(t, name, func() { got, err = c.call(in.v) }); perr != nil {
				t.Errorf("%s: %v", name, perr)
				continue
			}
			if in.bad {
				if err == nil || !errors.Is(err, ErrNonFinite) {
					t.Errorf("%s: %v, %v; want an error wrapping ErrNonFinite", name, got, err)
				}
				continue
			}
			if err != nil {
				t.Errorf("%s: %v", name, err)
				continue
			}
			for _, x := range got {
				if math.IsNaN(x) || math.IsInf(x, 0) {
					t.Errorf("%s: non-finite output %v", name, got)
					break
				}
			}
			switch {
			case in.name == "zeros":
				if !eqVec(got, make([]float64, 3), 0) {
					t.Errorf("%s: %v, want zeros", name, got)
				}
			case in.name == "duplicated rows":
				if !eqVec(got, dup[0], 1e-15) {
					t.Errorf("%s: %v, want %v", name, got, dup[0])
				}
			default:
				for j := range got {
					if math.Abs(got[j]-ref[j]*in.scale) > 1e-9*in.scale*math.Max(1, math.Abs(ref[j])) {
						t.Errorf("%s: %v, want %v·%g", name, got, ref, in.scale)
						break
					}
				}
			}
		}
		// One vector: every rule that accepts it returns it; the others
		// panic naming themselves.
		one := [][]float64{{3, -1, 2}}
		var got []float64
		perr := mathxtest.Promptly(t, c.name, func() { got, err = c.call(one) })
		if c.minN > 1 {
			if perr == nil || !strings.Contains(perr.Error(), "collab.") {
				t.Errorf("%s with one vector: %v, %v; want a panic naming the function", c.name, got, perr)
			}
		} else if perr != nil || err != nil || !eqVec(got, one[0], 1e-15) {
			if !strings.HasPrefix(c.name, "Attack.Forge S") && !strings.HasPrefix(c.name, "Attack.Forge A") {
				t.Errorf("%s with one vector: %v, %v, %v; want %v", c.name, got, err, perr, one[0])
			}
		}
	}
}

// Programmer errors panic naming the function and the arguments.
func TestPropertyPanics(t *testing.T) {
	v := [][]float64{{1}, {2}, {3}}
	cases := map[string]func(){
		"TrimmedMean 2f ≥ n":     func() { TrimmedMean(v, 2) },
		"KrumScores n < f+3":     func() { KrumScores(v, 1) },
		"KrumSelect m > n":       func() { KrumSelect([][]float64{{1}, {2}, {3}, {4}}, 1, 5) },
		"MultiKrum m = 0":        func() { MultiKrum([][]float64{{1}, {2}, {3}, {4}}, 1, 0) },
		"Mean ragged":            func() { Mean([][]float64{{1, 2}, {3}}) },
		"Mean empty":             func() { Mean(nil) },
		"CoordMedian ragged":     func() { CoordMedian([][]float64{{1, 2}, {3}}) },
		"CenteredClip tau NaN":   func() { CenteredClip(v, nil, math.NaN(), 1) },
		"CenteredClip centre":    func() { CenteredClip(v, []float64{1, 2}, 1, 1) },
		"NNM f = n":              func() { NNM(v, 3) },
		"NNMDense dims":          func() { NNMDense(mat.NewDense(2, 1, nil), mat.NewDense(3, 1, nil), 0) },
		"GeoMedian MaxIter < 0":  func() { GeoMedian(v, &Settings{MaxIter: -1}) },
		"Flag r > d":             func() { Flag(v, 2, 0, nil) },
		"Flag r < 0":             func() { Flag(v, -1, 0, nil) },
		"Flag lambda NaN":        func() { Flag(v, 1, math.NaN(), nil) },
		"Flag Tol < 0":           func() { Flag(v, 1, 0, &Settings{Tol: -1}) },
		"ALIEZ f = n":            func() { ALIEZ(3, 3) },
		"Forge f < 0":            func() { Attack{Kind: SignFlip}.Forge(v, -1, 0) },
		"Forge Mimic Target":     func() { Attack{Kind: Mimic, Target: 5}.Forge(v, 1, 0) },
		"Aggregate unknown rule": func() { Aggregator{Rule: Rule(99)}.Aggregate(v, nil) },
		"Simulate f = n": func() {
			Simulate([]Func{func(x, g []float64) float64 { return 0 }}, []float64{0}, &Settings{Byzantine: 1})
		},
		"Simulate momentum 1": func() {
			Simulate([]Func{func(x, g []float64) float64 { return 0 }}, []float64{0}, &Settings{Momentum: 1})
		},
		"Simulate no x0": func() { Simulate([]Func{func(x, g []float64) float64 { return 0 }}, nil, nil) },
		"MoNNA n < 2f + 1": func() {
			q := func(x, g []float64) float64 { return 0 }
			MoNNA([]Func{q, q, q, q}, []float64{0}, &Settings{Byzantine: 2})
		},
		"MoNNA n − f − F < 1": func() {
			q := func(x, g []float64) float64 { return 0 }
			MoNNA([]Func{q, q, q}, []float64{0}, &Settings{Byzantine: 1, Aggregator: Aggregator{F: 2}})
		},
		"MakeRegression m = 0":      func() { MakeRegression(0, 2, 1, 0, 0) },
		"MakeRegression noise":      func() { MakeRegression(3, 2, 1, math.NaN(), 0) },
		"MakeClassification sep":    func() { MakeClassification(3, 2, math.Inf(1), 0) },
		"DirichletSplit alpha":      func() { DirichletSplit([]int{0, 1}, 2, math.NaN(), 0) },
		"DirichletSplit workers":    func() { DirichletSplit([]int{0, 1}, 3, 1, 0) },
		"DirichletSplit label":      func() { DirichletSplit([]int{0, -1}, 1, 1, 0) },
		"LeastSquares index":        func() { LeastSquares(MakeRegression(3, 2, 1, 0, 0), []int{3}) },
		"Logistic lambda":           func() { Logistic(MakeClassification(3, 2, 1, 0), nil, -1) },
		"LogisticWorkers flipped":   func() { LogisticWorkers(MakeClassification(3, 2, 1, 0), [][]int{{0}}, 0, 2) },
		"LogisticSmoothness lambda": func() { LogisticSmoothness(MakeClassification(3, 2, 1, 0), nil, -1) },
		"LogisticSmoothness index":  func() { LogisticSmoothness(MakeClassification(3, 2, 1, 0), [][]int{{0}, {3}}, 0) },
		"NNWorkers empty part": func() {
			NNWorkers(nn.NewMLP([]int{2, 3}, nn.ReLU, true, 1), nn.GaussianMixture(3, 2, 6, 1, 1), [][]int{{0, 1}, {}}, nn.SoftmaxCE, nn.Float64)
		},
		"NNWorkers wrong width": func() {
			NNWorkers(nn.NewMLP([]int{3, 3}, nn.ReLU, true, 1), nn.GaussianMixture(3, 2, 6, 1, 1), [][]int{{0, 1}}, nn.SoftmaxCE, nn.Float64)
		},
	}
	for name, f := range cases {
		err := mathxtest.Promptly(t, name, f)
		if err == nil || !strings.Contains(err.Error(), "collab.") {
			t.Errorf("%s: %v; want a panic naming the function", name, err)
		}
	}
	// The String methods name every constant and number the others.
	for _, s := range []string{AttackKind(42).String(), Rule(42).String(), LabelFlip.String(), RuleCenteredClip.String(), Aggregator{Rule: RuleKrum, F: 2, NNM: true}.String()} {
		if s == "" {
			t.Errorf("empty String")
		}
	}
	if s := (Aggregator{Rule: RuleKrum, F: 2, NNM: true}).String(); s != "NNM+Krum(f=2)" {
		t.Errorf("Aggregator.String = %q", s)
	}
	if got := Rows(mat.NewDense(1, 1, []float64{math.NaN()})); len(got) != 1 || !math.IsNaN(got[0][0]) {
		t.Errorf("Rows: %v", got)
	}
}

// Simulate on bad data: a NaN start, NaN or ±Inf features, a huge
// objective, an objective that panics, a diverging run: each returns
// promptly with Status Failed and an error, never Converged.
func TestPropertySimulate(t *testing.T) {
	good := MakeClassification(40, 3, 1, 1)
	withNaN := MakeClassification(40, 3, 1, 1)
	withNaN.X.Set(5, 1, math.NaN())
	withInf := MakeRegression(40, 3, 2, 0, 1)
	withInf.X.Set(7, 0, math.Inf(-1))
	huge := MakeRegression(40, 3, 2, 0, 1)
	huge.X.Scale(1e300, huge.X)
	tiny := MakeRegression(40, 3, 2, 0, 1)
	tiny.X.Scale(1e-300, tiny.X)
	net := nn.NewMLP([]int{3, 4, 2}, nn.Tanh, true, 1)
	mixture := nn.GaussianMixture(2, 3, 40, 2, 1)
	mixNaN := nn.GaussianMixture(2, 3, 40, 2, 1)
	mixNaN.X.Set(3, 2, math.NaN())
	mixInf := nn.GaussianMixture(2, 3, 40, 2, 1)
	mixInf.X.Set(5, 0, math.Inf(1))
	mixTiny := nn.GaussianMixture(2, 3, 40, 2, 1)
	mixTiny.X.Scale(1e-300, mixTiny.X)
	nnWorkers := func(d *nn.Dataset) []Func {
		return NNWorkers(net, d, DirichletSplit(d.Labels, 4, 1, 1), nn.SoftmaxCE, nn.Float64)
	}
	workers := func(d *Data, ls bool) []Func {
		parts := DirichletSplit(d.Labels, 4, 1, 1)
		if ls {
			return LeastSquaresWorkers(d, parts)
		}
		return LogisticWorkers(d, parts, 0.01, 0)
	}
	cases := []struct {
		name string
		ws   []Func
		x0   []float64
		s    *Settings
		fail bool
	}{
		{"good", workers(good, false), make([]float64, 3), &Settings{MaxIter: 20, Byzantine: 1, Attack: Attack{Kind: IPM}, Aggregator: Aggregator{Rule: RuleMedian}}, false},
		{"good, one worker", workers(good, false)[:1], make([]float64, 3), &Settings{MaxIter: 20}, false},
		{"tiny data", workers(tiny, true), make([]float64, 3), &Settings{MaxIter: 20}, false},
		{"NaN start", workers(good, false), []float64{0, math.NaN(), 0}, nil, true},
		{"NaN feature", workers(withNaN, false), make([]float64, 3), nil, true},
		{"NaN feature, flipped labels", workers(FlipLabels(withNaN), false), make([]float64, 3), nil, true},
		{"-Inf feature", workers(withInf, true), make([]float64, 3), nil, true},
		{"1e300 features", workers(huge, true), []float64{1, 1, 1}, nil, true},
		{"objective panics", []Func{func(x, g []float64) float64 { panic("no") }}, []float64{1}, nil, true},
		{"diverging step", workers(good, true), make([]float64, 3), &Settings{MaxIter: 100000, Step: 10}, true},
		{"label flip", LogisticWorkers(good, DirichletSplit(good.Labels, 4, 1, 1), 0.01, 1), make([]float64, 3), &Settings{MaxIter: 20, Byzantine: 1, Attack: Attack{Kind: LabelFlip}, Aggregator: Aggregator{Rule: RuleTrimmedMean}}, false},
		{"Gaussian, Krum", workers(good, false), make([]float64, 3), &Settings{MaxIter: 20, Byzantine: 0, Attack: Attack{Kind: Gaussian}, Aggregator: Aggregator{Rule: RuleKrum, F: 1}}, false},
		{"nn MLP, Flag", nnWorkers(mixture), net.Params, &Settings{MaxIter: 20, Byzantine: 1, Attack: Attack{Kind: ALIE}, Aggregator: Aggregator{Rule: RuleFlag}}, false},
		{"nn MLP, NaN feature", nnWorkers(mixNaN), net.Params, nil, true},
		{"nn MLP, +Inf feature", nnWorkers(mixInf), net.Params, nil, true},
		{"nn MLP, 1e-300 features", nnWorkers(mixTiny), net.Params, &Settings{MaxIter: 20}, false},
	}
	type runner struct {
		name string
		run  func([]Func, []float64, *Settings) (*Result, error)
	}
	for _, c := range cases {
		for _, rn := range []runner{{"Simulate", Simulate}, {"MoNNA", MoNNA}} {
			c := c
			c.name = rn.name + "/" + c.name
			var r *Result
			var err error
			if perr := mathxtest.Promptly(t, c.name, func() { r, err = rn.run(c.ws, c.x0, c.s) }); perr != nil {
				t.Errorf("%s: %v", c.name, perr)
				continue
			}
			if c.fail {
				if err == nil || r.Status != Failed {
					t.Errorf("%s: %v, %v; want Failed with an error", c.name, r.Status, err)
				}
				continue
			}
			if err != nil || r.Status != Converged || math.IsNaN(r.Loss) || math.IsInf(r.Loss, 0) {
				t.Errorf("%s: %v, %v, loss %v", c.name, r.Status, err, r.Loss)
			}
		}
	}
	// GeoMedian's Callback: a panic is an error with Status Failed.
	r, err := GeoMedian([][]float64{{0, 0}, {1, 0}, {0, 1}, {1, 1}}, &Settings{Callback: func(int, *Result) bool { panic("x") }})
	if err == nil || r.Status != Failed {
		t.Errorf("GeoMedian callback panic: %v %v", r.Status, err)
	}
}

// The graphs and the decentralised methods (Gossip, AsyncGossip, DADAO)
// on issue 18's bad inputs: programmer errors panic naming the function;
// NaN, ±Inf and 1e300 data, a panicking objective and a diverging step
// end promptly with Status Failed and an error; 1e-300 data and good data
// run to Converged. The degenerate graphs (one node, no edge) have finite
// spectra.
func TestPropertyDecentral(t *testing.T) {
	zero := func(x, g []float64) float64 {
		for j := range g {
			g[j] = 0
		}
		return 0
	}
	two := []Func{zero, zero}
	panics := map[string]func(){
		"Ring(2)":                  func() { Ring(2) },
		"Torus(2, 3)":              func() { Torus(2, 3) },
		"Complete(0)":              func() { Complete(0) },
		"ErdosRenyi n = 1":         func() { ErdosRenyi(1, 0.5, 0) },
		"ErdosRenyi p = 0":         func() { ErdosRenyi(5, 0, 0) },
		"ErdosRenyi p NaN":         func() { ErdosRenyi(5, math.NaN(), 0) },
		"ErdosRenyi never":         func() { ErdosRenyi(50, 1e-4, 0) },
		"NewGraph n = 0":           func() { NewGraph(0, nil) },
		"NewGraph self-loop":       func() { NewGraph(3, [][2]int{{1, 1}}) },
		"NewGraph out of range":    func() { NewGraph(3, [][2]int{{0, 3}}) },
		"Graph.Neighbors":          func() { Ring(4).Neighbors(4) },
		"Gossip nil graph":         func() { Gossip(two, []float64{0}, nil, nil) },
		"Gossip n mismatch":        func() { Gossip(two, []float64{0}, Ring(3), nil) },
		"Gossip Byzantine":         func() { Gossip(two, []float64{0}, Complete(2), &Settings{Byzantine: 1}) },
		"Gossip GradNoise < 0":     func() { Gossip(two, []float64{0}, Complete(2), &Settings{GradNoise: -1}) },
		"Gossip step < 0":          func() { Gossip(two, []float64{0}, Complete(2), &Settings{Step: -1}) },
		"Gossip no x0":             func() { Gossip(two, nil, Complete(2), nil) },
		"AsyncGossip CommRate NaN": func() { AsyncGossip(two, []float64{0}, Complete(2), &Settings{CommRate: math.NaN()}) },
		"AsyncGossip MaxIter < 0":  func() { AsyncGossip(two, []float64{0}, Complete(2), &Settings{MaxIter: -1}) },
		"DADAO nil settings":       func() { DADAO(two, []float64{0}, Complete(2), nil) },
		"DADAO L < Mu":             func() { DADAO(two, []float64{0}, Complete(2), &Settings{Mu: 2, L: 1}) },
		"DADAO L = Inf":            func() { DADAO(two, []float64{0}, Complete(2), &Settings{Mu: 1, L: math.Inf(1)}) },
		"DADAO no edge":            func() { DADAO(two, []float64{0}, NewGraph(2, nil), &Settings{Mu: 1, L: 1}) },
		"DADAO disconnected": func() {
			DADAO([]Func{zero, zero, zero, zero}, []float64{0}, NewGraph(4, [][2]int{{0, 1}, {2, 3}}), &Settings{Mu: 1, L: 1})
		},
		"DADAO CommRate < 0":        func() { DADAO(two, []float64{0}, Complete(2), &Settings{Mu: 1, L: 1, CommRate: -1}) },
		"DADAO Byzantine":           func() { DADAO(two, []float64{0}, Complete(2), &Settings{Mu: 1, L: 1, Byzantine: 1}) },
		"AsyncGossip graph too big": func() { AsyncGossip(two, []float64{0}, Torus(3, 3), nil) },
	}
	for name, f := range panics {
		err := mathxtest.Promptly(t, name, f)
		if err == nil || !strings.Contains(err.Error(), "collab.") {
			t.Errorf("%s: %v; want a panic naming the function", name, err)
		}
	}
	for _, g := range []*Graph{Complete(1), NewGraph(3, nil)} {
		s := g.Spectrum()
		if math.IsNaN(s.Fiedler) || math.IsNaN(s.Mixing) || math.IsNaN(s.LambdaMax) || len(g.Edges()) != 0 || g.Laplacian().At(0, 0) != 0 || g.Metropolis().At(0, 0) != 1 {
			t.Errorf("%d nodes, no edge: %+v", g.N(), s)
		}
		if g.N() == 3 && (g.Connected() || g.Degrees()[1] != 0) {
			t.Errorf("3 isolated nodes: connected %v", g.Connected())
		}
	}

	good := MakeClassification(64, 3, 1, 1)
	withNaN := MakeClassification(64, 3, 1, 1)
	withNaN.X.Set(5, 1, math.NaN())
	withInf := MakeRegression(64, 3, 2, 0, 1)
	withInf.X.Set(7, 0, math.Inf(-1))
	huge := MakeRegression(64, 3, 2, 0, 1)
	huge.X.Scale(1e300, huge.X)
	tiny := MakeRegression(64, 3, 2, 0, 1)
	tiny.X.Scale(1e-300, tiny.X)
	g := Ring(4)
	workers := func(d *Data, ls bool) []Func {
		parts := DirichletSplit(d.Labels, 4, 1, 1)
		if ls {
			return LeastSquaresWorkers(d, parts)
		}
		return LogisticWorkers(d, parts, 0.1, 0)
	}
	panicky := []Func{zero, zero, func(x, g []float64) float64 { panic("no") }, zero}
	cases := []struct {
		name string
		ws   []Func
		x0   []float64
		s    Settings
		fail bool
	}{
		{"good", workers(good, false), make([]float64, 3), Settings{MaxIter: 20, GradNoise: 0.1}, false},
		{"tiny data", workers(tiny, true), make([]float64, 3), Settings{MaxIter: 20}, false},
		{"NaN start", workers(good, false), []float64{0, math.NaN(), 0}, Settings{}, true},
		{"+Inf start", workers(good, false), []float64{0, 0, math.Inf(1)}, Settings{}, true},
		{"NaN feature", workers(withNaN, false), make([]float64, 3), Settings{}, true},
		{"-Inf feature", workers(withInf, true), make([]float64, 3), Settings{}, true},
		{"1e300 features", workers(huge, true), []float64{1, 1, 1}, Settings{}, true},
		{"objective panics", panicky, []float64{1}, Settings{}, true},
		{"huge gradient noise", workers(good, false), make([]float64, 3), Settings{MaxIter: 100000, GradNoise: 1e308}, true},
	}
	type runner struct {
		name string
		run  func([]Func, []float64, *Graph, *Settings) (*Result, error)
	}
	dadao := func(ws []Func, x0 []float64, g *Graph, s *Settings) (*Result, error) {
		s.Mu, s.L = 0.1, 5
		return DADAO(ws, x0, g, s)
	}
	for _, c := range append(cases, struct {
		name string
		ws   []Func
		x0   []float64
		s    Settings
		fail bool
	}{"diverging step (Gossip, AsyncGossip)", workers(good, true), make([]float64, 3), Settings{MaxIter: 100000, Step: 50}, true}) {
		for _, rn := range []runner{{"Gossip", Gossip}, {"AsyncGossip", AsyncGossip}, {"DADAO", dadao}} {
			if rn.name == "DADAO" && strings.HasPrefix(c.name, "diverging") {
				continue
			}
			name := rn.name + "/" + c.name
			s := c.s
			var r *Result
			var err error
			if perr := mathxtest.Promptly(t, name, func() { r, err = rn.run(c.ws, c.x0, g, &s) }); perr != nil {
				t.Errorf("%s: %v", name, perr)
				continue
			}
			if c.fail {
				if err == nil || r.Status != Failed {
					t.Errorf("%s: %v, %v; want Failed with an error", name, r.Status, err)
				}
				continue
			}
			if err != nil || r.Status != Converged || math.IsNaN(r.Loss) || math.IsInf(r.Loss, 0) || r.Models == nil {
				t.Errorf("%s: %v, %v, loss %v", name, r.Status, err, r.Loss)
			}
		}
	}
}

// The sketches, the private messages and the gradient-inversion attack
// on issue 18's inputs: zeros, NaN, ±Inf, scales 1e±300. Sketch,
// Desketch and Message (without noise) are linear, so they map zeros to
// zeros and s·v to s times the image of v, and a non-finite entry gives a
// non-finite output (they return no error: Simulate checks its
// gradients before sketching them); InvertLinear is scale-invariant and
// returns ErrNonFinite on a non-finite entry. Programmer errors panic
// naming the function; sketched Simulate on bad data ends Failed.
func TestPropertySketch(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	base := []float64{1, -2, 0.5, 3, -1}
	for _, kind := range []SketchKind{GaussianSketch, CountSketch} {
		var r *SketchMatrix = NewSketch(kind, 3, 5, 7)
		if s, d := r.Dims(); s != 3 || d != 5 || r.Kind() != kind || r.Dense() == nil {
			t.Fatalf("%v: Dims %d×%d, Kind %v", kind, s, d, r.Kind())
		}
		cfg := Sketching{Kind: kind, Size: 3, Clip: 1e308}
		maps := map[string]func(v []float64) []float64{
			"Sketch":   func(v []float64) []float64 { return r.Sketch(nil, v) },
			"Desketch": func(v []float64) []float64 { return r.Desketch(nil, v[:3]) },
			"Message":  func(v []float64) []float64 { return cfg.Message(nil, v, r, 0, 1) },
		}
		for name, f := range maps {
			name = kind.String() + "/" + name
			var ref, got []float64
			if err := mathxtest.Promptly(t, name, func() { ref = f(base) }); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if got = f(make([]float64, 5)); !eqVec(got, make([]float64, len(ref)), 0) {
				t.Errorf("%s(0) = %v", name, got)
			}
			for _, sc := range []float64{1e300, 1e-300} {
				got = f(scaleRows([][]float64{base}, sc)[0])
				for j := range got {
					if math.Abs(got[j]-sc*ref[j]) > 1e-12*sc*math.Max(1, math.Abs(ref[j])) {
						t.Errorf("%s(%g·v) = %v, want %g·%v", name, sc, got, sc, ref)
						break
					}
				}
			}
			for _, bad := range []float64{nan, inf, -inf} {
				v := append([]float64(nil), base...)
				v[0], v[1], v[2] = bad, bad, bad // Desketch reads v[:3]; a count sketch may leave a row unused
				got = f(v)
				if finite(got...) {
					t.Errorf("%s with %v: %v, want a non-finite output", name, bad, got)
				}
			}
		}
		if n := r.Norm(); !(n > 0) || math.IsInf(n, 0) {
			t.Errorf("%v: Norm %v", kind, n)
		}
		if s := cfg.Sigma(r); s != 0 {
			t.Errorf("%v: Sigma without Epsilon = %v", kind, s)
		}
	}
	g := []float64{2, -4, 1, 6}
	ref, err := InvertLinear(g, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, sc := range []float64{1e300, 1e-300, -3} {
		got, err := InvertLinear(scaleRows([][]float64{g}, sc)[0], 0)
		if err != nil || !eqVec(got, ref, 1e-15) {
			t.Errorf("InvertLinear(%g·g) = %v, %v; want %v", sc, got, err, ref)
		}
	}
	for _, v := range [][]float64{{1, nan, 2}, {1, 2, inf}, {-inf, 1, 1}, {1e-300, 1e300, 1}} {
		if got, err := InvertLinear(v, 0); !errors.Is(err, ErrNonFinite) {
			t.Errorf("InvertLinear(%v) = %v, %v; want ErrNonFinite", v, got, err)
		}
	}
	if _, err := InvertLinear([]float64{0, 0, 0}, 2); err == nil || errors.Is(err, ErrNonFinite) {
		t.Errorf("InvertLinear(zeros): %v, want an error (zero residual)", err)
	}
	// Names: every constant and a number for the others.
	for k, want := range map[SketchKind]string{NoSketch: "NoSketch", GaussianSketch: "GaussianSketch", CountSketch: "CountSketch", SketchKind(9): "SketchKind(9)"} {
		if got := k.String(); got != want {
			t.Errorf("SketchKind.String = %q, want %q", got, want)
		}
	}
	one := []Func{func(x, g []float64) float64 { return 0 }}
	panics := map[string]func(){
		"NewSketch NoSketch":      func() { NewSketch(NoSketch, 2, 3, 0) },
		"NewSketch s = 0":         func() { NewSketch(CountSketch, 0, 3, 0) },
		"Sketch length":           func() { NewSketch(CountSketch, 2, 3, 0).Sketch(nil, []float64{1}) },
		"Desketch dst":            func() { NewSketch(GaussianSketch, 2, 3, 0).Desketch(make([]float64, 2), []float64{1, 2}) },
		"GaussianSigma epsilon 1": func() { GaussianSigma(1, 1e-5, 1) },
		"GaussianSigma delta 0":   func() { GaussianSigma(0.5, 0, 1) },
		"GaussianSigma NaN":       func() { GaussianSigma(0.5, 1e-5, nan) },
		"Sigma without Clip":      func() { Sketching{Epsilon: 0.5, Delta: 1e-5}.Sigma(nil) },
		"Message sigma < 0":       func() { Sketching{}.Message(nil, []float64{1}, nil, -1, 0) },
		"Message length":          func() { Sketching{}.Message(nil, []float64{1}, NewSketch(CountSketch, 2, 3, 0), 0, 0) },
		"InvertLinear bias":       func() { InvertLinear([]float64{1, 2}, 2) },
		"Simulate Size, NoSketch": func() { Simulate(one, []float64{0}, &Settings{Sketch: Sketching{Size: 3}}) },
		"Simulate Delta alone":    func() { Simulate(one, []float64{0}, &Settings{Sketch: Sketching{Kind: CountSketch, Delta: 0.1}}) },
		"Simulate Kind 7":         func() { Simulate(one, []float64{0}, &Settings{Sketch: Sketching{Kind: 7}}) },
		"Simulate Clip NaN":       func() { Simulate(one, []float64{0}, &Settings{Sketch: Sketching{Clip: nan}}) },
		"Simulate Epsilon, no Clip": func() {
			Simulate(one, []float64{0}, &Settings{Sketch: Sketching{Kind: CountSketch, Epsilon: 0.5, Delta: 1e-5}})
		},
	}
	for name, f := range panics {
		err := mathxtest.Promptly(t, name, f)
		if err == nil || !strings.Contains(err.Error(), "collab.") {
			t.Errorf("%s: %v; want a panic naming the function", name, err)
		}
	}
	// Sketched (and private) Simulate on bad data: Failed, never Converged;
	// on good data Converged with a finite loss.
	good := MakeClassification(40, 3, 1, 1)
	withNaN := MakeClassification(40, 3, 1, 1)
	withNaN.X.Set(5, 1, nan)
	huge := MakeRegression(40, 3, 2, 0, 1)
	huge.X.Scale(1e300, huge.X)
	parts := DirichletSplit(good.Labels, 4, 1, 1)
	sk := Sketching{Kind: CountSketch, Size: 2, Clip: 5, Epsilon: 0.5, Delta: 1e-5}
	for _, c := range []struct {
		name string
		ws   []Func
		x0   []float64
		fail bool
	}{
		{"good", LogisticWorkers(good, parts, 0.01, 0), make([]float64, 3), false},
		{"NaN start", LogisticWorkers(good, parts, 0.01, 0), []float64{0, nan, 0}, true},
		{"NaN feature", LogisticWorkers(withNaN, parts, 0.01, 0), make([]float64, 3), true},
		{"1e300 features", LeastSquaresWorkers(huge, DirichletSplit(huge.Labels, 4, 1, 1)), []float64{1, 1, 1}, true},
	} {
		var r *Result
		var err error
		if perr := mathxtest.Promptly(t, c.name, func() { r, err = Simulate(c.ws, c.x0, &Settings{MaxIter: 20, Sketch: sk}) }); perr != nil {
			t.Errorf("sketched Simulate/%s: %v", c.name, perr)
			continue
		}
		if c.fail != (err != nil && r.Status == Failed) || !c.fail && (r.Status != Converged || !finite(r.Loss)) {
			t.Errorf("sketched Simulate/%s: %v, %v, loss %v", c.name, r.Status, err, r.Loss)
		}
	}
}
