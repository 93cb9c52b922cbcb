/*
 * edgec portable kernels: CONV_2D (int8, one group) with the input offset folded into the bias by the
 * compiler. Each output pixel's receptive field (its patch, kernel_h * kernel_w * C_IN values) is a
 * filter-row-shaped vector: taken in place when it is one contiguous run of the input, else gathered
 * into the patch buffer with padding taps set to the input zero point (so that, with the folded sums,
 * they contribute nothing, as in the reference). Every output channel is then one dot product.
 */
#include <string.h>

#include "edgec_conv.h"
#include "edgec_dot_s8.h"
#include "edgec_requant.h"

/* All output channels of one pixel from its patch (k values): four filter rows per pass. */
static EDGEC_ALWAYS_INLINE void edgec_conv_pixel(const edgec_output_stage *o, const int8_t *patch, int32_t k, const int8_t *filter,
                                                 const int32_t *kernel_sums, int32_t out_c, int8_t *out)
{
    int32_t c = 0;
    for (; c + 4 <= out_c; c += 4) {
        int32_t acc[4] = { kernel_sums[c], kernel_sums[c + 1], kernel_sums[c + 2], kernel_sums[c + 3] };
        edgec_dot4_s8(patch, filter + c * k, k, acc);
        for (int32_t j = 0; j < 4; j++) {
            out[c + j] = edgec_output_s8(o, c + j, acc[j]);
        }
    }
    for (; c < out_c; c++) {
        out[c] = edgec_output_s8(o, c, edgec_dot1_s8(patch, filter + c * k, k, kernel_sums[c]));
    }
}

/* Compiled as on its own even under -flto (see EDGEC_NO_IPA). */
EDGEC_NO_IPA
edgec_status edgec_convolve_s8_folded(const edgec_conv_params *params, const edgec_per_channel_quant *quant,
                                      const edgec_dims *input_dims, const int8_t *input,
                                      const edgec_dims *filter_dims, const int8_t *filter,
                                      const int32_t *kernel_sums, const edgec_dims *output_dims, int8_t *output,
                                      int8_t *patch_buffer)
{
    const int32_t in_h = input_dims->h;
    const int32_t in_w = input_dims->w;
    const int32_t in_c = input_dims->c;
    const int32_t k_h = filter_dims->h;
    const int32_t k_w = filter_dims->w;
    const int32_t out_c = output_dims->c;
    const int32_t row = k_w * in_c; /* one kernel row of the patch */
    const int32_t k = k_h * row;
    /* The value whose offset-corrected contribution is zero: the input zero point (fits int8). */
    const int8_t pad = (int8_t)(-params->input_offset);
    if (filter_dims->c != in_c || kernel_sums == NULL) {
        return EDGEC_ARG_ERROR;
    }
    const edgec_output_stage o = { quant->multiplier, quant->shift, params->output_offset, params->activation.min,
                                   params->activation.max };
    for (int32_t b = 0; b < input_dims->n; b++) {
        for (int32_t oy = 0; oy < output_dims->h; oy++) {
            const int32_t iy0 = oy * params->stride.h - params->padding.h;
            for (int32_t ox = 0; ox < output_dims->w; ox++) {
                const int32_t ix0 = ox * params->stride.w - params->padding.w;
                /* A kernel row lies in one contiguous run when its taps are adjacent pixels, all inside. */
                const int32_t row_inside = (k_w == 1 || params->dilation.w == 1) && ix0 >= 0 && ix0 + k_w <= in_w;
                const int8_t *patch = patch_buffer;
                if (k_h == 1 && row_inside && iy0 >= 0 && iy0 < in_h) {
                    patch = input + ((b * in_h + iy0) * in_w + ix0) * in_c;
                } else {
                    int8_t *dst = patch_buffer;
                    for (int32_t ky = 0; ky < k_h; ky++, dst += row) {
                        const int32_t iy = iy0 + ky * params->dilation.h;
                        if (iy < 0 || iy >= in_h) {
                            memset(dst, pad, (size_t)row);
                        } else if (row_inside) {
                            memcpy(dst, input + ((b * in_h + iy) * in_w + ix0) * in_c, (size_t)row);
                        } else {
                            for (int32_t kx = 0; kx < k_w; kx++) {
                                const int32_t ix = ix0 + kx * params->dilation.w;
                                if (ix < 0 || ix >= in_w) {
                                    memset(dst + kx * in_c, pad, (size_t)in_c);
                                } else {
                                    memcpy(dst + kx * in_c, input + ((b * in_h + iy) * in_w + ix) * in_c, (size_t)in_c);
                                }
                            }
                        }
                    }
                }
                edgec_conv_pixel(&o, patch, k, filter, kernel_sums, out_c,
                                 output + ((b * output_dims->h + oy) * output_dims->w + ox) * out_c);
            }
        }
    }
    return EDGEC_OK;
}
