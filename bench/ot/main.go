// Command ot benchmarks mathx/ot against POT (Debian's python3-pot) in one
// run: it starts pot_peer.py, which builds the problems B1–B3, writes their
// cost matrices and times POT's ot.sinkhorn and ot.bregman.sinkhorn_log;
// then it solves the same matrices with Sinkhorn, SinkhornLog,
// SinkhornStabilized and SNS (with its line search and with SSNS's trust
// region, Settings.TrustRegion) and prints times, iterations, O(n²) passes,
// the ratios of the Go solvers' times to POT's, and the memory-bandwidth
// bound of a pass.
//
// Run from the project root:
//
//	go run ./bench/ot [-json] [-save report.json] [-quick] [-cases B1,B2,B3] [-repeats 3] [-peer-threads N]
//
// Wall and CPU (user+system, all threads) times are the best of -repeats
// runs on both sides (the least disturbed
// figure on a shared machine); the 1-minute load average before and after
// each problem is printed with it. Every solver stops on POT's rule (‖Pᵀ1 − b‖₂ ≤ 1e-9); the scaling and log
// solvers check every 10 iterations as POT does, the stabilised solver and
// SNS after every iteration.
package main

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"time"

	"gonum.org/v1/gonum/mat"

	"github.com/gomx-dev/gomx/mathx/ot"
)

type potRun struct {
	Method     string   `json:"method"`
	Time       float64  `json:"time"`
	CPU        float64  `json:"cpu"`
	Iterations int      `json:"iterations"`
	PerIterMs  float64  `json:"per_iter_ms"`
	MargErr    *float64 `json:"marg_err_l1"`
	Cost       *float64 `json:"cost"`
	Warnings   []string `json:"warnings"`
	Capped     int      `json:"capped"`
}

type problem struct {
	Name string   `json:"name"`
	Case string   `json:"case"`
	N    int      `json:"n"`
	Reg  float64  `json:"reg"`
	MaxM float64  `json:"maxM"`
	File string   `json:"file"`
	POT  []potRun `json:"pot"`
}

type goRun struct {
	Method      string  `json:"method"`
	Time        float64 `json:"time"`
	CPU         float64 `json:"cpu"`
	Status      string  `json:"status"`
	Error       string  `json:"error,omitempty"`
	Iterations  int     `json:"iterations"`
	Passes      int     `json:"passes"`
	NewtonSteps int     `json:"newton_steps,omitempty"`
	PerIterMs   float64 `json:"per_iter_ms"`
	MargErr     float64 `json:"marg_err_l1"`
	Cost        float64 `json:"cost"`
	Capped      int     `json:"capped,omitempty"`
}

type report struct {
	GoVersion    string             `json:"go"`
	GOMAXPROCS   int                `json:"gomaxprocs"`
	PeerThreads  int                `json:"peer_blas_threads"`
	PeerVersions map[string]string  `json:"peer_versions"`
	CopyGBs      float64            `json:"copy_bandwidth_GBps"`
	Problems     []problemReport    `json:"problems"`
	Ratios       map[string]float64 `json:"ratios"`
}

type problemReport struct {
	problem
	Go         []goRun `json:"go"`
	PassBytes  float64 `json:"bytes_per_pass"`
	PassBoundS float64 `json:"bandwidth_bound_per_pass_s"`
	LoadAvg    string  `json:"load_average_1min"`
}

