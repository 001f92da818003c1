// Package kernels holds the dense matrix products that training in mathx
// needs (mathx/sae's encoder uses them; they are shaped for mathx/nn's
// layers: X·Wᵀ forward, Gᵀ·X and G·W backward), on row-major float64 and
// float32 slices with strides:
//
//	C = op(A)·op(B)   or   C += op(A)·op(B),   op(X) = X or Xᵀ,
//
// hand-written in assembly for amd64 (AVX2 with FMA, and AVX-512 where
// the CPU has it, chosen at run time with golang.org/x/sys/cpu), with a
// portable Go version that gives the same bits. The element-wise parts of
// a training step are here too, in AVX2 with the same bits as their
// portable loops: Axpy, ReLU and its backward pass, an SGD step and
// Adam's plain step fused with their finiteness checks (SGD64,
// AdamPlain64 and their float32 versions), and a softmax's float32
// exponentials (ExpShift32).
//
// # The order of operations, and why every implementation agrees
//
// Every entry of C is one chain of fused multiply-adds in increasing index
// order over the inner dimension:
//
//	s = 0 (overwrite) or s = C[i][j] (accumulate)
//	for p = 0 … k−1:  s = fma(A[i][p], B[p][j], s)     one rounding each
//	C[i][j] = s
//
// The blocked code splits the inner dimension into cache blocks of KC
// terms, but stores the partial chain in C and resumes it from there, so
// the chain (and its rounding) is the same for any block size. The
// register-blocked micro-kernels compute MR×NR tiles with vector FMAs, one
// lane per entry, in the same order; edge tiles go through a zero-padded
// scratch tile with the same chain. Multi-threading splits C into
// rectangles of whole tiles and never splits an entry's chain, so the
// result does not depend on GOMAXPROCS. The portable micro-kernel uses
// math.FMA for float64 and fma32 for float32: a float32 FMA cannot be
// had as float32(math.FMA(x, y, z)) in float64, which rounds twice
// (once to 53 bits, once to 24) and differs from the single rounding of
// VFMADD231SS in rare ties; fma32 rounds the float64 sum to odd instead,
// which makes the second rounding exact (Boldo and Melquiond, "Emulation
// of FMA and correctly rounded sums: proved algorithms using rounding to
// odd", IEEE TC 2008). The tests check both against the assembly, bit for
// bit, and the products against a naive reference.
//
// The chain's order makes the results reproducible, not more accurate than
// a plain sum: the error bound is the usual k·ε·Σ|A||B|.
//
// # Speed
//
// On the development machine (AMD EPYC, Zen 5, AVX-512 with full-width
// FMA units) one core's measured FMA peak is about 142 GFLOP/s in float64
// (PeakGFLOPS; 285 in float32). The micro-kernels alone reach about 90 %
// of it (BenchmarkMicro); the MLP 784-256-256-10's large products at batch
// 128 65–78 % (BenchmarkMLP, make bench-kernels, best of three runs on a
// shared machine), the rest going to packing (transposing gathers) and
// edge tiles; the 10-wide output layer's far less (mostly padding). Elements are packed into MR-row
// panels of A and NR-column panels of B (AVX-512: 8×16 float64, 8×32
// float32; AVX2: 6×8 and 6×16), KC = 256 (float64) or 512 (float32)
// terms per block.
//
// The environment variable GOMX_KERNELS=avx512, avx2 or go (read at
// start-up), or Use, selects another implementation, for comparisons; the
// results are the same bits.
package kernels

import (
	"fmt"
	"math"
	"os"
	"runtime"
	"sync"
	"unsafe"
)

// Float is the element type of the products.
type Float interface{ ~float32 | ~float64 }

// impl is one implementation: a micro-kernel on MR×NR tiles and the cache
// block sizes it wants.
type impl[T Float] struct {
	name       string
	mr, nr     int
	kc, mc, nc int
	// micro sets the MR×NR tile at c (row stride ldc) to the chains over
	// k terms of the packed panels a (k×MR) and b (k×NR), starting from
	// zero (load false) or from c.
	micro func(k int, a, b, c []T, ldc int, load bool)
	pool  sync.Pool
}

