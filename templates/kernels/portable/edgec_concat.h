/* edgec portable kernels: CONCATENATION of int8 tensors sharing one quantization (a pure copy). */
#ifndef EDGEC_CONCAT_H
#define EDGEC_CONCAT_H

#include "edgec_types.h"

/*
 * inputs[i] has shape [outer, axis_sizes[i], inner] viewed flat; output [outer, sum(axis_sizes), inner].
 */
edgec_status edgec_concat_s8(const int8_t *const *inputs, const int32_t *axis_sizes, int32_t num_inputs,
                             int32_t outer, int32_t inner, int8_t *output);

#endif /* EDGEC_CONCAT_H */
