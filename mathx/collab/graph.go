package collab

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"

	"gonum.org/v1/gonum/mat"
)

// Graph is an undirected simple graph on the nodes 0, …, N()−1: the
// communication network of the decentralised methods (Gossip,
// AsyncGossip, DADAO). Make one with Ring, Torus, ErdosRenyi, Complete
// or NewGraph; a Graph is not modified after it is made, so one may be
// shared between runs and goroutines.
type Graph struct {
	n     int
	edges [][2]int // i < j, in increasing order
	nbrs  [][]int  // neighbours of each node, increasing
}

// NewGraph returns the graph on n nodes with the given undirected edges
// (a repeated edge, in either orientation, counts once). It panics when
// n < 1, an endpoint is out of [0, n) or an edge is a self-loop.
func NewGraph(n int, edges [][2]int) *Graph {
	if n < 1 {
		panic(fmt.Sprintf("collab.NewGraph: n = %d, want ≥ 1", n))
	}
	seen := map[[2]int]bool{}
	var es [][2]int
	for k, e := range edges {
		i, j := e[0], e[1]
		if i < 0 || i >= n || j < 0 || j >= n || i == j {
			panic(fmt.Sprintf("collab.NewGraph: edge %d is (%d, %d) with n = %d; want two distinct nodes in [0, n)", k, i, j, n))
		}
		if i > j {
			i, j = j, i
		}
		if !seen[[2]int{i, j}] {
			seen[[2]int{i, j}] = true
			es = append(es, [2]int{i, j})
		}
	}
	sort.Slice(es, func(a, b int) bool {
		if es[a][0] != es[b][0] {
			return es[a][0] < es[b][0]
		}
		return es[a][1] < es[b][1]
	})
	g := &Graph{n: n, edges: es, nbrs: make([][]int, n)}
	for _, e := range es {
		g.nbrs[e[0]] = append(g.nbrs[e[0]], e[1])
		g.nbrs[e[1]] = append(g.nbrs[e[1]], e[0])
	}
	for _, nb := range g.nbrs {
		sort.Ints(nb)
	}
	return g
}

// Ring returns the cycle 0 – 1 – … – (n−1) – 0. It panics when n < 3.
func Ring(n int) *Graph {
	if n < 3 {
		panic(fmt.Sprintf("collab.Ring: n = %d, want ≥ 3", n))
	}
	es := make([][2]int, n)
	for i := range es {
		es[i] = [2]int{i, (i + 1) % n}
	}
	return NewGraph(n, es)
}

// Torus returns the rows × cols two-dimensional torus: node r·cols + c
// is joined to its four neighbours (r ± 1 mod rows, c) and
// (r, c ± 1 mod cols), so every node has degree 4. It panics unless
// rows, cols ≥ 3.
func Torus(rows, cols int) *Graph {
	if rows < 3 || cols < 3 {
		panic(fmt.Sprintf("collab.Torus: %d × %d, want both ≥ 3", rows, cols))
	}
	var es [][2]int
	for r := 0; r < rows; r++ {
		for c := 0; c < cols; c++ {
			i := r*cols + c
			es = append(es, [2]int{i, r*cols + (c+1)%cols}, [2]int{i, ((r+1)%rows)*cols + c})
		}
	}
	return NewGraph(rows*cols, es)
}

// Complete returns the complete graph on n nodes. It panics when n < 1.
func Complete(n int) *Graph {
	if n < 1 {
		panic(fmt.Sprintf("collab.Complete: n = %d, want ≥ 1", n))
	}
	var es [][2]int
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			es = append(es, [2]int{i, j})
		}
	}
	return NewGraph(n, es)
}

