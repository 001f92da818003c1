package ot

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/gomx-dev/gomx/mathx/interrupt"
)

func interruptOr(ctx context.Context) context.Context { return interrupt.Or(ctx) }

// expTab[j] = 2^(j/64).
var expTab [64]float64

func init() {
	for j := range expTab {
		expTab[j] = math.Exp2(float64(j) / 64)
	}
}

const (
	expLo      = -708.3 // below: 0 (subnormal results are flushed to zero)
	expHi      = 709.78
	expShifter = 0x1.8p52 // adding it rounds a float64 of magnitude < 2^51 to an integer
	inv64Ln2   = 64 / math.Ln2
	ln2Over64H = 6.93147180369123816490e-01 / 64 // math's Ln2Hi/64: k·ln2Over64H is exact for |k| < 2^21
	ln2Over64L = 1.90821492927058770002e-10 / 64 // math's Ln2Lo/64
)

// fexp is exp(x) to within a few ulp, with results below the normal range
// flushed to zero (subnormals slow down the Sinkhorn loops and carry no
// weight at the tolerances used here). It is about 3× faster than math.Exp.
func fexp(x float64) float64 {
	if !(x > expLo) {
		if x != x {
			return x
		}
		return 0
	}
	if x > expHi {
		return math.Inf(1)
	}
	t := x*inv64Ln2 + expShifter
	kf := t - expShifter
	k := int64(math.Float64bits(t) - math.Float64bits(expShifter))
	r := (x - kf*ln2Over64H) - kf*ln2Over64L
	p := 1 + r*(1+r*(0.5+r*(1.0/6+r*(1.0/24+r*(1.0/120+r*(1.0/720))))))
	e := k >> 6
	v := expTab[k&63] * p
	if e < -1021 {
		return math.Ldexp(v, int(e))
	}
	return math.Float64frombits(math.Float64bits(v) + uint64(e)<<52)
}

// chunking splits n rows into a fixed number of contiguous chunks that
// depends only on n and m, so that every reduction over chunks runs in the
// same order whatever GOMAXPROCS is: results are bit-identical.
type chunking struct {
	n, size, count int
	parallel       bool
}

func newChunking(n, m int) chunking {
	count := 16
	if n < count {
		count = n
	}
	if count < 1 {
		count = 1
	}
	size := (n + count - 1) / count
	count = (n + size - 1) / size
	return chunking{n: n, size: size, count: count, parallel: n*m >= 1<<16}
}

func (c chunking) bounds(k int) (lo, hi int) {
	lo = k * c.size
	hi = lo + c.size
	if hi > c.n {
		hi = c.n
	}
	return lo, hi
}

// run calls f(k) for every chunk k, on up to GOMAXPROCS goroutines when the
// problem is large enough. All goroutines end before run returns.
func (c chunking) run(f func(k int)) {
	w := runtime.GOMAXPROCS(0)
	if w > c.count {
		w = c.count
	}
	if !c.parallel || w <= 1 {
		for k := 0; k < c.count; k++ {
			f(k)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	wg.Add(w)
	for g := 0; g < w; g++ {
		go func() {
			defer wg.Done()
			for {
				k := int(next.Add(1)) - 1
				if k >= c.count {
					return
				}
				f(k)
			}
		}()
	}
	wg.Wait()
}

// callback calls the user callback, turning a panic into an error.
func callback(cb func(int, *Result) bool, it int, r *Result) (cont bool, err error) {
	defer func() {
		if p := recover(); p != nil {
			cont, err = false, fmt.Errorf("ot: callback panicked: %v", p)
		}
	}()
	return cb(it, r), nil
}

// checkShapes panics on programmer errors: shapes that disagree, an empty
// marginal.
func checkShapes(fn string, a, b []float64, M rawMat) {
	if M.n != len(a) || M.m != len(b) {
		panic(fmt.Sprintf("ot.%s: M is %d×%d but len(a) = %d, len(b) = %d", fn, M.n, M.m, len(a), len(b)))
	}
	if len(a) == 0 || len(b) == 0 {
		panic(fmt.Sprintf("ot.%s: empty marginal", fn))
	}
}

// checkProblem panics on programmer errors (shapes, reg) and returns an
// error for data problems: bad marginals (see checkMarginals) and cost
// entries that are NaN or −Inf (+Inf marks a forbidden pair). It returns
// the smallest and largest finite cost.
func checkProblem(fn string, a, b []float64, M rawMat, reg float64) (lo, hi float64, err error) {
	checkShapes(fn, a, b, M)
	if !(reg > 0) || math.IsInf(reg, 0) {
		panic(fmt.Sprintf("ot.%s: reg = %v, want a finite reg > 0", fn, reg))
	}
	if err := checkMarginals(fn, a, b); err != nil {
		return 0, 0, err
	}
	lo, hi = math.Inf(1), math.Inf(-1)
	for i := 0; i < M.n; i++ {
		for j, x := range M.row(i) {
			if x != x || math.IsInf(x, -1) {
				return 0, 0, fmt.Errorf("ot.%s: M[%d,%d] = %v: costs must be finite or +Inf (a forbidden pair)", fn, i, j, x)
			}
			if !math.IsInf(x, 1) {
				lo, hi = math.Min(lo, x), math.Max(hi, x)
			}
		}
	}
	return lo, hi, nil
}

// checkMarginals returns an error naming the entry when a marginal entry
// is negative, NaN or ±Inf, and wraps ErrInfeasible when the masses are
// not positive or differ by more than 1e-9·Σa.
func checkMarginals(fn string, a, b []float64) error {
	return checkMasses(fn, "a", "b", a, b)
}

// checkMasses is checkMarginals with the arguments named an and bn.
func checkMasses(fn, an, bn string, a, b []float64) error {
	var sa, sb float64
	for i, x := range a {
		if !(x >= 0) || math.IsInf(x, 0) {
			return fmt.Errorf("ot.%s: %s[%d] = %v: marginal entries must be finite and ≥ 0", fn, an, i, x)
		}
		sa += x
	}
	for j, x := range b {
		if !(x >= 0) || math.IsInf(x, 0) {
			return fmt.Errorf("ot.%s: %s[%d] = %v: marginal entries must be finite and ≥ 0", fn, bn, j, x)
		}
		sb += x
	}
	if !(sa > 0) || !(math.Abs(sa-sb) <= 1e-9*sa) { // also false for masses that overflow to +Inf
		return fmt.Errorf("ot.%s: %w: the marginals have masses %v and %v, want equal positive masses (to 1e-9 relative)", fn, ErrInfeasible, sa, sb)
	}
	return nil
}
