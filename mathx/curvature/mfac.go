package curvature

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// M-FAC (Frantar, Kurtic & Alistarh, NeurIPS 2021, arXiv 2107.03356)
// multiplies vectors by the inverse of the dampened empirical Fisher
//
//	F̂ = λI + (1/m) Σ_{i=1..m} g_i g_iᵀ
//
// without forming it. Adding the rank-one terms one at a time, Sherman–
// Morrison gives F̂_0⁻¹ = I/λ and
//
//	F̂_i⁻¹ = F̂_{i−1}⁻¹ − (F̂_{i−1}⁻¹g_i)(F̂_{i−1}⁻¹g_i)ᵀ / (m + g_iᵀF̂_{i−1}⁻¹g_i),
//
// so with v_i = F̂_{i−1}⁻¹g_i and the denominators c_i = m + g_iᵀv_i,
// F̂⁻¹x = x/λ − Σ_i v_i (v_iᵀx)/c_i.

// MFACStatic is the static algorithm of M-FAC for a fixed set of m
// gradients: NewMFACStatic precomputes the v_i and c_i in O(d·m²) time and
// O(d·m) memory; InvMulVec then costs O(d·m), InvAt one element of F̂⁻¹
// O(m), InvDiag the diagonal O(d·m). It is the algorithm of the paper's
// pruning experiments (OBSScores, OBSUpdate).
type MFACStatic struct {
	d, m  int
	damp  float64
	v     []float64 // m×d, row i is v_i
	denom []float64 // c_i
}

// NewMFACStatic returns the static M-FAC inverse of
// F̂ = damp·I + (1/m)·GᵀG for the m×d matrix grads whose rows are the
// gradients g_i (grads is not kept). It panics when damp is not > 0 and
// finite or grads is empty, and returns an error when grads holds NaN or
// ±Inf, when damp is so small for the gradients that the products would
// have no correct digit (the bound 1 + Σ‖g_i‖²/(m·damp) on F̂'s condition
// number exceeds 1/ε ≈ 4.5e15: their relative error is about ε times it),
// or a denominator is not finite and positive.
func NewMFACStatic(grads mat.Matrix, damp float64) (*MFACStatic, error) {
	const name = "curvature.NewMFACStatic"
	if grads == nil {
		panic(name + ": nil grads")
	}
	m, d := grads.Dims()
	if m < 1 || d < 1 {
		panic(fmt.Sprintf("%s: grads is %d×%d", name, m, d))
	}
	checkDamp(name, damp)
	s := &MFACStatic{d: d, m: m, damp: damp, v: make([]float64, m*d), denom: make([]float64, m)}
	g := make([]float64, d)
	inv := 1 / damp
	fm := float64(m)
	var gg float64 // Σ‖g_i‖²/(m·damp), for the condition bound
	for i := 0; i < m; i++ {
		mat.Row(g, i, grads)
		if j := firstNonFinite(g); j >= 0 {
			return nil, fmt.Errorf("%s: grads[%d,%d] = %v", name, i, j, g[j])
		}
		n := floats.Norm(g, 2)
		gg += n / fm * n * inv
	}
	if err := checkCond(name, gg, damp); err != nil {
		return nil, err
	}
	for i := 0; i < m; i++ {
		mat.Row(g, i, grads)
		vi := s.v[i*d : (i+1)*d]
		floats.ScaleTo(vi, inv, g)
		for k := 0; k < i; k++ {
			vk := s.v[k*d : (k+1)*d]
			floats.AddScaled(vi, -floats.Dot(vk, g)/s.denom[k], vk)
		}
		s.denom[i] = fm + floats.Dot(g, vi)
		if !(s.denom[i] > 0) || math.IsInf(s.denom[i], 0) {
			return nil, fmt.Errorf("%s: denominator %d = %v (overflow in grads?)", name, i, s.denom[i])
		}
	}
	return s, nil
}

// maxCond is the largest bound on the condition number of F̂,
// 1 + Σ‖g_i‖²/(m·damp), that M-FAC accepts: the Sherman–Morrison products
// subtract terms of size ‖x‖/damp to leave the answer, so their relative
// error is about ε times that bound, and beyond 1/ε no digit is left.
const maxCond = 1 / 0x1p-52

// checkCond returns an error when 1 + gg (gg = Σ‖g_i‖²/(m·damp)) exceeds
// maxCond or is not finite.
func checkCond(name string, gg, damp float64) error {
	if c := 1 + gg; !(c <= maxCond) {
		return fmt.Errorf("%s: damp %g is too small for the gradients: the condition bound 1 + Σ‖g‖²/(m·damp) = %g exceeds 1/ε = %g, so the products would hold no correct digit (raise damp)", name, damp, c, maxCond)
	}
	return nil
}

