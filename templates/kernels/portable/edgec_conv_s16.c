/* edgec portable kernels: int16 x int8 CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED. */
#include "edgec_conv_s16.h"
#include "edgec_requant.h"

static int32_t edgec_requantize_s16(int64_t acc, int32_t c, int32_t multiplier, int32_t shift, const edgec_bias_data *bias)
{
    if (bias->is_int32) {
        const int32_t b = bias->data != NULL ? ((const int32_t *)bias->data)[c] : 0;
        return edgec_requantize((int32_t)acc + b, multiplier, shift);
    }
    const int64_t b = bias->data != NULL ? ((const int64_t *)bias->data)[c] : 0;
    return edgec_requantize_s64(acc + b, multiplier, shift);
}

edgec_status edgec_convolve_s16(const edgec_conv_params *params, const edgec_per_channel_quant *quant,
                                const edgec_dims *input_dims, const int16_t *input,
                                const edgec_dims *filter_dims, const int8_t *filter,
                                const edgec_bias_data *bias, const edgec_dims *output_dims, int16_t *output)
{
    const int32_t in_c = input_dims->c;
    const int32_t group_c = filter_dims->c;
    const int32_t out_c = output_dims->c;
    if (group_c <= 0 || in_c % group_c != 0 || out_c % (in_c / group_c) != 0) {
        return EDGEC_ARG_ERROR;
    }
    const int32_t per_group = out_c / (in_c / group_c);
    int16_t *out = output;
    for (int32_t b = 0; b < input_dims->n; b++) {
        for (int32_t oy = 0; oy < output_dims->h; oy++) {
            for (int32_t ox = 0; ox < output_dims->w; ox++) {
                for (int32_t c = 0; c < out_c; c++) {
                    const int32_t g0 = (c / per_group) * group_c;
                    int64_t acc = 0;
                    for (int32_t ky = 0; ky < filter_dims->h; ky++) {
                        const int32_t iy = oy * params->stride.h - params->padding.h + ky * params->dilation.h;
                        if (iy < 0 || iy >= input_dims->h) {
                            continue;
                        }
                        for (int32_t kx = 0; kx < filter_dims->w; kx++) {
                            const int32_t ix = ox * params->stride.w - params->padding.w + kx * params->dilation.w;
                            if (ix < 0 || ix >= input_dims->w) {
                                continue;
                            }
                            const int16_t *x = input + ((b * input_dims->h + iy) * input_dims->w + ix) * in_c + g0;
                            const int8_t *w = filter + ((c * filter_dims->h + ky) * filter_dims->w + kx) * group_c;
                            for (int32_t ic = 0; ic < group_c; ic++) {
                                acc += (int32_t)w[ic] * ((int32_t)x[ic] + params->input_offset);
                            }
                        }
                    }
                    const int32_t v = edgec_requantize_s16(acc, c, quant->multiplier[c], quant->shift[c], bias) + params->output_offset;
                    *out++ = (int16_t)edgec_clamp(v, params->activation.min, params->activation.max);
                }
            }
        }
    }
    return EDGEC_OK;
}

edgec_status edgec_depthwise_conv_s16(const edgec_dw_conv_params *params, const edgec_per_channel_quant *quant,
                                      const edgec_dims *input_dims, const int16_t *input,
                                      const edgec_dims *filter_dims, const int8_t *filter,
                                      const edgec_bias_data *bias, const edgec_dims *output_dims, int16_t *output)
{
    const int32_t out_c = output_dims->c;
    if (out_c != input_dims->c * params->ch_mult) {
        return EDGEC_ARG_ERROR;
    }
    int16_t *out = output;
    for (int32_t b = 0; b < input_dims->n; b++) {
        for (int32_t oy = 0; oy < output_dims->h; oy++) {
            for (int32_t ox = 0; ox < output_dims->w; ox++) {
                for (int32_t c = 0; c < out_c; c++) {
                    const int32_t ic = c / params->ch_mult;
                    int64_t acc = 0;
                    for (int32_t ky = 0; ky < filter_dims->h; ky++) {
                        const int32_t iy = oy * params->stride.h - params->padding.h + ky * params->dilation.h;
                        if (iy < 0 || iy >= input_dims->h) {
                            continue;
                        }
                        for (int32_t kx = 0; kx < filter_dims->w; kx++) {
                            const int32_t ix = ox * params->stride.w - params->padding.w + kx * params->dilation.w;
                            if (ix < 0 || ix >= input_dims->w) {
                                continue;
                            }
                            const int32_t x = input[((b * input_dims->h + iy) * input_dims->w + ix) * input_dims->c + ic];
                            acc += (int32_t)filter[(ky * filter_dims->w + kx) * out_c + c] * (x + params->input_offset);
                        }
                    }
                    const int32_t v = edgec_requantize_s16(acc, c, quant->multiplier[c], quant->shift[c], bias) + params->output_offset;
                    *out++ = (int16_t)edgec_clamp(v, params->activation.min, params->activation.max);
                }
            }
        }
    }
    return EDGEC_OK;
}

edgec_status edgec_fully_connected_s16(const edgec_fc_params *params, const edgec_per_channel_quant *quant,
                                       int32_t per_channel, int32_t batches, int32_t accum_depth,
                                       int32_t output_depth, const int16_t *input, const int8_t *filter,
                                       const edgec_bias_data *bias, int16_t *output)
{
    for (int32_t b = 0; b < batches; b++) {
        for (int32_t c = 0; c < output_depth; c++) {
            int64_t acc = 0;
            for (int32_t d = 0; d < accum_depth; d++) {
                acc += ((int32_t)filter[c * accum_depth + d] + params->filter_offset) * ((int32_t)input[b * accum_depth + d] + params->input_offset);
            }
            const int32_t k = per_channel ? c : 0;
            const int32_t v = edgec_requantize_s16(acc, c, quant->multiplier[k], quant->shift[k], bias) + params->output_offset;
            output[b * output_depth + c] = (int16_t)edgec_clamp(v, params->activation.min, params->activation.max);
        }
    }
    return EDGEC_OK;
}
