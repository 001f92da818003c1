package collab

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// projector returns YYᵀ for the orthonormal columns of y.
func projector(y *mat.Dense) *mat.Dense {
	d, _ := y.Dims()
	p := mat.NewDense(d, d, nil)
	p.Mul(y, y.T())
	return p
}

// flagByDefinition is the aggregate of the definition, med‖v_i‖ ·
// YYᵀ(1/p)Σ v_i/‖v_i‖, for a given orthonormal Y.
func flagByDefinition(v [][]float64, y *mat.Dense) []float64 {
	p := len(v)
	d := len(v[0])
	norms := make([]float64, p)
	mean := mat.NewVecDense(d, nil)
	for i, vi := range v {
		norms[i] = mat.Norm(mat.NewVecDense(d, vi), 2)
		if norms[i] > 0 {
			mean.AddScaledVec(mean, 1/(float64(p)*norms[i]), mat.NewVecDense(d, vi))
		}
	}
	var out mat.VecDense
	out.MulVec(projector(y), mean)
	out.ScaleVec(median(norms), &out)
	return out.RawVector().Data
}

// Hand-made inputs. Two vectors e1·3 and e2·4 with r = 2: the subspace is
// their plane, both ratios 1, the aggregate med(3, 4)·(e1 + e2)/2 =
// (1.75, 1.75, 0). Vectors in a 2-dimensional subspace of ℝ⁵ with r = 2:
// every ratio is 1, Y spans their plane and the aggregate is the
// definition's with that plane. A far outlier orthogonal to the honest
// plane: ratio 0, the aggregate has no component along it, and the
// honest ratios stay 1.
func TestFlagByHand(t *testing.T) {
	r, err := Flag([][]float64{{3, 0, 0}, {0, 4, 0}}, 2, 0, nil)
	if err != nil || r.Status != Converged {
		t.Fatal(r.Status, err)
	}
	if !eqVec(r.X, []float64{1.75, 1.75, 0}, 1e-15) || !eqVec(r.Ratios, []float64{1, 1}, 1e-15) {
		t.Errorf("X %v, Ratios %v; want [1.75 1.75 0], [1 1]", r.X, r.Ratios)
	}

	rng := rand.New(rand.NewPCG(3, 4))
	a := [][]float64{{1, 2, 0, -1, 0.5}, {0, 1, 1, 2, -1}} // the plane
	plane := mat.NewDense(5, 2, nil)
	for j := 0; j < 5; j++ {
		plane.Set(j, 0, a[0][j])
		plane.Set(j, 1, a[1][j])
	}
	var qr mat.QR
	qr.Factorize(plane)
	var q mat.Dense
	qr.QTo(&q)
	basis := mat.DenseCopyOf(q.Slice(0, 5, 0, 2))
	var honest [][]float64
	for i := 0; i < 7; i++ {
		c1, c2 := rng.NormFloat64(), rng.NormFloat64()
		w := make([]float64, 5)
		for j := range w {
			w[j] = c1*a[0][j] + c2*a[1][j]
		}
		honest = append(honest, w)
	}
	r, err = Flag(honest, 2, 0, nil)
	if err != nil || r.Status != Converged {
		t.Fatal(r.Status, err)
	}
	for i, rho := range r.Ratios {
		if math.Abs(rho-1) > 1e-12 {
			t.Errorf("in-plane vector %d: ratio %v, want 1", i, rho)
		}
	}
	if !mat.EqualApprox(projector(r.Subspace), projector(basis), 1e-12) {
		t.Errorf("Y does not span the vectors' plane")
	}
	if want := flagByDefinition(honest, basis); !eqVec(r.X, want, 1e-12) {
		t.Errorf("X %v, want %v", r.X, want)
	}

	// The outlier: 1000 times a unit vector orthogonal to the plane.
	var o mat.VecDense
	o.MulVec(projector(basis), mat.NewVecDense(5, []float64{1, 0, 0, 0, 0}))
	o.SubVec(mat.NewVecDense(5, []float64{1, 0, 0, 0, 0}), &o)
	o.ScaleVec(1000/mat.Norm(&o, 2), &o)
	withOut := append(append([][]float64(nil), honest...), o.RawVector().Data)
	r, err = Flag(withOut, 2, 0, nil)
	if err != nil || r.Status != Converged {
		t.Fatal(r.Status, err)
	}
	if rho := r.Ratios[7]; !(rho <= 1e-12) {
		t.Errorf("orthogonal outlier: ratio %v, want 0", rho)
	}
	for i, rho := range r.Ratios[:7] {
		if math.Abs(rho-1) > 1e-12 {
			t.Errorf("honest vector %d with the outlier: ratio %v, want 1", i, rho)
		}
	}
	if along := mat.Dot(mat.NewVecDense(5, r.X), &o) / 1000; math.Abs(along) > 1e-12 {
		t.Errorf("aggregate's component along the outlier: %v, want 0", along)
	}
	if want := flagByDefinition(withOut, basis); !eqVec(r.X, want, 1e-12) {
		t.Errorf("X with the outlier %v, want %v", r.X, want)
	}
	// The mean is dragged along the outlier by 1000/8 = 125.
	m, _ := Mean(withOut)
	if along := mat.Dot(mat.NewVecDense(5, m), &o) / 1000; math.Abs(along-125) > 1e-9 {
		t.Errorf("mean's component along the outlier: %v, want 125", along)
	}
}

