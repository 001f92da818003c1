package sae

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"math/rand/v2"

	"github.com/gomx-dev/gomx/mathx/internal/kernels"

	"gonum.org/v1/gonum/mat"
)

// Model is a sparse autoencoder with D inputs and F latents:
//
//	pre = (x − BPre)·WEncᵀ + BEnc,  z = select(pre),  x̂ = z·WDecT + BPre.
//
// WDecT holds the decoder transposed (F×D): row j is latent j's decoder
// direction, the column j of the papers' W_dec, kept at unit norm by
// training. Storing it by rows makes decoding k active latents a sum of k
// contiguous rows.
type Model struct {
	D, F  int
	WEnc  *mat.Dense // F×D encoder
	WDecT *mat.Dense // F×D decoder, transposed; unit-norm rows
	BEnc  []float64  // F latent bias
	BPre  []float64  // D pre-encoder bias, added back after decoding
}

// NewModel returns a model with tied initialisation: decoder directions
// drawn uniformly on the unit sphere (normalised Gaussians from a PCG
// seeded with seed), WEnc = W_decᵀ, zero biases. Set BPre to the data mean
// (SetPreBias) before training.
func NewModel(d, f int, seed uint64) *Model {
	if d <= 0 || f <= 0 {
		panic(fmt.Sprintf("sae: NewModel(%d, %d): sizes must be positive", d, f))
	}
	rng := rand.New(rand.NewPCG(seed, 0x5ae))
	dec := make([]float64, f*d)
	for j := 0; j < f; j++ {
		row := dec[j*d : (j+1)*d]
		for {
			var ss float64
			for i := range row {
				row[i] = rng.NormFloat64()
				ss += row[i] * row[i]
			}
			if ss > 0 {
				scale(row, 1/math.Sqrt(ss))
				break
			}
		}
	}
	enc := make([]float64, f*d)
	copy(enc, dec)
	return &Model{
		D: d, F: f,
		WEnc:  mat.NewDense(f, d, enc),
		WDecT: mat.NewDense(f, d, dec),
		BEnc:  make([]float64, f),
		BPre:  make([]float64, d),
	}
}

// SetPreBias sets BPre to the mean row of x (B×D), the usual initialisation
// (the TopK paper uses the geometric median of a sample). The mean does
// not overflow for entries near ±1.8e308. It panics, naming the entry and
// leaving BPre as it was, when x holds a NaN or ±Inf, and on a wrong
// shape.
func (m *Model) SetPreBias(x mat.Matrix) {
	r, c := x.Dims()
	if c != m.D || r == 0 {
		panic(fmt.Sprintf("sae: SetPreBias: x is %d×%d, want B×%d with B > 0", r, c, m.D))
	}
	for b := 0; b < r; b++ {
		for i := 0; i < c; i++ {
			if v := x.At(b, i); v-v != 0 {
				panic(fmt.Sprintf("sae: SetPreBias: x[%d,%d] = %v: the data must be finite", b, i, v))
			}
		}
	}
	for i := range m.BPre {
		var s float64
		for b := 0; b < r; b++ {
			s += x.At(b, i)
		}
		if math.IsInf(s, 0) { // the sum of finite entries overflowed
			s = 0
			for b := 0; b < r; b++ {
				s += x.At(b, i) / float64(r)
			}
			m.BPre[i] = s
			continue
		}
		m.BPre[i] = s / float64(r)
	}
}

// Decoder returns W_dec as the papers write it: a new D×F matrix whose
// column j is latent j's decoder direction.
func (m *Model) Decoder() *mat.Dense {
	return mat.DenseCopyOf(m.WDecT.T())
}

// Clone returns a deep copy of m.
func (m *Model) Clone() *Model {
	c := &Model{D: m.D, F: m.F,
		WEnc:  mat.DenseCopyOf(m.WEnc),
		WDecT: mat.DenseCopyOf(m.WDecT),
		BEnc:  append([]float64(nil), m.BEnc...),
		BPre:  append([]float64(nil), m.BPre...),
	}
	return c
}

// normaliseDecoder scales every decoder row to unit norm.
func (m *Model) normaliseDecoder() {
	raw := m.WDecT.RawMatrix()
	for j := 0; j < m.F; j++ {
		row := raw.Data[j*raw.Stride : j*raw.Stride+m.D]
		if n := norm(row); n > 0 {
			scale(row, 1/n)
		}
	}
}

const checkpointMagic = "GOMXSAE1"

