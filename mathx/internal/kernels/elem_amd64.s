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
