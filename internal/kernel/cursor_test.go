package kernel

import "testing"

func TestCursorConversion(t *testing.T) {
	const astral = "a😀b" // 3 code points, 4 UTF-16 units
	tests := []struct {
		code      string
		pos       int
		wantRunes int
		wantUTF16 bool
	}{
		{"fmt.Prin", 8, 8, false},
		{"fmt.Prin", 3, 3, false},
		{"héllo", 5, 5, false}, // BMP only: both readings agree
		{astral, 1, 1, false},
		{astral, 3, 3, false}, // a code-point reading at the end
		{astral, 4, 3, true},  // the UTF-16 end of the code
		{astral + "cd", 6, 5, true},
		{astral + "cd", 7, 5, true}, // beyond both: clamped
		{astral, -1, 0, false},
	}
	for _, tc := range tests {
		pos := tc.pos
		got, utf16 := cursorToRunes(tc.code, &pos)
		if got != tc.wantRunes || utf16 != tc.wantUTF16 {
			t.Errorf("cursorToRunes(%q, %d) = %d, %v; want %d, %v", tc.code, tc.pos, got, utf16, tc.wantRunes, tc.wantUTF16)
		}
	}
	if got, _ := cursorToRunes(astral, nil); got != 3 {
		t.Errorf("missing cursor: %d, want the end (3)", got)
	}
}

func TestUTF16RuneOffsets(t *testing.T) {
	const s = "x😀y𝄞z" // runes: x 😀 y 𝄞 z; UTF-16 units 1 2 1 2 1
	runeToU16 := []int{0, 1, 3, 4, 6, 7}
	for r, u := range runeToU16 {
		if got := runesToUTF16(s, r); got != u {
			t.Errorf("runesToUTF16(%d) = %d, want %d", r, got, u)
		}
		if got := utf16ToRunes(s, u); got != r {
			t.Errorf("utf16ToRunes(%d) = %d, want %d", u, got, r)
		}
	}
	if got := utf16ToRunes(s, 2); got != 2 {
		t.Errorf("offset inside a surrogate pair: %d, want 2", got)
	}
	if got := utf16Len(s); got != 7 {
		t.Errorf("utf16Len = %d", got)
	}
}

func TestCompleteUTF8(t *testing.T) {
	euro := "€" // e2 82 ac
	tests := []struct {
		in   string
		want int
	}{
		{"", 0},
		{"abc", 3},
		{"a" + euro, 4},
		{"a" + euro[:1], 1},
		{"a" + euro[:2], 1},
		{"😀"[:3], 0},
		{"\xff", 1}, // invalid bytes are not held back
	}
	for _, tc := range tests {
		if got := completeUTF8([]byte(tc.in)); got != tc.want {
			t.Errorf("completeUTF8(%q) = %d, want %d", tc.in, got, tc.want)
		}
	}
}
