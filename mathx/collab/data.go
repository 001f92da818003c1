package collab

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// Func is a worker's objective in the shape of mathx/nn, mathx/curvature
// and gonum's optimize: it returns f(x) and, when grad is not nil, writes
// ∇f(x) into grad (len(grad) == len(x)). It must not keep x or grad.
type Func func(x, grad []float64) float64

// Data is a labelled data set: the rows of X are the examples, Y their
// targets (regression) or 0/1 classes (classification), Labels the
// integer class of each example that DirichletSplit splits by (the
// cluster for MakeRegression, the class for MakeClassification).
type Data struct {
	X       *mat.Dense
	Y       []float64
	Labels  []int
	Classes int
}

// MakeRegression returns m examples in dimension d drawn from k clusters
// (label l: features N(c_l, I) with c_l ~ N(0, 4I)), with targets
// y = aᵀx* + noise·N(0, 1) for one x* ~ N(0, I) shared by all: the
// minimiser of the pooled least squares is near x*, while a worker that
// holds one cluster sees a shifted, ill-conditioned problem. Deterministic
// per seed. It panics unless m, d, k ≥ 1 and noise ≥ 0.
func MakeRegression(m, d, k int, noise float64, seed uint64) *Data {
	if m < 1 || d < 1 || k < 1 || !(noise >= 0) {
		panic(fmt.Sprintf("collab.MakeRegression: m = %d, d = %d, k = %d, noise = %v", m, d, k, noise))
	}
	rng := rand.New(rand.NewPCG(seed, 1))
	centres := make([]float64, k*d)
	for i := range centres {
		centres[i] = 2 * rng.NormFloat64()
	}
	xs := make([]float64, d)
	for i := range xs {
		xs[i] = rng.NormFloat64()
	}
	data := &Data{X: mat.NewDense(m, d, nil), Y: make([]float64, m), Labels: make([]int, m), Classes: k}
	for i := 0; i < m; i++ {
		l := rng.IntN(k)
		row := data.X.RawRowView(i)
		var y float64
		for j := range row {
			row[j] = centres[l*d+j] + rng.NormFloat64()
			y += row[j] * xs[j]
		}
		data.Y[i] = y + noise*rng.NormFloat64()
		data.Labels[i] = l
	}
	return data
}

// MakeClassification returns m examples in dimension d of two classes:
// class c ∈ {0, 1} has features N((2c − 1)·sep·u, I) for one unit u, so
// sep sets how separable they are; Y and Labels hold c. Deterministic per
// seed. It panics unless m, d ≥ 1 and sep ≥ 0.
func MakeClassification(m, d int, sep float64, seed uint64) *Data {
	if m < 1 || d < 1 || !(sep >= 0) || math.IsInf(sep, 0) {
		panic(fmt.Sprintf("collab.MakeClassification: m = %d, d = %d, sep = %v", m, d, sep))
	}
	rng := rand.New(rand.NewPCG(seed, 2))
	u := make([]float64, d)
	var nu float64
	for i := range u {
		u[i] = rng.NormFloat64()
		nu += u[i] * u[i]
	}
	nu = math.Sqrt(nu)
	data := &Data{X: mat.NewDense(m, d, nil), Y: make([]float64, m), Labels: make([]int, m), Classes: 2}
	for i := 0; i < m; i++ {
		c := rng.IntN(2)
		row := data.X.RawRowView(i)
		for j := range row {
			row[j] = float64(2*c-1)*sep*u[j]/nu + rng.NormFloat64()
		}
		data.Y[i] = float64(c)
		data.Labels[i] = c
	}
	return data
}

// FlipLabels returns a copy of data with every class c replaced by
// Classes − 1 − c (0 ↔ 1 for two classes) in Labels and in Y: the data
// of label-flipping Byzantine workers. It is meant for classification
// data (MakeClassification), where Y holds the classes. X is shared, not
// copied.
func FlipLabels(data *Data) *Data {
	out := &Data{X: data.X, Y: make([]float64, len(data.Y)), Labels: make([]int, len(data.Labels)), Classes: data.Classes}
	for i, l := range data.Labels {
		out.Labels[i] = data.Classes - 1 - l
	}
	for i, y := range data.Y {
		out.Y[i] = float64(data.Classes-1) - y
	}
	return out
}

// gamma draws from Gamma(a, 1) by Marsaglia and Tsang's method (ACM TOMS
// 2000), boosted by U^{1/a} for a < 1.
func gamma(rng *rand.Rand, a float64) float64 {
	if a < 1 {
		return gamma(rng, a+1) * math.Pow(rng.Float64(), 1/a)
	}
	d := a - 1.0/3
	c := 1 / math.Sqrt(9*d)
	for {
		x := rng.NormFloat64()
		v := 1 + c*x
		if v <= 0 {
			continue
		}
		v = v * v * v
		u := rng.Float64()
		if math.Log(u) < 0.5*x*x+d-d*v+d*math.Log(v) {
			return d * v
		}
	}
}