func checkDamp(name string, damp float64) {
	if !(damp > 0) || math.IsInf(damp, 0) {
		panic(fmt.Sprintf("%s: damp = %v, want > 0 and finite", name, damp))
	}
}

// Dim returns d.
func (s *MFACStatic) Dim() int { return s.d }

// M returns the number of gradients m.
func (s *MFACStatic) M() int { return s.m }

// InvMulVec sets dst = F̂⁻¹x in O(d·m). dst may be x.
func (s *MFACStatic) InvMulVec(dst, x []float64) {
	checkLen("curvature.MFACStatic.InvMulVec", s.d, dst, x)
	// coefficients first, so that dst may alias x
	var buf [64]float64
	coef := buf[:0]
	if s.m > len(buf) {
		coef = make([]float64, 0, s.m)
	}
	for i := 0; i < s.m; i++ {
		coef = append(coef, floats.Dot(s.v[i*s.d:(i+1)*s.d], x)/s.denom[i])
	}
	floats.ScaleTo(dst, 1/s.damp, x)
	for i, c := range coef {
		floats.AddScaled(dst, -c, s.v[i*s.d:(i+1)*s.d])
	}
}

// InvAt returns the element (i, j) of F̂⁻¹ in O(m).
func (s *MFACStatic) InvAt(i, j int) float64 {
	if i < 0 || i >= s.d || j < 0 || j >= s.d {
		panic(fmt.Sprintf("curvature.MFACStatic.InvAt: (%d, %d) outside %d×%d", i, j, s.d, s.d))
	}
	var r float64
	if i == j {
		r = 1 / s.damp
	}
	for k := 0; k < s.m; k++ {
		r -= s.v[k*s.d+i] / s.denom[k] * s.v[k*s.d+j]
	}
	return r
}

// InvDiag returns the diagonal of F̂⁻¹ in O(d·m).
func (s *MFACStatic) InvDiag() []float64 {
	out := make([]float64, s.d)
	for i := range out {
		out[i] = 1 / s.damp
	}
	for k := 0; k < s.m; k++ {
		vk := s.v[k*s.d : (k+1)*s.d]
		c := 1 / s.denom[k]
		for i, x := range vk {
			out[i] -= c * x * x
		}
	}
	return out
}

// OBSScores returns the Optimal Brain Surgeon saliency of each weight
// with F̂ as the Hessian, ρ_j = w_j² / (2·[F̂⁻¹]_jj): the increase of the
// quadratic model of the loss when w_j is set to 0 and the other weights
// are corrected by OBSUpdate (Hassibi & Stork 1993; the M-FAC paper's
// pruning score). Prune the weights of smallest score.
func (s *MFACStatic) OBSScores(w []float64) []float64 {
	if len(w) != s.d {
		panic(fmt.Sprintf("curvature.MFACStatic.OBSScores: len(w) = %d, want %d", len(w), s.d))
	}
	diag := s.InvDiag()
	for j, x := range w {
		diag[j] = x * x / (2 * diag[j])
	}
	return diag
}

// OBSUpdate returns the Optimal Brain Surgeon correction that removes
// weight j: δw = −(w_j/[F̂⁻¹]_jj)·F̂⁻¹e_j, so that (w + δw)_j = 0 and the
// quadratic model grows by OBSScores(w)[j]. It costs O(d·m).
func (s *MFACStatic) OBSUpdate(w []float64, j int) []float64 {
	if len(w) != s.d || j < 0 || j >= s.d {
		panic(fmt.Sprintf("curvature.MFACStatic.OBSUpdate: len(w) = %d, j = %d, want %d and 0 ≤ j < d", len(w), j, s.d))
	}
	col := make([]float64, s.d)
	col[j] = 1 / s.damp
	for k := 0; k < s.m; k++ {
		vk := s.v[k*s.d : (k+1)*s.d]
		floats.AddScaled(col, -vk[j]/s.denom[k], vk)
	}
	floats.Scale(-w[j]/col[j], col)
	return col
}

