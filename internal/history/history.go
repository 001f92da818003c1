// Package history is the input history of a front end's session: the cells
// run, numbered as the front end numbers them, with the text of their
// values. The kernel answers history_request from it (tail, range, search);
// the REPL recalls lines from it (Up, Ctrl-R), lists it with %history and
// keeps it in a file across sessions.
//
// It imports only the standard library.
package history

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"unicode/utf8"
)

// Entry is one cell of the history.
type Entry struct {
	Session int    `json:"session"` // the session the cell ran in, counted from 1
	Line    int    `json:"line"`    // the cell's number in its session (the execution count)
	Input   string `json:"input"`   // the cell's source
	Output  string `json:"-"`       // text/plain of the cell's value, "" for none; not kept in the file
}

// Store is the history of one session, with the entries of earlier
// sessions when it has them. Entries come oldest first. A Store is safe for
// concurrent use.
type Store interface {
	// Session returns the number of the current session.
	Session() int
	// Add records a cell of the current session.
	Add(line int, input, output string)
	// Tail returns the last n entries, all of them when n < 0.
	Tail(n int) []Entry
	// Range returns the entries of a session whose line is in [start,
	// stop), with no end when stop <= 0. Session 0 is the current one; a
	// negative session counts back from it.
	Range(session, start, stop int) []Entry
	// Search returns the last n entries (all when n <= 0) whose input
	// matches the glob pattern as a whole ("" matches all); with unique,
	// only the last of equal inputs.
	Search(pattern string, n int, unique bool) []Entry
}

// Limit is how many entries a history file keeps.
const Limit = 1000

// MaxInput and MaxOutput bound the text kept of one cell, in bytes: a
// longer input or output is cut at a line end (or rune) before the bound
// and ends with a note of what was cut. (The front end keeps the whole
// cell: the notebook or the terminal.)
const (
	MaxInput  = 64 << 10
	MaxOutput = 16 << 10
)

// bounded returns s cut to at most max bytes of text, with the note.
func bounded(s string, max int) string {
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	if nl := strings.LastIndexByte(s[:cut], '\n'); nl > max/2 {
		cut = nl + 1
	}
	return s[:cut] + fmt.Sprintf("… (%d more bytes not kept in the history)", len(s)-cut)
}

// History is the Store of a front end: in memory, and kept in a file when
// made by Open.
type History struct {
	mu      sync.Mutex
	session int
	entries []Entry
	path    string // "" for a history in memory only
}

var _ Store = (*History)(nil)

// New returns an empty history in memory; its session is 1.
func New() *History { return &History{session: 1} }

// Open returns the history kept in the file at path: the entries of
// earlier sessions (the last Limit of them), and a new session numbered
// after theirs whose entries Add appends to the file. A file that does not
// exist yet is made on the first Add, with its folder. Lines of the older
// format, one typed line each, become entries of session 0.
//
// On an error reading the file, Open returns the error with a history that
// works in memory only.
func Open(path string) (*History, error) {
	h := &History{session: 1}
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		h.path = path
		return h, nil
	}
	if err != nil {
		return h, err
	}
	defer f.Close()
	rewrite := false
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		line := sc.Text()
		var e Entry
		if json.Unmarshal([]byte(line), &e) != nil || e.Input == "" {
			if strings.TrimSpace(line) == "" {
				continue
			}
			e, rewrite = Entry{Input: line}, true
		}
		h.entries = append(h.entries, e)
		h.session = max(h.session, e.Session+1)
	}
	if err := sc.Err(); err != nil {
		h.entries = nil
		return h, err
	}
	if n := len(h.entries); n > Limit {
		h.entries, rewrite = h.entries[n-Limit:], true
	}
	h.path = path
	if rewrite {
		h.rewrite()
	}
	return h, nil
}

// rewrite replaces the file by the entries in memory.
func (h *History) rewrite() {
	var b strings.Builder
	for _, e := range h.entries {
		j, _ := json.Marshal(e)
		b.Write(j)
		b.WriteByte('\n')
	}
	tmp := h.path + ".tmp"
	if os.WriteFile(tmp, []byte(b.String()), 0o600) == nil {
		os.Rename(tmp, h.path)
	}
}

// Session returns the number of the current session.
func (h *History) Session() int { return h.session }

// Add records a cell of the current session and, for a history kept in a
// file, appends it there. A file that cannot be written is passed over:
// the history still works in memory.
func (h *History) Add(line int, input, output string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	e := Entry{Session: h.session, Line: line, Input: bounded(input, MaxInput), Output: bounded(output, MaxOutput)}
	h.entries = append(h.entries, e)
	if h.path == "" {
		return
	}
	j, _ := json.Marshal(e)
	os.MkdirAll(filepath.Dir(h.path), 0o700)
	f, err := os.OpenFile(h.path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return
	}
	f.Write(append(j, '\n'))
	f.Close()
}

// Tail returns the last n entries, all of them when n < 0.
func (h *History) Tail(n int) []Entry {
	h.mu.Lock()
	defer h.mu.Unlock()
	sel := h.entries
	if n >= 0 && n < len(sel) {
		sel = sel[len(sel)-n:]
	}
	return append([]Entry{}, sel...)
}

// Range returns the entries of a session whose line is in [start, stop).
func (h *History) Range(session, start, stop int) []Entry {
	h.mu.Lock()
	defer h.mu.Unlock()
	if session <= 0 {
		session += h.session
	}
	sel := []Entry{}
	for _, e := range h.entries {
		if e.Session == session && e.Line >= start && (stop <= 0 || e.Line < stop) {
			sel = append(sel, e)
		}
	}
	return sel
}

// Search returns the last n entries whose input matches pattern.
func (h *History) Search(pattern string, n int, unique bool) []Entry {
	h.mu.Lock()
	defer h.mu.Unlock()
	if pattern == "" {
		pattern = "*"
	}
	sel := []Entry{}
	seen := map[string]bool{}
	for i := len(h.entries) - 1; i >= 0; i-- {
		e := h.entries[i]
		if !globMatch(pattern, e.Input) || (unique && seen[e.Input]) {
			continue
		}
		seen[e.Input] = true
		sel = append(sel, e)
		if n > 0 && len(sel) == n {
			break
		}
	}
	for i, j := 0, len(sel)-1; i < j; i, j = i+1, j-1 {
		sel[i], sel[j] = sel[j], sel[i]
	}
	return sel
}

// globMatch reports whether s matches the glob pattern as a whole, with
// * and ? matching any characters including newlines and slashes, like
// SQLite's GLOB that IPython's history search uses.
func globMatch(pattern, s string) bool {
	// path.Match treats '/' specially; replace it in both strings by a
	// character that cannot occur in valid UTF-8 text.
	const sep = "\xff"
	ok, err := path.Match(strings.ReplaceAll(pattern, "/", sep), strings.ReplaceAll(s, "/", sep))
	return err == nil && ok
}
