/*
 * edgec portable kernels: DEPTHWISE_CONV_2D (int8, channel multiplier 1) with the input offset folded
 * into the bias by the compiler. Channels are contiguous in NHWC input, filter and output, so four
 * channels run side by side: one word of input and one of weights per tap, their bytes multiplied lane
 * by lane (SXTB16 and SMLABB/SMLATT on DSP cores). Padding taps read the pad row, the input zero point
 * in every channel, whose offset-corrected contribution is zero as in the reference.
 */
#include <string.h>

#include "edgec_conv.h"
#include "edgec_dot_s8.h"
#include "edgec_requant.h"

/* acc[j] += x[j] * w[j] for four adjacent channels. */
static EDGEC_ALWAYS_INLINE void edgec_mac4_lanes(const int8_t *x, const int8_t *w, int32_t acc[4])
{
#if defined(__ARM_FEATURE_DSP) && (__ARM_FEATURE_DSP == 1)
    const uint32_t xv = (uint32_t)edgec_read_s8x4(x);
    const uint32_t wv = (uint32_t)edgec_read_s8x4(w);
    const uint32_t x_even = __sxtb16(xv), w_even = __sxtb16(wv);
    const uint32_t x_odd = edgec_sxtb16_ror8(xv), w_odd = edgec_sxtb16_ror8(wv);
    acc[0] = __smlabb(x_even, w_even, acc[0]);
    acc[2] = __smlatt(x_even, w_even, acc[2]);
    acc[1] = __smlabb(x_odd, w_odd, acc[1]);
    acc[3] = __smlatt(x_odd, w_odd, acc[3]);
#else
    for (int32_t j = 0; j < 4; j++) {
        acc[j] = (int32_t)((uint32_t)acc[j] + (uint32_t)(x[j] * w[j]));
    }
#endif
}

static EDGEC_ALWAYS_INLINE int8_t edgec_dw_output(const edgec_dw_conv_params *params, const edgec_per_channel_quant *quant,
                                                  int32_t c, int32_t acc)
{
    const int32_t v = edgec_requantize(acc, quant->multiplier[c], quant->shift[c]) + params->output_offset;
    return (int8_t)edgec_clamp(v, params->activation.min, params->activation.max);
}

edgec_status edgec_depthwise_conv_s8_folded(const edgec_dw_conv_params *params, const edgec_per_channel_quant *quant,
                                            const edgec_dims *input_dims, const int8_t *input,
                                            const edgec_dims *filter_dims, const int8_t *filter,
                                            const int32_t *kernel_sums, const edgec_dims *output_dims, int8_t *output,
                                            int8_t *pad_row)
{
    const int32_t in_h = input_dims->h;
    const int32_t in_w = input_dims->w;
    const int32_t ch = input_dims->c;
    const int32_t k_h = filter_dims->h;
    const int32_t k_w = filter_dims->w;
    if (params->ch_mult != 1 || output_dims->c != ch || kernel_sums == NULL) {
        return EDGEC_ARG_ERROR;
    }
    if (pad_row != NULL) {
        memset(pad_row, (int8_t)(-params->input_offset), (size_t)ch);
    }
    for (int32_t b = 0; b < input_dims->n; b++) {
        for (int32_t oy = 0; oy < output_dims->h; oy++) {
            const int32_t iy0 = oy * params->stride.h - params->padding.h;
            for (int32_t ox = 0; ox < output_dims->w; ox++) {
                const int32_t ix0 = ox * params->stride.w - params->padding.w;
                int8_t *out = output + ((b * output_dims->h + oy) * output_dims->w + ox) * ch;
                /* Channels in blocks of four, then one at a time (j_count 1): taps inner, sums in registers. */
                for (int32_t c = 0; c < ch;) {
                    const int32_t n = ch - c >= 4 ? 4 : 1;
                    int32_t acc[4] = { kernel_sums[c], 0, 0, 0 };
                    if (n == 4) {
                        acc[1] = kernel_sums[c + 1];
                        acc[2] = kernel_sums[c + 2];
                        acc[3] = kernel_sums[c + 3];
                    }
                    const int8_t *w = filter + c;
                    for (int32_t ky = 0; ky < k_h; ky++) {
                        const int32_t iy = iy0 + ky * params->dilation.h;
                        const int32_t row_ok = iy >= 0 && iy < in_h;
                        const int8_t *row = row_ok ? input + (b * in_h + iy) * in_w * ch + c : NULL;
                        for (int32_t kx = 0; kx < k_w; kx++, w += ch) {
                            const int32_t ix = ix0 + kx * params->dilation.w;
                            /* A padding tap needs pad_row, which the compiler provides when any tap pads. */
                            const int8_t *x = row_ok && ix >= 0 && ix < in_w ? row + ix * ch : pad_row + c;
                            if (n == 4) {
                                edgec_mac4_lanes(x, w, acc);
                            } else {
                                acc[0] = (int32_t)((uint32_t)acc[0] + (uint32_t)(x[0] * w[0]));
                            }
                        }
                    }
                    for (int32_t j = 0; j < n; j++) {
                        out[c + j] = edgec_dw_output(params, quant, c + j, acc[j]);
                    }
                    c += n;
                }
            }
        }
    }
    return EDGEC_OK;
}
