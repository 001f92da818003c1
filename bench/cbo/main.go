// Command cbo benchmarks mathx/cbo against the numpy CBO of
// ../shared/mathx/peer_bench.py --cbo-only in one run, on CBXpy's
// success-evaluation configuration: Rastrigin (sum form) in d = 20, N = 40
// particles, anisotropic noise, σ = 10.1, α = 30, λ = 1, dt = 0.01, 5 000
// steps, particles from U(−3, 3)^d, 100 independent runs; success means
// ‖c − 0‖_∞ < 0.25 for the final consensus point c.
//
// Run from the project root:
//
//	go run ./bench/cbo [-runs 100] [-steps 5000] [-repeats 3] [-peer ../shared/mathx/peer_bench.py] [-json]
//
// It times the 100 runs three ways, each the median of -repeats: one after
// the other on one goroutine (GOMAXPROCS 1), with RunMany on all cores, and
// the peer script (which vectorises the 100 runs over a 100×40×20 numpy
// array); per particle-step = time / (runs · N · steps). The peer and the
// Go timings alternate so machine load hits both alike. It also checks
// that RunMany gives bit-identical results to the sequential runs.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"time"

	"github.com/gomx-dev/gomx/mathx/cbo"
)

const (
	dim = 20
	n   = 40
)

func settings(steps int) *cbo.Settings {
	return &cbo.Settings{N: n, Dt: 0.01, Lambda: 1, Sigma: 10.1, Alpha: 30, Noise: cbo.Anisotropic,
		MaxIter: steps, Tol: -1, InitRadius: 3}
}

func successes(res []*cbo.Result) int {
	k := 0
	for _, r := range res {
		e := 0.0
		for _, v := range r.Consensus {
			e = math.Max(e, math.Abs(v))
		}
		if e < 0.25 {
			k++
		}
	}
	return k
}

func median(xs []float64) float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// sequential runs every seed with Minimize on one goroutine.
func sequential(p *cbo.Problem, s *cbo.Settings, seeds []uint64) ([]*cbo.Result, float64) {
	prev := runtime.GOMAXPROCS(1)
	defer runtime.GOMAXPROCS(prev)
	res := make([]*cbo.Result, len(seeds))
	start := time.Now()
	for i, seed := range seeds {
		si := *s
		si.Seed = seed
		r, err := cbo.Minimize(p, &si)
		if err != nil {
			fail(err)
		}
		res[i] = r
	}
	return res, time.Since(start).Seconds()
}

func parallel(p *cbo.Problem, s *cbo.Settings, seeds []uint64) ([]*cbo.Result, float64) {
	start := time.Now()
	res, err := cbo.RunMany(p, s, seeds)
	if err != nil {
		fail(err)
	}
	return res, time.Since(start).Seconds()
}

type peerResult struct {
	Time    float64 `json:"time_s"`
	Success float64 `json:"success"`
	Runs    int     `json:"runs"`
	Line    string  `json:"line"`
}

// peerLine matches the numpy line of configuration D of peer_bench.py.
var peerLine = regexp.MustCompile(`^numpy D:.*runs=(\d+) time=([0-9.]+)s .*success\(\|\|c\|\|_inf<0\.25\)=([0-9.]+)`)

// peer runs peer_bench.py --cbo-only once (it reports the median of its
// own repeats) and returns configuration D's numpy figures.
func peer(python, script string, repeats int) peerResult {
	dir, err := os.MkdirTemp("", "cbo-peer")
	if err != nil {
		fail(err)
	}
	defer os.RemoveAll(dir)
	cmd := exec.Command(python, script, "--cbo-only", "--repeats", strconv.Itoa(repeats), "--out", dir)
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		fail(fmt.Errorf("%s %s: %v\n%s", python, script, err, out.String()))
	}
	sc := bufio.NewScanner(&out)
	for sc.Scan() {
		m := peerLine.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		runs, _ := strconv.Atoi(m[1])
		t, _ := strconv.ParseFloat(m[2], 64)
		s, _ := strconv.ParseFloat(m[3], 64)
		return peerResult{Time: t, Success: s, Runs: runs, Line: sc.Text()}
	}
	fail(fmt.Errorf("no 'numpy D:' line in the peer output:\n%s", out.String()))
	return peerResult{}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "bench/cbo:", err)
	os.Exit(1)
}

