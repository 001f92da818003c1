package notebook

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gomx-dev/gomx/display"
	"github.com/gomx-dev/gomx/engine"
)

// scripted is an engine whose cells are small commands, one per line:
// "print TEXT", "err TEXT", "show TEXT", "disp ID TEXT", "upd ID TEXT",
// "clear", "clearwait",
// "value TEXT", "fail", "sleep", "input".
type scripted struct{}

func (scripted) Execute(ctx context.Context, code string, _ engine.ExecOptions, out engine.Output) engine.ExecResult {
	var res engine.ExecResult
	text := func(s string) display.Bundle { return display.Bundle{Data: map[string]string{display.MIMEText: s}} }
	for _, line := range strings.Split(code, "\n") {
		cmd, arg, _ := strings.Cut(line, " ")
		switch cmd {
		case "print":
			out.Stream("stdout", arg+"\n")
		case "err":
			out.Stream("stderr", arg+"\n")
		case "show":
			out.Display(display.Bundle{Data: map[string]string{display.MIMEHTML: arg, display.MIMEText: arg}}, "", false)
		case "disp", "upd":
			id, t, _ := strings.Cut(arg, " ")
			out.Display(text(t), id, cmd == "upd")
		case "clear":
			out.Clear(false)
		case "clearwait":
			out.Clear(true)
		case "value":
			b := text(arg)
			b.Data[display.MIMEJSON] = `{"v": 1}`
			res.Value = &b
		case "fail":
			res.Error = &engine.Error{Kind: engine.RuntimePanic, Name: "panic", Value: "boom", Traceback: []string{"panic: boom", "at line 1"}}
		case "sleep":
			<-ctx.Done()
			res.Error = &engine.Error{Kind: engine.Interrupted, Name: "Interrupted", Value: "interrupted"}
		case "input":
			if _, err := out.Input("? ", false); err != nil {
				res.Error = &engine.Error{Kind: engine.InputError, Name: "InputError", Value: err.Error()}
			}
		}
	}
	return res
}
func (scripted) Complete(string, int) engine.Completion     { return engine.Completion{} }
func (scripted) Inspect(string, int, int) engine.Inspection { return engine.Inspection{} }
func (scripted) IsComplete(string) (string, string)         { return "complete", "" }
func (scripted) Info() engine.Info                          { return engine.Info{} }

func makeNotebook(t *testing.T, sources ...string) *Notebook {
	t.Helper()
	cells := []map[string]any{{"cell_type": "markdown", "metadata": map[string]any{}, "source": []string{"# Title\n", "text"}, "id": "md1"}}
	for i, s := range sources {
		cells = append(cells, map[string]any{"cell_type": "code", "metadata": map[string]any{"tags": []string{"t"}}, "source": s,
			"outputs": []any{map[string]any{"output_type": "stream", "name": "stdout", "text": "old\n"}}, "execution_count": 99, "id": "c" + string(rune('a'+i))})
	}
	doc := map[string]any{"nbformat": 4, "nbformat_minor": 5, "cells": cells,
		"metadata": map[string]any{"kernelspec": map[string]any{"name": "gomx", "display_name": "Go (gomx)", "language": "go"}, "custom": 7}}
	data, _ := json.Marshal(doc)
	nb, err := Read(data)
	if err != nil {
		t.Fatal(err)
	}
	return nb
}

