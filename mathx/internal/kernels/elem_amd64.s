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
