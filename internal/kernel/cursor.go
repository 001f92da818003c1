package kernel

import (
	"unicode/utf16"
	"unicode/utf8"
)

// cursorToRunes converts a request's cursor_pos to a code-point offset
// into code, the unit the protocol (5.2 and later) and the engine use.
// JupyterLab sends UTF-16 offsets instead; the two readings differ only
// after a character outside the Basic Multilingual Plane. A position is
// read as UTF-16 when that is the only reading that makes sense (it lies
// beyond the code-point length) or when it is exactly the UTF-16 length
// of the code (the cursor at the end, the usual completion case). A
// missing cursor means the end of the code. The second result reports a
// UTF-16 reading, so that the reply can be given in the same unit.
func cursorToRunes(code string, pos *int) (int, bool) {
	n := utf8.RuneCountInString(code)
	if pos == nil {
		return n, false
	}
	p := *pos
	if p < 0 {
		return 0, false
	}
	if u := utf16Len(code); u != n && (p > n || p == u) {
		return utf16ToRunes(code, p), true
	}
	return p, false
}

// utf16Len is the length of s in UTF-16 code units.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// utf16ToRunes converts a UTF-16 offset into s to a code-point offset,
// clamped to the length of s. An offset inside a surrogate pair counts
// the pair's character as before it.
func utf16ToRunes(s string, off int) int {
	u, n := 0, 0
	for _, r := range s {
		if u >= off {
			break
		}
		u += utf16.RuneLen(r)
		n++
	}
	return n
}

// runesToUTF16 converts a code-point offset into s to a UTF-16 offset,
// clamped to the length of s.
func runesToUTF16(s string, off int) int {
	u, n := 0, 0
	for _, r := range s {
		if n >= off {
			break
		}
		u += utf16.RuneLen(r)
		n++
	}
	return u
}
