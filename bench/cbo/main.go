// Command cbo benchmarks mathx/cbo against a numpy CBO, bench/cbo/peer.py,
// in one run, on CBXpy's success-evaluation configuration
// (https://github.com/PdIPS/CBXpy): Rastrigin (sum form) in d = 20, N = 40
// particles, anisotropic noise, σ = 10.1, α = 30, λ = 1, dt = 0.01, 5 000
// steps, particles from U(−3, 3)^d, 100 independent runs; success means
// ‖c − 0‖_∞ < 0.25 for the final consensus point c.
//
// Run from the repository root (python3-numpy installed for the peer):
//
//	go run ./bench/cbo [-runs 100] [-steps 5000] [-repeats 3] [-peer bench/cbo/peer.py] [-cbxpy DIR] [-json]
//
// It times the runs three ways, each the median of -repeats: one after the
// other on one goroutine (GOMAXPROCS 1), with RunMany on all cores, and the
// peer, which vectorises the runs over a runs×40×20 numpy array; per
// particle-step = time / (runs · N · steps). The peer runs this
// configuration with the same -runs and -steps (seed = repeat index) and
// reports its wall and CPU time. With -cbxpy DIR the peer also runs CBXpy
// from a checkout at DIR on the same configuration; its line is printed
// for reference, the ratios use the numpy peer. CPU times (Go:
// /proc/self/stat, Linux only) make the ratios robust to a loaded
// machine. The peer and the Go timings alternate so load hits both
// alike. It also checks that RunMany gives bit-identical results to the
// sequential runs. On a machine shared with other sessions under Linux's
// autogroup scheduling (/proc/sys/kernel/sched_autogroup_enabled = 1) all
// threads of one session share one CPU share, so RunMany's wall time only
// shows its speed-up when cores are free; its CPU time per particle-step
// shows its overhead.
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
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
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

// jsonNum is v, or nil (JSON null) when v is NaN, which JSON cannot hold.
func jsonNum(v float64) any {
	if math.IsNaN(v) {
		return nil
	}
	return v
}

func medianTiming(ts []timing) timing {
	w := make([]float64, len(ts))
	c := make([]float64, len(ts))
	for i, t := range ts {
		w[i], c[i] = t.wall, t.cpu
	}
	return timing{median(w), median(c)}
}

func median(xs []float64) float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// timing is a wall-clock and a CPU time in seconds (CPU NaN when unknown).
type timing struct{ wall, cpu float64 }

// cpuSeconds returns this process's user+system CPU time from
// /proc/self/stat (clock ticks of 1/100 s), or NaN where there is none.
func cpuSeconds() float64 {
	b, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		return math.NaN()
	}
	// Fields after the ")" that closes the command name: state is field 3,
	// utime and stime are fields 14 and 15.
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	if len(f) < 13 {
		return math.NaN()
	}
	u, err1 := strconv.ParseFloat(f[11], 64)
	st, err2 := strconv.ParseFloat(f[12], 64)
	if err1 != nil || err2 != nil {
		return math.NaN()
	}
	return (u + st) / 100
}

func measure(fn func()) timing {
	c0, t0 := cpuSeconds(), time.Now()
	fn()
	return timing{time.Since(t0).Seconds(), cpuSeconds() - c0}
}

// sequential runs every seed with Minimize on one goroutine.
func sequential(p *cbo.Problem, s *cbo.Settings, seeds []uint64) []*cbo.Result {
	prev := runtime.GOMAXPROCS(1)
	defer runtime.GOMAXPROCS(prev)
	res := make([]*cbo.Result, len(seeds))
	for i, seed := range seeds {
		si := *s
		si.Seed = seed
		r, err := cbo.Minimize(p, &si)
		if err != nil {
			fail(err)
		}
		res[i] = r
	}
	return res
}

type peerResult struct {
	Time    timing
	Success float64
	Runs    int
	Line    string
}

// peerOutput is one JSON line of the peer script.
type peerOutput struct {
	Impl    string  `json:"impl"`
	Wall    float64 `json:"wall"`
	CPU     float64 `json:"cpu"`
	Runs    int     `json:"runs"`
	Steps   int     `json:"steps"`
	Success float64 `json:"success"`
}

// runPeer runs the peer script on this configuration and returns its numpy
// result and, with cbxpy set, CBXpy's line.
func runPeer(python, script, cbxpy string, runs, steps, seed int) (peerResult, string) {
	args := []string{script, "--runs", strconv.Itoa(runs), "--steps", strconv.Itoa(steps), "--seed", strconv.Itoa(seed)}
	if cbxpy != "" {
		args = append(args, "--cbxpy", cbxpy)
	}
	out := runPython(python, args...)
	var pr peerResult
	lines := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "{") {
			if impl, _, ok := strings.Cut(line, ":"); ok {
				lines[impl] = line
			}
			continue
		}
		var v peerOutput
		if err := json.Unmarshal([]byte(line), &v); err != nil {
			fail(fmt.Errorf("peer output %q: %v", line, err))
		}
		if v.Impl == "numpy" {
			pr = peerResult{Time: timing{v.Wall, v.CPU}, Success: v.Success, Runs: v.Runs, Line: lines["numpy"]}
		}
	}
	if pr.Runs == 0 {
		fail(fmt.Errorf("no numpy result in the peer output:\n%s", out))
	}
	return pr, lines["cbxpy"]
}

