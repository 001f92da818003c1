package prox

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// ErrSVD is returned when gonum's SVD does not converge.
var ErrSVD = errors.New("prox: SVD did not converge")

// mapSingular writes U·diag(f(σ))·Vᵀ of x's thin SVD into dst (resized to
// x's shape when empty) and returns σ.
func mapSingular(name string, dst *mat.Dense, x mat.Matrix, f func(float64) float64) ([]float64, error) {
	r, c := x.Dims()
	if !dst.IsEmpty() {
		if dr, dc := dst.Dims(); dr != r || dc != c {
			panic(fmt.Sprintf("%s: dst is %d×%d, x is %d×%d", name, dr, dc, r, c))
		}
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
// fails.
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

// NuclearNorm returns ‖x‖_*, the sum of the singular values of x.
func NuclearNorm(x mat.Matrix) (float64, error) {
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
