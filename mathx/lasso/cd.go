package lasso

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/gomx-dev/gomx/mathx/interrupt"
	"gonum.org/v1/gonum/floats"
)

// CD solves p by coordinate descent. Each update minimises exactly along
// one coordinate for Squared loss, x_j ← soft(x_j − g_j/L_j, λ/L_j) with
// g_j the partial derivative of the smooth part and L_j = ‖a_j‖²/n + L2
// (‖a_j‖²/(4n) + L2 for Logistic, a coordinate proximal-gradient step).
// The run stops when the relative duality gap (see Gap) is at most
// Settings.Tol.
//
// Cyclic and Random keep the residual up to date (O(n) per update). By
// default they use working sets: each outer iteration computes the full
// gap (one product with Aᵀ), collects the working set of the non-zero
// coordinates and those violating the optimality condition |a_jᵀu| ≤ λ,
// and sweeps only it (in index order, or drawing from it at random) until
// the gap restricted to it is below Tol/10 or 1000 sweeps; over the whole
// run these sweeps do at most about MaxIter·d coordinate updates
// (MaxIter epochs, as scikit-learn's max_iter), after which the run ends
// MaxIterReached. With Settings.FullSweeps they run over all coordinates,
// checking the gap every Settings.CheckEvery updates (default d, one
// epoch). GaussSouthwell and
// GaussSouthwellLipschitz keep the full gradient through the Gram matrix
// AᵀA/n (O(d²) memory, O(d) per update), check the gap like FullSweeps and
// need Loss Squared.
// Result.Updates counts coordinate updates.
func CD(p *Problem, sp *Settings) (*Result, error) {
	s := defaults(sp)
	greedy := s.Rule == GaussSouthwell || s.Rule == GaussSouthwellLipschitz
	if s.Rule < Cyclic || s.Rule > GaussSouthwellLipschitz {
		panic(fmt.Sprintf("lasso.CD: unknown rule %v", s.Rule))
	}
	if greedy && p != nil && p.Loss != Squared {
		panic("lasso.CD: the Gauss–Southwell rules need Loss Squared")
	}
	d := newData(p, "lasso.CD", true)
	x := start(s, d.d, "lasso.CD")
	if err := d.checkFinite(x, "lasso.CD"); err != nil {
		return failed(&Result{}, x, err)
	}
	lj := d.colLipschitz()
	for j, l := range lj {
		if math.IsInf(l, 1) {
			return failed(&Result{}, x, fmt.Errorf("lasso.CD: ‖a_%d‖²/n overflows: A's scale is too large", j))
		}
	}
	if greedy {
		return d.cdGreedy(x, s)
	}
	return d.cdResidual(x, lj, s)
}

// colLipschitz returns L_j for every coordinate.
func (d *data) colLipschitz() []float64 {
	lj := make([]float64, d.d)
	for j := range lj {
		col := d.at[j*d.n : (j+1)*d.n]
		lj[j] = floats.Dot(col, col) / float64(d.n)
		if d.logistic {
			lj[j] /= 4
		}
		lj[j] += d.l2
	}
	return lj
}

// cdResidual runs the Cyclic and Random rules, keeping z = Ax and
// u = −∇loss(z); lj are the coordinate Lipschitz constants.
func (d *data) cdResidual(x, lj []float64, s Settings) (*Result, error) {
	ctx := interrupt.Or(s.Context)
	n, dim := d.n, d.d
	z := make([]float64, n)
	d.mulA(z, x)
	u := make([]float64, n)
	d.lossGrad(u, z)
	atu := make([]float64, dim)
	res := &Result{X: x}
	rng := rand.New(rand.NewPCG(s.Seed, 0x6c61737330))
	nf := float64(n)
	// update performs one coordinate step on j.
	update := func(j int) {
		res.Updates++
		if lj[j] == 0 {
			return
		}
		col := d.at[j*n : (j+1)*n]
		g := -floats.Dot(col, u) + d.l2*x[j]
		v := x[j] - g/lj[j]
		t := d.lambda / lj[j]
		xn := v - min(max(v, -t), t)
		delta := xn - x[j]
		if delta == 0 {
			return
		}
		x[j] = xn
		if !d.logistic {
			// u = r/n = (b − Ax)/n.
			floats.AddScaled(u, -delta/nf, col)
			return
		}
		for i, a := range col {
			if a != 0 {
				z[i] += delta * a
				u[i] = d.p.B[i] * sigmoid(-d.p.B[i]*z[i]) / nf
			}
		}
	}
	// sweep does len(set) updates over set.
	sweep := func(set []int) {
		for k := range set {
			if s.Rule == Random {
				k = rng.IntN(len(set))
			}
			update(set[k])
		}
	}
	every := s.CheckEvery
	if every == 0 {
		every = dim
	}
	next := 0 // the next coordinate of a full cyclic sweep
	var set []int
	// epochs counts the working-set sweeps' coordinate updates in units of
	// d, the budget Settings.MaxIter sets (scikit-learn's max_iter).
	var epochs float64
	var atuSet []float64
	for {
		if s.FullSweeps {
			for k := 0; k < every; k++ {
				if s.Rule == Random {
					update(rng.IntN(dim))
				} else {
					update(next)
					next = (next + 1) % dim
				}
			}
		}
		primal, dual := d.gapFromU(x, u, z, atu)
		res.MatVecs++
		if stop, err := recordGap(res, &s, ctx, primal, dual); stop {
			return finish(res, x), err
		}
		if s.FullSweeps {
			continue
		}
		if epochs >= float64(s.MaxIter) {
			res.Status = MaxIterReached
			return finish(res, x), nil
		}
		set = set[:0]
		for j, v := range atu {
			if x[j] != 0 || math.Abs(v-d.l2*x[j]) > d.lambda {
				set = append(set, j)
			}
		}
		atuSet = atuSet[:0]
		for range set {
			atuSet = append(atuSet, 0)
		}
		for inner := 0; inner < 1000 && len(set) > 0 && ctx.Err() == nil && epochs < float64(s.MaxIter); inner++ {
			sweep(set)
			epochs += float64(len(set)) / float64(dim)
			for k, j := range set {
				atuSet[k] = floats.Dot(d.at[j*n:(j+1)*n], u)
			}
			primal, dual := d.objectiveFromU(x, u, z), d.dualFrom(u, atuSet)
			if relGap(primal, dual) <= s.Tol/10 {
				break
			}
		}
	}
}

