// Command otscale measures two robustness figures of mathx/ot that its
// documentation quotes (issue 18):
//
//   - emd: EMD's number of augmentations (Result.Iterations) and time on
//     random problems of size n = m, for marginals of similar size
//     (uniform weights) and skewed ones (log-normal weights with σ = 1 and
//     σ = 3), with uniform random costs in [0, 1); it prints the median
//     over seeds, the ratio to n + m and the log–log slope of the
//     augmentations against n between the smallest and the largest n.
//   - sns: the l1 marginal error of the returned plan that SNS and
//     SinkhornStabilized reach at n = m = 300 for ε from 1e-1 to 1e-5 of
//     the cost range, with the status each reports (flagging Converged
//     above Tol), on two problems: squared Euclidean costs of two uniform
//     clouds in the unit square with uniform marginals, and uniform random
//     costs with log-normal marginals.
//
// Run from the project root:
//
//	go run ./bench/otscale [-emd] [-sns] [-n 50,100,200,300,400,600] [-seeds 3] [-snsn 300] [-snsmaxiter 0] [-snsmin 1e-5]
//
// Both parts run by default: on a shared 2-core machine the EMD part took
// 50 s and the SNS part 13 s. The figures in ot's EMD and SNS docs are
// this program's output.
package main

import (
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"time"

	"gonum.org/v1/gonum/mat"

	"github.com/gomx-dev/gomx/mathx/ot"

	"github.com/gomx-dev/gomx/bench/internal/benchenv"
)

func main() {
	emd := flag.Bool("emd", false, "run the EMD part only (with -sns: both)")
	sns := flag.Bool("sns", false, "run the SNS part only (with -emd: both)")
	ns := flag.String("n", "50,100,200,300,400,600", "sizes n = m for the EMD part")
	seeds := flag.Int("seeds", 3, "seeds per EMD problem (the median is printed)")
	snsN := flag.Int("snsn", 300, "n = m for the SNS part")
	snsMax := flag.Int("snsmaxiter", 0, "Settings.MaxIter for the SNS part (0: the solvers' defaults)")
	snsMin := flag.Float64("snsmin", 1e-5, "the smallest ε/range of the SNS part")
	flag.Parse()
	if !*emd && !*sns {
		*emd, *sns = true, true
	}
	if *emd {
		var sizes []int
		for _, f := range strings.Split(*ns, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || n < 2 {
				fmt.Fprintf(os.Stderr, "otscale: bad size %q\n", f)
				os.Exit(2)
			}
			sizes = append(sizes, n)
		}
		emdPart(sizes, *seeds)
	}
	if *sns {
		snsPart(*snsN, *snsMax, *snsMin)
	}
}

// weights returns n positive weights summing to 1: uniform for sigma = 0,
// else log-normal with parameter sigma.
func weights(r *rand.Rand, n int, sigma float64) []float64 {
	w := make([]float64, n)
	s := 0.0
	for i := range w {
		w[i] = 1
		if sigma > 0 {
			w[i] = math.Exp(sigma * r.NormFloat64())
		}
		s += w[i]
	}
	for i := range w {
		w[i] /= s
	}
	return w
}

func emdPart(sizes []int, seeds int) {
	fmt.Println("EMD: augmentations (Result.Iterations) and wall time, median over seeds; uniform random costs in [0, 1)")
	fmt.Printf("%-22s %5s %8s %9s %9s\n", "marginals", "n=m", "augment.", "/(n+m)", "seconds")
	for _, sigma := range []float64{0, 1, 3} {
		name := "uniform"
		if sigma > 0 {
			name = fmt.Sprintf("log-normal σ=%g", sigma)
		}
		var first, last float64
		for k, n := range sizes {
			its := make([]float64, seeds)
			secs := make([]float64, seeds)
			for s := 0; s < seeds; s++ {
				r := rand.New(rand.NewPCG(uint64(n), uint64(s)))
				a, b := weights(r, n, sigma), weights(r, n, sigma)
				M := mat.NewDense(n, n, nil)
				for i := 0; i < n; i++ {
					for j := 0; j < n; j++ {
						M.Set(i, j, r.Float64())
					}
				}
				start := time.Now()
				res, err := ot.EMD(a, b, M, nil)
				secs[s] = time.Since(start).Seconds()
				if err != nil || res.Status != ot.Converged {
					fmt.Fprintf(os.Stderr, "otscale: EMD n=%d seed %d: %v, %v\n", n, s, res.Status, err)
					os.Exit(1)
				}
				its[s] = float64(res.Iterations)
			}
			it, sec := benchenv.Median(its), benchenv.Median(secs)
			if k == 0 {
				first = it
			}
			last = it
			fmt.Printf("%-22s %5d %8.0f %9.2f %9.3f\n", name, n, it, it/float64(2*n), sec)
		}
		if len(sizes) > 1 {
			slope := math.Log(last/first) / math.Log(float64(sizes[len(sizes)-1])/float64(sizes[0]))
			fmt.Printf("%-22s log–log slope of augmentations against n: %.2f\n", name, slope)
		}
	}
}

