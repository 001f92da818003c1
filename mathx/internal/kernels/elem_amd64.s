#include "textflag.h"

// Element-wise kernels on the first n elements (n a multiple of 8 for
// float32, of 4 for float64); the Go wrappers in elem.go do the rest.

// func axpy32avx(n int, alpha float32, x, y *float32)
// y[i] = fma(alpha, x[i], y[i])
TEXT ·axpy32avx(SB), NOSPLIT, $0-32
	MOVQ n+0(FP), CX
	VBROADCASTSS alpha+8(FP), Y0
	MOVQ x+16(FP), SI
	MOVQ y+24(FP), DI
	SHRQ $3, CX
	JZ   axpy32_done
axpy32_loop:
	VMOVUPS (SI), Y1
	VMOVUPS (DI), Y2
	VFMADD231PS Y1, Y0, Y2
	VMOVUPS Y2, (DI)
	ADDQ $32, SI
	ADDQ $32, DI
	DECQ CX
	JNZ  axpy32_loop
axpy32_done:
	VZEROUPPER
	RET

// func axpy64avx(n int, alpha float64, x, y *float64)
TEXT ·axpy64avx(SB), NOSPLIT, $0-32
	MOVQ n+0(FP), CX
	VBROADCASTSD alpha+8(FP), Y0
	MOVQ x+16(FP), SI
	MOVQ y+24(FP), DI
	SHRQ $2, CX
	JZ   axpy64_done
axpy64_loop:
	VMOVUPD (SI), Y1
	VMOVUPD (DI), Y2
	VFMADD231PD Y1, Y0, Y2
	VMOVUPD Y2, (DI)
	ADDQ $32, SI
	ADDQ $32, DI
	DECQ CX
	JNZ  axpy64_loop
axpy64_done:
	VZEROUPPER
	RET

// func relugrad32avx(n int, grad, z *float32)
// g[i] = g[i] where z[i] > 0, else +0 (NaN z included)
TEXT ·relugrad32avx(SB), NOSPLIT, $0-24
	MOVQ n+0(FP), CX
	MOVQ grad+8(FP), DI
	MOVQ z+16(FP), SI
	VXORPS Y0, Y0, Y0
	SHRQ $3, CX
	JZ   relugrad32_done
relugrad32_loop:
	VMOVUPS (SI), Y1
	VCMPPS $30, Y0, Y1, Y1 // z > 0, ordered, quiet
	VANDPS (DI), Y1, Y1
	VMOVUPS Y1, (DI)
	ADDQ $32, SI
	ADDQ $32, DI
	DECQ CX
	JNZ  relugrad32_loop
relugrad32_done:
	VZEROUPPER
	RET

// func relugrad64avx(n int, grad, z *float64)
TEXT ·relugrad64avx(SB), NOSPLIT, $0-24
	MOVQ n+0(FP), CX
	MOVQ grad+8(FP), DI
	MOVQ z+16(FP), SI
	VXORPD Y0, Y0, Y0
	SHRQ $2, CX
	JZ   relugrad64_done
relugrad64_loop:
	VMOVUPD (SI), Y1
	VCMPPD $30, Y0, Y1, Y1
	VANDPD (DI), Y1, Y1
	VMOVUPD Y1, (DI)
	ADDQ $32, SI
	ADDQ $32, DI
	DECQ CX
	JNZ  relugrad64_loop
relugrad64_done:
	VZEROUPPER
	RET

// func sgd64avx(n int, p, grad, m, m2, old *float64, lr, mom, wd float64, useMom int) int
// b = grad + wd·p, b = mom·m + b (useMom ≠ 0), q = p − lr·b, each operation
// rounded; while q and b are finite: old = p, p = q, m2 = b. Returns the
// elements done: n, or the start of the first block of 4 with a
// non-finite q or b (that block unwritten).
TEXT ·sgd64avx(SB), NOSPLIT, $0-88
	MOVQ n+0(FP), CX
	MOVQ p+8(FP), DI
	MOVQ grad+16(FP), SI
	MOVQ m+24(FP), R8
	MOVQ m2+32(FP), R9
	MOVQ old+40(FP), R10
	VBROADCASTSD lr+48(FP), Y0
	VBROADCASTSD mom+56(FP), Y1
	VBROADCASTSD wd+64(FP), Y2
	MOVQ useMom+72(FP), R11
	XORQ AX, AX
	SHRQ $2, CX
	JZ   sgd64_done
