package worker

import (
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/gomx-dev/gomx/engine"
)

func TestHeldBack(t *testing.T) {
	tests := []struct {
		name string
		b    string
		want int
	}{
		{"plain", "hello\n", 0},
		{"empty", "", 0},
		{"split 2-byte rune", "h\xc3", 1},
		{"split 3-byte rune", "\xe2\x9c", 2},
		{"whole 3-byte rune", "\xe2\x9c\x93", 0},
		{"split 4-byte rune", "a\xf0\x9f\x98", 3},
		{"invalid continuation only", "\x80\x80\x80\x80", 0},
	}
	for _, tt := range tests {
		if got := heldBack([]byte(tt.b)); got != tt.want {
			t.Errorf("%s: heldBack(%q) = %d, want %d", tt.name, tt.b, got, tt.want)
		}
	}
}

// TestStdioFlush writes to two pipes the way a cell writes to fds 1 and 2
// and checks that flush delivers everything written before it, cut into
// any chunks, with multi-byte runes whole.
func TestStdioFlush(t *testing.T) {
	var mu sync.Mutex
	var got []engine.Msg
	send := func(m *engine.Msg) {
		mu.Lock()
		got = append(got, *m)
		mu.Unlock()
	}
	var rs, ws []*os.File
	for range 2 {
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		defer w.Close()
		rs, ws = append(rs, r), append(ws, w)
	}
	s, err := newStdio(send, []string{"stdout", "stderr"}, rs, ws)
	if err != nil {
		t.Fatal(err)
	}
	text := func(name string) string {
		mu.Lock()
		defer mu.Unlock()
		var b strings.Builder
		for _, m := range got {
			if m.Type != engine.MsgStream {
				t.Fatalf("unexpected %s message", m.Type)
			}
			if m.Name == name {
				b.WriteString(m.Text)
			}
		}
		return b.String()
	}
	var wantOut, wantErr strings.Builder
	for i := range 200 {
		// Write a rune in two pieces, to be joined before sending.
		ws[0].Write([]byte("✓ line\xe2"))
		ws[0].Write([]byte("\x9c\x93\n"))
		wantOut.WriteString("✓ line✓\n")
		if i%7 == 0 {
			ws[1].Write([]byte("err\n"))
			wantErr.WriteString("err\n")
		}
		if i%50 == 0 {
			s.flush()
			if text("stdout") != wantOut.String() || text("stderr") != wantErr.String() {
				t.Fatalf("after flush %d: stdout %q, stderr %q", i, text("stdout"), text("stderr"))
			}
		}
	}
	s.flush()
	if text("stdout") != wantOut.String() || text("stderr") != wantErr.String() {
		t.Fatalf("stdout %d bytes, stderr %d; want %d, %d", len(text("stdout")), len(text("stderr")), wantOut.Len(), wantErr.Len())
	}
	mu.Lock()
	defer mu.Unlock()
	for _, m := range got {
		if strings.ContainsRune(m.Text, '\uFFFD') {
			t.Fatalf("broken rune in %q", m.Text)
		}
	}
}
