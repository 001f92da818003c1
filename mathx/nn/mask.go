package nn

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// UniformDensities returns density for every weight layer of a network
// with the given widths.
func UniformDensities(sizes []int, density float64) []float64 {
	checkSizes("UniformDensities", sizes)
	checkDensity("UniformDensities", density)
	d := make([]float64, len(sizes)-1)
	for i := range d {
		d[i] = density
	}
	return d
}

// ERKDensities returns the Erdős–Rényi(-Kernel) layer-wise densities of
// RigL (Evci et al. 2020, arXiv 1911.11134) for dense layers of the given
// widths with overall weight density density: layer l (In×Out) gets
// ε·(In+Out)/(In·Out), ε chosen so that the kept weights total
// density·Σ In·Out; a layer whose density would exceed 1 is made dense
// and ε solved again over the others, as RigL's
// get_sparsities_erdos_renyi does (with real-valued counts).
func ERKDensities(sizes []int, density float64) []float64 {
	checkSizes("ERKDensities", sizes)
	checkDensity("ERKDensities", density)
	L := len(sizes) - 1
	n := make([]float64, L)
	raw := make([]float64, L)
	for l := 0; l < L; l++ {
		in, out := float64(sizes[l]), float64(sizes[l+1])
		n[l] = in * out
		raw[l] = (in + out) / (in * out)
	}
	dense := make([]bool, L)
	var eps float64
	for {
		var rhs, div float64
		for l := 0; l < L; l++ {
			if dense[l] {
				rhs -= n[l] * (1 - density)
			} else {
				rhs += n[l] * density
				div += raw[l] * n[l]
			}
		}
		if div == 0 {
			break // every layer dense: density was 1
		}
		eps = rhs / div
		maxRaw := 0.0
		for l := 0; l < L; l++ {
			if !dense[l] {
				maxRaw = max(maxRaw, raw[l])
			}
		}
		if eps*maxRaw <= 1 {
			break
		}
		for l := 0; l < L; l++ {
			if !dense[l] && raw[l] == maxRaw {
				dense[l] = true
			}
		}
	}
	d := make([]float64, L)
	for l := range d {
		if dense[l] {
			d[l] = 1
		} else {
			d[l] = eps * raw[l]
		}
	}
	return d
}

// checkSizes panics with fn's name unless sizes are the widths of a
// network, as NewMLP takes them: at least two, each positive.
func checkSizes(fn string, sizes []int) {
	if len(sizes) < 2 {
		panic(fmt.Sprintf("nn: %s: sizes %v: need at least one layer (an input and an output width)", fn, sizes))
	}
	for i, s := range sizes {
		if s <= 0 {
			panic(fmt.Sprintf("nn: %s: sizes[%d] = %d: widths must be positive", fn, i, s))
		}
	}
}

func checkDensity(fn string, d float64) {
	if !(d > 0 && d <= 1) {
		panic(fmt.Sprintf("nn: %s: density %g, want in (0, 1]", fn, d))
	}
}

func checkDensities(fn string, net *MLP, densities []float64) {
	if len(densities) != len(net.Layers) {
		panic(fmt.Sprintf("nn: %s: %d densities for %d layers", fn, len(densities), len(net.Layers)))
	}
	for _, d := range densities {
		checkDensity(fn, d)
	}
}

// keepCount is the number of weights kept of n at density d:
// round(d·n), at least 1.
func keepCount(d float64, n int) int {
	return max(1, min(n, int(math.Round(d*float64(n)))))
}

// RandomMasks gives each layer of net a random mask keeping round(d·n)
// of its n weights (at least one), d its entry of densities, chosen
// uniformly without replacement (PCG seeded with seed, layer by layer),
// and zeroes the others. Previous masks are replaced.
func RandomMasks(net *MLP, densities []float64, seed uint64) {
	checkDensities("RandomMasks", net, densities)
	rng := rand.New(rand.NewPCG(seed, 0x6d61736b))
	for l, L := range net.Layers {
		n := L.In * L.Out
		keep := make([]bool, n)
		for _, i := range rng.Perm(n)[:keepCount(densities[l], n)] {
			keep[i] = true
		}
		net.SetMask(l, keep)
	}
}

// PruneGlobal masks all but the round(density·N) weights of largest
// magnitude over the whole network, N the number of weights (biases are
// never pruned). Weights already masked stay masked (they are zero, so
// they rank last); ties go to the lower position (layer, then index).
func PruneGlobal(net *MLP, density float64) {
	checkDensity("PruneGlobal", density)
	type ref struct {
		l, i int
		a    float64
	}
	var all []ref
	for l, L := range net.Layers {
		for i, w := range L.W {
			if L.Mask == nil || L.Mask[i] {
				all = append(all, ref{l, i, math.Abs(w)})
			}
		}
	}
	total := 0
	for _, L := range net.Layers {
		total += L.In * L.Out
	}
	k := min(len(all), keepCount(density, total))
	slices.SortStableFunc(all, func(x, y ref) int { return cmp.Compare(y.a, x.a) })
	keeps := make([][]bool, len(net.Layers))
	for l, L := range net.Layers {
		keeps[l] = make([]bool, L.In*L.Out)
	}
	for _, r := range all[:k] {
		keeps[r.l][r.i] = true
	}
	for l := range net.Layers {
		net.SetMask(l, keeps[l])
	}
}

// PruneLayerwise masks, in each layer, all but the round(d·n) weights of
// largest magnitude, d its entry of densities and n the layer's number of
// weights (at least one kept). Weights already masked stay masked; ties go
// to the lower index.
func PruneLayerwise(net *MLP, densities []float64) {
	checkDensities("PruneLayerwise", net, densities)
	for l, L := range net.Layers {
		n := L.In * L.Out
		idx := make([]int, 0, n)
		for i := 0; i < n; i++ {
			if L.Mask == nil || L.Mask[i] {
				idx = append(idx, i)
			}
		}
		slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(math.Abs(L.W[b]), math.Abs(L.W[a])) })
		keep := make([]bool, n)
		for _, i := range idx[:min(len(idx), keepCount(densities[l], n))] {
			keep[i] = true
		}
		net.SetMask(l, keep)
	}
}