sgd64_loop:
	VMOVUPD (DI)(AX*8), Y3       // p
	VMULPD  Y3, Y2, Y4           // wd·p
	VADDPD  (SI)(AX*8), Y4, Y4   // b = g + wd·p
	TESTQ   R11, R11
	JZ      sgd64_nomom
	VMULPD  (R8)(AX*8), Y1, Y5   // mom·m
	VADDPD  Y4, Y5, Y4           // b = mom·m + b
sgd64_nomom:
	VMULPD  Y4, Y0, Y5           // lr·b
	VSUBPD  Y5, Y3, Y5           // q = p − lr·b
	VSUBPD  Y5, Y5, Y6           // q − q: 0, or NaN when q is not finite
	VSUBPD  Y4, Y4, Y7
	VADDPD  Y7, Y6, Y6
	VXORPD  Y7, Y7, Y7
	VCMPPD  $4, Y7, Y6, Y6       // ≠ 0, unordered true
	VMOVMSKPD Y6, DX
	TESTQ   DX, DX
	JNZ     sgd64_done
	VMOVUPD Y3, (R10)(AX*8)
	VMOVUPD Y5, (DI)(AX*8)
	VMOVUPD Y4, (R9)(AX*8)
	ADDQ    $4, AX
	DECQ    CX
	JNZ     sgd64_loop
sgd64_done:
	MOVQ AX, ret+80(FP)
	VZEROUPPER
	RET

// func sgd32avx(n int, p, grad, m, m2, old *float32, lr, mom, wd float32, useMom int) int
// sgd64avx in float32, blocks of 8.
TEXT ·sgd32avx(SB), NOSPLIT, $0-80
	MOVQ n+0(FP), CX
	MOVQ p+8(FP), DI
	MOVQ grad+16(FP), SI
	MOVQ m+24(FP), R8
	MOVQ m2+32(FP), R9
	MOVQ old+40(FP), R10
	VBROADCASTSS lr+48(FP), Y0
	VBROADCASTSS mom+52(FP), Y1
	VBROADCASTSS wd+56(FP), Y2
	MOVQ useMom+64(FP), R11
	XORQ AX, AX
	SHRQ $3, CX
	JZ   sgd32_done
sgd32_loop:
	VMOVUPS (DI)(AX*4), Y3
	VMULPS  Y3, Y2, Y4
	VADDPS  (SI)(AX*4), Y4, Y4
	TESTQ   R11, R11
	JZ      sgd32_nomom
	VMULPS  (R8)(AX*4), Y1, Y5
	VADDPS  Y4, Y5, Y4
sgd32_nomom:
	VMULPS  Y4, Y0, Y5
	VSUBPS  Y5, Y3, Y5
	VSUBPS  Y5, Y5, Y6
	VSUBPS  Y4, Y4, Y7
	VADDPS  Y7, Y6, Y6
	VXORPS  Y7, Y7, Y7
	VCMPPS  $4, Y7, Y6, Y6
	VMOVMSKPS Y6, DX
	TESTQ   DX, DX
	JNZ     sgd32_done
	VMOVUPS Y3, (R10)(AX*4)
	VMOVUPS Y5, (DI)(AX*4)
	VMOVUPS Y4, (R9)(AX*4)
	ADDQ    $8, AX
	DECQ    CX
	JNZ     sgd32_loop
sgd32_done:
	MOVQ AX, ret+72(FP)
	VZEROUPPER
	RET

// func relu32avx(n int, a, z *float32)
// a[i] = z[i] where z[i] > 0 or z[i] is NaN, else +0 (Go's max(z, 0))
TEXT ·relu32avx(SB), NOSPLIT, $0-24
	MOVQ n+0(FP), CX
	MOVQ a+8(FP), DI
	MOVQ z+16(FP), SI
	VXORPS Y0, Y0, Y0
	SHRQ $3, CX
	JZ   relu32_done
relu32_loop:
	VMOVUPS (SI), Y1
	VCMPPS $22, Y0, Y1, Y2 // not z ≤ 0: z > 0 or unordered, quiet
	VANDPS Y1, Y2, Y2
	VMOVUPS Y2, (DI)
	ADDQ $32, SI
	ADDQ $32, DI
	DECQ CX
	JNZ  relu32_loop
relu32_done:
	VZEROUPPER
	RET

