// Command sae benchmarks mathx/sae's TopK training against a PyTorch CPU
// peer, bench/sae/peer.py, in one run: d = 64, 512 latents, k = 8,
// batches of 1024 from toy superposition (256 true directions, p = 8/256,
// magnitudes U(0,1), 64 batches cycled), Adam 1e-3, 1000 steps.
//
// Run from the repository root (python3-torch installed for the peer):
//
//	go run ./bench/sae [-steps 1000] [-repeats 3] [-peer=true] [-peer-script bench/sae/peer.py] [-python /usr/bin/python3] [-json]
//
// It prints steps per second, final NMSE, recovered fraction and dead
// latents for both, the ratio of steps per second, FLOPs per step and the
// achieved GFLOP/s.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gomx-dev/gomx/mathx/sae"
)

type run struct {
	StepsPerSec float64 `json:"steps_per_sec"`
	NMSE        float64 `json:"nmse"`
	Recovered   float64 `json:"frac_cos_gt_0_9"`
	Dead        int     `json:"dead"`
}

func main() {
	steps := flag.Int("steps", 1000, "training steps")
	repeats := flag.Int("repeats", 3, "repeats (median reported)")
	peer := flag.Bool("peer", true, "also run the PyTorch peer")
	peerScript := flag.String("peer-script", filepath.Join("bench", "sae", "peer.py"), "peer script (PyTorch TopK SAE), relative to the working directory")
	python := flag.String("python", "/usr/bin/python3", "Python interpreter with python3-torch")
	asJSON := flag.Bool("json", false, "print JSON")
	flag.Parse()

	const d, f, k, b = 64, 512, 8, 1024
	var ours []run
	for r := 0; r < *repeats; r++ {
		toy := sae.Superposition(d, 256, 8.0/256, 64, b, uint64(r+1))
		m := sae.NewModel(d, f, uint64(r+1))
		m.SetPreBias(toy.Batches[0])
		t0 := time.Now()
		res, err := sae.Train(m, toy.Batches, &sae.Settings{Selection: sae.Selection{K: k}, MaxIter: *steps})
		el := time.Since(t0)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		_, frac := m.Recovery(toy.Dirs, 0.9)
		ours = append(ours, run{float64(*steps) / el.Seconds(), res.History[len(res.History)-1], frac, res.Dead})
	}
	// FLOPs per step: the dense encoder product 2·B·F·d, plus the sparse
	// decoder, backward and the Adam update (counted roughly).
	flops := 2.0*b*f*d + 6.0*b*k*d + 10.0*2*f*d
	out := map[string]any{
		"gomx":           median(ours),
		"gomaxprocs":     runtime.GOMAXPROCS(0),
		"flops_per_step": flops,
		"gflops":         median(ours).StepsPerSec * flops / 1e9,
	}
	if *peer {
		p, err := runPeer(*python, *peerScript, *steps, *repeats)
		if err != nil {
			fmt.Fprintln(os.Stderr, "peer:", err)
			os.Exit(1)
		}
		out["peer"] = p
		out["speedup"] = median(ours).StepsPerSec / p.StepsPerSec
	}
	if *asJSON {
		json.NewEncoder(os.Stdout).Encode(out)
		return
	}
	g := median(ours)
	fmt.Printf("gomx  : %.1f steps/s, NMSE %.4f, recovered %.3f, dead %d (GOMAXPROCS %d)\n", g.StepsPerSec, g.NMSE, g.Recovered, g.Dead, runtime.GOMAXPROCS(0))
	fmt.Printf("        %.1f MFLOP per step, %.2f GFLOP/s\n", flops/1e6, out["gflops"])
	if p, ok := out["peer"].(run); ok {
		fmt.Printf("peer  : %.1f steps/s, NMSE %.4f, recovered %.3f, dead %d (PyTorch CPU)\n", p.StepsPerSec, p.NMSE, p.Recovered, p.Dead)
		fmt.Printf("speedup: %.2f×\n", out["speedup"])
	}
}

func median(rs []run) run {
	s := append([]run(nil), rs...)
	sort.Slice(s, func(i, j int) bool { return s[i].StepsPerSec < s[j].StepsPerSec })
	return s[len(s)/2]
}

// runPeer runs the peer script and returns the median of its repeats (by
// steps per second), read from the JSON line it prints last.
func runPeer(python, script string, steps, repeats int) (run, error) {
	cmd := exec.Command(python, script, "--steps", strconv.Itoa(steps), "--repeats", strconv.Itoa(repeats))
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		return run{}, fmt.Errorf("%s %s: %v\n%s", python, script, err, out.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	var res struct {
		Runs []run `json:"runs"`
	}
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &res); err != nil || len(res.Runs) == 0 {
		return run{}, fmt.Errorf("no results in the peer's output (%v):\n%s", err, out.String())
	}
	return median(res.Runs), nil
}