// Save writes m in a little-endian binary checkpoint (magic, sizes, the
// four parameter arrays, CRC-32 of everything before it). It writes
// nothing and returns an error naming the entry when a parameter is NaN
// or ±Inf, and returns the writer's error if writing fails.
func (m *Model) Save(w io.Writer) error {
	if err := m.checkFinite("sae: Save"); err != nil {
		return err
	}
	h := crc32.NewIEEE()
	bw := bufio.NewWriter(io.MultiWriter(w, h))
	bw.WriteString(checkpointMagic)
	binary.Write(bw, binary.LittleEndian, [2]uint64{uint64(m.D), uint64(m.F)})
	for _, a := range [][]float64{rawData(m.WEnc), rawData(m.WDecT), m.BEnc, m.BPre} {
		if err := binary.Write(bw, binary.LittleEndian, a); err != nil {
			return fmt.Errorf("sae: saving model: %w", err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("sae: saving model: %w", err)
	}
	return binary.Write(w, binary.LittleEndian, h.Sum32())
}

// checkFinite returns an error naming the first parameter entry that is
// NaN or ±Inf.
func (m *Model) checkFinite(fn string) error {
	for k, a := range [][]float64{rawData(m.WEnc), rawData(m.WDecT), m.BEnc, m.BPre} {
		for i, v := range a {
			if v-v == 0 {
				continue
			}
			switch k {
			case 0:
				return fmt.Errorf("%s: WEnc[%d,%d] = %v: the model is not finite", fn, i/m.D, i%m.D, v)
			case 1:
				return fmt.Errorf("%s: WDecT[%d,%d] = %v: the model is not finite", fn, i/m.D, i%m.D, v)
			case 2:
				return fmt.Errorf("%s: BEnc[%d] = %v: the model is not finite", fn, i, v)
			default:
				return fmt.Errorf("%s: BPre[%d] = %v: the model is not finite", fn, i, v)
			}
		}
	}
	return nil
}

// loadChunk is the number of floats Load reads at a time: memory grows
// with the data actually present, not with the sizes a header claims.
const loadChunk = 1 << 16

// readFloats reads n little-endian float64s in chunks of loadChunk.
func readFloats(r io.Reader, n int) ([]float64, error) {
	out := make([]float64, 0, min(n, loadChunk))
	buf := make([]float64, min(n, loadChunk))
	for len(out) < n {
		chunk := buf[:min(n-len(out), loadChunk)]
		if err := binary.Read(r, binary.LittleEndian, chunk); err != nil {
			return nil, err
		}
		out = append(out, chunk...)
	}
	return out, nil
}

// Load reads a model written by Save, checking its magic and checksum. A
// truncated or corrupt checkpoint, implausible sizes, or parameters that
// are NaN or ±Inf give an error; memory is allocated as the data arrives,
// so a header that claims huge sizes fails at the end of the data.
func Load(r io.Reader) (*Model, error) {
	h := crc32.NewIEEE()
	tr := io.TeeReader(bufio.NewReader(r), h)
	magic := make([]byte, len(checkpointMagic))
	if _, err := io.ReadFull(tr, magic); err != nil || string(magic) != checkpointMagic {
		return nil, errors.New("sae: not a gomx SAE checkpoint")
	}
	var dims [2]uint64
	if err := binary.Read(tr, binary.LittleEndian, &dims); err != nil {
		return nil, fmt.Errorf("sae: reading checkpoint: %w", err)
	}
	d, f := int(dims[0]), int(dims[1])
	if d <= 0 || f <= 0 || d > 1<<20 || f > 1<<24 || d*f > 1<<30 {
		return nil, fmt.Errorf("sae: checkpoint has implausible sizes %d×%d", d, f)
	}
	var arrays [4][]float64
	for k, n := range [4]int{f * d, f * d, f, d} {
		a, err := readFloats(tr, n)
		if err != nil {
			return nil, fmt.Errorf("sae: reading checkpoint: %w", err)
		}
		arrays[k] = a
	}
	m := &Model{D: d, F: f,
		WEnc:  mat.NewDense(f, d, arrays[0]),
		WDecT: mat.NewDense(f, d, arrays[1]),
		BEnc:  arrays[2],
		BPre:  arrays[3],
	}
	want := h.Sum32()
	var got uint32
	if err := binary.Read(tr, binary.LittleEndian, &got); err != nil {
		return nil, fmt.Errorf("sae: reading checkpoint checksum: %w", err)
	}
	if got != want {
		return nil, errors.New("sae: checkpoint checksum mismatch (corrupt file)")
	}
	if err := m.checkFinite("sae: Load"); err != nil {
		return nil, err
	}
	return m, nil
}

func rawData(a *mat.Dense) []float64 {
	raw := a.RawMatrix()
	if raw.Stride != raw.Cols {
		panic("sae: parameter matrix is not contiguous")
	}
	return raw.Data[:raw.Rows*raw.Cols]
}

func scale(x []float64, a float64) {
	for i := range x {
		x[i] *= a
	}
}

func dot(x, y []float64) float64 {
	var s0, s1, s2, s3 float64
	n := len(x)
	y = y[:n]
	i := 0
	for ; i+4 <= n; i += 4 {
		s0 += x[i] * y[i]
		s1 += x[i+1] * y[i+1]
		s2 += x[i+2] * y[i+2]
		s3 += x[i+3] * y[i+3]
	}
	for ; i < n; i++ {
		s0 += x[i] * y[i]
	}
	return (s0 + s1) + (s2 + s3)
}

// axpy sets y[i] = fma(a, x[i], y[i]) (mathx/internal/kernels: AVX2
// where the CPU has it, math.FMA elsewhere, the same bits).
func axpy(a float64, x, y []float64) {
	kernels.Axpy64(a, x, y[:len(x)])
}

func norm(x []float64) float64 { return math.Sqrt(dot(x, x)) }