// func relu64avx(n int, a, z *float64)
TEXT ·relu64avx(SB), NOSPLIT, $0-24
	MOVQ n+0(FP), CX
	MOVQ a+8(FP), DI
	MOVQ z+16(FP), SI
	VXORPD Y0, Y0, Y0
	SHRQ $2, CX
	JZ   relu64_done
relu64_loop:
	VMOVUPD (SI), Y1
	VCMPPD $22, Y0, Y1, Y2
	VANDPD Y1, Y2, Y2
	VMOVUPD Y2, (DI)
	ADDQ $32, SI
	ADDQ $32, DI
	DECQ CX
	JNZ  relu64_loop
relu64_done:
	VZEROUPPER
	RET

// Adam's step on blocks of lanes (float64: 4, float32: 8) whose lanes all
// take the plain path (v ≥ 0, |g'| ≤ big) and give finite values; it
// stops at the first block that does not (unwritten) and returns the
// elements done. c points to the constants decay, wd, b1, 1−b1, b2,
// 1−b2, stepSize, sq2, eps, big, and adamW ≠ 0 decays the parameter
// (AdamW) instead of adding wd·p to the gradient (Adam). Per lane, each
// operation rounded:
//
//	q = p·decay (AdamW) or q = p, g' = g + wd·p (Adam)
//	m' = b1·m + (1−b1)·g';  v' = b2·v + ((1−b2)·g')·g'
//	p' = q − (stepSize·m')/(√v'/sq2 + eps)
//	old = p, p = p', m2 = m', v2 = v'

// func adam64avx(n int, p, grad, m, v, m2, v2, old unsafe.Pointer, c *[10]float64, adamW int) int
TEXT ·adam64avx(SB), NOSPLIT, $0-88
	MOVQ n+0(FP), CX
	MOVQ p+8(FP), DI
	MOVQ grad+16(FP), SI
	MOVQ m+24(FP), R8
	MOVQ v+32(FP), R9
	MOVQ m2+40(FP), R10
	MOVQ v2+48(FP), R11
	MOVQ old+56(FP), R12
	MOVQ c+64(FP), DX
	MOVQ adamW+72(FP), R13
	VBROADCASTSD 0(DX), Y15  // decay
	VBROADCASTSD 8(DX), Y14  // wd
	VBROADCASTSD 16(DX), Y13 // b1 
	VBROADCASTSD 24(DX), Y12 // 1−b1
	VBROADCASTSD 32(DX), Y11 // b2
	VBROADCASTSD 40(DX), Y10 // 1−b2
	VBROADCASTSD 48(DX), Y9  // stepSize
	VBROADCASTSD 56(DX), Y8  // sq2
	VBROADCASTSD 64(DX), Y7  // eps
	VBROADCASTSD 72(DX), Y6  // big
	XORQ AX, AX
	SHRQ $2, CX
	JZ   adam64_done
adam64_loop:
	VMOVUPD (DI)(AX*8), Y0       // p
	VMOVUPD (SI)(AX*8), Y1       // g
	TESTQ   R13, R13
	JZ      adam64_l2
	VMULPD  Y15, Y0, Y2          // q = p·decay
	JMP     adam64_m
adam64_l2:
	VMOVAPD Y0, Y2               // q = p
	VMULPD  Y0, Y14, Y3          // wd·p
	VADDPD  Y3, Y1, Y1           // g' = g + wd·p
