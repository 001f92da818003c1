package nn

import (
	"bytes"
	"strings"
	"testing"
)

// TestLoadIDX reads a two-image 2×3 data set written here in the IDX
// format, and refuses a bad magic, a short file and a count mismatch.
func TestLoadIDX(t *testing.T) {
	img := []byte{0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 3,
		0, 255, 51, 102, 153, 204,
		255, 0, 0, 0, 0, 255}
	lab := []byte{0, 0, 8, 1, 0, 0, 0, 2, 7, 3}
	d, err := LoadIDX(bytes.NewReader(img), bytes.NewReader(lab))
	if err != nil {
		t.Fatal(err)
	}
	r, c := d.X.Dims()
	if r != 2 || c != 6 || d.Classes != 8 || d.Labels[0] != 7 || d.Labels[1] != 3 {
		t.Fatalf("%d×%d, classes %d, labels %v", r, c, d.Classes, d.Labels)
	}
	if d.X.At(0, 1) != 1 || d.X.At(0, 2) != 0.2 || d.X.At(1, 5) != 1 || d.X.At(1, 1) != 0 {
		t.Errorf("pixels %v", d.X.RawMatrix().Data)
	}
	for _, c := range []struct {
		img, lab []byte
		want     string
	}{
		{append([]byte{0, 0, 9}, img[3:]...), lab, "magic"},
		{img[:20], lab, "image 0 of 2"},
		{img, []byte{0, 0, 8, 1, 0, 0, 0, 3, 1, 2, 3}, "2 images but 3 labels"},
		{[]byte{0, 0, 8, 3, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 1, 0, 0, 0, 1}, lab, "above 2^28"},
	} {
		if _, err := LoadIDX(bytes.NewReader(c.img), bytes.NewReader(c.lab)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("error %v, want it to say %q", err, c.want)
		}
	}
}
