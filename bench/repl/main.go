// Command repl measures how long `gomx` takes from start to its first
// prompt on a terminal (a pseudo-terminal), and to the first result of a
// trivial cell, over several runs.
//
//	go build -o /tmp/gomx ./cmd/gomx && go run ./bench/repl -bin /tmp/gomx [-n 20]
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/creack/pty"
)

func main() {
	bin := flag.String("bin", "gomx", "the gomx binary")
	n := flag.Int("n", 20, "runs")
	flag.Parse()
	var prompt, first []time.Duration
	for i := 0; i < *n; i++ {
		p, f, err := once(*bin)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		prompt = append(prompt, p)
		first = append(first, f)
	}
	fmt.Printf("start → prompt:        median %v, p90 %v (%d runs)\n", median(prompt), pct(prompt, 0.9), *n)
	fmt.Printf("start → first result:  median %v, p90 %v\n", median(first), pct(first, 0.9))
}

func once(bin string) (prompt, result time.Duration, err error) {
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), "GOMX_HISTORY="+os.DevNull, "NO_COLOR=1")
	start := time.Now()
	f, err := pty.Start(cmd)
	if err != nil {
		return 0, 0, err
	}
	defer func() { cmd.Process.Kill(); cmd.Wait(); f.Close() }()
	var mu sync.Mutex
	var buf bytes.Buffer
	go func() {
		b := make([]byte, 4096)
		for {
			k, err := f.Read(b)
			mu.Lock()
			buf.Write(b[:k])
			mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	wait := func(s string) (time.Duration, error) {
		deadline := time.Now().Add(30 * time.Second)
		for time.Now().Before(deadline) {
			mu.Lock()
			ok := strings.Contains(buf.String(), s)
			mu.Unlock()
			if ok {
				return time.Since(start), nil
			}
			time.Sleep(200 * time.Microsecond)
		}
		return 0, fmt.Errorf("no %q from %s", s, bin)
	}
	if prompt, err = wait("go> "); err != nil {
		return
	}
	f.Write([]byte("40 + 2\r"))
	result, err = wait("\r\n42\r\n")
	return
}

func median(d []time.Duration) time.Duration { return pct(d, 0.5) }

func pct(d []time.Duration, q float64) time.Duration {
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[int(q*float64(len(s)-1))]
}