// MFACDynamic is the dynamic algorithm of M-FAC over a sliding window of
// m gradients, the one of the paper's M-FAC optimiser. It keeps the m×d
// gradients G, their m×m scalar products GGᵀ and two m×m matrices:
//
//	D_ij = g_iᵀF̂_{i−1}⁻¹g_j (i ≤ j), computed from GGᵀ/λ by the
//	       recursion D_ij = (g_iᵀg_j)/λ − Σ_{k<i} D_ki·D_kj/c_k, c_k = m + D_kk,
//	B    lower triangular with v_i = F̂_{i−1}⁻¹g_i = Σ_{j≤i} B_ij g_j:
//	       B_ii = 1/λ, B_ij = −Σ_{j≤k<i} (D_ki/c_k)·B_kj,
//
// so that F̂⁻¹x = x/λ − Gᵀ(Bᵀa) with a_i = q_i/c_i and q_i = v_iᵀx from
// q_i = (g_iᵀx)/λ − Σ_{k<i} D_ki·q_k/c_k: O(d·m) for Gx and Gᵀ(·), O(m²)
// for the rest. Adding, replacing or removing a gradient updates one row
// of GGᵀ in O(d·m) and recomputes D and B in O(m³).
//
// F̂ = λI + (1/m)Σ g_i g_iᵀ always divides by the window size m; slots not
// yet filled (or emptied by Remove) hold zero gradients, as in the
// authors' implementation, which starts from a zero gradient matrix.
type MFACDynamic struct {
	d, m  int
	damp  float64
	g     []float64 // m×d
	full  []bool
	count int
	next  int       // slot Add fills next
	dots  []float64 // m×m GGᵀ
	dd    []float64 // m×m, upper triangle D
	denom []float64
	coef  []float64 // m×m lower triangle B
	q, a  []float64
}

// NewMFACDynamic returns an empty window of m gradients of dimension d
// with dampening damp (F̂ = damp·I until gradients are added). It panics
// when d or m is < 1 or damp is not > 0 and finite.
func NewMFACDynamic(d, m int, damp float64) *MFACDynamic {
	const name = "curvature.NewMFACDynamic"
	if d < 1 || m < 1 {
		panic(fmt.Sprintf("%s: d = %d, m = %d, want ≥ 1", name, d, m))
	}
	checkDamp(name, damp)
	w := &MFACDynamic{
		d: d, m: m, damp: damp,
		g:     make([]float64, m*d),
		full:  make([]bool, m),
		dots:  make([]float64, m*m),
		dd:    make([]float64, m*m),
		denom: make([]float64, m),
		coef:  make([]float64, m*m),
		q:     make([]float64, m),
		a:     make([]float64, m),
	}
	w.setup()
	return w
}

// Dim returns d.
func (w *MFACDynamic) Dim() int { return w.d }

// M returns the window size m.
func (w *MFACDynamic) M() int { return w.m }

// Len returns the number of gradients in the window.
func (w *MFACDynamic) Len() int { return w.count }

// Add puts g (copied) into the window, in place of the oldest gradient
// once the window is full, and returns its slot. It costs O(d·m + m³). It
// returns an error, and leaves the window unchanged, when g holds NaN or
// ±Inf or overflows the coefficients (see Set).
func (w *MFACDynamic) Add(g []float64) (slot int, err error) {
	slot = w.next
	if err := w.Set(slot, g); err != nil {
		return -1, err
	}
	w.next = (w.next + 1) % w.m
	return slot, nil
}

// Set puts g (copied) into the given slot, replacing what it held, in
// O(d·m + m³). It returns an error, and leaves the window unchanged, when
// g holds NaN or ±Inf or is so large for the dampening that the window's
// coefficients (gᵀg/λ and those derived from it) overflow or that the
// products would hold no correct digit (as NewMFACStatic: the bound
// 1 + Σ‖g_i‖²/(m·damp) on F̂'s condition number exceeds 1/ε).
func (w *MFACDynamic) Set(slot int, g []float64) error {
	const name = "curvature.MFACDynamic.Set"
	if slot < 0 || slot >= w.m {
		panic(fmt.Sprintf("%s: slot = %d, want 0 ≤ slot < %d", name, slot, w.m))
	}
	if len(g) != w.d {
		panic(fmt.Sprintf("%s: len(g) = %d, want %d", name, len(g), w.d))
	}
	if i := firstNonFinite(g); i >= 0 {
		return fmt.Errorf("%s: g[%d] = %v", name, i, g[i])
	}
	row := w.g[slot*w.d : (slot+1)*w.d]
	oldG := append([]float64(nil), row...)
	oldDots := append([]float64(nil), w.dots[slot*w.m:(slot+1)*w.m]...)
	oldFull := w.full[slot]
	copy(row, g)
	if !w.full[slot] {
		w.full[slot] = true
		w.count++
	}
	for j := 0; j < w.m; j++ {
		v := floats.Dot(w.g[j*w.d:(j+1)*w.d], g)
		w.dots[slot*w.m+j] = v
		w.dots[j*w.m+slot] = v
	}
	w.setup()
	var gg float64
	for j := 0; j < w.m; j++ {
		gg += w.dots[j*w.m+j] / float64(w.m) / w.damp
	}
	condErr := checkCond(name, gg, w.damp)
	if i := w.nonFinite(); i >= 0 || condErr != nil {
		// g is finite but too large for damp: gᵀg/λ or a coefficient
		// overflowed, or no digit of the products would be correct. Put
		// the window back as it was.
		copy(row, oldG)
		for j, v := range oldDots {
			w.dots[slot*w.m+j] = v
			w.dots[j*w.m+slot] = v
		}
		if !oldFull {
			w.full[slot] = false
			w.count--
		}
		w.setup()
		if condErr != nil {
			return condErr
		}
		return fmt.Errorf("%s: g overflows the window's coefficients (‖g‖ = %g, damp = %g; row %d not finite)", name, floats.Norm(g, 2), w.damp, i)
	}
	return nil
}

