// Command sae benchmarks mathx/sae's TopK training against a PyTorch CPU
// peer, bench/sae/peer.py, side by side in one run: d = 64, 512 latents,
// k = 8, batches of 1024 from toy superposition (256 true directions,
// p = 8/256, magnitudes U(0,1), 64 batches cycled), Adam 1e-3, -steps
// steps, float32 in PyTorch and float64 in gomx.
//
// Run from the repository root (python3-torch installed for the peer):
//
//	go run ./bench/sae [-threads 1,2] [-rounds 3] [-steps 1000] [-decode sparse] [-omp-passive] [-peer=true] [-python /usr/bin/python3] [-json]
//
// or make bench-sae (not part of make test). Both sides get the same
// number of threads N: gomx GOMAXPROCS = N, PyTorch
// torch.set_num_threads(N) with OPENBLAS_NUM_THREADS=1 and
// OMP_NUM_THREADS=N (-omp-passive adds OMP_WAIT_POLICY=PASSIVE, for a
// loaded machine, where OpenMP's spinning threads starve). The peer decodes sparsely by default (embedding_bag
// over the k active latents with per-sample weights, as gomx does); -decode
// dense gives it the dense B×512 product instead, the slower way. Each
// round runs both sides once per thread count, alternating which goes
// first. It prints the configuration, every round, and per thread count
// the median and range of steps/s and of the per-round ratio, with the
// final NMSE, recovered fraction and dead latents, FLOPs per step and
// gomx's GFLOP/s.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gomx-dev/gomx/mathx/sae"

	"github.com/gomx-dev/gomx/bench/internal/benchenv"
)

type run struct {
	StepsPerSec float64 `json:"steps_per_sec"`
	NMSE        float64 `json:"nmse"`
	Recovered   float64 `json:"frac_cos_gt_0_9"`
	Dead        int     `json:"dead"`
}

const d, f, k, b = 64, 512, 8, 1024

func main() {
	threadList := flag.String("threads", "1,2", "thread counts, comma-separated (the same on both sides)")
	rounds := flag.Int("rounds", 3, "rounds (each runs both sides once per thread count)")
	steps := flag.Int("steps", 1000, "training steps per run")
	decode := flag.String("decode", "sparse", "the peer's decode: sparse (embedding_bag) or dense")
	peer := flag.Bool("peer", true, "also run the PyTorch peer")
	peerScript := flag.String("peer-script", filepath.Join("bench", "sae", "peer.py"), "peer script (PyTorch TopK SAE), relative to the working directory")
	python := flag.String("python", "/usr/bin/python3", "Python interpreter with python3-torch")
	flag.BoolVar(&ompPassive, "omp-passive", false, "run the peer with OMP_WAIT_POLICY=PASSIVE (OpenMP threads sleep instead of spinning: fairer to PyTorch's threads on a loaded machine, slower on a quiet one)")
	asJSON := flag.Bool("json", false, "print JSON")
	flag.Parse()
	var threads []int
	for _, s := range strings.Split(*threadList, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			fail(fmt.Errorf("-threads %q: want positive integers", *threadList))
		}
		threads = append(threads, n)
	}
	// FLOPs per step: the dense encoder product 2·B·F·d, plus the sparse
	// decoder, backward and the Adam update (counted roughly).
	flops := 2.0*b*f*d + 6.0*b*k*d + 10.0*2*f*d
	if !*asJSON {
		fmt.Printf("configuration\n")
		fmt.Printf("  CPU            %s, %d logical CPUs, load average %s\n", benchenv.CPUModel(), runtime.NumCPU(), benchenv.LoadAvg())
		fmt.Printf("  gomx           %s %s/%s, float64, GOMAXPROCS=N\n", runtime.Version(), runtime.GOOS, runtime.GOARCH)
		fmt.Printf("  model          TopK SAE d %d, %d latents, k %d, batch %d, Adam 1e-3, %d steps per run\n", d, f, k, b, *steps)
		fmt.Printf("  measurement    %d rounds, threads %v (gomx GOMAXPROCS=N; PyTorch torch.set_num_threads(N), OPENBLAS_NUM_THREADS=1, OMP_NUM_THREADS=N%s, %s decode)\n", *rounds, threads, benchenv.PassiveNote(ompPassive), *decode)
	}
	ours, theirs := map[int][]run{}, map[int][]run{}
	for r := 0; r < *rounds; r++ {
		for _, n := range threads {
			goSide := func() {
				prev := runtime.GOMAXPROCS(n)
				ours[n] = append(ours[n], trainGomx(*steps, uint64(r+1)))
				runtime.GOMAXPROCS(prev)
			}
			peerSide := func() {
				if !*peer {
					return
				}
				p, info, err := runPeer(*python, *peerScript, *steps, n, *decode)
				if err != nil {
					fail(err)
				}
				if r == 0 && n == threads[0] && !*asJSON {
					fmt.Printf("  PyTorch        %s\n", info)
				}
				theirs[n] = append(theirs[n], p)
			}
			if r%2 == 0 {
				peerSide()
				goSide()
			} else {
				goSide()
				peerSide()
			}
			if !*asJSON {
				fmt.Printf("round %d, %d thread(s): gomx %.1f steps/s", r+1, n, ours[n][r].StepsPerSec)
				if *peer {
					fmt.Printf(", PyTorch %.1f steps/s, ratio %.2f×", theirs[n][r].StepsPerSec, ours[n][r].StepsPerSec/theirs[n][r].StepsPerSec)
				}
				fmt.Println()
			}
		}
	}
	out := map[string]any{"flops_per_step": flops, "decode": *decode}
	for _, n := range threads {
		g := stat(ours[n])
		res := map[string]any{"gomx": g, "gflops": g.StepsPerSec * flops / 1e9}
		if *peer {
			p := stat(theirs[n])
			ratios := make([]float64, len(ours[n]))
			for i := range ratios {
				ratios[i] = ours[n][i].StepsPerSec / theirs[n][i].StepsPerSec
			}
			res["peer"], res["ratio"] = p, ratios
		}
		out[strconv.Itoa(n)+"_threads"] = res
		if *asJSON {
			continue
		}
		fmt.Printf("\n%d thread(s) (steps/s: median [min, max] over %d rounds)\n", n, *rounds)
		fmt.Printf("  gomx    %6.1f [%.1f, %.1f] steps/s, NMSE %.4f, recovered %.3f, dead %d; %.1f MFLOP per step, %.2f GFLOP/s\n",
			g.StepsPerSec, g.Min, g.Max, g.NMSE, g.Recovered, g.Dead, flops/1e6, g.StepsPerSec*flops/1e9)
		if *peer {
			p := res["peer"].(summary)
			rs := res["ratio"].([]float64)
			fmt.Printf("  PyTorch %6.1f [%.1f, %.1f] steps/s, NMSE %.4f, recovered %.3f, dead %d (%s decode)\n",
				p.StepsPerSec, p.Min, p.Max, p.NMSE, p.Recovered, p.Dead, *decode)
			fmt.Printf("  ratio   %.2f× [%.2f, %.2f] gomx/PyTorch at %d thread(s) on both sides\n", benchenv.Median(rs), slices.Min(rs), slices.Max(rs), n)
		}
	}
	if *asJSON {
		json.NewEncoder(os.Stdout).Encode(out)
	}
}