var (
	impl64 *impl[float64]
	impl32 *impl[float32]
	// impls lists the usable implementations, fastest first.
	impls64 []*impl[float64]
	impls32 []*impl[float32]
)

func init() {
	impls64 = append(asmImpls64(), goImpl64())
	impls32 = append(asmImpls32(), goImpl32())
	impl64, impl32 = impls64[0], impls32[0]
	if s := os.Getenv("GOMX_KERNELS"); s != "" {
		if err := Use(s); err != nil {
			fmt.Fprintln(os.Stderr, "GOMX_KERNELS:", err)
		}
	}
}

// Impl names the implementation in use: "avx512", "avx2" or "go".
func Impl() string { return impl64.name }

// Impls lists the implementations this CPU can run, fastest first.
func Impls() []string {
	var s []string
	for _, im := range impls64 {
		s = append(s, im.name)
	}
	return s
}

// Use selects an implementation by name (for benchmarks and tests; the
// environment variable GOMX_KERNELS does the same at start-up). It is not
// safe to call while products run.
func Use(name string) error {
	for i, im := range impls64 {
		if im.name == name {
			impl64, impl32 = im, impls32[i]
			return nil
		}
	}
	return fmt.Errorf("kernels: no implementation %q on this CPU (have %v)", name, Impls())
}

// Gemm64 computes C = op(A)·op(B) (acc false) or C += op(A)·op(B) (acc
// true) for row-major matrices: C is m×n with row stride ldc; op(A) is
// m×k, stored as m×k with stride lda, or as k×m (transA); op(B) is k×n,
// stored as k×n with stride ldb, or as n×k (transB). Each entry is the
// chain of fused multiply-adds described in the package doc. C must not
// overlap A or B.
func Gemm64(transA, transB bool, m, n, k int, a []float64, lda int, b []float64, ldb int, acc bool, c []float64, ldc int) {
	gemm(impl64, transA, transB, m, n, k, a, lda, b, ldb, acc, c, ldc)
}

// Gemm32 is Gemm64 in float32 (every fused multiply-add rounded once to
// float32).
func Gemm32(transA, transB bool, m, n, k int, a []float32, lda int, b []float32, ldb int, acc bool, c []float32, ldc int) {
	gemm(impl32, transA, transB, m, n, k, a, lda, b, ldb, acc, c, ldc)
}

// minFlopsPerThread is the work below which a product stays on one
// goroutine (starting one costs about a microsecond).
const minFlopsPerThread = 1 << 20

func check(what string, data, rows, cols, stride int) {
	if rows == 0 || cols == 0 {
		return
	}
	if stride < cols {
		panic(fmt.Sprintf("kernels: %s stride %d < %d columns", what, stride, cols))
	}
	if need := (rows-1)*stride + cols; data < need {
		panic(fmt.Sprintf("kernels: %s has %d elements, %d×%d with stride %d needs %d", what, data, rows, cols, stride, need))
	}
}

