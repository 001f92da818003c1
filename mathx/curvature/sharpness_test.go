package curvature

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/floats"
)

// TestMeasureSharpness: λmax matches EigenSym to 1e-8; tr(H) and ‖H‖_F
// are within 3 stated standard errors of the exact values in at least 19
// of 20 seeds.
func TestMeasureSharpness(t *testing.T) {
	h, op := randSym("spiked", 200, 4)
	ev := exactEig(h)
	var fro float64
	for _, l := range ev {
		fro += l * l
	}
	fro = math.Sqrt(fro)
	tr := trace(h)
	inT, inF := 0, 0
	for seed := uint64(0); seed < 20; seed++ {
		m, err := MeasureSharpness(op, &Settings{Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(m.LambdaMax-ev[0]) > 1e-8 {
			t.Errorf("λmax %v, want %v", m.LambdaMax, ev[0])
		}
		if math.Abs(m.Trace-tr) <= 3*m.TraceStdErr {
			inT++
		}
		if math.Abs(m.Frobenius-fro) <= 3*m.FrobeniusStdErr {
			inF++
		}
	}
	if inT < 19 || inF < 19 {
		t.Errorf("within 3 standard errors: trace %d/20, Frobenius %d/20", inT, inF)
	}
}

// TestRecorderGD: gradient descent on least squares with η = 1.9/λmax is
// stable (λmax < 2/η at every record) and with the records every 5
// iterations; the Hessian is constant so every λmax is the same.
func TestRecorderGD(t *testing.T) {
	ls := lsProblem(100, 10, 3, 0)
	x := make([]float64, 10)
	lmax := exactEig(ls.Hessian(x))[0]
	eta := 1.9 / lmax
	rec := &Recorder{Every: 5, Settings: &Settings{MaxIter: 20}}
	g := make([]float64, 10)
	for it := 0; it <= 20; it++ {
		ls.Objective(x, g)
		if err := rec.Record(it, Exact(ls, x)); err != nil {
			t.Fatal(err)
		}
		floats.AddScaled(x, -eta, g)
	}
	if got := rec.Iters(); len(got) != 5 || got[4] != 20 {
		t.Errorf("recorded iterations %v, want 0, 5, …, 20", got)
	}
	for _, l := range rec.LambdaMax() {
		if math.Abs(l-lmax) > 1e-10 || l >= 2/eta {
			t.Errorf("λmax %v (exact %v, 2/η = %v)", l, lmax, 2/eta)
		}
	}
	if len(rec.Traces()) != 5 {
		t.Error("Traces length")
	}
}