adam64_m:
	VMULPD  (R8)(AX*8), Y13, Y3  // b1·m
	VMULPD  Y1, Y12, Y4          // (1−b1)·g'
	VADDPD  Y4, Y3, Y3           // m'
	VMOVUPD (R9)(AX*8), Y4       // v
	// lanes with v < 0 or |g'| > big (or g' NaN) take the Go loop
	VXORPD  Y5, Y5, Y5
	VCMPPD  $1, Y5, Y4, Y5       // v < 0
	VMOVMSKPD Y5, BX
	TESTQ   BX, BX
	JNZ     adam64_done
	VSUBPD  Y1, Y5, Y5           // 0 − g'
	VMAXPD  Y1, Y5, Y5           // |g'| (NaN g' gives g')
	VCMPPD  $22, Y6, Y5, Y5      // not |g'| ≤ big: > big or unordered
	VMOVMSKPD Y5, BX
	TESTQ   BX, BX
	JNZ     adam64_done
	VMULPD  Y4, Y11, Y4          // b2·v
	VMULPD  Y1, Y10, Y5          // (1−b2)·g'
	VMULPD  Y1, Y5, Y5           // ((1−b2)·g')·g'
	VADDPD  Y5, Y4, Y4           // v'
	VSQRTPD Y4, Y5               // √v'
	VDIVPD  Y8, Y5, Y5           // √v'/sq2
	VADDPD  Y7, Y5, Y5           // + eps
	VMULPD  Y3, Y9, Y1           // stepSize·m'
	VDIVPD  Y5, Y1, Y1           // (stepSize·m')/(…)
	VSUBPD  Y1, Y2, Y2           // p' = q − …
	// p', m', v' finite?
	VSUBPD  Y2, Y2, Y1
	VSUBPD  Y3, Y3, Y5
	VADDPD  Y5, Y1, Y1
	VSUBPD  Y4, Y4, Y5
	VADDPD  Y5, Y1, Y1
	VXORPD  Y5, Y5, Y5
	VCMPPD  $4, Y5, Y1, Y1       // ≠ 0, unordered true
	VMOVMSKPD Y1, BX
	TESTQ   BX, BX
	JNZ     adam64_done
	VMOVUPD Y0, (R12)(AX*8)
	VMOVUPD Y2, (DI)(AX*8)
	VMOVUPD Y3, (R10)(AX*8)
	VMOVUPD Y4, (R11)(AX*8)
	ADDQ    $4, AX
	DECQ    CX
	JNZ     adam64_loop
adam64_done:
	MOVQ AX, ret+80(FP)
	VZEROUPPER
	RET

// adam64avx in float32, blocks of 8.
// func adam32avx(n int, p, grad, m, v, m2, v2, old unsafe.Pointer, c *[10]float32, adamW int) int
TEXT ·adam32avx(SB), NOSPLIT, $0-88
	MOVQ n+0(FP), CX
	MOVQ p+8(FP), DI
	MOVQ grad+16(FP), SI
	MOVQ m+24(FP), R8
	MOVQ v+32(FP), R9
	MOVQ m2+40(FP), R10
	MOVQ v2+48(FP), R11
	MOVQ old+56(FP), R12
	MOVQ c+64(FP), DX
	MOVQ adamW+72(FP), R13
	VBROADCASTSS 0(DX), Y15  // decay
	VBROADCASTSS 4(DX), Y14  // wd
	VBROADCASTSS 8(DX), Y13  // b1
	VBROADCASTSS 12(DX), Y12 // 1−b1
	VBROADCASTSS 16(DX), Y11 // b2
	VBROADCASTSS 20(DX), Y10 // 1−b2
	VBROADCASTSS 24(DX), Y9  // stepSize
	VBROADCASTSS 28(DX), Y8  // sq2
	VBROADCASTSS 32(DX), Y7  // eps
	VBROADCASTSS 36(DX), Y6  // big
	XORQ AX, AX
	SHRQ $3, CX
	JZ   adam32_done
adam32_loop:
	VMOVUPS (DI)(AX*4), Y0       // p
	VMOVUPS (SI)(AX*4), Y1       // g
	TESTQ   R13, R13
	JZ      adam32_l2
	VMULPS  Y15, Y0, Y2          // q = p·decay
	JMP     adam32_m
adam32_l2:
	VMOVAPS Y0, Y2               // q = p
	VMULPS  Y0, Y14, Y3          // wd·p
	VADDPS  Y3, Y1, Y1           // g' = g + wd·p