func gemm[T Float](im *impl[T], tA, tB bool, m, n, k int, a []T, lda int, b []T, ldb int, acc bool, c []T, ldc int) {
	if m < 0 || n < 0 || k < 0 {
		panic("kernels: negative dimension")
	}
	if tA {
		check("A", len(a), k, m, lda)
	} else {
		check("A", len(a), m, k, lda)
	}
	if tB {
		check("B", len(b), n, k, ldb)
	} else {
		check("B", len(b), k, n, ldb)
	}
	check("C", len(c), m, n, ldc)
	if m == 0 || n == 0 {
		return
	}
	if k == 0 {
		if !acc {
			for i := 0; i < m; i++ {
				clear(c[i*ldc : i*ldc+n])
			}
		}
		return
	}
	g := gemmArgs[T]{im, tA, tB, k, a, lda, b, ldb, acc, c, ldc} // on the stack: one goroutine allocates nothing
	parts := min(runtime.GOMAXPROCS(0), int(2*float64(m)*float64(n)*float64(k)/minFlopsPerThread))
	// Split the larger side into whole tiles: each part packs all of the
	// other side's operand, the smaller one.
	splitM := m >= n
	tiles := (n + im.nr - 1) / im.nr
	if splitM {
		tiles = (m + im.mr - 1) / im.mr
	}
	parts = min(parts, tiles)
	if parts <= 1 {
		g.run(0, m, 0, n)
		return
	}
	gh := new(gemmArgs[T]) // shared with the goroutines
	*gh = g
	var wg sync.WaitGroup
	for p := parts - 1; p >= 0; p-- {
		lo, hi := tiles*p/parts, tiles*(p+1)/parts
		i0, i1, j0, j1 := 0, m, lo*im.nr, min(hi*im.nr, n)
		if splitM {
			i0, i1, j0, j1 = lo*im.mr, min(hi*im.mr, m), 0, n
		}
		if p == 0 {
			gh.run(i0, i1, j0, j1)
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			gh.run(i0, i1, j0, j1)
		}()
	}
	wg.Wait()
}

type gemmArgs[T Float] struct {
	im     *impl[T]
	tA, tB bool
	k      int
	a      []T
	lda    int
	b      []T
	ldb    int
	acc    bool
	c      []T
	ldc    int
}

type buffers[T Float] struct {
	a, b, tile []T
}

// run computes the block rows i0…i1−1, columns j0…j1−1 of C.
func (g *gemmArgs[T]) run(i0, i1, j0, j1 int) {
	im := g.im
	mr, nr := im.mr, im.nr
	buf, _ := im.pool.Get().(*buffers[T])
	if buf == nil {
		buf = &buffers[T]{
			a:    make([]T, im.mc*im.kc),
			b:    make([]T, im.kc*im.nc),
			tile: make([]T, mr*nr),
		}
	}
	defer im.pool.Put(buf)
	tile := buf.tile
	for jc := j0; jc < j1; jc += im.nc {
		nc := min(im.nc, j1-jc)
		for pc := 0; pc < g.k; pc += im.kc {
			kc := min(im.kc, g.k-pc)
			load := g.acc || pc > 0
			bp := buf.b[:kc*((nc+nr-1)/nr*nr)]
			packB(bp, g.tB, g.b, g.ldb, pc, kc, jc, nc, nr)
			for ic := i0; ic < i1; ic += im.mc {
				mc := min(im.mc, i1-ic)
				ap := buf.a[:kc*((mc+mr-1)/mr*mr)]
				packA(ap, g.tA, g.a, g.lda, ic, mc, pc, kc, mr)
				for jr := 0; jr < nc; jr += nr {
					nrr := min(nr, nc-jr)
					bpan := bp[jr*kc : (jr+nr)*kc]
					for ir := 0; ir < mc; ir += mr {
						mrr := min(mr, mc-ir)
						apan := ap[ir*kc : (ir+mr)*kc]
						off := (ic+ir)*g.ldc + jc + jr
						if mrr == mr && nrr == nr {
							im.micro(kc, apan, bpan, g.c[off:off+(mr-1)*g.ldc+nr], g.ldc, load)
							continue
						}
						// Edge tile: the same chains in a zero-padded tile.
						clear(tile)
						if load {
							for r := 0; r < mrr; r++ {
								copy(tile[r*nr:r*nr+nrr], g.c[off+r*g.ldc:])
							}
						}
						im.micro(kc, apan, bpan, tile, nr, true)
						for r := 0; r < mrr; r++ {
							copy(g.c[off+r*g.ldc:off+r*g.ldc+nrr], tile[r*nr:])
						}
					}
				}
			}
		}
	}
}