func main() {
	jsonOut := flag.Bool("json", false, "print the report as JSON")
	save := flag.String("save", "", "also write the JSON report to this file")
	quick := flag.Bool("quick", false, "smaller sizes (B1 up to 1000, B2 500)")
	cases := flag.String("cases", "B1,B2,B3", "comma-separated cases")
	repeats := flag.Int("repeats", 3, "repeats per timing (best of); runs over 5 s run once")
	python := flag.String("python", "/usr/bin/python3", "python with python3-pot")
	script := flag.String("script", "bench/ot/pot_peer.py", "the POT side")
	peerThreads := flag.Int("peer-threads", 0, "OPENBLAS_NUM_THREADS/OMP_NUM_THREADS for POT (0: numpy's default)")
	flag.Parse()

	dir, err := os.MkdirTemp("", "otbench")
	check(err)
	defer os.RemoveAll(dir)
	rep := report{GoVersion: runtime.Version(), GOMAXPROCS: runtime.GOMAXPROCS(0), PeerThreads: *peerThreads,
		CopyGBs: copyBandwidth(), Ratios: map[string]float64{}}
	for _, name := range problemNames(*cases, *quick) {
		args := []string{*script, "--out", dir, "--cases", *cases, "--only", name, "--repeats", fmt.Sprint(*repeats)}
		if *quick {
			args = append(args, "--quick")
		}
		load0 := loadAvg()
		cmd := exec.Command(*python, args...)
		if *peerThreads > 0 {
			n := fmt.Sprint(*peerThreads)
			cmd.Env = append(os.Environ(), "OPENBLAS_NUM_THREADS="+n, "OMP_NUM_THREADS="+n)
		}
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, os.Stderr
		check(cmd.Run())
		var peer struct {
			Versions map[string]string `json:"versions"`
			Problems []problem         `json:"problems"`
		}
		check(json.Unmarshal(out.Bytes(), &peer))
		rep.PeerVersions = peer.Versions
		if len(peer.Problems) != 1 {
			check(fmt.Errorf("pot_peer.py returned %d problems for %s", len(peer.Problems), name))
		}
		rep.Problems = append(rep.Problems, runProblem(dir, peer.Problems[0], *repeats, load0, rep.CopyGBs))
	}
	ratios(&rep)
	if *save != "" {
		data, err := json.MarshalIndent(rep, "", " ")
		check(err)
		check(os.WriteFile(*save, data, 0o644))
	}
	if *jsonOut {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", " ")
		check(enc.Encode(rep))
		return
	}
	printTable(rep)
}

// problemNames lists the problems pot_peer.py builds, in its order.
func problemNames(cases string, quick bool) []string {
	var names []string
	want := map[string]bool{}
	for _, c := range strings.Split(cases, ",") {
		want[c] = true
	}
	b1, b2 := []int{500, 1000, 2000}, []int{500, 1000}
	if quick {
		b1, b2 = []int{500, 1000}, []int{500}
	}
	if want["B1"] {
		for _, n := range b1 {
			names = append(names, fmt.Sprintf("B1_n%d", n))
		}
	}
	if want["B2"] {
		for _, n := range b2 {
			names = append(names, fmt.Sprintf("B2_n%d", n))
		}
	}
	if want["B3"] {
		names = append(names, "B3_n500")
	}
	return names
}

// runProblem solves one problem written by pot_peer.py with every Go solver.
func runProblem(dir string, p problem, repeats int, load0 string, copyGBs float64) problemReport {
	M := readMatrix(filepath.Join(dir, p.File), p.N)
	pr := problemReport{problem: p, PassBytes: float64(8 * p.N * p.N)}
	pr.PassBoundS = pr.PassBytes / (copyGBs * 1e9)
	a := make([]float64, p.N)
	for i := range a {
		a[i] = 1 / float64(p.N)
	}
	for _, s := range []struct {
		name string
		fn   func([]float64, []float64, *mat.Dense, float64, *ot.Settings) (*ot.Result, error)
	}{{"Sinkhorn", ot.Sinkhorn}, {"SinkhornLog", ot.SinkhornLog}, {"SinkhornStabilized", ot.SinkhornStabilized}, {"SNS", ot.SNS}, {"SNS-TrustRegion", ot.SNS}} {
		set := &ot.Settings{Tol: 1e-9, Norm: ot.L2Col, MaxIter: 100000, TrustRegion: s.name == "SNS-TrustRegion"}
		if s.name == "SinkhornLog" && p.Case == "B3" {
			set.MaxIter = 200
		}
		r := runGo(s.name, s.fn, a, M, p.Reg, set, repeats)
		if s.name == "SinkhornLog" && p.Case == "B3" {
			r.Capped = 200
		}
		fmt.Fprintf(os.Stderr, "Go  %s %s: %.4fs its=%d passes=%d per_iter=%.3fms err=%.2e %s\n",
			p.Name, s.name, r.Time, r.Iterations, r.Passes, r.PerIterMs, r.MargErr, r.Status)
		pr.Go = append(pr.Go, r)
	}
	pr.LoadAvg = load0 + " → " + loadAvg()
	return pr
}