// DirichletSplit splits the examples 0 … len(labels)−1 among the given
// number of workers by labels, the usual way to make federated data
// heterogeneous (Hsu, Qi & Brown 2019, arXiv 1909.06335): for each class,
// proportions p ~ Dirichlet(α, …, α) over the workers, and the class's
// examples (in a seeded random order) go to the workers in those
// proportions. Small α gives each worker few classes; large α gives every
// worker about the same mix. Every worker gets at least one example (one
// is moved from the largest worker to an empty one), so there must be at
// least as many examples as workers. Deterministic per seed; each list is
// in increasing order. It panics on a negative label, alpha ≤ 0 or
// workers < 1 or > len(labels).
func DirichletSplit(labels []int, workers int, alpha float64, seed uint64) [][]int {
	if workers < 1 || workers > len(labels) || !(alpha > 0) || math.IsInf(alpha, 0) {
		panic(fmt.Sprintf("collab.DirichletSplit: %d labels, workers = %d, alpha = %v; want 1 ≤ workers ≤ labels, 0 < alpha < ∞", len(labels), workers, alpha))
	}
	classes := 0
	for i, l := range labels {
		if l < 0 {
			panic(fmt.Sprintf("collab.DirichletSplit: label %d is %d", i, l))
		}
		classes = max(classes, l+1)
	}
	rng := rand.New(rand.NewPCG(seed, 3))
	byClass := make([][]int, classes)
	for i, l := range labels {
		byClass[l] = append(byClass[l], i)
	}
	owner := make([]int, len(labels))
	p := make([]float64, workers)
	for _, ex := range byClass {
		rng.Shuffle(len(ex), func(a, b int) { ex[a], ex[b] = ex[b], ex[a] })
		var sum float64
		for w := range p {
			p[w] = gamma(rng, alpha)
			sum += p[w]
		}
		var cum float64
		start := 0
		for w := range p {
			cum += p[w] / sum
			end := int(math.Round(cum * float64(len(ex))))
			if w == workers-1 {
				end = len(ex)
			}
			for _, i := range ex[start:end] {
				owner[i] = w
			}
			start = end
		}
	}
	parts := make([][]int, workers)
	for i, w := range owner {
		parts[w] = append(parts[w], i)
	}
	for w := range parts {
		if len(parts[w]) > 0 {
			continue
		}
		big := 0
		for k := range parts {
			if len(parts[k]) > len(parts[big]) {
				big = k
			}
		}
		last := len(parts[big]) - 1
		parts[w] = []int{parts[big][last]}
		parts[big] = parts[big][:last]
	}
	return parts
}

func checkIdx(fn string, data *Data, idx []int) {
	m, _ := data.X.Dims()
	if len(data.Y) != m {
		panic(fmt.Sprintf("collab.%s: %d targets for %d examples", fn, len(data.Y), m))
	}
	for _, i := range idx {
		if i < 0 || i >= m {
			panic(fmt.Sprintf("collab.%s: index %d out of range [0, %d)", fn, i, m))
		}
	}
}

// LeastSquares returns the least-squares objective of the examples idx of
// data, f(x) = (1/2|idx|)·Σ_{i∈idx} (a_iᵀx − y_i)², with its gradient
// (1/|idx|)·Σ (a_iᵀx − y_i)·a_i (0 for no examples). It panics on an
// index out of range.
func LeastSquares(data *Data, idx []int) Func {
	checkIdx("LeastSquares", data, idx)
	idx = append([]int(nil), idx...)
	_, d := data.X.Dims()
	return func(x, grad []float64) float64 {
		if len(x) != d || grad != nil && len(grad) != d {
			panic(fmt.Sprintf("collab.LeastSquares: len(x) = %d, len(grad) = %d, want %d", len(x), len(grad), d))
		}
		for j := range grad {
			grad[j] = 0
		}
		if len(idx) == 0 {
			return 0
		}
		c := 1 / float64(len(idx))
		var f float64
		for _, i := range idx {
			a := data.X.RawRowView(i)
			r := -data.Y[i]
			for j, t := range a {
				r += t * x[j]
			}
			f += 0.5 * c * r * r
			if grad != nil {
				for j, t := range a {
					grad[j] += c * r * t
				}
			}
		}
		return f
	}
}

