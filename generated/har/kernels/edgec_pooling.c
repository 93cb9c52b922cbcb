/* edgec portable kernels: MAX_POOL_2D and AVERAGE_POOL_2D (int8). */
#include "edgec_pooling.h"
#include "edgec_requant.h"

static int32_t edgec_max_i32(int32_t a, int32_t b)
{
    return a > b ? a : b;
}

static int32_t edgec_min_i32(int32_t a, int32_t b)
{
    return a < b ? a : b;
}

/* One loop for both element types: exactly one of in8/in16 (and out8/out16) is non-NULL. */
static EDGEC_ALWAYS_INLINE edgec_status edgec_pool(int32_t is_max, const edgec_pool_params *params, const edgec_dims *input_dims,
                               const int8_t *in8, const int16_t *in16, const edgec_dims *filter_dims,
                               const edgec_dims *output_dims, int8_t *out8, int16_t *out16)
{
    const int32_t in_h = input_dims->h;
    const int32_t in_w = input_dims->w;
    const int32_t ch = input_dims->c;
    for (int32_t b = 0; b < input_dims->n; b++) {
        for (int32_t oy = 0; oy < output_dims->h; oy++) {
            const int32_t y0 = oy * params->stride.h - params->padding.h;
            const int32_t y_start = edgec_max_i32(0, y0);
            const int32_t y_end = edgec_min_i32(in_h, y0 + filter_dims->h);
            for (int32_t ox = 0; ox < output_dims->w; ox++) {
                const int32_t x0 = ox * params->stride.w - params->padding.w;
                const int32_t x_start = edgec_max_i32(0, x0);
                const int32_t x_end = edgec_min_i32(in_w, x0 + filter_dims->w);
                const int32_t count = (y_end - y_start) * (x_end - x_start);
                for (int32_t c = 0; c < ch; c++) {
                    int32_t acc = is_max ? (in16 != NULL ? -32768 : -128) : 0;
                    for (int32_t y = y_start; y < y_end; y++) {
                        for (int32_t x = x_start; x < x_end; x++) {
                            const int32_t idx = ((b * in_h + y) * in_w + x) * ch + c;
                            const int32_t v = in16 != NULL ? in16[idx] : in8[idx];
                            acc = is_max ? edgec_max_i32(acc, v) : acc + v;
                        }
                    }
                    if (!is_max) {
                        if (count == 0) {
                            acc = 0;
                        } else {
                            acc = acc > 0 ? (acc + count / 2) / count : (acc - count / 2) / count;
                        }
                    }
                    acc = edgec_clamp(acc, params->activation.min, params->activation.max);
                    const int32_t o = ((b * output_dims->h + oy) * output_dims->w + ox) * ch + c;
                    if (out16 != NULL) {
                        out16[o] = (int16_t)acc;
                    } else {
                        out8[o] = (int8_t)acc;
                    }
                }
            }
        }
    }
    return EDGEC_OK;
}

edgec_status edgec_max_pool_s8(const edgec_pool_params *params, const edgec_dims *input_dims, const int8_t *input,
                               const edgec_dims *filter_dims, const edgec_dims *output_dims, int8_t *output)
{
    return edgec_pool(1, params, input_dims, input, NULL, filter_dims, output_dims, output, NULL);
}

edgec_status edgec_avgpool_s8(const edgec_pool_params *params, const edgec_dims *input_dims, const int8_t *input,
                              const edgec_dims *filter_dims, const edgec_dims *output_dims, int8_t *output)
{
    return edgec_pool(0, params, input_dims, input, NULL, filter_dims, output_dims, output, NULL);
}

edgec_status edgec_max_pool_s16(const edgec_pool_params *params, const edgec_dims *input_dims, const int16_t *input,
                                const edgec_dims *filter_dims, const edgec_dims *output_dims, int16_t *output)
{
    return edgec_pool(1, params, input_dims, NULL, input, filter_dims, output_dims, NULL, output);
}

edgec_status edgec_avgpool_s16(const edgec_pool_params *params, const edgec_dims *input_dims, const int16_t *input,
                               const edgec_dims *filter_dims, const edgec_dims *output_dims, int16_t *output)
{
    return edgec_pool(0, params, input_dims, NULL, input, filter_dims, output_dims, NULL, output);
}