// clopperPearsonLower is the lower end of the two-sided 95 % interval for
// k = n successes out of n: (0.025)^(1/n).
func clopperPearsonLower(n int) float64 {
	return math.Pow(0.025, 1/float64(n))
}

func main() {
	runs := flag.Int("runs", 100, "independent runs")
	steps := flag.Int("steps", 5000, "CBO steps per run")
	repeats := flag.Int("repeats", 3, "timing repeats (median)")
	script := flag.String("peer", "../shared/mathx/peer_bench.py", "peer script")
	python := flag.String("python", "/usr/bin/python3", "Python interpreter for the peer")
	asJSON := flag.Bool("json", false, "print a JSON summary line too")
	flag.Parse()

	p := &cbo.Problem{Dim: dim, Func: cbo.Rastrigin}
	s := settings(*steps)
	seeds := make([]uint64, *runs)
	for i := range seeds {
		seeds[i] = uint64(i)
	}
	work := float64(*runs * n * *steps)

	var tSeq, tPar, tPeer []float64
	var seqRes, parRes []*cbo.Result
	var pr peerResult
	for r := 0; r < *repeats; r++ {
		var t float64
		seqRes, t = sequential(p, s, seeds)
		tSeq = append(tSeq, t)
		pr = peer(*python, *script, 1)
		tPeer = append(tPeer, pr.Time)
		parRes, t = parallel(p, s, seeds)
		tPar = append(tPar, t)
		fmt.Printf("repeat %d: one goroutine %.2fs, numpy %.2fs, RunMany(GOMAXPROCS=%d) %.2fs\n", r, tSeq[r], tPeer[r], runtime.GOMAXPROCS(0), tPar[r])
	}
	identical := true
	for i := range seqRes {
		for j := range seqRes[i].Consensus {
			if math.Float64bits(seqRes[i].Consensus[j]) != math.Float64bits(parRes[i].Consensus[j]) {
				identical = false
			}
		}
	}
	ms, mp, mr := median(tSeq), median(tPar), median(tPeer)
	succ := successes(seqRes)
	peerWork := float64(pr.Runs * n * *steps)
	nsSeq, nsPar, nsPeer := ms/work*1e9, mp/work*1e9, mr/peerWork*1e9
	fmt.Printf("\nRastrigin d=%d, N=%d, %d steps, %d runs, anisotropic sigma=10.1 alpha=30 dt=0.01 (CBXpy success evaluation)\n", dim, n, *steps, *runs)
	fmt.Printf("%-34s %9s %14s %9s %8s\n", "", "time (s)", "ns/particle-step", "vs numpy", "success")
	fmt.Printf("%-34s %9.2f %14.0f %9.2f %5d/%d\n", "mathx/cbo, one goroutine", ms, nsSeq, nsSeq/nsPeer, succ, *runs)
	fmt.Printf("%-34s %9.2f %14.0f %9.2f %5d/%d\n", fmt.Sprintf("mathx/cbo RunMany, %d cores", runtime.GOMAXPROCS(0)), mp, nsPar, nsPar/nsPeer, successes(parRes), *runs)
	fmt.Printf("%-34s %9.2f %14.0f %9.2f %5.0f/%d\n", "numpy peer (peer_bench.py)", mr, nsPeer, 1.0, pr.Success*float64(pr.Runs), pr.Runs)
	fmt.Printf("RunMany bit-identical to the sequential runs: %v\n", identical)
	lo := clopperPearsonLower(100)
	fmt.Printf("CBXpy 100/100: 95%% Clopper-Pearson interval [%.4f, 1]; mathx/cbo %d/%d = %.2f: %s\n", lo, succ, *runs, float64(succ)/float64(*runs),
		map[bool]string{true: "inside", false: "OUTSIDE"}[float64(succ)/float64(*runs) >= lo])
	if *asJSON {
		b, _ := json.Marshal(map[string]any{
			"runs": *runs, "steps": *steps, "repeats": *repeats, "gomaxprocs": runtime.GOMAXPROCS(0),
			"go_seq_s": ms, "go_runmany_s": mp, "numpy_s": mr,
			"ns_per_particle_step": map[string]float64{"go_seq": nsSeq, "go_runmany": nsPar, "numpy": nsPeer},
			"ratio_seq": nsSeq / nsPeer, "ratio_runmany": nsPar / nsPeer,
			"success": succ, "numpy_success": pr.Success, "identical": identical, "peer_line": pr.Line,
		})
		fmt.Println(string(b))
	}
}
