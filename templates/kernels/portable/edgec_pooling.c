/* edgec portable kernels: MAX_POOL_2D and AVERAGE_POOL_2D (int8). */
#include "edgec_dot_s8.h"
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

/* The input rows (or columns) [start, end) under output position o's window, clipped to the input. */
static inline void edgec_pool_window(int32_t o, int32_t stride, int32_t pad, int32_t size, int32_t in_size,
                                     int32_t *start, int32_t *end)
{
    const int32_t first = o * stride - pad;
    *start = edgec_max_i32(0, first);
    *end = edgec_min_i32(in_size, first + size);
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
            int32_t y_start, y_end;
            edgec_pool_window(oy, params->stride.h, params->padding.h, filter_dims->h, in_h, &y_start, &y_end);
            for (int32_t ox = 0; ox < output_dims->w; ox++) {
                int32_t x_start, x_end;
                edgec_pool_window(ox, params->stride.w, params->padding.w, filter_dims->w, in_w, &x_start, &x_end);
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

#if defined(__ARM_FEATURE_DSP) && (__ARM_FEATURE_DSP == 1)
/* Four int8 values back to memory (an unaligned STR on cores with DSP); edgec_read_s8x4 loads them. */
static inline void edgec_store_u8x4(int8_t *p, uint32_t v)
{
    __builtin_memcpy(p, &v, 4);
}

/* Per byte max(a, b) of four signed bytes: SSUB8 sets a GE flag per lane where a >= b, SEL picks. */
static inline uint32_t edgec_max_s8x4(uint32_t a, uint32_t b)
{
    (void)__ssub8((int8x4_t)a, (int8x4_t)b);
    return __sel(a, b);
}

/* Per byte min(a, b): where a >= b take b. */
static inline uint32_t edgec_min_s8x4(uint32_t a, uint32_t b)
{
    (void)__ssub8((int8x4_t)a, (int8x4_t)b);
    return __sel(b, a);
}

/*
 * int8 max pooling four channels at a time (NHWC keeps them adjacent): the same bytes as the generic
 * loop (start from -128, take the max over the window, clamp to the activation range).
 */
static edgec_status edgec_max_pool_s8_dsp(const edgec_pool_params *params, const edgec_dims *input_dims,
                                          const int8_t *input, const edgec_dims *filter_dims,
                                          const edgec_dims *output_dims, int8_t *output)
{
    const int32_t in_h = input_dims->h;
    const int32_t in_w = input_dims->w;
    const int32_t ch = input_dims->c;
    const uint32_t lo = 0x01010101u * (uint8_t)params->activation.min;
    const uint32_t hi = 0x01010101u * (uint8_t)params->activation.max;
    for (int32_t b = 0; b < input_dims->n; b++) {
        for (int32_t oy = 0; oy < output_dims->h; oy++) {
            int32_t y_start, y_end;
            edgec_pool_window(oy, params->stride.h, params->padding.h, filter_dims->h, in_h, &y_start, &y_end);
            for (int32_t ox = 0; ox < output_dims->w; ox++) {
                int32_t x_start, x_end;
                edgec_pool_window(ox, params->stride.w, params->padding.w, filter_dims->w, in_w, &x_start, &x_end);
                int8_t *out = output + ((b * output_dims->h + oy) * output_dims->w + ox) * ch;
                int32_t c = 0;
                for (; c + 4 <= ch; c += 4) {
                    uint32_t m = 0x80808080u;
                    for (int32_t y = y_start; y < y_end; y++) {
                        const int8_t *row = input + ((b * in_h + y) * in_w) * ch + c;
                        for (int32_t x = x_start; x < x_end; x++) {
                            m = edgec_max_s8x4((uint32_t)edgec_read_s8x4(row + x * ch), m);
                        }
                    }
                    m = edgec_min_s8x4(edgec_max_s8x4(m, lo), hi);
                    edgec_store_u8x4(out + c, m);
                }
                for (; c < ch; c++) {
                    int32_t acc = -128;
                    for (int32_t y = y_start; y < y_end; y++) {
                        for (int32_t x = x_start; x < x_end; x++) {
                            acc = edgec_max_i32(acc, input[((b * in_h + y) * in_w + x) * ch + c]);
                        }
                    }
                    out[c] = (int8_t)edgec_clamp(acc, params->activation.min, params->activation.max);
                }
            }
        }
    }
    return EDGEC_OK;
}
#endif

/* Compiled as on its own even under -flto (see EDGEC_NO_IPA). */
EDGEC_NO_IPA
edgec_status edgec_max_pool_s8(const edgec_pool_params *params, const edgec_dims *input_dims, const int8_t *input,
                               const edgec_dims *filter_dims, const edgec_dims *output_dims, int8_t *output)
{
#if defined(__ARM_FEATURE_DSP) && (__ARM_FEATURE_DSP == 1)
    return edgec_max_pool_s8_dsp(params, input_dims, input, filter_dims, output_dims, output);
#else
    return edgec_pool(1, params, input_dims, input, NULL, filter_dims, output_dims, output, NULL);
#endif
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
