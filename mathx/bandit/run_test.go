package bandit

import (
	"context"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/gomx-dev/gomx/mathx/interrupt"
)

// nanEnv pays NaN from round 10 on.
type nanEnv struct{ Bernoulli }

func (e *nanEnv) Pull(t, arm int, r *rand.Rand) float64 {
	if t >= 10 {
		return math.NaN()
	}
	return e.Bernoulli.Pull(t, arm, r)
}

// badPolicy selects an arm that does not exist.
type badPolicy struct{}

func (badPolicy) Select(t int) int    { return 12 }
func (badPolicy) Update(int, float64) {}

// TestRunStatuses checks Run's endings: Stopped by the callback (with
// partial history), Canceled by Settings.Context and by the current cell's
// context (mathx/interrupt), Failed with an error for a NaN reward, an arm
// out of range and a panicking callback.
func TestRunStatuses(t *testing.T) {
	env := NewBernoulli(tenArms)
	r, err := Run(env, NewUCB1(10), 1000, &Settings{Callback: func(it int, r *Result) bool { return it < 100 }})
	if err != nil || r.Status != Stopped || r.Iterations != 100 || len(r.History) != 100 {
		t.Errorf("callback stop: %v %d %d %v", r.Status, r.Iterations, len(r.History), err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r, err = Run(env, NewUCB1(10), 5000, &Settings{Context: ctx})
	if err != nil || r.Status != Canceled || r.Iterations != 1023 {
		t.Errorf("context cancel: %v after %d rounds, %v", r.Status, r.Iterations, err)
	}
	interrupt.Set(ctx)
	r, err = Run(env, NewUCB1(10), 5000, nil)
	interrupt.Set(nil)
	if err != nil || r.Status != Canceled {
		t.Errorf("interrupt cancel: %v, %v", r.Status, err)
	}
	r, err = Run(&nanEnv{*NewBernoulli(tenArms)}, NewUCB1(10), 100, nil)
	if err == nil || r.Status != Failed || r.Iterations != 9 {
		t.Errorf("NaN reward: %v after %d rounds, %v", r.Status, r.Iterations, err)
	}
	r, err = Run(env, badPolicy{}, 100, nil)
	if err == nil || r.Status != Failed || !strings.Contains(err.Error(), "arm 12") {
		t.Errorf("bad arm: %v, %v", r.Status, err)
	}
	r, err = Run(env, NewUCB1(10), 100, &Settings{Callback: func(int, *Result) bool { panic("boom") }})
	if err == nil || r.Status != Failed || !strings.Contains(err.Error(), "boom") {
		t.Errorf("callback panic: %v, %v", r.Status, err)
	}
}

// TestSimulateCancel checks that a canceled Simulate returns promptly with
// Status Canceled, and that a run that fails reports its seed.
func TestSimulateCancel(t *testing.T) {
	env := NewBernoulli(tenArms)
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(20 * time.Millisecond); cancel() }()
	start := time.Now()
	res, err := Simulate(env, func(uint64) Policy { return NewKLUCB(10, 0) }, 50000000, &Settings{Context: ctx, Runs: 4})
	if err != nil || res.Status != Canceled {
		t.Fatalf("status %v, err %v", res.Status, err)
	}
	if d := time.Since(start); d > 30*time.Second {
		t.Errorf("cancel took %v", d)
	}
	_, err = Simulate(&nanEnv{*NewBernoulli(tenArms)}, func(uint64) Policy { return NewUCB1(10) }, 100, &Settings{Seed: 5, Runs: 3})
	if err == nil || !strings.Contains(err.Error(), "seed 5") {
		t.Errorf("failing run: %v", err)
	}
}
