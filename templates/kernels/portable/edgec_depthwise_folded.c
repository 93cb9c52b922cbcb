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

/* The largest kernel (taps) whose per-pixel tap table lives on the stack (one pointer each). */
#define EDGEC_DW_MAX_TAPS 16

/* a_j += x[j] * w[j] for four adjacent channels (sums in four locals, kept in registers once inlined). */
static EDGEC_ALWAYS_INLINE void edgec_mac4_lanes(const int8_t *x, const int8_t *w, int32_t *a0, int32_t *a1, int32_t *a2,
                                                 int32_t *a3)
{
#if defined(__ARM_FEATURE_DSP) && (__ARM_FEATURE_DSP == 1)
    const uint32_t xv = (uint32_t)edgec_read_s8x4(x);
    const uint32_t wv = (uint32_t)edgec_read_s8x4(w);
    const uint32_t x_even = (uint32_t)__sxtb16((int8x4_t)xv), w_even = (uint32_t)__sxtb16((int8x4_t)wv);
    const uint32_t x_odd = edgec_sxtb16_ror8(xv), w_odd = edgec_sxtb16_ror8(wv);
    *a0 = __smlabb((int32_t)x_even, (int32_t)w_even, *a0);
    *a2 = __smlatt((int32_t)x_even, (int32_t)w_even, *a2);
    *a1 = __smlabb((int32_t)x_odd, (int32_t)w_odd, *a1);
    *a3 = __smlatt((int32_t)x_odd, (int32_t)w_odd, *a3);
#else
    *a0 = (int32_t)((uint32_t)*a0 + (uint32_t)(x[0] * w[0]));
    *a1 = (int32_t)((uint32_t)*a1 + (uint32_t)(x[1] * w[1]));
    *a2 = (int32_t)((uint32_t)*a2 + (uint32_t)(x[2] * w[2]));
    *a3 = (int32_t)((uint32_t)*a3 + (uint32_t)(x[3] * w[3]));
#endif
}

/* Compiled as on its own even under -flto (see EDGEC_NO_IPA). */
EDGEC_NO_IPA
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
    const edgec_output_stage o = { quant->multiplier, quant->shift, params->output_offset, params->activation.min,
                                   params->activation.max };
    for (int32_t b = 0; b < input_dims->n; b++) {
        for (int32_t oy = 0; oy < output_dims->h; oy++) {
            const int32_t iy0 = oy * params->stride.h - params->padding.h;
            for (int32_t ox = 0; ox < output_dims->w; ox++) {
                const int32_t ix0 = ox * params->stride.w - params->padding.w;
                int8_t *out = output + ((b * output_dims->h + oy) * output_dims->w + ox) * ch;
                /*
                 * Where each tap reads, for this pixel: the input pixel, or the pad row for a padding tap.
                 * Built once per pixel and shared by every channel block (kernels of up to
                 * EDGEC_DW_MAX_TAPS taps; larger ones test bounds per tap).
                 */
                const int8_t *taps[EDGEC_DW_MAX_TAPS];
                const int32_t tabled = k_h * k_w <= EDGEC_DW_MAX_TAPS;
                if (tabled) {
                    int32_t t = 0;
                    for (int32_t ky = 0; ky < k_h; ky++) {
                        const int32_t iy = iy0 + ky * params->dilation.h;
                        for (int32_t kx = 0; kx < k_w; kx++, t++) {
                            const int32_t ix = ix0 + kx * params->dilation.w;
                            taps[t] = iy >= 0 && iy < in_h && ix >= 0 && ix < in_w ? input + ((b * in_h + iy) * in_w + ix) * ch
                                                                                  : pad_row;
                        }
                    }
                }
                int32_t c = 0;
                /* Channels in blocks of four: taps inner, the four sums in registers. */
                for (; c + 4 <= ch; c += 4) {
                    int32_t a0 = kernel_sums[c], a1 = kernel_sums[c + 1], a2 = kernel_sums[c + 2], a3 = kernel_sums[c + 3];
                    const int8_t *w = filter + c;
                    if (tabled) {
                        for (int32_t t = 0; t < k_h * k_w; t++, w += ch) {
                            edgec_mac4_lanes(taps[t] + c, w, &a0, &a1, &a2, &a3);
                        }
                    } else {
                        for (int32_t ky = 0; ky < k_h; ky++) {
                            const int32_t iy = iy0 + ky * params->dilation.h;
                            const int32_t row_ok = iy >= 0 && iy < in_h;
                            const int8_t *row = row_ok ? input + (b * in_h + iy) * in_w * ch + c : NULL;
                            for (int32_t kx = 0; kx < k_w; kx++, w += ch) {
                                const int32_t ix = ix0 + kx * params->dilation.w;
                                /* A padding tap reads pad_row, which the compiler provides when any tap pads. */
                                edgec_mac4_lanes(row_ok && ix >= 0 && ix < in_w ? row + ix * ch : pad_row + c, w, &a0, &a1, &a2, &a3);
                            }
                        }
                    }
                    out[c] = edgec_output_s8(&o, c, a0);
                    out[c + 1] = edgec_output_s8(&o, c + 1, a1);
                    out[c + 2] = edgec_output_s8(&o, c + 2, a2);
                    out[c + 3] = edgec_output_s8(&o, c + 3, a3);
                }
                for (; c < ch; c++) {
                    uint32_t acc = (uint32_t)kernel_sums[c];
                    const int8_t *w = filter + c;
                    for (int32_t ky = 0; ky < k_h; ky++) {
                        const int32_t iy = iy0 + ky * params->dilation.h;
                        for (int32_t kx = 0; kx < k_w; kx++, w += ch) {
                            const int32_t ix = ix0 + kx * params->dilation.w;
                            const int32_t x = iy >= 0 && iy < in_h && ix >= 0 && ix < in_w
                                                  ? input[((b * in_h + iy) * in_w + ix) * ch + c]
                                                  : -params->input_offset;
                            acc += (uint32_t)(x * w[0]);
                        }
                    }
                    out[c] = edgec_output_s8(&o, c, (int32_t)acc);
                }
            }
        }
    }
    return EDGEC_OK;
}
