package online

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/gomx-dev/gomx/mathx/interrupt"
)

// nanSeq returns a NaN loss from round 5 on.
type nanSeq struct{}

func (nanSeq) Dim() int { return 2 }
func (nanSeq) Loss(t int, x, g []float64) float64 {
	g[0], g[1] = 1, 1
	if t >= 5 {
		return math.NaN()
	}
	return x[0] + x[1]
}

// TestRunStatuses checks the endings of OMD, OGD and FTRL: Stopped by the
// callback, Canceled by Settings.Context and by mathx/interrupt (with the
// partial history), Failed for a NaN loss and a panicking hint, and a
// panic for the entropic map off the simplex.
func TestRunStatuses(t *testing.T) {
	env := NewSEA([]float64{0.2, 0.1}, []float64{1, 0}, 0.5, 0.1, 3, true, 1)
	algos := map[string]func(Environment, Domain, int, *Settings) (*Result, error){"OGD": OGD, "FTRL": FTRL, "OMD": OMD}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for name, run := range algos {
		r, err := run(env, Ball(1), 1000, &Settings{Callback: func(it int, r *Result) bool { return it < 50 }})
		if err != nil || r.Status != Stopped || len(r.History) != 50 {
			t.Errorf("%s stop: %v %d %v", name, r.Status, len(r.History), err)
		}
		r, err = run(env, Ball(1), 1000, &Settings{Context: ctx})
		if err != nil || r.Status != Canceled || r.Iterations != 255 {
			t.Errorf("%s cancel: %v %d %v", name, r.Status, r.Iterations, err)
		}
		interrupt.Set(ctx)
		r, err = run(env, Ball(1), 1000, nil)
		interrupt.Set(nil)
		if err != nil || r.Status != Canceled {
			t.Errorf("%s interrupt: %v %v", name, r.Status, err)
		}
		r, err = run(nanSeq{}, Box(0, 1), 100, nil)
		if err == nil || r.Status != Failed || r.Iterations != 4 {
			t.Errorf("%s NaN: %v %d %v", name, r.Status, r.Iterations, err)
		}
	}
	r, err := OMD(env, Ball(1), 100, &Settings{Optimistic: true, Hint: func(int, []float64) { panic("bad hint") }})
	if err == nil || r.Status != Failed || !strings.Contains(err.Error(), "bad hint") {
		t.Errorf("hint panic: %v %v", r.Status, err)
	}
	defer func() {
		if recover() == nil {
			t.Error("Entropic on a ball did not panic")
		}
	}()
	OMD(env, Ball(1), 10, &Settings{Mirror: Entropic})
}