// packA copies rows ic…ic+mc−1, columns pc…pc+kc−1 of op(A) into panels of
// mr rows: panel q holds A[ic+q·mr+r][pc+p] at q·mr·kc + p·mr + r, rows
// past mc zero.
func packA[T Float](dst []T, trans bool, a []T, lda, ic, mc, pc, kc, mr int) {
	for ir := 0; ir < mc; ir += mr {
		d := dst[ir*kc : (ir+mr)*kc]
		rows := min(mr, mc-ir)
		if trans { // A[i][p] = a[p·lda+i]
			for p := 0; p < kc; p++ {
				src := a[(pc+p)*lda+ic+ir:]
				copy(d[p*mr:p*mr+rows], src)
			}
		} else {
			_ = a[(ic+ir+rows-1)*lda+pc+kc-1]
			gatherPanel(d, &a[(ic+ir)*lda+pc], lda, rows, kc, mr)
		}
		if rows < mr {
			for p := 0; p < kc; p++ {
				clear(d[p*mr+rows : (p+1)*mr])
			}
		}
	}
}

// packB copies rows pc…pc+kc−1, columns jc…jc+nc−1 of op(B) into panels
// of nr columns: panel q holds B[pc+p][jc+q·nr+c] at q·nr·kc + p·nr + c,
// columns past nc zero.
func packB[T Float](dst []T, trans bool, b []T, ldb, pc, kc, jc, nc, nr int) {
	for jr := 0; jr < nc; jr += nr {
		d := dst[jr*kc : (jr+nr)*kc]
		cols := min(nr, nc-jr)
		if trans { // B[p][j] = b[j·ldb+p]
			_ = b[(jc+jr+cols-1)*ldb+pc+kc-1]
			gatherPanel(d, &b[(jc+jr)*ldb+pc], ldb, cols, kc, nr)
		} else {
			for p := 0; p < kc; p++ {
				src := b[(pc+p)*ldb+jc+jr:]
				copy(d[p*nr:p*nr+cols], src)
			}
		}
		if cols < nr {
			for p := 0; p < kc; p++ {
				clear(d[p*nr+cols : (p+1)*nr])
			}
		}
	}
}

// gatherPanel sets d[p·w+r] = src[r·ld+p] for r < rows, p < kc: it
// transposes rows (each kc long, stride ld, starting at src) into a panel
// of width w, writing d in order. The caller has checked that the last
// element, src[(rows−1)·ld+kc−1], is in bounds, and d is w·kc long.
func gatherPanel[T Float](d []T, src *T, ld, rows, kc, w int) {
	d = d[:kc*w]
	es := int(unsafe.Sizeof(*src))
	step := uintptr(ld * es)
	if rows == 8 {
		s0 := unsafe.Pointer(src)
		s1 := unsafe.Add(s0, step)
		s2 := unsafe.Add(s1, step)
		s3 := unsafe.Add(s2, step)
		s4 := unsafe.Add(s3, step)
		s5 := unsafe.Add(s4, step)
		s6 := unsafe.Add(s5, step)
		s7 := unsafe.Add(s6, step)
		for p := transpose8(d, s0, ld, kc, w); p < kc; p++ {
			o := uintptr(p * es)
			dp := d[p*w : p*w+8]
			dp[0] = *(*T)(unsafe.Add(s0, o))
			dp[1] = *(*T)(unsafe.Add(s1, o))
			dp[2] = *(*T)(unsafe.Add(s2, o))
			dp[3] = *(*T)(unsafe.Add(s3, o))
			dp[4] = *(*T)(unsafe.Add(s4, o))
			dp[5] = *(*T)(unsafe.Add(s5, o))
			dp[6] = *(*T)(unsafe.Add(s6, o))
			dp[7] = *(*T)(unsafe.Add(s7, o))
		}
		return
	}
	for r0 := 0; r0 < rows; r0 += 8 {
		if rows-r0 >= 8 {
			// eight rows at a time into columns r0…r0+7 of the panel
			base := unsafe.Add(unsafe.Pointer(src), uintptr(r0)*step)
			s1 := unsafe.Add(base, step)
			s2 := unsafe.Add(s1, step)
			s3 := unsafe.Add(s2, step)
			s4 := unsafe.Add(s3, step)
			s5 := unsafe.Add(s4, step)
			s6 := unsafe.Add(s5, step)
			s7 := unsafe.Add(s6, step)
			for p := transpose8(d[r0:], base, ld, kc, w); p < kc; p++ {
				o := uintptr(p * es)
				dp := d[p*w+r0 : p*w+r0+8]
				dp[0] = *(*T)(unsafe.Add(base, o))
				dp[1] = *(*T)(unsafe.Add(s1, o))
				dp[2] = *(*T)(unsafe.Add(s2, o))
				dp[3] = *(*T)(unsafe.Add(s3, o))
				dp[4] = *(*T)(unsafe.Add(s4, o))
				dp[5] = *(*T)(unsafe.Add(s5, o))
				dp[6] = *(*T)(unsafe.Add(s6, o))
				dp[7] = *(*T)(unsafe.Add(s7, o))
			}
			continue
		}
		for r := r0; r < rows; r++ {
			s := unsafe.Add(unsafe.Pointer(src), uintptr(r)*step)
			for p := 0; p < kc; p++ {
				d[p*w+r] = *(*T)(unsafe.Add(s, uintptr(p*es)))
			}
		}
	}
}