adam32_m:
	VMULPS  (R8)(AX*4), Y13, Y3  // b1·m
	VMULPS  Y1, Y12, Y4          // (1−b1)·g'
	VADDPS  Y4, Y3, Y3           // m'
	VMOVUPS (R9)(AX*4), Y4       // v
	// lanes with v < 0 or |g'| > big (or g' NaN) take the Go loop
	VXORPS  Y5, Y5, Y5
	VCMPPS  $1, Y5, Y4, Y5       // v < 0
	VMOVMSKPS Y5, BX
	TESTQ   BX, BX
	JNZ     adam32_done
	VSUBPS  Y1, Y5, Y5           // 0 − g'
	VMAXPS  Y1, Y5, Y5           // |g'| (NaN g' gives g')
	VCMPPS  $22, Y6, Y5, Y5      // not |g'| ≤ big: > big or unordered
	VMOVMSKPS Y5, BX
	TESTQ   BX, BX
	JNZ     adam32_done
	VMULPS  Y4, Y11, Y4          // b2·v
	VMULPS  Y1, Y10, Y5          // (1−b2)·g'
	VMULPS  Y1, Y5, Y5           // ((1−b2)·g')·g'
	VADDPS  Y5, Y4, Y4           // v'
	VSQRTPS Y4, Y5               // √v'
	VDIVPS  Y8, Y5, Y5           // √v'/sq2
	VADDPS  Y7, Y5, Y5           // + eps
	VMULPS  Y3, Y9, Y1           // stepSize·m'
	VDIVPS  Y5, Y1, Y1           // (stepSize·m')/(…)
	VSUBPS  Y1, Y2, Y2           // p' = q − …
	// p', m', v' finite?
	VSUBPS  Y2, Y2, Y1
	VSUBPS  Y3, Y3, Y5
	VADDPS  Y5, Y1, Y1
	VSUBPS  Y4, Y4, Y5
	VADDPS  Y5, Y1, Y1
	VXORPS  Y5, Y5, Y5
	VCMPPS  $4, Y5, Y1, Y1       // ≠ 0, unordered true
	VMOVMSKPS Y1, BX
	TESTQ   BX, BX
	JNZ     adam32_done
	VMOVUPS Y0, (R12)(AX*4)
	VMOVUPS Y2, (DI)(AX*4)
	VMOVUPS Y3, (R10)(AX*4)
	VMOVUPS Y4, (R11)(AX*4)
	ADDQ    $8, AX
	DECQ    CX
	JNZ     adam32_loop
adam32_done:
	MOVQ AX, ret+80(FP)
	VZEROUPPER
	RET

// func transpose8f32avx(n int, src unsafe.Pointer, ld int, dst unsafe.Pointer, w int)
// For p < 8n and r < 8: dst[p·w+r] = src[r·ld+p] (float32; ld and w in
// elements): eight rows gathered into columns of a panel of width w,
// 8×8 blocks transposed in registers.
TEXT ·transpose8f32avx(SB), NOSPLIT, $0-40
	MOVQ n+0(FP), CX
	MOVQ src+8(FP), SI
	MOVQ ld+16(FP), BX
	MOVQ dst+24(FP), DI
	MOVQ w+32(FP), DX
	SHLQ $2, BX
	SHLQ $2, DX
	LEAQ (SI)(BX*1), R8
	LEAQ (R8)(BX*1), R9
	LEAQ (R9)(BX*1), R10
	LEAQ (R10)(BX*1), R11
	LEAQ (R11)(BX*1), R12
	LEAQ (R12)(BX*1), R13
	LEAQ (R13)(BX*1), AX
	TESTQ CX, CX
	JZ   tr8_done
tr8_loop:
	VMOVUPS (SI), Y0
	VMOVUPS (R8), Y1
	VMOVUPS (R9), Y2
	VMOVUPS (R10), Y3
	VMOVUPS (R11), Y4
	VMOVUPS (R12), Y5
	VMOVUPS (R13), Y6
	VMOVUPS (AX), Y7
	VUNPCKLPS Y1, Y0, Y8
	VUNPCKHPS Y1, Y0, Y9
	VUNPCKLPS Y3, Y2, Y10
	VUNPCKHPS Y3, Y2, Y11
	VUNPCKLPS Y5, Y4, Y12
	VUNPCKHPS Y5, Y4, Y13
	VUNPCKLPS Y7, Y6, Y14
	VUNPCKHPS Y7, Y6, Y15
	VSHUFPS $0x44, Y10, Y8, Y0
	VSHUFPS $0xEE, Y10, Y8, Y1
	VSHUFPS $0x44, Y11, Y9, Y2
	VSHUFPS $0xEE, Y11, Y9, Y3
	VSHUFPS $0x44, Y14, Y12, Y4
	VSHUFPS $0xEE, Y14, Y12, Y5
	VSHUFPS $0x44, Y15, Y13, Y6
	VSHUFPS $0xEE, Y15, Y13, Y7
	VPERM2F128 $0x20, Y4, Y0, Y8
	VPERM2F128 $0x20, Y5, Y1, Y9
	VPERM2F128 $0x20, Y6, Y2, Y10
	VPERM2F128 $0x20, Y7, Y3, Y11
	VPERM2F128 $0x31, Y4, Y0, Y12
	VPERM2F128 $0x31, Y5, Y1, Y13
	VPERM2F128 $0x31, Y6, Y2, Y14
	VPERM2F128 $0x31, Y7, Y3, Y15
	VMOVUPS Y8, (DI)
	VMOVUPS Y9, (DI)(DX*1)
	LEAQ    (DI)(DX*2), BX
	VMOVUPS Y10, (BX)
	ADDQ    DX, BX
	VMOVUPS Y11, (BX)
	ADDQ    DX, BX
	VMOVUPS Y12, (BX)
	ADDQ    DX, BX
	VMOVUPS Y13, (BX)
	ADDQ    DX, BX
	VMOVUPS Y14, (BX)
	ADDQ    DX, BX
	VMOVUPS Y15, (BX)
	LEAQ    (BX)(DX*1), DI
	ADDQ    $32, SI
	ADDQ    $32, R8
	ADDQ    $32, R9
	ADDQ    $32, R10
	ADDQ    $32, R11
	ADDQ    $32, R12
	ADDQ    $32, R13
	ADDQ    $32, AX
	DECQ    CX
	JNZ     tr8_loop
