/*
 * edgec portable kernels: int8 dot products shared by the matrix-vector kernels (LSTM gates, fully
 * connected, convolutions): edgec_dot4_s8 takes four weight rows at once on every core (SMLAD on cores
 * with the DSP extension), edgec_dot1_s8 one row.
 */
#ifndef EDGEC_DOT_S8_H
#define EDGEC_DOT_S8_H

#include "edgec_types.h"

#if defined(__ARM_FEATURE_DSP) && (__ARM_FEATURE_DSP == 1)
#include <arm_acle.h>

/* SXTB16 of the word rotated right by 8 (bytes 1 and 3), one instruction (GCC does not fold the rotation). */
static inline uint32_t edgec_sxtb16_ror8(uint32_t v)
{
    uint32_t r;
    __asm__("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(v));
    return r;
}

/* Four int8 values as one word (an unaligned load on cores with DSP). */
static inline int32_t edgec_read_s8x4(const int8_t *p)
{
    int32_t v;
    /* The builtin (not a libc call, even in -ffreestanding builds) becomes one unaligned LDR. */
    __builtin_memcpy(&v, p, 4);
    return v;
}
#endif

/*
 * acc + sum_c x[c] * w[c] for one row, with int32 wrap-around as the reference accumulator (rows left
 * over by the four-row pass): two SMLAD per four columns on cores with DSP.
 */
static inline int32_t edgec_dot1_s8(const int8_t *x, const int8_t *w, int32_t cols, int32_t acc)
{
    int32_t c = 0;
#if defined(__ARM_FEATURE_DSP) && (__ARM_FEATURE_DSP == 1)
    for (; c + 4 <= cols; c += 4) {
        const uint32_t xv = (uint32_t)edgec_read_s8x4(x + c);
        const uint32_t wv = (uint32_t)edgec_read_s8x4(w + c);
        acc = __smlad(__sxtb16((int8x4_t)wv), __sxtb16((int8x4_t)xv), acc);
        acc = __smlad((int16x2_t)edgec_sxtb16_ror8(wv), (int16x2_t)edgec_sxtb16_ror8(xv), acc);
    }
#endif
    for (; c < cols; c++) {
        acc = (int32_t)((uint32_t)acc + (uint32_t)(x[c] * w[c]));
    }
    return acc;
}

/*
 * acc[k] += sum_c x[c] * w[k * cols + c] for the four consecutive weight rows at w (row length cols),
 * with int32 wrap-around as the reference accumulator; each x value is loaded once for the four rows.
 * See edgec_dot_s8.c.
 */
void edgec_dot4_s8(const int8_t *x, const int8_t *w, int32_t cols, int32_t acc[4]);

#endif /* EDGEC_DOT_S8_H */
