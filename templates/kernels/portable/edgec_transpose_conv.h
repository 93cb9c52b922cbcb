/*
 * edgec portable kernels: TRANSPOSE_CONV (int8). Arguments as the int8 convolution; weights
 * [C_OUT, KH, KW, C_IN]; padding is the top/left padding of the transposed convolution.
 */
#ifndef EDGEC_TRANSPOSE_CONV_H
#define EDGEC_TRANSPOSE_CONV_H

#include "edgec_conv.h"

/* Computed by gathering, so it needs no scratch buffer. */
edgec_status edgec_transpose_conv_s8(const edgec_conv_params *params, const edgec_per_channel_quant *quant,
                                     const edgec_dims *input_dims, const int8_t *input,
                                     const edgec_dims *filter_dims, const int8_t *filter,
                                     const int32_t *bias, const edgec_dims *output_dims, int8_t *output);

#endif /* EDGEC_TRANSPOSE_CONV_H */
