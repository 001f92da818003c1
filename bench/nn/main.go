// Command nn benchmarks training of the MLP 784-256-256-10 (biases, ReLU,
// softmax cross-entropy, plain SGD with lr 0.01, batches of 128) against
// PyTorch on the CPU, bench/nn/peer.py, side by side in one run, in
// float64 and float32, with the same number of threads on both sides:
// gomx with GOMAXPROCS = N, PyTorch with torch.set_num_threads(N),
// OPENBLAS_NUM_THREADS=1 and OMP_NUM_THREADS=N (-omp-passive adds
// OMP_WAIT_POLICY=PASSIVE, for a loaded machine, where OpenMP's spinning
// threads starve).
//
// Run from the repository root (python3-torch installed for the peer):
//
//	go run ./bench/nn [-threads 1,2] [-rounds 3] [-steps 300] [-sizes 784,256,256,10] [-batch 128] [-grok] [-peer=true] [-nn=true] [-omp-passive] [-python /usr/bin/python3]
//
// or make bench-nn (not part of make test).
//
// With -grok (make bench-nn's second line: -grok -sizes 82,128,128,41
// -batch 672) both sides train mathx/nn's grokking network as its test
// TestGrokking does: (a+b) mod 41 one-hot inputs, no biases, the full
// training batch of 672 pairs, AdamW (lr 0.02, β₂ 0.9, ε 1e-25, no weight
// decay) with ⊥Grad, the cross-entropy in float32 (the test's softmax
// precision) in both rows; only the mathx/nn side runs for gomx.
//
// Each round runs, for each thread count, the peer
// (float64 then float32) and gomx, alternating which goes first, and
// prints the configuration, steps/s of every side in every round, the
// ratios gomx/PyTorch (median and range over the rounds), GFLOP/s of the
// dense products and their fraction of the measured peak (N cores times
// one core's FMA throughput; float32's peak is twice float64's).
//
// The gomx side runs in its own process, mathx/internal/kernels/mlpbench
// (built once into a temporary directory, run with GOMAXPROCS=N), which
// can import the internal kernels where this package cannot. It is
// measured two ways:
//
//   - "kernels": the training step written directly on
//     mathx/internal/kernels, in float64 and float32 — the forward and
//     backward products, bias, ReLU, softmax cross-entropy and the SGD
//     update, with the same data layout as mathx/nn (a reference for
//     what mathx/nn's own overhead costs).
//   - "mathx/nn": nn.Train with the same settings, in float64 and in
//     float32 (Settings.Compute: float32 parameters, activations and
//     gradients); steps/s from the difference of two runs of different
//     lengths, so that set-up and the final evaluation cancel.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"

	"github.com/gomx-dev/gomx/bench/internal/benchenv"
)

// sizes and batch are set by -sizes and -batch.
var (
	sizes []int
	batch int
)

const (
	lr       = 0.01
	nBatches = 16
	warmup   = 20
)

// flopsPerStep counts the dense products of a step: forward 2·B·In·Out per
// layer, the weight gradient as much again, and the input gradient of
// every layer but the first.
func flopsPerStep() float64 {
	f := 0.0
	for l := 0; l+1 < len(sizes); l++ {
		p := 2 * float64(batch*sizes[l]*sizes[l+1])
		f += 2 * p
		if l > 0 {
			f += p
		}
	}
	return f
}