// objectiveFromU returns P(x) given u (r/n for Squared) or z = Ax.
func (d *data) objectiveFromU(x, u, z []float64) float64 {
	if d.logistic {
		return d.lossValue(z) + d.penalty(x)
	}
	return float64(d.n)/2*floats.Dot(u, u) + d.penalty(x)
}

// gapFromU returns P and D given u = −∇loss (r/n for Squared) and, for
// Logistic, z = Ax.
func (d *data) gapFromU(x, u, z, atu []float64) (primal, dual float64) {
	n := d.n
	for j := range atu {
		atu[j] = floats.Dot(d.at[j*n:(j+1)*n], u)
	}
	return d.objectiveFromU(x, u, z), d.dualFrom(u, atu)
}

// cdGreedy runs the Gauss–Southwell rules on Squared loss with the
// gradient g = (AᵀA/n + L2·I)x − Aᵀb/n kept up to date.
func (d *data) cdGreedy(x []float64, s Settings) (*Result, error) {
	ctx := interrupt.Or(s.Context)
	n, dim := d.n, d.d
	nf := float64(n)
	gram := make([]float64, dim*dim)
	for i := 0; i < dim; i++ {
		ci := d.at[i*n : (i+1)*n]
		for j := i; j < dim; j++ {
			v := floats.Dot(ci, d.at[j*n:(j+1)*n]) / nf
			gram[i*dim+j], gram[j*dim+i] = v, v
		}
		gram[i*dim+i] += d.l2
	}
	lj := make([]float64, dim)
	invSqrtL := make([]float64, dim)
	g := make([]float64, dim)
	for j := range g {
		lj[j] = gram[j*dim+j]
		if lj[j] > 0 {
			invSqrtL[j] = 1 / math.Sqrt(lj[j])
		}
		g[j] = floats.Dot(gram[j*dim:(j+1)*dim], x) - floats.Dot(d.at[j*n:(j+1)*n], d.p.B)/nf
	}
	var weights []float64
	if s.Rule == GaussSouthwellLipschitz {
		weights = invSqrtL
	}
	lam := d.lambda
	z := make([]float64, n)
	u := make([]float64, n)
	atu := make([]float64, dim)
	res := &Result{X: x}
	every := s.CheckEvery
	if every == 0 {
		every = dim
	}
	for {
		for k := 0; k < every; k++ {
			best := greedyPick(g, x, lam, weights)
			if best < 0 {
				break // every minimum-norm subgradient is 0: x is optimal
			}
			res.Updates++
			j := best
			v := x[j] - g[j]/lj[j]
			t := lam / lj[j]
			xn := v - min(max(v, -t), t)
			delta := xn - x[j]
			if delta == 0 {
				continue
			}
			x[j] = xn
			floats.AddScaled(g, delta, gram[j*dim:(j+1)*dim])
		}
		d.mulA(z, x)
		d.lossGrad(u, z)
		primal, dual := d.gapFromU(x, u, z, atu)
		res.MatVecs += 2
		if stop, err := recordGap(res, &s, ctx, primal, dual); stop {
			return finish(res, x), err
		}
	}
}

// greedyPick returns the coordinate of largest minimum-norm-subgradient
// score (multiplied by w_j when w is not nil), or −1 when every score is 0.
func greedyPick(g, x []float64, lam float64, w []float64) int {
	best, bestScore := -1, 0.0
	for j, gj := range g {
		var sc float64
		switch {
		case x[j] > 0:
			sc = math.Abs(gj + lam)
		case x[j] < 0:
			sc = math.Abs(gj - lam)
		default:
			sc = math.Abs(gj) - lam
		}
		if w != nil {
			sc *= w[j]
		}
		if sc > bestScore {
			best, bestScore = j, sc
		}
	}
	return best
}
