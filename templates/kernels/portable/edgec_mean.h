/* edgec portable kernels: MEAN over H and W (int8) with its own output quantization. */
#ifndef EDGEC_MEAN_H
#define EDGEC_MEAN_H

#include "edgec_types.h"

/* multiplier/shift already include the 1/(H*W) factor; output [n, c]. */
edgec_status edgec_mean_hw_s8(const int8_t *input, const edgec_dims *input_dims, int32_t input_zero_point,
                              int32_t output_zero_point, int32_t multiplier, int32_t shift, int8_t *output);

#endif /* EDGEC_MEAN_H */