// nonFinite returns the first row of D or B holding NaN or ±Inf, or a
// denominator that is, or −1.
func (w *MFACDynamic) nonFinite() int {
	for i := 0; i < w.m; i++ {
		if c := w.denom[i]; math.IsNaN(c) || math.IsInf(c, 0) ||
			firstNonFinite(w.dd[i*w.m:(i+1)*w.m]) >= 0 || firstNonFinite(w.coef[i*w.m:(i+1)*w.m]) >= 0 {
			return i
		}
	}
	return -1
}

// Remove empties the slot (its gradient becomes 0) in O(d + m³).
func (w *MFACDynamic) Remove(slot int) {
	if slot < 0 || slot >= w.m {
		panic(fmt.Sprintf("curvature.MFACDynamic.Remove: slot = %d, want 0 ≤ slot < %d", slot, w.m))
	}
	if w.full[slot] {
		w.full[slot] = false
		w.count--
	}
	row := w.g[slot*w.d : (slot+1)*w.d]
	for i := range row {
		row[i] = 0
	}
	for j := 0; j < w.m; j++ {
		w.dots[slot*w.m+j] = 0
		w.dots[j*w.m+slot] = 0
	}
	w.setup()
}

// setup recomputes D, the denominators and B from GGᵀ in O(m³).
func (w *MFACDynamic) setup() {
	m := w.m
	inv := 1 / w.damp
	fm := float64(m)
	for i := 0; i < m; i++ {
		for j := i; j < m; j++ {
			v := w.dots[i*m+j] * inv
			for k := 0; k < i; k++ {
				v -= w.dd[k*m+i] / w.denom[k] * w.dd[k*m+j] // no overflow at D ≈ 1e300
			}
			w.dd[i*m+j] = v
		}
		w.denom[i] = fm + w.dd[i*m+i]
	}
	for i := 0; i < m; i++ {
		row := w.coef[i*m : (i+1)*m]
		for j := range row {
			row[j] = 0
		}
		row[i] = inv
		for k := 0; k < i; k++ {
			t := -w.dd[k*m+i] / w.denom[k]
			if t == 0 {
				continue
			}
			rk := w.coef[k*m : k*m+k+1]
			for j, b := range rk {
				row[j] += t * b
			}
		}
	}
}

// InvMulVec sets dst = F̂⁻¹x in O(d·m + m²). dst may be x.
func (w *MFACDynamic) InvMulVec(dst, x []float64) {
	checkLen("curvature.MFACDynamic.InvMulVec", w.d, dst, x)
	m, inv := w.m, 1/w.damp
	for i := 0; i < m; i++ {
		w.q[i] = floats.Dot(w.g[i*w.d:(i+1)*w.d], x) * inv
	}
	for i := 0; i < m; i++ {
		qi := w.q[i]
		for k := 0; k < i; k++ {
			qi -= w.dd[k*m+i] / w.denom[k] * w.q[k]
		}
		w.q[i] = qi
	}
	for i := range w.a {
		w.a[i] = 0
	}
	for i := 0; i < m; i++ {
		ai := w.q[i] / w.denom[i]
		for j, b := range w.coef[i*m : i*m+i+1] {
			w.a[j] += ai * b
		}
	}
	floats.ScaleTo(dst, inv, x)
	for j, c := range w.a {
		if c != 0 {
			floats.AddScaled(dst, -c, w.g[j*w.d:(j+1)*w.d])
		}
	}
}