// In the plane with r = 1 the objective of a line at angle φ is
// Σ_i |sin(θ_i − φ)|, concave between the data angles, so its minimum is
// at a data line: the brute-force minimum over the data angles (checked
// against a grid of 10⁵ angles) is the reference. Five lines near
// 0.3 rad and three outliers: the IRLS converges to the reference line,
// with the reference objective.
func TestFlagLineInPlane(t *testing.T) {
	theta := []float64{0.28, 0.31, 0.33, 0.26, 0.35, 1.9, 2.6, -1.2}
	norms := []float64{1, 2, 0.5, 3, 1.5, 10, 0.2, 4}
	v := make([][]float64, len(theta))
	for i, th := range theta {
		v[i] = []float64{norms[i] * math.Cos(th), norms[i] * math.Sin(th)}
	}
	obj := func(phi float64) float64 {
		var s float64
		for _, th := range theta {
			s += math.Abs(math.Sin(th - phi))
		}
		return s
	}
	best := theta[0]
	for _, th := range theta {
		if obj(th) < obj(best) {
			best = th
		}
	}
	for k := 0; k < 100000; k++ {
		if phi := math.Pi * float64(k) / 100000; obj(phi) < obj(best)-1e-12 {
			t.Fatalf("grid angle %v beats the data lines: %v < %v", phi, obj(phi), obj(best))
		}
	}
	r, err := Flag(v, 1, 0, &Settings{Tol: 1e-14})
	if err != nil || r.Status != Converged {
		t.Fatal(r.Status, err)
	}
	y0, y1 := r.Subspace.At(0, 0), r.Subspace.At(1, 0)
	if c := math.Abs(y0*math.Cos(best) + y1*math.Sin(best)); math.Abs(c-1) > 1e-9 {
		t.Errorf("Y = (%v, %v), want the line at %v rad (|cos| = %v)", y0, y1, best, c)
	}
	var sum float64
	for _, rho := range r.Ratios {
		sum += math.Sqrt(math.Max(0, 1-rho))
	}
	if math.Abs(sum-obj(best)) > 1e-8 {
		t.Errorf("objective %v, want %v", sum, obj(best))
	}
	t.Logf("line at %.4f rad after %d iterations; objective %.10f", best, r.Iterations, sum)
}