// ErdosRenyi returns a connected Erdős–Rényi graph G(n, p): every pair
// of nodes is an edge with probability p, independently, and draws are
// repeated (from the same seeded stream) until the graph is connected, so
// the result follows G(n, p) conditioned on connectivity. Deterministic
// per seed. It panics unless n ≥ 2 and 0 < p ≤ 1, or when 1000 draws in a
// row are disconnected (p far below the connectivity threshold log(n)/n).
func ErdosRenyi(n int, p float64, seed uint64) *Graph {
	if n < 2 || !(p > 0 && p <= 1) {
		panic(fmt.Sprintf("collab.ErdosRenyi: n = %d, p = %v; want n ≥ 2, 0 < p ≤ 1", n, p))
	}
	rng := rand.New(rand.NewPCG(seed, 5))
	for try := 0; try < 1000; try++ {
		var es [][2]int
		for i := 0; i < n; i++ {
			for j := i + 1; j < n; j++ {
				if rng.Float64() < p {
					es = append(es, [2]int{i, j})
				}
			}
		}
		if g := NewGraph(n, es); g.Connected() {
			return g
		}
	}
	panic(fmt.Sprintf("collab.ErdosRenyi: 1000 draws of G(%d, %v) were disconnected; raise p above log(n)/n = %.3g", n, p, math.Log(float64(n))/float64(n)))
}

// N returns the number of nodes.
func (g *Graph) N() int { return g.n }

// Edges returns a copy of the edges (i, j), i < j, in increasing order.
func (g *Graph) Edges() [][2]int { return append([][2]int(nil), g.edges...) }

// Neighbors returns a copy of node i's neighbours in increasing order. It
// panics when i is out of range.
func (g *Graph) Neighbors(i int) []int {
	if i < 0 || i >= g.n {
		panic(fmt.Sprintf("collab.Graph.Neighbors: node %d of %d", i, g.n))
	}
	return append([]int(nil), g.nbrs[i]...)
}

// Degrees returns every node's degree.
func (g *Graph) Degrees() []int {
	d := make([]int, g.n)
	for i, nb := range g.nbrs {
		d[i] = len(nb)
	}
	return d
}

// Connected reports whether every node can be reached from node 0.
func (g *Graph) Connected() bool {
	seen := make([]bool, g.n)
	stack := []int{0}
	seen[0] = true
	count := 1
	for len(stack) > 0 {
		i := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, j := range g.nbrs[i] {
			if !seen[j] {
				seen[j] = true
				count++
				stack = append(stack, j)
			}
		}
	}
	return count == g.n
}

// Laplacian returns the graph Laplacian L = D − A (D the degrees, A the
// adjacency matrix): L = Σ_{(i,j)∈E} (e_i − e_j)(e_i − e_j)ᵀ.
func (g *Graph) Laplacian() *mat.Dense {
	l := mat.NewDense(g.n, g.n, nil)
	for _, e := range g.edges {
		i, j := e[0], e[1]
		l.Set(i, i, l.At(i, i)+1)
		l.Set(j, j, l.At(j, j)+1)
		l.Set(i, j, -1)
		l.Set(j, i, -1)
	}
	return l
}

// Metropolis returns the Metropolis–Hastings gossip matrix W of the graph
// (Xiao & Boyd 2004): W_ij = 1/(1 + max(d_i, d_j)) for every edge,
// W_ii = 1 − Σ_{j≠i} W_ij, 0 elsewhere. W is symmetric and doubly
// stochastic, so gossip W·x keeps the average of x; on a connected graph
// W^t → (1/n)𝟙𝟙ᵀ at the rate of Spectrum().Mixing.
func (g *Graph) Metropolis() *mat.Dense {
	w := mat.NewDense(g.n, g.n, nil)
	g.metropolis(func(i, j int, v float64) { w.Set(i, j, v) })
	return w
}

// metropolis calls set(i, j, W_ij) for the diagonal and both orientations
// of every edge.
func (g *Graph) metropolis(set func(i, j int, v float64)) {
	diag := make([]float64, g.n)
	for i := range diag {
		diag[i] = 1
	}
	for _, e := range g.edges {
		i, j := e[0], e[1]
		v := 1 / float64(1+max(len(g.nbrs[i]), len(g.nbrs[j])))
		set(i, j, v)
		set(j, i, v)
		diag[i] -= v
		diag[j] -= v
	}
	for i, v := range diag {
		set(i, i, v)
	}
}