func trainGomx(steps int, seed uint64) run {
	toy := sae.Superposition(d, 256, 8.0/256, 64, b, seed)
	m := sae.NewModel(d, f, seed)
	m.SetPreBias(toy.Batches[0])
	t0 := time.Now()
	res, err := sae.Train(m, toy.Batches, &sae.Settings{Selection: sae.Selection{K: k}, MaxIter: steps})
	el := time.Since(t0)
	if err != nil {
		fail(err)
	}
	_, frac := m.Recovery(toy.Dirs, 0.9)
	return run{float64(steps) / el.Seconds(), res.History[len(res.History)-1], frac, res.Dead}
}

// summary is the run with the median steps/s, with the range.
type summary struct {
	run
	Min float64 `json:"min_steps_per_sec"`
	Max float64 `json:"max_steps_per_sec"`
}

func stat(rs []run) summary {
	s := slices.Clone(rs)
	slices.SortFunc(s, func(a, b run) int {
		switch {
		case a.StepsPerSec < b.StepsPerSec:
			return -1
		case a.StepsPerSec > b.StepsPerSec:
			return 1
		}
		return 0
	})
	return summary{s[len(s)/2], s[0].StepsPerSec, s[len(s)-1].StepsPerSec}
}

// ompPassive is -omp-passive (benchenv.Env).
var ompPassive bool

func fail(err error) {
	fmt.Fprintln(os.Stderr, "bench/sae:", err)
	os.Exit(1)
}

// runPeer runs the peer script once (one repeat) with n threads and returns
// its run, read from the JSON line it prints last, and its first line.
func runPeer(python, script string, steps, n int, decode string) (run, string, error) {
	cmd := exec.Command(python, script, "--steps", strconv.Itoa(steps), "--repeats", "1", "--threads", strconv.Itoa(n), "--decode", decode)
	cmd.Env = benchenv.Env(n, ompPassive)
	var res struct {
		Runs []run `json:"runs"`
	}
	info, err := benchenv.RunJSON(cmd, &res)
	if err != nil {
		return run{}, "", err
	}
	if len(res.Runs) == 0 {
		return run{}, "", fmt.Errorf("%s %s: no results in the peer's output", python, script)
	}
	return res.Runs[0], info, nil
}
