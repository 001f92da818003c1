// Command mlpbench is the gomx side of bench/nn (go run ./bench/nn builds
// and runs it, with GOMAXPROCS=N in its environment): it times training
// steps of an MLP (by default 784-256-256-10; biases, ReLU, softmax
// cross-entropy, SGD lr 0.01, batches of 128, 16 batches cycled) and prints one JSON
// line {"side", "dtype", "impl", "gomaxprocs", "steps_per_sec", "loss"}.
//
//	mlpbench -side kernels -dtype float64|float32 [-steps 300] [-sizes 784,256,256,10] [-batch 128]
//	mlpbench -side nn -dtype float64|float32 [-grok] [-steps 300] [-sizes …] [-batch …]
//	mlpbench -peak
//
// It lives under mathx/internal because it imports mathx/internal/kernels,
// which packages outside mathx cannot.
//
// Side "kernels" is the training step written here directly on the
// kernels, in float64 or float32, with mathx/nn's data layout (weights
// Out×In row-major, as torch.nn.Linear stores them): forward X·Wᵀ, bias,
// ReLU, softmax cross-entropy, backward Gᵀ·X and G·W, SGD. Side "nn" is
// nn.Train with the same settings, its parameters and arithmetic in
// -dtype (Settings.Compute): steps/s from the difference of two runs of
// different lengths, so that set-up and the final evaluation cancel.
// With -grok, side "nn" trains mathx/nn's grokking network instead, as
// its test TestGrokking does: -sizes 2p,w,w,p on (a+b) mod p
// (nn.ModularAddition, 40 % of the pairs, seed 1), no biases, AdamW
// (lr 0.02, β₂ 0.9, ε 1e-25, no weight decay) with ⊥Grad, the softmax
// cross-entropy in float32 (Settings.Precision), -batch the whole
// training set. -peak prints the measured FMA throughput of one core
// (kernels.PeakGFLOPS).
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gomx-dev/gomx/mathx/internal/kernels"
	"github.com/gomx-dev/gomx/mathx/nn"
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

func main() {
	side := flag.String("side", "kernels", "kernels or nn")
	dtype := flag.String("dtype", "float64", "float64 or float32")
	grok := flag.Bool("grok", false, "side nn: the grokking network and settings of mathx/nn's TestGrokking")
	steps := flag.Int("steps", 300, "timed steps")
	peak := flag.Bool("peak", false, "print the measured peak GFLOP/s of one core and exit")
	sizeList := flag.String("sizes", "784,256,256,10", "layer widths, input first")
	flag.IntVar(&batch, "batch", 128, "batch size")
	flag.Parse()
	for _, f := range strings.Split(*sizeList, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			fail(fmt.Errorf("-sizes %q", *sizeList))
		}
		sizes = append(sizes, n)
	}
	if len(sizes) < 2 || batch < 1 {
		fail(fmt.Errorf("-sizes %q -batch %d", *sizeList, batch))
	}
	out := json.NewEncoder(os.Stdout)
	if *peak {
		out.Encode(map[string]any{"impl": kernels.Impl(), "impls": kernels.Impls(), "peak_gflops_f64": kernels.PeakGFLOPS(time.Second)})
		return
	}
	var sps, loss float64
	switch {
	case *side == "nn" && (*dtype == "float64" || *dtype == "float32"):
		compute := nn.Float64
		if *dtype == "float32" {
			compute = nn.Float32
		}
		sps, loss = stepsPerSecNN(*steps, compute, *grok), math.NaN()
	case *dtype == "float64":
		sps, loss = timeSteps(newMLP(ops[float64]{kernels.Gemm64, kernels.Axpy64, kernels.ReLUGrad64}), *steps)
	case *dtype == "float32":
		sps, loss = timeSteps(newMLP(ops[float32]{kernels.Gemm32, kernels.Axpy32, kernels.ReLUGrad32}), *steps)
	default:
		fail(fmt.Errorf("-side %q -dtype %q", *side, *dtype))
	}
	res := map[string]any{"side": *side, "dtype": *dtype, "impl": kernels.Impl(), "gomaxprocs": runtime.GOMAXPROCS(0), "steps_per_sec": sps}
	if !math.IsNaN(loss) {
		res["loss"] = loss
	}
	out.Encode(res)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "mlpbench:", err)
	os.Exit(1)
}

// stepsPerSecNN times nn.Train (SGD at the batch size, or with grok the
// grokking settings) with its arithmetic in compute: runs of warmup and
// warmup+steps steps, the difference of their times.
func stepsPerSecNN(steps int, compute nn.Precision, grok bool) float64 {
	data := nn.GaussianMixture(sizes[len(sizes)-1], sizes[0], nBatches*batch, 3, 1)
	s := nn.Settings{Optimizer: nn.SGD, LR: lr, BatchSize: batch, Compute: compute}
	bias := true
	if grok {
		p := sizes[len(sizes)-1]
		if len(sizes) != 4 || sizes[0] != 2*p {
			fail(fmt.Errorf("-grok -sizes %v: want 2p,w,w,p", sizes))
		}
		data, _ = nn.ModularAddition(p, 0.4, 1)
		if data.Len() != batch {
			fail(fmt.Errorf("-grok: the training set has %d pairs, -batch %d: want the full batch", data.Len(), batch))
		}
		s = nn.Settings{Precision: nn.Float32, Compute: compute, Optimizer: nn.AdamW, LR: 0.02, Beta2: 0.9, Eps: 1e-25, OrthoGrad: true, BatchSize: batch}
		bias = false
	}
	timeIt := func(iters int) time.Duration {
		net := nn.NewMLP(sizes, nn.ReLU, bias, 1)
		s.MaxIter = iters
		t := time.Now()
		if _, err := nn.Train(net, data, &s); err != nil {
			fail(err)
		}
		return time.Since(t)
	}
	short := timeIt(warmup)
	long := timeIt(warmup + steps)
	return float64(steps) / max(long-short, time.Microsecond).Seconds()
}

