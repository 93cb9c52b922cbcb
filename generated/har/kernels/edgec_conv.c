/* edgec portable kernels: CONV_2D and DEPTHWISE_CONV_2D (int8). Loops only: constants come from the compiler. */
#include "edgec_conv.h"
#include "edgec_requant.h"
#include "edgec_int4.h"


static EDGEC_ALWAYS_INLINE edgec_status edgec_convolve_core(const edgec_conv_params *params, const edgec_per_channel_quant *quant,
                                               const edgec_dims *input_dims, const int8_t *input,
                                               const edgec_dims *filter_dims, const int8_t *filter,
                                               const int32_t *bias, const edgec_dims *output_dims, int8_t *output,
                                               int32_t packed4)
{
    const int32_t in_h = input_dims->h;
    const int32_t in_w = input_dims->w;
    const int32_t in_c = input_dims->c;
    const int32_t k_h = filter_dims->h;
    const int32_t k_w = filter_dims->w;
    const int32_t group_c = filter_dims->c;
    const int32_t out_c = output_dims->c;
    if (group_c <= 0 || in_c % group_c != 0) {
        return EDGEC_ARG_ERROR;
    }
    const int32_t groups = in_c / group_c;
    if (out_c % groups != 0) {
        return EDGEC_ARG_ERROR;
    }
    const int32_t per_group = out_c / groups;
    for (int32_t b = 0; b < input_dims->n; b++) {
        for (int32_t oy = 0; oy < output_dims->h; oy++) {
            const int32_t iy0 = oy * params->stride.h - params->padding.h;
            for (int32_t ox = 0; ox < output_dims->w; ox++) {
                const int32_t ix0 = ox * params->stride.w - params->padding.w;
                for (int32_t c = 0; c < out_c; c++) {
                    const int32_t g = c / per_group;
                    const int32_t w_row = c * k_h * k_w * group_c;
                    int32_t acc = 0;
                    for (int32_t ky = 0; ky < k_h; ky++) {
                        const int32_t iy = iy0 + ky * params->dilation.h;
                        if (iy < 0 || iy >= in_h) {
                            continue;
                        }
                        for (int32_t kx = 0; kx < k_w; kx++) {
                            const int32_t ix = ix0 + kx * params->dilation.w;
                            if (ix < 0 || ix >= in_w) {
                                continue;
                            }
                            const int8_t *x = input + ((b * in_h + iy) * in_w + ix) * in_c + g * group_c;
                            const int32_t w = w_row + (ky * k_w + kx) * group_c;
                            for (int32_t ic = 0; ic < group_c; ic++) {
                                acc += edgec_weight_at(filter, w + ic, packed4) * ((int32_t)x[ic] + params->input_offset);
                            }
                        }
                    }
                    if (bias != NULL) {
                        acc += bias[c];
                    }
                    int32_t v = edgec_requantize(acc, quant->multiplier[c], quant->shift[c]) + params->output_offset;
                    v = edgec_clamp(v, params->activation.min, params->activation.max);
                    output[((b * output_dims->h + oy) * output_dims->w + ox) * out_c + c] = (int8_t)v;
                }
            }
        }
    }
    return EDGEC_OK;
}

static EDGEC_ALWAYS_INLINE edgec_status edgec_depthwise_core(const edgec_dw_conv_params *params, const edgec_per_channel_quant *quant,
                                                const edgec_dims *input_dims, const int8_t *input,
                                                const edgec_dims *filter_dims, const int8_t *filter,
                                                const int32_t *bias, const edgec_dims *output_dims, int8_t *output,
                                                int32_t packed4)
{
    const int32_t in_h = input_dims->h;
    const int32_t in_w = input_dims->w;
    const int32_t in_c = input_dims->c;
    const int32_t out_c = output_dims->c;
    const int32_t mult = params->ch_mult;
    if (out_c != in_c * mult) {
        return EDGEC_ARG_ERROR;
    }
    for (int32_t b = 0; b < input_dims->n; b++) {
        for (int32_t oy = 0; oy < output_dims->h; oy++) {
            const int32_t iy0 = oy * params->stride.h - params->padding.h;
            for (int32_t ox = 0; ox < output_dims->w; ox++) {
                const int32_t ix0 = ox * params->stride.w - params->padding.w;
                for (int32_t ic = 0; ic < in_c; ic++) {
                    for (int32_t m = 0; m < mult; m++) {
                        const int32_t c = ic * mult + m;
                        int32_t acc = 0;
                        for (int32_t ky = 0; ky < filter_dims->h; ky++) {
                            const int32_t iy = iy0 + ky * params->dilation.h;
                            if (iy < 0 || iy >= in_h) {
                                continue;
                            }
                            for (int32_t kx = 0; kx < filter_dims->w; kx++) {
                                const int32_t ix = ix0 + kx * params->dilation.w;
                                if (ix < 0 || ix >= in_w) {
                                    continue;
                                }
                                const int32_t x = input[((b * in_h + iy) * in_w + ix) * in_c + ic];
                                acc += edgec_weight_at(filter, (ky * filter_dims->w + kx) * out_c + c, packed4) * (x + params->input_offset);
                            }
                        }
                        if (bias != NULL) {
                            acc += bias[c];
                        }
                        int32_t v = edgec_requantize(acc, quant->multiplier[c], quant->shift[c]) + params->output_offset;
                        v = edgec_clamp(v, params->activation.min, params->activation.max);
                        output[((b * output_dims->h + oy) * output_dims->w + ox) * out_c + c] = (int8_t)v;
                    }
                }
            }
        }
    }
    return EDGEC_OK;
}

#define EDGEC_CONV_ARGS params, quant, input_dims, input, filter_dims, filter, bias, output_dims, output

edgec_status edgec_convolve_s8(const edgec_conv_params *params, const edgec_per_channel_quant *quant,
                               const edgec_dims *input_dims, const int8_t *input,
                               const edgec_dims *filter_dims, const int8_t *filter,
                               const int32_t *bias, const edgec_dims *output_dims, int8_t *output)
{
    return edgec_convolve_core(EDGEC_CONV_ARGS, 0);
}

edgec_status edgec_convolve_s4(const edgec_conv_params *params, const edgec_per_channel_quant *quant,
                               const edgec_dims *input_dims, const int8_t *input,
                               const edgec_dims *filter_dims, const int8_t *filter,
                               const int32_t *bias, const edgec_dims *output_dims, int8_t *output)
{
    return edgec_convolve_core(EDGEC_CONV_ARGS, 1);
}

edgec_status edgec_depthwise_conv_s8(const edgec_dw_conv_params *params, const edgec_per_channel_quant *quant,
                                     const edgec_dims *input_dims, const int8_t *input,
                                     const edgec_dims *filter_dims, const int8_t *filter,
                                     const int32_t *bias, const edgec_dims *output_dims, int8_t *output)
{
    return edgec_depthwise_core(EDGEC_CONV_ARGS, 0);
}

edgec_status edgec_depthwise_conv_s4(const edgec_dw_conv_params *params, const edgec_per_channel_quant *quant,
                                     const edgec_dims *input_dims, const int8_t *input,
                                     const edgec_dims *filter_dims, const int8_t *filter,
                                     const int32_t *bias, const edgec_dims *output_dims, int8_t *output)
{
    return edgec_depthwise_core(EDGEC_CONV_ARGS, 1);
}