// loadAvg returns the 1-minute load average (Linux), or "?".
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	return strings.Fields(string(b))[0]
}

func runGo(name string, fn func([]float64, []float64, *mat.Dense, float64, *ot.Settings) (*ot.Result, error),
	a []float64, M *mat.Dense, reg float64, set *ot.Settings, repeats int) goRun {
	var times, cpus []float64
	var res *ot.Result
	var err error
	for k := 0; k < repeats; k++ {
		runtime.GC()
		c0, t0 := cpuSeconds(), time.Now()
		res, err = fn(a, a, M, reg, set)
		times = append(times, time.Since(t0).Seconds())
		cpus = append(cpus, cpuSeconds()-c0)
		if times[0] > 5 {
			break
		}
	}
	sort.Float64s(times)
	sort.Float64s(cpus)
	r := goRun{Method: name, Time: times[0], CPU: cpus[0], Status: res.Status.String(), Iterations: res.Iterations,
		Passes: res.Passes, NewtonSteps: res.NewtonSteps, MargErr: res.RowErr + res.ColErr, Cost: res.Cost}
	if err != nil {
		r.Error = err.Error()
	}
	if r.Iterations > 0 {
		r.PerIterMs = r.Time / float64(r.Iterations) * 1e3
	}
	return r
}

// copyBandwidth returns (bytes read + bytes written) per second of copying
// a 64 MiB buffer, best of 5.
func copyBandwidth() float64 {
	const size = 64 << 20
	src, dst := make([]byte, size), make([]byte, size)
	for i := range src {
		src[i] = byte(i)
	}
	best := math.Inf(1)
	for k := 0; k < 5; k++ {
		t0 := time.Now()
		copy(dst, src)
		best = math.Min(best, time.Since(t0).Seconds())
	}
	return 2 * size / best / 1e9
}

func readMatrix(path string, n int) *mat.Dense {
	raw, err := os.ReadFile(path)
	check(err)
	if len(raw) != 8*n*n {
		check(fmt.Errorf("%s: %d bytes, want %d", path, len(raw), 8*n*n))
	}
	data := make([]float64, n*n)
	for i := range data {
		data[i] = math.Float64frombits(binary.LittleEndian.Uint64(raw[8*i:]))
	}
	return mat.NewDense(n, n, data)
}

func find(p problemReport, method string) (goRun, potRun) {
	var g goRun
	var q potRun
	for _, r := range p.Go {
		if r.Method == method {
			g = r
		}
	}
	for _, r := range p.POT {
		if r.Method == method {
			q = r
		}
	}
	return g, q
}