tr8_done:
	VZEROUPPER
	RET

// func expShift32avx(n int, d, z unsafe.Pointer, m, ls float32, tab *[64]float64, c *expConsts)
// ExpShift32 on the first n elements (n a multiple of 4), four at a time,
// the same operations as exp32 in float64 lanes; the out-of-range lanes
// (NaN, below −104, above 89) computed on y clamped to [−104, 89] and
// then replaced as exp32 does.
TEXT ·expShift32avx(SB), NOSPLIT, $0-48
	MOVQ n+0(FP), CX
	MOVQ d+8(FP), DI
	MOVQ z+16(FP), SI
	VBROADCASTSS m+24(FP), X13
	VBROADCASTSS ls+28(FP), X14
	MOVQ tab+32(FP), R8
	MOVQ c+40(FP), R9
	VXORPS X15, X15, X15
	SHRQ $2, CX
	JZ   exp_done
exp_loop:
	VMOVUPS (SI), X0
	VSUBPS  X13, X0, X0          // z − m
	VSUBPS  X14, X0, X0          // y = (z − m) − ls
	VCMPPS  $3, X0, X0, X1       // y NaN
	VCMPPS  $1, 224(R9), X0, X2  // y < −104
	VCMPPS  $14, 240(R9), X0, X3 // y > 89
	VMAXPS  224(R9), X0, X4
	VMINPS  240(R9), X4, X4      // y clamped
	VCVTPS2PD X4, Y4             // yd
	VMULPD  0(R9), Y4, Y5        // yd·(64/ln 2)
	VADDPD  64(R9), Y5, Y5       // t = … + magic
	VSUBPD  64(R9), Y5, Y6       // nf = t − magic
	VMULPD  32(R9), Y6, Y7       // nf·(ln 2/64)
	VSUBPD  Y7, Y4, Y7           // r
	VMULPD  96(R9), Y7, Y8       // r/24
	VADDPD  128(R9), Y8, Y8      // 1/6 + …
	VMULPD  Y8, Y7, Y8
	VADDPD  160(R9), Y8, Y8      // 1/2 + …
	VMULPD  Y8, Y7, Y8
	VADDPD  192(R9), Y8, Y8      // 1 + …
	VMULPD  Y8, Y7, Y8
	VADDPD  192(R9), Y8, Y8      // p = 1 + …
	VPSUBQ  64(R9), Y5, Y9       // n = bits(t) − bits(magic)
	VPCMPEQQ Y11, Y11, Y11
	VPSRLQ  $58, Y11, Y10        // 63
	VPAND   Y9, Y10, Y10         // n & 63
	VGATHERQPD Y11, (R8)(Y10*8), Y12
	VMULPD  Y12, Y8, Y8          // p·2^((n&63)/64)
	VPCMPEQQ Y11, Y11, Y11
	VPSLLQ  $6, Y11, Y11         // ^63
	VPAND   Y11, Y9, Y9
	VPSLLQ  $46, Y9, Y9          // (n>>6)<<52
	VPADDQ  Y9, Y8, Y8
	VCVTPD2PSY Y8, X8
	VBLENDVPS X2, X15, X8, X8    // 0 below −104
	VBLENDVPS X3, 256(R9), X8, X8 // +Inf above 89
	VBLENDVPS X1, X0, X8, X8     // y when NaN
	VMOVUPS X8, (DI)
	ADDQ    $16, SI
	ADDQ    $16, DI
	DECQ    CX
	JNZ     exp_loop
exp_done:
	VZEROUPPER
	RET
