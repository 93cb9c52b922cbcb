/* edgec portable kernels: the four-row int8 dot product of edgec_dot_s8.h. */
#include "edgec_dot_s8.h"

#if defined(__ARM_FEATURE_DSP) && (__ARM_FEATURE_DSP == 1)
/*
 * acc[k] += sum_c x[c] * w[k * cols + c] for four consecutive weight rows at once: x's bytes are
 * sign-extended to 16-bit pairs once per four columns and shared by the rows; each row then takes two
 * dual 16-bit multiply-accumulates (SMLAD) per four columns. Optimised builds run the four-column loop
 * as asm: GCC's own allocation of these 13 live values spills in the loop (33 instructions per
 * 16 MACs instead of 24 here). The asm needs 13 free registers, which only a function of its own
 * guarantees (inlined into a busy caller, GCC can run out): hence a function that is never inlined,
 * not even by link-time optimisation.
 * -O0 builds (which keep more registers back) and position-independent builds take the C loop.
 */
EDGEC_NEVER_INLINE void edgec_dot4_s8(const int8_t *x, const int8_t *w, int32_t cols, int32_t acc[4])
{
    int32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3];
    const int8_t *const x_end = x + (cols & ~3);
#if defined(__OPTIMIZE__) && defined(__thumb2__) && !defined(__PIC__)
    const int8_t *w2 = w + 2 * cols; /* rows 2 and 3; rows 1 and 3 are read at +cols */
    const int8_t *const x_end8 = x + (cols & ~7);
    int32_t x_even, x_odd, word, pair;
/* Four columns of the four rows: 23 instructions for 16 MACs. */
#define EDGEC_DOT4_COLUMNS                                   \
    "ldr %[word], [%[x]], #4\n\t"                            \
    "sxtb16 %[x_even], %[word]\n\t"                          \
    "sxtb16 %[x_odd], %[word], ror #8\n\t"                   \
    "ldr %[word], [%[w], %[cols]]\n\t"                       \
    "sxtb16 %[pair], %[word]\n\t"                            \
    "smlad %[a1], %[pair], %[x_even], %[a1]\n\t"             \
    "sxtb16 %[pair], %[word], ror #8\n\t"                    \
    "smlad %[a1], %[pair], %[x_odd], %[a1]\n\t"              \
    "ldr %[word], [%[w]], #4\n\t"                            \
    "sxtb16 %[pair], %[word]\n\t"                            \
    "smlad %[a0], %[pair], %[x_even], %[a0]\n\t"             \
    "sxtb16 %[pair], %[word], ror #8\n\t"                    \
    "smlad %[a0], %[pair], %[x_odd], %[a0]\n\t"              \
    "ldr %[word], [%[w2], %[cols]]\n\t"                      \
    "sxtb16 %[pair], %[word]\n\t"                            \
    "smlad %[a3], %[pair], %[x_even], %[a3]\n\t"             \
    "sxtb16 %[pair], %[word], ror #8\n\t"                    \
    "smlad %[a3], %[pair], %[x_odd], %[a3]\n\t"              \
    "ldr %[word], [%[w2]], #4\n\t"                           \
    "sxtb16 %[pair], %[word]\n\t"                            \
    "smlad %[a2], %[pair], %[x_even], %[a2]\n\t"             \
    "sxtb16 %[pair], %[word], ror #8\n\t"                    \
    "smlad %[a2], %[pair], %[x_odd], %[a2]\n\t"
#define EDGEC_DOT4_OPERANDS                                                                                   \
    : [x] "+r"(x), [w] "+r"(w), [w2] "+r"(w2), [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3),    \
      [x_even] "=&r"(x_even), [x_odd] "=&r"(x_odd), [word] "=&r"(word), [pair] "=&r"(pair)                   \
    : [cols] "r"(cols), [x_end8] "r"(x_end8)                                                                  \
    : "cc", "memory" /* reads x and w: earlier stores must not sink past it */
    if (x != x_end8) {
        /* Eight columns per pass: the loop's compare and branch once per 32 MACs. */
        __asm__("1:\n\t" EDGEC_DOT4_COLUMNS EDGEC_DOT4_COLUMNS
                "cmp %[x], %[x_end8]\n\t"
                "bne 1b" EDGEC_DOT4_OPERANDS);
    }
    if (x != x_end) {
        __asm__(EDGEC_DOT4_COLUMNS EDGEC_DOT4_OPERANDS);
    }
#undef EDGEC_DOT4_COLUMNS
#undef EDGEC_DOT4_OPERANDS
#else
    for (; x != x_end; x += 4, w += 4) {
        const int32_t xv = edgec_read_s8x4(x);
        const int32_t x_even = __sxtb16(xv);
        const int32_t x_odd = (int32_t)edgec_sxtb16_ror8((uint32_t)xv);
        int32_t wv = edgec_read_s8x4(w);
        a0 = __smlad(__sxtb16(wv), x_even, a0);
        a0 = __smlad((int16x2_t)edgec_sxtb16_ror8((uint32_t)wv), x_odd, a0);
        wv = edgec_read_s8x4(w + cols);
        a1 = __smlad(__sxtb16(wv), x_even, a1);
        a1 = __smlad((int16x2_t)edgec_sxtb16_ror8((uint32_t)wv), x_odd, a1);
        wv = edgec_read_s8x4(w + 2 * cols);
        a2 = __smlad(__sxtb16(wv), x_even, a2);
        a2 = __smlad((int16x2_t)edgec_sxtb16_ror8((uint32_t)wv), x_odd, a2);
        wv = edgec_read_s8x4(w + 3 * cols);
        a3 = __smlad(__sxtb16(wv), x_even, a3);
        a3 = __smlad((int16x2_t)edgec_sxtb16_ror8((uint32_t)wv), x_odd, a3);
    }
#endif
    /* The last cols % 4 columns; x and w point at them now. */
    for (int32_t c = 0; c < (cols & 3); c++) {
        a0 = (int32_t)((uint32_t)a0 + (uint32_t)(x[c] * w[c]));
        a1 = (int32_t)((uint32_t)a1 + (uint32_t)(x[c] * w[cols + c]));
        a2 = (int32_t)((uint32_t)a2 + (uint32_t)(x[c] * w[2 * cols + c]));
        a3 = (int32_t)((uint32_t)a3 + (uint32_t)(x[c] * w[3 * cols + c]));
    }
    acc[0] = a0;
    acc[1] = a1;
    acc[2] = a2;
    acc[3] = a3;
}
#else
/* Cores without DSP: plain multiply-accumulates, each x value loaded once for the four rows. */
void edgec_dot4_s8(const int8_t *x, const int8_t *w, int32_t cols, int32_t acc[4])
{
    uint32_t a0 = (uint32_t)acc[0], a1 = (uint32_t)acc[1], a2 = (uint32_t)acc[2], a3 = (uint32_t)acc[3];
    const int8_t *w1 = w + cols, *w2 = w1 + cols, *w3 = w2 + cols;
    for (int32_t c = 0; c < cols; c++) {
        const int32_t v = x[c];
        a0 += (uint32_t)(v * w[c]);
        a1 += (uint32_t)(v * w1[c]);
        a2 += (uint32_t)(v * w2[c]);
        a3 += (uint32_t)(v * w3[c]);
    }
    acc[0] = (int32_t)a0;
    acc[1] = (int32_t)a1;
    acc[2] = (int32_t)a2;
    acc[3] = (int32_t)a3;
}
#endif