// Invariances of the definition: rotating every vector rotates the
// aggregate and the subspace; scaling every vector by s > 0 scales the
// aggregate; scaling one vector by a positive factor or flipping its
// sign changes neither the subspace nor the ratios (only directions and
// lines enter them); permuting the vectors permutes the ratios. With and
// without the pairwise terms (λ = 0.5).
func TestFlagInvariances(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	const p, d = 9, 6
	v := make([][]float64, p)
	for i := range v {
		v[i] = make([]float64, d)
		for j := range v[i] {
			v[i][j] = rng.NormFloat64()
			if j < 2 {
				v[i][j] += 3 // a common direction
			}
		}
	}
	g := mat.NewDense(d, d, nil)
	for i := range g.RawMatrix().Data {
		g.RawMatrix().Data[i] = rng.NormFloat64()
	}
	var qr mat.QR
	qr.Factorize(g)
	var Q mat.Dense
	qr.QTo(&Q)
	for _, lambda := range []float64{0, 0.5} {
		s := &Settings{Tol: 1e-15}
		ref, err := Flag(v, 2, lambda, s)
		if err != nil || ref.Status != Converged {
			t.Fatal(ref.Status, err)
		}
		rot := make([][]float64, p)
		for i := range v {
			var w mat.VecDense
			w.MulVec(&Q, mat.NewVecDense(d, v[i]))
			rot[i] = w.RawVector().Data
		}
		r, _ := Flag(rot, 2, lambda, s)
		var want mat.VecDense
		want.MulVec(&Q, mat.NewVecDense(d, ref.X))
		var qy mat.Dense
		qy.Mul(&Q, ref.Subspace)
		if !eqVec(r.X, want.RawVector().Data, 1e-8) || !mat.EqualApprox(projector(r.Subspace), projector(&qy), 1e-8) {
			t.Errorf("λ = %v, rotation: X %v, want %v", lambda, r.X, want.RawVector().Data)
		}
		r, _ = Flag(scaleRows(v, 1e-7), 2, lambda, s)
		for j := range r.X {
			if math.Abs(r.X[j]-1e-7*ref.X[j]) > 1e-15*math.Max(1, math.Abs(ref.X[j])) {
				t.Errorf("λ = %v, scale 1e-7: X %v, want 1e-7·%v", lambda, r.X, ref.X)
				break
			}
		}
		moved := scaleRows(v, 1)
		for j := range moved[2] {
			moved[2][j] *= 40
			moved[5][j] = -moved[5][j]
		}
		r, _ = Flag(moved, 2, lambda, s)
		if !eqVec(r.Ratios, ref.Ratios, 1e-9) || !mat.EqualApprox(projector(r.Subspace), projector(ref.Subspace), 1e-8) {
			t.Errorf("λ = %v, one vector ×40 and one negated: ratios %v, want %v", lambda, r.Ratios, ref.Ratios)
		}
		perm := []int{3, 0, 8, 1, 7, 2, 6, 4, 5}
		pv := make([][]float64, p)
		for i, k := range perm {
			pv[i] = v[k]
		}
		r, _ = Flag(pv, 2, lambda, s)
		for i, k := range perm {
			if math.Abs(r.Ratios[i]-ref.Ratios[k]) > 1e-9 {
				t.Errorf("λ = %v, permuted: ratio %d = %v, want %v", lambda, i, r.Ratios[i], ref.Ratios[k])
			}
		}
		if !eqVec(r.X, ref.X, 1e-9) {
			t.Errorf("λ = %v, permuted: X %v, want %v", lambda, r.X, ref.X)
		}
	}
}

