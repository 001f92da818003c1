package nn

import (
	"cmp"
	"fmt"
	"math"
	"slices"
)

// Interpolate sets dst = α·a + (1−α)·b and returns it (dst nil: a new
// vector). At α = 1 it copies a and at α = 0 b (so a non-finite entry of
// the other end does not leak in as NaN).
func Interpolate(dst, a, b []float64, alpha float64) []float64 {
	if len(a) != len(b) {
		panic(fmt.Sprintf("nn: Interpolate: len(a) = %d, len(b) = %d", len(a), len(b)))
	}
	if dst == nil {
		dst = make([]float64, len(a))
	}
	if len(dst) != len(a) {
		panic(fmt.Sprintf("nn: Interpolate: len(dst) = %d, want %d", len(dst), len(a)))
	}
	switch alpha {
	case 1:
		copy(dst, a)
	case 0:
		copy(dst, b)
	default:
		for i := range a {
			dst[i] = alpha*a[i] + (1-alpha)*b[i]
		}
	}
	return dst
}

// Path is the loss and accuracy along the straight line between two
// parameter vectors θ_A and θ_B, and its barriers.
type Path struct {
	Alpha    []float64 // α of each point, from 0 (θ_B) to 1 (θ_A)
	Loss     []float64 // L(αθ_A + (1−α)θ_B)
	Accuracy []float64 // accuracy there
	// LossBarrier is max_α L(αθ_A+(1−α)θ_B) − [αL(θ_A)+(1−α)L(θ_B)] over
	// the points (the LMC definition; ≥ 0 since the ends count).
	LossBarrier float64
	// AccuracyBarrier is the same for the error 1 − accuracy:
	// max_α [αAcc(θ_A)+(1−α)Acc(θ_B)] − Acc(αθ_A+(1−α)θ_B).
	// Both barriers are NaN when a point's loss is not finite (NaN or
	// ±Inf in the parameters or the data, or logits overflowing).
	AccuracyBarrier float64
}

// Barrier evaluates net's architecture and masks on data at points ≥ 2
// equally spaced values of α in [0, 1] between the parameter vectors a
// and b and returns the path with its loss and accuracy barriers. The
// network's own parameters are not changed.
func Barrier(net *MLP, a, b []float64, data *Dataset, loss LossKind, prec Precision, points int) *Path {
	if points < 2 {
		panic(fmt.Sprintf("nn: Barrier: points = %d, want ≥ 2", points))
	}
	if len(a) != len(net.Params) || len(b) != len(net.Params) {
		panic(fmt.Sprintf("nn: Barrier: len(a) = %d, len(b) = %d, the network has %d parameters", len(a), len(b), len(net.Params)))
	}
	o := newObjective("Barrier", net, data, loss, prec)
	p := &Path{}
	theta := make([]float64, len(a))
	for i := 0; i < points; i++ {
		alpha := float64(i) / float64(points-1)
		Interpolate(theta, a, b, alpha)
		_, m := o.eval(theta, nil)
		p.Alpha = append(p.Alpha, alpha)
		p.Loss = append(p.Loss, m.Loss)
		p.Accuracy = append(p.Accuracy, m.Accuracy)
	}
	lB, lA := p.Loss[0], p.Loss[points-1]
	aB, aA := p.Accuracy[0], p.Accuracy[points-1]
	for i, alpha := range p.Alpha {
		p.LossBarrier = max(p.LossBarrier, p.Loss[i]-(alpha*lA+(1-alpha)*lB))
		p.AccuracyBarrier = max(p.AccuracyBarrier, alpha*aA+(1-alpha)*aB-p.Accuracy[i])
	}
	if !allFinite(p.Loss) {
		p.LossBarrier, p.AccuracyBarrier = math.NaN(), math.NaN()
	}
	return p
}

// checkShared panics unless every ingredient fits net and is zero at its
// masked weights.
func checkShared(fn string, net *MLP, ingredients [][]float64) {
	if len(ingredients) == 0 {
		panic(fmt.Sprintf("nn: %s: no ingredients", fn))
	}
	for k, p := range ingredients {
		if len(p) != len(net.Params) {
			panic(fmt.Sprintf("nn: %s: ingredient %d has %d parameters, the network %d", fn, k, len(p), len(net.Params)))
		}
		for l, L := range net.Layers {
			if L.Mask == nil {
				continue
			}
			w := p[L.off : L.off+L.In*L.Out]
			for i, keep := range L.Mask {
				if !keep && w[i] != 0 {
					panic(fmt.Sprintf("nn: %s: ingredient %d has weight %d of layer %d = %g where the network's mask is off: the ingredients must share the network's mask", fn, k, i, l, w[i]))
				}
			}
		}
	}
}

