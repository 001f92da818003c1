package online

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"
)

// TestBoundCertifies checks Result.Bound as a property: over SEA sequences
// (linear and quadratic, σ ∈ {0, 0.5, 2}, Σ ∈ {0, 1}, periods 1, 7, 100),
// three domains and seven algorithms (with FullHint and LearnedHint), the
// regret against the best fixed point and against three random points of
// the domain never exceeds Bound.
func TestBoundCertifies(t *testing.T) {
	const T, d = 1000, 4
	doms := []Domain{Ball(1.5), Box(-1, 2), Simplex()}
	algos := []struct {
		name string
		run  func(env Environment, dom Domain, T int, s *Settings) (*Result, error)
		set  Settings
		simp bool
	}{
		{"OGD", OGD, Settings{}, false},
		{"OGD-strong", OGD, Settings{StrongConvexity: 1}, false},
		{"OMD", OMD, Settings{}, false},
		{"OMD-optimistic", OMD, Settings{Optimistic: true}, false},
		{"OMD-entropic-eta", OMD, Settings{Mirror: Entropic, Eta: 0.05, Optimistic: true}, true},
		{"OMD-learned", OMD, Settings{Optimistic: true, HintWeight: LearnedHint}, false},
		{"OMD-entropic-eta-learned", OMD, Settings{Mirror: Entropic, Eta: 0.05, Optimistic: true, HintWeight: LearnedHint}, true},
	}
	checked := 0
	for k := 0; k < 12; k++ {
		seed := uint64(k)
		mu := make([]float64, d)
		dir := make([]float64, d)
		for i := range mu {
			mu[i] = hashNormal(seed, 0, i)
			dir[i] = hashNormal(seed, 1, i)
		}
		env := NewSEA(mu, dir, []float64{0, 0.5, 2}[k%3], float64(k%2), []int{1, 7, 100}[k%3], k%4 >= 2, seed)
		for _, dom := range doms {
			comps := [][]float64{env.Best(dom, T)}
			for j := 0; j < 3; j++ {
				u := make([]float64, d)
				for i := range u {
					u[i] = 2 * hashNormal(seed+100, j, i)
				}
				dom.Project(u, make([]float64, d))
				comps = append(comps, u)
			}
			for _, a := range algos {
				if a.simp && dom.Kind != SimplexDomain {
					continue
				}
				for _, u := range comps {
					s := a.set
					s.Comparator = u
					r, err := a.run(env, dom, T, &s)
					if err != nil {
						t.Fatal(err)
					}
					if math.IsNaN(r.Bound) || r.Regret > r.Bound*(1+1e-12) {
						t.Errorf("seq %d %v %s: regret %.4f, bound %.4f", k, dom.Kind, a.name, r.Regret, r.Bound)
					}
					checked++
				}
			}
		}
	}
	t.Logf("%d runs checked", checked)
}

// TestHedgeClosedForm checks that plain entropic OMD and FTRL with a
// constant η both play Hedge's closed form x_t ∝ exp(−η Σ_{s<t} g_s) to
// 1e-12, that plain Euclidean OMD equals OGD bit for bit, and that the
// log domain survives losses whose sums overflow exp.
func TestHedgeClosedForm(t *testing.T) {
	env := NewSEA([]float64{300, 0, -200, 5}, []float64{1, 2, 3, 4}, 50, 10, 3, false, 4)
	const T, eta = 200, 0.7
	sum := make([]float64, 4)
	g := make([]float64, 4)
	want := make([]float64, 4)
	check := func(name string, s Settings) {
		var got [][]float64
		s.Callback = func(it int, r *Result) bool {
			got = append(got, append([]float64(nil), r.X...))
			return true
		}
		run := OMD
		if name == "FTRL" {
			run = FTRL
		}
		if _, err := run(env, Simplex(), T, &s); err != nil {
			t.Fatal(err)
		}
		for i := range sum {
			sum[i] = 0
		}
		for tt := 1; tt <= T; tt++ {
			for i := range want {
				want[i] = -eta * sum[i]
			}
			softmax(want)
			for i := range want {
				if math.Abs(got[tt-1][i]-want[i]) > 1e-12 || math.IsNaN(got[tt-1][i]) {
					t.Fatalf("%s round %d: x = %v, Hedge %v", name, tt, got[tt-1], want)
				}
			}
			env.Loss(tt, want, g)
			for i := range g {
				sum[i] += g[i]
			}
		}
	}
	check("OMD", Settings{Mirror: Entropic, Eta: eta})
	check("FTRL", Settings{Mirror: Entropic, Eta: eta})

	sea := NewSEA([]float64{0.3, -0.5, 0.2}, []float64{1, 0, -1}, 1, 0.5, 5, true, 9)
	a, err := OGD(sea, Ball(1), 3000, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := OMD(sea, Ball(1), 3000, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range a.History {
		if a.History[i] != b.History[i] {
			t.Fatalf("round %d: OGD cumulative loss %v, OMD %v", i+1, a.History[i], b.History[i])
		}
	}
}

// TestProjectSimplex compares the simplex projection with
// testdata/proj_simplex.json (numpy closed form, atol = rtol = 1e-12);
// the z ≠ 1 case uses Π_z(x) = z Π_1(x/z).
func TestProjectSimplex(t *testing.T) {
	path := filepath.Join("testdata", "proj_simplex.json")
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reference data missing: %v (testdata/README.md says how to regenerate it)", err)
	}
	var ref struct {
		Cases struct {
			ProjSimplex []struct {
				X    []float64 `json:"x"`
				Z    float64   `json:"z"`
				Proj []float64 `json:"proj"`
			} `json:"proj_simplex"`
		} `json:"cases"`
	}
	if err := json.Unmarshal(raw, &ref); err != nil {
		t.Fatal(err)
	}
	if len(ref.Cases.ProjSimplex) == 0 {
		t.Fatalf("no proj_simplex cases in %s", path)
	}
	for n, c := range ref.Cases.ProjSimplex {
		x := make([]float64, len(c.X))
		for i, v := range c.X {
			x[i] = v / c.Z
		}
		Simplex().Project(x, make([]float64, len(x)))
		for i := range x {
			x[i] *= c.Z
			if math.Abs(x[i]-c.Proj[i]) > 1e-12+1e-12*math.Abs(c.Proj[i]) {
				t.Fatalf("case %d: proj[%d] = %.17g, want %.17g", n, i, x[i], c.Proj[i])
			}
		}
	}
}
