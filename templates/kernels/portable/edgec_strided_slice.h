/*
 * edgec portable kernels: STRIDED_SLICE (int8), rank 1..5. begin, strides and out_shape per axis are
 * resolved by the compiler (masks, negative indices, clamping); the kernel only walks the output.
 */
#ifndef EDGEC_STRIDED_SLICE_H
#define EDGEC_STRIDED_SLICE_H

#include "edgec_types.h"

edgec_status edgec_strided_slice_s8(const int8_t *input, int8_t *output, const int32_t *shape, const int32_t *begin,
                                    const int32_t *strides, const int32_t *out_shape, int32_t rank);

/*
 * The walk STRIDED_SLICE and TRANSPOSE share: an odometer over the output (rank 1..5), stepping the
 * input by step[a] elements along output axis a, from input element start.
 */
edgec_status edgec_strided_copy_s8(const int8_t *input, int32_t start, const int32_t *step, int8_t *output,
                                   const int32_t *out_shape, int32_t rank);

#endif /* EDGEC_STRIDED_SLICE_H */
