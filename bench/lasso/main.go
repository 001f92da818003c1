// Command lasso benchmarks mathx/lasso's coordinate descent against
// scikit-learn's Lasso on the same problem, in one run, and measures the
// throughput of the ℓ1 prox and the simplex projection of mathx/prox.
//
// Run from the repository root (python3-numpy and python3-sklearn
// installed):
//
//	go run ./bench/lasso [-repeats 7] [-python /usr/bin/python3] [-peer bench/lasso/peer.py]
//
// The peer script, bench/lasso/peer.py, builds the seeded 1000×500 problem
// (25-sparse truth, λ = 0.1·λ_max in scikit-learn's scaling), times
// Lasso(fit_intercept=False, tol=1e-10) and reports the relative duality
// gap it reached; the problem is dumped to a temporary folder and our
// solvers are stopped at that same gap, measured by the same formula
// (lasso.Gap), so the times compare equal accuracy. The peer runs once before and once after our solvers;
// ratios use the mean of its two medians, and both are printed so that a
// change of machine load during the run shows.
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

// peerResult is the JSON line peer.py prints last.
type peerResult struct {
	TimeMed float64 `json:"time_med"`
	RelGap  float64 `json:"rel_gap"`
	Lambda  float64 `json:"lambda"`
}

// dumpMeta is the lasso.json the peer writes beside the raw arrays.
type dumpMeta struct {
	N      int     `json:"n"`
	D      int     `json:"d"`
	Lambda float64 `json:"lambda"`
}

func main() {
	repeats := flag.Int("repeats", 7, "timed repetitions (medians are reported)")
	python := flag.String("python", "/usr/bin/python3", "Python interpreter with python3-sklearn")
	peer := flag.String("peer", filepath.Join("bench", "lasso", "peer.py"), "peer script (scikit-learn Lasso), relative to the working directory")
	flag.Parse()
	log.SetFlags(0)

	dir, err := os.MkdirTemp("", "gomx-lasso-bench-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	fmt.Printf("gomx lasso benchmark, %s, GOMAXPROCS=%d\n", time.Now().UTC().Format(time.RFC3339), runtime.GOMAXPROCS(0))
	printLoad("before")
	before := runPeer(*python, *peer, dir, *repeats)
	p := loadProblem(dir)
	tol := before.RelGap
	fmt.Printf("stopping gap (sklearn's, peer formula): %.3e\n", tol)

	type row struct {
		name           string
		med            float64
		iters, updates int
		gap            float64
		status         lasso.Status
	}
	var rows []row
	for _, sv := range []struct {
		name  string
		solve func(*lasso.Problem, *lasso.Settings) (*lasso.Result, error)
		s     lasso.Settings
	}{
		{"CD cyclic (working sets)", lasso.CD, lasso.Settings{}},
		{"CD cyclic, full sweeps", lasso.CD, lasso.Settings{FullSweeps: true}},
		{"CD random (working sets)", lasso.CD, lasso.Settings{Rule: lasso.Random, Seed: 1}},
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
		rows = append(rows, row{sv.name, median(times), res.Iterations, res.Updates, (primal - dual) / primal, res.Status})
	}
	after := runPeer(*python, *peer, "", *repeats)
	sk := (before.TimeMed + after.TimeMed) / 2

	fmt.Printf("\n%-26s %10s %7s %9s %11s %7s\n", "solver", "median", "iters", "updates", "rel gap", "vs sk")
	fmt.Printf("%-26s %8.2fms %7s %9s %11.3e %7s  (before %.2f ms, after %.2f ms)\n",
		"sklearn Lasso (cyclic CD)", sk*1e3, "", "", before.RelGap, "1.00×", before.TimeMed*1e3, after.TimeMed*1e3)
	for _, r := range rows {
		fmt.Printf("%-26s %8.2fms %7d %9d %11.3e %6.2f×  %v\n", r.name, r.med*1e3, r.iters, r.updates, r.gap, r.med/sk, r.status)
	}

	fmt.Printf("\nprox throughput on 10^6 N(0,1) entries (median of %d):\n", *repeats)
	rng := rand.New(rand.NewPCG(1, 2))
	x := make([]float64, 1_000_000)
	for i := range x {
		x[i] = rng.NormFloat64()
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
	printLoad("after")
}

// runPeer runs the peer script (dumping the problem into dir when dir is
// not empty) and returns its result line.
func runPeer(python, peer, dir string, repeats int) peerResult {
	args := []string{peer, "--repeats", fmt.Sprint(repeats)}
	if dir != "" {
		args = append(args, "--dump", dir)
	}
	cmd := exec.Command(python, args...)
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		log.Fatalf("peer %s: %v\n%s", peer, err, out.String())
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
	return pr
}

func printLoad(when string) {
	if load, err := os.ReadFile("/proc/loadavg"); err == nil {
		fmt.Printf("load average %s: %s", when, load)
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
