/*
 * edgec portable kernels: SOFTMAX (int8 input). Twin of src/kernels/softmax.ts: Q-format values
 * are int32 raws; a product of Qa and Qb raws is edgec_srdhm and has a + b integer bits.
 */
#include "edgec_softmax.h"
#include "edgec_requant.h"
#include "edgec_fixedpoint.h"

#define EDGEC_SCALED_DIFF_INTEGER_BITS 5
#define EDGEC_ACCUM_INTEGER_BITS 12

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
                const int32_t e = edgec_exp_on_negative_values(5, edgec_srdhm((int32_t)((uint32_t)diff << shift), mult));
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
                const int32_t e = edgec_exp_on_negative_values(5, edgec_srdhm((int32_t)((uint32_t)diff << shift), mult));
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
