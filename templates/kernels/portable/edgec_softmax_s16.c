/* edgec portable kernels: SOFTMAX int16 (lookup tables with linear interpolation). */
#include "edgec_softmax_s16.h"
#include "edgec_requant.h"
#include "edgec_fixedpoint.h"

static int16_t edgec_lut_lookup(const int16_t *lut, int32_t x)
{
    const int32_t index = 256 + (x >> 7);
    const int32_t offset = x & 0x7F;
    const int16_t slope = (int16_t)(lut[index + 1] - lut[index]);
    const int16_t delta = (int16_t)((slope * offset + 64) >> 7);
    return (int16_t)(lut[index] + delta);
}


edgec_status edgec_softmax_s16(const int16_t *input, int32_t num_rows, int32_t row_size, int32_t mult, int32_t shift,
                               const int16_t *exp_lut, const int16_t *one_by_one_lut, int16_t *output)
{
    for (int32_t r = 0; r < num_rows; r++) {
        const int16_t *x = input + r * row_size;
        int16_t *y = output + r * row_size;
        int32_t max = x[0];
        for (int32_t c = 1; c < row_size; c++) {
            max = x[c] > max ? x[c] : max;
        }
        int32_t sum = 0;
        for (int32_t c = 0; c < row_size; c++) {
            const int32_t scaled = edgec_requantize(x[c] - max, mult, shift);
            /* The output buffer caches the exps until the reciprocal is known. */
            y[c] = edgec_lut_lookup(exp_lut, edgec_clamp(scaled + 32767, -32768, 32767));
            sum += y[c];
        }
        const int32_t headroom = edgec_clz32((uint32_t)sum);
        const int32_t shifted_sum = ((int32_t)((uint32_t)sum << (headroom - 1)) + (1 << 13)) >> 14;
        const int16_t one_by_one = edgec_lut_lookup(one_by_one_lut, (int16_t)(shifted_sum - 98304));
        const int32_t right_shift = 30 - headroom;
        for (int32_t c = 0; c < row_size; c++) {
            const int32_t v = ((int32_t)y[c] * one_by_one) >> right_shift;
            y[c] = (int16_t)((v + 1) >> 1);
        }
    }
    return EDGEC_OK;
}
