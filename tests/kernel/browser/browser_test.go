//go:build unix

// Package browser runs the gomx kernel in Debian's classic Notebook,
// driven by headless Chromium through chromedp, and checks the rendered
// pages: a small notebook, and the 00-tour teaching notebook run whole
// (in make conformance).
package browser

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/gomx-dev/gomx/internal/longtest"
	"github.com/gomx-dev/gomx/tests/kernel/harness"
)

func TestMain(m *testing.M) { harness.Main(m) }

const chromium = "/usr/bin/chromium"

// notebook is the page under test: a printing cell, an image and a
// syntax error.
var notebook = map[string]any{
	"nbformat": 4, "nbformat_minor": 4,
	"metadata": map[string]any{"kernelspec": map[string]any{"name": "gomx", "display_name": "Go (gomx)", "language": "go"}},
	"cells": []any{
		code(`fmt.Println("hello from the browser")`),
		code("img := image.NewRGBA(image.Rect(0, 0, 20, 10))\nfor x := 0; x < 20; x++ {\n\timg.Set(x, 5, color.RGBA{0, 0, 255, 255})\n}\nviz.Show(img)"),
		code("x := := 1"),
	},
}

func code(src string) map[string]any {
	return map[string]any{"cell_type": "code", "source": src, "metadata": map[string]any{}, "outputs": []any{}, "execution_count": nil}
}

func freePort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// TestNotebookInChromium runs a small notebook in the classic Notebook:
// printed text, an image and a syntax error (in colour, with a caret) are
// rendered.
func TestNotebookInChromium(t *testing.T) {
	data, _ := json.Marshal(notebook)
	ctx, base := openNotebook(t, "b.ipynb", data)
	var ok bool
	err := chromedp.Run(ctx,
		waitFor(base+"/notebooks/b.ipynb?token="+token, 60*time.Second),
		poll(`typeof Jupyter !== "undefined" && Jupyter.notebook && Jupyter.notebook.kernel && Jupyter.notebook.kernel.is_connected()`),
		chromedp.Evaluate(`Jupyter.notebook.execute_all_cells(); true`, &ok),
		// Done when the last cell shows its error.
		poll(`Jupyter.notebook.get_cells().every(c => c.input_prompt_number !== "*" && c.input_prompt_number != null) && document.querySelectorAll(".output_error").length > 0`),
	)
	if err != nil {
		t.Fatalf("driving the notebook: %v", err)
	}
	var page struct {
		Text       string `json:"text"`
		ImgWidth   int    `json:"imgWidth"`
		ImgCount   int    `json:"imgCount"`
		Error      string `json:"error"`
		RedError   string `json:"redError"`
		KernelName string `json:"kernelName"`
	}
	err = chromedp.Run(ctx, chromedp.Evaluate(`(() => {
		const imgs = document.querySelectorAll(".output_png img");
		return {
			text: Array.from(document.querySelectorAll(".output_stdout")).map(e => e.textContent).join(""),
			imgCount: imgs.length,
			imgWidth: imgs.length ? imgs[0].naturalWidth : 0,
			error: Array.from(document.querySelectorAll(".output_error")).map(e => e.textContent).join(""),
			redError: Array.from(document.querySelectorAll(".output_error span[class*=ansi-red]")).map(e => e.textContent).join("|"),
			kernelName: Jupyter.notebook.kernel.name,
		};
	})()`, &page))
	if err != nil {
		t.Fatal(err)
	}
	if page.KernelName != "gomx" {
		t.Errorf("kernel %q", page.KernelName)
	}
	if !strings.Contains(page.Text, "hello from the browser") {
		t.Errorf("printed text not rendered: %q", page.Text)
	}
	if page.ImgCount != 1 || page.ImgWidth != 20 {
		t.Errorf("image: %d <img> elements, naturalWidth %d (want 1 and 20)", page.ImgCount, page.ImgWidth)
	}
	if !strings.Contains(page.Error, "CompileError") {
		t.Errorf("syntax error not rendered: %q", page.Error)
	}
	// a traceback like ipykernel's: the error in red, the failing line
	// with a red caret under the column
	if !strings.Contains(page.RedError, "CompileError") || !strings.Contains(page.RedError, "^") || !strings.Contains(page.Error, "1 | x := := 1") {
		t.Errorf("traceback not coloured, or without the failing line and caret: text %q, red spans %q", page.Error, page.RedError)
	}
}