// UniformSoup returns the average of the ingredients' parameter vectors,
// networks of net's architecture sharing its mask (it panics when an
// ingredient is nonzero at a masked weight); the soup keeps that mask.
func UniformSoup(net *MLP, ingredients [][]float64) []float64 {
	checkShared("UniformSoup", net, ingredients)
	s := make([]float64, len(net.Params))
	for _, p := range ingredients {
		for i, v := range p {
			s[i] += v
		}
	}
	inv := 1 / float64(len(ingredients))
	for i := range s {
		s[i] *= inv
		if math.IsInf(s[i], 0) {
			s[i] = meanAt(ingredients, nil, i) // the sum overflowed
		}
	}
	return s
}

// meanAt returns the mean of entry i of the ingredients listed in idx
// (nil: all) as Σ v/n, which does not overflow where Σ v does.
func meanAt(ingredients [][]float64, idx []int, i int) float64 {
	n := len(idx)
	if idx == nil {
		n = len(ingredients)
	}
	inv := 1 / float64(n)
	var m float64
	for k := 0; k < n; k++ {
		if idx != nil {
			m += ingredients[idx[k]][i] * inv
		} else {
			m += ingredients[k][i] * inv
		}
	}
	return m
}

// GreedySoup builds the greedy soup of Wortsman et al. (2022), as Sparse
// Model Soups (Zimmer et al. 2023, arXiv 2306.16788) uses it: ingredients
// ranked by accuracy on held (ties: lower index first), the best one the
// start, each next one added to the average when the averaged network's
// accuracy on held does not drop. It returns the soup and the indices of
// the ingredients in it, in the order they were added. The ingredients
// must share net's mask, as for UniformSoup. An ingredient (or a
// candidate soup) whose loss on held is not finite is never added; when
// no ingredient has a finite loss (NaN in held, or in every ingredient)
// soup is nil and used empty.
func GreedySoup(net *MLP, ingredients [][]float64, held *Dataset, loss LossKind, prec Precision) (soup []float64, used []int) {
	checkShared("GreedySoup", net, ingredients)
	o := newObjective("GreedySoup", net, held, loss, prec)
	acc := make([]float64, len(ingredients))
	ok := make([]bool, len(ingredients))
	order := make([]int, len(ingredients))
	for k, p := range ingredients {
		l, m := o.eval(p, nil)
		acc[k] = m.Accuracy
		ok[k] = !math.IsNaN(l) && !math.IsInf(l, 0)
		order[k] = k
	}
	slices.SortStableFunc(order, func(x, y int) int {
		if ok[x] != ok[y] {
			if ok[x] {
				return -1
			}
			return 1
		}
		return cmp.Compare(acc[y], acc[x])
	})
	if !ok[order[0]] {
		return nil, []int{}
	}
	sum := append([]float64(nil), ingredients[order[0]]...)
	used = []int{order[0]}
	best := acc[order[0]]
	cand := make([]float64, len(sum))
	for _, k := range order[1:] {
		if !ok[k] {
			break
		}
		inv := 1 / float64(len(used)+1)
		for i := range cand {
			cand[i] = (sum[i] + ingredients[k][i]) * inv
			if math.IsInf(cand[i], 0) {
				cand[i] = meanAt(ingredients, append(used, k), i) // the sum overflowed
			}
		}
		if l, m := o.eval(cand, nil); !math.IsNaN(l) && !math.IsInf(l, 0) && m.Accuracy >= best {
			best = m.Accuracy
			for i, v := range ingredients[k] {
				sum[i] += v
			}
			used = append(used, k)
		}
	}
	inv := 1 / float64(len(used))
	for i := range sum {
		sum[i] *= inv
		if math.IsInf(sum[i], 0) {
			sum[i] = meanAt(ingredients, used, i) // the sum overflowed
		}
	}
	return sum, used
}