// The IRLS is a majorise–minimise iteration: the smoothed objective in
// History never increases (up to 1e-12 relative rounding), the last
// decrease is at most Tol times the objective, and at the end Y is a
// fixed point: the r leading eigenvectors of the weighted matrix built
// at Y span Y again (projectors within 1e-6, for Tol = 1e-12). MaxIter
// bounds the iterations (MaxIterReached), a canceled context returns
// Canceled, a callback returning false Stopped, a panicking one Failed.
func TestFlagIRLS(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	const p, d = 15, 8
	v := make([][]float64, p)
	for i := range v {
		v[i] = make([]float64, d)
		for j := range v[i] {
			v[i][j] = rng.NormFloat64()
			if j == 0 && i < 11 {
				v[i][j] += 4
			}
		}
	}
	for _, lambda := range []float64{0, 1} {
		for _, tol := range []float64{1e-6, 1e-12} {
			r, err := Flag(v, 2, lambda, &Settings{Tol: tol})
			if err != nil || r.Status != Converged || len(r.History) != r.Iterations+1 {
				t.Fatalf("λ = %v, Tol = %g: %v %v, %d iterations, %d history", lambda, tol, r.Status, err, r.Iterations, len(r.History))
			}
			h := r.History
			for k := 1; k < len(h); k++ {
				if h[k] > h[k-1]*(1+1e-12) {
					t.Errorf("λ = %v: objective rose at iteration %d: %v → %v", lambda, k, h[k-1], h[k])
				}
			}
			last := h[len(h)-2] - h[len(h)-1]
			if !(last <= tol*h[len(h)-2]) {
				t.Errorf("λ = %v, Tol = %g: last decrease %v > Tol·A", lambda, tol, last)
			}
			t.Logf("λ = %v, Tol = %g: %d iterations, objective %.10g → %.10g", lambda, tol, r.Iterations, h[0], h[len(h)-1])
			if tol != 1e-12 {
				continue
			}
			// The fixed point: rebuild the weighted matrix at Y and take
			// its leading eigenvectors.
			x := make([][]float64, p)
			for i := range v {
				x[i] = make([]float64, d)
				nrm := mat.Norm(mat.NewVecDense(d, v[i]), 2)
				for j := range x[i] {
					x[i][j] = v[i][j] / nrm
				}
			}
			M := mat.NewSymDense(d, nil)
			pr := projector(r.Subspace)
			add := func(w []float64, a float64) {
				var res mat.VecDense
				res.MulVec(pr, mat.NewVecDense(d, w))
				res.SubVec(mat.NewVecDense(d, w), &res)
				s2 := mat.Dot(&res, &res)
				M.SymRankOne(M, a/math.Sqrt(s2+flagDelta), mat.NewVecDense(d, w))
			}
			for i := range x {
				add(x[i], 1)
			}
			if lambda > 0 {
				for i := 0; i < p; i++ {
					for j := 0; j < p; j++ {
						if i == j {
							continue
						}
						u := make([]float64, d)
						for k := range u {
							u[k] = x[i][k] - x[j][k]
						}
						nrm := mat.Norm(mat.NewVecDense(d, u), 2)
						for k := range u {
							u[k] /= nrm
						}
						add(u, lambda/float64(p*(p-1)))
					}
				}
			}
			var eig mat.EigenSym
			eig.Factorize(M, true)
			var vecs mat.Dense
			eig.VectorsTo(&vecs)
			top := mat.DenseCopyOf(vecs.Slice(0, d, d-2, d))
			if !mat.EqualApprox(projector(top), pr, 1e-6) {
				t.Errorf("λ = %v: Y is not a fixed point of the IRLS", lambda)
			}
		}
	}
	r, _ := Flag(v, 2, 0, &Settings{MaxIter: 2, Tol: 1e-300})
	if r.Status != MaxIterReached || r.Iterations != 2 || len(r.History) != 3 {
		t.Errorf("MaxIter 2: %v after %d iterations", r.Status, r.Iterations)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if r, err := Flag(v, 2, 0, &Settings{Context: ctx}); err != nil || r.Status != Canceled || len(r.X) != d {
		t.Errorf("canceled: %v %v", r.Status, err)
	}
	if r, err := Flag(v, 2, 0, &Settings{Tol: 1e-300, Callback: func(it int, _ *Result) bool { return it < 3 }}); err != nil || r.Status != Stopped || r.Iterations != 3 {
		t.Errorf("callback stop: %v %v after %d", r.Status, err, r.Iterations)
	}
	if r, err := Flag(v, 2, 0, &Settings{Callback: func(int, *Result) bool { panic("x") }}); err == nil || r.Status != Failed {
		t.Errorf("callback panic: %v %v", r.Status, err)
	}
}

// With r = 1 the iteration stops at a data line once the first-order
// condition holds there (Vardi and Zhang's kind of guard): for four
// vectors near e₁ and an outlier along e₃ it stops Converged at the line
// of a data vector (ratio 1) within a few iterations, the objective
// never rose, and no small rotation of the line (10⁴ random tangent
// directions, angles 1e-6 and 1e-3) lowers the objective Σ√(1 − ρ_i).
func TestFlagDataLine(t *testing.T) {
	v := [][]float64{{1, 0, 0}, {0.9, 0.1, 0}, {1.1, -0.1, 0}, {1, 0.05, 0}, {0, 0, 50}}
	r, err := Flag(v, 1, 0, nil)
	if err != nil || r.Status != Converged || r.Iterations > 5 {
		t.Fatalf("%v %v after %d iterations", r.Status, err, r.Iterations)
	}
	for k := 1; k < len(r.History); k++ {
		if r.History[k] > r.History[k-1] {
			t.Errorf("objective rose: %v", r.History)
		}
	}
	y := mat.Col(nil, 0, r.Subspace)
	obj := func(y []float64) float64 {
		var s float64
		for _, vi := range v {
			c := mat.Dot(mat.NewVecDense(3, y), mat.NewVecDense(3, vi)) / mat.Norm(mat.NewVecDense(3, vi), 2)
			s += math.Sqrt(math.Max(0, 1-c*c))
		}
		return s
	}
	onLine := false
	for _, rho := range r.Ratios {
		onLine = onLine || rho == 1
	}
	if !onLine {
		t.Errorf("ratios %v: no data vector on the line", r.Ratios)
	}
	base := obj(y)
	rng := rand.New(rand.NewPCG(1, 1))
	for k := 0; k < 10000; k++ {
		e := []float64{rng.NormFloat64(), rng.NormFloat64(), rng.NormFloat64()}
		var dot, nrm float64
		for j := range e {
			dot += e[j] * y[j]
		}
		for j := range e {
			e[j] -= dot * y[j]
			nrm += e[j] * e[j]
		}
		nrm = math.Sqrt(nrm)
		for _, a := range []float64{1e-6, 1e-3} {
			z := make([]float64, 3)
			for j := range z {
				z[j] = math.Cos(a)*y[j] + math.Sin(a)*e[j]/nrm
			}
			if o := obj(z); o < base-1e-12 {
				t.Fatalf("rotating the line by %g lowers the objective: %v < %v", a, o, base)
			}
		}
	}
}