// TestTourInChromium runs the 00-tour teaching notebook whole in the
// classic Notebook and finds its plots rendered. It is a long notebook
// run: make conformance only (internal/longtest); make test runs 00-tour
// through nbconvert and a small notebook in Chromium.
func TestTourInChromium(t *testing.T) {
	longtest.Skip(t, "00-tour whole in a browser")
	tour, err := os.ReadFile(filepath.Join("..", "..", "..", "notebooks", "00-tour.ipynb"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, base := openNotebook(t, "00-tour.ipynb", tour)
	var tourPage struct {
		Imgs   int `json:"imgs"`
		Width  int `json:"width"`
		Errors int `json:"errors"`
	}
	var ok bool
	err = chromedp.Run(ctx,
		waitFor(base+"/notebooks/00-tour.ipynb?token="+token, 60*time.Second),
		poll(`typeof Jupyter !== "undefined" && Jupyter.notebook && Jupyter.notebook.kernel && Jupyter.notebook.kernel.is_connected()`),
		chromedp.Evaluate(`Jupyter.notebook.execute_all_cells(); true`, &ok),
		poll(`Jupyter.notebook.get_cells().filter(c => c.cell_type === "code").every(c => c.input_prompt_number !== "*" && c.input_prompt_number != null)`),
		poll(`Array.from(document.querySelectorAll(".output_png img")).some(i => i.naturalWidth > 0)`),
		chromedp.Evaluate(`(() => {
			const imgs = Array.from(document.querySelectorAll(".output_png img"));
			return {imgs: imgs.length, width: Math.max(0, ...imgs.map(i => i.naturalWidth)), errors: document.querySelectorAll(".output_error").length};
		})()`, &tourPage),
	)
	if err != nil {
		t.Fatalf("running 00-tour: %v", err)
	}
	if tourPage.Imgs < 3 || tourPage.Width == 0 || tourPage.Errors != 0 {
		t.Errorf("00-tour: %d plots rendered (widest %d px), %d errors; want at least 3 plots and no error", tourPage.Imgs, tourPage.Width, tourPage.Errors)
	}
}

// token is the notebook server's login token.
const token = "gomx-browser-test"

// openNotebook writes a notebook file into a temporary folder, serves it
// with the classic Notebook and starts headless Chromium. It returns the
// browser's context (with a time limit) and the server's base URL; both
// are stopped when the test ends.
func openNotebook(t *testing.T, name string, data []byte) (context.Context, string) {
	t.Helper()
	if _, err := os.Stat(chromium); err != nil {
		t.Fatalf("%s is missing (make deps installs chromium)", chromium)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
		t.Fatal(err)
	}
	port := freePort(t)
	srv := exec.Command(harness.Python, "-m", "notebook", "--no-browser", "--allow-root", "--ip=127.0.0.1",
		fmt.Sprintf("--port=%d", port), "--port-retries=0", "--NotebookApp.token="+token, "--notebook-dir="+dir)
	srv.Env = harness.Env()
	logf, err := os.Create(filepath.Join(dir, "server.log"))
	if err != nil {
		t.Fatal(err)
	}
	srv.Stdout, srv.Stderr = logf, logf
	srv.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// SIGTERM makes the server shut its kernels down; the group kill
		// catches anything left.
		srv.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { srv.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
		}
		syscall.Kill(-srv.Process.Pid, syscall.SIGKILL)
		if t.Failed() {
			b, _ := os.ReadFile(filepath.Join(dir, "server.log"))
			t.Logf("notebook server log:\n%s", b)
		}
	})

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(filepath.Join(dir, "chromium-profile")),
	)
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	ctx, cancelT := context.WithTimeout(ctx, 4*time.Minute)
	// Registered after the server's cleanup, so run before it: the
	// browser closes first.
	t.Cleanup(func() { cancelT(); cancel(); cancelA() })
	return ctx, fmt.Sprintf("http://127.0.0.1:%d", port)
}

