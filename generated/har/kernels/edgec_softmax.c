/*
 * edgec portable kernels: SOFTMAX (int8 input). Twin of src/kernels/softmax.ts: Q-format values
 * are int32 raws; a product of Qa and Qb raws is edgec_srdhm and has a + b integer bits.
 */
#include "edgec_softmax.h"
#include "edgec_requant.h"

#define EDGEC_SCALED_DIFF_INTEGER_BITS 5
#define EDGEC_ACCUM_INTEGER_BITS 12

/* Saturating x * 2^exponent (exponent > 0) or rounding division (exponent < 0). */
static int32_t edgec_mul_pot_sat(int32_t x, int32_t exponent)
{
    if (exponent < 0) {
        return edgec_rdbpot(x, -exponent);
    }
    const int32_t threshold = (int32_t)((UINT32_C(1) << (31 - exponent)) - 1u);
    if (x > threshold) {
        return INT32_MAX;
    }
    if (x < -threshold) {
        return INT32_MIN;
    }
    return (int32_t)((uint32_t)x << exponent);
}

/* exp(a) for a <= 0 in Q5.26, result in Q0.31. */
static int32_t edgec_exp_on_negative_values(int32_t a)
{
    static const int32_t barrel[7] = { 1672461947, 1302514674, 790015084, 290630308, 39332535, 720401, 242 };
    const int32_t one_quarter = 1 << 24;
    const int32_t a_mod_quarter_minus_quarter = (a & (one_quarter - 1)) - one_quarter;
    const int32_t remainder = (int32_t)((uint32_t)a_mod_quarter_minus_quarter - (uint32_t)a);
    /* Taylor series of exp around -1/8 on [-1/4, 0). */
    const int32_t x = (int32_t)((uint32_t)edgec_mul_pot_sat(a_mod_quarter_minus_quarter, EDGEC_SCALED_DIFF_INTEGER_BITS) + (UINT32_C(1) << 28));
    const int32_t x2 = edgec_srdhm(x, x);
    const int32_t x3 = edgec_srdhm(x2, x);
    const int32_t x4 = edgec_srdhm(x2, x2);
    const int32_t x4_over_4 = edgec_rdbpot(x4, 2);
    const int32_t poly = edgec_rdbpot(edgec_srdhm(x4_over_4 + x3, 715827883) + x2, 1);
    int32_t result = 1895147668 + edgec_srdhm(1895147668, x + poly);
    for (int32_t k = 0; k < 7; k++) {
        if ((remainder & (1 << (24 + k))) != 0) {
            result = edgec_srdhm(result, barrel[k]);
        }
    }
    return a == 0 ? INT32_MAX : result;
}

/* 1 / (1 + x) for x in [0, 1) in Q0.31: Newton-Raphson in Q2.29. */
static int32_t edgec_one_over_one_plus_x(int32_t a)
{
    const int64_t sum = (int64_t)a + INT32_MAX;
    const int32_t half_denominator = (int32_t)((sum + (sum >= 0 ? 1 : -1)) / 2);
    int32_t x = 1515870810 + edgec_srdhm(half_denominator, -1010580540);
    for (int32_t i = 0; i < 3; i++) {
        const int32_t one_minus = (1 << 29) - edgec_srdhm(half_denominator, x);
        x += edgec_mul_pot_sat(edgec_srdhm(x, one_minus), 2);
    }
    return edgec_mul_pot_sat(x, 1);
}

static int32_t edgec_clz32(uint32_t x)
{
    int32_t n = 0;
    if (x == 0u) {
        return 32;
    }
    while ((x & UINT32_C(0x80000000)) == 0u) {
        x <<= 1;
        n++;
    }
    return n;
}

static void edgec_softmax_common(const int8_t *input, int32_t num_rows, int32_t row_size, int32_t mult,
                                 int32_t shift, int32_t diff_min, int32_t out_bits, int8_t *out8, int16_t *out16)
{
    const int32_t lo = out_bits == 8 ? -128 : -32768;
    const int32_t hi = -lo - 1;
    for (int32_t r = 0; r < num_rows; r++) {
        const int8_t *x = input + r * row_size;
        int32_t max = -128;
        for (int32_t c = 0; c < row_size; c++) {
            max = x[c] > max ? x[c] : max;
        }
        int32_t sum = 0;
        for (int32_t c = 0; c < row_size; c++) {
            const int32_t diff = x[c] - max;
            if (diff >= diff_min) {
                const int32_t e = edgec_exp_on_negative_values(edgec_srdhm((int32_t)((uint32_t)diff << shift), mult));
                sum += edgec_rdbpot(e, EDGEC_ACCUM_INTEGER_BITS);
            }
        }
        const int32_t headroom = edgec_clz32((uint32_t)sum);
        const int32_t bits_over_unit = EDGEC_ACCUM_INTEGER_BITS - headroom + 31 - out_bits;
        const int32_t scale = edgec_one_over_one_plus_x((int32_t)(((uint32_t)sum << headroom) - UINT32_C(0x80000000)));
        for (int32_t c = 0; c < row_size; c++) {
            const int32_t diff = x[c] - max;
            int32_t v = lo;
            if (diff >= diff_min) {
                const int32_t e = edgec_exp_on_negative_values(edgec_srdhm((int32_t)((uint32_t)diff << shift), mult));
                v = edgec_clamp(edgec_rdbpot(edgec_srdhm(scale, e), bits_over_unit) + lo, lo, hi);
            }
            if (out_bits == 8) {
                out8[r * row_size + c] = (int8_t)v;
            } else {
                out16[r * row_size + c] = (int16_t)v;
            }
        }
    }
}

edgec_status edgec_softmax_s8(const int8_t *input, int32_t num_rows, int32_t row_size, int32_t mult,
                              int32_t shift, int32_t diff_min, int8_t *output)
{
    edgec_softmax_common(input, num_rows, row_size, mult, shift, diff_min, 8, output, NULL);
    return EDGEC_OK;
}

edgec_status edgec_softmax_s8_s16(const int8_t *input, int32_t num_rows, int32_t row_size, int32_t mult,
                                  int32_t shift, int32_t diff_min, int16_t *output)
{
    edgec_softmax_common(input, num_rows, row_size, mult, shift, diff_min, 16, NULL, output);
    return EDGEC_OK;
}
