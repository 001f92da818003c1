package session_test

import (
	"context"
	"fmt"

	"github.com/gomx-dev/gomx/engine"
	"github.com/gomx-dev/gomx/internal/session"
	"github.com/gomx-dev/gomx/viz"
)

// printer is an engine.Output that prints what a cell sends.
type printer struct{}

func (printer) Stream(name, text string)                     { fmt.Printf("%s: %s", name, text) }
func (printer) Display(b viz.Bundle, id string, update bool) { fmt.Println("display:", b.Text()) }
func (printer) Clear(wait bool)                              {}
func (printer) Input(prompt string, password bool) (string, error) {
	return "", fmt.Errorf("no input")
}

// A session runs cells that mix declarations and statements; preloaded
// packages need no import, and the value of a last expression is the
// cell's result.
func Example() {
	s, err := session.New(session.Options{})
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	for _, cell := range []string{
		"func square(x float64) float64 { return x * x }\nfmt.Println(\"ready\")",
		"xs := []float64{1, 2, 3}\nfor i := range len(xs) { xs[i] = square(xs[i]) }\nfloats.Sum(xs)",
		"min(xs[2], 4)",
		"undefinedName + 1",
	} {
		res := s.Execute(ctx, cell, engine.ExecOptions{}, printer{})
		switch {
		case res.Error != nil:
			fmt.Printf("error at line %d: %s\n", res.Error.Line, res.Error.Value)
		case res.Value != nil:
			fmt.Println("value:", res.Value.Text())
		}
	}
	// Output:
	// stdout: ready
	// value: 14
	// value: 4
	// error at line 1: 1:1: undefined: undefinedName
}
