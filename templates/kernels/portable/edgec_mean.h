/* edgec portable kernels: MEAN over H and W (int8, int16) with its own output quantization. */
#ifndef EDGEC_MEAN_H
#define EDGEC_MEAN_H

#include "edgec_types.h"

/* multiplier/shift already include the 1/(H*W) factor; output [n, c]. */
edgec_status edgec_mean_hw_s8(const int8_t *input, const edgec_dims *input_dims, int32_t input_zero_point,
                              int32_t output_zero_point, int32_t multiplier, int32_t shift, int8_t *output);

/* int16 (16x8 models): the same, clamped to int16; H * W at most 32768 (the int32 sum). */
edgec_status edgec_mean_hw_s16(const int16_t *input, const edgec_dims *input_dims, int32_t input_zero_point,
                               int32_t output_zero_point, int32_t multiplier, int32_t shift, int16_t *output);

#endif /* EDGEC_MEAN_H */