// waitFor navigates to url, retrying until the server answers.
func waitFor(url string, limit time.Duration) chromedp.ActionFunc {
	return func(ctx context.Context) error {
		end := time.Now().Add(limit)
		for {
			c, err := net.DialTimeout("tcp", strings.Split(strings.TrimPrefix(url, "http://"), "/")[0], time.Second)
			if err == nil {
				c.Close()
				return chromedp.Navigate(url).Do(ctx)
			}
			if time.Now().After(end) {
				return fmt.Errorf("the notebook server did not listen within %v: %v", limit, err)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
}

// poll waits until the JavaScript expression is true.
func poll(expr string) chromedp.ActionFunc {
	return func(ctx context.Context) error {
		for {
			var ok bool
			if err := chromedp.Evaluate(`!!(`+expr+`)`, &ok).Do(ctx); err == nil && ok {
				return nil
			}
			select {
			case <-ctx.Done():
				return fmt.Errorf("waiting for %s: %w", expr, ctx.Err())
			case <-time.After(100 * time.Millisecond):
			}
		}
	}
}

// TestInputInChromium runs a cell that prints a prompt and reads a line
// with fmt.Scanln: the Notebook shows the prompt beside its input box (not
// as output above it), and the line typed there reaches the cell.
func TestInputInChromium(t *testing.T) {
	data, _ := json.Marshal(map[string]any{
		"nbformat": 4, "nbformat_minor": 4,
		"metadata": map[string]any{"kernelspec": map[string]any{"name": "gomx", "display_name": "Go (gomx)", "language": "go"}},
		"cells":    []any{code("fmt.Print(\"Your name: \")\nvar name string\nfmt.Scanln(&name)\nfmt.Println(\"hello,\", name)")},
	})
	ctx, base := openNotebook(t, "input.ipynb", data)
	var ok bool
	var prompt struct {
		Prompt string `json:"prompt"`
		Stdout string `json:"stdout"`
	}
	var out string
	err := chromedp.Run(ctx,
		waitFor(base+"/notebooks/input.ipynb?token="+token, 60*time.Second),
		poll(`typeof Jupyter !== "undefined" && Jupyter.notebook && Jupyter.notebook.kernel && Jupyter.notebook.kernel.is_connected()`),
		chromedp.Evaluate(`Jupyter.notebook.execute_all_cells(); true`, &ok),
		poll(`document.querySelector("input.raw_input") !== null`),
		chromedp.Evaluate(`({
			prompt: document.querySelector(".raw_input_prompt").textContent,
			stdout: Array.from(document.querySelectorAll(".output_stdout")).map(e => e.textContent).join(""),
		})`, &prompt),
		chromedp.SendKeys("input.raw_input", "gopher\r", chromedp.ByQuery),
		poll(`Array.from(document.querySelectorAll(".output_stdout")).some(e => e.textContent.includes("hello, gopher"))`),
		chromedp.Evaluate(`Array.from(document.querySelectorAll(".output_stdout")).map(e => e.textContent).join("")`, &out),
	)
	if err != nil {
		t.Fatalf("driving the notebook: %v", err)
	}
	if prompt.Prompt != "Your name: " || strings.Contains(prompt.Stdout, "Your name") {
		t.Errorf("input box prompt %q, output above it %q; want the prompt beside the box only", prompt.Prompt, prompt.Stdout)
	}
	if !strings.Contains(out, "hello, gopher") {
		t.Errorf("output %q", out)
	}
}
