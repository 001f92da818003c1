package collab

import (
	"errors"
	"fmt"
	"math"
	"sort"

	"gonum.org/v1/gonum/mat"
)

// ErrNonFinite is wrapped by the errors of aggregators given a vector
// with a NaN or ±Inf entry: robust aggregation is defined on points of
// ℝ^d, and a server should discard such a vector before aggregating.
var ErrNonFinite = errors.New("collab: non-finite entry")

// Rows returns the rows of m as slices that share m's storage (no copy),
// the form every aggregator takes.
func Rows(m *mat.Dense) [][]float64 {
	r, _ := m.Dims()
	out := make([][]float64, r)
	for i := range out {
		out[i] = m.RawRowView(i)
	}
	return out
}

// check panics on a dimension mismatch (programmer error) and returns an
// error wrapping ErrNonFinite for a non-finite entry.
func check(fn string, v [][]float64) (n, d int, err error) {
	n = len(v)
	if n == 0 {
		panic(fmt.Sprintf("collab.%s: no vectors", fn))
	}
	d = len(v[0])
	for i, vi := range v {
		if len(vi) != d {
			panic(fmt.Sprintf("collab.%s: vector %d has length %d, vector 0 has %d", fn, i, len(vi), d))
		}
		for j, x := range vi {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return n, d, fmt.Errorf("collab.%s: vector %d, entry %d is %v: %w", fn, i, j, x, ErrNonFinite)
			}
		}
	}
	return n, d, nil
}

// maxAbs is the largest |v_ij|.
func maxAbs(v [][]float64) float64 {
	var s float64
	for _, vi := range v {
		for _, x := range vi {
			s = math.Max(s, math.Abs(x))
		}
	}
	return s
}

// Mean returns (1/n)Σ v_i, summed on vectors divided by their largest
// |entry| so that entries near ±1e308 do not overflow.
func Mean(v [][]float64) ([]float64, error) {
	n, d, err := check("Mean", v)
	if err != nil {
		return nil, err
	}
	out := make([]float64, d)
	s := maxAbs(v)
	if s == 0 {
		return out, nil
	}
	for _, vi := range v {
		for j, x := range vi {
			out[j] += x / s
		}
	}
	for j := range out {
		out[j] = out[j] / float64(n) * s
	}
	return out, nil
}

// CoordMedian returns the coordinate-wise median: entry j is the median
// of v_1j … v_nj (the mean of the two middle values when n is even).
func CoordMedian(v [][]float64) ([]float64, error) {
	n, d, err := check("CoordMedian", v)
	if err != nil {
		return nil, err
	}
	out := make([]float64, d)
	col := make([]float64, n)
	for j := range out {
		for i := range v {
			col[i] = v[i][j]
		}
		sort.Float64s(col)
		if n%2 == 1 {
			out[j] = col[n/2]
		} else {
			out[j] = col[n/2-1]/2 + col[n/2]/2
		}
	}
	return out, nil
}

// TrimmedMean returns the coordinate-wise trimmed mean: entry j is the
// mean of v_1j … v_nj without their f smallest and f largest values
// (Yin et al. 2018, arXiv 1803.01498). It panics unless 0 ≤ 2f < n.
func TrimmedMean(v [][]float64, f int) ([]float64, error) {
	n, d, err := check("TrimmedMean", v)
	if f < 0 || 2*f >= n {
		panic(fmt.Sprintf("collab.TrimmedMean: f = %d with n = %d vectors, want 0 ≤ 2f < n", f, n))
	}
	if err != nil {
		return nil, err
	}
	out := make([]float64, d)
	col := make([]float64, n)
	k := float64(n - 2*f)
	for j := range out {
		for i := range v {
			col[i] = v[i][j]
		}
		sort.Float64s(col)
		var s float64
		for _, x := range col[f : n-f] {
			s += x / k
		}
		out[j] = s
	}
	return out, nil
}

// sqDist is ‖a − b‖² computed on (a − b)/scale, times scale².
func sqDist(a, b []float64, scale float64) float64 {
	var s float64
	for j := range a {
		t := (a[j] - b[j]) / scale
		s += t * t
	}
	return s
}

// KrumScores returns Krum's score of every vector: the sum of the squared
// distances from v_i to its n − f − 2 nearest other vectors (Blanchard et
// al. 2017, "Machine learning with adversaries: Byzantine tolerant
// gradient descent"). Distances are computed directly, ‖v_i − v_k‖², not
// through a Gram matrix, so that ties in hand-made inputs are exact, on
// the vectors divided by their largest |entry| s; the scores returned are
// those times s² (+Inf when they overflow; Krum's choice uses the scaled
// scores, so it is right even then). It panics unless
// n ≥ f + 3 and f ≥ 0.
func KrumScores(v [][]float64, f int) ([]float64, error) {
	n, _, err := check("KrumScores", v)
	if f < 0 || n-f-2 < 1 {
		panic(fmt.Sprintf("collab.KrumScores: f = %d with n = %d vectors, want f ≥ 0 and n ≥ f + 3", f, n))
	}
	if err != nil {
		return nil, err
	}
	sc := krumScores(v, f)
	s := maxAbs(v)
	for i := range sc {
		sc[i] *= s * s
	}
	return sc, nil
}

