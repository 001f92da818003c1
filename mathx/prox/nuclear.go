package prox

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// ErrSVD is returned when gonum's SVD does not converge.
var ErrSVD = errors.New("prox: SVD did not converge")

// nonFiniteEntry returns the first NaN entry of x if any, else its first
// ±Inf entry; ok is false when x is finite.
func nonFiniteEntry(x mat.Matrix) (i, j int, v float64, ok bool) {
	r, c := x.Dims()
	for a := 0; a < r; a++ {
		for b := 0; b < c; b++ {
			if e := x.At(a, b); e != e {
				return a, b, e, true
			} else if !ok && math.IsInf(e, 0) {
				i, j, v, ok = a, b, e, true
			}
		}
	}
	return i, j, v, ok
}

// mapSingular writes U·diag(f(σ))·Vᵀ of x's thin SVD into dst (resized to
// x's shape when empty) and returns σ.
func mapSingular(name string, dst *mat.Dense, x mat.Matrix, f func(float64) float64) ([]float64, error) {
	r, c := x.Dims()
	if !dst.IsEmpty() {
		if dr, dc := dst.Dims(); dr != r || dc != c {
			panic(fmt.Sprintf("%s: dst is %d×%d, x is %d×%d", name, dr, dc, r, c))
		}
	}
	if i, j, v, bad := nonFiniteEntry(x); bad {
		return nil, fmt.Errorf("%s: x[%d,%d] = %g: x must be finite", name, i, j, v)
	}
	var svd mat.SVD
	if !svd.Factorize(x, mat.SVDThin) {
		return nil, ErrSVD
	}
	sigma := svd.Values(nil)
	var u, v mat.Dense
	svd.UTo(&u)
	svd.VTo(&v)
	for j, s := range sigma {
		fs := f(s)
		for i := 0; i < r; i++ {
			u.Set(i, j, u.At(i, j)*fs)
		}
	}
	if dst.IsEmpty() {
		dst.ReuseAs(r, c)
	}
	dst.Mul(&u, v.T())
	return sigma, nil
}

// ProxNuclear writes the prox of t‖·‖_* (nuclear norm, sum of singular
// values) at x into dst: singular value thresholding U·diag(max(σ − t, 0))·Vᵀ
// on gonum's thin SVD. dst is resized when empty, else must match x; it
// may be x itself when x is a *mat.Dense. It returns ErrSVD when the SVD
// fails, and an error naming the entry when x holds a NaN or ±Inf (the
// SVD of such a matrix is not defined; gonum's would return zeros); dst is
// then not written.
func ProxNuclear(dst *mat.Dense, x mat.Matrix, t float64) error {
	checkStep("prox.ProxNuclear", t)
	_, err := mapSingular("prox.ProxNuclear", dst, x, func(s float64) float64 { return math.Max(s-t, 0) })
	return err
}

// ProjSpectralBall writes the projection of x onto {‖X‖₂ ≤ r} (spectral
// norm, the dual ball of the nuclear norm) into dst: singular values
// clipped at r. Conventions as in ProxNuclear.
func ProjSpectralBall(dst *mat.Dense, x mat.Matrix, r float64) error {
	checkRadius("prox.ProjSpectralBall", r)
	_, err := mapSingular("prox.ProjSpectralBall", dst, x, func(s float64) float64 { return math.Min(s, r) })
	return err
}

// NuclearNorm returns ‖x‖_*, the sum of the singular values of x: +Inf
// when x holds a ±Inf entry and no NaN, NaN and an error naming the entry
// when x holds a NaN.
func NuclearNorm(x mat.Matrix) (float64, error) {
	if i, j, v, bad := nonFiniteEntry(x); bad {
		if v != v {
			return v, fmt.Errorf("prox.NuclearNorm: x[%d,%d] = NaN: x must not hold NaN", i, j)
		}
		return math.Inf(1), nil
	}
	var svd mat.SVD
	if !svd.Factorize(x, mat.SVDNone) {
		return 0, ErrSVD
	}
	var s float64
	for _, v := range svd.Values(nil) {
		s += v
	}
	return s, nil
}

