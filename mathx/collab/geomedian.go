package collab

import (
	"context"
	"fmt"
	"math"

	"github.com/gomx-dev/gomx/mathx/interrupt"
)

// GeoMedian returns the geometric median argmin_x Σ_i ‖x − v_i‖ by
// Weiszfeld's iteration
//
//	x ← Σ_i v_i/‖x − v_i‖ / Σ_i 1/‖x − v_i‖
//
// with Vardi and Zhang's guard at data points (Proc. Natl. Acad. Sci.
// 2000): when x equals a data point v_k of multiplicity η (within
// 1e-14 of the data's scale), with R = Σ_{v_i ≠ x} (v_i − x)/‖v_i − x‖ and T
// Weiszfeld's step over the other points, x is the median when ‖R‖ ≤ η
// (Converged), and otherwise moves to (1 − η/‖R‖)·T + (η/‖R‖)·x. This
// makes it exact at data points instead of dividing by zero or smoothing
// the norm (Pillutla et al.'s RFA, arXiv 1912.13445, smooths with ν).
// Every iteration also tests that condition at the data point nearest x
// and stops there, Converged, when it holds: near a median that is a data
// point Weiszfeld's iterates converge only sublinearly.
//
// The iteration runs on the vectors divided by their largest |entry| s;
// it stops Converged when ‖x_{t+1} − x_t‖ ≤ Tol·s (Settings.Tol, default
// 1e-12), and after MaxIter iterations (default 10,000) with
// MaxIterReached. Result.X is the median, Result.History the objective
// Σ‖x_t − v_i‖ (in units of s) per iteration, Result.Iterations the
// iterations done. Only MaxIter, Tol, Context and Callback of s are read.
func GeoMedian(v [][]float64, st *Settings) (*Result, error) {
	n, d, err := check("GeoMedian", v)
	res := &Result{}
	if err != nil {
		res.Status = Failed
		return res, err
	}
	var set Settings
	if st != nil {
		set = *st
	}
	if set.MaxIter < 0 || set.Tol < 0 {
		panic(fmt.Sprintf("collab.GeoMedian: MaxIter = %d, Tol = %v, want ≥ 0", set.MaxIter, set.Tol))
	}
	maxIter := set.MaxIter
	if maxIter == 0 {
		maxIter = 10000
	}
	tol := set.Tol
	if tol == 0 {
		tol = 1e-12
	}
	ctx := interrupt.Or(set.Context)
	s := maxAbs(v)
	res.X = make([]float64, d)
	if s == 0 {
		return res, nil
	}
	u := make([][]float64, n)
	for i, vi := range v {
		u[i] = make([]float64, d)
		for j, x := range vi {
			u[i][j] = x / s
		}
	}
	// Start at the mean.
	x := make([]float64, d)
	for _, ui := range u {
		for j, t := range ui {
			x[j] += t / float64(n)
		}
	}
	next := make([]float64, d)
	r := make([]float64, d)
	dist := make([]float64, n)
	const atPoint = 1e-14
	for it := 0; it < maxIter; it++ {
		if err := ctx.Err(); err != nil {
			res.Status = Canceled
			break
		}
		var obj, wsum float64
		eta := 0
		for i, ui := range u {
			var q float64
			for j, t := range ui {
				e := t - x[j]
				q += e * e
			}
			dist[i] = math.Sqrt(q)
			obj += dist[i]
		}
		for j := range next {
			next[j], r[j] = 0, 0
		}
		for i, ui := range u {
			if dist[i] <= atPoint {
				eta++
				continue
			}
			w := 1 / dist[i]
			wsum += w
			for j, t := range ui {
				next[j] += w * t
				r[j] += w * (t - x[j])
			}
		}
		res.History = append(res.History, obj)
		res.Iterations = it + 1
		if wsum == 0 { // every point equals x
			res.Status = Converged
			break
		}
		if eta == 0 && nearestIsMedian(u, dist, x, r) {
			res.Status = Converged
			break
		}
		for j := range next {
			next[j] /= wsum
		}
		if eta > 0 {
			var rn float64
			for _, t := range r {
				rn += t * t
			}
			rn = math.Sqrt(rn)
			if rn <= float64(eta) {
				res.Status = Converged
				break
			}
			a := float64(eta) / rn
			for j := range next {
				next[j] = (1-a)*next[j] + a*x[j]
			}
		}
		var step float64
		for j := range next {
			e := next[j] - x[j]
			step += e * e
		}
		x, next = next, x
		if math.IsNaN(step) {
			res.Status = Failed
			copyScaled(res.X, x, s)
			return res, fmt.Errorf("collab.GeoMedian: iterate not finite at iteration %d", it+1)
		}
		if set.Callback != nil {
			copyScaled(res.X, x, s)
			ok, perr := callback(set.Callback, it+1, res)
			if perr != nil {
				res.Status = Failed
				return res, perr
			}
			if !ok {
				res.Status = Stopped
				break
			}
		}
		if math.Sqrt(step) <= tol {
			res.Status = Converged
			break
		}
		if it == maxIter-1 {
			res.Status = MaxIterReached
		}
	}
	copyScaled(res.X, x, s)
	return res, nil
}

// nearestIsMedian tests Vardi and Zhang's optimality condition at the
// data point nearest x, ‖Σ_{u_i ≠ u_k} (u_i − u_k)/‖u_i − u_k‖‖ ≤ η_k,
// and moves x there when it holds: Weiszfeld's iterates approach a median
// that is a data point only sublinearly. r is scratch of length d.
func nearestIsMedian(u [][]float64, dist, x, r []float64) bool {
	k := 0
	for i := range dist {
		if dist[i] < dist[k] {
			k = i
		}
	}
	for j := range r {
		r[j] = 0
	}
	eta := 0
	for _, ui := range u {
		var q float64
		for j, t := range ui {
			e := t - u[k][j]
			q += e * e
		}
		q = math.Sqrt(q)
		if q <= 1e-14 {
			eta++
			continue
		}
		for j, t := range ui {
			r[j] += (t - u[k][j]) / q
		}
	}
	var rn float64
	for _, t := range r {
		rn += t * t
	}
	if math.Sqrt(rn) <= float64(eta) {
		copy(x, u[k])
		return true
	}
	return false
}

func copyScaled(dst, x []float64, s float64) {
	for j, t := range x {
		dst[j] = t * s
	}
}

// callback calls cb, turning a panic into an error.
func callback(cb func(int, *Result) bool, it int, r *Result) (ok bool, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("collab: Settings.Callback panicked: %v", p)
		}
	}()
	return cb(it, r), nil
}

var _ context.Context // Settings.Context's package