// l1err returns ‖P1 − a‖₁ + ‖Pᵀ1 − b‖₁ of a plan.
func l1err(P *mat.Dense, a, b []float64) float64 {
	n, m := P.Dims()
	e := 0.0
	col := make([]float64, m)
	for i := 0; i < n; i++ {
		s := 0.0
		for j, v := range P.RawRowView(i) {
			s += v
			col[j] += v
		}
		e += math.Abs(s - a[i])
	}
	for j := range col {
		e += math.Abs(col[j] - b[j])
	}
	return e
}

func snsPart(n, maxIter int, minRel float64) {
	r := rand.New(rand.NewPCG(18, 300))
	x, y := make([][2]float64, n), make([][2]float64, n)
	for i := range x {
		x[i] = [2]float64{r.Float64(), r.Float64()}
		y[i] = [2]float64{r.Float64(), r.Float64()}
	}
	euclid := mat.NewDense(n, n, nil)
	random := mat.NewDense(n, n, nil)
	for i := range x {
		for j := range y {
			dx, dy := x[i][0]-y[j][0], x[i][1]-y[j][1]
			euclid.Set(i, j, dx*dx+dy*dy)
			random.Set(i, j, r.Float64())
		}
	}
	uniform := weights(r, n, 0)
	skewA, skewB := weights(r, n, 1), weights(r, n, 1)
	const tol = 1e-9
	fmt.Printf("\nSNS and SinkhornStabilized, n = m = %d, Tol %g on the l1 marginal error (the default), MaxIter %d (0: the defaults, SNS 1000 Newton steps after its warm-up, SinkhornStabilized 10000)\n", n, tol, maxIter)
	for _, pb := range []struct {
		name string
		M    *mat.Dense
		a, b []float64
	}{
		{"squared Euclidean costs of uniform points in the unit square, uniform marginals", euclid, uniform, uniform},
		{"uniform random costs in [0, 1), log-normal (σ = 1) marginals", random, skewA, skewB},
	} {
		lo, hi := mat.Min(pb.M), mat.Max(pb.M)
		fmt.Printf("\n%s (cost range %.3g)\n", pb.name, hi-lo)
		fmt.Printf("%-8s %-20s %-15s %6s %11s %9s  %s\n", "ε/range", "solver", "status", "iters", "l1 error", "seconds", "SNS: Newton steps accepted, fallbacks (10 log-domain sweeps each)")
		for _, rel := range []float64{1e-1, 1e-2, 1e-3, 3e-4, 1e-4, 3e-5, 1e-5} {
			if rel < minRel {
				continue
			}
			reg := rel * (hi - lo)
			for _, sv := range []struct {
				name string
				f    func([]float64, []float64, *mat.Dense, float64, *ot.Settings) (*ot.Result, error)
			}{{"SNS", ot.SNS}, {"SinkhornStabilized", ot.SinkhornStabilized}} {
				start := time.Now()
				res, err := sv.f(pb.a, pb.b, pb.M, reg, &ot.Settings{Tol: tol, MaxIter: maxIter})
				sec := time.Since(start).Seconds()
				e := math.NaN()
				if res.Plan != nil {
					e = l1err(res.Plan, pb.a, pb.b)
				}
				st := res.Status.String()
				if err != nil {
					st += " (error)"
				}
				flag := ""
				if res.Status == ot.Converged && !(e <= tol) {
					flag = "  Converged above Tol!"
				}
				extra := ""
				if sv.name == "SNS" {
					extra = fmt.Sprintf("  %d, %d", res.NewtonSteps, res.Fallbacks)
				}
				fmt.Printf("%-8g %-20s %-15s %6d %11.3g %9.2f%s%s\n", rel, sv.name, st, res.Iterations, e, sec, extra, flag)
			}
		}
	}
}