// Nuclear is the nuclear norm of a Rows×Cols matrix stored row-major in a
// vector of length Rows·Cols, so that matrix problems (low-rank
// regression, matrix completion) fit a Func-based solver. Its prox is
// singular value thresholding. If the SVD fails or x holds a NaN or ±Inf,
// Prox fills dst with NaN; Value returns NaN when the SVD fails or x holds
// a NaN, +Inf for a ±Inf entry. Solvers report the NaN as a failure.
type Nuclear struct {
	Rows, Cols int
}

func (m Nuclear) check(name string, x []float64) {
	if m.Rows <= 0 || m.Cols <= 0 || len(x) != m.Rows*m.Cols {
		panic(fmt.Sprintf("%s: %d×%d matrix, len(x) = %d", name, m.Rows, m.Cols, len(x)))
	}
}

// Prox writes the singular value thresholding of x at t into dst.
func (m Nuclear) Prox(dst, x []float64, t float64) {
	checkLen("prox.Nuclear.Prox", dst, x)
	m.check("prox.Nuclear.Prox", x)
	src := mat.NewDense(m.Rows, m.Cols, x)
	out := mat.NewDense(m.Rows, m.Cols, dst)
	if err := ProxNuclear(out, src, t); err != nil {
		for i := range dst {
			dst[i] = math.NaN()
		}
	}
}

// Value returns the nuclear norm of x as a Rows×Cols matrix.
func (m Nuclear) Value(x []float64) float64 {
	m.check("prox.Nuclear.Value", x)
	v, err := NuclearNorm(mat.NewDense(m.Rows, m.Cols, x))
	if err != nil {
		return math.NaN()
	}
	return v
}

// Conj returns the indicator of the unit spectral-norm ball.
func (m Nuclear) Conj() Func { return SpectralBall{Rows: m.Rows, Cols: m.Cols, R: 1} }

// SpectralBall is the indicator of {‖X‖₂ ≤ R} (largest singular value) for
// a Rows×Cols matrix stored row-major in a vector, the dual ball of
// Nuclear. SVD failures and non-finite entries give NaN as in Nuclear,
// except that Value is +Inf (outside) for a ±Inf entry.
type SpectralBall struct {
	Rows, Cols int
	R          float64
}

// Prox clips the singular values of x at R; t is ignored.
func (b SpectralBall) Prox(dst, x []float64, t float64) {
	checkLen("prox.SpectralBall.Prox", dst, x)
	Nuclear{b.Rows, b.Cols}.check("prox.SpectralBall.Prox", x)
	out := mat.NewDense(b.Rows, b.Cols, dst)
	if err := ProjSpectralBall(out, mat.NewDense(b.Rows, b.Cols, x), b.R); err != nil {
		for i := range dst {
			dst[i] = math.NaN()
		}
	}
}

// Value is 0 when the largest singular value is at most R(1 + 1e-12),
// +Inf otherwise.
func (b SpectralBall) Value(x []float64) float64 {
	Nuclear{b.Rows, b.Cols}.check("prox.SpectralBall.Value", x)
	if nan, pos, neg := nonFinite(x); nan {
		return math.NaN()
	} else if pos+neg > 0 {
		return math.Inf(1)
	}
	var svd mat.SVD
	if !svd.Factorize(mat.NewDense(b.Rows, b.Cols, x), mat.SVDNone) {
		return math.NaN()
	}
	return indicator(svd.Values(nil)[0] <= b.R*(1+1e-12))
}

// Conj returns R times the nuclear norm, the support function of the ball.
func (b SpectralBall) Conj() Func { return Scale{F: Nuclear{b.Rows, b.Cols}, Lambda: b.R} }