// The portable implementation: 4×4 tiles, math.FMA and fma32.

const goMR, goNR = 4, 4

func goImpl64() *impl[float64] {
	return &impl[float64]{name: "go", mr: goMR, nr: goNR, kc: 256, mc: 64, nc: 512, micro: microGo64}
}

func goImpl32() *impl[float32] {
	return &impl[float32]{name: "go", mr: goMR, nr: goNR, kc: 256, mc: 64, nc: 512, micro: microGo32}
}

func microGo64(k int, a, b, c []float64, ldc int, load bool) {
	var s [goMR][goNR]float64
	if load {
		for r := range s {
			copy(s[r][:], c[r*ldc:r*ldc+goNR])
		}
	}
	a, b = a[:k*goMR], b[:k*goNR]
	for p := 0; p < k; p++ {
		ap, bp := a[p*goMR:p*goMR+goMR], b[p*goNR:p*goNR+goNR]
		for r := range s {
			x := ap[r]
			for j := range s[r] {
				s[r][j] = math.FMA(x, bp[j], s[r][j])
			}
		}
	}
	for r := range s {
		copy(c[r*ldc:r*ldc+goNR], s[r][:])
	}
}

func microGo32(k int, a, b, c []float32, ldc int, load bool) {
	var s [goMR][goNR]float32
	if load {
		for r := range s {
			copy(s[r][:], c[r*ldc:r*ldc+goNR])
		}
	}
	a, b = a[:k*goMR], b[:k*goNR]
	for p := 0; p < k; p++ {
		ap, bp := a[p*goMR:p*goMR+goMR], b[p*goNR:p*goNR+goNR]
		for r := range s {
			x := ap[r]
			for j := range s[r] {
				s[r][j] = fma32(x, bp[j], s[r][j])
			}
		}
	}
	for r := range s {
		copy(c[r*ldc:r*ldc+goNR], s[r][:])
	}
}

// fma32 returns x·y+z rounded once to float32, as VFMADD231SS does. The
// product of two float32 values is exact in float64; the float64 sum s is
// rounded to odd (if inexact and its last bit is even, it moves one ulp
// towards the exact sum, the error e of TwoSum giving the direction), and
// a value rounded to odd with at least two more bits than the target
// rounds to nearest-even exactly as the exact value would.
func fma32(x, y, z float32) float32 {
	p := float64(x) * float64(y) // exact: 48 significant bits at most
	zz := float64(z)
	s := p + zz
	if math.IsInf(s, 0) || math.IsNaN(s) {
		return float32(s)
	}
	bb := s - p
	e := (p - (s - bb)) + (zz - bb) // p + zz = s + e exactly (TwoSum)
	if e != 0 {
		bits := math.Float64bits(s)
		if bits&1 == 0 {
			if (e > 0) == (s > 0) {
				bits++
			} else {
				bits--
			}
			s = math.Float64frombits(bits)
		}
	}
	return float32(s)
}

// ptr returns the address of s's first element.
func ptr[T Float](s []T) unsafe.Pointer { return unsafe.Pointer(unsafe.SliceData(s)) }
