//go:build unix

package main

import (
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/gomx-dev/gomx/engine"
	"github.com/gomx-dev/gomx/engine/worker/workertest"
)

func TestMain(m *testing.M) {
	workertest.MaybeRunWorker()
	os.Exit(m.Run())
}

func TestSplitter(t *testing.T) {
	// Code ending in "{" is incomplete, as for the scripted engine.
	isComplete := func(s string) string {
		if strings.HasSuffix(strings.TrimSpace(s), "{") {
			return "incomplete"
		}
		return "complete"
	}
	tests := []struct {
		name  string
		input string
		want  []string
	}{
		{"blank lines", "a\nb\n\nc\n", []string{"a\nb", "c"}},
		{"percent lines", "a\n%%\nb\n%%\n%%\nc", []string{"a", "b", "c"}},
		{"blank inside an incomplete cell", "f {\n\nx\n\ny", []string{"f {\n\nx", "y"}},
		{"leading and repeated blanks", "\n\n\na\n\n\n\nb\n\n", []string{"a", "b"}},
		{"percent inside an incomplete cell ends it", "f {\n%%\ng", []string{"f {", "g"}},
		{"CRLF", "a\r\nb\r\n\r\nc\r\n", []string{"a\nb", "c"}},
		{"percent with spaces is code", "a\n %%\n", []string{"a\n %%"}},
		{"empty", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sp := &splitter{isComplete: isComplete}
			var got []string
			for _, line := range strings.Split(tt.input, "\n") {
				if cell, ok := sp.add(strings.TrimRight(line, "\r")); ok {
					got = append(got, cell)
				}
			}
			if cell, ok := sp.flush(); ok {
				got = append(got, cell)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestBatch(t *testing.T) {
	c, err := engine.NewClient(engine.ClientOptions{Binary: os.Args[0], Env: []string{workertest.EnvVar + "=1"}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	tests := []struct {
		name, input    string
		stdout, stderr string
		code           int
	}{
		{"values and output",
			"set a 1\n\nout hello\nget a\n%%\nshow picture\nvalue v\n",
			"hello\n1\npicture\nv\n", "", 0},
		{"goes on after an error",
			"fail boom\n\nvalue after\n",
			"after\n", "CompileError: boom\n", 1},
		{"an unanswerable input is an error",
			"input name?\n%%\nvalue next",
			"next\n", "InputError", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr strings.Builder
			code := batch(c, strings.NewReader(tt.input), &stdout, &stderr)
			if stdout.String() != tt.stdout || !strings.Contains(stderr.String(), tt.stderr) || code != tt.code {
				t.Errorf("stdout %q, stderr %q, exit %d; want %q, %q, %d",
					stdout.String(), stderr.String(), code, tt.stdout, tt.stderr, tt.code)
			}
		})
	}
}

func TestVersion(t *testing.T) {
	v := versionText()
	for _, want := range []string{"gomx ", "go go1.", "yaegi ", "gonum ", "gonum/plot "} {
		if !strings.Contains(v, want) {
			t.Errorf("version text %q lacks %q", v, want)
		}
	}
}