func krumScores(v [][]float64, f int) []float64 {
	n := len(v)
	s := maxAbs(v)
	if s == 0 {
		s = 1
	}
	d2 := make([]float64, n*n)
	for i := 0; i < n; i++ {
		for k := i + 1; k < n; k++ {
			x := sqDist(v[i], v[k], s)
			d2[i*n+k], d2[k*n+i] = x, x
		}
	}
	scores := make([]float64, n)
	row := make([]float64, 0, n-1)
	for i := 0; i < n; i++ {
		row = row[:0]
		for k := 0; k < n; k++ {
			if k != i {
				row = append(row, d2[i*n+k])
			}
		}
		sort.Float64s(row)
		for _, x := range row[:n-f-2] {
			scores[i] += x
		}
	}
	return scores
}

// KrumSelect returns the indices of the m vectors of smallest Krum score,
// smallest first (ties broken by the lower index). It panics unless
// n ≥ f + 3, f ≥ 0 and 1 ≤ m ≤ n.
func KrumSelect(v [][]float64, f, m int) ([]int, error) {
	n := len(v)
	if m < 1 || m > n {
		panic(fmt.Sprintf("collab.KrumSelect: m = %d with n = %d vectors, want 1 ≤ m ≤ n", m, n))
	}
	_, err := KrumScores(v, f)
	if err != nil {
		return nil, err
	}
	scores := krumScores(v, f)
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return scores[idx[a]] < scores[idx[b]] })
	return idx[:m], nil
}

// Krum returns a copy of the vector of smallest Krum score (see
// KrumScores). It panics unless n ≥ f + 3 and f ≥ 0.
func Krum(v [][]float64, f int) ([]float64, error) {
	return MultiKrum(v, f, 1)
}

// MultiKrum returns the mean of the m vectors of smallest Krum score
// (El Mhamdi et al. 2018, arXiv 1802.07927; m = 1 is Krum). It panics
// unless n ≥ f + 3, f ≥ 0 and 1 ≤ m ≤ n.
func MultiKrum(v [][]float64, f, m int) ([]float64, error) {
	idx, err := KrumSelect(v, f, m)
	if err != nil {
		return nil, err
	}
	sel := make([][]float64, m)
	for i, k := range idx {
		sel[i] = v[k]
	}
	return Mean(sel)
}

// CenteredClip returns centred clipping's aggregate (Karimireddy, He &
// Jaggi 2021, "Learning from history for Byzantine robust optimization",
// arXiv 2012.10333): starting from c_0 = center (zeros when nil), iters
// times
//
//	c_{l+1} = c_l + (1/n) Σ_i (v_i − c_l)·min(1, τ/‖v_i − c_l‖),
//
// with the paper's τ when tau > 0 and, when tau == 0, an adaptive τ: the
// median of the distances ‖v_i − c_l‖ at each step (stated here because
// the paper leaves τ a hyper-parameter). iters == 0 means 1, the paper's
// L = 1 with momentum. It panics when tau < 0, iters < 0 or center has
// the wrong length.
func CenteredClip(v [][]float64, center []float64, tau float64, iters int) ([]float64, error) {
	n, d, err := check("CenteredClip", v)
	if center != nil && len(center) != d {
		panic(fmt.Sprintf("collab.CenteredClip: center has length %d, vectors have %d", len(center), d))
	}
	if !(tau >= 0) || iters < 0 {
		panic(fmt.Sprintf("collab.CenteredClip: tau = %v, iters = %d; want tau ≥ 0, iters ≥ 0", tau, iters))
	}
	if err != nil {
		return nil, err
	}
	if center != nil {
		if _, _, err := check("CenteredClip", [][]float64{center}); err != nil {
			return nil, fmt.Errorf("center: %w", err)
		}
	}
	if iters == 0 {
		iters = 1
	}
	// Work on vectors divided by s so that distances do not overflow.
	s := math.Max(maxAbs(v), maxAbs([][]float64{center}))
	if s == 0 {
		return make([]float64, d), nil
	}
	c := make([]float64, d)
	for j := range c {
		if center != nil {
			c[j] = center[j] / s
		}
	}
	ts := tau / s
	dist := make([]float64, n)
	tmp := make([]float64, n)
	step := make([]float64, d)
	for l := 0; l < iters; l++ {
		for i, vi := range v {
			var q float64
			for j, x := range vi {
				t := x/s - c[j]
				q += t * t
			}
			dist[i] = math.Sqrt(q)
		}
		t := ts
		if tau == 0 {
			copy(tmp, dist)
			sort.Float64s(tmp)
			t = tmp[n/2]
			if n%2 == 0 {
				t = (tmp[n/2-1] + tmp[n/2]) / 2
			}
		}
		for j := range step {
			step[j] = 0
		}
		for i, vi := range v {
			w := 1.0
			if dist[i] > t {
				w = t / dist[i]
			}
			w /= float64(n)
			for j, x := range vi {
				step[j] += w * (x/s - c[j])
			}
		}
		for j := range c {
			c[j] += step[j]
		}
	}
	for j := range c {
		c[j] *= s
	}
	return c, nil
}