func runPython(python string, args ...string) []byte {
	cmd := exec.Command(python, args...)
	var out, errOut bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &errOut // shown only when the peer fails
	if err := cmd.Run(); err != nil {
		fail(fmt.Errorf("%s %s: %v\n%s%s", python, args[0], err, out.String(), errOut.String()))
	}
	return out.Bytes()
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
	script := flag.String("peer", filepath.Join("bench", "cbo", "peer.py"), "peer script (numpy CBO), relative to the working directory")
	python := flag.String("python", "/usr/bin/python3", "Python interpreter for the peer")
	cbxpy := flag.String("cbxpy", "", "also let the peer run CBXpy from this checkout (printed only)")
	asJSON := flag.Bool("json", false, "print a JSON summary line too")
	flag.Parse()

	p := &cbo.Problem{Dim: dim, Func: cbo.Rastrigin}
	s := settings(*steps)
	seeds := make([]uint64, *runs)
	for i := range seeds {
		seeds[i] = uint64(i)
	}
	work := float64(*runs * n * *steps)

	var tSeq, tPar, tPeer []timing
	var seqRes, parRes []*cbo.Result
	var pr peerResult
	var cbxLine string
	for r := 0; r < *repeats; r++ {
		tSeq = append(tSeq, measure(func() { seqRes = sequential(p, s, seeds) }))
		pr, cbxLine = runPeer(*python, *script, *cbxpy, *runs, *steps, r)
		tPeer = append(tPeer, pr.Time)
		tPar = append(tPar, measure(func() {
			var err error
			if parRes, err = cbo.RunMany(p, s, seeds); err != nil {
				fail(err)
			}
		}))
		fmt.Printf("repeat %d: one goroutine %.2fs (cpu %.2fs), numpy %.2fs (cpu %.2fs), RunMany(GOMAXPROCS=%d) %.2fs (cpu %.2fs)\n",
			r, tSeq[r].wall, tSeq[r].cpu, tPeer[r].wall, tPeer[r].cpu, runtime.GOMAXPROCS(0), tPar[r].wall, tPar[r].cpu)
	}
	identical := true
	for i := range seqRes {
		for j := range seqRes[i].Consensus {
			if math.Float64bits(seqRes[i].Consensus[j]) != math.Float64bits(parRes[i].Consensus[j]) {
				identical = false
			}
		}
	}
	ms, mp, mr := medianTiming(tSeq), medianTiming(tPar), medianTiming(tPeer)
	succ := successes(seqRes)
	peerWork := float64(pr.Runs * n * *steps)
	per := func(t timing, w float64) timing { return timing{t.wall / w * 1e9, t.cpu / w * 1e9} }
	nsSeq, nsPar, nsPeer := per(ms, work), per(mp, work), per(mr, peerWork)
	fmt.Printf("\nRastrigin d=%d, N=%d, %d steps, %d runs, anisotropic sigma=10.1 alpha=30 dt=0.01 (CBXpy success evaluation), medians of %d\n", dim, n, *steps, *runs, *repeats)
	fmt.Printf("%-30s %8s %8s %10s %10s %9s %9s %8s\n", "", "wall s", "cpu s", "ns/p-step", "cpu ns/ps", "wall/np", "cpu/np", "success")
	row := func(name string, t, ns timing, succ string) {
		fmt.Printf("%-30s %8.2f %8.2f %10.0f %10.0f %9.2f %9.2f %8s\n", name, t.wall, t.cpu, ns.wall, ns.cpu, ns.wall/nsPeer.wall, ns.cpu/nsPeer.cpu, succ)
	}
	row("mathx/cbo, one goroutine", ms, nsSeq, fmt.Sprintf("%d/%d", succ, *runs))
	row(fmt.Sprintf("mathx/cbo RunMany, %d cores", runtime.GOMAXPROCS(0)), mp, nsPar, fmt.Sprintf("%d/%d", successes(parRes), *runs))
	row("numpy peer (bench/cbo/peer.py)", mr, nsPeer, fmt.Sprintf("%.0f/%d", pr.Success*float64(pr.Runs), pr.Runs))
	fmt.Printf("peer: %s\n", pr.Line)
	if cbxLine != "" {
		fmt.Printf("peer: %s\n", cbxLine)
	}
	fmt.Printf("RunMany bit-identical to the sequential runs: %v\n", identical)
	lo := clopperPearsonLower(100)
	fmt.Printf("CBXpy 100/100: 95%% Clopper-Pearson interval [%.4f, 1]; mathx/cbo %d/%d = %.2f: %s\n", lo, succ, *runs, float64(succ)/float64(*runs),
		map[bool]string{true: "inside", false: "OUTSIDE"}[float64(succ)/float64(*runs) >= lo])
	if *asJSON {
		b, err := json.Marshal(map[string]any{
			"runs":                 *runs,
			"steps":                *steps,
			"repeats":              *repeats,
			"gomaxprocs":           runtime.GOMAXPROCS(0),
			"wall_s":               map[string]float64{"go_seq": ms.wall, "go_runmany": mp.wall, "numpy": mr.wall},
			"ns_per_particle_step": map[string]float64{"go_seq": nsSeq.wall, "go_runmany": nsPar.wall, "numpy": nsPeer.wall},
			"ratio_seq":            nsSeq.wall / nsPeer.wall,
			"ratio_runmany":        nsPar.wall / nsPeer.wall,
			"cpu_ratio_seq":        jsonNum(nsSeq.cpu / nsPeer.cpu),
			"cpu_ratio_runmany":    jsonNum(nsPar.cpu / nsPeer.cpu),
			"success":              succ,
			"numpy_success":        pr.Success,
			"identical":            identical,
			"peer_line":            pr.Line,
		})
		if err != nil {
			fail(err)
		}
		fmt.Println(string(b))
	}
}