func TestRunOutputs(t *testing.T) {
	nb := makeNotebook(t,
		"print a\nprint b\nerr e\nprint c",
		"disp p1 0%\nprint x\nupd p1 100%",
		"value 42",
		"show <b>hi</b>\nclearwait\nprint after",
		"",
	)
	st, err := Run(context.Background(), scripted{}, nb, Options{})
	if err != nil || st.Cells != 4 || st.Failed != 0 {
		t.Fatalf("stats %+v, err %v", st, err)
	}
	c := nb.Cells
	if got := c[1].Outputs; len(got) != 3 || got[0]["text"] != "a\nb\n" || got[1]["name"] != "stderr" || got[2]["text"] != "c\n" {
		t.Fatalf("streams not merged in order: %v", got)
	}
	if got := c[2].Outputs; len(got) != 2 || got[0]["data"].(map[string]any)[display.MIMEText].([]string)[0] != "100%" {
		t.Fatalf("display update not applied in place: %v", got)
	}
	res := c[3].Outputs[0]
	if res["output_type"] != "execute_result" || res["execution_count"] != 3 || res["data"].(map[string]any)[display.MIMEJSON].(map[string]any)["v"] != 1.0 {
		t.Fatalf("execute_result wrong: %v", res)
	}
	if got := c[4].Outputs; len(got) != 1 || got[0]["text"] != "after\n" {
		t.Fatalf("clear_output(wait) not applied: %v", got)
	}
	if c[5].ExecutionCount != nil || len(c[5].Outputs) != 0 {
		t.Fatalf("empty cell got outputs or a count")
	}
	for i, want := range []int{1, 2, 3, 4} {
		if *c[i+1].ExecutionCount != want {
			t.Fatalf("cell %d has count %d", i+1, *c[i+1].ExecutionCount)
		}
	}
}

func TestRunStopsAtFirstError(t *testing.T) {
	nb := makeNotebook(t, "print 1", "fail", "print 3")
	st, err := Run(context.Background(), scripted{}, nb, Options{})
	if !errors.Is(err, ErrCell) || st.Failed != 1 {
		t.Fatalf("err %v stats %+v", err, st)
	}
	e := nb.Cells[2].Outputs[0]
	if e["output_type"] != "error" || e["ename"] != "panic" || len(e["traceback"].([]string)) != 2 {
		t.Fatalf("error output wrong: %v", e)
	}
	if nb.Cells[3].Outputs[0]["text"] != "old\n" {
		t.Fatal("a cell after the failure was run")
	}
	nb = makeNotebook(t, "fail", "print 3")
	if _, err := Run(context.Background(), scripted{}, nb, Options{AllowErrors: true}); err != nil {
		t.Fatal(err)
	}
	if nb.Cells[2].Outputs[0]["text"] != "3\n" {
		t.Fatal("AllowErrors did not run on")
	}
}

func TestRunTimeoutAndInput(t *testing.T) {
	nb := makeNotebook(t, "sleep", "input")
	start := time.Now()
	_, err := Run(context.Background(), scripted{}, nb, Options{Timeout: 50 * time.Millisecond, AllowErrors: true})
	if err != nil || time.Since(start) > 30*time.Second {
		t.Fatalf("err %v after %v", err, time.Since(start))
	}
	if ev := nb.Cells[1].Outputs[0]["evalue"].(string); !strings.Contains(ev, "timed out after 50ms") {
		t.Fatalf("timeout not reported: %q", ev)
	}
	if ev := nb.Cells[2].Outputs[0]["evalue"].(string); !strings.Contains(ev, "stdin is off") {
		t.Fatalf("input not refused clearly: %q", ev)
	}
}

func TestRoundTripKeepsUnknownFields(t *testing.T) {
	nb := makeNotebook(t, "print hi")
	if _, err := Run(context.Background(), scripted{}, nb, Options{}); err != nil {
		t.Fatal(err)
	}
	data, err := nb.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	json.Unmarshal(data, &doc)
	if doc["metadata"].(map[string]any)["custom"] != 7.0 {
		t.Fatal("notebook metadata lost")
	}
	cells := doc["cells"].([]any)
	if cells[0].(map[string]any)["id"] != "md1" || cells[1].(map[string]any)["metadata"].(map[string]any)["tags"] == nil {
		t.Fatal("cell fields lost")
	}
	back, err := Read(data)
	if err != nil || back.Cells[0].Source != "# Title\ntext" || back.KernelName() != "gomx" {
		t.Fatalf("round trip: %v %q", err, back.Cells[0].Source)
	}
	validate(t, data)
}

// validate checks data against the nbformat schema with Debian's
// python3-nbformat (installed by make test).
func validate(t *testing.T, data []byte) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "nb.ipynb")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("/usr/bin/python3", "-c", "import sys, nbformat; nbformat.validate(nbformat.read(sys.argv[1], as_version=4))", path)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("nbformat validation failed (python3-nbformat is installed by make test): %v\n%s", err, out)
	}
}