// Logistic returns the ℓ2-regularised logistic loss of the examples idx
// of data (Y in {0, 1}), f(x) = (1/|idx|)·Σ log(1 + exp(−s_i a_iᵀx)) +
// (lambda/2)‖x‖² with s_i = 2y_i − 1 — mathx/lasso's and scikit-learn's
// scaling of the mean loss — and its gradient. It panics on an index out
// of range or lambda < 0.
func Logistic(data *Data, idx []int, lambda float64) Func {
	checkIdx("Logistic", data, idx)
	if !(lambda >= 0) {
		panic(fmt.Sprintf("collab.Logistic: lambda = %v, want ≥ 0", lambda))
	}
	idx = append([]int(nil), idx...)
	_, d := data.X.Dims()
	return func(x, grad []float64) float64 {
		if len(x) != d || grad != nil && len(grad) != d {
			panic(fmt.Sprintf("collab.Logistic: len(x) = %d, len(grad) = %d, want %d", len(x), len(grad), d))
		}
		var f float64
		for j := range x {
			f += 0.5 * lambda * x[j] * x[j]
			if grad != nil {
				grad[j] = lambda * x[j]
			}
		}
		if len(idx) == 0 {
			return f
		}
		c := 1 / float64(len(idx))
		for _, i := range idx {
			a := data.X.RawRowView(i)
			s := 2*data.Y[i] - 1
			var z float64
			for j, t := range a {
				z += t * x[j]
			}
			m := -s * z
			// log(1 + e^m), stable both ways; σ(m) its derivative.
			var l, sg float64
			if m > 0 {
				l = m + math.Log1p(math.Exp(-m))
				sg = 1 / (1 + math.Exp(-m))
			} else {
				e := math.Exp(m)
				l = math.Log1p(e)
				sg = e / (1 + e)
			}
			f += c * l
			if grad != nil {
				for j, t := range a {
					grad[j] -= c * sg * s * t
				}
			}
		}
		return f
	}
}

// LeastSquaresWorkers returns LeastSquares(data, p) for every part p of
// parts (as DirichletSplit makes them), the workers of Simulate. (A
// notebook can also build the slice itself; see the package doc on
// assigning compiled functions into a slice in a cell.)
func LeastSquaresWorkers(data *Data, parts [][]int) []Func {
	out := make([]Func, len(parts))
	for i, p := range parts {
		out[i] = LeastSquares(data, p)
	}
	return out
}

// LogisticWorkers returns Logistic(data, p, lambda) for every part p of
// parts, except that the last flipped workers get their examples with
// flipped labels (FlipLabels): the label-flipping Byzantine workers of
// Simulate with Attack{Kind: LabelFlip} and Byzantine = flipped. It
// panics unless 0 ≤ flipped ≤ len(parts).
func LogisticWorkers(data *Data, parts [][]int, lambda float64, flipped int) []Func {
	if flipped < 0 || flipped > len(parts) {
		panic(fmt.Sprintf("collab.LogisticWorkers: flipped = %d with %d parts", flipped, len(parts)))
	}
	out := make([]Func, len(parts))
	var fl *Data
	if flipped > 0 {
		fl = FlipLabels(data)
	}
	for i, p := range parts {
		if i >= len(parts)-flipped {
			out[i] = Logistic(fl, p, lambda)
		} else {
			out[i] = Logistic(data, p, lambda)
		}
	}
	return out
}

// LogisticSmoothness returns a smoothness constant L shared by the
// workers Logistic(data, p, lambda) of every part p of parts (as
// LogisticWorkers makes them; flipping labels does not change it): the
// largest over the parts of λ_max(A_pᵀA_p)/(4m_p) + lambda, A_p the m_p
// rows of data.X in p (the logistic loss's second derivative is at most
// ¼), or lambda for an empty part. Each worker is also lambda-strongly
// convex, so Settings{Mu: lambda, L: LogisticSmoothness(data, parts,
// lambda)} is what DADAO needs (lambda > 0). It returns NaN when a row in
// a part has a non-finite entry, and panics as Logistic does (an index
// out of range, lambda < 0) or when an eigendecomposition fails.
func LogisticSmoothness(data *Data, parts [][]int, lambda float64) float64 {
	if !(lambda >= 0) {
		panic(fmt.Sprintf("collab.LogisticSmoothness: lambda = %v, want ≥ 0", lambda))
	}
	_, d := data.X.Dims()
	L := lambda
	for _, p := range parts {
		checkIdx("LogisticSmoothness", data, p)
		if len(p) == 0 {
			continue
		}
		a := mat.NewDense(len(p), d, nil)
		for r, i := range p {
			for _, t := range data.X.RawRowView(i) {
				if math.IsNaN(t) || math.IsInf(t, 0) {
					return math.NaN()
				}
			}
			a.SetRow(r, data.X.RawRowView(i))
		}
		var ata mat.SymDense
		ata.SymOuterK(0.25/float64(len(p)), a.T())
		var es mat.EigenSym
		if !es.Factorize(&ata, false) {
			panic("collab.LogisticSmoothness: symmetric eigendecomposition failed")
		}
		v := es.Values(nil)
		L = math.Max(L, v[len(v)-1]+lambda)
	}
	return L
}