func timeSteps[T kernels.Float](m *mlp[T], steps int) (float64, float64) {
	for i := 0; i < warmup; i++ {
		m.step(i % nBatches)
	}
	t := time.Now()
	for i := 0; i < steps; i++ {
		m.step(i % nBatches)
	}
	el := time.Since(t)
	if l := m.loss; math.IsNaN(l) || l <= 0 {
		fail(fmt.Errorf("loss %v", l))
	}
	return float64(steps) / el.Seconds(), m.loss
}

// ops are the kernels of one precision.
type ops[T kernels.Float] struct {
	gemm     func(transA, transB bool, m, n, k int, a []T, lda int, b []T, ldb int, acc bool, c []T, ldc int)
	axpy     func(alpha T, x, y []T)
	reluGrad func(g, z []T)
}

// mlp is the benchmark's network on the kernels: weights W_l (Out×In,
// row-major, as mathx/nn and torch.nn.Linear store them) and biases.
type mlp[T kernels.Float] struct {
	ops[T]
	w, b   [][]T // parameters per layer
	gw, gb [][]T // gradients
	z, a   [][]T // pre-activations and outputs per layer, batch×Out
	d1, d2 []T   // backward scratch
	xs     [][]T // the batches, batch×sizes[0]
	ys     [][]int
	loss   float64
}

func newMLP[T kernels.Float](o ops[T]) *mlp[T] {
	r := rand.New(rand.NewPCG(1, 2))
	m := &mlp[T]{ops: o}
	for l := 0; l+1 < len(sizes); l++ {
		in, out := sizes[l], sizes[l+1]
		bound := 1 / math.Sqrt(float64(in))
		u := func(n int) []T {
			s := make([]T, n)
			for i := range s {
				s[i] = T((2*r.Float64() - 1) * bound)
			}
			return s
		}
		m.w = append(m.w, u(in*out))
		m.b = append(m.b, u(out))
		m.gw = append(m.gw, make([]T, in*out))
		m.gb = append(m.gb, make([]T, out))
		m.z = append(m.z, make([]T, batch*out))
		m.a = append(m.a, make([]T, batch*out))
	}
	m.d1, m.d2 = make([]T, batch*slices.Max(sizes)), make([]T, batch*slices.Max(sizes))
	for i := 0; i < nBatches; i++ {
		x := make([]T, batch*sizes[0])
		for j := range x {
			x[j] = T(r.NormFloat64())
		}
		y := make([]int, batch)
		for j := range y {
			y[j] = r.IntN(sizes[len(sizes)-1])
		}
		m.xs, m.ys = append(m.xs, x), append(m.ys, y)
	}
	return m
}

// step is one SGD step on batch i.
func (m *mlp[T]) step(i int) {
	x, y := m.xs[i], m.ys[i]
	L := len(m.w)
	in := x
	for l := 0; l < L; l++ {
		nIn, nOut := sizes[l], sizes[l+1]
		z := m.z[l]
		m.gemm(false, true, batch, nOut, nIn, in, nIn, m.w[l], nIn, false, z, nOut)
		for r := 0; r < batch; r++ { // z += b, as fma(1, b, z): one rounding, a plain sum
			m.axpy(1, m.b[l], z[r*nOut:(r+1)*nOut])
		}
		if l+1 < L {
			a := m.a[l]
			for j, v := range z {
				a[j] = max(v, 0)
			}
			in = a
		} else {
			in = z
		}
	}
	// softmax cross-entropy, mean over the batch: g = (softmax − onehot)/B
	k := sizes[L]
	g := m.a[L-1]
	loss := 0.0
	for r := 0; r < batch; r++ {
		zr, gr := m.z[L-1][r*k:(r+1)*k], g[r*k:(r+1)*k]
		mx := zr[0]
		for _, v := range zr {
			mx = max(mx, v)
		}
		var s T
		for j, v := range zr {
			e := T(math.Exp(float64(v - mx)))
			gr[j] = e
			s += e
		}
		loss += math.Log(float64(s)) - float64(zr[y[r]]-mx)
		inv := 1 / (s * T(batch))
		for j := range gr {
			gr[j] *= inv
		}
		gr[y[r]] -= 1 / T(batch)
	}
	m.loss = loss / float64(batch)
	// backward
	for l := L - 1; l >= 0; l-- {
		nIn, nOut := sizes[l], sizes[l+1]
		prev := x
		if l > 0 {
			prev = m.a[l-1]
		}
		m.gemm(true, false, nOut, nIn, batch, g, nOut, prev, nIn, false, m.gw[l], nIn)
		gb := m.gb[l]
		clear(gb)
		for r := 0; r < batch; r++ {
			m.axpy(1, g[r*nOut:(r+1)*nOut], gb)
		}
		if l > 0 {
			next := m.d1[:batch*nIn]
			if &g[0] == &m.d1[0] {
				next = m.d2[:batch*nIn]
			}
			m.gemm(false, false, batch, nIn, nOut, g, nOut, m.w[l], nIn, false, next, nIn)
			m.reluGrad(next, m.z[l-1])
			g = next
		}
	}
	for l := range m.w { // SGD: p ← fma(−lr, g, p)
		m.axpy(-lr, m.gw[l], m.w[l])
		m.axpy(-lr, m.gb[l], m.b[l])
	}
}