func ratios(rep *report) {
	for _, p := range rep.Problems {
		_, potS := find(p, "sinkhorn")
		_, potL := find(p, "sinkhorn_log")
		sk, _ := find(p, "Sinkhorn")
		lg, _ := find(p, "SinkhornLog")
		st, _ := find(p, "SinkhornStabilized")
		sn, _ := find(p, "SNS")
		tr, _ := find(p, "SNS-TrustRegion")
		k := p.Name + "."
		rep.Ratios[k+"Sinkhorn_time/POT_sinkhorn"] = sk.Time / potS.Time
		rep.Ratios[k+"Sinkhorn_cpu/POT_sinkhorn_cpu"] = sk.CPU / potS.CPU
		rep.Ratios[k+"Stabilized_cpu/POT_sinkhorn_cpu"] = st.CPU / potS.CPU
		rep.Ratios[k+"Sinkhorn_per_iter/POT_sinkhorn_per_iter"] = sk.PerIterMs / potS.PerIterMs
		rep.Ratios[k+"Stabilized_time/POT_sinkhorn"] = st.Time / potS.Time
		rep.Ratios[k+"Stabilized_time/POT_sinkhorn_log"] = st.Time / (potL.PerIterMs * float64(potS.Iterations) / 1e3)
		rep.Ratios[k+"SinkhornLog_per_iter/POT_sinkhorn_log_per_iter"] = lg.PerIterMs / potL.PerIterMs
		logPasses := lg.Passes
		if lg.Capped > 0 { // same iterates as the scaling solver: 2 passes per iteration
			logPasses = 2 * sk.Iterations
		}
		rep.Ratios[k+"SNS_passes/SinkhornLog_passes"] = float64(sn.Passes) / float64(logPasses)
		rep.Ratios[k+"SNS_time/Stabilized_time"] = sn.Time / st.Time
		rep.Ratios[k+"SNS-TrustRegion_passes/SNS_passes"] = float64(tr.Passes) / float64(sn.Passes)
		rep.Ratios[k+"SNS_time/Sinkhorn_time"] = sn.Time / sk.Time
		rep.Ratios[k+"Sinkhorn_per_iter/bandwidth_bound"] = sk.PerIterMs / 1e3 / p.PassBoundS
	}
}

func printTable(rep report) {
	fmt.Printf("mathx/ot vs POT %s (%s, GOMAXPROCS %d, POT BLAS threads %d (0 = default)); copy bandwidth %.1f GB/s (read+write)\n",
		rep.PeerVersions["pot"], rep.GoVersion, rep.GOMAXPROCS, rep.PeerThreads, rep.CopyGBs)
	for _, p := range rep.Problems {
		fmt.Printf("\n%s  n=%d reg=%.6g (%.4g·max M)  one pass = %.0f MB, bandwidth bound %.3f ms/pass, load %s\n",
			p.Name, p.N, p.Reg, p.Reg/p.MaxM, p.PassBytes/1e6, p.PassBoundS*1e3, p.LoadAvg)
		fmt.Printf("  %-22s %10s %10s %8s %8s %10s %10s %s\n", "solver", "time s", "cpu s", "iters", "passes", "ms/iter", "l1 err", "note")
		for _, r := range p.POT {
			note := ""
			if r.Capped < 100000 {
				note = fmt.Sprintf("capped at %d iterations", r.Capped)
			}
			e := math.NaN()
			if r.MargErr != nil {
				e = *r.MargErr
			}
			fmt.Printf("  %-22s %10.4f %10.4f %8d %8d %10.3f %10.2e %s\n", "POT "+r.Method, r.Time, r.CPU, r.Iterations, 2*r.Iterations, r.PerIterMs, e, note)
		}
		for _, r := range p.Go {
			note := r.Status
			if r.Capped > 0 {
				note += fmt.Sprintf(" (capped at %d iterations)", r.Capped)
			}
			if r.NewtonSteps > 0 {
				note += fmt.Sprintf(", %d Newton steps", r.NewtonSteps)
			}
			fmt.Printf("  %-22s %10.4f %10.4f %8d %8d %10.3f %10.2e %s\n", "Go "+r.Method, r.Time, r.CPU, r.Iterations, r.Passes, r.PerIterMs, r.MargErr, note)
		}
	}
	keys := make([]string, 0, len(rep.Ratios))
	for k := range rep.Ratios {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	fmt.Println("\nratios:")
	for _, k := range keys {
		fmt.Printf("  %-60s %8.3f\n", k, rep.Ratios[k])
	}
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench/ot:", err)
		os.Exit(1)
	}
}
