/* edgec portable kernels: CONV_2D and DEPTHWISE_CONV_2D, int8 activations, int8 per-channel weights. */
#ifndef EDGEC_CONV_H
#define EDGEC_CONV_H

#include "edgec_types.h"

/* Fields as cmsis_nn_conv_params / cmsis_nn_dw_conv_params. */
typedef struct {
    int32_t input_offset;  /* -input zero point */
    int32_t output_offset; /* +output zero point */
    edgec_tile stride;
    edgec_tile padding;    /* top, left */
    edgec_tile dilation;
    edgec_activation activation;
} edgec_conv_params;

typedef struct {
    int32_t ch_mult;
    int32_t input_offset;
    int32_t output_offset;
    edgec_tile stride;
    edgec_tile padding;
    edgec_tile dilation;
    edgec_activation activation;
} edgec_dw_conv_params;

/*
 * input NHWC [n, h, w, c]; filter OHWI [filter_dims.n = C_OUT, h, w, c = C_IN / groups]; bias [C_OUT]
 * or NULL; output NHWC. Groups = input_dims.c / filter_dims.c.
 */
edgec_status edgec_convolve_s8(const edgec_conv_params *params, const edgec_per_channel_quant *quant,
                               const edgec_dims *input_dims, const int8_t *input,
                               const edgec_dims *filter_dims, const int8_t *filter,
                               const int32_t *bias, const edgec_dims *output_dims, int8_t *output);

/*
 * CONV_2D with one group and the input offset folded into the bias by the compiler, as generated code
 * calls it: kernel_sums[c] = bias[c] + input_offset * sum over the filter row of c (int32 wrap-around;
 * required). patch_buffer holds filter h * w * C_IN int8 values (arena scratch). Same bytes as
 * edgec_convolve_s8.
 */
edgec_status edgec_convolve_s8_folded(const edgec_conv_params *params, const edgec_per_channel_quant *quant,
                                      const edgec_dims *input_dims, const int8_t *input,
                                      const edgec_dims *filter_dims, const int8_t *filter,
                                      const int32_t *kernel_sums, const edgec_dims *output_dims, int8_t *output,
                                      int8_t *patch_buffer);

/* filter [1, h, w, C_OUT] with out channel = in channel * ch_mult + m. */
edgec_status edgec_depthwise_conv_s8(const edgec_dw_conv_params *params, const edgec_per_channel_quant *quant,
                                     const edgec_dims *input_dims, const int8_t *input,
                                     const edgec_dims *filter_dims, const int8_t *filter,
                                     const int32_t *bias, const edgec_dims *output_dims, int8_t *output);

/*
 * DEPTHWISE_CONV_2D with channel multiplier 1 and the input offset folded into the bias by the compiler:
 * kernel_sums[c] = bias[c] + input_offset * sum over the taps of filter[tap][c] (required). pad_row holds
 * C int8 values (arena scratch; filled here) and may be NULL when no tap of any pixel is padding. Same
 * bytes as edgec_depthwise_conv_s8.
 */
edgec_status edgec_depthwise_conv_s8_folded(const edgec_dw_conv_params *params, const edgec_per_channel_quant *quant,
                                            const edgec_dims *input_dims, const int8_t *input,
                                            const edgec_dims *filter_dims, const int8_t *filter,
                                            const int32_t *kernel_sums, const edgec_dims *output_dims, int8_t *output,
                                            int8_t *pad_row);

/* The same with packed int4 weights: element k in byte k >> 1, low nibble for even k. */
edgec_status edgec_convolve_s4(const edgec_conv_params *params, const edgec_per_channel_quant *quant,
                               const edgec_dims *input_dims, const int8_t *input,
                               const edgec_dims *filter_dims, const int8_t *filter,
                               const int32_t *bias, const edgec_dims *output_dims, int8_t *output);

edgec_status edgec_depthwise_conv_s4(const edgec_dw_conv_params *params, const edgec_per_channel_quant *quant,
                                     const edgec_dims *input_dims, const int8_t *input,
                                     const edgec_dims *filter_dims, const int8_t *filter,
                                     const int32_t *bias, const edgec_dims *output_dims, int8_t *output);

#endif /* EDGEC_CONV_H */
