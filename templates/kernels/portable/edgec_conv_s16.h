/*
 * edgec portable kernels, int16 activations x int8 weights ("16x8"): CONV_2D, DEPTHWISE_CONV_2D and
 * FULLY_CONNECTED. Parameters as the int8 kernels (offsets are 0 for int16); the bias is 64-bit
 * (reduced 16-bit multiplier requantization) or 32-bit (ordinary requantization).
 */
#ifndef EDGEC_CONV_S16_H
#define EDGEC_CONV_S16_H

#include "edgec_conv.h"
#include "edgec_fully_connected.h"

/* int16 convolution of 16x8 models (int32 bias) and .tflite files (int64 bias). */
edgec_status edgec_convolve_s16(const edgec_conv_params *params, const edgec_per_channel_quant *quant,
                                const edgec_dims *input_dims, const int16_t *input,
                                const edgec_dims *filter_dims, const int8_t *filter,
                                const edgec_bias_data *bias, const edgec_dims *output_dims, int16_t *output);

/* int16 depthwise convolution (16x8). */
edgec_status edgec_depthwise_conv_s16(const edgec_dw_conv_params *params, const edgec_per_channel_quant *quant,
                                      const edgec_dims *input_dims, const int16_t *input,
                                      const edgec_dims *filter_dims, const int8_t *filter,
                                      const edgec_bias_data *bias, const edgec_dims *output_dims, int16_t *output);

/* int16 FULLY_CONNECTED (16x8). */
edgec_status edgec_fully_connected_s16(const edgec_fc_params *params, const edgec_per_channel_quant *quant,
                                       int32_t per_channel, int32_t batches, int32_t accum_depth,
                                       int32_t output_depth, const int16_t *input, const int8_t *filter,
                                       const edgec_bias_data *bias, int16_t *output);

#endif /* EDGEC_CONV_S16_H */
