/* edgec portable kernels: TRANSPOSE (int8), a strided copy (twin of src/kernels/transpose.ts). */
#include "edgec_transpose.h"
#include "edgec_strided_slice.h"

edgec_status edgec_transpose_s8(const int8_t *input, int8_t *output, const int32_t *shape, const int32_t *perm, int32_t rank)
{
    int32_t in_stride[4];
    int32_t out_shape[4];
    int32_t step[4];
    if (rank < 1 || rank > 4) {
        return EDGEC_ARG_ERROR;
    }
    in_stride[rank - 1] = 1;
    for (int32_t i = rank - 2; i >= 0; i--) {
        in_stride[i] = in_stride[i + 1] * shape[i + 1];
    }
    /* Output axis i walks input axis perm[i]. */
    for (int32_t i = 0; i < rank; i++) {
        out_shape[i] = shape[perm[i]];
        step[i] = in_stride[perm[i]];
    }
    return edgec_strided_copy_s8(input, 0, step, output, out_shape, rank);
}
