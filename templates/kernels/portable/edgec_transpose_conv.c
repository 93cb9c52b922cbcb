/*
 * edgec portable kernels: TRANSPOSE_CONV (int8). Output (oy, ox) collects every input pixel that
 * the scatter form out = in * stride - pad + k would send there: in = (o + pad - k) / stride when
 * that divides exactly. Integer sums are order-independent, so this matches the scatter reference.
 */
#include "edgec_transpose_conv.h"
#include "edgec_requant.h"

edgec_status edgec_transpose_conv_s8(const edgec_conv_params *params, const edgec_per_channel_quant *quant,
                                     const edgec_dims *input_dims, const int8_t *input,
                                     const edgec_dims *filter_dims, const int8_t *filter,
                                     const int32_t *bias, const edgec_dims *output_dims, int8_t *output)
{
    const int32_t in_c = input_dims->c;
    const int32_t out_c = output_dims->c;
    int8_t *out = output;
    for (int32_t b = 0; b < input_dims->n; b++) {
        for (int32_t oy = 0; oy < output_dims->h; oy++) {
            for (int32_t ox = 0; ox < output_dims->w; ox++) {
                for (int32_t c = 0; c < out_c; c++) {
                    int32_t acc = 0;
                    for (int32_t ky = 0; ky < filter_dims->h; ky++) {
                        const int32_t ny = oy + params->padding.h - ky;
                        if (ny < 0 || ny % params->stride.h != 0 || ny / params->stride.h >= input_dims->h) {
                            continue;
                        }
                        const int32_t iy = ny / params->stride.h;
                        for (int32_t kx = 0; kx < filter_dims->w; kx++) {
                            const int32_t nx = ox + params->padding.w - kx;
                            if (nx < 0 || nx % params->stride.w != 0 || nx / params->stride.w >= input_dims->w) {
                                continue;
                            }
                            const int32_t ix = nx / params->stride.w;
                            const int8_t *x = input + ((b * input_dims->h + iy) * input_dims->w + ix) * in_c;
                            const int8_t *w = filter + ((c * filter_dims->h + ky) * filter_dims->w + kx) * in_c;
                            for (int32_t ic = 0; ic < in_c; ic++) {
                                acc += ((int32_t)x[ic] + params->input_offset) * (int32_t)w[ic];
                            }
                        }
                    }
                    if (bias != NULL) {
                        acc += bias[c];
                    }
                    const int32_t v = edgec_requantize(acc, quant->multiplier[c], quant->shift[c]) + params->output_offset;
                    *out++ = (int8_t)edgec_clamp(v, params->activation.min, params->activation.max);
                }
            }
        }
    }
    return EDGEC_OK;
}
