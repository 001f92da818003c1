// Command lasso benchmarks mathx/lasso's coordinate descent against
// scikit-learn's Lasso on the same problem, in one run, and measures the
// throughput of the ℓ1 prox and the simplex projection of mathx/prox.
//
// Run from the repository root (shared/ beside the clone, python3-sklearn
// installed):
//
//	go run ./bench/lasso [-repeats 5] [-python /usr/bin/python3] [-peer ../shared/mathx/peer_bench.py]
//
// The peer script builds the seeded 1000×500 problem (25-sparse truth,
// λ = 0.1·λ_max in scikit-learn's scaling), times Lasso(fit_intercept=False,
// tol=1e-10) and reports the relative duality gap it reached; the problem
// is dumped to a temporary folder and our solvers are stopped at that same
// gap, measured by the same formula (lasso.Gap), so the times compare
// equal accuracy.
package main

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"time"

	"github.com/gomx-dev/gomx/mathx/lasso"
	"github.com/gomx-dev/gomx/mathx/prox"
	"gonum.org/v1/gonum/mat"
)

type peerResult struct {
	TimeMed float64 `json:"time_med"`
	RelGap  float64 `json:"rel_gap"`
	Lambda  float64 `json:"lambda"`
}

type dumpMeta struct {
	N      int     `json:"n"`
	D      int     `json:"d"`
	Lambda float64 `json:"lambda"`
}

func main() {
	repeats := flag.Int("repeats", 5, "timed repetitions (medians are reported)")
	python := flag.String("python", "/usr/bin/python3", "Python interpreter with python3-sklearn")
	peer := flag.String("peer", filepath.Join("..", "shared", "mathx", "peer_bench.py"), "peer_bench.py")
	flag.Parse()
	log.SetFlags(0)

	dir, err := os.MkdirTemp("", "gomx-lasso-bench-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	fmt.Printf("gomx lasso benchmark, %s, GOMAXPROCS=%d\n", time.Now().UTC().Format(time.RFC3339), runtime.GOMAXPROCS(0))
	if load, err := os.ReadFile("/proc/loadavg"); err == nil {
		fmt.Printf("load average before: %s", load)
	}

	cmd := exec.Command(*python, *peer, "--lasso-only", "--dump", dir, "--repeats", fmt.Sprint(*repeats))
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		log.Fatalf("peer %s: %v\n%s", *peer, err, out.String())
	}
	var pr peerResult
	sc := bufio.NewScanner(&out)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "n=") {
			fmt.Println("sklearn:", line)
		}
		if strings.HasPrefix(line, "{") {
			if err := json.Unmarshal([]byte(line), &pr); err != nil {
				log.Fatalf("peer output %q: %v", line, err)
			}
		}
	}
	if pr.TimeMed == 0 {
		log.Fatalf("no result line in the peer output:\n%s", out.String())
	}

	p := loadProblem(dir)
	tol := pr.RelGap
	fmt.Printf("stopping gap (sklearn's, peer formula): %.3e\n\n", tol)
	fmt.Printf("%-28s %10s %8s %10s %12s %8s\n", "solver", "median", "iters", "updates", "rel gap", "vs sk")
	fmt.Printf("%-28s %8.2fms %8s %10s %12.3e %8s\n", "sklearn Lasso (cd, cyclic)", pr.TimeMed*1e3, "", "", pr.RelGap, "1.00×")
	type solver struct {
		name  string
		solve func(*lasso.Problem, *lasso.Settings) (*lasso.Result, error)
		s     lasso.Settings
	}
	for _, sv := range []solver{
		{"CD cyclic", lasso.CD, lasso.Settings{}},
		{"CD cyclic, full sweeps", lasso.CD, lasso.Settings{FullSweeps: true}},
		{"CD random", lasso.CD, lasso.Settings{Rule: lasso.Random, Seed: 1}},
		{"FISTA", lasso.FISTA, lasso.Settings{}},
	} {
		sv.s.Tol = tol
		sv.s.MaxIter = 100000
		var times []float64
		var res *lasso.Result
		for r := 0; r < *repeats; r++ {
			t0 := time.Now()
			res, err = sv.solve(p, &sv.s)
			times = append(times, time.Since(t0).Seconds())
			if err != nil {
				log.Fatalf("%s: %v", sv.name, err)
			}
		}
		primal, dual := lasso.Gap(p, res.X)
		gap := (primal - dual) / primal
		m := median(times)
		fmt.Printf("%-28s %8.2fms %8d %10d %12.3e %7.2f× %s\n", sv.name, m*1e3, res.Iterations, res.Updates, gap, m/pr.TimeMed, res.Status)
	}

	fmt.Printf("\nprox throughput on 10^6 entries (median of %d):\n", *repeats)
	r := rand.New(rand.NewPCG(1, 2))
	x := make([]float64, 1_000_000)
	for i := range x {
		x[i] = r.NormFloat64()
	}
	dst := make([]float64, len(x))
	for _, op := range []struct {
		name string
		f    func()
	}{
		{"soft threshold (ℓ1 prox), t = 0.5", func() { prox.SoftThreshold(dst, x, 0.5) }},
		{"simplex projection, z = 1", func() { prox.ProjSimplex(dst, x, 1) }},
		{"ℓ1-ball projection, r = 100", func() { prox.ProjL1Ball(dst, x, 100) }},
	} {
		var times []float64
		for k := 0; k < *repeats; k++ {
			t0 := time.Now()
			op.f()
			times = append(times, time.Since(t0).Seconds())
		}
		fmt.Printf("  %-36s %6.2f ns/element\n", op.name, median(times)/float64(len(x))*1e9)
	}
	if load, err := os.ReadFile("/proc/loadavg"); err == nil {
		fmt.Printf("load average after: %s", load)
	}
}

func loadProblem(dir string) *lasso.Problem {
	raw, err := os.ReadFile(filepath.Join(dir, "lasso.json"))
	if err != nil {
		log.Fatal(err)
	}
	var meta dumpMeta
	if err := json.Unmarshal(raw, &meta); err != nil {
		log.Fatal(err)
	}
	a := readF64(filepath.Join(dir, "lasso_A.f64"), meta.N*meta.D)
	b := readF64(filepath.Join(dir, "lasso_b.f64"), meta.N)
	return &lasso.Problem{A: mat.NewDense(meta.N, meta.D, a), B: b, Lambda: meta.Lambda}
}

func readF64(path string, n int) []float64 {
	raw, err := os.ReadFile(path)
	if err != nil {
		log.Fatal(err)
	}
	if len(raw) != 8*n {
		log.Fatalf("%s: %d bytes, want %d", path, len(raw), 8*n)
	}
	out := make([]float64, n)
	for i := range out {
		out[i] = math.Float64frombits(binary.LittleEndian.Uint64(raw[8*i:]))
	}
	return out
}

func median(xs []float64) float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	return s[len(s)/2]
}
