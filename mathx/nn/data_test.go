package nn

import (
	"math"
	"testing"
)

// TestModularAddition: every pair once across the splits, the sizes of
// the split, one-hot inputs and labels (a+b) mod p.
func TestModularAddition(t *testing.T) {
	p := 7
	train, test := ModularAddition(p, 0.3, 1)
	if train.Len() != 14 || train.Len()+test.Len() != 49 {
		t.Fatalf("sizes %d + %d", train.Len(), test.Len())
	}
	seen := map[[2]int]bool{}
	for _, d := range []*Dataset{train, test} {
		if d.Classes != p {
			t.Errorf("Classes = %d", d.Classes)
		}
		for i := 0; i < d.Len(); i++ {
			row := d.X.RawRowView(i)
			a, b, ones := -1, -1, 0
			for j, v := range row {
				switch v {
				case 1:
					ones++
					if j < p {
						a = j
					} else {
						b = j - p
					}
				case 0:
				default:
					t.Fatalf("entry %g", v)
				}
			}
			if ones != 2 || a < 0 || b < 0 {
				t.Fatalf("row %v is not two one-hot codes", row)
			}
			if d.Labels[i] != (a+b)%p {
				t.Errorf("(%d+%d) mod %d labelled %d", a, b, p, d.Labels[i])
			}
			if seen[[2]int{a, b}] {
				t.Errorf("pair (%d, %d) twice", a, b)
			}
			seen[[2]int{a, b}] = true
		}
	}
	if len(seen) != 49 {
		t.Errorf("%d pairs", len(seen))
	}
	again, _ := ModularAddition(p, 0.3, 1)
	other, _ := ModularAddition(p, 0.3, 2)
	if !equalRows(train, again) || equalRows(train, other) {
		t.Error("the split is not a function of the seed")
	}
}

func equalRows(a, b *Dataset) bool {
	if a.Len() != b.Len() {
		return false
	}
	for i := 0; i < a.Len(); i++ {
		ra, rb := a.X.RawRowView(i), b.X.RawRowView(i)
		for j := range ra {
			if ra[j] != rb[j] {
				return false
			}
		}
	}
	return true
}

// TestGaussianMixture: balanced classes, class means at distance sep from
// the origin (sample means within 4 standard errors).
func TestGaussianMixture(t *testing.T) {
	k, dim, n, sep := 3, 4, 3000, 5.0
	d := GaussianMixture(k, dim, n, sep, 1)
	means := make([][]float64, k)
	counts := make([]int, k)
	for c := range means {
		means[c] = make([]float64, dim)
	}
	for i := 0; i < n; i++ {
		c := d.Labels[i]
		counts[c]++
		for j, v := range d.X.RawRowView(i) {
			means[c][j] += v
		}
	}
	for c := range means {
		if counts[c] != n/k {
			t.Errorf("class %d has %d samples", c, counts[c])
		}
		var r2 float64
		for j := range means[c] {
			means[c][j] /= float64(counts[c])
			r2 += means[c][j] * means[c][j]
		}
		se := math.Sqrt(float64(dim) / float64(counts[c]))
		if math.Abs(math.Sqrt(r2)-sep) > 4*se {
			t.Errorf("class %d mean at radius %g, want %g ± %g", c, math.Sqrt(r2), sep, 4*se)
		}
	}
}

// TestOpposingSignals: the outliers' large feature opposes their label,
// everyone else's follows it; the small feature always follows it.
func TestOpposingSignals(t *testing.T) {
	n, frac := 1000, 0.05
	d := OpposingSignals(n, frac, 1, 10, 1)
	nOut := int(frac * float64(n))
	for i := 0; i < n; i++ {
		s := float64(2*d.Labels[i] - 1)
		x2 := d.X.At(i, 1) * s
		if (i < nOut) != (x2 < 0) {
			t.Errorf("sample %d (outlier %v): σ·x₂ = %g", i, i < nOut, x2)
		}
	}
	var agree int
	for i := 0; i < n; i++ {
		if (d.X.At(i, 0) > 0) == (d.Labels[i] == 1) {
			agree++
		}
	}
	if agree < 950 { // P(|N(0, 0.25)| > 1) ≈ 2.3 %
		t.Errorf("small feature agrees with the label on %d of %d", agree, n)
	}
}
