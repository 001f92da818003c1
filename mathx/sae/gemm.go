package sae

import (
	"math"
	"runtime"
	"sync"
)

// The encoder product pre = bias + xc·W_encᵀ is the one dense O(B·F·D)
// computation of a step. It runs on 4×8 output blocks: W_enc is packed
// into panels of 8 latents (D×8, contiguous), and each block sums over i
// with fused multiply-adds in index order, then adds the bias. An AVX2
// kernel does this on amd64 when the CPU has AVX2 and FMA; the portable
// kernel uses math.FMA in the same order, so both give the same bits.

const (
	blockRows = 4
	panelCols = 8
)

// packPanels copies w (F×D, row stride ws) into panels of 8 latents:
// panel p holds w[8p+c][i] at p·D·8 + i·8 + c. F is padded to a
// multiple of 8 with zeros.
func packPanels(dst []float64, w []float64, ws, f, d int) []float64 {
	np := (f + panelCols - 1) / panelCols
	dst = grow(dst, np*d*panelCols)
	clear(dst)
	for j := 0; j < f; j++ {
		p, c := j/panelCols, j%panelCols
		base := p * d * panelCols
		row := w[j*ws : j*ws+d]
		for i, v := range row {
			dst[base+i*panelCols+c] = v
		}
	}
	return dst
}

// encodeProduct sets pre[b][j] = bias[j] + Σᵢ x[b][i]·w[j][i] for x (B×D,
// stride D), packed panels of w and pre (B×F, stride ps). Blocks of rows
// are shared among the cores; every entry's sum has the same order
// whatever the split, so results are bit-identical for any GOMAXPROCS.
func encodeProduct(pre []float64, ps int, x []float64, bsz, d int, panels []float64, f int, bias []float64) {
	const chunk = 32 // rows per work item
	items := (bsz + chunk - 1) / chunk
	workers := min(runtime.GOMAXPROCS(0), items)
	var mu sync.Mutex
	next := 0
	var wg sync.WaitGroup
	for wk := 0; wk < workers; wk++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var tmp [blockRows * panelCols]float64
			for {
				mu.Lock()
				it := next
				next++
				mu.Unlock()
				if it >= items {
					return
				}
				for b0 := it * chunk; b0 < min((it+1)*chunk, bsz); b0 += blockRows {
					rowsHere := min(blockRows, bsz-b0)
					for p := 0; p*panelCols < f; p++ {
						j0 := p * panelCols
						cols := min(panelCols, f-j0)
						panel := panels[p*d*panelCols : (p+1)*d*panelCols]
						if rowsHere == blockRows && cols == panelCols {
							c := pre[b0*ps+j0:]
							for r := 0; r < blockRows; r++ {
								copy(c[r*ps:r*ps+panelCols], bias[j0:j0+panelCols])
							}
							kernel4x8(d, x[b0*d:], d, panel, c, ps)
							continue
						}
						// edge block: full kernel into a scratch block
						clear(tmp[:])
						var xb [blockRows][]float64
						for r := 0; r < blockRows; r++ {
							xb[r] = x[min(b0+r, bsz-1)*d:][:d]
						}
						portable4x8(d, xb, panel, tmp[:], panelCols)
						for r := 0; r < rowsHere; r++ {
							for c := 0; c < cols; c++ {
								pre[(b0+r)*ps+j0+c] = bias[j0+c] + tmp[r*panelCols+c]
							}
						}
					}
				}
			}
		}()
	}
	wg.Wait()
}

// portable4x8 adds to c (4×8, stride cs) the block Σᵢ x[r][i]·panel[i][c],
// each sum formed with math.FMA in index order from zero, then added to c.
func portable4x8(d int, x [blockRows][]float64, panel []float64, c []float64, cs int) {
	var acc [blockRows][panelCols]float64
	for i := 0; i < d; i++ {
		w := panel[i*panelCols : i*panelCols+panelCols]
		for r := 0; r < blockRows; r++ {
			xv := x[r][i]
			a := &acc[r]
			for k := 0; k < panelCols; k++ {
				a[k] = math.FMA(xv, w[k], a[k])
			}
		}
	}
	for r := 0; r < blockRows; r++ {
		row := c[r*cs : r*cs+panelCols]
		for k := range row {
			row[k] += acc[r][k]
		}
	}
}
