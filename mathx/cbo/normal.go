package cbo

import (
	"math"
	"math/rand/v2"
)

// normal draws standard normal variates from a PCG generator with the
// 128-layer ziggurat method of Marsaglia and Tsang ("The ziggurat method
// for generating random variables", J. Stat. Softw. 5(8), 2000): one
// 64-bit draw per variate on the fast path (about 99 % of draws), which
// holds the generator as a concrete type so the draw is inlined.
type normal struct {
	src *rand.PCG
}

// zigR is the start of the tail, zigV the area of each layer.
const (
	zigR = 3.442619855899
	zigV = 9.91256303526217e-3
)

// zigK[i] is the acceptance bound of layer i for |j|, zigW[i] scales j to
// x, zigF[i] = exp(−x_i²/2) at the layer's right edge.
var (
	zigK       [128]uint32
	zigW, zigF [128]float64
)

func init() {
	const m = 1 << 31
	dn, tn := zigR, zigR
	q := zigV / math.Exp(-0.5*dn*dn)
	zigK[0] = uint32(dn / q * m)
	zigK[1] = 0
	zigW[0] = q / m
	zigW[127] = dn / m
	zigF[0] = 1
	zigF[127] = math.Exp(-0.5 * dn * dn)
	for i := 126; i >= 1; i-- {
		dn = math.Sqrt(-2 * math.Log(zigV/dn+math.Exp(-0.5*dn*dn)))
		zigK[i+1] = uint32(dn / tn * m)
		tn = dn
		zigF[i] = math.Exp(-0.5 * dn * dn)
		zigW[i] = dn / m
	}
}

// next returns a standard normal variate.
func (z normal) next() float64 {
	u := z.src.Uint64()
	j := int32(u)
	i := u >> 32 & 127
	if absInt32(j) < zigK[i] {
		return float64(j) * zigW[i]
	}
	return z.slow(j, i)
}

// uniform returns a uniform variate in (0, 1].
func (z normal) uniform() float64 {
	return float64(z.src.Uint64()>>11+1) * 0x1p-53
}

// slow handles the draws outside a layer's inner rectangle: the wedges and
// the tail beyond zigR.
func (z normal) slow(j int32, i uint64) float64 {
	for {
		x := float64(j) * zigW[i]
		if i == 0 {
			for {
				x = -math.Log(z.uniform()) / zigR
				y := -math.Log(z.uniform())
				if y+y >= x*x {
					break
				}
			}
			if j > 0 {
				return zigR + x
			}
			return -zigR - x
		}
		if zigF[i]+z.uniform()*(zigF[i-1]-zigF[i]) < math.Exp(-0.5*x*x) {
			return x
		}
		u := z.src.Uint64()
		j = int32(u)
		i = u >> 32 & 127
		if absInt32(j) < zigK[i] {
			return float64(j) * zigW[i]
		}
	}
}

func absInt32(j int32) uint32 {
	if j < 0 {
		return uint32(-j)
	}
	return uint32(j)
}