func main() {
	threadList := flag.String("threads", "1,2", "thread counts, comma-separated (the same on both sides)")
	rounds := flag.Int("rounds", 3, "rounds (each runs every side once per thread count)")
	steps := flag.Int("steps", 300, "timed steps per measurement")
	peer := flag.Bool("peer", true, "also run the PyTorch peer")
	withNN := flag.Bool("nn", true, "also time mathx/nn's Train")
	grok := flag.Bool("grok", false, "mathx/nn's grokking network and settings (TestGrokking) on both sides; gomx side mathx/nn only")
	peerScript := flag.String("peer-script", filepath.Join("bench", "nn", "peer.py"), "peer script, relative to the working directory")
	python := flag.String("python", "/usr/bin/python3", "Python interpreter with python3-torch")
	flag.BoolVar(&ompPassive, "omp-passive", false, "run the peer with OMP_WAIT_POLICY=PASSIVE (OpenMP threads sleep instead of spinning: fairer to PyTorch's threads on a loaded machine, slower on a quiet one)")
	sizeList := flag.String("sizes", "784,256,256,10", "layer widths, input first (82,128,128,41 with -batch 672 is mathx/nn's grokking network at its test's full batch)")
	flag.IntVar(&batch, "batch", 128, "batch size")
	flag.Parse()
	for _, f := range strings.Split(*sizeList, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			fail(fmt.Errorf("-sizes %q: want positive integers", *sizeList))
		}
		sizes = append(sizes, n)
	}
	if len(sizes) < 2 || batch < 1 {
		fail(fmt.Errorf("-sizes %q -batch %d", *sizeList, batch))
	}
	var threads []int
	for _, s := range strings.Split(*threadList, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			fail(fmt.Errorf("-threads %q: want positive integers", *threadList))
		}
		threads = append(threads, n)
	}

	dir, err := os.MkdirTemp("", "bench-nn")
	if err != nil {
		fail(err)
	}
	defer os.RemoveAll(dir)
	helper := filepath.Join(dir, "mlpbench")
	build := exec.Command("go", "build", "-o", helper, "./mathx/internal/kernels/mlpbench")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fail(fmt.Errorf("go build ./mathx/internal/kernels/mlpbench: %v (run from the repository root)", err))
	}
	var pk struct {
		Impl  string   `json:"impl"`
		Impls []string `json:"impls"`
		Peak  float64  `json:"peak_gflops_f64"`
	}
	if _, err := benchenv.RunJSON(exec.Command(helper, "-peak"), &pk); err != nil {
		fail(err)
	}
	peak := pk.Peak
	flops := flopsPerStep()
	fmt.Printf("configuration\n")
	fmt.Printf("  CPU            %s, %d logical CPUs, load average %s\n", benchenv.CPUModel(), runtime.NumCPU(), benchenv.LoadAvg())
	fmt.Printf("  gomx           %s %s/%s, kernels %s (available %v)\n", runtime.Version(), runtime.GOOS, runtime.GOARCH, pk.Impl, pk.Impls)
	fmt.Printf("  peak           %.1f GFLOP/s float64 per core measured (FMA throughput, %s), %.1f float32\n", peak, pk.Impl, 2*peak)
	if *grok {
		fmt.Printf("  model          MLP %v, ReLU, no biases, (a+b) mod %d one-hot, full batch %d, AdamW lr 0.02 β₂ 0.9 ε 1e-25 with ⊥Grad, softmax cross-entropy in float32 (mathx/nn's TestGrokking)\n", sizes, sizes[len(sizes)-1], batch)
	} else {
		fmt.Printf("  model          MLP %v, ReLU, biases, softmax cross-entropy (mean), SGD lr %g, batch %d, %d batches cycled\n", sizes, lr, batch, nBatches)
	}
	fmt.Printf("  work           %.1f MFLOP per step in the dense products\n", flops/1e6)
	fmt.Printf("  measurement    %d rounds × %d timed steps after %d warm-up steps, threads %v (gomx GOMAXPROCS=N; PyTorch torch.set_num_threads(N), OPENBLAS_NUM_THREADS=1, OMP_NUM_THREADS=N%s)\n",
		*rounds, *steps, warmup, threads, benchenv.PassiveNote(ompPassive))

	type key struct {
		side  string
		n     int
		dtype string
	}
	res := map[key][]float64{}
	for r := 0; r < *rounds; r++ {
		for _, n := range threads {
			goSide := func() {
				var runs [][2]string
				if !*grok {
					runs = [][2]string{{"kernels", "float64"}, {"kernels", "float32"}}
				}
				if *withNN || *grok {
					runs = append(runs, [2]string{"nn", "float64"}, [2]string{"nn", "float32"})
				}
				for _, s := range runs {
					cmd := exec.Command(helper, "-side", s[0], "-dtype", s[1], "-steps", strconv.Itoa(*steps), "-sizes", *sizeList, "-batch", strconv.Itoa(batch), "-grok="+strconv.FormatBool(*grok))
					cmd.Env = append(os.Environ(), "GOMAXPROCS="+strconv.Itoa(n))
					var v struct {
						SPS   float64 `json:"steps_per_sec"`
						Procs int     `json:"gomaxprocs"`
					}
					if _, err := benchenv.RunJSON(cmd, &v); err != nil {
						fail(err)
					}
					if v.Procs != n {
						fail(fmt.Errorf("mlpbench ran with GOMAXPROCS %d, want %d", v.Procs, n))
					}
					side := s[0]
					if side == "nn" {
						side = "mathx/nn"
					}
					k := key{side, n, s[1]}
					res[k] = append(res[k], v.SPS)
				}
			}
			peerSide := func() {
				if !*peer {
					return
				}
				p, info, err := runPeer(*python, *peerScript, n, *steps, *sizeList, *grok)
				if err != nil {
					fail(err)
				}
				if r == 0 && n == threads[0] {
					fmt.Printf("  PyTorch        %s\n", info)
				}
				for dt, v := range p {
					res[key{"PyTorch", n, dt}] = append(res[key{"PyTorch", n, dt}], v...)
				}
			}
			if r%2 == 0 {
				peerSide()
				goSide()
			} else {
				goSide()
				peerSide()
			}
			fmt.Printf("round %d, %d thread(s):", r+1, n)
			for _, dt := range []string{"float64", "float32"} {
				for _, side := range []string{"PyTorch", "kernels", "mathx/nn"} {
					if v := res[key{side, n, dt}]; len(v) > r {
						fmt.Printf("  %s %s %.0f", side, dt, v[r])
					}
				}
			}
			fmt.Println(" steps/s")
		}
	}

	// The peak again: on a shared machine the higher of the two is the
	// nearer to the core's.
	if _, err := benchenv.RunJSON(exec.Command(helper, "-peak"), &pk); err != nil {
		fail(err)
	}
	if pk.Peak > peak {
		peak = pk.Peak
		fmt.Printf("peak measured again: %.1f GFLOP/s float64 per core\n", peak)
	}
	fmt.Printf("\nresults (steps/s: median [min, max] over %d rounds; ratio: median [min, max] of the per-round ratios)\n", *rounds)
	for _, n := range threads {
		for _, dt := range []string{"float64", "float32"} {
			pk := peak * float64(n)
			if dt == "float32" {
				pk *= 2
			}
			pt := res[key{"PyTorch", n, dt}]
			if len(pt) > 0 {
				m := benchenv.Median(pt)
				fmt.Printf("%d thread(s) %s  %-9s %6.0f [%.0f, %.0f] steps/s  %6.1f GFLOP/s  %4.0f%% of peak\n", n, dt, "PyTorch", m, slices.Min(pt), slices.Max(pt), m*flops/1e9, 100*m*flops/1e9/pk)
			}
			for _, side := range []string{"kernels", "mathx/nn"} {
				v := res[key{side, n, dt}]
				if len(v) == 0 {
					continue
				}
				m := benchenv.Median(v)
				fmt.Printf("%d thread(s) %s  %-9s %6.0f [%.0f, %.0f] steps/s  %6.1f GFLOP/s  %4.0f%% of peak", n, dt, side, m, slices.Min(v), slices.Max(v), m*flops/1e9, 100*m*flops/1e9/pk)
				if len(pt) == len(v) {
					ratios := make([]float64, len(v))
					for i := range v {
						ratios[i] = v[i] / pt[i]
					}
					fmt.Printf("  ratio %.2f× [%.2f, %.2f]", benchenv.Median(ratios), slices.Min(ratios), slices.Max(ratios))
				}
				fmt.Println()
			}
		}
	}
}

// ompPassive is -omp-passive (benchenv.Env).
var ompPassive bool

func fail(err error) {
	fmt.Fprintln(os.Stderr, "bench/nn:", err)
	os.Exit(1)
}

// runPeer runs peer.py once (one repeat of each dtype) with n threads and
// returns its steps/s per dtype and its configuration line.
func runPeer(python, script string, n, steps int, sizeList string, grok bool) (map[string][]float64, string, error) {
	args := []string{script, "--threads", strconv.Itoa(n), "--steps", strconv.Itoa(steps), "--repeats", "1", "--sizes", sizeList, "--batch", strconv.Itoa(batch)}
	if grok {
		args = append(args, "--grok")
	}
	cmd := exec.Command(python, args...)
	cmd.Env = benchenv.Env(n, ompPassive)
	var res struct {
		Results map[string][]float64 `json:"results"`
	}
	info, err := benchenv.RunJSON(cmd, &res)
	if err == nil && len(res.Results) == 0 {
		err = fmt.Errorf("%s %s: no results in the peer's output", python, script)
	}
	return res.Results, info, err
}
