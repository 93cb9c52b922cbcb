/* edgec portable kernels: MEAN over H and W (int8, int16). */
#include "edgec_mean.h"
#include "edgec_requant.h"

/* One body for both widths (`wide`: int16, a constant in each caller; the other pointers unused). */
static EDGEC_ALWAYS_INLINE void edgec_mean_hw(int32_t wide, const int8_t *in8, const int16_t *in16,
                                              const edgec_dims *input_dims, int32_t input_zero_point,
                                              int32_t output_zero_point, int32_t multiplier, int32_t shift,
                                              int8_t *out8, int16_t *out16)
{
    const int32_t count = input_dims->h * input_dims->w;
    const int32_t c = input_dims->c;
    for (int32_t b = 0; b < input_dims->n; b++) {
        for (int32_t ch = 0; ch < c; ch++) {
            int32_t sum = 0;
            for (int32_t i = 0; i < count; i++) {
                const int32_t at = (b * count + i) * c + ch;
                sum += wide ? in16[at] : in8[at];
            }
            const int32_t v = edgec_requantize(sum - count * input_zero_point, multiplier, shift) + output_zero_point;
            if (wide) {
                out16[b * c + ch] = (int16_t)edgec_clamp(v, INT16_MIN, INT16_MAX);
            } else {
                out8[b * c + ch] = (int8_t)edgec_clamp(v, -128, 127);
            }
        }
    }
}

edgec_status edgec_mean_hw_s8(const int8_t *input, const edgec_dims *input_dims, int32_t input_zero_point,
                              int32_t output_zero_point, int32_t multiplier, int32_t shift, int8_t *output)
{
    edgec_mean_hw(0, input, NULL, input_dims, input_zero_point, output_zero_point, multiplier, shift, output, NULL);
    return EDGEC_OK;
}

edgec_status edgec_mean_hw_s16(const int16_t *input, const edgec_dims *input_dims, int32_t input_zero_point,
                               int32_t output_zero_point, int32_t multiplier, int32_t shift, int16_t *output)
{
    edgec_mean_hw(1, NULL, input, input_dims, input_zero_point, output_zero_point, multiplier, shift, NULL, output);
    return EDGEC_OK;
}