// Spectrum holds the spectral quantities of a graph that the rates of
// the decentralised methods depend on.
type Spectrum struct {
	// Fiedler is the algebraic connectivity: the smallest positive
	// eigenvalue λ₂ of the Laplacian (0 for a disconnected graph).
	Fiedler float64
	// LambdaMax is the Laplacian's largest eigenvalue.
	LambdaMax float64
	// Chi1 and Chi2 are DADAO's χ₁ and χ₂ (Nabli & Oyallon) for the
	// Laplacian L_p = L/|E| of the graph with every edge weighted by its
	// probability 1/|E| of being the next to fire when the edges fire
	// uniformly: χ₁ = 1/λ_min⁺(L_p) = |E|/Fiedler, the inverse of the
	// smallest positive eigenvalue, and χ₂ = max_{(i,j)∈E}
	// ½(e_i − e_j)ᵀ L_p⁺ (e_i − e_j), half the largest effective
	// resistance of an edge under L_p (χ₂ ≤ χ₁). +Inf when the graph is
	// disconnected or has no edge.
	Chi1, Chi2 float64
	// Mixing is the second largest modulus of an eigenvalue of the
	// Metropolis gossip matrix W, max(|λ₂(W)|, |λ_n(W)|): the consensus
	// error of synchronous gossip contracts by it per round.
	Mixing float64
	// Gap is the gossip matrix's spectral gap 1 − Mixing.
	Gap float64
}

// Spectrum returns the graph's spectral quantities, computed from the
// eigendecompositions of the Laplacian and of the Metropolis matrix
// (O(n³)). Eigenvalues below 1e-9·LambdaMax count as zero.
func (g *Graph) Spectrum() Spectrum {
	var s Spectrum
	var es mat.EigenSym
	if !es.Factorize(mat.NewSymDense(g.n, g.Laplacian().RawMatrix().Data), true) {
		panic("collab.Graph.Spectrum: the Laplacian's eigendecomposition failed")
	}
	vals := es.Values(nil)
	var vecs mat.Dense
	es.VectorsTo(&vecs)
	s.LambdaMax = vals[len(vals)-1]
	tiny := 1e-9 * s.LambdaMax
	s.Chi1, s.Chi2 = math.Inf(1), math.Inf(1)
	zeros := 0
	for _, v := range vals {
		if v <= tiny {
			zeros++
		} else if s.Fiedler == 0 {
			s.Fiedler = v
		}
	}
	m := float64(len(g.edges))
	if zeros == 1 && m > 0 {
		s.Chi1 = m / s.Fiedler
		// Effective resistance of an edge under L: Σ_k (u_ki − u_kj)²/λ_k
		// over the positive eigenpairs; L_p⁺ = |E|·L⁺.
		s.Chi2 = 0
		for _, e := range g.edges {
			var r float64
			for k, v := range vals {
				if v <= tiny {
					continue
				}
				d := vecs.At(e[0], k) - vecs.At(e[1], k)
				r += d * d / v
			}
			s.Chi2 = math.Max(s.Chi2, 0.5*m*r)
		}
	}
	w := g.Metropolis()
	if !es.Factorize(mat.NewSymDense(g.n, w.RawMatrix().Data), false) {
		panic("collab.Graph.Spectrum: the gossip matrix's eigendecomposition failed")
	}
	wv := es.Values(nil)
	// W's largest eigenvalue is 1 (eigenvector 𝟙); Mixing is the largest
	// modulus among the others.
	for k := 0; k < len(wv)-1; k++ {
		s.Mixing = math.Max(s.Mixing, math.Abs(wv[k]))
	}
	if zeros > 1 {
		s.Mixing = 1
	}
	s.Gap = 1 - s.Mixing
	return s
}
