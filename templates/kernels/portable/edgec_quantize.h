/*
 * edgec portable kernels: TFLite QUANTIZE between integer types (int8/int16 in; int8/int16/int32 out):
 * out = clamp(requant(x - input_zero_point) + output_zero_point) to the output type's range.
 * Elements are passed as untyped pointers with their sizes in bytes (1, 2 or 4).
 */
#ifndef EDGEC_QUANTIZE_H
#define EDGEC_QUANTIZE_H

#include "edgec_types.h"

edgec_status edgec_quantize_int(const void *input, int32_t input_bytes, void *output, int32_t output_bytes, int32_t size,
                                int32_t multiplier, int32_t shift, int32_t input_zero_point, int32_t output_zero_point);

#endif /* EDGEC_QUANTIZE_H */
