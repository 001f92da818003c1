package cbo

import (
	"testing"
)

// benchSettings is CBXpy's success-evaluation configuration with a
// shorter run (1 000 steps), no early stop.
func benchSettings() *Settings {
	return &Settings{N: 40, Dt: 0.01, Sigma: 10.1, Alpha: 30, Noise: Anisotropic,
		MaxIter: 1000, Tol: -1, InitRadius: 3}
}

func BenchmarkMinimizeRastrigin20(b *testing.B) {
	p := &Problem{Dim: 20, Func: Rastrigin}
	s := benchSettings()
	for i := 0; b.Loop(); i++ {
		s.Seed = uint64(i)
		if _, err := Minimize(p, s); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(s.N*s.MaxIter), "ns/particle-step")
}

func BenchmarkRunManyRastrigin20(b *testing.B) {
	p := &Problem{Dim: 20, Func: Rastrigin}
	s := benchSettings()
	seeds := make([]uint64, 8)
	for i := range seeds {
		seeds[i] = uint64(i)
	}
	for b.Loop() {
		if _, err := RunMany(p, s, seeds); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(seeds)*s.N*s.MaxIter), "ns/particle-step")
}

func BenchmarkRastrigin20(b *testing.B) {
	x := make([]float64, 20)
	for i := range x {
		x[i] = 0.37*float64(i) - 3
	}
	s := 0.0
	for b.Loop() {
		s += Rastrigin(x)
	}
	_ = s
}
